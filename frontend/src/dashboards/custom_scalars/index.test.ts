// @vitest-environment happy-dom
// The Custom scalars dashboard in the page, over the fake client (stand-in charts: no canvas
// here): categories (closed ones collapsed, loading only when opened), multiline charts with
// a line per matching (run, tag), margin charts with their bands, run selection, smoothing
// and live updates.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClient } from "../../api/fake_client";
import type { LineChartConfig } from "../../charts/line_chart";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import type { WireLayout } from "./api";
import type { CustomChart, CustomChartFactory, Drawing } from "./chart_card";
import { CustomScalarsDashboard } from "./index";
import { bandPolygon } from "./series";

const TAGS = { "loss/train": 40, "loss/val": 40, acc: 40, acc_low: 40, acc_high: 40 };
const LAYOUT: WireLayout = {
  layout_runs: ["a"],
  categories: [
    {
      title: "Losses",
      closed: false,
      charts: [
        {
          title: "all losses",
          kind: "multiline",
          tags: ["loss/.*"],
          errors: [],
          lines: ["a", "b"].flatMap((run) => [{ run, tag: "loss/train" }, { run, tag: "loss/val" }]),
        },
        { title: "train", kind: "multiline", tags: ["loss/train"], errors: [], lines: [{ run: "a", tag: "loss/train" }, { run: "b", tag: "loss/train" }] },
      ],
    },
    {
      title: "Accuracy",
      closed: true,
      charts: [
        {
          title: "band",
          kind: "margin",
          errors: [],
          series: [{ value: "acc", lower: "acc_low", upper: "acc_high", runs: ["a", "b"], band_runs: ["a", "b"] }],
        },
      ],
    },
  ],
};

class StubChart implements CustomChart {
  static drawn = new Map<string, Drawing>();
  readonly plotWidth = 300;
  readonly scales = null;
  bandsDrawn: { run: string; vertices: number }[] = [];
  config: LineChartConfig;
  constructor(
    private readonly root: HTMLElement,
    config: LineChartConfig,
    private readonly onBands: (drawn: { run: string; vertices: number }[]) => void,
  ) {
    this.config = config;
  }
  setData(drawing: Drawing): void {
    StubChart.drawn.set(this.root.closest<HTMLElement>("[data-chart]")?.dataset.chart ?? "", drawing);
    if (drawing.kind === "margin") {
      this.bandsDrawn = drawing.bands.map((b) => ({ run: b.run, vertices: b.lower && b.upper ? bandPolygon(b.lower, b.upper).length : 0 }));
      this.onBands(this.bandsDrawn);
    }
  }
  setConfig(config: LineChartConfig): void {
    this.config = config;
  }
  resize(): void {}
  destroy(): void {}
}

const stubFactory: CustomChartFactory = (_kind, root, _width, config, callbacks) =>
  new StubChart(root, config, (drawn) => callbacks.onBands?.(drawn));

/** What an IntersectionObserver would say: on the page and not inside a collapsed group. */
class PageVisibility implements VisibilityTracker {
  private readonly callbacks = new Map<Element, (visible: boolean) => void>();
  private readonly seen = new Map<Element, boolean>();
  observe(element: Element, callback: (visible: boolean) => void): void {
    this.callbacks.set(element, callback);
  }
  unobserve(element: Element): void {
    this.callbacks.delete(element);
  }
  update(): void {
    for (const [element, callback] of this.callbacks) {
      const visible = element.isConnected && !element.closest("[hidden]");
      if (this.seen.get(element) !== visible) callback(visible);
      this.seen.set(element, visible);
    }
  }
}

let visibility: PageVisibility;
let app: App;
let client: FakeClient;

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    visibility.update();
    await vi.advanceTimersByTimeAsync(200);
    visibility.update();
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const card = (title: string): HTMLElement => document.querySelector(`[data-testid="custom-scalar-card"][data-chart="${title}"]`) as HTMLElement;
const lines = (title: string): string[] => {
  const drawing = StubChart.drawn.get(title);
  return drawing?.kind === "multiline" ? drawing.lines.map((l) => `${l.run}:${l.tag}`) : [];
};

