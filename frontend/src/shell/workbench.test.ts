// @vitest-environment happy-dom
// The workbench over the whole page (fake client, stand-in charts): the settings pane and
// what it restores after a reload, run colours, the zoom in the URL, and the shortcuts.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClient } from "../api/fake_client";
import { demoSpec } from "../api/fake_logdir";
import type { ChartSeries, LineChartCallbacks } from "../charts/line_chart";
import type { Range } from "../charts/scale_range";
import { resetAppSettingsForTests } from "../core/settings";
import type { ChartLike } from "../dashboards/scalars/card";
import { ScalarsDashboard } from "../dashboards/scalars/index";
import { App } from "./app";
import { installDebug } from "./debug";
import { allVisible } from "./page_test_support";

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

let app: App | null = null;
const charts = new Map<HTMLElement, StubChart>();

const $ = <T extends Element = HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`no element ${selector}`);
  return el;
};
const chartOf = (tag: string): StubChart => {
  const root = $(`[data-testid="scalar-card"][data-tag="${tag}"]:not([data-parent]) [data-testid="chart"]`);
  const chart = charts.get(root);
  if (!chart) throw new Error("card has no chart");
  return chart;
};
const state = (): Record<string, unknown> => window.__trainboard?.state() ?? {};

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app?.pending === 0) return;
  }
  throw new Error("page still busy");
}

/** Opens the page at `hash`, as a reload would: the settings are read from storage again. */
async function openPage(hash: string): Promise<App> {
  app?.stop();
  resetAppSettingsForTests();
  window.location.hash = hash;
  charts.clear();
  const client = new FakeClient(demoSpec({ runs: 3, tags: 4, steps: 300 }));
  app = new App(client, {
    visibility: allVisible,
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
  await settle();
  return app;
}

function change(el: HTMLInputElement | HTMLSelectElement, value: string | boolean, event = "change"): void {
  if (typeof value === "boolean") (el as HTMLInputElement).checked = value;
  else el.value = value;
  el.dispatchEvent(new Event(event, { bubbles: true }));
}

const key = (k: string, target: EventTarget = document.body): void => {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
};

beforeEach(() => {
  vi.useFakeTimers();
  window.localStorage.clear();
});

afterEach(() => {
  app?.stop();
  app = null;
  vi.useRealTimers();
});

describe("settings pane", () => {
  it("sets the defaults, kept after a reload, while the URL still wins", async () => {
    await openPage("");
    $('[data-testid="settings-button"]').click();
    expect($('[data-testid="settings-pane"]').hidden).toBe(false);
    change($<HTMLInputElement>('[data-testid="settings-smoothing"]'), "0.9");
    change($<HTMLSelectElement>('[data-testid="settings-xaxis"]'), "relative");
    change($<HTMLInputElement>('[data-testid="settings-outliers"]'), false);
    change($<HTMLSelectElement>('[data-testid="settings-theme"]'), "dark");
    change($<HTMLInputElement>('[data-testid="settings-card-width"]'), "600", "input");
    await settle();
    expect(state()).toMatchObject({ smoothing: 0.9, xaxis: "relative", ignoreOutliers: false });
    expect(window.location.hash).not.toContain("smoothing");
    expect($<HTMLInputElement>('[data-testid="smoothing-value"]').value).toBe("0.9");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(document.documentElement.style.getPropertyValue("--tb-card-width")).toBe("600px");
    expect(chartOf("loss/train").series[0]?.smoothed).not.toBeNull();

    await openPage("");
    expect(state()).toMatchObject({ smoothing: 0.9, xaxis: "relative", ignoreOutliers: false });
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect($<HTMLSelectElement>('[data-testid="settings-theme"]').value).toBe("dark");
    expect($<HTMLInputElement>('[data-testid="settings-card-width"]').value).toBe("600");

    await openPage("#scalars?smoothing=0.2&xaxis=step");
    expect(state()).toMatchObject({ smoothing: 0.2, xaxis: "step", ignoreOutliers: false });
    expect($('[data-testid="settings-url-note"]').textContent).toContain("smoothing, x axis");
    // The theme can follow the system again.
    change($<HTMLSelectElement>('[data-testid="settings-theme"]'), "system");
    expect(document.documentElement.dataset.theme).toBe("light");
    $('[data-testid="settings-reset"]').click();
    await settle();
    expect(state()).toMatchObject({ smoothing: 0.2, ignoreOutliers: true });
  });
});

describe("run colours", () => {
  it("picks a run's colour and groups runs by a regex, both kept after a reload", async () => {
    await openPage("");
    const picker = $<HTMLInputElement>('[data-testid="run-color"][data-run="baseline"]');
    change(picker, "#123456", "input");
    await settle();
    const drawn = (run: string): string | undefined => chartOf("loss/train").series.find((s) => s.label === run)?.color;
    expect(drawn("baseline")).toBe("#123456");
    expect($('[data-testid="run-row"][data-run="baseline"] [data-testid="run-swatch"]').dataset.picked).toBe("1");
    change($<HTMLInputElement>('[data-testid="color-group-regex"]'), "^(lr)_", "input");
    await settle();
    const runs = chartOf("loss/train").series.map((s) => s.label).filter((r) => r.startsWith("lr_"));
    expect(runs.length).toBeGreaterThan(1);
    expect(new Set(runs.map(drawn)).size).toBe(1);

    await openPage("");
    expect(drawn("baseline")).toBe("#123456");
    expect(new Set(runs.map(drawn)).size).toBe(1);
    expect($<HTMLInputElement>('[data-testid="color-group-regex"]').value).toBe("^(lr)_");
    $('[data-testid="settings-reset-colors"]').click();
    await settle();
    expect(drawn("baseline")).not.toBe("#123456");
    expect(new Set(runs.map(drawn)).size).toBe(runs.length);
  });
});

describe("zoom in the URL", () => {
  it("writes a card's zoom to the URL and restores it from a shared link", async () => {
    await openPage("");
    chartOf("loss/train").callbacks.onZoom(10, 120);
    await settle();
    app?.urlState.flush();
    const hash = window.location.hash;
    expect(decodeURIComponent(hash)).toContain("zoom:loss/train=step:10,120");
    await openPage(hash);
    expect(chartOf("loss/train").zoom).toEqual([10, 120]);
    expect(window.__trainboard?.card("loss/train")?.zoom).toEqual([10, 120]);
    chartOf("loss/train").callbacks.onResetZoom();
    await settle();
    app?.urlState.flush();
    expect(decodeURIComponent(window.location.hash)).not.toContain("zoom:");
  });
});

describe("keyboard", () => {
  it("lists the shortcuts under ?, toggles smoothing with s, focuses the run filter with /", async () => {
    await openPage("");
    key("?");
    const help = $('[data-testid="help-overlay"]');
    expect(help.hidden).toBe(false);
    const ids = [...help.querySelectorAll<HTMLElement>('[data-testid="help-shortcut"]')].map((el) => el.dataset.id);
    expect(ids).toEqual(expect.arrayContaining(["help", "runs.filter", "card.next-step", "card.previous-step", "card.pin", "scalars.toggle-smoothing"]));
    key("Escape");
    expect(help.hidden).toBe(true);
    key("s");
    await settle();
    expect(state().smoothing).toBe(0);
    key("s");
    await settle();
    expect(state().smoothing).toBe(0.6);
    key("/");
    expect(document.activeElement).toBe($('[data-testid="run-filter"]'));
    // Typing in the filter is not a shortcut.
    key("s", document.activeElement as Element);
    await settle();
    expect(state().smoothing).toBe(0.6);
  });
});
