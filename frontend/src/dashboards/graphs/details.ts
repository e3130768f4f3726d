// The side panel: what the selected node or group is. A node's attributes, inputs (with the
// values of folded constants and lists) and consumers come from GET /api/graphs/node on
// selection; a group's op counts are computed from the graph already loaded.
//
// Hooks: graph-details (data-kind node|group|none, data-name, data-state loading|ready|error),
// graph-attr (data-key), graph-input / graph-output (data-name; a button when the node is
// drawn: clicking it selects that node), graph-op-count (data-op).

import { h } from "../../core/dom";
import type { GraphGroup, GraphNode, NodeDetails } from "./api";

export type Navigate = (name: string) => void;

function row(key: string, value: string, attrs: Record<string, string> = {}): HTMLElement {
  return h("tr", attrs, h("th", {}, key), h("td", {}, value));
}

function section(title: string, ...content: (Node | null)[]): HTMLElement {
  return h("section", { class: "tbg-section" }, h("h4", {}, title), ...content);
}

export class DetailsPanel {
  readonly element: HTMLElement;
  private readonly navigate: Navigate;

  constructor(navigate: Navigate) {
    this.navigate = navigate;
    this.element = h("aside", { class: "tbg-details", "data-testid": "graph-details", "data-kind": "none" });
    this.clear();
  }

  clear(message = "Click a node for its attributes and inputs, a scope to open it."): void {
    this.set("none", "", "ready");
    this.element.replaceChildren(h("p", { class: "tbg-hint" }, message));
  }

  showGroup(group: GraphGroup, ops: readonly [string, number][], expanded: boolean): void {
    this.set("group", group.name, "ready");
    const counts = h("table", { class: "tbg-table tbg-counts" }, ...ops.map(([op, n]) => row(op, String(n), { "data-testid": "graph-op-count", "data-op": op })));
    this.element.replaceChildren(
      h("h3", { class: "tbg-name" }, group.label),
      h("div", { class: "tbg-fullname" }, group.name),
      h("table", { class: "tbg-table" }, row("Scope", expanded ? "expanded" : "collapsed"), row("Ops inside", String(group.size)), row("Scopes inside", String(group.groups.length))),
      section("Ops", counts),
    );
  }

  showNode(node: GraphNode, details: NodeDetails | null, error: string | null = null): void {
    this.set("node", node.name, error ? "error" : details ? "ready" : "loading");
    const head = [
      h("h3", { class: "tbg-name" }, node.label),
      h("div", { class: "tbg-fullname" }, node.name),
      h("table", { class: "tbg-table" }, row("Op", node.op), row("Output", (details?.output_shapes ?? [node.shape]).map((s) => s ?? "?").join(", ") || "?")),
    ];
    if (error) {
      this.element.replaceChildren(...head, h("p", { class: "tbg-error" }, error));
      return;
    }
    if (!details) {
      this.element.replaceChildren(...head, h("p", { class: "tbg-hint" }, "Loading…"));
      return;
    }
    this.element.replaceChildren(...head, ...this.detailSections(details));
  }

  private detailSections(details: NodeDetails): HTMLElement[] {
    const attrs = details.attrs;
    const out: HTMLElement[] = [];
    if (details.device) out.push(h("table", { class: "tbg-table" }, row("Device", details.device)));
    out.push(section(`Attributes (${attrs.length})`, h("table", { class: "tbg-table" }, ...attrs.map((a) => row(a.key, a.value, { "data-testid": "graph-attr", "data-key": a.key })))));
    const inputs = details.inputs.map((input) => {
      const what = input.value !== null ? `= ${input.value}` : (input.shape ?? "");
      const op = input.op ? ` (${input.op})` : input.control ? " (control)" : " (not in the graph)";
      return h("li", { "data-testid": "graph-input", "data-name": input.name }, this.nameLink(input.name, input.drawn), h("span", { class: "tbg-dim" }, `${op} ${what}`));
    });
    out.push(section(`Inputs (${inputs.length})`, h("ol", { class: "tbg-list" }, ...inputs)));
    const outputs = details.outputs.map((o) => h("li", { "data-testid": "graph-output", "data-name": o.name }, this.nameLink(o.name, o.drawn), h("span", { class: "tbg-dim" }, ` (${o.op})`)));
    out.push(section(`Consumers (${outputs.length})`, h("ol", { class: "tbg-list" }, ...outputs)));
    if (details.stats) {
      const s = details.stats;
      out.push(section("Run metadata", h("table", { class: "tbg-table" }, row("Device", s.device), row("Compute", `${s.compute_micros} µs`), row("Memory", `${s.memory_bytes} bytes`))));
    }
    return out;
  }

  private nameLink(name: string, drawn: boolean): HTMLElement {
    if (!drawn) return h("span", { class: "tbg-code" }, name);
    const button = h("button", { class: "tbg-link tbg-code", type: "button" }, name);
    button.addEventListener("click", () => this.navigate(name));
    return button;
  }

  private set(kind: string, name: string, state: string): void {
    this.element.dataset.kind = kind;
    this.element.dataset.name = name;
    this.element.dataset.state = state;
  }
}
