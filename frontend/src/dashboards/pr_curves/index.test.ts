// @vitest-environment happy-dom
// The PR curves dashboard over the fake client (with a stand-in chart: no canvas here): a card
// per tag with a line and a slider per run, one request per slider move, and sliders that
// follow new steps only from the latest; plus the tooltip's nearest-point rule.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Kind, TagsIndex } from "../../api/client";
import { FakeClient } from "../../api/fake_client";
import type { Theme } from "../../core/theme";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import type { WirePrCurve, WirePrCurves, WirePrSteps } from "./api";
import { convertCurve } from "./api";
import type { PrCardDebug, PrChartLike } from "./card";
import type { PrSeries } from "./chart";
import { PrCurvesDashboard } from "./index";
import type { PrTooltipRow } from "./tooltip";
import { PrTooltip, formatCount, nearestPoint } from "./tooltip";

function wireCurve(run: string, step: number): WirePrCurve {
  return {
    run,
    step,
    wall_time: 1.7e9 + step,
    num_thresholds: 3,
    thresholds: [0, 0.5, 1],
    precision: [0.5, 0.75 + step / 100, 1],
    recall: [1, 0.6, 0.1],
    true_positives: [10, 6, 1],
    false_positives: [10, 2, 0],
    true_negatives: [0, 8, 10],
    false_negatives: [0, 4, 9],
  };
}

class PrFake extends FakeClient {
  readonly steps = new Map<string, Map<string, number[]>>([
    ["a", new Map([["pr/cat", [0, 1, 2]], ["pr/dog", [0]]])],
    ["b", new Map([["pr/cat", [5]]])],
  ]);

  constructor() {
    super({ runs: [{ name: "a", kinds: ["pr_curves"], tags: {} }, { name: "b", kinds: ["pr_curves"], tags: {} }] });
    this.addRoute("api/pr_curves/steps", (q) => this.stepsOf(q));
    this.addRoute("api/pr_curves", (q) => this.curvesOf(q));
  }

  override tags(kind: Kind): Promise<TagsIndex> {
    if (kind !== "pr_curves") return super.tags(kind);
    const info = (steps: number[]) => ({ points: steps.length, lastStep: steps.at(-1) ?? 0, displayName: "", description: "" });
    return Promise.resolve(new Map([...this.steps].map(([run, tags]) => [run, new Map([...tags].map(([t, s]) => [t, info(s)]))])));
  }

  private stepsOf(q: URLSearchParams): WirePrSteps {
    const tag = q.get("tag") ?? "";
    const runs = q.getAll("runs").filter((run) => this.steps.get(run)?.has(tag));
    return {
      tag,
      runs: runs.map((run) => {
        const steps = this.steps.get(run)?.get(tag) ?? [];
        return { run, steps, wall_times: steps.map((s) => 1.7e9 + s), num_thresholds: 3 };
      }),
    };
  }

  private curvesOf(q: URLSearchParams): WirePrCurves {
    const steps = q.getAll("steps").map(Number);
    return { tag: q.get("tag") ?? "", curves: q.getAll("runs").map((run, i) => wireCurve(run, steps[i] as number)) };
  }
}

class StandInChart implements PrChartLike {
  static drawn: PrSeries[][] = [];
  tooltipRows: readonly PrTooltipRow[] | null = null;
  setData(series: readonly PrSeries[]): void {
    StandInChart.drawn.push([...series]);
  }
  setTheme(_theme: Theme): void {}
  resize(_width: number): void {}
  destroy(): void {}
}

const visible: VisibilityTracker = { observe: (_el, callback) => callback(true), unobserve: () => undefined };
let client: PrFake;
let app: App;

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const cards = (): PrCardDebug[] => (window.__trainboard?.view("pr_curves") as { cards: PrCardDebug[] }).cards;
const row = (tag: string, run: string): HTMLElement =>
  document.querySelector(`[data-testid="pr-card"][data-tag="${tag}"] [data-testid="pr-run-row"][data-run="${run}"]`) as HTMLElement;
const curveRequests = (): string[] => client.requests.filter((r) => r.path === "api/pr_curves").map((r) => r.params.toString());

function moveSlider(element: HTMLElement, index: number): void {
  const slider = element.querySelector('[data-testid="step-slider"]') as HTMLInputElement;
  slider.value = String(index);
  slider.dispatchEvent(new Event("input"));
}

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "#pr_curves";
  StandInChart.drawn = [];
  client = new PrFake();
  const createChart = (): PrChartLike => new StandInChart();
  app = new App(client, { visibility: visible, liveDelayMs: { min: 50, max: 200 }, dashboards: { pr_curves: (ctx) => new PrCurvesDashboard(ctx, { createChart }) } });
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

