// The notes menu of one run (opened from its row's "⋯" button, a right-click on the row, or
// the ContextMenu key / Shift+F10 on its checkbox): rename, colour, tags, a free-text note,
// hide, archive, and move to the trash. Every change goes through RunMenuActions.change (PUT
// /api/runs/notes with the note's revision); a refused change shows why in the menu, which
// then shows the note as it now is. Escape or the close button closes it and gives the focus
// back to where it was.
//
// Also the toast that offers Undo after a run went to the trash.
//
// Hooks: run-menu (data-run), run-menu-name, run-menu-rename, run-menu-color,
// run-menu-color-clear, run-menu-tags, run-menu-tag (data-tag), run-menu-tag-remove
// (data-tag), run-menu-tag-input, run-menu-note, run-menu-note-save, run-menu-hide,
// run-menu-archive, run-menu-trash, run-menu-close, run-menu-message; notes-toast,
// notes-toast-text, notes-undo.

import { h } from "../core/dom";
import type { RunNote } from "../core/run_labels";
import type { NoteChanges } from "../api/wire_types";
import type { ChangeOutcome } from "./run_notes";

export interface RunMenuActions {
  /** The run's note now (null: none yet). */
  note(run: string): RunNote | null;
  /** The run's colour as drawn (the colour input starts there). */
  color(run: string): string;
  change(run: string, changes: NoteChanges): Promise<ChangeOutcome>;
  /** The run went to the trash (the panel offers Undo). */
  trashed(run: string): void;
}

export class RunMenu {
  readonly element: HTMLElement;
  private readonly actions: RunMenuActions;
  private run: string | null = null;
  private returnFocus: HTMLElement | null = null;
  private readonly title: HTMLElement;
  private readonly name: HTMLInputElement;
  private readonly color: HTMLInputElement;
  private readonly tags: HTMLElement;
  private readonly tagInput: HTMLInputElement;
  private readonly note: HTMLTextAreaElement;
  private readonly hide: HTMLButtonElement;
  private readonly archive: HTMLButtonElement;
  private readonly message: HTMLElement;

