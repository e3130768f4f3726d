// The Projector's left panel: what to show (run, tag, step), how to colour and label it, the
// projection (method, 2-D / 3-D, PCA components with their explained variance, t-SNE / UMAP
// parameters, progress), and search.
//
// Hooks: run-select, projector-tag-select, projector-step-select, projector-shape,
// projector-color-select, projector-legend / legend-item (data-value), projector-label-select,
// projector-sprites, projector-method (data-method, aria-pressed), projector-dims (data-dims),
// pca-x / pca-y / pca-z, pca-variance (data-total), param-<name>, projection-run,
// projection-progress (data-state), projector-rotate, projector-reset,
// projector-search-column, projector-search, projector-search-status.

import { RunSelector } from "../../components/run_selector";
import { debounce, h } from "../../core/dom";
import type { Embedding, Job, Method, MethodInfo, MethodParams, WireParam } from "./api";
import { METHOD_LABELS, METHODS } from "./api";
import type { ColorScheme } from "./columns";
import { cssColor, gradientColor } from "./columns";
import type { Dims } from "./model";

export interface ControlCallbacks {
  run(run: string): void;
  embedding(name: string): void;
  colorBy(column: string | null): void;
  labelBy(column: string): void;
  sprites(on: boolean): void;
  method(method: Method): void;
  dims(dims: Dims): void;
  axis(slot: number, component: number): void;
  rerun(params: MethodParams): void;
  rotate(on: boolean): void;
  reset(): void;
  search(column: string, query: string): void;
}

const NONE = "";

function select(testId: string, label: string): HTMLSelectElement {
  return h("select", { "data-testid": testId, "aria-label": label });
}

function field(label: string, control: HTMLElement): HTMLElement {
  return h("label", { class: "tbp-field" }, h("span", { class: "tbp-field-label" }, label), control);
}

