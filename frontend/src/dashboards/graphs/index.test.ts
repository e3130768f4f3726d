// @vitest-environment happy-dom
// The Graphs dashboard in the page, over a fake server and a stand-in layout engine: it picks a
// run with a graph, opens the model's scope, opens scopes on click, shows a node's details,
// searches, switches tags, and follows live updates.

import type { ElkNode } from "elkjs/lib/elk-api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClient } from "../../api/fake_client";
import type { DashboardContext } from "../../core/dashboard";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import { wireDetails, wireGraph } from "./fixtures";
import { GraphsDashboard } from "./index";
import type { LayoutEngine } from "./layout";

interface Debug {
  state: string;
  run: string;
  tag: string;
  layouts: number;
  boxes: { id: string; name: string; title: string; kind: string; expanded: boolean }[];
  edges: { from: string; to: string; label: string }[];
  selected: { id: string; name: string; details: unknown } | null;
  search: string[];
}

/** Boxes in a column, scopes around their children: enough for the DOM; ELK is tested apart. */
class ColumnEngine implements LayoutEngine {
  calls = 0;
  fail = false;
  async layout(graph: ElkNode): Promise<ElkNode> {
    this.calls++;
    if (this.fail) throw new Error("layout exploded");
    let y = 0;
    const place = (node: ElkNode, depth: number): void => {
      node.x = depth * 10;
      node.y = y;
      if (node.children?.length) {
        y += 30;
        for (const child of node.children) place(child, depth + 1);
        node.width = 400 - depth * 20;
        node.height = y - node.y + 10;
        y += 10;
      } else {
        y += (node.height ?? 38) + 10;
      }
    };
    for (const child of graph.children ?? []) place(child, 0);
    const edges = (graph.edges ?? []).map((e) => ({ ...e, sections: [{ id: `${e.id}/s`, startPoint: { x: 0, y: 0 }, endPoint: { x: 5, y: 40 } }] }));
    return { ...graph, width: 400, height: y, edges };
  }
}

const allVisible: VisibilityTracker = { observe: (_el, callback) => callback(true), unobserve: () => undefined };
let client: FakeClient;
let app: App;
let engine: ColumnEngine;
let runs: { run: string; graph: boolean; tags: { tag: string; plugin: string; profile: boolean; op_graph: boolean }[] }[];

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const view = (): Debug => window.__trainboard?.view("graphs") as Debug;
const titles = (): string[] => view().boxes.map((b) => b.title);
const el = <T extends Element>(selector: string): T => document.querySelector(selector) as T;
const click = (target: Element): void => void target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
const graphRequests = (): URLSearchParams[] => client.requests.filter((r) => r.path === "api/graphs/graph").map((r) => r.params);

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "#graphs";
  runs = [
    { run: "cnn", graph: true, tags: [{ tag: "step1", plugin: "graph_tagged_run_metadata", profile: true, op_graph: false }] },
    { run: "other", graph: true, tags: [] },
  ];
  client = new FakeClient({
    runs: [
      { name: "cnn", kinds: ["scalars", "graphs"], tags: { loss: 3 } },
      { name: "other", kinds: ["graphs"], tags: {} },
      { name: "plain", kinds: ["scalars"], tags: { loss: 3 } },
    ],
  });
  client.addRoute("api/graphs/info", () => ({ runs }));
  client.addRoute("api/graphs/graph", (params) => wireGraph(params.get("run") ?? "", params.get("tag") ?? ""));
  client.addRoute("api/graphs/node", (params) => wireDetails(params.get("name") ?? ""));
  engine = new ColumnEngine();
  const graphs = (context: DashboardContext): GraphsDashboard => new GraphsDashboard(context, { engine });
  app = new App(client, { visibility: allVisible, liveDelayMs: { min: 50, max: 200 }, dashboards: { graphs } });
  document.body.replaceChildren(app.element);
  installDebug(app);
  const started = app.start();
  await settle();
  await started;
  await settle();
});

afterEach(() => {
  app.stop();
  vi.useRealTimers();
});

