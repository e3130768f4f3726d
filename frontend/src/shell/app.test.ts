// @vitest-environment happy-dom
// The whole page over the fake client: shell, runs panel, URL state, Scalars cards, live
// updates, zoom and downloads. Charts are stand-ins (no canvas here) that record what they
// were given; visibility is driven by the test instead of IntersectionObserver.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClient } from "../api/fake_client";
import { demoSpec } from "../api/fake_logdir";
import type { ChartSeries, LineChartCallbacks } from "../charts/line_chart";
import type { Range } from "../charts/scale_range";
import type { VisibilityCallback, VisibilityTracker } from "../core/visibility";
import type { ChartLike } from "../dashboards/scalars/card";
import { ScalarsDashboard } from "../dashboards/scalars/index";
import { App } from "./app";
import { installDebug } from "./debug";

class StubChart implements ChartLike {
  readonly plotWidth = 300;
  series: readonly ChartSeries[] = [];
  zoom: Range | null = null;
  constructor(readonly callbacks: LineChartCallbacks) {}
  setData(series: readonly ChartSeries[], zoom: Range | null): void {
    this.series = series;
    this.zoom = zoom;
  }
  setConfig(): void {}
  resize(): void {}
  destroy(): void {}
}

class ManualVisibility implements VisibilityTracker {
  readonly callbacks = new Map<Element, VisibilityCallback>();
  observe(element: Element, callback: VisibilityCallback): void {
    this.callbacks.set(element, callback);
  }
  unobserve(element: Element): void {
    this.callbacks.delete(element);
  }
  show(element: Element): void {
    this.callbacks.get(element)?.(true);
  }
}

let client: FakeClient;
let app: App;
let visibility: ManualVisibility;
const charts = new Map<HTMLElement, StubChart>();

const $ = <T extends Element = HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`no element ${selector}`);
  return el;
};
const card = (tag: string, parent?: string): HTMLElement =>
  $(`[data-testid="scalar-card"][data-tag="${tag}"]${parent ? `[data-parent="${parent}"]` : ":not([data-parent])"}`);
