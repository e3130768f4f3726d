// @vitest-environment happy-dom
// The Histograms dashboard in the page: a card per (run, tag), every step drawn as a slice,
// offset/overlay modes kept in the URL, hover data, the tag filter, and live updates.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import type { HistogramsDebug } from "./index";
import { HistogramsDashboard, histogramsDashboard } from "./index";
import { HistogramsFakeClient } from "../../api/fake_histogram_routes";

const allVisible: VisibilityTracker = { observe: (_el, callback) => callback(true), unobserve: () => undefined };
let client: HistogramsFakeClient;
let app: App;

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

function view(): HistogramsDebug {
  return window.__trainboard?.view("histograms") as HistogramsDebug;
}

function dashboard(): HistogramsDashboard {
  const d = app.dashboard("histograms");
  if (!(d instanceof HistogramsDashboard)) throw new Error("no histograms dashboard");
  return d;
}

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "#histograms";
  client = new HistogramsFakeClient();
  app = new App(client, { visibility: allVisible, liveDelayMs: { min: 50, max: 200 }, dashboards: { histograms: histogramsDashboard } });
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

describe("histograms dashboard", () => {
  it("draws a card per run and tag with one slice per step", () => {
    const cards = document.querySelectorAll('[data-testid="histogram-card"]');
    expect(cards.length).toBe(4);
    const debug = view();
    expect(debug.mode).toBe("offset");
    expect(debug.cards.map((c) => `${c.run}:${c.tag}`).sort()).toEqual([
      "lr_1e-3/seed_1:layer/bias",
      "lr_1e-3/seed_1:layer/weight",
      "lr_3e-4:layer/bias",
      "lr_3e-4:layer/weight",
    ]);
    for (const card of debug.cards) {
      expect(card.state).toBe("ready");
      expect(card.slices).toBe(4);
      expect(card.steps).toEqual([0, 1, 2, 3]);
      expect(card.xRange).toEqual([0, 5]);
    }
    expect((cards[0] as HTMLElement).dataset.slices).toBe("4");
    const asked = client.requests.filter((r) => r.path === "api/histograms");
    expect(asked.length).toBe(4);
    expect(asked[0]?.params.get("format")).toBe("binary");
  });

  it("switches between offset and overlay, keeping the mode in the URL", async () => {
    const select = document.querySelector('[data-testid="histogram-mode"]') as HTMLSelectElement;
    select.value = "overlay";
    select.dispatchEvent(new Event("change"));
    await settle();
    app.urlState.flush();
    expect(window.location.hash).toContain("hist_mode=overlay");
    expect(view().mode).toBe("overlay");
    const card = document.querySelector('[data-testid="histogram-card"]') as HTMLElement;
    expect(card.dataset.mode).toBe("overlay");
    expect(view().cards[0]?.slices).toBe(4);
  });

  it("shows the bin and step under the pointer", async () => {
    // Offset mode on a 400-pixel card: bin 0 spans x 8..84; step 3's ridge (the front one, at
    // the bottom) rises there from y 238 to 169.
    dashboard().hoverCard("lr_3e-4", "layer/bias", 60, 200);
    const tooltip = document.querySelector('[data-testid="histogram-card"][data-run="lr_3e-4"][data-tag="layer/bias"] [data-testid="histogram-tooltip"]') as HTMLElement;
    expect(tooltip.hidden).toBe(false);
    expect(tooltip.textContent).toContain("Step 3");
    expect(tooltip.textContent).toContain("[0, 1)");
    expect(tooltip.textContent).toContain("count 3");
    const hover = (): unknown => view().cards.find((c) => c.run === "lr_3e-4" && c.tag === "layer/bias")?.hover;
    expect(hover()).toMatchObject({ step: 3, bin: 0, left: 0, right: 1, count: 3 });
    dashboard().hoverCard("lr_3e-4", "layer/bias", null, null);
    expect(tooltip.hidden).toBe(true);
    // Overlay: the curve nearest the pointer; near the top, the tallest (step 3's).
    app.urlState.update({ params: { hist_mode: "overlay" } });
    await settle();
    dashboard().hoverCard("lr_3e-4", "layer/bias", 60, 20);
    expect(hover()).toMatchObject({ step: 3, bin: 0, count: 3 });
    dashboard().hoverCard("lr_3e-4", "layer/bias", 300, 230);
    expect(hover()).toMatchObject({ step: 3, bin: 3, left: 3, right: 4, count: 3 });
  });

  it("filters tags", async () => {
    app.urlState.update({ tagFilter: "weight" });
    await settle();
    expect(document.querySelectorAll('[data-testid="histogram-card"]').length).toBe(2);
    app.urlState.update({ tagFilter: "nothing" });
    await settle();
    expect(document.querySelector('[data-testid="histograms-empty"]')?.textContent).toBe("No tags match the filter.");
  });

  it("refetches the cards a push message names", async () => {
    client.steps = 6;
    client.push({ type: "points", kind: "histograms", updates: [{ run: "lr_3e-4", tag: "layer/weight", total_points: 6, last_step: 5 }] });
    await settle();
    const cards = view().cards;
    expect(cards.find((c) => c.run === "lr_3e-4" && c.tag === "layer/weight")?.slices).toBe(6);
    expect(cards.find((c) => c.run === "lr_3e-4" && c.tag === "layer/bias")?.slices).toBe(4);
    client.push({ type: "points", kind: "scalars", updates: [{ run: "lr_3e-4", tag: "layer/bias", total_points: 6, last_step: 5 }] });
    await settle();
    expect(view().cards.find((c) => c.run === "lr_3e-4" && c.tag === "layer/bias")?.slices).toBe(4);
  });
});
