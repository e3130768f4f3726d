// The Projector's right panel: the selected point (its metadata and thumbnail), its nearest
// neighbours in the original space (cosine or euclidean, k adjustable; computed on the
// server), and the search matches. Clicking a neighbour or a match selects it.
//
// Hooks: projector-selected (data-index), projector-clear-selection, neighbor-distance,
// neighbor-k, neighbor-list / neighbor-item (data-index), neighbor-status, match-list /
// match-item (data-index).

import { h } from "../../core/dom";
import type { Distance, Neighbor } from "./api";

export interface InspectorCallbacks {
  select(index: number | null): void;
  neighbors(k: number, distance: Distance): void;
}

export interface PointInfo {
  readonly index: number;
  readonly fields: readonly { readonly name: string; readonly value: string }[];
  /** A CSS background showing the point's thumbnail, or null. */
  readonly thumbnail: { readonly url: string; readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly sheetWidth: number; readonly sheetHeight: number } | null;
}

const MAX_MATCHES_LISTED = 100;
export const DEFAULT_K = 10;

export class Inspector {
  readonly element: HTMLElement;
  private readonly callbacks: InspectorCallbacks;
  private readonly selected = h("div", { class: "tbp-selected", "data-testid": "projector-selected" });
  private readonly distance = h("select", { "data-testid": "neighbor-distance", "aria-label": "Distance" });
  private readonly k = h("input", { type: "number", min: 1, max: 100, step: 1, "data-testid": "neighbor-k", "aria-label": "Neighbours" });
  private readonly neighborStatus = h("div", { class: "tbp-note", "data-testid": "neighbor-status" });
  private readonly neighborList = h("ol", { class: "tbp-list", "data-testid": "neighbor-list" });
  private readonly matchList = h("ol", { class: "tbp-list", "data-testid": "match-list" });
  private readonly matchTitle = h("h3", {}, "Search matches");

  constructor(callbacks: InspectorCallbacks) {
    this.callbacks = callbacks;
    for (const d of ["cosine", "euclidean"] as const) this.distance.append(h("option", { value: d }, d === "cosine" ? "Cosine" : "Euclidean"));
    this.k.value = String(DEFAULT_K);
    const changed = (): void => callbacks.neighbors(this.kValue(), this.distance.value as Distance);
    this.distance.addEventListener("change", changed);
    this.k.addEventListener("change", changed);
    for (const list of [this.neighborList, this.matchList]) {
      list.addEventListener("click", (event) => {
        const item = (event.target as Element).closest<HTMLElement>("[data-index]");
        if (item) callbacks.select(Number(item.dataset.index));
      });
    }
    this.element = h(
      "div",
      { class: "tbp-panel tbp-right", "data-testid": "projector-inspector" },
      h("h3", {}, "Selected point"),
      this.selected,
      h("h3", {}, "Nearest neighbours"),
      h("label", { class: "tbp-field" }, h("span", { class: "tbp-field-label" }, "Distance"), this.distance),
      h("label", { class: "tbp-field" }, h("span", { class: "tbp-field-label" }, "Count (k)"), this.k),
      this.neighborStatus,
      this.neighborList,
      this.matchTitle,
      this.matchList,
    );
    this.showPoint(null);
  }

  kValue(): number {
    const k = Math.round(Number(this.k.value));
    return Number.isFinite(k) ? Math.min(100, Math.max(1, k)) : DEFAULT_K;
  }

  distanceValue(): Distance {
    return this.distance.value as Distance;
  }

  showPoint(point: PointInfo | null): void {
    if (point === null) {
      delete this.selected.dataset.index;
      this.selected.replaceChildren(h("div", { class: "tbp-note" }, "Click a point to see its neighbours."));
      this.neighborStatus.textContent = "";
      this.neighborList.replaceChildren();
      return;
    }
    this.selected.dataset.index = String(point.index);
    const clear = h("button", { type: "button", "data-testid": "projector-clear-selection" }, "Clear");
    clear.addEventListener("click", () => this.callbacks.select(null));
    const t = point.thumbnail;
    const thumb = t
      ? h("div", {
          class: "tbp-thumb",
          style: `width:${t.width}px;height:${t.height}px;background-image:url("${t.url}");background-position:-${t.x}px -${t.y}px;background-size:${t.sheetWidth}px ${t.sheetHeight}px`,
        })
      : null;
    const rows = [{ name: "index", value: String(point.index) }, ...point.fields].map((f) => h("tr", {}, h("th", {}, f.name), h("td", {}, f.value)));
    this.selected.replaceChildren(h("div", { class: "tbp-selected-head" }, thumb, clear), h("table", { class: "tbp-fields" }, h("tbody", {}, ...rows)));
  }

  /** `neighbors` null: loading (the previous list stays until the new one comes). */
  showNeighbors(neighbors: readonly Neighbor[] | null, label: (i: number) => string, error: string | null = null): void {
    this.neighborStatus.textContent = error ?? (neighbors === null ? "Loading…" : "");
    this.neighborStatus.classList.toggle("tbp-error", error !== null);
    if (neighbors === null && error === null) return;
    this.neighborList.replaceChildren(
      ...(neighbors ?? []).map((n) =>
        h(
          "li",
          { "data-testid": "neighbor-item", "data-index": n.index, title: `point ${n.index}` },
          h("span", { class: "tbp-item-label" }, label(n.index)),
          h("span", { class: "tbp-item-value" }, n.distance === null ? "∞" : n.distance.toFixed(4)),
        ),
      ),
    );
  }

  showMatches(matches: readonly number[], label: (i: number) => string, searching: boolean): void {
    this.matchTitle.hidden = !searching;
    this.matchList.hidden = !searching;
    const shown = matches.slice(0, MAX_MATCHES_LISTED);
    this.matchList.replaceChildren(
      ...shown.map((i) => h("li", { "data-testid": "match-item", "data-index": i }, h("span", { class: "tbp-item-label" }, label(i)))),
      ...(matches.length > shown.length ? [h("li", { class: "tbp-note" }, `… and ${matches.length - shown.length} more`)] : []),
    );
  }
}
