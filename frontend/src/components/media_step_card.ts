// A card of one (run, tag) of blobs (images, videos, audio) with a slider over every step
// the tag has, and a sample slider when a step holds several. While in view it loads the
// step listing (steps, wall times, samples: no media), then only the chosen step's media.
// Moving a slider loads that step alone; new points reload the listing, and the slider
// stays where the user put it unless it was at the latest step, then it follows the latest.
//
// Hooks: <testId> (data-run, data-tag, data-step and data-index of what is shown,
// data-steps: how many steps the tag has, data-sample, data-state), the step-slider hooks,
// sample-slider / sample-value.

import type { ApiClient } from "../api/client";
import type { CardActionOptions, CardLoadResult } from "./card";
import { Card } from "./card";
import { StepSlider } from "./step_slider";
import { h } from "../core/dom";
import type { FetchQueue } from "../core/fetch_queue";
import type { VisibilityTracker } from "../core/visibility";
import type { MediaPoint, PointRef, StepListing } from "../api/images";
import { fetchListing } from "../api/images";
import type { MediaCard, MediaCardSpec } from "./media_dashboard";

export interface StepCardEnv {
  readonly client: ApiClient;
  readonly queue: FetchQueue;
  readonly visibility: VisibilityTracker;
  color(run: string): string;
  /** The header buttons (pin) of this card. */
  readonly actions?: CardActionOptions;
  /** The linked step the card follows (core/linked_step.ts), or null. */
  linkedStep?(): number | null;
}

export interface StepCardOptions {
  readonly testId: string;
  /** "api/images" or "api/audio": where `/steps` lists the tag. */
  readonly base: string;
  /** What one sample is called in messages: "image", "video", "clip". */
  readonly noun: string;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException("aborted", "AbortError");
}

function sameRef(a: PointRef | null, b: PointRef): boolean {
  return (
    a !== null &&
    a.point.step === b.point.step &&
    a.point.index === b.point.index &&
    a.point.wallTime === b.point.wallTime &&
    a.sample === b.sample
  );
}

export abstract class StepCard implements MediaCard {
  readonly element: HTMLElement;
  readonly spec: MediaCardSpec;
  protected readonly env: StepCardEnv;
  protected readonly card: Card;
  /** Where a subclass puts what it shows (below the sliders). */
  protected readonly content: HTMLDivElement;
  protected shown: PointRef | null = null;
  private readonly options: StepCardOptions;
  private readonly slider: StepSlider;
  private readonly sampleInput: HTMLInputElement;
  private readonly sampleValue: HTMLSpanElement;
  private readonly sampleRow: HTMLElement;
  private readonly swatch: HTMLSpanElement;
  private listing: StepListing | null = null;
  private listingStale = true;
  private contentStale = true;
  private sample = 0;

  constructor(spec: MediaCardSpec, env: StepCardEnv, options: StepCardOptions) {
    this.spec = spec;
    this.env = env;
    this.options = options;
    this.slider = new StepSlider(() => this.card.invalidate());
    this.sampleInput = h("input", { type: "range", min: 0, max: 0, step: 1, "data-testid": "sample-slider", "aria-label": "Sample" });
    this.sampleValue = h("span", { class: "tb-step-value", "data-testid": "sample-value" });
    this.sampleRow = h("div", { class: "tb-step-slider tb-control tb-sample-slider" }, this.sampleInput, this.sampleValue);
    this.sampleRow.hidden = true;
    this.sampleInput.addEventListener("input", () => {
      this.sample = Number(this.sampleInput.value);
      this.card.invalidate();
    });
    this.content = h("div", { class: "tb-media-content" });
    this.card = new Card({
      testId: options.testId,
      title: spec.tag,
      subtitleRun: spec.run,
      attrs: { "data-tag": spec.tag, "data-run": spec.run },
      visibility: env.visibility,
      queue: env.queue,
      load: (signal) => this.load(signal),
      ...(env.actions ? { actions: env.actions } : {}),
    });
    this.element = this.card.element;
    this.swatch = h("span", { class: "tb-swatch", "aria-hidden": "true" });
    this.element.querySelector(".tb-card-header")?.prepend(this.swatch);
    this.themeChanged();
    this.card.body.append(this.slider.element, this.sampleRow, this.content);
  }

  /** Shows `ref` (fetches what it needs); rejects on failure or once `signal` aborts. */
  protected abstract render(ref: PointRef, signal: AbortSignal): Promise<void>;
  /** Removes what is shown (the tag has no step, or the step no sample). */
  protected abstract clear(): void;
  /** The subclass's fields for debug(). */
  protected abstract debugExtra(): Record<string, unknown>;

  followStep(step: number | null): void {
    if (step === null || this.listing === null) return;
    const before = this.slider.step;
    if (this.slider.setStep(step) !== before) this.card.invalidate();
  }