describe("PrCurvesDashboard", () => {
  it("draws a card per tag with each run's latest curve in its colour", () => {
    expect(cards().map((c) => [c.tag, c.state, c.runs.map((r) => `${r.run}@${r.step}`)])).toEqual([
      ["pr/cat", "ready", ["a@2", "b@5"]],
      ["pr/dog", "ready", ["a@0"]],
    ]);
    const cat = cards()[0] as PrCardDebug;
    expect(cat.runs[0]?.curve?.precision).toEqual([0.5, 0.77, 1]);
    expect(cat.runs[0]?.color).not.toBe(cat.runs[1]?.color);
    expect(curveRequests()).toContain("tag=pr%2Fcat&runs=a&runs=b&steps=2&steps=5");
    const last = StandInChart.drawn.at(-1) ?? [];
    expect(last.map((s) => s.run)).toEqual(["a"]); // pr/dog drawn last
    expect(row("pr/cat", "a").dataset.step).toBe("2");
  });

  it("loads only the moved run's curve when its slider moves", async () => {
    const before = client.requests.filter((r) => r.path === "api/pr_curves/steps").length;
    moveSlider(row("pr/cat", "a"), 0);
    await settle();
    expect(curveRequests().at(-1)).toBe("tag=pr%2Fcat&runs=a&steps=0");
    expect(client.requests.filter((r) => r.path === "api/pr_curves/steps").length).toBe(before);
    expect(row("pr/cat", "a").dataset.step).toBe("0");
    expect(row("pr/cat", "b").dataset.step).toBe("5");
  });

  it("moves a slider with new steps only when it was at the latest", async () => {
    moveSlider(row("pr/cat", "a"), 1);
    await settle();
    client.steps.get("a")?.set("pr/cat", [0, 1, 2, 3]);
    client.steps.get("b")?.set("pr/cat", [5, 6]);
    client.push({
      type: "points",
      kind: "pr_curves",
      updates: [
        { run: "a", tag: "pr/cat", total_points: 4, last_step: 3 },
        { run: "b", tag: "pr/cat", total_points: 2, last_step: 6 },
      ],
    });
    await settle();
    expect(row("pr/cat", "a").dataset.step).toBe("1");
    expect(row("pr/cat", "b").dataset.step).toBe("6");
    expect(cards()[0]?.runs[0]?.steps).toEqual([0, 1, 2, 3]);
    expect(curveRequests().at(-1)).toBe("tag=pr%2Fcat&runs=b&steps=6");
  });

  it("drops a run's line and slider when the run is switched off", async () => {
    app.urlState.update({ hiddenRuns: new Set(["b"]) });
    await settle();
    expect(cards()[0]?.runs.map((r) => r.run)).toEqual(["a"]);
    expect(row("pr/cat", "b")).toBeNull();
  });
});

describe("the tooltip", () => {
  const identity = (x: number, y: number): [number, number] => [x * 100, 100 - y * 100];

  it("picks the point nearest the cursor on screen, skipping gaps", () => {
    expect(nearestPoint([1, 0.6, 0.1], [0.5, 0.75, 1], identity, 58, 27)).toBe(1);
    expect(nearestPoint([1, NaN], [0.5, 0.5], identity, 0, 50)).toBe(0);
    expect(nearestPoint([], [], identity, 0, 0)).toBe(-1);
    expect(nearestPoint([0.5, 0.5], [0.5, 0.5], identity, 50, 50)).toBe(0); // ties: lower threshold
  });

  it("shows threshold, precision, recall and counts per run", () => {
    const parent = document.createElement("div");
    const tooltip = new PrTooltip(parent);
    const c = convertCurve(wireCurve("a", 0));
    tooltip.show(
      [{ run: "a", color: "#1f77b4", step: 0, threshold: 0.5, precision: 0.75, recall: 0.6, truePositives: 6, falsePositives: 2, trueNegatives: 8, falseNegatives: 4.5 }],
      10,
      10,
      400,
    );
    const cells = [...parent.querySelectorAll("tbody td")].map((td) => td.textContent);
    expect(cells).toEqual(["", "a", "0", "0.5", "0.75", "0.6", "6", "2", "8", "4.5"]);
    const tr = parent.querySelector('[data-testid="pr-tooltip-row"]') as HTMLElement;
    expect([tr.dataset.threshold, tr.dataset.precision, tr.dataset.recall]).toEqual(["0.5", "0.75", "0.6"]);
    expect(c.truePositives).toEqual([10, 6, 1]);
    expect(formatCount(3)).toBe("3");
    expect(formatCount(2.123456)).toBe("2.123");
  });
});
