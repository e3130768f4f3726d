// The load-progress line: while the server's first read of the logdir runs, how many event
// files and bytes it has indexed so far. It asks GET api/progress (which answers at once) every
// POLL_MS until the answer says loaded, then hides and asks no more; this is the page's only
// repeated request, and only during that first read. A server that does not answer it (an
// older one, a fake) hides the line.
// Hooks: data-testid="load-progress" (hidden once loaded), data-loaded ("0" | "1"),
// data-files-read, data-files-total, data-bytes-read, data-bytes-total; a <progress> bar.

import type { ApiClient } from "../api/client";
import type { WireLoadProgress } from "../api/wire_types";
import { h } from "../core/dom";
import "./progress.css";

export const POLL_MS = 250;

/** A byte count for people: 950 B, 12.3 kB, 4.1 MB, 2.0 GB (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** The line's text for one answer of api/progress. */
export function progressText(p: WireLoadProgress): string {
  if (p.loaded) {
    const runs = p.runs === 1 ? "1 run" : `${p.runs} runs`;
    return `Loaded ${runs}, ${p.files_total} event files, ${formatBytes(p.bytes_total)} in ${p.seconds.toFixed(1)} s`;
  }
  if (p.files_total === 0) return "Loading the logdir: looking for event files…";
  const runs = p.runs === 1 ? "1 run" : `${p.runs} runs`;
  return (
    `Loading the logdir: ${p.files_read} of ${p.files_total} event files, ` +
    `${formatBytes(p.bytes_read)} of ${formatBytes(p.bytes_total)} (${runs})…`
  );
}

export class LoadProgressView {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly client: ApiClient;
  private readonly pollMs: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(client: ApiClient, pollMs = POLL_MS) {
    this.client = client;
    this.pollMs = pollMs;
    this.text = h("span", { class: "tb-load-progress-text", "data-testid": "load-progress-text" });
    this.bar = h("progress", { max: "1" });
    this.element = h(
      "div",
      { class: "tb-load-progress", role: "status", "aria-live": "polite", "data-testid": "load-progress" },
      this.bar,
      this.text,
    );
    this.element.hidden = true;
    this.element.dataset.loaded = "0";
  }

  /** Asks the server now, then every pollMs until it has loaded. */
  start(): void {
    this.stopped = false;
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Shows one answer: the line while loading, nothing once loaded. */
  show(p: WireLoadProgress): void {
    const data = this.element.dataset;
    data.loaded = p.loaded ? "1" : "0";
    data.filesRead = String(p.files_read);
    data.filesTotal = String(p.files_total);
    data.bytesRead = String(p.bytes_read);
    data.bytesTotal = String(p.bytes_total);
    this.text.textContent = progressText(p);
    if (p.bytes_total > 0) this.bar.value = p.bytes_read / p.bytes_total;
    else this.bar.removeAttribute("value"); // indeterminate while files are looked for
    this.element.hidden = p.loaded;
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    let answer: WireLoadProgress;
    try {
      answer = await this.client.getJson<WireLoadProgress>("api/progress");
    } catch {
      this.element.hidden = true;
      return;
    }
    if (this.stopped) return;
    this.show(answer);
    if (!answer.loaded) this.timer = setTimeout(() => void this.poll(), this.pollMs);
  }
}
