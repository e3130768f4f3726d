// @vitest-environment happy-dom
// The HParams dashboard in the page, over the fake client: the table (rows, union columns,
// sorting, filters), the parallel coordinates (lines, brushing), the scatter matrix and the
// link to a session's scalars.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClient } from "../../api/fake_client";
import type { FakeRunSpec } from "../../api/fake_logdir";
import { DashboardBase } from "../../core/dashboard";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import type { WireHParams } from "./api";
import { hparamsDashboard } from "./index";

const WIRE: WireHParams = {
  hparams: [
    { name: "lr", display_name: "", description: "", type: "number", domain: null, interval: null },
    { name: "opt", display_name: "", description: "", type: "string", domain: null, interval: null },
    { name: "dropout", display_name: "", description: "", type: "number", domain: null, interval: null },
  ],
  metrics: [{ tag: "hparam/acc", group: "", display_name: "", description: "" }],
  sessions: [
    { run: "a/hp", parent: "a", group_name: "", status: "success", start_time: 1, end_time: null, hparams: { lr: 0.1, opt: "sgd" }, metrics: [{ value: 0.7, step: 0, wall_time: 1 }] },
    { run: "b/hp", parent: "b", group_name: "", status: "success", start_time: 1, end_time: null, hparams: { lr: 0.01, opt: "adam", dropout: 0.5 }, metrics: [{ value: 0.9, step: 0, wall_time: 1 }] },
    { run: "c/hp", parent: "c", group_name: "", status: "success", start_time: 1, end_time: null, hparams: { lr: 0.001, opt: "adam" }, metrics: [{ value: 0.8, step: 0, wall_time: 1 }] },
  ],
};

const noVisibility: VisibilityTracker = { observe: (_el, cb) => cb(true), unobserve: () => undefined };
let app: App;

/** Stands in for the Scalars tab the session link opens (no canvas here). */
class BlankDashboard extends DashboardBase {
  readonly element = document.createElement("div");
}

function spec(): ConstructorParameters<typeof FakeClient>[0] {
  const runs = ["a", "b", "c"].flatMap((name): FakeRunSpec[] => [
    { name, tags: { loss: 10 }, kinds: ["scalars"] },
    { name: `${name}/hp`, parent: name, tags: { "hparam/acc": 1 }, kinds: ["scalars", "hparams"] },
  ]);
  return { runs };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await vi.advanceTimersByTimeAsync(200);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const $ = (selector: string): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(selector)];
const rows = (): string[] => $('[data-testid="hparams-row"]').map((r) => r.dataset.run as string);
const click = (selector: string): void => ($(selector)[0] as HTMLElement).click();

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "#hparams";
  const client = new FakeClient(spec()).addRoute("api/hparams", () => WIRE);
  app = new App(client, { visibility: noVisibility, liveDelayMs: { min: 50, max: 200 }, dashboards: { hparams: hparamsDashboard, scalars: (c) => new BlankDashboard(c) } });
  document.body.replaceChildren(app.element);
  installDebug(app);
  const started = app.start();
  await settle();
  await started;
});

afterEach(() => {
  app.stop();
  vi.useRealTimers();
});

