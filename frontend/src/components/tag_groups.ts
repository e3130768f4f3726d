// Tags filtered by a regex and grouped by prefix (the part before the first "/"), with the
// DOM pieces that go with them: the filter box and a collapsible group. Scalars uses them;
// so can any dashboard with one card per tag.
//
// Hooks: tag-filter, tag-filter-error; tag-group (data-group, data-collapsed) with its
// group-toggle button.
//
//   const groups = groupByPrefix(cards, (c) => c.tag, state.tagFilter);
//   // [{ name: "loss", items: [...] }, { name: "lr", items: [...] }]

import { compileFilter, h } from "../core/dom";

export interface TagGroup<T> {
  readonly name: string;
  readonly items: readonly T[];
}

/** The group of a tag: the part before its first "/" (the whole tag when it has none). */
export function tagPrefix(tag: string): string {
  const cut = tag.indexOf("/");
  return cut < 0 ? tag : tag.slice(0, cut);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The items whose tag matches `filter` (a case-insensitive regex; an invalid one matches
 * nothing), grouped by prefix. Groups are in name order; items in each by `compare`
 * (default: by tag).
 */
export function groupByPrefix<T>(
  items: Iterable<T>,
  tagOf: (item: T) => string,
  filter = "",
  compare: (a: T, b: T) => number = (a, b) => compareStrings(tagOf(a), tagOf(b)),
): TagGroup<T>[] {
  const test = compileFilter(filter).test;
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const tag = tagOf(item);
    if (!test(tag)) continue;
    const name = tagPrefix(tag);
    const list = groups.get(name) ?? [];
    list.push(item);
    groups.set(name, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([name, list]) => ({ name, items: list.sort(compare) }));
}

/** The tag filter box; shows why a regex is invalid. */
export class TagFilterInput {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly error: HTMLSpanElement;

  constructor(onChange: (text: string) => void) {
    this.input = h("input", {
      type: "search",
      class: "tb-filter",
      placeholder: "Filter tags (regex)",
      "data-testid": "tag-filter",
      "aria-label": "Filter tags",
    });
    this.error = h("span", { class: "tb-filter-error", "data-testid": "tag-filter-error" });
    this.input.addEventListener("input", () => onChange(this.input.value));
    this.element = h("span", { class: "tb-filter-box" }, this.input, this.error);
  }

  /** Shows `text` (unless the user is typing in the box) and whether it compiles. */
  show(text: string): void {
    if (document.activeElement !== this.input) this.input.value = text;
    this.error.textContent = compileFilter(text).error ?? "";
  }
}

/** One prefix group: a header that collapses it and the grid of its cards. */
export class GroupView {
  readonly element: HTMLElement;
  private readonly grid: HTMLDivElement;
  private readonly count: HTMLSpanElement;
  private collapsedNow = false;

  constructor(
    readonly name: string,
    onToggle: (collapsed: boolean) => void,
  ) {
    this.grid = h("div", { class: "tb-card-grid" });
    this.count = h("span", { class: "tb-group-count" });
    const toggle = h(
      "button",
      { type: "button", class: "tb-group-toggle", "data-testid": "group-toggle", "aria-expanded": "true" },
      h("span", { class: "tb-caret" }),
      h("span", { class: "tb-group-name" }, name),
      this.count,
    );
    toggle.addEventListener("click", () => {
      this.setCollapsed(!this.collapsedNow);
      onToggle(this.collapsedNow);
    });
    this.element = h("div", { class: "tb-group", "data-testid": "tag-group", "data-group": name }, toggle, this.grid);
    this.element.dataset.collapsed = "0";
  }

  get collapsed(): boolean {
    return this.collapsedNow;
  }

  setCollapsed(collapsed: boolean): void {
    this.collapsedNow = collapsed;
    this.element.dataset.collapsed = collapsed ? "1" : "0";
    this.element.querySelector(".tb-group-toggle")?.setAttribute("aria-expanded", collapsed ? "false" : "true");
    this.grid.hidden = collapsed;
  }

  /** Puts `cards` in the grid in this order (moving, not recreating, existing ones). */
  setCards(cards: readonly HTMLElement[]): void {
    this.count.textContent = String(cards.length);
    cards.forEach((card, i) => {
      if (this.grid.children[i] !== card) this.grid.insertBefore(card, this.grid.children[i] ?? null);
    });
    while (this.grid.children.length > cards.length) this.grid.lastElementChild?.remove();
  }
}
