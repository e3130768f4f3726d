// @vitest-environment happy-dom
// The load-progress line: shown while the server's first load runs, updated from
// api/progress until it says loaded, then hidden; no line when the server does not answer.

import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApiClient } from "../api/client";
import type { WireLoadProgress } from "../api/wire_types";
import { LoadProgressView, formatBytes, progressText } from "./progress";

const loading = (filesRead: number, bytesRead: number): WireLoadProgress => ({
  loaded: false, loading: true, runs: 3, files_total: 6, files_read: filesRead,
  bytes_total: 6_000_000, bytes_read: bytesRead, seconds: 1.5,
});
const loaded: WireLoadProgress = { ...loading(6, 6_000_000), loaded: true, loading: false, seconds: 2.25 };

/** A client whose api/progress answers the given values in turn (the last one repeats). */
function clientAnswering(answers: (WireLoadProgress | Error)[]): { client: ApiClient; calls: string[] } {
  const calls: string[] = [];
  const client = {
    getJson: async (path: string) => {
      calls.push(path);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as ApiClient;
  return { client, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("load progress", () => {
  it("formats sizes and the line's text", () => {
    expect(formatBytes(950)).toBe("950 B");
    expect(formatBytes(12_345)).toBe("12.3 kB");
    expect(formatBytes(4_100_000_000)).toBe("4.1 GB");
    expect(progressText(loading(2, 1_500_000))).toBe(
      "Loading the logdir: 2 of 6 event files, 1.5 MB of 6.0 MB (3 runs)…",
    );
    expect(progressText({ ...loading(0, 0), files_total: 0, bytes_total: 0 })).toContain("looking for event files");
    expect(progressText(loaded)).toBe("Loaded 3 runs, 6 event files, 6.0 MB in 2.3 s");
  });

  it("shows the line while loading, polls until loaded, then hides and stops", async () => {
    vi.useFakeTimers();
    const { client, calls } = clientAnswering([loading(1, 1_000_000), loading(4, 4_000_000), loaded]);
    const view = new LoadProgressView(client, 100);
    view.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(view.element.hidden).toBe(false);
    expect(view.element.dataset.filesRead).toBe("1");
    expect(view.element.querySelector("progress")?.value).toBeCloseTo(1 / 6);
    await vi.advanceTimersByTimeAsync(100);
    expect(view.element.dataset.filesRead).toBe("4");
    expect(view.element.textContent).toContain("4 of 6 event files");
    await vi.advanceTimersByTimeAsync(100);
    expect(view.element.hidden).toBe(true);
    expect(view.element.dataset.loaded).toBe("1");
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3); // no more requests once loaded
  });

  it("stays hidden when the server does not answer, and stop() ends the polling", async () => {
    vi.useFakeTimers();
    const failing = clientAnswering([new Error("404")]);
    const view = new LoadProgressView(failing.client, 100);
    view.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(view.element.hidden).toBe(true);
    expect(failing.calls).toHaveLength(1);

    const slow = clientAnswering([loading(1, 10)]);
    const stopped = new LoadProgressView(slow.client, 100);
    stopped.start();
    await vi.advanceTimersByTimeAsync(0);
    stopped.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(slow.calls).toHaveLength(1);
  });
});
