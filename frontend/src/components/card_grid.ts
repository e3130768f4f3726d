// A grid of cards in collapsible groups, keyed by spec: what every card dashboard does when
// the runs, the tag index or the tag filter change. Given the groups to show (each a name and
// its specs, in order), `show` reuses the card of each spec's key (handing it the new spec),
// creates the missing ones, destroys and forgets the cards no longer shown, drops the groups
// that are gone (and empty ones) and puts the rest in order. A group's collapsed state is the
// user's last toggle of that name, else the group's default (expanded unless it says
// otherwise), and it survives the group being filtered away and back. `showEmpty` fills the
// empty-state line that says why there are no cards.
//
// Hooks: the empty-state element (class tb-empty, data-testid given), and the tag-group hooks
// of tag_groups.ts.
//
//   const grid = new CardGrid<Spec, MeshCard>({ emptyTestId: "mesh-empty", create: (spec) => new MeshCard(spec) });
//   root.append(grid.empty, grid.body);
//   const groups = groupByPrefix(specs, (s) => s.tag, state.tagFilter);
//   grid.show(groups);
//   grid.showEmpty(emptyMessage({ error: null, noData: null, selected: specs.length, shown: groups.length }));

import { h } from "../core/dom";
import type { AppState } from "../core/url_state";
import { GroupView, compareStrings } from "./tag_groups";

/** What the grid needs of a spec: `key` identifies its card across rebuilds. */
export interface GridSpec {
  readonly key: string;
}

/** What the grid needs of a card. */
export interface GridCard {
  readonly element: HTMLElement;
  destroy(): void;
}

/** One group to show: its cards' specs in order; `collapsed` is its default state. */
export interface GridGroup<S> {
  readonly name: string;
  readonly items: readonly S[];
  readonly collapsed?: boolean;
}

export interface CardGridOptions<S, C> {
  /** data-testid of the empty-state element. */
  readonly emptyTestId: string;
  create(spec: S): C;
  /** A kept card's spec for this rebuild (it may differ, e.g. new runs); default: nothing. */
  update?(card: C, spec: S): void;
  /** Disposes of a card no longer shown; default: `card.destroy()`. */
  remove?(card: C): void;
}

export class CardGrid<S extends GridSpec, C extends GridCard> {
  /** The groups (class tb-groups). */
  readonly body: HTMLDivElement;
  /** Why there are no cards (class tb-empty). */
  readonly empty: HTMLDivElement;
  private readonly options: CardGridOptions<S, C>;
  private readonly shown = new Map<string, C>();
  private readonly views = new Map<string, GroupView>();
  /** Groups the user collapsed (true) or expanded (false), by name. */
  private readonly toggled = new Map<string, boolean>();

  constructor(options: CardGridOptions<S, C>) {
    this.options = options;
    this.body = h("div", { class: "tb-groups" });
    this.empty = h("div", { class: "tb-empty", "data-testid": options.emptyTestId });
  }

  /** The cards shown, by key, in the order they were created. */
  get cards(): ReadonlyMap<string, C> {
    return this.shown;
  }

  /** The groups shown, in the order they were created. */
  get groups(): readonly GroupView[] {
    return [...this.views.values()];
  }

  /** Shows `groups` (in this order) and only them, keeping the cards of the keys kept. */
  show(groups: readonly GridGroup<S>[]): void {
    const keep = new Set<string>();
    const elements: HTMLElement[] = [];
    for (const group of groups) {
      if (group.items.length === 0) continue;
      const view = this.groupView(group);
      view.setCards(group.items.map((spec) => this.cardFor(spec, keep)));
      elements.push(view.element);
    }
    for (const [key, card] of this.shown) {
      if (keep.has(key)) continue;
      this.removeCard(card);
      this.shown.delete(key);
    }
    for (const [name, view] of [...this.views]) {
      if (!elements.includes(view.element)) this.views.delete(name);
    }
    this.body.replaceChildren(...elements);
  }

  /** Shows `message` in the empty-state element; "" hides it. */
  showEmpty(message: string): void {
    this.empty.textContent = message;
    this.empty.hidden = message === "";
  }

  /** Disposes of every card. */
  destroy(): void {
    for (const card of this.shown.values()) this.removeCard(card);
    this.shown.clear();
  }

  private cardFor(spec: S, keep: Set<string>): HTMLElement {
    keep.add(spec.key);
    const existing = this.shown.get(spec.key);
    if (existing) {
      this.options.update?.(existing, spec);
      return existing.element;
    }
    const card = this.options.create(spec);
    this.shown.set(spec.key, card);
    return card.element;
  }

