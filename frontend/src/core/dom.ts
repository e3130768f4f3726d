// A tiny element builder: the whole UI is plain DOM, no framework.

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates an element; attributes with null/undefined/false values are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** Compiles a user regex; an invalid one matches nothing and reports why. */
export function compileFilter(text: string): { test: (s: string) => boolean; error: string | null } {
  if (!text) return { test: () => true, error: null };
  try {
    const re = new RegExp(text, "i");
    return { test: (s) => re.test(s), error: null };
  } catch (err) {
    return { test: () => false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Calls `fn` once, `delayMs` after the last of a burst of calls. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, delayMs: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return (...args: A) => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, delayMs);
  };
}

/**
 * Debounced calls that count as pending from the first call of a burst until they run, so a
 * dashboard can add them to its `pending` (window.__trainboard.pending: 0 means quiet).
 *
 *   const calls = new DebouncedCalls();
 *   const refetchSoon = calls.add(250, () => refetch());
 *   refetchSoon(); refetchSoon(); // calls.pending === 1 until refetch() runs, once
 */
export class DebouncedCalls {
  private readonly waiting = new Set<object>();

  /** How many of the calls are waiting to run. */
  get pending(): number {
    return this.waiting.size;
  }

  /** A function that runs `fn` once, `delayMs` after the last of a burst of calls to it. */
  add(delayMs: number, fn: () => void): () => void {
    const token = {};
    const run = debounce(() => {
      this.waiting.delete(token);
      fn();
    }, delayMs);
    return () => {
      this.waiting.add(token);
      run();
    };
  }
}
