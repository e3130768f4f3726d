// Limits concurrent requests (cards scrolled into view all at once would otherwise queue in
// the browser anyway) and counts what is in flight, for tests waiting on a quiet page.

type Listener = (pending: number) => void;

export class FetchQueue {
  private readonly limit: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(limit = 6) {
    this.limit = limit;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.active + this.waiting.length;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      // The finishing task hands its slot over, so `active` already counts this one.
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.notify();
      });
    } else {
      this.active++;
      this.notify();
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
      this.notify();
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.pending);
  }
}
