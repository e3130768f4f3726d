// Test support (vitest, happy-dom): the whole page over a fake client, with fake timers, and
// the reads and moves the dashboards' page tests share. Imported by tests only.

import { vi } from "vitest";
import type { ApiClient } from "../api/client";
import type { DashboardId } from "../core/dashboards";
import type { VisibilityTracker } from "../core/visibility";
import { App } from "./app";
import type { DashboardRegistry } from "./dashboard_host";
import { installDebug } from "./debug";

/** Every card counts as on screen (happy-dom has no IntersectionObserver). */
export const allVisible: VisibilityTracker = { observe: (_el, callback) => callback(true), unobserve: () => undefined };

let current: App | null = null;

function page(): App {
  if (!current) throw new Error("no page: call startPage() first");
  return current;
}

/** Build the page at `hash` over `client` with `dashboards`, start it and wait until it is idle. */
export async function startPage(client: ApiClient, dashboards: DashboardRegistry, hash: string): Promise<App> {
  vi.useFakeTimers();
  window.location.hash = hash;
  const app = new App(client, { visibility: allVisible, liveDelayMs: { min: 50, max: 200 }, dashboards });
  current = app;
  document.body.replaceChildren(app.element);
  installDebug(app);
  const started = app.start();
  await settle();
  await started;
  await settle();
  return app;
}

/** Stop the page started last and restore real timers. */
export function stopPage(): void {
  current?.stop();
  current = null;
  vi.useRealTimers();
}

/** Advance the fake clock until the page has nothing pending (or fail after 9 s of it). */
export async function settle(): Promise<void> {
  const app = page();
  for (let i = 0; i < 30; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

export type CardDebug = Record<string, unknown> & { run: string; tag: string; step: number | null; state: string };

export interface ViewDebug {
  cards: CardDebug[];
  view?: { brightness: number; contrast: number; actualSize: boolean; filter: string };
  enlarged?: number | null;
}

/** What a dashboard's debug hook reports (`window.__trainboard.view(id)`). */
export function view(id: DashboardId): ViewDebug {
  return window.__trainboard?.view(id) as ViewDebug;
}

export function cardOf(id: DashboardId, run: string, tag: string): CardDebug {
  const found = view(id).cards.find((c) => c.run === run && c.tag === tag);
  if (!found) throw new Error(`no ${id} card ${run}/${tag}`);
  return found;
}

/** The element with `data-testid` of the card of (run, tag). */
export function element(testId: string, run: string, tag = "solid"): HTMLElement {
  return document.querySelector(`[data-testid="${testId}"][data-run="${run}"][data-tag="${tag}"]`) as HTMLElement;
}

export function moveSlider(card: HTMLElement, index: number, testId = "step-slider"): void {
  const slider = card.querySelector(`[data-testid="${testId}"]`) as HTMLInputElement;
  slider.value = String(index);
  slider.dispatchEvent(new Event("input"));
}

export async function openTab(id: DashboardId): Promise<void> {
  (document.querySelector(`[data-testid="tab-${id}"]`) as HTMLElement).click();
  await settle();
}