beforeEach(async () => {
  vi.useFakeTimers();
  visibility = new PageVisibility();
  StubChart.drawn.clear();
  window.location.hash = "#custom_scalars?smoothing=0";
  client = new FakeClient({
    runs: [
      { name: "a", tags: { ...TAGS }, kinds: ["scalars", "custom_scalars"] },
      { name: "b", tags: { ...TAGS }, kinds: ["scalars"] },
    ],
  }).addRoute("api/custom_scalars", () => LAYOUT);
  app = new App(client, {
    visibility,
    liveDelayMs: { min: 50, max: 200 },
    dashboards: { custom_scalars: (context) => new CustomScalarsDashboard(context, { createChart: stubFactory }) },
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

describe("custom scalars", () => {
  it("shows the layout's categories, a closed one collapsed and not loaded", () => {
    const groups = [...document.querySelectorAll<HTMLElement>('[data-testid="tag-group"]')];
    expect(groups.map((g) => [g.dataset.group, g.dataset.collapsed])).toEqual([
      ["Losses", "0"],
      ["Accuracy", "1"],
    ]);
    expect(card("band").dataset.state).toBe("idle");
    expect(client.scalarQueries.map((q) => q.tag).sort()).toEqual(["loss/train", "loss/train", "loss/val"]);
  });

  it("draws one line per matching (run, tag), from one request per tag", () => {
    expect(lines("all losses")).toEqual(["a:loss/train", "a:loss/val", "b:loss/train", "b:loss/val"]);
    expect(card("all losses").dataset.lines).toBe("4");
    expect(card("all losses").dataset.points).toBe(String(4 * 40));
    const drawing = StubChart.drawn.get("all losses");
    const colors = drawing?.kind === "multiline" ? drawing.lines.map((l) => l.color) : [];
    expect(new Set(colors).size).toBe(4); // several tags per run: a colour per line
    const train = StubChart.drawn.get("train");
    expect(train?.kind === "multiline" ? train.lines.map((l) => l.label) : []).toEqual(["a", "b"]);
  });

  it("draws a margin chart's band once its category is opened", async () => {
    (document.querySelector('[data-group="Accuracy"] [data-testid="group-toggle"]') as HTMLElement).click();
    await settle();
    const band = card("band");
    expect(band.dataset.state).toBe("ready");
    expect(band.dataset.bands).toBe("2");
    const debug = window.__trainboard?.view("custom_scalars") as { categories: { title: string; collapsed: boolean; charts: { bands: unknown[] }[] }[] };
    expect(debug.categories[1]?.collapsed).toBe(false);
    expect(debug.categories[1]?.charts[0]?.bands).toEqual([
      { run: "a", color: expect.any(String), value_points: 40, lower_points: 40, upper_points: 40, filled_vertices: 80 },
      { run: "b", color: expect.any(String), value_points: 40, lower_points: 40, upper_points: 40, filled_vertices: 80 },
    ]);
  });

  it("follows the runs panel and the smoothing setting", async () => {
    app.urlState.update({ hiddenRuns: new Set(["b"]) });
    await settle();
    expect(lines("all losses")).toEqual(["a:loss/train", "a:loss/val"]);
    const before = client.scalarQueries.length;
    app.urlState.update({ params: { ...app.urlState.state.params, smoothing: "0.9" } });
    await settle();
    // Whole series were fetched: smoothing is computed here, without asking again.
    expect(client.scalarQueries.length).toBe(before);
    const drawing = StubChart.drawn.get("all losses");
    expect(drawing?.kind === "multiline" && drawing.lines[0]?.smoothed?.length).toBe(40);
  });

  it("refetches the charts that live points touch", async () => {
    const before = client.scalarQueries.length;
    client.logdir.append("a", "loss/val", 5);
    client.push({ type: "points", kind: "scalars", updates: [{ run: "a", tag: "loss/val", total_points: 45, last_step: 44 }] });
    await settle();
    expect(client.scalarQueries.slice(before).map((q) => q.tag).sort()).toEqual(["loss/train", "loss/val"]);
    expect(card("all losses").dataset.points).toBe(String(4 * 40 + 5));
  });
});