  dataChanged(reset: boolean): void {
    this.listingStale = true;
    if (reset) this.contentStale = true;
    this.card.invalidate();
  }

  themeChanged(): void {
    this.swatch.style.background = this.env.color(this.spec.run);
  }

  destroy(): void {
    this.card.destroy();
  }

  debug(): Record<string, unknown> {
    const points = this.listing?.points ?? [];
    return {
      key: this.spec.key,
      run: this.spec.run,
      tag: this.spec.tag,
      state: this.card.state,
      visible: this.card.visible,
      step: this.shown?.point.step ?? null,
      index: this.shown?.point.index ?? null,
      wallTime: this.shown?.point.wallTime ?? null,
      sample: this.shown?.sample ?? null,
      samples: this.shown?.point.samples ?? null,
      steps: points.length,
      firstStep: points[0]?.step ?? null,
      lastStep: points[points.length - 1]?.step ?? null,
      ...this.debugExtra(),
    };
  }

  /** The chosen point: the slider's step (at its wall time, when steps repeat). */
  private chosenPoint(): MediaPoint | null {
    const step = this.slider.step;
    const points = this.listing?.points ?? [];
    let found: MediaPoint | null = null;
    for (const point of points) {
      if (point.step !== step) continue;
      found = point;
      if (point.wallTime === this.slider.wallTime) break;
    }
    return found;
  }

  private async load(signal: AbortSignal): Promise<CardLoadResult> {
    if (this.listingStale || this.listing === null) {
      this.listingStale = false;
      const listing = await fetchListing(this.env.client, this.options.base, this.spec.run, this.spec.tag, signal);
      throwIfAborted(signal);
      const first = this.listing === null;
      this.listing = listing;
      this.slider.setSteps(listing.points);
      const linked = first ? (this.env.linkedStep?.() ?? null) : null;
      if (linked !== null) this.slider.setStep(linked);
      this.element.dataset.steps = String(listing.points.length);
    }
    const point = this.chosenPoint();
    this.showSamples(point);
    if (point === null || point.samples === 0) {
      this.clear();
      this.shown = null;
      delete this.element.dataset.step;
      const status = point === null ? `No ${this.options.noun}s logged for this tag.` : `Step ${point.step} holds no ${this.options.noun}.`;
      return { state: "empty", status };
    }
    const ref: PointRef = { run: this.spec.run, tag: this.spec.tag, point, sample: Math.min(this.sample, point.samples - 1) };
    if (this.contentStale || !sameRef(this.shown, ref)) {
      await this.render(ref, signal);
      throwIfAborted(signal);
      this.shown = ref;
      this.contentStale = false;
    }
    this.element.dataset.step = String(ref.point.step);
    this.element.dataset.index = String(ref.point.index);
    this.element.dataset.sample = String(ref.sample);
    return "ready";
  }

  private showSamples(point: MediaPoint | null): void {
    const samples = point?.samples ?? 0;
    this.sampleRow.hidden = samples <= 1;
    this.sampleInput.max = String(Math.max(0, samples - 1));
    const sample = Math.min(this.sample, Math.max(0, samples - 1));
    this.sampleInput.value = String(sample);
    this.sampleValue.textContent = `${this.options.noun} ${sample + 1} of ${samples}`;
  }
}

/** Points an <img> at a URL and waits for it (tests without a browser pass a stand-in). */
export type ImageLoader = (img: HTMLImageElement, src: string, signal: AbortSignal) => Promise<void>;

/**
 * Points `img` at `src` and resolves once it has loaded (at once if it already shows
 * `src`); rejects when it fails to load or `signal` aborts.
 */
export function loadImage(img: HTMLImageElement, src: string, signal: AbortSignal): Promise<void> {
  if (img.getAttribute("src") === src && img.complete && img.naturalWidth > 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      img.removeEventListener("load", onLoad);
      img.removeEventListener("error", onError);
      signal.removeEventListener("abort", onAbort);
    };
    const onLoad = (): void => {
      cleanup();
      resolve();
    };
    const onError = (): void => {
      cleanup();
      reject(new Error("the browser could not load it"));
    };
    const onAbort = (): void => {
      cleanup();
      reject(new DOMException("aborted", "AbortError"));
    };
    img.addEventListener("load", onLoad);
    img.addEventListener("error", onError);
    signal.addEventListener("abort", onAbort);
    img.src = src;
  });
}

/** Loads `ref` into `img` with `load`; when that fails, asks the server why (its message). */
export async function loadWithReason(
  load: () => Promise<void>,
  reason: () => Promise<unknown>,
): Promise<void> {
  try {
    await load();
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    await reason(); // throws the server's ApiError when the request itself fails
    throw err;
  }
}
