// The pins: which cards the user pinned (CardRef, in pin order), kept in localStorage. Not
// in the URL: pins are the user's workspace, like the settings, and a long pin list would
// swamp a shared link; so they stay across tabs, reloads and visits. The pinned section
// (shell/pinned.ts) shows them; a card's pin button (components/card.ts) toggles them.

import type { CardRef, PinBoard } from "./dashboard";
import { cardRefId } from "./dashboard";
import { isDashboardId } from "./dashboards";

export const PINS_STORAGE_KEY = "trainboard.pins";
/** More would make the section a dashboard of its own. */
export const MAX_PINS = 50;

/** What of localStorage the store uses (tests pass a Map-backed stand-in). */
export type PinStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

function browserStorage(): PinStorage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage denied (e.g. sandboxed iframes)
  }
}

/** The refs stored in `text` (JSON), dropping malformed entries and repeats. */
export function parsePins(text: string | null): CardRef[] {
  if (!text) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const pins: CardRef[] = [];
  const seen = new Set<string>();
  for (const item of data) {
    if (typeof item !== "object" || item === null) continue;
    const { dashboard, key, tag, run } = item as Record<string, unknown>;
    if (typeof dashboard !== "string" || !isDashboardId(dashboard) || typeof key !== "string" || typeof tag !== "string") continue;
    if (run !== null && typeof run !== "string") continue;
    const ref: CardRef = { dashboard, key, tag, run };
    const id = cardRefId(ref);
    if (seen.has(id) || pins.length >= MAX_PINS) continue;
    seen.add(id);
    pins.push(ref);
  }
  return pins;
}

/** The pins, persisted in storage; every change is saved and heard by the subscribers. */
export class PinStore implements PinBoard {
  private list: CardRef[];
  private readonly storage: PinStorage | null;
  private readonly listeners = new Set<() => void>();

  constructor(storage: PinStorage | null = browserStorage()) {
    this.storage = storage;
    this.list = parsePins(this.read());
    if (storage !== null && typeof window !== "undefined" && storage === browserStorage()) {
      // Pins changed in another tab of the board: follow them.
      window.addEventListener("storage", (event) => {
        if (event.key !== PINS_STORAGE_KEY) return;
        this.list = parsePins(event.newValue);
        this.notify();
      });
    }
  }

  get pins(): readonly CardRef[] {
    return this.list;
  }

  isPinned(ref: CardRef): boolean {
    const id = cardRefId(ref);
    return this.list.some((pin) => cardRefId(pin) === id);
  }

  toggle(ref: CardRef): boolean {
    if (this.isPinned(ref)) {
      this.unpin(ref);
      return false;
    }
    return this.pin(ref);
  }

  /** Pins `ref` at the end; false when the list is full. */
  pin(ref: CardRef): boolean {
    if (this.isPinned(ref)) return true;
    if (this.list.length >= MAX_PINS) return false;
    this.set([...this.list, { dashboard: ref.dashboard, key: ref.key, tag: ref.tag, run: ref.run }]);
    return true;
  }

  unpin(ref: Pick<CardRef, "dashboard" | "key">): void {
    const id = cardRefId(ref);
    this.set(this.list.filter((pin) => cardRefId(pin) !== id));
  }

  clear(): void {
    this.set([]);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private read(): string | null {
    try {
      return this.storage?.getItem(PINS_STORAGE_KEY) ?? null;
    } catch {
      return null;
    }
  }

  private set(pins: CardRef[]): void {
    this.list = pins;
    try {
      if (pins.length === 0) this.storage?.removeItem(PINS_STORAGE_KEY);
      else this.storage?.setItem(PINS_STORAGE_KEY, JSON.stringify(pins));
    } catch {
      // storage full or denied: the pins still hold for this page
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
