// Keyboard shortcuts: a registry the shell and the dashboards register commands into, one
// keydown listener on the document, and the list the help overlay (`?`) shows.
//
//   const off = keyboard.register({ id: "scalars.toggle-smoothing", keys: ["s"], group: "Scalars",
//     description: "Toggle smoothing", run: () => toggle() });
//   off();   // unregisters (e.g. when the dashboard is destroyed)
//
// Keys are KeyboardEvent.key values ("?", "/", "s", "[", "Escape"). A key pressed with Ctrl,
// Alt or Meta, or while typing in a text field (Escape excepted), is left to the browser. When
// several commands share a key, the one registered last is tried first; a command whose `run`
// returns false did not apply (nothing under the pointer, say) and the next one is tried.
//
// Commands acting on "the card" act on targetCard(): the card under the pointer, else the card
// holding the keyboard focus. Command names other modules rely on are exported below
// (PIN_COMMAND: the pinned-cards feature registers it with the key "p").

export interface Shortcut {
  /** The command's name (unique: registering it again replaces it). */
  readonly id: string;
  readonly keys: readonly string[];
  readonly description: string;
  /** The heading it is listed under in the help overlay. */
  readonly group: string;
  /** Runs the command; false: it did not apply, try the next command of the key. */
  run(event: KeyboardEvent): boolean | void;
}

/** Pin or unpin the card under the pointer (registered by the pinned cards). */
export const PIN_COMMAND = "card.pin";

/** Whether keys typed at `target` are text input (the shortcuts leave them alone). */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "range", "button", "submit", "reset", "color", "file"].includes(target.type);
  return false;
}

export class KeyboardRegistry {
  private readonly shortcuts = new Map<string, Shortcut>();
  private pointer: { x: number; y: number } | null = null;
  private doc: Document | null = null;

  /** Adds `shortcut` (replacing one of the same id); returns its removal. */
  register(shortcut: Shortcut): () => void {
    this.shortcuts.delete(shortcut.id);
    this.shortcuts.set(shortcut.id, shortcut);
    return () => {
      if (this.shortcuts.get(shortcut.id) === shortcut) this.shortcuts.delete(shortcut.id);
    };
  }

  /** The shortcuts in registration order. */
  list(): Shortcut[] {
    return [...this.shortcuts.values()];
  }

  /** Runs the command `event` stands for; true when one handled it (default prevented). */
  handle(event: KeyboardEvent): boolean {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return false;
    if (event.key !== "Escape" && isTextEntry(event.target)) return false;
    const candidates = this.list().filter((s) => s.keys.includes(event.key)).reverse();
    for (const shortcut of candidates) {
      if (shortcut.run(event) !== false) {
        event.preventDefault();
        return true;
      }
    }
    return false;
  }

  /** Listens on `doc` (keys, and the pointer for targetCard()); returns the removal. */
  install(doc: Document = document): () => void {
    this.doc = doc;
    const onKey = (event: KeyboardEvent): void => void this.handle(event);
    const onMove = (event: PointerEvent | MouseEvent): void => {
      this.pointer = { x: event.clientX, y: event.clientY };
    };
    doc.addEventListener("keydown", onKey);
    doc.addEventListener("pointermove", onMove, { passive: true });
    doc.addEventListener("mousemove", onMove, { passive: true });
    return () => {
      doc.removeEventListener("keydown", onKey);
      doc.removeEventListener("pointermove", onMove);
      doc.removeEventListener("mousemove", onMove);
    };
  }

  /** The card (.tb-card) under the pointer, else the one holding the focus, else null. */
  targetCard(): HTMLElement | null {
    const doc = this.doc ?? document;
    if (this.pointer && typeof doc.elementFromPoint === "function") {
      const under = doc.elementFromPoint(this.pointer.x, this.pointer.y)?.closest<HTMLElement>(".tb-card");
      if (under) return under;
    }
    const focused = doc.activeElement;
    return focused instanceof HTMLElement ? focused.closest<HTMLElement>(".tb-card") : null;
  }
}

/** The page's registry. */
export const keyboard = new KeyboardRegistry();