function setOptions(el: HTMLSelectElement, options: readonly { value: string; text: string; disabled?: boolean; title?: string }[], chosen: string | null): void {
  el.replaceChildren(...options.map((o) => h("option", { value: o.value, disabled: o.disabled, title: o.title }, o.text)));
  if (chosen !== null && options.some((o) => o.value === chosen)) el.value = chosen;
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export class ProjectorControls {
  readonly element: HTMLElement;
  readonly runs: RunSelector;
  private readonly tag = select("projector-tag-select", "Tag");
  private readonly step = select("projector-step-select", "Step");
  private readonly shape = h("div", { class: "tbp-note", "data-testid": "projector-shape" });
  private readonly color = select("projector-color-select", "Color by");
  private readonly legend = h("div", { class: "tbp-legend", "data-testid": "projector-legend" });
  private readonly label = select("projector-label-select", "Label by");
  private readonly sprites = h("input", { type: "checkbox", "data-testid": "projector-sprites" });
  private readonly methodBar = h("div", { class: "tbp-segmented", role: "group", "aria-label": "Projection" });
  private readonly dimsBar = h("div", { class: "tbp-segmented", role: "group", "aria-label": "Dimensions" });
  private readonly pcaBox = h("div", { class: "tbp-pca" });
  private readonly axes = [select("pca-x", "X component"), select("pca-y", "Y component"), select("pca-z", "Z component")];
  private readonly variance = h("div", { class: "tbp-variance", "data-testid": "pca-variance" });
  private readonly paramBox = h("div", { class: "tbp-params" });
  private readonly progress = h("div", { class: "tbp-progress", "data-testid": "projection-progress" });
  private readonly rotate = h("button", { type: "button", "data-testid": "projector-rotate", "aria-pressed": "false" }, "Rotate");
  private readonly searchColumn = select("projector-search-column", "Search in");
  private readonly searchInput = h("input", { type: "search", placeholder: "Search labels (regex)", "data-testid": "projector-search", "aria-label": "Search labels" });
  private readonly searchStatus = h("div", { class: "tbp-note", "data-testid": "projector-search-status" });
  private readonly callbacks: ControlCallbacks;
  private embeddings: readonly Embedding[] = [];
  private paramInputs = new Map<string, { input: HTMLInputElement | HTMLSelectElement; spec: WireParam }>();

  constructor(callbacks: ControlCallbacks) {
    this.callbacks = callbacks;
    this.runs = new RunSelector((run) => callbacks.run(run));
    this.tag.addEventListener("change", () => this.chooseTag(this.tag.value));
    this.step.addEventListener("change", () => callbacks.embedding(this.step.value));
    this.color.addEventListener("change", () => callbacks.colorBy(this.color.value === NONE ? null : this.color.value));
    this.label.addEventListener("change", () => callbacks.labelBy(this.label.value));
    this.sprites.addEventListener("change", () => callbacks.sprites(this.sprites.checked));
    this.axes.forEach((el, slot) => el.addEventListener("change", () => callbacks.axis(slot, Number(el.value))));
    this.rotate.addEventListener("click", () => {
      const on = this.rotate.getAttribute("aria-pressed") !== "true";
      this.rotate.setAttribute("aria-pressed", String(on));
      callbacks.rotate(on);
    });
    const reset = h("button", { type: "button", "data-testid": "projector-reset" }, "Reset view");
    reset.addEventListener("click", () => callbacks.reset());
    const search = debounce(() => callbacks.search(this.searchColumn.value, this.searchInput.value), 150);
    this.searchInput.addEventListener("input", search);
    this.searchColumn.addEventListener("change", search);
    for (const dims of [2, 3] as const) {
      const b = h("button", { type: "button", "data-testid": "projector-dims", "data-dims": dims }, `${dims}-D`);
      b.addEventListener("click", () => callbacks.dims(dims));
      this.dimsBar.append(b);
    }
    this.pcaBox.append(...this.axes.map((el, i) => field(["X", "Y", "Z"][i] as string, el)), this.variance);
    this.element = h(
      "div",
      { class: "tbp-panel tbp-left", "data-testid": "projector-controls" },
      h("h3", {}, "Data"),
      this.runs.element,
      field("Tag", this.tag),
      field("Step", this.step),
      this.shape,
      field("Color by", this.color),
      this.legend,
      field("Label by", this.label),
      h("label", { class: "tbp-check" }, this.sprites, "Show images (sprites)"),
      h("h3", {}, "Projection"),
      this.methodBar,
      this.dimsBar,
      this.pcaBox,
      this.paramBox,
      this.progress,
      h("div", { class: "tbp-buttons" }, this.rotate, reset),
      h("h3", {}, "Search"),
      field("In", this.searchColumn),
      this.searchInput,
      this.searchStatus,
    );
  }

  // ------------------------------------------------------------ data

  /** The run's embeddings; `chosen` is the tensor name shown. */
  setEmbeddings(embeddings: readonly Embedding[], chosen: Embedding | null): void {
    this.embeddings = embeddings;
    const tags = [...new Set(embeddings.map((e) => e.tag))];
    setOptions(this.tag, tags.map((t) => ({ value: t, text: t })), chosen?.tag ?? null);
    this.fillSteps(chosen?.tag ?? tags[0] ?? "", chosen?.name ?? null);
    this.shape.textContent = chosen
      ? chosen.error
        ? chosen.error
        : `${chosen.numPoints ?? "?"} points × ${chosen.dimensions ?? "?"} dimensions${chosen.sprite ? ` · ${chosen.sprite.width}×${chosen.sprite.height} px images` : ""}`
      : "";
    this.shape.classList.toggle("tbp-error", Boolean(chosen?.error));
  }

  private fillSteps(tag: string, chosen: string | null): void {
    const steps = this.embeddings.filter((e) => e.tag === tag);
    setOptions(this.step, steps.map((e) => ({ value: e.name, text: e.step === null ? "—" : String(e.step), disabled: e.error !== null, title: e.error ?? e.name })), chosen);
  }

  private chooseTag(tag: string): void {
    const steps = this.embeddings.filter((e) => e.tag === tag && e.error === null);
    const last = steps[steps.length - 1];
    if (last) this.callbacks.embedding(last.name);
  }

  setColumns(columns: readonly { name: string; scheme: ColorScheme }[], colorBy: string | null, labelBy: string | null, searchIn: string | null): void {
    setOptions(
      this.color,
      [{ value: NONE, text: "None" }, ...columns.map((c) => ({ value: c.name, text: c.name, disabled: c.scheme.kind === "unusable", title: c.scheme.kind === "unusable" ? c.scheme.reason : c.scheme.kind }))],
      colorBy ?? NONE,
    );
    const names = columns.map((c) => ({ value: c.name, text: c.name }));
    setOptions(this.label, names.length ? names : [{ value: NONE, text: "Point index" }], labelBy);
    setOptions(this.searchColumn, names.length ? names : [{ value: NONE, text: "Point index" }], searchIn);
  }

  setLegend(scheme: ColorScheme): void {
    if (scheme.kind === "categorical") {
      this.legend.replaceChildren(
        ...scheme.categories.map((c) =>
          h("span", { class: "tbp-legend-item", "data-testid": "legend-item", "data-value": c.value, title: `${c.count} points` }, h("span", { class: "tb-swatch", style: `background:${cssColor(c.color)}` }), c.value === "" ? "(blank)" : c.value),
        ),
      );
    } else if (scheme.kind === "gradient") {
      const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => cssColor(gradientColor(t))).join(", ");
      this.legend.replaceChildren(h("span", {}, String(scheme.min)), h("span", { class: "tbp-gradient", style: `background:linear-gradient(to right, ${stops})` }), h("span", {}, String(scheme.max)));
    } else {
      this.legend.replaceChildren();
    }
    this.legend.dataset.kind = scheme.kind;
  }

  setSprites(available: boolean, on: boolean): void {
    this.sprites.disabled = !available;
    this.sprites.checked = available && on;
  }

  // ------------------------------------------------------------ projection

  setMethods(methods: ReadonlyMap<Method, MethodInfo>, chosen: Method, dims: Dims): void {
    this.methodBar.replaceChildren(
      ...METHODS.map((m) => {
        const info = methods.get(m);
        const b = h("button", { type: "button", "data-testid": "projector-method", "data-method": m, "aria-pressed": String(m === chosen), disabled: !info?.available, title: info?.reason ?? undefined }, METHOD_LABELS[m]);
        b.addEventListener("click", () => this.callbacks.method(m));
        return b;
      }),
    );
    for (const b of this.dimsBar.querySelectorAll<HTMLButtonElement>("button")) b.setAttribute("aria-pressed", String(Number(b.dataset.dims) === dims));
    this.rotate.disabled = dims !== 3;
    this.pcaBox.hidden = chosen !== "pca";
    (this.axes[2]?.parentElement as HTMLElement).hidden = dims !== 3;
    this.fillParams(chosen === "pca" ? [] : (methods.get(chosen)?.params ?? []).filter((p) => p.name !== "dims"));
  }

  private fillParams(specs: readonly WireParam[]): void {
    const current = new Map([...this.paramInputs].map(([k, v]) => [k, v.input.value]));
    this.paramInputs = new Map();
    const fields = specs.map((spec) => {
      let input: HTMLInputElement | HTMLSelectElement;
      if (spec.kind === "choice") {
        input = select(`param-${spec.name}`, spec.name);
        setOptions(input, (spec.options ?? []).map((o) => ({ value: o, text: o })), String(spec.default));
      } else {
        input = h("input", { type: "number", "data-testid": `param-${spec.name}`, min: spec.low, max: spec.high, step: spec.kind === "int" ? 1 : "any", placeholder: spec.default === null ? "auto" : String(spec.default) });
        input.value = spec.default === null ? "" : String(spec.default);
      }
      const kept = current.get(spec.name);
      if (kept !== undefined) input.value = kept;
      this.paramInputs.set(spec.name, { input, spec });
      return field(spec.name.replace(/_/g, " "), input);
    });
    const run = h("button", { type: "button", "data-testid": "projection-run" }, "Run");
    run.addEventListener("click", () => this.callbacks.rerun(this.params()));
    this.paramBox.replaceChildren(...fields, ...(specs.length ? [run] : []));
  }

  /** The parameters as typed (blank or invalid numbers: the default). */
  params(): MethodParams {
    const out: Record<string, number | string | null> = {};
    for (const [name, { input, spec }] of this.paramInputs) {
      if (spec.kind === "choice") out[name] = input.value;
      else {
        const value = input.value.trim() === "" ? Number.NaN : Number(input.value);
        out[name] = Number.isFinite(value) ? Math.min(spec.high ?? value, Math.max(spec.low ?? value, spec.kind === "int" ? Math.round(value) : value)) : spec.default;
      }
    }
    return out;
  }

  setPcaAxes(components: number, ratio: readonly number[] | null, axes: readonly number[], dims: Dims): void {
    const options = Array.from({ length: components }, (_, i) => ({ value: String(i), text: `PC${i + 1}${ratio ? ` (${percent(ratio[i] ?? 0)})` : ""}` }));
    this.axes.forEach((el, slot) => setOptions(el, options, String(axes[slot] ?? slot)));
    if (!ratio) {
      this.variance.textContent = "";
      delete this.variance.dataset.total;
      return;
    }
    const chosen = axes.slice(0, dims).map((a) => ratio[a] ?? 0);
    const total = chosen.reduce((s, x) => s + x, 0);
    this.variance.dataset.total = total.toFixed(6);
    this.variance.textContent = `Variance explained: ${percent(total)} (${chosen.map((r, i) => `PC${(axes[i] ?? i) + 1} ${percent(r)}`).join(", ")})`;
  }

  setProgress(job: Job | null, method: Method, message: string | null): void {
    this.progress.dataset.state = job?.state ?? (message ? "error" : "idle");
    if (!job && !message) return this.progress.replaceChildren();
    const text = message ?? (job ? `${METHOD_LABELS[method]}: ${job.state === "done" ? "done" : job.stage} ${job.state === "done" ? "" : `${Math.round(job.progress * 100)}%`} · ${job.elapsed.toFixed(1)} s` : "");
    const bar = h("div", { class: "tbp-bar" }, h("div", { class: "tbp-bar-fill", style: `width:${Math.round((job?.progress ?? 0) * 100)}%` }));
    this.progress.replaceChildren(...(job && job.state !== "done" && job.state !== "error" ? [bar] : []), h("div", { class: job?.state === "error" || message ? "tbp-error" : "tbp-note" }, text));
  }

  setRotating(on: boolean): void {
    this.rotate.setAttribute("aria-pressed", String(on));
  }

  setSearchStatus(count: number, query: string, error: string | null): void {
    this.searchStatus.textContent = error ? `Invalid pattern: ${error}` : query ? `${count} match${count === 1 ? "" : "es"}` : "";
    this.searchStatus.classList.toggle("tbp-error", Boolean(error));
    this.searchStatus.dataset.count = String(count);
  }

  setSearch(column: string | null, query: string): void {
    if (column !== null) this.searchColumn.value = column;
    this.searchInput.value = query;
  }
}