describe("graphs dashboard", () => {
  it("shows the first run's graph with the model's scope open", () => {
    expect(view().state).toBe("ready");
    expect(view().run).toBe("cnn");
    expect(titles()).toEqual(["Net", "features", "conv1", "fc", "input", "output"]);
    expect(el<HTMLSelectElement>('[data-testid="run-select"]').options.length).toBe(2); // plain has no graph
    const scope = el<SVGGElement>('[data-testid="graph-group"][data-label="features"]');
    expect(scope.dataset.expanded).toBe("0");
    expect(document.querySelectorAll('[data-testid="graph-edge"]').length).toBe(4);
    expect(graphRequests()[0]?.get("all_nodes")).toBe("false");
  });

  it("opens a scope on click and closes it from its title bar", async () => {
    click(el('[data-testid="graph-group"][data-label="features"] rect'));
    await settle();
    expect(titles()).toContain("relu");
    expect(titles()).toContain("block");
    expect(view().selected?.name).toBe("Net/features");
    expect(el('[data-testid="graph-details"]').textContent).toContain("Ops inside3");
    click(el('[data-testid="graph-group"][data-label="features"] [data-role="toggle"]'));
    await settle();
    expect(titles()).not.toContain("relu");
    expect(engine.calls).toBe(3);
  });

  it("shows a selected node's attributes, inputs and consumers", async () => {
    click(el('[data-testid="graph-node"][data-name="Net/conv1/a"] rect'));
    await settle();
    const details = el<HTMLElement>('[data-testid="graph-details"]');
    expect(details.dataset.kind).toBe("node");
    expect(details.dataset.state).toBe("ready");
    expect(el<HTMLElement>('[data-testid="graph-attr"]').dataset.key).toBe("attr");
    const inputs = [...document.querySelectorAll('[data-testid="graph-input"]')].map((e) => e.textContent);
    expect(inputs[1]).toContain("= [1, 1]");
    expect(el('[data-testid="graph-output"]').textContent).toContain("Net/features/relu/b");
    // A consumer is a link: following it opens its scope and selects it.
    click(el('[data-testid="graph-output"] button'));
    await settle();
    expect(view().selected?.name).toBe("Net/features/relu/b");
    expect(titles()).toContain("relu");
  });

  it("finds a node by name, opening the scopes around it", async () => {
    const input = el<HTMLInputElement>('[data-testid="graph-search"]');
    input.value = "bn";
    input.dispatchEvent(new Event("input"));
    expect(view().search).toEqual(["Net/features/block/bn/d"]);
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    await settle();
    expect(view().selected?.name).toBe("Net/features/block/bn/d");
    expect(titles()).toContain("bn");
    expect(el<SVGGElement>('[data-testid="graph-node"][data-name="Net/features/block/bn/d"]').dataset.selected).toBe("1");
  });

  it("switches between the graph and a run-metadata tag, and between runs, in the URL", async () => {
    const tags = el<HTMLSelectElement>('[data-testid="graph-tag-select"]');
    expect([...tags.options].map((o) => o.value)).toEqual(["__run_graph__", "step1"]);
    tags.value = "step1";
    tags.dispatchEvent(new Event("change"));
    await settle();
    expect(view().tag).toBe("step1");
    expect(graphRequests().at(-1)?.get("tag")).toBe("step1");
    expect(el('[data-testid="graph-status"]').textContent).toContain("/device:CPU:0");
    app.urlState.flush();
    expect(window.location.hash).toContain("graph_tag=step1");
    const select = el<HTMLSelectElement>('[data-testid="run-select"]');
    select.value = "other";
    select.dispatchEvent(new Event("change"));
    await settle();
    expect(view().run).toBe("other");
    expect(view().tag).toBe("__run_graph__");
  });

  it("reloads the graph when it changes, keeping open scopes", async () => {
    click(el('[data-testid="graph-group"][data-label="features"] rect'));
    await settle();
    const before = graphRequests().length;
    client.push({ type: "points", kind: "graphs", updates: [{ run: "cnn", tag: "__run_graph__", total_points: 2, last_step: 1 }] });
    await settle();
    expect(graphRequests().length).toBe(before + 1);
    expect(titles()).toContain("relu");
  });

  it("reports a layout that fails", async () => {
    engine.fail = true;
    click(el('[data-testid="graph-group"][data-label="features"] rect'));
    await settle();
    expect(view().state).toBe("error");
    expect(el('[data-testid="graphs-empty"]').textContent).toContain("layout exploded");
    engine.fail = false;
    click(el('[data-testid="graph-group"][data-label="features"] rect'));
    await settle();
    expect(view().state).toBe("ready");
    expect(titles()).toContain("relu");
  });

  it("says so when no run has a graph", async () => {
    runs = [];
    client.push({ type: "tags", kind: "graphs", run: "cnn", added: ["__run_graph__"] });
    await settle();
    expect(view().state).toBe("empty");
    expect(el<HTMLElement>('[data-testid="graphs-empty"]').hidden).toBe(false);
    expect(el('[data-testid="graphs-empty"]').textContent).toContain("add_graph");
  });
});
