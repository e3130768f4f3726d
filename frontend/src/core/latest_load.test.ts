import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DebouncedCalls } from "./dom";
import { LatestLoad, RELOAD_MS } from "./latest_load";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A fetch whose answers the test gives, one per call, in any order. */
function deferredFetch(): { fetch: () => Promise<number>; answer: (i: number, value: number | Error) => void } {
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  return {
    fetch: () => new Promise<number>((resolve, reject) => pending.push({ resolve, reject })),
    answer: (i, value) => {
      const call = pending[i];
      if (!call) throw new Error(`no call ${i}`);
      if (value instanceof Error) call.reject(value);
      else call.resolve(value);
    },
  };
}

describe("DebouncedCalls", () => {
  it("runs each call once after its burst and counts it as pending until then", async () => {
    const calls = new DebouncedCalls();
    const ran: string[] = [];
    const a = calls.add(100, () => ran.push("a"));
    const b = calls.add(300, () => ran.push("b"));
    a();
    a();
    b();
    expect(calls.pending).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect([ran, calls.pending]).toEqual([["a"], 1]);
    await vi.advanceTimersByTimeAsync(200);
    expect([ran, calls.pending]).toEqual([["a", "b"], 0]);
  });
});

describe("LatestLoad", () => {
  it("keeps the newest load's answer even when an older one answers later", async () => {
    const { fetch, answer } = deferredFetch();
    const loaded = vi.fn();
    const load = new LatestLoad({ fetch, what: "the numbers", loaded });
    const first = load.load();
    const second = load.load();
    expect(load.pending).toBe(2);
    answer(1, 2);
    await second;
    answer(0, 1);
    await first;
    expect([load.value, load.error, load.pending]).toEqual([2, null, 0]);
    expect(loaded).toHaveBeenCalledTimes(1);
  });

  it("keeps the last value when a load fails, and says why", async () => {
    const { fetch, answer } = deferredFetch();
    const load = new LatestLoad({ fetch, what: "the numbers", loaded: () => undefined });
    const first = load.load();
    answer(0, 5);
    await first;
    const second = load.load();
    answer(1, new Error("offline"));
    await second;
    expect([load.value, load.error]).toEqual([5, "Could not load the numbers: offline"]);
  });

  it("gathers a burst of reloads into one, pending from the first", async () => {
    const fetch = vi.fn(async () => 7);
    const load = new LatestLoad({ fetch, what: "x", loaded: () => undefined });
    load.reloadSoon();
    load.reloadSoon();
    expect(load.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(RELOAD_MS);
    expect([fetch.mock.calls.length, load.value, load.pending]).toEqual([1, 7, 0]);
  });
});
