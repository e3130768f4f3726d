// A value a dashboard loads from the server again and again (a tag index, a layout), of which
// only the newest answer counts: a load started later wins even when an earlier one answers
// after it, and a failed load keeps the last value and says why. Reloads asked for in a burst
// (push messages) are debounced into one. `pending` counts the loads in flight and a reload
// waiting to start, for window.__trainboard.pending.
//
//   const tags = new LatestLoad({ fetch: () => client.tags("text"), what: "the text tags", loaded: () => rebuild() });
//   void tags.load();   // later: tags.value, tags.error; on a push message: tags.reloadSoon()

import { DebouncedCalls } from "./dom";

/** How long a burst of reload requests is gathered before one load starts. */
export const RELOAD_MS = 200;

export interface LatestLoadOptions<T> {
  fetch(): Promise<T>;
  /** What is loaded, for the error message ("the scalar tags"). */
  readonly what: string;
  /** After each load that is still the newest, whether it succeeded or failed. */
  loaded(): void;
  readonly reloadMs?: number;
}

export class LatestLoad<T> {
  /** Loads the value again, `reloadMs` after the last of a burst of calls. */
  readonly reloadSoon: () => void;
  private readonly options: LatestLoadOptions<T>;
  private readonly calls = new DebouncedCalls();
  private current: T | null = null;
  private failure: string | null = null;
  private loads = 0;
  private generation = 0;

  constructor(options: LatestLoadOptions<T>) {
    this.options = options;
    this.reloadSoon = this.calls.add(options.reloadMs ?? RELOAD_MS, () => void this.load());
  }

  /** The newest value loaded (null until a load succeeds). */
  get value(): T | null {
    return this.current;
  }

  /** Why the newest load failed (null when it succeeded or none has ended yet). */
  get error(): string | null {
    return this.failure;
  }

  /** Loads in flight plus a reload waiting to start. */
  get pending(): number {
    return this.loads + this.calls.pending;
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.loads++;
    try {
      const value = await this.options.fetch();
      if (generation !== this.generation) return;
      this.current = value;
      this.failure = null;
    } catch (err) {
      if (generation !== this.generation) return;
      this.failure = `Could not load ${this.options.what}: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.loads--;
    }
    this.options.loaded();
  }
}
