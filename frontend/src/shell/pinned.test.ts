// @vitest-environment happy-dom
// The pinned section of the page over the fake client: pin from a card, the section above
// every tab, unpin, and the pins restored by a new page over the same storage.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClient } from "../api/fake_client";
import { demoSpec } from "../api/fake_logdir";
import type { ChartSeries } from "../charts/line_chart";
import type { VisibilityCallback, VisibilityTracker } from "../core/visibility";
import type { ChartLike } from "../dashboards/scalars/card";
import { ScalarsDashboard } from "../dashboards/scalars/index";
import { App } from "./app";
import { PINS_STORAGE_KEY, PinStore } from "../core/pins";
import { MemoryStorage } from "../core/storage_test_support";

class StubChart implements ChartLike {
  readonly plotWidth = 300;
  series: readonly ChartSeries[] = [];
  setData(series: readonly ChartSeries[]): void {
    this.series = series;
  }
  setConfig(): void {}
  resize(): void {}
  destroy(): void {}
}

class AllVisible implements VisibilityTracker {
  observe(_element: Element, callback: VisibilityCallback): void {
    setTimeout(() => callback(true), 0);
  }
  unobserve(): void {}
}

describe("pins in localStorage", () => {
  it("follow a change made in another tab of the board", () => {
    localStorage.removeItem(PINS_STORAGE_KEY);
    const store = new PinStore();
    const heard = vi.fn();
    store.subscribe(heard);
    const ref = { dashboard: "scalars", key: "loss/val", tag: "loss/val", run: null } as const;
    window.dispatchEvent(new StorageEvent("storage", { key: PINS_STORAGE_KEY, newValue: JSON.stringify([ref]) }));
    expect(store.pins).toEqual([ref]);
    expect(heard).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new StorageEvent("storage", { key: "other", newValue: "[]" }));
    expect(store.pins).toEqual([ref]);
  });
});

describe("the pinned section", () => {
  let storage: MemoryStorage;
  let apps: App[];

  const newApp = async (): Promise<App> => {
    const app = new App(new FakeClient(demoSpec({ runs: 2, tags: 3, steps: 200 })), {
      visibility: new AllVisible(),
      pins: new PinStore(storage),
      dashboards: { scalars: (context) => new ScalarsDashboard(context, { createChart: () => new StubChart() }) },
      liveDelayMs: { min: 50, max: 200 },
    });
    apps.push(app);
    document.body.replaceChildren(app.element);
    const started = app.start();
    await settle(app);
    await started;
    await settle(app);
    return app;
  };

  const settle = async (app: App): Promise<void> => {
    for (let i = 0; i < 40; i++) {
      await vi.advanceTimersByTimeAsync(100);
      await vi.dynamicImportSettled(); // lazy dashboards' code
      if (app.pending === 0) return;
    }
    throw new Error(`page still busy: ${app.pending}`);
  };

  const section = (): HTMLElement => document.querySelector('[data-testid="pinned-section"]') as HTMLElement;
  const gridCard = (tag: string): HTMLElement =>
    document.querySelector(`[data-testid="scalars-dashboard"] [data-testid="scalar-card"][data-tag="${tag}"]`) as HTMLElement;
  const pinnedCards = (): HTMLElement[] => [...document.querySelectorAll<HTMLElement>('[data-testid="pinned-card"] [data-testid="scalar-card"]')];

  beforeEach(() => {
    vi.useFakeTimers();
    window.location.hash = "";
    storage = new MemoryStorage();
    apps = [];
  });

  afterEach(() => {
    for (const app of apps) app.stop();
    vi.useRealTimers();
  });

  it("shows a card pinned from the grid above the tab, and drops it when unpinned", async () => {
    const app = await newApp();
    expect(section().hidden).toBe(true);
    const card = gridCard("loss/val");
    const tag = card.dataset.tag as string;
    const pin = card.querySelector<HTMLButtonElement>('[data-testid="card-pin"]') as HTMLButtonElement;
    expect(pin.getAttribute("aria-pressed")).toBe("false");
    pin.click();
    await settle(app);
    expect(section().hidden).toBe(false);
    expect(section().dataset.count).toBe("1");
    expect(pin.getAttribute("aria-pressed")).toBe("true");
    expect(card.dataset.pinned).toBe("1");
    const pinned = pinnedCards();
    expect(pinned.map((c) => c.dataset.tag)).toEqual([tag]);
    expect(pinned[0]?.dataset.state).toBe("ready");
    expect(pinned[0]?.dataset.runs).toBe("2");
    expect(app.pinnedDebug()).toEqual({ pins: [`scalars:${tag}`], shown: [`scalars:${tag}`] });
    expect(JSON.parse(storage.getItem(PINS_STORAGE_KEY) ?? "[]")).toEqual([{ dashboard: "scalars", key: tag, tag, run: null }]);

    // The section stays when another tab shows.
    app.urlState.update({ tab: "images" });
    await settle(app);
    expect(document.querySelector('[data-testid="content"]')?.firstElementChild).toBe(section());
    expect(pinnedCards()).toHaveLength(1);

    // Unpinned from the pinned card itself.
    (pinned[0]?.querySelector('[data-testid="card-pin"]') as HTMLButtonElement).click();
    await settle(app);
    expect(section().hidden).toBe(true);
    expect(pinnedCards()).toHaveLength(0);
    expect(pin.getAttribute("aria-pressed")).toBe("false");
    expect(storage.getItem(PINS_STORAGE_KEY)).toBeNull();
  });

  it("restores the pins after a reload", async () => {
    const first = await newApp();
    for (const tag of ["loss/val", "accuracy/train"]) {
      const card = gridCard(tag);
      (card.querySelector('[data-testid="card-pin"]') as HTMLButtonElement).click();
    }
    await settle(first);
    const pinnedTags = pinnedCards().map((c) => c.dataset.tag);
    expect(pinnedTags).toHaveLength(2);
    first.stop();

    window.location.hash = "#images";
    const second = await newApp();
    expect(section().hidden).toBe(false);
    expect(pinnedCards().map((c) => c.dataset.tag)).toEqual(pinnedTags);
    expect(pinnedCards().every((c) => c.dataset.state === "ready")).toBe(true);
    expect(second.pinnedDebug().shown).toHaveLength(2);
  });
});
