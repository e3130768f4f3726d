// The Graphs dashboard: one run's model graph at a time (run and tag pickers), drawn as a
// layered graph whose scopes (submodules) are boxes that open on click. Only what is open is
// laid out (ELK, in a worker); the server sends the graph with auxiliary nodes folded and
// empty or single-child scopes removed (docs/http/graphs.md).
//
// URL parameters: graph_run, graph_tag, graph_all (1: draw folded nodes too).

import type { LiveMessage, RunsInfo } from "../../api/client";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import { DashboardBase, runsWithKind } from "../../core/dashboard";
import { h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import type { GraphData, GraphInfo, NodeDetails } from "./api";
import { RUN_GRAPH_TAG, fetchGraph, fetchInfo, fetchNode } from "./api";
import type { DrawOptions } from "./canvas";
import { GraphCanvas } from "./canvas";
import { GraphControls } from "./controls";
import { DetailsPanel } from "./details";
import { ElkEngine } from "./elk_engine";
import type { LayoutEngine } from "./layout";
import type { ItemId, SearchResult } from "./model";
import { GraphModel } from "./model";
import "./graphs.css";

export interface GraphsOptions {
  /** A layout engine for tests (default: ELK in a web worker). */
  readonly engine?: LayoutEngine;
}

type LoadState = "idle" | "loading" | "ready" | "empty" | "error";

/** How long each stage of the last graph load took, in milliseconds. */
interface Timings {
  fetch: number;
  layout: number;
  render: number;
  /** From the start of the load until the graph was on screen. */
  total: number;
}

// "Expand all" stops opening scopes at this many boxes: ELK lays out ResNet-152's 626 in about
// 2 s in a browser. With the folded nodes drawn, edges are denser (700 boxes of ResNet-50 with
// its constants: 5 s; all 2,400 of ResNet-152: a minute), so the limit is lower.
const EXPAND_ALL_BOXES = 700;
const EXPAND_ALL_BOXES_ALL_NODES = 300;

export class GraphsDashboard extends DashboardBase {
  readonly element: HTMLElement;
  private readonly engine: LayoutEngine;
  private readonly controls: GraphControls;
  private readonly details: DetailsPanel;
  private readonly canvas: GraphCanvas;
  private readonly message: HTMLDivElement;
  private info: GraphInfo | null = null;
  private run: string | null = null;
  private tag = RUN_GRAPH_TAG;
  private allNodes: boolean;
  private data: GraphData | null = null;
  private model: GraphModel | null = null;
  private selected: ItemId | null = null;
  private state: LoadState = "idle";
  private error: string | null = null;
  private busy = 0;
  private loadGeneration = 0;
  private results: readonly SearchResult[] = [];
  private timings: Timings = { fetch: 0, layout: 0, render: 0, total: 0 };
  private nodeDetails: NodeDetails | null = null;
  private detailsController: AbortController | null = null;

  constructor(context: DashboardContext, options: GraphsOptions = {}) {
    super(context);
    const engine = options.engine ?? new ElkEngine();
    if (engine instanceof ElkEngine) engine.warm();
    this.engine = engine;
    this.allNodes = context.param("graph_all") === "1";
    this.controls = new GraphControls({
      run: (run) => this.choose(run, RUN_GRAPH_TAG),
      tag: (tag) => this.choose(this.run, tag),
      search: (query) => this.search(query),
      go: (result) => this.go(result.id),
      fit: () => this.canvas.fit(),
      zoom: (factor) => this.canvas.zoom(factor),
      expandAll: () => this.expandAll(),
      collapseAll: () => this.collapseAll(),
      allNodes: (on) => this.setAllNodes(on),
    });
    this.controls.setAllNodes(this.allNodes);
    this.details = new DetailsPanel((name) => this.goName(name));
    this.canvas = new GraphCanvas(engine, (id, open, onTitleBar) => this.onBoxClick(id, open, onTitleBar));
    this.message = h("div", { class: "tb-empty tbg-message", "data-testid": "graphs-empty", hidden: true });
    const stage = h("div", { class: "tbg-stage" }, this.canvas.svg, this.message);
    this.element = h("div", { class: "tbg", "data-testid": "graphs-dashboard" }, this.controls.element, h("div", { class: "tbg-body" }, stage, this.details.element));
    void this.loadInfo();
  }

  override get pending(): number {
    return this.busy + this.canvas.pending;
  }

  override setRuns(_runs: RunsInfo): void {
    this.chooseFromState();
  }

  override stateChanged(next: AppState, previous: AppState): void {
    if (next.runFilter !== previous.runFilter || next.hiddenRuns !== previous.hiddenRuns) {
      this.chooseFromState();
    } else if (next.params !== previous.params && this.info) {
      // Back/forward or an edited URL: follow the parameters when they name something else.
      const run = this.context.param("graph_run");
      const tag = this.context.param("graph_tag") ?? RUN_GRAPH_TAG;
      if (run !== null && this.graphRuns().includes(run) && (run !== this.run || tag !== this.tag)) {
        this.controls.runs.setRuns(this.graphRuns(), run, (r) => this.context.color(r));
        this.choose(run, tag, false);
      }
    }
  }

  override show(): void {
    this.canvas.sized();
  }

  override resize(): void {
    this.canvas.sized();
  }

  override onLive(message: LiveMessage): void {
    if (message.type === "runs" || (message.type === "tags" && message.kind === "graphs")) {
      void this.loadInfo();
    } else if (message.type === "points" && message.kind === "graphs" && message.updates.some((u) => u.run === this.run)) {
      void this.loadGraph(true);
    }
  }

  override refreshAll(): void {
    // Messages may have been missed: the run list, and the graph shown, may be stale.
    void this.loadInfo().then(() => this.loadGraph(true));
  }

  override destroy(): void {
    this.detailsController?.abort();
    if (this.engine instanceof ElkEngine) this.engine.terminate();
  }

  // ------------------------------------------------------------ choosing what to show

  private async loadInfo(): Promise<void> {
    this.busy++;
    try {
      this.info = await this.context.queue.run(() => fetchInfo(this.context.client));
    } catch (err) {
      this.setState("error", `Could not load the list of graphs: ${errorText(err)}`);
      return;
    } finally {
      this.busy--;
    }
    this.chooseFromState();
  }

  /** The runs the picker offers: selected runs that have a graph or run metadata. */
  private graphRuns(): string[] {
    const info = this.info;
    if (!info) return [];
    const selected = runsWithKind(this.context, "graphs").map((r) => r.name);
    return selected.filter((run) => info.has(run));
  }

  private chooseFromState(): void {
    if (!this.info) return;
    const runs = this.graphRuns();
    const run = this.controls.runs.setRuns(runs, this.run ?? this.context.param("graph_run"), (r) => this.context.color(r));
    const wantedTag = this.run === null ? (this.context.param("graph_tag") ?? RUN_GRAPH_TAG) : this.tag;
    this.choose(run, wantedTag, false);
  }

  private choose(run: string | null, tag: string, fromUser = true): void {
    const entry = run !== null ? this.info?.get(run) : undefined;
    const tags = entry ? [...(entry.graph ? [RUN_GRAPH_TAG] : []), ...entry.tags.map((t) => t.tag)] : [];
    const chosenTag = tags.includes(tag) ? tag : (tags[0] ?? RUN_GRAPH_TAG);
    this.controls.setTags(entry?.graph ?? false, entry?.tags ?? [], chosenTag);
    const changed = run !== this.run || chosenTag !== this.tag;
    this.run = run;
    this.tag = chosenTag;
    if (fromUser) this.context.setParams({ graph_run: run, graph_tag: chosenTag === RUN_GRAPH_TAG ? null : chosenTag });
    if (run === null) {
      this.clearGraph();
      this.setState("empty", this.info && this.info.size > 0 ? "No selected run has a graph." : "No run has a graph: log one with writer.add_graph(model, example_input).");
    } else if (changed || this.state === "idle" || this.state === "empty") {
      void this.loadGraph(false);
    }
  }

  private setAllNodes(on: boolean): void {
    this.allNodes = on;
    this.context.setParams({ graph_all: on ? "1" : null });
    void this.loadGraph(true);
  }

  // ------------------------------------------------------------ loading and drawing

  private async loadGraph(keepView: boolean): Promise<void> {
    const run = this.run;
    if (run === null) return;
    const generation = ++this.loadGeneration;
    const started = performance.now();
    const previous = this.model;
    const sameGraph = previous !== null && previous.data.run === run && previous.data.tag === this.tag;
    this.busy++;
    if (!keepView || !sameGraph) this.setState("loading", `Loading the graph of ${run}…`);
    try {
      const data = await this.context.queue.run(() => fetchGraph(this.context.client, run, this.tag, this.allNodes));
      if (generation !== this.loadGeneration) return;
      const fetched = performance.now();
      const model = new GraphModel(data);
      if (sameGraph && previous) model.restore(previous.expandedNames());
      else model.expandInitial();
      this.data = data;
      this.model = model;
      if (!sameGraph) this.select(null);
      this.controls.setStatus(statusText(data));
      const drawn = await this.relayout({ fit: !(keepView && sameGraph) });
      if (generation !== this.loadGeneration || drawn === "failed") return;
      this.timings = { ...this.timings, fetch: fetched - started, total: performance.now() - started };
      this.setState(data.nodes.length ? "ready" : "empty", data.nodes.length ? null : "This graph has no nodes.");
    } catch (err) {
      if (generation === this.loadGeneration) this.setState("error", `Could not load the graph of ${run}: ${errorText(err)}`);
    } finally {
      this.busy--;
    }
  }

  /** Lays out and draws what the model shows (see DrawOptions). */
  private async relayout(options: DrawOptions): Promise<"drawn" | "superseded" | "failed"> {
    const model = this.model;
    if (!model) return "superseded";
    this.controls.setStatus(`${statusText(model.data)} · laying out ${model.countVisible()} boxes…`);
    try {
      if (!(await this.canvas.draw(model, options)) || model !== this.model) return "superseded";
      this.timings = { ...this.timings, layout: this.canvas.layoutMs, render: this.canvas.renderMs };
      this.controls.setStatus(statusText(model.data));
      if (this.state === "error") this.setState("ready", null); // a failed layout, now redone
      return "drawn";
    } catch (err) {
      if (model === this.model) this.setState("error", `Could not lay out the graph: ${errorText(err)}`);
      return "failed";
    }
  }

  private clearGraph(): void {
    this.loadGeneration++;
    this.data = null;
    this.model = null;
    this.canvas.clear();
    this.select(null);
    this.controls.setStatus("");
  }

  private setState(state: LoadState, message: string | null): void {
    this.state = state;
    this.error = state === "error" ? message : null;
    this.element.dataset.state = state;
    this.message.textContent = message ?? "";
    this.message.hidden = message === null || state === "ready";
    this.message.classList.toggle("tbg-error", state === "error");
  }

  // ------------------------------------------------------------ interaction

  /** Opens a closed scope, closes an open one from its title bar, selects a node. */
  private onBoxClick(id: ItemId, open: boolean, onTitleBar: boolean): void {
    const model = this.model;
    if (!model) return;
    const index = Number(id.slice(1));
    if (id.startsWith("n")) {
      this.select(id);
    } else if (!open || onTitleBar) {
      // By what is drawn, not the model: after a failed layout the two differ.
      if (open) model.collapse(index);
      else model.expand(index);
      this.select(id);
      void this.relayout({ anchor: id });
    }
  }

  private expandAll(): void {
    const model = this.model;
    if (!model) return;
    const open = model.expandAll(this.allNodes ? EXPAND_ALL_BOXES_ALL_NODES : EXPAND_ALL_BOXES);
    const total = model.data.groups.length;
    void this.relayout({ fit: true }).then((drawn) => {
      if (drawn === "drawn" && open < total) {
        this.controls.setStatus(`${statusText(model.data)} · opened ${open} of ${total} scopes: open the rest one by one (more would take long to lay out)`);
      }
    });
  }

  private collapseAll(): void {
    const model = this.model;
    if (!model) return;
    model.collapseAll();
    void this.relayout({ fit: true });
  }

  private search(query: string): void {
    this.results = this.model ? this.model.search(query) : [];
    this.controls.showResults(this.results);
  }

  /** Shows an item: opens the scopes around it, selects it and centres the view on it. */
  private go(id: ItemId): void {
    const model = this.model;
    if (!model) return;
    this.controls.hideResults();
    model.reveal(id);
    this.select(id);
    void this.relayout({ center: id });
  }

  private goName(name: string): void {
    const node = this.data?.nodes.find((n) => n.name === name);
    if (node) this.go(`n${node.index}`);
  }

  private select(id: ItemId | null): void {
    this.selected = id;
    this.nodeDetails = null;
    this.detailsController?.abort();
    this.detailsController = null;
    this.canvas.select(id);
    const data = this.data;
    const model = this.model;
    if (id === null || !data || !model) {
      this.details.clear();
      return;
    }
    const index = Number(id.slice(1));
    if (id.startsWith("g")) {
      const group = data.groups[index];
      if (group) this.details.showGroup(group, model.opCounts(index), model.isExpanded(index));
      return;
    }
    const node = data.nodes[index];
    if (node) void this.loadDetails(node.index);
  }

  private async loadDetails(index: number): Promise<void> {
    const data = this.data;
    const node = data?.nodes[index];
    if (!data || !node) return;
    const controller = new AbortController();
    this.detailsController = controller;
    this.details.showNode(node, null);
    try {
      const details = await this.context.queue.run(() => fetchNode(this.context.client, data.run, data.tag, node.name, data.allNodes, controller.signal));
      if (controller.signal.aborted) return;
      this.nodeDetails = details;
      this.details.showNode(node, details);
    } catch (err) {
      if (!controller.signal.aborted) this.details.showNode(node, null, `Could not load the node's details: ${errorText(err)}`);
    }
  }

  debug(): unknown {
    const data = this.data;
    const layout = this.canvas.layout;
    const name = (id: ItemId): string => (id.startsWith("n") ? data?.nodes[Number(id.slice(1))]?.name : data?.groups[Number(id.slice(1))]?.name) ?? "";
    return {
      state: this.state,
      error: this.error,
      run: this.run,
      tag: this.tag,
      allNodes: this.allNodes,
      totalNodes: data?.totalNodes ?? 0,
      hiddenNodes: data?.hiddenNodes ?? 0,
      nodes: data?.nodes.length ?? 0,
      groups: data?.groups.length ?? 0,
      layouts: this.canvas.layouts,
      engine: this.engine instanceof ElkEngine ? this.engine.mode : "custom",
      boxes: (layout?.boxes ?? []).map((b) => ({ id: b.id, kind: b.kind, name: name(b.id), title: b.title, subtitle: b.subtitle, expanded: b.expanded, x: b.x, y: b.y, width: b.width, height: b.height })),
      edges: (layout?.edges ?? []).map((e) => ({ from: name(e.from), to: name(e.to), label: e.label, count: e.count })),
      selected: this.selected === null ? null : { id: this.selected, name: name(this.selected), details: this.nodeDetails },
      search: this.results.map((r) => r.name),
      transform: { ...this.canvas.transform },
      timings: { ...this.timings },
    };
  }
}

function statusText(data: GraphData): string {
  const folded = data.hiddenNodes ? ` (${data.hiddenNodes} constants and parameter reads folded)` : "";
  const meta = data.devices.length ? ` · run metadata: ${data.devices.join(", ")}, ${data.profiledNodes} nodes profiled` : "";
  return `${data.nodes.length} nodes${folded} · ${data.groups.length} scopes · step ${data.step}${meta}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const graphsDashboard: DashboardFactory = (context) => new GraphsDashboard(context);
