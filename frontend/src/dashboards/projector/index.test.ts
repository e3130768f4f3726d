// @vitest-environment happy-dom
// The Projector in the page over a fake server and a stand-in point view (WebGL is tested in
// the browser tests): choosing an embedding, PCA with its explained variance, colouring,
// search, selection with neighbours, a t-SNE job polled to completion, 3-D, and steps.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClient } from "../../api/fake_client";
import type { DashboardContext } from "../../core/dashboard";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import { LABELS, installProjectorRoutes } from "./fixtures";
import { ProjectorDashboard } from "./index";
import type { Dims, PointLabel } from "./model";
import type { ProjectorScene, SceneCallbacks, SceneStats } from "./scene_types";

interface Debug {
  state: string;
  error: string | null;
  run: string;
  tensor: string;
  method: string;
  dims: number;
  points: number;
  components: number;
  varianceShown: number | null;
  colorBy: string | null;
  colorMode: string;
  search: { matches: number; first: number[]; error: string | null };
  selected: number | null;
  neighbors: { index: number; label: string }[];
  labels: PointLabel[];
  columns: { name: string }[];
}

class StubScene implements ProjectorScene {
  readonly element = document.createElement("div");
  readonly callbacks: SceneCallbacks;
  points: { count: number; dims: Dims; reset: boolean }[] = [];
  colors: Uint8Array = new Uint8Array(0);
  alphas: Uint8Array = new Uint8Array(0);
  labels: readonly PointLabel[] = [];
  sprites = false;
  autoRotate = false;
  constructor(callbacks: SceneCallbacks) {
    this.callbacks = callbacks;
  }
  setPoints(positions: Float32Array, dims: Dims, reset: boolean): void {
    this.points.push({ count: positions.length / 3, dims, reset });
  }
  setStyle(colors: Uint8Array, alphas: Uint8Array): void {
    this.colors = colors;
    this.alphas = alphas;
  }
  setSprites(atlas: unknown): void {
    this.sprites = atlas !== null;
  }
  setLabels(labels: readonly PointLabel[]): void {
    this.labels = labels;
  }
  setAutoRotate(on: boolean): void {
    this.autoRotate = on;
  }
  resetCamera(): void {}
  themeChanged(): void {}
  resize(): void {}
  screenPosition(index: number): { x: number; y: number } {
    return { x: index * 10, y: index * 10 };
  }
  stats(): SceneStats {
    const last = this.points[this.points.length - 1];
    return { frames: this.points.length, fps: null, renderMs: 0, points: last?.count ?? 0, dims: last?.dims ?? 2, sprites: this.sprites, autoRotate: this.autoRotate, renderer: "stub" };
  }
  destroy(): void {}
}

const allVisible: VisibilityTracker = { observe: (_el, callback) => callback(true), unobserve: () => undefined };
let client: FakeClient;
let app: App;
let scene: StubScene;

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const view = (): Debug => window.__trainboard?.view("projector") as Debug;
const el = <T extends Element>(testId: string): T => document.querySelector(`[data-testid="${testId}"]`) as T;
const all = (testId: string): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
const choose = (testId: string, value: string): void => {
  const select = el<HTMLSelectElement>(testId);
  select.value = value;
  select.dispatchEvent(new Event("change"));
};
const requests = (path: string): URLSearchParams[] => client.requests.filter((r) => r.path === path).map((r) => r.params);

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "#projector";
  client = new FakeClient({
    runs: [
      { name: "ours", kinds: ["scalars", "projector"], tags: { loss: 3 } },
      { name: "torch", kinds: ["projector"], tags: {} },
      { name: "plain", kinds: ["scalars"], tags: { loss: 3 } },
    ],
  });
  installProjectorRoutes(client);
  const projector = (context: DashboardContext): ProjectorDashboard =>
    new ProjectorDashboard(context, {
      scene: async (callbacks) => {
        scene = new StubScene(callbacks);
        return scene;
      },
    });
  app = new App(client, { visibility: allVisible, liveDelayMs: { min: 50, max: 200 }, dashboards: { projector } });
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

