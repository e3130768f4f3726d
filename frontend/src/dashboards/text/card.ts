// One text card: a (run, tag) with a slider over every step it has. It loads while in view:
// the step list, then the chosen step's strings (Markdown or a table), rendered safely.
// Moving the slider loads only that step; new points reload the step list, and the slider
// stays where the user put it unless it was at the latest step.
//
// Hooks: text-card (data-tag: the user's tag, data-run, data-step: the step shown,
// data-state), the step-slider hooks, and those of render.ts.

import type { ApiClient } from "../../api/client";
import { Card } from "../../components/card";
import type { CardLoadResult } from "../../components/card";
import type { StepPoint } from "../../components/step_slider";
import { StepSlider } from "../../components/step_slider";
import { h } from "../../core/dom";
import type { FetchQueue } from "../../core/fetch_queue";
import type { VisibilityTracker } from "../../core/visibility";
import type { TextContent } from "./api";
import { fetchContent, fetchSteps } from "./api";
import type { MarkdownRenderer } from "./render";
import { renderContent } from "./render";
import type { TagCard, TagCardSpec } from "../../components/tag_cards_dashboard";

export interface TextCardSpec extends TagCardSpec {
  readonly run: string;
  /** The tag as stored (e.g. "notes/text_summary"); `tag` is the user's tag. */
  readonly storedTag: string;
}

export interface TextCardEnv {
  readonly client: ApiClient;
  readonly queue: FetchQueue;
  readonly visibility: VisibilityTracker;
  color(run: string): string;
  markdown(): Promise<MarkdownRenderer>;
}

/** A text card as tests see it (window.__trainboard.view("text").cards). */
export interface TextCardDebug {
  readonly key: string;
  readonly run: string;
  readonly tag: string;
  readonly storedTag: string;
  readonly state: string;
  readonly step: number | null;
  readonly steps: number[];
  readonly markdown: string | null;
  readonly table: string[][] | null;
}

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException("aborted", "AbortError");
}

export class TextCard implements TagCard<TextCardSpec> {
  readonly element: HTMLElement;
  spec: TextCardSpec;
  private readonly env: TextCardEnv;
  private readonly card: Card;
  private readonly slider: StepSlider;
  private readonly swatch: HTMLSpanElement;
  private readonly content: HTMLDivElement;
  private steps: readonly StepPoint[] | null = null;
  private shown: TextContent | null = null;
  private indexStale = true;
  private contentStale = true;

  constructor(spec: TextCardSpec, env: TextCardEnv) {
    this.spec = spec;
    this.env = env;
    this.slider = new StepSlider(() => this.card.invalidate());
    this.content = h("div", { class: "tb-text-body" });
    this.card = new Card({
      testId: "text-card",
      title: spec.tag,
      subtitleRun: spec.run,
      attrs: { "data-tag": spec.tag, "data-run": spec.run },
      visibility: env.visibility,
      queue: env.queue,
      load: (signal) => this.load(signal),
    });
    this.element = this.card.element;
    this.swatch = h("span", { class: "tb-swatch", "aria-hidden": "true" });
    this.element.querySelector(".tb-card-header")?.prepend(this.swatch);
    this.themeChanged();
    this.card.body.append(this.slider.element, this.content);
  }

  setSpec(spec: TextCardSpec): void {
    this.spec = spec;
  }

  dataChanged(run: string | null, reset: boolean): void {
    if (run !== null && run !== this.spec.run) return;
    this.indexStale = true;
    if (reset) this.contentStale = true;
    this.card.invalidate();
  }

  themeChanged(): void {
    this.swatch.style.background = this.env.color(this.spec.run);
  }

  resize(): void {}

  destroy(): void {
    this.card.destroy();
  }

  debug(): TextCardDebug {
    return {
      key: this.spec.key,
      run: this.spec.run,
      tag: this.spec.tag,
      storedTag: this.spec.storedTag,
      state: this.card.state,
      step: this.shown?.step ?? null,
      steps: (this.steps ?? []).map((p) => p.step),
      markdown: this.shown?.markdown ?? null,
      table: this.shown?.table ? this.shown.table.map((row) => [...row]) : null,
    };
  }

  private async load(signal: AbortSignal): Promise<CardLoadResult> {
    const { client } = this.env;
    if (this.indexStale || this.steps === null) {
      const steps = await fetchSteps(client, this.spec.run, this.spec.storedTag, signal);
      aborted(signal);
      this.steps = steps;
      this.indexStale = false;
      this.slider.setSteps(steps);
    }
    const step = this.slider.step;
    if (step === null) {
      this.content.replaceChildren();
      this.shown = null;
      return { state: "empty", status: "No steps logged for this tag." };
    }
    if (this.contentStale || this.shown?.step !== step) {
      const [md, content] = await Promise.all([
        this.env.markdown(),
        fetchContent(client, this.spec.run, this.spec.storedTag, step, signal),
      ]);
      aborted(signal);
      this.content.replaceChildren(renderContent(md, content));
      this.shown = content;
      this.contentStale = false;
      this.element.dataset.step = String(content.step);
    }
    return "ready";
  }
}