  constructor(actions: RunMenuActions) {
    this.actions = actions;
    this.title = h("div", { class: "tb-run-menu-title", id: "tb-run-menu-title" });
    this.name = h("input", { type: "text", class: "tb-filter", "data-testid": "run-menu-name", "aria-label": "Display name", placeholder: "Display name (empty: the run's name)", spellcheck: "false" });
    const rename = h("button", { type: "button", "data-testid": "run-menu-rename" }, "Rename");
    this.color = h("input", { type: "color", "data-testid": "run-menu-color", "aria-label": "Colour" });
    const clearColor = h("button", { type: "button", "data-testid": "run-menu-color-clear", title: "Back to the palette or picked colour" }, "Default colour");
    this.tags = h("div", { class: "tb-run-menu-tags", "data-testid": "run-menu-tags" });
    this.tagInput = h("input", { type: "text", class: "tb-filter", "data-testid": "run-menu-tag-input", "aria-label": "Add a tag", placeholder: "Add a tag + Enter", spellcheck: "false" });
    this.note = h("textarea", { class: "tb-run-menu-note", "data-testid": "run-menu-note", "aria-label": "Note", rows: 3, placeholder: "A note about this run" });
    const saveNote = h("button", { type: "button", "data-testid": "run-menu-note-save" }, "Save note");
    this.hide = h("button", { type: "button", "data-testid": "run-menu-hide" });
    this.archive = h("button", { type: "button", "data-testid": "run-menu-archive" });
    const trash = h("button", { type: "button", class: "tb-danger", "data-testid": "run-menu-trash", title: "Moves the run's directory to the logdir's .trash/ (Undo brings it back)" }, "Move to trash");
    const close = h("button", { type: "button", class: "tb-run-menu-close", "data-testid": "run-menu-close", "aria-label": "Close" }, "×");
    this.message = h("div", { class: "tb-run-menu-message", role: "status", "data-testid": "run-menu-message" });
    this.element = h(
      "div",
      { class: "tb-run-menu", role: "dialog", "aria-labelledby": "tb-run-menu-title", "data-testid": "run-menu" },
      h("div", { class: "tb-run-menu-head" }, this.title, close),
      h("div", { class: "tb-run-menu-line" }, this.name, rename),
      h("div", { class: "tb-run-menu-line" }, this.color, clearColor),
      this.tags,
      this.tagInput,
      this.note,
      h("div", { class: "tb-run-menu-line" }, saveNote),
      h("div", { class: "tb-run-menu-line" }, this.hide, this.archive, trash),
      this.message,
    );
    this.element.hidden = true;

    const renameNow = (): void => void this.apply({ display_name: this.name.value.trim() || null });
    rename.addEventListener("click", renameNow);
    this.name.addEventListener("keydown", (event) => {
      if (event.key === "Enter") renameNow();
    });
    this.color.addEventListener("change", () => void this.apply({ color: this.color.value }));
    clearColor.addEventListener("click", () => void this.apply({ color: null }));
    this.tagInput.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const tag = this.tagInput.value.trim();
      if (!tag || this.run === null) return;
      const tags = this.current()?.tags ?? [];
      if (!tags.includes(tag)) void this.apply({ tags: [...tags, tag] }).then(() => (this.tagInput.value = ""));
    });
    saveNote.addEventListener("click", () => void this.apply({ note: this.note.value }));
    this.hide.addEventListener("click", () => void this.apply({ hidden: !(this.current()?.hidden ?? false) }));
    this.archive.addEventListener("click", () => void this.apply({ archived: !(this.current()?.archived ?? false) }));
    trash.addEventListener("click", () => {
      const run = this.run;
      if (run === null) return;
      void this.apply({ trashed: true }).then((ok) => {
        if (!ok) return;
        this.close();
        this.actions.trashed(run);
      });
    });
    close.addEventListener("click", () => this.close());
    this.element.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        this.close();
      }
    });
  }

  /** The run whose menu is open, or null. */
  get openRun(): string | null {
    return this.run;
  }

  /** Opens the menu of `run`; `from` gets the focus back on close. */
  open(run: string, from: HTMLElement | null = null): void {
    this.run = run;
    this.returnFocus = from;
    this.element.dataset.run = run;
    this.message.textContent = "";
    this.element.hidden = false;
    this.fill(true);
    this.name.focus();
  }

  close(): void {
    if (this.run === null) return;
    this.run = null;
    this.element.hidden = true;
    delete this.element.dataset.run;
    const back = this.returnFocus;
    this.returnFocus = null;
    if (back?.isConnected) back.focus();
  }

  /** Shows the note as it now is (after the notes changed); typed text is kept. */
  refresh(): void {
    if (this.run !== null) this.fill(false);
  }

  private current(): RunNote | null {
    return this.run === null ? null : this.actions.note(this.run);
  }

  private fill(all: boolean): void {
    const run = this.run;
    if (run === null) return;
    const note = this.current();
    this.title.textContent = note?.displayName ? `${note.displayName} (${run})` : run;
    if (all || document.activeElement !== this.name) this.name.value = note?.displayName ?? "";
    this.color.value = this.actions.color(run);
    this.color.dataset.fromNote = note?.color ? "1" : "0";
    if (all || document.activeElement !== this.note) this.note.value = note?.note ?? "";
    this.tags.replaceChildren(...(note?.tags ?? []).map((tag) => this.chip(tag)));
    this.hide.textContent = note?.hidden ? "Unhide" : "Hide";
    this.hide.setAttribute("aria-pressed", note?.hidden ? "true" : "false");
    this.archive.textContent = note?.archived ? "Unarchive" : "Archive";
    this.archive.setAttribute("aria-pressed", note?.archived ? "true" : "false");
  }

  private chip(tag: string): HTMLElement {
    const remove = h("button", { type: "button", class: "tb-chip-x", "data-testid": "run-menu-tag-remove", "data-tag": tag, "aria-label": `Remove tag ${tag}` }, "×");
    remove.addEventListener("click", () => {
      const tags = this.current()?.tags ?? [];
      void this.apply({ tags: tags.filter((t) => t !== tag) });
    });
    return h("span", { class: "tb-chip", "data-testid": "run-menu-tag", "data-tag": tag }, tag, remove);
  }

  /** Sends a change of the open run's note; true when it applied. */
  private async apply(changes: NoteChanges): Promise<boolean> {
    const run = this.run;
    if (run === null) return false;
    this.message.textContent = "";
    this.element.dataset.busy = "1";
    const outcome = await this.actions.change(run, changes);
    delete this.element.dataset.busy;
    if (this.run !== run) return outcome.ok;
    if (outcome.ok) {
      this.fill(false);
      return true;
    }
    this.message.textContent = outcome.conflict
      ? "This run's notes were changed elsewhere meanwhile: they are shown as they are now; apply your change again."
      : `Not saved: ${outcome.message}`;
    this.message.dataset.kind = outcome.conflict ? "conflict" : "error";
    this.fill(outcome.conflict);
    return false;
  }
}

/** A message at the bottom of the page with an optional action, gone after `ms`. */
export class Toast {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly action: HTMLButtonElement;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private onAction: (() => void) | null = null;

  constructor() {
    this.text = h("span", { "data-testid": "notes-toast-text" });
    this.action = h("button", { type: "button", "data-testid": "notes-undo" }, "Undo");
    this.element = h("div", { class: "tb-toast", role: "status", "aria-live": "polite", "data-testid": "notes-toast" }, this.text, this.action);
    this.element.hidden = true;
    this.action.addEventListener("click", () => {
      const fn = this.onAction;
      this.dismiss();
      fn?.();
    });
  }

  /** Shows `text`, with an Undo button calling `undo` when given. */
  show(text: string, undo: (() => void) | null = null, ms = 10_000): void {
    this.text.textContent = text;
    this.onAction = undo;
    this.action.hidden = undo === null;
    this.element.hidden = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.dismiss(), ms);
  }

  dismiss(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.onAction = null;
    this.element.hidden = true;
  }
}
