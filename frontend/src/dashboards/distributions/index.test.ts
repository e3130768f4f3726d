// @vitest-environment happy-dom
// The Distributions dashboard in the page: a card per (run, tag) with every step's nine values,
// the x axis kept in the URL, hover rows, and live updates.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import { BASIS_POINTS, HistogramsFakeClient } from "../../api/fake_histogram_routes";
import type { DistributionsDebug } from "./index";
import { DistributionsDashboard, distributionsDashboard } from "./index";

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

function view(): DistributionsDebug {
  return window.__trainboard?.view("distributions") as DistributionsDebug;
}

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "#distributions";
  client = new HistogramsFakeClient();
  app = new App(client, { visibility: allVisible, liveDelayMs: { min: 50, max: 200 }, dashboards: { distributions: distributionsDashboard } });
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

describe("distributions dashboard", () => {
  it("draws a card per run and tag with every step's nine values", () => {
    expect(document.querySelectorAll('[data-testid="distribution-card"]').length).toBe(4);
    const debug = view();
    expect(debug.xaxis).toBe("step");
    for (const card of debug.cards) {
      expect(card.state).toBe("ready");
      expect(card.steps).toEqual([0, 1, 2, 3]);
      expect(card.basisPoints).toEqual(BASIS_POINTS);
      expect(card.values[2]?.[4]).toBe(7);
      expect(card.values[1]?.[0]).toBeNull();
    }
  });

  it("shows the values at the step under the pointer, highest first", () => {
    const card = view().cards[0];
    const x = card?.pixels[2] as number;
    const dashboard = app.dashboard("distributions") as DistributionsDashboard;
    dashboard.hoverCard(card?.run as string, card?.tag as string, x + 3, 50);
    const tooltip = document.querySelector('[data-testid="distribution-tooltip"]:not([hidden])') as HTMLElement;
    expect(tooltip.dataset.step).toBe("2");
    const rows = [...tooltip.querySelectorAll('[data-testid="distribution-row"]')] as HTMLElement[];
    expect(rows.map((r) => r.dataset.bp)).toEqual(BASIS_POINTS.map(String).reverse());
    const median = rows.find((r) => r.dataset.bp === "5000");
    expect(median?.querySelector("td")?.dataset.value).toBe("7");
    expect(median?.textContent).toBe("50%7");
    expect(view().cards[0]?.hover).toMatchObject({ step: 2, wallTime: 1002 });
  });

  it("keeps the x axis in the URL", async () => {
    const select = document.querySelector('[data-testid="distribution-xaxis"]') as HTMLSelectElement;
    select.value = "wall";
    select.dispatchEvent(new Event("change"));
    await settle();
    app.urlState.flush();
    expect(window.location.hash).toContain("dist_xaxis=wall");
    expect(view().xaxis).toBe("wall");
  });

  it("refetches the cards a push message names", async () => {
    client.steps = 7;
    client.push({ type: "points", kind: "histograms", updates: [{ run: "lr_3e-4", tag: "layer/bias", total_points: 7, last_step: 6 }] });
    await settle();
    const steps = view().cards.map((c) => `${c.run}:${c.tag}:${c.steps.length}`);
    expect(steps).toContain("lr_3e-4:layer/bias:7");
    expect(steps).toContain("lr_3e-4:layer/weight:4");
  });
});
