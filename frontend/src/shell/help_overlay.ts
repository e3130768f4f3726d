// The keyboard help overlay (key "?"): every registered shortcut (core/keyboard.ts), grouped,
// with its keys. Escape, "?" again, the close button or a click beside the panel closes it.
//
// Hooks: help-overlay (hidden while closed), help-close, help-shortcut (data-id: the command,
// data-keys: its keys joined by a space).

import { h } from "../core/dom";
import type { Shortcut } from "../core/keyboard";

const KEY_NAMES: Readonly<Record<string, string>> = { " ": "Space", Escape: "Esc", ArrowLeft: "←", ArrowRight: "→", ArrowUp: "↑", ArrowDown: "↓" };

export class HelpOverlay {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;

  constructor() {
    const close = h("button", { type: "button", class: "tb-settings-close", "data-testid": "help-close", "aria-label": "Close" }, "×");
    close.addEventListener("click", () => this.close());
    this.body = h("div", { class: "tb-help-body" });
    const panel = h(
      "div",
      { class: "tb-help-panel" },
      h("div", { class: "tb-settings-head" }, h("h2", {}, "Keyboard shortcuts"), close),
      this.body,
    );
    this.element = h("div", { class: "tb-help", "data-testid": "help-overlay", role: "dialog", "aria-modal": "true", "aria-label": "Keyboard shortcuts" }, panel);
    this.element.addEventListener("click", (event) => {
      if (event.target === this.element) this.close();
    });
    this.element.hidden = true;
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Shows `shortcuts`, grouped in the order their groups first appear. */
  open(shortcuts: readonly Shortcut[]): void {
    const groups = new Map<string, Shortcut[]>();
    for (const s of shortcuts) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
    this.body.replaceChildren(
      ...[...groups].map(([group, list]) =>
        h(
          "section",
          { class: "tb-help-group" },
          h("h3", {}, group),
          h(
            "dl",
            {},
            ...list.flatMap((s) => [
              h("dt", { "data-testid": "help-shortcut", "data-id": s.id, "data-keys": s.keys.join(" ") }, ...s.keys.flatMap((k, i) => [i > 0 ? " or " : null, h("kbd", {}, KEY_NAMES[k] ?? k)])),
              h("dd", {}, s.description),
            ]),
          ),
        ),
      ),
    );
    this.element.hidden = false;
  }

  close(): void {
    this.element.hidden = true;
  }
}