  private groupView(group: GridGroup<S>): GroupView {
    const name = group.name;
    let view = this.views.get(name);
    if (!view) {
      view = new GroupView(name, (collapsed) => this.toggled.set(name, collapsed));
      this.views.set(name, view);
    }
    view.setCollapsed(this.toggled.get(name) ?? group.collapsed ?? false);
    return view;
  }

  private removeCard(card: C): void {
    if (this.options.remove) this.options.remove(card);
    else card.destroy();
  }
}

/** The spec of a card per (run, tag). */
export interface RunTagSpec extends GridSpec {
  /** `run \0 tag` (runTagKey). */
  readonly key: string;
  readonly run: string;
  readonly tag: string;
}

export function runTagKey(run: string, tag: string): string {
  return `${run}\u0000${tag}`;
}

/** A card per (run, tag) of `index` (run -> tag -> info) for `runs`, in their order, whose info `shows`. */
export function runTagSpecs<I>(
  runs: Iterable<string>,
  index: ReadonlyMap<string, ReadonlyMap<string, I>>,
  shows: (info: I) => boolean = () => true,
): RunTagSpec[] {
  const specs: RunTagSpec[] = [];
  for (const run of runs) {
    for (const [tag, info] of index.get(run) ?? []) {
      if (shows(info)) specs.push({ key: runTagKey(run, tag), run, tag });
    }
  }
  return specs;
}

/** Orders (run, tag) cards by tag, then run. */
export function compareRunTags(a: RunTagSpec, b: RunTagSpec): number {
  return compareStrings(a.tag, b.tag) || compareStrings(a.run, b.run);
}

/** The reasons a card dashboard can be empty, most important first. */
export interface EmptyReasons {
  /** Why the data could not be loaded. */
  readonly error: string | null;
  /** What to say when there is no data of the kind at all; null when there is some. */
  readonly noData: string | null;
  /** How many runs (or cards) the run selection leaves; 0 says "No runs selected.". */
  readonly selected?: number;
  /** How many groups are shown; 0 says `noMatch`. */
  readonly shown: number;
  readonly noMatch?: string;
}

/** The empty-state line for `reasons` ("" when there is something to show). */
export function emptyMessage(reasons: EmptyReasons): string {
  if (reasons.error !== null) return reasons.error;
  if (reasons.noData !== null) return reasons.noData;
  if (reasons.selected === 0) return "No runs selected.";
  if (reasons.shown === 0) return reasons.noMatch ?? "No tags match the filter.";
  return "";
}

type SelectionState = Pick<AppState, "runFilter" | "hiddenRuns" | "tagFilter">;

/** Whether a state change may change which cards show (run selection or tag filter). */
export function selectionChanged(next: SelectionState, previous: SelectionState): boolean {
  return next.runFilter !== previous.runFilter || next.hiddenRuns !== previous.hiddenRuns || next.tagFilter !== previous.tagFilter;
}

/** The CSS variable the card grids' column width comes from (components/workbench.css). */
export const CARD_WIDTH_VARIABLE = "--tb-card-width";
/** The card width when none is set, and the range a setting may choose from, in CSS pixels. */
export const CARD_WIDTH = { default: 420, min: 240, max: 1600 } as const;

/**
 * Sets the width every card grid lays its columns out at (null: the default), clamped to
 * CARD_WIDTH, then lets the charts redraw at their new size (a window resize event); returns
 * the width set.
 */
export function setCardWidth(px: number | null, root: HTMLElement = document.documentElement): number {
  const width = px === null || !Number.isFinite(px) ? CARD_WIDTH.default : Math.round(Math.min(CARD_WIDTH.max, Math.max(CARD_WIDTH.min, px)));
  const value = `${width}px`;
  if (root.style.getPropertyValue(CARD_WIDTH_VARIABLE) !== value) {
    if (width === CARD_WIDTH.default) root.style.removeProperty(CARD_WIDTH_VARIABLE);
    else root.style.setProperty(CARD_WIDTH_VARIABLE, value);
    window.dispatchEvent(new Event("resize"));
  }
  return width;
}

/** The card width set now, in CSS pixels. */
export function cardWidth(root: HTMLElement = document.documentElement): number {
  const value = parseFloat(root.style.getPropertyValue(CARD_WIDTH_VARIABLE));
  return Number.isFinite(value) ? value : CARD_WIDTH.default;
}
