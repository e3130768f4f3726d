// @vitest-environment happy-dom
// The Mesh dashboard over the fake client, with a stand-in viewer (no WebGL here): a card per
// (run, mesh) grouped by prefix, the latest step drawn, one request per slider or item move,
// push messages about a mesh's parts reaching its card, and sliders that follow new steps
// only from the latest.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Theme } from "../../core/theme";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import type { MeshData } from "./api";
import type { MeshCardDebug } from "./card";
import { MeshFakeClient, tetra } from "./fake_routes";
import { MeshDashboard } from "./index";
import type { MeshViewDebug, MeshViewer } from "./viewer_types";

class StandInViewer implements MeshViewer {
  static created = 0;
  data: MeshData | null = null;
  theme: Theme;
  resets = 0;

  constructor(theme: Theme) {
    StandInViewer.created++;
    this.theme = theme;
  }

  setMesh(data: MeshData): void {
    this.data = data;
  }
  resetCamera(): void {
    this.resets++;
  }
  setTheme(theme: Theme): void {
    this.theme = theme;
  }
  resize(): void {}
  destroy(): void {}
  debug(): MeshViewDebug {
    const data = this.data;
    return {
      object: data?.faces ? "mesh" : "points",
      vertices: (data?.vertices.length ?? 0) / 3,
      faces: (data?.faces?.length ?? 0) / 3,
      colors: data?.colors !== null,
      firstColors: data?.colors ? [Array.from(data.colors.slice(0, 3))] : [],
      material: null,
      pointSize: null,
      lights: [],
      camera: { position: [0, 0, 1], target: [0, 0, 0], fov: 75, near: 0.1, far: 10 },
      background: "#ffffff",
      frames: 1,
      canvas: [1, 1],
      notes: [],
    };
  }
}

const visible: VisibilityTracker = { observe: (_el, callback) => callback(true), unobserve: () => undefined };
let client: MeshFakeClient;
let app: App;

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const cards = (): MeshCardDebug[] => (window.__trainboard?.view("mesh") as { cards: MeshCardDebug[] }).cards;
const cardOf = (run: string, tag: string): MeshCardDebug => cards().find((c) => c.run === run && c.tag === tag) as MeshCardDebug;
const element = (run: string, tag: string): HTMLElement =>
  document.querySelector(`[data-testid="mesh-card"][data-run="${run}"][data-tag="${tag}"]`) as HTMLElement;
const dataRequests = (): string[] => client.requests.filter((r) => r.path === "api/mesh/data").map((r) => r.params.toString());

function moveSlider(card: HTMLElement, index: number): void {
  const slider = card.querySelector('[data-testid="step-slider"]') as HTMLInputElement;
  slider.value = String(index);
  slider.dispatchEvent(new Event("input"));
}

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "#mesh";
  StandInViewer.created = 0;
  client = new MeshFakeClient();
  const loadViewer = async () => (_canvas: HTMLCanvasElement, theme: Theme) => new StandInViewer(theme);
  app = new App(client, { visibility: visible, liveDelayMs: { min: 50, max: 200 }, dashboards: { mesh: (ctx) => new MeshDashboard(ctx, { loadViewer }) } });
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

describe("MeshDashboard", () => {
  it("draws a card per run and mesh at its latest step", () => {
    expect(cards().map((c) => [c.tag, c.run, c.state, c.step])).toEqual([
      ["cloud", "a", "ready", 0],
      ["shapes/tetra", "a", "ready", 2],
      ["shapes/tetra", "b", "ready", 5],
    ]);
    const groups = [...document.querySelectorAll('[data-testid="tag-group"]')].map((g) => (g as HTMLElement).dataset.group);
    expect(groups).toEqual(["cloud", "shapes"]);
    const tetraCard = cardOf("a", "shapes/tetra");
    expect(tetraCard.steps).toEqual([0, 1, 2]);
    expect([tetraCard.view?.vertices, tetraCard.view?.faces, tetraCard.samples]).toEqual([4, 4, 2]);
    expect(tetraCard.view?.firstColors).toEqual([Array.from(tetra(2, 0).colors ?? []).slice(0, 3)]);
    expect(element("a", "shapes/tetra").dataset.vertices).toBe("4");
    expect(element("a", "shapes/tetra").querySelector('[data-testid="mesh-info"]')?.textContent).toBe("4 vertices · 4 faces");
    expect(element("a", "cloud").querySelector('[data-testid="mesh-info"]')?.textContent).toBe("10 points");
    expect((element("a", "cloud").querySelector(".tb-mesh-sample") as HTMLElement).hidden).toBe(true);
    expect(StandInViewer.created).toBe(3);
  });

  it("loads one step when the slider moves and one item when the selector changes", async () => {
    moveSlider(element("a", "shapes/tetra"), 0);
    await settle();
    expect(dataRequests().at(-1)).toBe("run=a&tag=shapes%2Ftetra&step=0&sample=0");
    expect(cardOf("a", "shapes/tetra").step).toBe(0);
    const select = element("a", "shapes/tetra").querySelector('[data-testid="mesh-sample"]') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(["0", "1"]);
    select.value = "1";
    select.dispatchEvent(new Event("change"));
    await settle();
    expect(dataRequests().at(-1)).toBe("run=a&tag=shapes%2Ftetra&step=0&sample=1");
    expect(cardOf("a", "shapes/tetra").sample).toBe(1);
    expect(element("a", "shapes/tetra").dataset.sample).toBe("1");
    expect(StandInViewer.created).toBe(3); // the viewer (and its camera) stays
  });

  it("maps push messages about a mesh's parts to its card, following only from the latest", async () => {
    moveSlider(element("a", "shapes/tetra"), 1);
    await settle();
    const tagLoads = client.requests.filter((r) => r.path === "api/mesh/tags").length;
    client.steps.get("a")?.set("shapes/tetra", [0, 1, 2, 3]);
    client.steps.get("b")?.set("shapes/tetra", [5, 6]);
    const update = (run: string, tag: string, last: number) => ({ run, tag, total_points: 4, last_step: last });
    client.push({
      type: "points",
      kind: "mesh",
      updates: [update("a", "shapes/tetra_VERTEX", 3), update("a", "shapes/tetra_COLOR", 3), update("b", "shapes/tetra_VERTEX", 6)],
    });
    await settle();
    expect(cardOf("a", "shapes/tetra").steps).toEqual([0, 1, 2, 3]);
    expect(cardOf("a", "shapes/tetra").step).toBe(1);
    expect(cardOf("b", "shapes/tetra").step).toBe(6);
    expect(client.requests.filter((r) => r.path === "api/mesh/tags").length).toBe(tagLoads);
    const stepsLoads = client.requests.filter((r) => r.path === "api/mesh/steps" && r.params.get("run") === "a" && r.params.get("tag") === "shapes/tetra");
    expect(stepsLoads.length).toBe(2); // once on first show, once for both parts' message
  });

  it("reloads the index for a mesh it does not know, and drops cards of hidden runs", async () => {
    client.steps.get("b")?.set("new", [0]);
    client.push({ type: "points", kind: "mesh", updates: [{ run: "b", tag: "new_VERTEX", total_points: 1, last_step: 0 }] });
    await settle();
    expect(cards().map((c) => `${c.run}/${c.tag}`)).toContain("b/new");
    app.urlState.update({ hiddenRuns: new Set(["b"]) });
    await settle();
    expect(cards().map((c) => c.run)).toEqual(["a", "a"]);
  });
});