const chartOf = (el: HTMLElement): StubChart => {
  const chart = charts.get(el.querySelector<HTMLElement>('[data-testid="chart"]') as HTMLElement);
  if (!chart) throw new Error("card has no chart");
  return chart;
};

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "";
  client = new FakeClient(demoSpec({ runs: 3, tags: 4, steps: 3000 }), { windowTitle: "My board" });
  visibility = new ManualVisibility();
  charts.clear();
  app = new App(client, {
    visibility,
    dashboards: {
      scalars: (context) =>
        new ScalarsDashboard(context, {
          createChart: (root, _width, _config, callbacks) => {
            const chart = new StubChart(callbacks);
            charts.set(root, chart);
            return chart;
          },
        }),
    },
    liveDelayMs: { min: 50, max: 200 },
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

describe("shell", () => {
  it("shows every tab, dims kinds the logdir lacks, and titles the window", () => {
    expect($('[data-testid="tab-scalars"]').dataset.dimmed).toBe("0");
    expect($('[data-testid="tab-images"]').dataset.dimmed).toBe("0");
    expect($('[data-testid="tab-audio"]').dataset.dimmed).toBe("1");
    expect($('[data-testid="tab-live"]').dataset.dimmed).toBe("0");
    expect($('[data-testid="tab-all"]').dataset.dimmed).toBe("0"); // the "all" view: any logdir
    expect(document.querySelectorAll('[role="tab"]').length).toBe(16); // 15 + Runs
    expect(document.title).toBe("My board");
  });

  it("shows load warnings while the rest loads", () => {
    const warnings = $('[data-testid="warnings"]');
    expect(warnings.hidden).toBe(false);
    expect(warnings.querySelectorAll('[data-testid="warning-item"]').length).toBe(1);
    expect(warnings.textContent).toContain("CRC");
    expect(document.querySelectorAll('[data-testid="scalar-card"]').length).toBeGreaterThan(0);
  });

  it("lists add_scalars sub-runs under their parent and keeps the selection in the URL", async () => {
    const parentRow = $('[data-testid="run-row"][data-run="baseline"]');
    expect(parentRow.parentElement?.querySelector('[data-run="baseline/losses_train"]')).not.toBeNull();
    $<HTMLInputElement>('[data-testid="run-toggle"][data-run="lr_3e-4"]').click();
    await settle();
    app.urlState.flush();
    expect(window.location.hash).toContain("off=lr_3e-4");
    expect(card("loss/train").dataset.tag).toBe("loss/train");
    // A parent's checkbox switches its add_scalars sub-runs with it.
    expect(window.__trainboard?.state().hiddenRuns).toEqual(["lr_3e-4", "lr_3e-4/losses_train", "lr_3e-4/losses_val"]);
    $('[data-testid="runs-none"]').click();
    await settle();
    expect($('[data-testid="scalars-empty"]').textContent).toContain("No runs selected");
    $('[data-testid="runs-all"]').click();
    await settle();
    expect(document.querySelectorAll('[data-testid="scalar-card"]').length).toBeGreaterThan(0);
  });

  it("switches tabs to an empty state and back", async () => {
    $('[data-testid="tab-audio"]').click();
    await settle();
    expect($('[data-testid="empty-state"]').dataset.dashboard).toBe("audio");
    expect($('[data-testid="empty-state"]').textContent).toContain("No audio data");
    expect(window.location.hash).toBe("#audio");
    $('[data-testid="tab-scalars"]').click();
    await settle();
    expect($('[data-testid="scalars-dashboard"]')).toBeTruthy();
  });
});

describe("scalars", () => {
  it("groups cards by prefix and gives add_scalars groups their own card", () => {
    const groups = [...document.querySelectorAll<HTMLElement>('[data-testid="tag-group"]')].map((g) => g.dataset.group);
    expect(groups).toEqual(["accuracy", "loss", "losses"]);
    expect(card("losses", "baseline").dataset.parent).toBe("baseline");
    expect(card("losses", "lr_3e-4").dataset.parent).toBe("lr_3e-4");
  });

  it("fetches only visible cards, with the chart's pixel width", async () => {
    expect(client.scalarQueries).toHaveLength(0);
    visibility.show(card("loss/train"));
    await settle();
    expect(client.scalarQueries.map((q) => q.tag)).toEqual(["loss/train"]);
    const el = card("loss/train");
    expect(el.dataset.state).toBe("ready");
    expect(el.dataset.runs).toBe("3");
    // 3000 points in ~330 px: downsampled to at most 4 per pixel.
    const points = Number(el.dataset.points);
    expect(points).toBeGreaterThan(0);
    expect(points).toBeLessThanOrEqual(3 * 4 * 330);
    const debug = window.__trainboard?.card("loss/train");
    expect(debug?.series.map((s) => s.run)).toEqual(["baseline", "lr_1e-3/seed_0", "lr_3e-4"]);
    expect(debug?.series[0]?.smoothed).toHaveLength(debug?.series[0]?.raw.length ?? -1);
  });

  it("draws an add_scalars group as one multi-line card", async () => {
    visibility.show(card("losses", "baseline"));
    await settle();
    const q = client.scalarQueries.at(-1);
    expect(q?.runs).toEqual(["baseline/losses_train", "baseline/losses_val"]);
    expect(chartOf(card("losses", "baseline")).series.map((s) => s.label)).toEqual([
      "baseline/losses_train",
      "baseline/losses_val",
    ]);
  });

  it("re-smooths at once when the slider moves, and puts smoothing in the URL", async () => {
    visibility.show(card("loss/train"));
    await settle();
    const before = window.__trainboard?.card("loss/train")?.series[0]?.smoothed ?? [];
    const slider = $<HTMLInputElement>('[data-testid="smoothing-slider"]');
    slider.value = "0.95";
    slider.dispatchEvent(new Event("input"));
    const after = window.__trainboard?.card("loss/train")?.series[0]?.smoothed ?? [];
    expect(after).not.toEqual(before);
    await settle();
    app.urlState.flush();
    expect(window.location.hash).toContain("smoothing=0.95");
    // Downsampled series get the server's full-resolution smoothing.
    expect(client.scalarQueries.at(-1)?.smoothing).toBe(0.95);
    slider.value = "0";
    slider.dispatchEvent(new Event("input"));
    expect(window.__trainboard?.card("loss/train")?.series[0]?.smoothed).toBeNull();
  });

  it("zooms by fetching the x range, keeps the zoom through live updates, and resets", async () => {
    visibility.show(card("loss/train"));
    await settle();
    const chart = chartOf(card("loss/train"));
    chart.callbacks.onZoom(1000, 1200);
    await settle();
    const zoomed = client.scalarQueries.at(-1);
    expect([zoomed?.xmin, zoomed?.xmax]).toEqual([1000, 1200]);
    expect(chart.zoom).toEqual([1000, 1200]);
    expect(card("loss/train").dataset.zoomed).toBe("1");
    // Zoomed in, every point of the range comes back (201 points + one outside each end).
    expect(chart.series[0]?.raw.length).toBe(203);

    const queries = client.scalarQueries.length;
    client.appendPoints("baseline", "loss/train", 50);
    client.appendPoints("baseline", "accuracy/train", 50);
    await settle();
    expect(client.scalarQueries.length).toBe(queries + 1);
    const live = client.scalarQueries.at(-1);
    expect([live?.tag, live?.xmin, live?.xmax]).toEqual(["loss/train", 1000, 1200]);
    expect(chart.zoom).toEqual([1000, 1200]);

    chart.callbacks.onResetZoom();
    await settle();
    expect(client.scalarQueries.at(-1)?.xmin).toBeUndefined();
    expect(window.__trainboard?.card("loss/train")?.series[0]?.x.at(-1)).toBe(3049);
  });

  it("refetches visible cards after a reconnect", async () => {
    visibility.show(card("loss/train"));
    await settle();
    const queries = client.scalarQueries.length;
    client.dropLive();
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(app.liveStatus).toBe("open");
    expect(client.scalarQueries.length).toBe(queries + 1);
  });

  it("switches the x axis by refetching in the new units", async () => {
    visibility.show(card("loss/train"));
    await settle();
    $<HTMLSelectElement>('[data-testid="xaxis-select"]').value = "relative";
    $('[data-testid="xaxis-select"]').dispatchEvent(new Event("change"));
    await settle();
    expect(client.scalarQueries.at(-1)?.xaxis).toBe("relative");
    const x = window.__trainboard?.card("loss/train")?.series[0]?.x ?? [];
    expect(x[0]).toBeCloseTo(0, 6);
  });

  it("filters tags and collapses groups", async () => {
    const filter = $<HTMLInputElement>('[data-testid="tag-filter"]');
    filter.value = "^acc";
    filter.dispatchEvent(new Event("input"));
    await settle();
    expect([...document.querySelectorAll<HTMLElement>('[data-testid="scalar-card"]')].map((c) => c.dataset.tag)).toEqual([
      "accuracy/train",
      "accuracy/val",
    ]);
    const group = $('[data-testid="tag-group"][data-group="accuracy"]');
    $('[data-testid="tag-group"][data-group="accuracy"] [data-testid="group-toggle"]').click();
    expect(group.dataset.collapsed).toBe("1");
  });

  it("offers full-resolution CSV and JSON downloads per run", async () => {
    const menu = card("loss/val").querySelector<HTMLDetailsElement>('[data-testid="download-menu"]');
    if (!menu) throw new Error("no download menu");
    menu.open = true;
    menu.dispatchEvent(new Event("toggle"));
    const csv = menu.querySelectorAll<HTMLAnchorElement>('[data-testid="download-csv"]');
    expect([...csv].map((a) => a.dataset.run)).toEqual(["baseline", "lr_1e-3/seed_0", "lr_3e-4"]);
    expect(csv[0]?.getAttribute("download")).toBe("baseline-loss_val.csv");
    expect(menu.querySelectorAll('[data-testid="download-json"]').length).toBe(3);
  });

  it("shows a card error without breaking the others", async () => {
    const original = client.getBytes.bind(client);
    vi.spyOn(client, "getBytes").mockImplementation((path, params, signal) =>
      path === "api/scalars" && params?.tag === "loss/val" ? Promise.reject(new Error("boom")) : original(path, params, signal),
    );
    visibility.show(card("loss/val"));
    visibility.show(card("loss/train"));
    await settle();
    expect(card("loss/val").dataset.state).toBe("error");
    expect(card("loss/val").textContent).toContain("boom");
    expect(card("loss/train").dataset.state).toBe("ready");
  });
});
