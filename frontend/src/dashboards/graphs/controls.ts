// The Graphs toolbar: run and tag pickers, search by name, fit / zoom / expand buttons, the
// "all nodes" switch and a status line.
//
// Hooks: run-select (the shared RunSelector), graph-tag-select, graph-search,
// graph-search-results / graph-search-result (data-id, data-name), graph-fit, graph-zoom-in,
// graph-zoom-out, graph-expand-all, graph-collapse-all, graph-all-nodes, graph-status.

import { RunSelector } from "../../components/run_selector";
import { h } from "../../core/dom";
import type { GraphTag } from "./api";
import { RUN_GRAPH_TAG } from "./api";
import type { SearchResult } from "./model";

export interface ControlsCallbacks {
  run(run: string): void;
  tag(tag: string): void;
  search(query: string): void;
  go(result: SearchResult): void;
  fit(): void;
  zoom(factor: number): void;
  expandAll(): void;
  collapseAll(): void;
  allNodes(on: boolean): void;
}

function button(testId: string, text: string, title: string, onClick: () => void): HTMLButtonElement {
  const el = h("button", { type: "button", "data-testid": testId, title }, text);
  el.addEventListener("click", onClick);
  return el;
}

export class GraphControls {
  readonly element: HTMLElement;
  readonly runs: RunSelector;
  private readonly tagSelect: HTMLSelectElement;
  private readonly searchInput: HTMLInputElement;
  private readonly resultList: HTMLUListElement;
  private readonly allNodes: HTMLInputElement;
  private readonly status: HTMLSpanElement;
  private results: readonly SearchResult[] = [];

  constructor(callbacks: ControlsCallbacks) {
    this.runs = new RunSelector((run) => callbacks.run(run));
    this.tagSelect = h("select", { "data-testid": "graph-tag-select", "aria-label": "Graph" });
    this.tagSelect.addEventListener("change", () => callbacks.tag(this.tagSelect.value));
    this.searchInput = h("input", { type: "search", placeholder: "Search nodes by name or op", "data-testid": "graph-search", "aria-label": "Search nodes" });
    this.resultList = h("ul", { class: "tbg-results", "data-testid": "graph-search-results", hidden: true });
    this.searchInput.addEventListener("input", () => callbacks.search(this.searchInput.value));
    this.searchInput.addEventListener("keydown", (event) => {
      const first = this.results[0];
      if (event.key === "Enter" && first) callbacks.go(first);
      if (event.key === "Escape") this.hideResults();
    });
    this.allNodes = h("input", { type: "checkbox", "data-testid": "graph-all-nodes" });
    this.allNodes.addEventListener("change", () => callbacks.allNodes(this.allNodes.checked));
    this.status = h("span", { class: "tbg-status", "data-testid": "graph-status" });
    this.resultList.addEventListener("click", (event) => {
      const item = (event.target as Element).closest<HTMLElement>("[data-index]");
      const result = item ? this.results[Number(item.dataset.index)] : undefined;
      if (result) callbacks.go(result);
    });
    this.element = h(
      "div",
      { class: "tb-controls tbg-controls", "data-testid": "graph-controls" },
      this.runs.element,
      h("label", { class: "tb-control" }, h("span", { class: "tb-control-label" }, "Graph"), this.tagSelect),
      h("div", { class: "tbg-search" }, this.searchInput, this.resultList),
      h(
        "div",
        { class: "tb-control" },
        button("graph-fit", "Fit", "Fit the graph to the screen", () => callbacks.fit()),
        button("graph-zoom-in", "+", "Zoom in", () => callbacks.zoom(1.25)),
        button("graph-zoom-out", "−", "Zoom out", () => callbacks.zoom(0.8)),
        button("graph-expand-all", "Expand all", "Open every scope", () => callbacks.expandAll()),
        button("graph-collapse-all", "Collapse all", "Close every scope", () => callbacks.collapseAll()),
      ),
      h("label", { class: "tb-control", title: "Also draw constants, list constructors and parameter reads" }, this.allNodes, "All nodes"),
      this.status,
    );
  }

  /** The tag choices: the run's own graph, then its run-metadata tags. */
  setTags(hasGraph: boolean, tags: readonly GraphTag[], chosen: string): void {
    const options: HTMLOptionElement[] = [];
    if (hasGraph) options.push(h("option", { value: RUN_GRAPH_TAG }, "Model graph"));
    for (const t of tags) options.push(h("option", { value: t.tag }, `${t.tag} (${t.opGraph ? "graph" : "run metadata"})`));
    this.tagSelect.replaceChildren(...options);
    this.tagSelect.value = chosen;
    this.tagSelect.disabled = options.length <= 1;
  }

  setAllNodes(on: boolean): void {
    this.allNodes.checked = on;
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  get query(): string {
    return this.searchInput.value;
  }

  showResults(results: readonly SearchResult[]): void {
    this.results = results;
    const items = results.map((r, index) =>
      h("li", { "data-testid": "graph-search-result", "data-id": r.id, "data-name": r.name, "data-index": index, title: r.name },
        h("span", { class: "tbg-result-label" }, r.label), h("span", { class: "tbg-dim" }, ` ${r.op ?? "scope"} · ${r.name}`)),
    );
    if (this.searchInput.value.trim() && results.length === 0) items.push(h("li", { class: "tbg-dim" }, "No node matches."));
    this.resultList.replaceChildren(...items);
    this.resultList.hidden = items.length === 0;
  }

  hideResults(): void {
    this.resultList.hidden = true;
  }
}