describe("projector dashboard", () => {
  it("draws the first embedding by PCA with the variance its axes explain", () => {
    expect(view()).toMatchObject({ state: "ready", run: "ours", tensor: "default:00000", method: "pca", points: 6, components: 3 });
    expect(el<HTMLSelectElement>("run-select").options.length).toBe(2); // plain has no projector
    expect([...el<HTMLSelectElement>("projector-tag-select").options].map((o) => o.value)).toEqual(["default", "bad"]);
    expect([...el<HTMLSelectElement>("projector-step-select").options].map((o) => o.text)).toEqual(["0", "10"]);
    expect(view().varianceShown).toBeCloseTo(0.8);
    expect(el("pca-variance").textContent).toBe("Variance explained: 80.0% (PC1 50.0%, PC2 30.0%)");
    expect(el("pca-x").textContent).toContain("PC3 (20.0%)");
    expect(scene.points).toEqual([{ count: 6, dims: 2, reset: true }]);
    expect(el("projector-shape").textContent).toBe("6 points × 4 dimensions");
  });

  it("colours by the first categorical column, with a legend, and by none", async () => {
    expect(view().colorBy).toBe("animal");
    expect(all("legend-item").map((e) => e.dataset.value)).toEqual(["bird", "cat", "dog"]);
    const color = (i: number): string => [...scene.colors.slice(3 * i, 3 * i + 3)].join(",");
    expect(color(0)).toBe(color(2)); // both cats
    expect(color(0)).not.toBe(color(1));
    choose("projector-color-select", "");
    expect(view().colorMode).toBe("none");
    expect(color(0)).toBe(color(1));
    await settle();
    expect(window.location.hash).toContain("proj_color=");
  });

  it("highlights and lists the points a regex search matches", async () => {
    const input = el<HTMLInputElement>("projector-search");
    input.value = "^(cat|bird)$";
    input.dispatchEvent(new Event("input"));
    await settle();
    expect(view().search).toMatchObject({ matches: 4, first: [0, 2, 3, 5], error: null });
    expect(el("projector-search-status").textContent).toBe("4 matches");
    expect(all("match-item").map((e) => e.textContent)).toEqual(["cat", "cat", "bird", "cat"]);
    expect([...scene.alphas]).toEqual([255, 60, 255, 255, 60, 255]);
    expect(scene.labels.every((l) => l.kind === "match")).toBe(true);
    input.value = "[";
    input.dispatchEvent(new Event("input"));
    await settle();
    expect(el("projector-search-status").textContent).toContain("Invalid pattern");
  });

  it("shows a selected point's neighbours, and k and the distance refetch them", async () => {
    scene.callbacks.select(1);
    await settle();
    expect(view().selected).toBe(1);
    expect(el<HTMLElement>("projector-selected").dataset.index).toBe("1");
    expect(el("projector-selected").textContent).toContain("dog");
    expect(all("neighbor-item").map((e) => e.dataset.index)).toEqual(["0", "2", "3", "4", "5"]);
    expect(scene.labels[0]).toEqual({ index: 1, text: "dog", kind: "selected" });
    const k = el<HTMLInputElement>("neighbor-k");
    k.value = "2";
    k.dispatchEvent(new Event("change"));
    choose("neighbor-distance", "euclidean");
    await settle();
    expect(all("neighbor-item").length).toBe(2);
    expect(requests("api/projector/neighbors").pop()?.get("distance")).toBe("euclidean");
    all("neighbor-item")[1]?.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    await settle();
    expect(view().selected).toBe(2);
    scene.callbacks.select(null);
    await settle();
    expect(view().selected).toBeNull();
    expect(LABELS[1]).toBe("dog");
  });

  it("runs t-SNE as a job polled until done, then draws it", async () => {
    el<HTMLButtonElement>('projector-method"][data-method="tsne').click();
    await settle();
    const polls = requests("api/projector/projection").filter((p) => p.get("method") === "tsne");
    expect(polls.length).toBe(2); // running, then done
    expect(polls[0]?.get("perplexity")).toBe("30");
    expect(polls[0]?.get("dims")).toBe("2");
    expect(polls[0]?.has("learning_rate")).toBe(false); // the library's default
    expect(view()).toMatchObject({ method: "tsne", state: "ready", components: 2, varianceShown: null });
    expect(el<HTMLElement>("projection-progress").dataset.state).toBe("done");
    expect((el<HTMLButtonElement>('projector-method"][data-method="umap')).disabled).toBe(true);
    expect(window.location.hash).toContain("proj_method=tsne");
  });

  it("switches to 3-D and picks PCA components", async () => {
    el<HTMLButtonElement>('projector-dims"][data-dims="3').click();
    await settle();
    expect(scene.points.pop()).toMatchObject({ dims: 3 });
    expect(view().dims).toBe(3);
    el<HTMLButtonElement>("projector-rotate").click();
    expect(scene.autoRotate).toBe(true);
  });

  it("follows the step chooser; an embedding without labels is labelled by index", async () => {
    choose("projector-step-select", "default:00010");
    await settle();
    expect(view()).toMatchObject({ tensor: "default:00010", state: "ready", colorMode: "none" });
    expect(view().columns).toEqual([]);
    expect([...el<HTMLSelectElement>("projector-label-select").options].map((o) => o.text)).toEqual(["Point index"]);
    expect(window.location.hash).toContain("proj_tensor=default%3A00010");
    choose("run-select", "torch");
    await settle();
    expect(view()).toMatchObject({ run: "torch", tensor: "default:00000", state: "ready" });
  });
});
