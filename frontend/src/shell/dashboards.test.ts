// @vitest-environment happy-dom
// The shell's side of the dashboard interface: dashboards are created when their tab is first
// shown (lazy ones loaded on demand), get runs, state, push messages, reconnects and theme
// changes, count in `pending`, keep their own URL parameters, and appear in __trainboard.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveMessage, RunsInfo } from "../api/client";
import { FakeClient } from "../api/fake_client";
import { demoSpec } from "../api/fake_logdir";
import type { DashboardContext, DashboardFactory } from "../core/dashboard";
import { DashboardBase } from "../core/dashboard";
import type { AppState } from "../core/url_state";
import type { VisibilityTracker } from "../core/visibility";
import { App } from "./app";
import { installDebug } from "./debug";

class RecordingDashboard extends DashboardBase {
  readonly element = document.createElement("div");
  readonly calls: string[] = [];
  readonly messages: LiveMessage[] = [];
  runsSeen: RunsInfo | null = null;
  busy = 0;

  constructor(context: DashboardContext) {
    super(context);
    this.element.dataset.testid = "recording";
  }

  get ctx(): DashboardContext {
    return this.context;
  }

  override get pending(): number {
    return this.busy;
  }

  override show(): void {
    this.calls.push("show");
  }
  override hide(): void {
    this.calls.push("hide");
  }
  override setRuns(runs: RunsInfo): void {
    this.runsSeen = runs;
    this.calls.push("setRuns");
  }
  override stateChanged(next: AppState, previous: AppState): void {
    if (next.params !== previous.params) this.calls.push(`params:${JSON.stringify(next.params)}`);
  }
  override onLive(message: LiveMessage): void {
    this.messages.push(message);
  }
  override refreshAll(): void {
    this.calls.push("refreshAll");
  }
  debug(): unknown {
    return { steps: new Float64Array([1, 2]), runs: this.ctx.drawnRuns().size };
  }
}

const noVisibility: VisibilityTracker = { observe: () => undefined, unobserve: () => undefined };
let client: FakeClient;
let app: App;
let created: RecordingDashboard[];
let loadLazy: () => void;

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const recording: DashboardFactory = (context) => {
  const view = new RecordingDashboard(context);
  created.push(view);
  return view;
};

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "";
  created = [];
  client = new FakeClient(demoSpec({ runs: 3, tags: 2, steps: 50 }));
  let release: (() => void) | null = null;
  const gate = new Promise<void>((resolve) => (release = resolve));
  loadLazy = () => release?.();
  app = new App(client, {
    visibility: noVisibility,
    liveDelayMs: { min: 50, max: 200 },
    dashboards: {
      images: recording,
      histograms: {
        load: async () => {
          await gate;
          return recording;
        },
      },
      audio: recording,
    },
  });
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

const tab = (id: string): void => (document.querySelector(`[data-testid="tab-${id}"]`) as HTMLElement).click();

describe("dashboard plug-ins", () => {
  it("are created on first show, get runs, and are detached while hidden", async () => {
    expect(created.length).toBe(0);
    tab("images");
    await settle();
    expect(created.length).toBe(1);
    const view = created[0] as RecordingDashboard;
    expect(view.calls).toEqual(["setRuns", "show"]);
    expect(view.runsSeen?.runs.length).toBeGreaterThan(0);
    expect(view.element.isConnected).toBe(true);
    expect(view.element.dataset.dashboardView).toBe("images");
    expect(view.ctx.info.id).toBe("images");

    tab("scalars");
    await settle();
    expect(view.element.isConnected).toBe(false);
    tab("images");
    await settle();
    expect(created.length).toBe(1);
    expect(view.calls).toEqual(["setRuns", "show", "hide", "show"]);
  });

  it("keep the placeholder while the logdir lacks their kind", async () => {
    tab("audio");
    await settle();
    expect(created.length).toBe(0);
    expect((document.querySelector('[data-testid="empty-state"]') as HTMLElement).dataset.dashboard).toBe("audio");
  });

  it("get push messages of every kind, reconnects, and count in pending", async () => {
    tab("images");
    await settle();
    const view = created[0] as RecordingDashboard;
    client.push({ type: "tags", kind: "images", run: "baseline", added: ["samples"] });
    client.push({ type: "points", kind: "histograms", updates: [] });
    expect(view.messages.map((m) => m.type)).toEqual(["tags", "points"]);
    view.busy = 2;
    expect(app.pending).toBe(2);
    view.busy = 0;
    client.dropLive();
    await settle();
    await vi.advanceTimersByTimeAsync(500);
    expect(view.calls).toContain("refreshAll");
  });

  it("load lazily, counting as pending until their code arrives", async () => {
    tab("histograms");
    await vi.advanceTimersByTimeAsync(10);
    expect(document.querySelector('[data-testid="dashboard-loading"]')).not.toBeNull();
    expect(app.pending).toBe(1);
    loadLazy();
    await settle();
    expect(created.length).toBe(1);
    expect((created[0] as RecordingDashboard).element.isConnected).toBe(true);
    expect(window.__trainboard?.dashboards()).toEqual(["scalars", "histograms"]);
  });

  it("keep their own URL parameters and expose debug data", async () => {
    tab("images");
    await settle();
    const view = created[0] as RecordingDashboard;
    view.ctx.setParams({ img_step: "7" });
    expect(view.ctx.param("img_step")).toBe("7");
    app.urlState.flush();
    expect(window.location.hash).toBe("#images?img_step=7");
    view.ctx.setParams({ img_step: null });
    expect(view.ctx.param("img_step")).toBeNull();
    expect(view.calls.filter((c) => c.startsWith("params:"))).toEqual(['params:{"img_step":"7"}', "params:{}"]);
    expect(window.__trainboard?.view("images")).toEqual({ steps: [1, 2], runs: app.runsInfo.runs.length });
    expect(window.__trainboard?.view("audio")).toBeNull();
  });
});
