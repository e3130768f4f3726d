// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { FetchQueue } from "../core/fetch_queue";
import type { VisibilityCallback, VisibilityTracker } from "../core/visibility";
import type { CardLoadResult } from "./card";
import { Card } from "./card";

class ManualVisibility implements VisibilityTracker {
  readonly callbacks = new Map<Element, VisibilityCallback>();
  observe(element: Element, callback: VisibilityCallback): void {
    this.callbacks.set(element, callback);
  }
  unobserve(element: Element): void {
    this.callbacks.delete(element);
  }
  set(element: Element, visible: boolean): void {
    this.callbacks.get(element)?.(visible);
  }
}

/** A load the test resolves by hand; counts calls and keeps each call's signal. */
function manualLoad(): { load: (signal: AbortSignal) => Promise<CardLoadResult>; calls: AbortSignal[]; finish: (r: CardLoadResult | Error) => void } {
  const calls: AbortSignal[] = [];
  let settle: ((r: CardLoadResult | Error) => void) | null = null;
  return {
    calls,
    load: (signal) => {
      calls.push(signal);
      return new Promise((resolve, reject) => {
        settle = (r) => (r instanceof Error ? reject(r) : resolve(r));
      });
    },
    finish: (r) => settle?.(r),
  };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe("Card", () => {
  it("loads only once in view, through the queue, and shows the result", async () => {
    const visibility = new ManualVisibility();
    const queue = new FetchQueue(2);
    const loader = manualLoad();
    const card = new Card({ testId: "image-card", title: "images/a", subtitle: "run1", attrs: { "data-tag": "images/a" }, visibility, queue, load: loader.load });
    expect(card.element.dataset.testid).toBe("image-card");
    expect(card.element.dataset.tag).toBe("images/a");
    expect(card.element.classList.contains("tb-card")).toBe(true);
    expect(card.state).toBe("idle");
    expect(loader.calls.length).toBe(0);

    visibility.set(card.element, true);
    await flush();
    expect(loader.calls.length).toBe(1);
    expect(card.state).toBe("loading");
    expect(card.element.dataset.fetching).toBe("1");
    expect(queue.pending).toBe(1);

    loader.finish({ state: "empty", status: "No images." });
    await flush();
    expect(card.state).toBe("empty");
    expect(card.status).toBe("No images.");
    expect(card.element.dataset.fetching).toBeUndefined();
    expect(queue.pending).toBe(0);
  });

  it("reloads when invalidated: at once in view, else when it comes back into view", async () => {
    const visibility = new ManualVisibility();
    const loader = manualLoad();
    const card = new Card({ testId: "c", title: "t", visibility, load: loader.load });
    visibility.set(card.element, true);
    loader.finish("ready");
    await flush();
    card.invalidate();
    expect(loader.calls.length).toBe(2);
    expect(loader.calls[0]?.aborted).toBe(false);
    // A second invalidate aborts the load in flight; its late answer is ignored.
    card.invalidate();
    expect(loader.calls[1]?.aborted).toBe(true);
    loader.finish("ready");
    await flush();
    expect(card.state).toBe("ready");

    visibility.set(card.element, false);
    card.invalidate();
    expect(loader.calls.length).toBe(3);
    visibility.set(card.element, true);
    expect(loader.calls.length).toBe(4);
  });

  it("shows errors on its status line and recovers on the next load", async () => {
    const visibility = new ManualVisibility();
    const loader = manualLoad();
    const card = new Card({ testId: "c", title: "audio/x", visibility, load: loader.load });
    visibility.set(card.element, true);
    loader.finish(new Error("404 unknown tag"));
    await flush();
    expect(card.state).toBe("error");
    expect(card.status).toBe("Could not load audio/x: 404 unknown tag");
    card.invalidate();
    expect(card.state).toBe("loading");
    loader.finish("ready");
    await flush();
    expect(card.state).toBe("ready");
    expect(card.status).toBe("");
  });

  it("stops observing and aborts on destroy", async () => {
    const visibility = new ManualVisibility();
    const loader = manualLoad();
    const card = new Card({ testId: "c", title: "t", subtitle: null, visibility, load: loader.load });
    document.body.append(card.element);
    visibility.set(card.element, true);
    card.destroy();
    expect(loader.calls[0]?.aborted).toBe(true);
    expect(visibility.callbacks.size).toBe(0);
    expect(card.element.isConnected).toBe(false);
    card.setTitle("new");
    expect(card.element.querySelector(".tb-card-title")?.textContent).toBe("new");
  });
});
