// The filter pane: per column (hyperparameters, then metrics) a checkbox showing or hiding
// it, and its filter: a min-max range for numbers, value checkboxes for few distinct values
// (strings and bools), a regex for strings. Brushing an axis of the parallel coordinates
// sets the same filters.
//
// Hooks: hparams-filters, hparams-filter (data-column), hparams-column-toggle (data-column),
// hparams-filter-min / hparams-filter-max, hparams-filter-value (data-value),
// hparams-filter-regex, hparams-filters-reset.

import { compileFilter, h } from "../../core/dom";
import type { Column, Session } from "./api";
import type { ColumnFilter, Filters } from "./model";
import { distinctValues, isActive, valueKey } from "./model";

/** Value checkboxes are offered up to this many distinct values. */
const MAX_CHECKBOXES = 20;

export interface FilterCallbacks {
  setFilter(column: string, filter: ColumnFilter | null): void;
  setHidden(column: string, hidden: boolean): void;
  reset(): void;
}

interface Controls {
  readonly column: Column;
  readonly block: HTMLElement;
  readonly toggle: HTMLInputElement;
  readonly min: HTMLInputElement | null;
  readonly max: HTMLInputElement | null;
  readonly regex: HTMLInputElement | null;
  readonly regexError: HTMLElement | null;
  readonly values: readonly { key: string; box: HTMLInputElement }[];
}

function numberOrNull(text: string): number | null {
  if (text.trim() === "") return null;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

export class FiltersView {
  readonly element: HTMLElement;
  private readonly callbacks: FilterCallbacks;
  private readonly list: HTMLElement;
  private controls: Controls[] = [];
  private signature = "";
  private filters: Filters = new Map();

  constructor(callbacks: FilterCallbacks) {
    this.callbacks = callbacks;
    const reset = h("button", { type: "button", "data-testid": "hparams-filters-reset" }, "Reset");
    reset.addEventListener("click", () => callbacks.reset());
    this.list = h("div", { class: "tb-hp-filter-list" });
    this.element = h(
      "aside",
      { class: "tb-hp-filters", "data-testid": "hparams-filters" },
      h("div", { class: "tb-hp-filters-head" }, h("span", { class: "tb-runs-title" }, "Columns and filters"), reset),
      this.list,
    );
  }

  /** Rebuilds the controls when the columns or their values changed, then shows the state. */
  render(columns: readonly Column[], sessions: readonly Session[], filters: Filters, hidden: ReadonlySet<string>): void {
    this.filters = filters;
    const distinct = new Map(columns.map((c) => [c.id, c.type === "number" ? [] : distinctValues(c, sessions).map(valueKey)]));
    const signature = JSON.stringify(columns.map((c) => [c.id, c.type, distinct.get(c.id)]));
    if (signature !== this.signature) {
      this.signature = signature;
      this.controls = columns.map((c) => this.build(c, distinct.get(c.id) ?? []));
      this.list.replaceChildren(...this.controls.map((c) => c.block));
    }
    for (const c of this.controls) this.show(c, filters.get(c.column.id), hidden.has(c.column.id));
  }

  private build(column: Column, values: readonly string[]): Controls {
    const id = column.id;
    const toggle = h("input", { type: "checkbox", "data-testid": "hparams-column-toggle", "data-column": id, "aria-label": `Show ${column.label}` });
    toggle.addEventListener("change", () => this.callbacks.setHidden(id, !toggle.checked));
    const parts: HTMLElement[] = [];
    let min: HTMLInputElement | null = null;
    let max: HTMLInputElement | null = null;
    let regex: HTMLInputElement | null = null;
    let regexError: HTMLElement | null = null;
    const boxes: { key: string; box: HTMLInputElement }[] = [];
    if (column.type === "number") {
      min = h("input", { type: "number", step: "any", placeholder: "min", "data-testid": "hparams-filter-min", "aria-label": `${column.label} minimum` });
      max = h("input", { type: "number", step: "any", placeholder: "max", "data-testid": "hparams-filter-max", "aria-label": `${column.label} maximum` });
      const range = (): void => this.update(id, { min: numberOrNull((min as HTMLInputElement).value), max: numberOrNull((max as HTMLInputElement).value) });
      min.addEventListener("change", range);
      max.addEventListener("change", range);
      parts.push(h("div", { class: "tb-hp-range" }, min, h("span", {}, "–"), max));
    } else {
      if (values.length <= MAX_CHECKBOXES) {
        for (const key of values) {
          const box = h("input", { type: "checkbox", "data-testid": "hparams-filter-value", "data-value": key });
          box.addEventListener("change", () => this.update(id, { values: this.checkedValues(id) }));
          boxes.push({ key, box });
          parts.push(h("label", { class: "tb-hp-value" }, box, h("span", {}, key)));
        }
      }
      if (column.type === "string") {
        regex = h("input", { type: "search", class: "tb-filter", placeholder: "regex", "data-testid": "hparams-filter-regex", "aria-label": `${column.label} regex` });
        regexError = h("span", { class: "tb-filter-error" });
        const input = regex;
        input.addEventListener("input", () => this.update(id, { regex: input.value }));
        parts.push(input, regexError);
      }
    }
    const block = h(
      "fieldset",
      { class: "tb-hp-filter", "data-testid": "hparams-filter", "data-column": id },
      h("legend", {}, h("label", { title: column.description || column.label }, toggle, h("span", { class: `tb-hp-kind-${column.kind}` }, column.label))),
      ...parts,
    );
    return { column, block, toggle, min, max, regex, regexError, values: boxes };
  }

  private checkedValues(id: string): string[] | null {
    const controls = this.controls.find((c) => c.column.id === id);
    if (!controls) return null;
    const checked = controls.values.filter((v) => v.box.checked).map((v) => v.key);
    // Everything checked is the same as no value filter (new values then pass too).
    return checked.length === controls.values.length ? null : checked;
  }

  private update(id: string, patch: ColumnFilter): void {
    const next: ColumnFilter = { ...this.filters.get(id), ...patch };
    this.callbacks.setFilter(id, isActive(next) ? next : null);
  }

  private show(c: Controls, filter: ColumnFilter | undefined, hidden: boolean): void {
    c.toggle.checked = !hidden;
    c.block.dataset.active = isActive(filter) ? "1" : "0";
    const set = (input: HTMLInputElement | null, value: number | string | null | undefined): void => {
      if (!input || document.activeElement === input) return;
      input.value = value === null || value === undefined ? "" : String(value);
    };
    // Brushed ends are arbitrary reals: six significant digits are plenty to read.
    const rounded = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v.toPrecision(6)));
    set(c.min, rounded(filter?.min));
    set(c.max, rounded(filter?.max));
    set(c.regex, filter?.regex);
    if (c.regexError) c.regexError.textContent = compileFilter(filter?.regex ?? "").error ?? "";
    for (const { key, box } of c.values) box.checked = !filter?.values || filter.values.includes(key);
  }
}