describe("the hparams table", () => {
  it("has a row per session and the union of every session's keys as columns", () => {
    expect(rows()).toEqual(["a/hp", "b/hp", "c/hp"]);
    const headers = $('[data-testid="hparams-header"]').map((h) => h.dataset.column);
    expect(headers).toEqual(["run", "hparam:lr", "hparam:opt", "hparam:dropout", "metric::hparam/acc"]);
    const dropout = $('[data-testid="hparams-row"][data-run="b/hp"] [data-column="hparam:dropout"]')[0];
    expect(dropout?.textContent).toBe("0.5");
  });

  it("sorts by a column header, and reverses on a second click", async () => {
    click('[data-testid="hparams-header"][data-column="metric::hparam/acc"]');
    await settle();
    expect(rows()).toEqual(["a/hp", "c/hp", "b/hp"]);
    click('[data-testid="hparams-header"][data-column="metric::hparam/acc"]');
    await settle();
    expect(rows()).toEqual(["b/hp", "c/hp", "a/hp"]);
    app.urlState.flush();
    expect(window.location.hash).toContain("hp_sort=metric");
    expect(window.location.hash).toContain("hp_desc=1");
  });

  it("filters by range, by value and by regex", async () => {
    const min = $('[data-testid="hparams-filter"][data-column="metric::hparam/acc"] [data-testid="hparams-filter-min"]')[0] as HTMLInputElement;
    min.value = "0.75";
    min.dispatchEvent(new Event("change"));
    await settle();
    expect(rows()).toEqual(["b/hp", "c/hp"]);
    const sgd = $('[data-testid="hparams-filter-value"][data-value="adam"]')[0] as HTMLInputElement;
    sgd.checked = false;
    sgd.dispatchEvent(new Event("change"));
    await settle();
    expect(rows()).toEqual([]);
    click('[data-testid="hparams-filters-reset"]');
    const regex = $('[data-testid="hparams-filter-regex"]')[0] as HTMLInputElement;
    regex.value = "^s";
    regex.dispatchEvent(new Event("input"));
    await settle();
    expect(rows()).toEqual(["a/hp"]);
    expect($('[data-testid="hparams-count"]')[0]?.textContent).toBe("1 of 3 sessions");
  });

  it("follows the runs panel: a session whose run is switched off is not listed", async () => {
    app.urlState.update({ hiddenRuns: new Set(["b/hp"]) });
    await settle();
    expect(rows()).toEqual(["a/hp", "c/hp"]);
    // dropout was b's alone: its column goes with it.
    expect($('[data-testid="hparams-header"]').map((h) => h.dataset.column)).not.toContain("hparam:dropout");
  });

  it("links a session to the Scalars tab showing its run", async () => {
    app.urlState.update({ hiddenRuns: new Set(["a"]) });
    click('[data-testid="hparams-session-link"][data-run="a/hp"]');
    await settle();
    const state = app.urlState.state;
    expect(state.tab).toBe("scalars");
    expect(state.runFilter).toBe("^(?:a|a/hp)$");
    expect([...state.hiddenRuns]).toEqual([]);
  });
});

describe("the hparams plots", () => {
  it("draw a parallel-coordinates line per session; brushing an axis filters", async () => {
    click('[data-testid="hparams-view-parallel"]');
    await settle();
    const view = (): { parallel: { axes: string[]; lines: number; dimmed: number }; rows: string[] } =>
      window.__trainboard?.view("hparams") as { parallel: { axes: string[]; lines: number; dimmed: number }; rows: string[] };
    expect(view().parallel).toEqual({ axes: ["hparam:lr", "hparam:opt", "hparam:dropout", "metric::hparam/acc"], lines: 3, dimmed: 0 });
    expect($('[data-testid="hparams-line"]').length).toBe(3);
    // Drag along the metric axis from its top (0.9) to just above its middle (0.8).
    const hit = $('[data-testid="hparams-axis"][data-column="metric::hparam/acc"] .tb-hp-axis-hit')[0] as HTMLElement;
    hit.dispatchEvent(new PointerEvent("pointerdown", { clientY: 46, bubbles: true }));
    window.dispatchEvent(new PointerEvent("pointerup", { clientY: 46 + (380 - 46 - 24) / 2 - 2 }));
    await settle();
    expect(view().parallel.lines).toBe(1);
    expect(view().parallel.dimmed).toBe(2);
    expect(view().rows).toEqual(["b/hp"]);
    expect($('[data-testid="hparams-brush"]').length).toBe(1);
  });

  it("draw a scatter matrix of hparams against metrics", async () => {
    click('[data-testid="hparams-view-scatter"]');
    await settle();
    const scatter = (window.__trainboard?.view("hparams") as { scatter: { rows: string[]; columns: string[]; points: number } }).scatter;
    expect(scatter.rows).toEqual(["metric::hparam/acc"]);
    expect(scatter.columns).toEqual(["hparam:lr", "hparam:opt", "hparam:dropout"]);
    expect(scatter.points).toBe(3 + 3 + 1);
    expect($('[data-testid="hparams-point"]').length).toBe(7);
  });
});
