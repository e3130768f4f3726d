// @vitest-environment happy-dom
// The Runs tab in the page, over the fake client: rows virtualised (10,000 runs, a few dozen
// in the DOM), a header click sorts, a filter box filters, and the checkboxes are the page's
// run selection (the runs panel and every tab follow), including "select only these".

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClient } from "../../api/fake_client";
import type { WireRunsTable } from "../../api/wire_types";
import { DashboardBase } from "../../core/dashboard";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import { runsDashboard, STORAGE_KEY } from "./index";

const COUNT = 10_000;
const name = (i: number): string => `run${String(i).padStart(5, "0")}`;

function wire(metrics: readonly string[]): WireRunsTable {
  return {
    hparams: [{ name: "lr", display_name: "", description: "", type: "number", domain: null, interval: null }],
    environment: [{ name: "host", type: "string" }],
    metrics: [...metrics],
    scalar_tags: ["loss"],
    rows: Array.from({ length: COUNT }, (_, i) => ({
      run: name(i),
      members: [],
      start_time: null,
      display_name: i === 3 ? "three" : null,
      color: null,
      tags: [],
      hidden: false,
      archived: false,
      hparams: { lr: (i % 100) / 1000 },
      environment: { host: `h${i % 3}` },
      metrics: metrics.map(() => ({ last: COUNT - i, last_step: 9, min: 0, max: COUNT - i, points: 10, nonfinite: 0 })),
    })),
  };
}

const noVisibility: VisibilityTracker = { observe: (_el, cb) => cb(true), unobserve: () => undefined };
let app: App;
let client: FakeClient;

class BlankDashboard extends DashboardBase {
  readonly element = document.createElement("div");
}

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await vi.advanceTimersByTimeAsync(200);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const $ = (selector: string): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(selector)];
const rendered = (): string[] => $('[data-testid="rt-row"]').map((r) => r.dataset.run as string);
const debugView = (): { rows: string[]; columns: string[] } => (window as unknown as { __trainboard: { view(id: string): { rows: string[]; columns: string[] } } }).__trainboard.view("runs");

beforeEach(async () => {
  vi.useFakeTimers();
  window.localStorage.removeItem(STORAGE_KEY);
  window.location.hash = "#runs";
  const runs = Array.from({ length: COUNT }, (_, i) => ({ name: name(i), tags: { loss: 2 }, kinds: ["scalars" as const] }));
  client = new FakeClient({ runs }).addRoute("api/runs/table", (params) => wire(params.getAll("metrics")));
  app = new App(client, { visibility: noVisibility, liveDelayMs: { min: 50, max: 200 }, dashboards: { runs: runsDashboard, scalars: (c) => new BlankDashboard(c) } });
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

describe("the runs table", () => {
  it("renders only the rows in view", () => {
    expect(debugView().rows.length).toBe(COUNT);
    const shown = rendered();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(100);
    expect(shown[0]).toBe(name(0));
  });

  it("sorts by a header and filters by a range", async () => {
    const box = $('[data-testid="rt-metric-picker"]')[0] as HTMLSelectElement;
    box.value = "loss";
    ($('[data-testid="rt-metric-add"]')[0] as HTMLElement).click();
    await settle();
    expect(debugView().columns).toContain("m:last:loss");
    ($('[data-testid="rt-header"][data-column="m:last:loss"]')[0] as HTMLElement).click();
    await settle();
    expect(rendered()[0]).toBe(name(COUNT - 1));
    const filter = $('[data-testid="rt-filter"][data-column="hp:lr"]')[0] as HTMLInputElement;
    filter.value = "0.001..0.002";
    filter.dispatchEvent(new Event("change"));
    await settle();
    expect(debugView().rows.length).toBe(2 * (COUNT / 100));
    app.urlState.flush();
    expect(decodeURIComponent(window.location.hash)).toContain('rt_filter={"hp:lr":"0.001..0.002"}');
    expect(JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "{}").metrics).toEqual(["loss"]);
  });

  it("is the page's run selection", async () => {
    const box = $('[data-testid="rt-select"][data-run="run00001"]')[0] as HTMLInputElement;
    expect(box.checked).toBe(true);
    box.checked = false;
    box.dispatchEvent(new Event("change"));
    await settle();
    expect(app.urlState.state.hiddenRuns.has("run00001")).toBe(true);
    const filter = $('[data-testid="rt-filter"][data-column="name"]')[0] as HTMLInputElement;
    filter.value = "^run0000[0-4]$|three";
    filter.dispatchEvent(new Event("change"));
    await settle();
    // Sorted by the name shown: run00003's display name "three" comes last.
    expect(debugView().rows).toEqual(["run00000", "run00001", "run00002", "run00004", "run00003"]);
    ($('[data-testid="rt-select-filtered"]')[0] as HTMLElement).click();
    await settle();
    const hidden = app.urlState.state.hiddenRuns;
    expect(hidden.size).toBe(COUNT - 5);
    expect(hidden.has("run00001")).toBe(false);
    expect(hidden.has("run00005")).toBe(true);
  });
});
