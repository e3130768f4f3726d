// One Mesh card: a (run, mesh tag)'s point cloud or triangle mesh in 3-D, a step slider and,
// for a batch of several meshes, a selector of the batch item. It loads while in view: the
// step list, then the chosen step and item (binary arrays); moving the slider or the
// selector loads that one only. New points reload the step list, and the slider stays where
// the user put it unless it was at the latest. The camera keeps its place across steps and
// items ("Reset view" fits it to the mesh again).
//
// Hooks: mesh-card (data-run, data-tag, data-state, data-step, data-sample, data-vertices,
// data-faces), mesh-canvas, mesh-reset, mesh-sample (a select, shown for batches), mesh-info,
// and the step-slider hooks.

import type { ApiClient } from "../../api/client";
import { Card } from "../../components/card";
import type { CardLoadResult } from "../../components/card";
import { StepSlider } from "../../components/step_slider";
import { h } from "../../core/dom";
import type { FetchQueue } from "../../core/fetch_queue";
import type { Theme } from "../../core/theme";
import type { VisibilityTracker } from "../../core/visibility";
import type { MeshData, MeshStepPoint } from "./api";
import { fetchMesh, fetchMeshSteps } from "./api";
import type { MeshViewDebug, MeshViewer, MeshViewerFactory } from "./viewer_types";

export interface MeshCardSpec {
  /** `run \0 tag`: identifies the card across rebuilds. */
  readonly key: string;
  readonly run: string;
  readonly tag: string;
}

export interface MeshCardEnv {
  readonly client: ApiClient;
  readonly queue: FetchQueue;
  readonly visibility: VisibilityTracker;
  /** The viewer constructor, loaded on first use. */
  loadViewer(): Promise<MeshViewerFactory>;
  color(run: string): string;
  theme(): Theme;
}

/** A card as tests see it (window.__trainboard.view("mesh").cards). */
export interface MeshCardDebug {
  readonly run: string;
  readonly tag: string;
  readonly state: string;
  readonly step: number | null;
  readonly steps: number[];
  readonly sample: number;
  readonly samples: number;
  readonly color: string;
  readonly warnings: readonly string[];
  readonly view: MeshViewDebug | null;
}

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException("aborted", "AbortError");
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

export class MeshCard {
  readonly element: HTMLElement;
  readonly spec: MeshCardSpec;
  private readonly env: MeshCardEnv;
  private readonly card: Card;
  private readonly canvas: HTMLCanvasElement;
  private readonly slider: StepSlider;
  private readonly sampleSelect: HTMLSelectElement;
  private readonly sampleBox: HTMLLabelElement;
  private readonly info: HTMLSpanElement;
  private viewer: MeshViewer | null = null;
  private steps: readonly MeshStepPoint[] = [];
  private data: MeshData | null = null;
  private sample = 0;
  private stepsStale = true;
  private dataStale = false;

  constructor(spec: MeshCardSpec, env: MeshCardEnv) {
    this.spec = spec;
    this.env = env;
    this.canvas = h("canvas", { class: "tb-mesh-canvas", "data-testid": "mesh-canvas", "aria-label": `${spec.tag} in 3-D (drag to rotate, wheel to zoom, right-drag to pan)` });
    const reset = h("button", { type: "button", class: "tb-mesh-reset", "data-testid": "mesh-reset", title: "Fit the camera to the mesh" }, "Reset view");
    reset.addEventListener("click", () => this.viewer?.resetCamera());
    this.slider = new StepSlider(() => this.card.invalidate(), `Step of ${spec.tag} (${spec.run})`);
    this.sampleSelect = h("select", { "data-testid": "mesh-sample", "aria-label": "Batch item" });
    this.sampleSelect.addEventListener("change", () => {
      this.sample = Number(this.sampleSelect.value);
      this.card.invalidate();
    });
    this.sampleBox = h("label", { class: "tb-mesh-sample" }, "Item ", this.sampleSelect);
    this.sampleBox.hidden = true;
    this.info = h("span", { class: "tb-mesh-info", "data-testid": "mesh-info" });
    this.card = new Card({
      testId: "mesh-card",
      title: spec.tag,
      subtitle: spec.run,
      attrs: { "data-run": spec.run, "data-tag": spec.tag },
      visibility: env.visibility,
      queue: env.queue,
      load: (signal) => this.load(signal),
    });
    this.element = this.card.element;
    this.card.body.append(
      h("div", { class: "tb-mesh-view" }, this.canvas, reset),
      h("div", { class: "tb-mesh-controls" }, this.slider.element, this.sampleBox),
      this.info,
    );
  }

  /** New points (reset: the run restarted, so what is shown may be gone). */
  dataChanged(reset: boolean): void {
    this.stepsStale = true;
    if (reset) this.dataStale = true;
    this.card.invalidate();
  }

  themeChanged(): void {
    this.viewer?.setTheme(this.env.theme());
  }

  resize(): void {
    this.viewer?.resize();
  }

  destroy(): void {
    this.viewer?.destroy();
    this.viewer = null;
    this.card.destroy();
  }

  debug(): MeshCardDebug {
    return {
      run: this.spec.run,
      tag: this.spec.tag,
      state: this.card.state,
      step: this.data?.step ?? null,
      steps: this.steps.map((p) => p.step),
      sample: this.data?.sample ?? this.sample,
      samples: this.data?.samples ?? 1,
      color: this.env.color(this.spec.run),
      warnings: this.data?.warnings ?? [],
      view: this.viewer?.debug() ?? null,
    };
  }

  private async load(signal: AbortSignal): Promise<CardLoadResult> {
    const { client } = this.env;
    if (this.stepsStale) {
      const steps = await fetchMeshSteps(client, this.spec.run, this.spec.tag, signal);
      aborted(signal);
      this.stepsStale = false;
      this.steps = steps;
      this.slider.setSteps(steps);
    }
    const step = this.slider.step;
    if (step === null) return { state: "empty", status: "No meshes for this run." };
    const data = this.data;
    if (!data || data.step !== step || data.sample !== this.sample || this.dataStale) {
      const [next, factory] = await Promise.all([
        fetchMesh(client, this.spec.run, this.spec.tag, step, this.sample, signal),
        this.viewer ? null : this.env.loadViewer(),
      ]);
      aborted(signal);
      this.viewer ??= (factory as MeshViewerFactory)(this.canvas, this.env.theme());
      this.viewer.setMesh(next, this.env.color(this.spec.run));
      this.data = next;
      this.sample = next.sample;
      this.dataStale = false;
      this.showData(next);
    }
    const notes = [...(this.data?.warnings ?? []), ...(this.viewer?.debug().notes ?? [])];
    return { state: "ready", status: notes.join("; ") };
  }

  private showData(data: MeshData): void {
    const faces = data.faces ? data.faces.length / 3 : 0;
    const vertices = data.vertices.length / 3;
    Object.assign(this.element.dataset, { step: String(data.step), sample: String(data.sample), vertices: String(vertices), faces: String(faces) });
    this.info.textContent = faces > 0 ? `${count(vertices, "vertex", "vertices")} · ${count(faces, "face", "faces")}` : count(vertices, "point", "points");
    this.sampleBox.hidden = data.samples <= 1;
    if (this.sampleSelect.options.length !== data.samples) {
      this.sampleSelect.replaceChildren(...Array.from({ length: data.samples }, (_, i) => h("option", { value: i }, String(i))));
    }
    this.sampleSelect.value = String(data.sample);
  }
}
