// The Projector dashboard: one embedding at a time (run, tag and step pickers) drawn as points
// in 2-D or 3-D, placed by PCA, t-SNE or UMAP computed on the server (a background job whose
// progress is polled), coloured and labelled by a metadata column, with sprite thumbnails,
// regex search and nearest neighbours of a selected point (computed on the server, in the
// original space). docs/http/projector.md.
//
// URL parameters: proj_run, proj_tensor, proj_method, proj_dims, proj_color, proj_label.
// Hooks: projector-dashboard (data-state), projector-message, projector-tooltip, and those of
// controls.ts and inspector.ts.

import type { LiveMessage, RunsInfo } from "../../api/client";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import { DashboardBase, runsWithKind } from "../../core/dashboard";
import { h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import type { Embedding, EmbeddingIndex, Job, Metadata, Method, MethodParams, Projection } from "./api";
import { METHOD_LABELS, METHODS, defaultParams, fetchIndex, fetchMetadata, spriteHref } from "./api";
import { ProjectorControls } from "./controls";
import { Inspector } from "./inspector";
import { ProjectionLoader, loadSprite } from "./loaders";
import type { Dims, Highlight } from "./model";
import { explainedVariance, labelsToDraw, pointStyle, positions } from "./model";
import { PointLabels } from "./point_labels";
import { Selection } from "./selection";
import type { ProjectorScene, SceneFactory, SpriteAtlas } from "./scene_types";
import { loadThreeScene } from "./scene_types";
import "./projector.css";

export interface ProjectorOptions {
  /** The point view (default: three.js, loaded on first use). */
  readonly scene?: SceneFactory;
}

type LoadState = "idle" | "loading" | "computing" | "ready" | "empty" | "error";

const INDEX_REFRESH_MS = 10_000; // new points elsewhere: re-list embeddings at most this often

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ProjectorDashboard extends DashboardBase {
  readonly element: HTMLElement;
  private readonly controls: ProjectorControls;
  private readonly inspector: Inspector;
  private readonly stage: HTMLElement;
  private readonly message = h("div", { class: "tb-empty tbp-message", "data-testid": "projector-message" });
  private readonly tooltip = h("div", { class: "tbp-tooltip", "data-testid": "projector-tooltip", hidden: true });
  private readonly sceneFactory: SceneFactory;
  private scene: ProjectorScene | null = null;
  private scenePromise: Promise<ProjectorScene> | null = null;
  private index: EmbeddingIndex | null = null;
  private run: string | null = null;
  private embedding: Embedding | null = null;
  private method: Method;
  private dims: Dims;
  private axes = [0, 1, 2];
  private readonly params = new Map<Method, MethodParams>();
  private readonly points: PointLabels;
  private projection: Projection | null = null;
  private drawnKey: string | null = null;
  private job: Job | null = null;
  private readonly projections: ProjectionLoader;
  private readonly selection: Selection;
  private hovered: number | null = null;
  private sprite: SpriteAtlas | null = null;
  private showSprites = true;
  private state: LoadState = "idle";
  private error: string | null = null;
  private busy = 0;
  private embeddingGeneration = 0;
  private lastIndexLoad = 0;
  private timings = { projection: 0, metadata: 0 };

  constructor(context: DashboardContext, options: ProjectorOptions = {}) {
    super(context);
    this.sceneFactory = options.scene ?? loadThreeScene;
    this.projections = new ProjectionLoader(context);
    const method = context.param("proj_method");
    this.method = METHODS.includes(method as Method) ? (method as Method) : "pca";
    this.dims = context.param("proj_dims") === "3" ? 3 : 2;
    this.points = new PointLabels(context.param("proj_color"), context.param("proj_label"));
    this.controls = new ProjectorControls({
      run: (run) => this.chooseRun(run),
      embedding: (name) => this.chooseEmbedding(name, true),
      colorBy: (column) => this.setColorBy(column),
      labelBy: (column) => this.setLabelBy(column),
      sprites: (on) => this.setShowSprites(on),
      method: (m) => this.setMethod(m),
      dims: (d) => this.setDims(d),
      axis: (slot, component) => this.setAxis(slot, component),
      rerun: (params) => this.rerun(params),
      rotate: (on) => this.scene?.setAutoRotate(on),
      reset: () => this.scene?.resetCamera(),
      search: (column, query) => this.search(column, query),
    });
    this.inspector = new Inspector({ select: (i) => this.selection.select(i), neighbors: () => void this.selection.load(false) });
    this.selection = new Selection({
      context,
      inspector: this.inspector,
      points: this.points,
      embedding: () => this.embedding,
      sprite: () => this.sprite,
      changed: () => this.restyle(),
      busy: (delta) => (this.busy += delta),
    });
    this.stage = h("div", { class: "tbp-stage" }, this.message, this.tooltip);
    this.element = h("div", { class: "tbp", "data-testid": "projector-dashboard" }, this.controls.element, this.stage, this.inspector.element);
    this.setState("idle", null);
    void this.loadIndex();
  }

  override get pending(): number {
    return this.busy;
  }

  override setRuns(_runs: RunsInfo): void {
    this.chooseFromState();
  }

  override stateChanged(next: AppState, previous: AppState): void {
    if (next.runFilter !== previous.runFilter || next.hiddenRuns !== previous.hiddenRuns) this.chooseFromState();
  }

  override show(): void {
    this.scene?.resize();
  }

  override resize(): void {
    this.scene?.resize();
  }

  override themeChanged(): void {
    this.scene?.themeChanged();
  }

  override onLive(message: LiveMessage): void {
    const stale = Date.now() - this.lastIndexLoad > INDEX_REFRESH_MS;
    if (message.type === "runs" || (message.type === "points" && stale)) void this.loadIndex();
  }

  override refreshAll(): void {
    void this.loadIndex();
  }

  override destroy(): void {
    this.embeddingGeneration++;
    this.projections.cancel();
    this.scene?.destroy();
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await this.context.queue.run(work);
    } finally {
      this.busy--;
    }
  }

  // ------------------------------------------------------------ choosing what to show

  private async loadIndex(): Promise<void> {
    this.lastIndexLoad = Date.now();
    try {
      this.index = await this.track(() => fetchIndex(this.context.client));
    } catch (err) {
      this.setState("error", `Could not list the embeddings: ${errorText(err)}`);
      return;
    }
    this.chooseFromState();
  }

  private projectorRuns(): string[] {
    const index = this.index;
    if (!index) return [];
    return runsWithKind(this.context, "projector").map((r) => r.name).filter((run) => index.runs.has(run));
  }

  private chooseFromState(): void {
    if (!this.index) return;
    const run = this.controls.runs.setRuns(this.projectorRuns(), this.run ?? this.context.param("proj_run"), (r) => this.context.color(r));
    this.showRun(run, this.embedding?.name ?? this.context.param("proj_tensor"), false);
  }

  private chooseRun(run: string): void {
    this.showRun(run, null, true);
  }

  private showRun(run: string | null, wanted: string | null, fromUser: boolean): void {
    this.run = run;
    const entry = run === null ? undefined : this.index?.runs.get(run);
    const embeddings = entry?.embeddings ?? [];
    const usable = embeddings.filter((e) => e.error === null);
    const chosen = usable.find((e) => e.name === wanted) ?? usable[0] ?? null;
    this.controls.setEmbeddings(embeddings, chosen);
    if (fromUser) this.context.setParams({ proj_run: run });
    if (chosen === null) {
      this.embedding = null;
      this.embeddingGeneration++;
      this.projections.cancel();
      const why = entry?.error ?? embeddings[0]?.error ?? null;
      this.setState(why ? "error" : "empty", why ?? (this.index && this.index.runs.size ? "No selected run has an embedding." : "No run has an embedding: log one with writer.add_embedding(features, metadata=labels)."));
      return;
    }
    this.chooseEmbedding(chosen.name, fromUser);
  }

  private chooseEmbedding(name: string, fromUser: boolean): void {
    const embedding = this.index?.runs.get(this.run ?? "")?.embeddings.find((e) => e.name === name) ?? null;
    if (!embedding) return;
    const same = this.embedding?.run === embedding.run && this.embedding.name === embedding.name;
    this.embedding = embedding;
    this.controls.setEmbeddings(this.index?.runs.get(embedding.run)?.embeddings ?? [], embedding);
    if (fromUser) this.context.setParams({ proj_run: embedding.run, proj_tensor: embedding.name });
    if (!same || this.state === "idle" || this.state === "empty" || this.state === "error") void this.loadEmbedding(embedding);
  }

  // ------------------------------------------------------------ loading

  private async loadEmbedding(embedding: Embedding): Promise<void> {
    const generation = ++this.embeddingGeneration;
    this.points.clear();
    this.sprite = null;
    this.projection = null;
    this.drawnKey = null;
    this.selection.select(null);
    this.setState("loading", `Loading ${embedding.name}…`);
    const started = performance.now();
    const metadata = this.track(() => fetchMetadata(this.context.client, embedding.run, embedding.name));
    const sprite = embedding.sprite ? this.track(() => loadSprite(spriteHref(this.context.client, embedding.run, embedding.name), embedding.sprite as { width: number; height: number })) : Promise.resolve(null);
    void this.startProjection();
    try {
      const [md, atlas] = await Promise.all([metadata, sprite.catch(() => null)]);
      if (generation !== this.embeddingGeneration) return;
      this.timings.metadata = performance.now() - started;
      this.setMetadata(md);
      this.sprite = atlas;
      this.controls.setSprites(atlas !== null, this.showSprites);
      this.scene?.setSprites(this.showSprites ? atlas : null);
      this.restyle();
    } catch (err) {
      if (generation === this.embeddingGeneration) this.setState("error", `Could not load the labels of ${embedding.name}: ${errorText(err)}`);
    }
  }

  private setMetadata(metadata: Metadata): void {
    const p = this.points;
    p.set(metadata);
    this.controls.setColumns(p.columns, p.colorBy, p.labelBy, p.searchColumn);
    this.controls.setLegend(p.scheme());
    this.runSearch();
  }

  private currentParams(): MethodParams {
    const chosen = this.params.get(this.method) ?? defaultParams(this.index?.methods.get(this.method));
    return this.method === "pca" ? {} : { ...chosen, dims: this.dims };
  }

  private async startProjection(): Promise<void> {
    const embedding = this.embedding;
    if (!embedding) return;
    const method = this.method;
    const started = performance.now();
    this.job = null;
    this.controls.setMethods(this.index?.methods ?? new Map(), method, this.dims);
    this.busy++;
    try {
      const projection = await this.projections.load(embedding, method, this.currentParams(), (job) => {
        this.job = job;
        this.controls.setProgress(job, method, null);
        if (job.state !== "done" && job.state !== "error" && this.state !== "ready") this.setState("computing", `Computing ${METHOD_LABELS[method]}… ${job.stage}`);
      });
      if (projection === null) return;
      this.projection = projection;
      await this.draw(true);
      this.timings.projection = performance.now() - started;
    } catch (err) {
      this.controls.setProgress(this.job, method, `Could not compute the projection: ${errorText(err)}`);
      this.setState("error", `Could not compute the projection of ${embedding.name}: ${errorText(err)}`);
    } finally {
      this.busy--;
    }
  }

  private async ensureScene(): Promise<ProjectorScene> {
    this.scenePromise ??= this.sceneFactory({
      hover: (i, x, y) => this.hover(i, x, y),
      select: (i) => this.selection.select(i),
    }).then((scene) => {
      this.scene = scene;
      this.stage.prepend(scene.element);
      scene.resize();
      return scene;
    });
    return this.scenePromise;
  }

  // ------------------------------------------------------------ drawing

  private async draw(reset: boolean): Promise<void> {
    const projection = this.projection;
    if (!projection) return;
    const scene = await this.ensureScene();
    if (projection !== this.projection) return;
    const dims: Dims = projection.method === "pca" ? this.dims : (Math.min(projection.components, 3) as Dims);
    const frame = reset && this.drawnKey !== projection.key;
    scene.setPoints(positions(projection, projection.method === "pca" ? this.axes : [0, 1, 2], dims), dims, frame);
    scene.setSprites(this.showSprites ? this.sprite : null);
    this.drawnKey = projection.key;
    const ratio = projection.explainedVariance;
    this.controls.setPcaAxes(projection.method === "pca" ? projection.components : 0, ratio, this.axes, this.dims);
    this.restyle();
    this.setState("ready", null);
  }

  private label(index: number): string {
    return this.points.label(index);
  }

  private highlight(): Highlight {
    const { index, neighbors } = this.selection;
    return { selected: index, neighbors: (neighbors ?? []).map((n) => n.index), matches: this.points.highlighted(), hovered: this.hovered };
  }

  private restyle(): void {
    const scene = this.scene;
    const count = this.projection?.numPoints ?? 0;
    if (!scene || !count) return;
    const { sizes, alphas } = pointStyle(count, this.highlight());
    scene.setStyle(this.points.colors(count), alphas, sizes);
    scene.setLabels(labelsToDraw(this.highlight(), this.points.labels()));
  }

  // ------------------------------------------------------------ user choices

  private setColorBy(column: string | null): void {
    this.points.colorBy = column;
    this.context.setParams({ proj_color: column ?? "" });
    this.controls.setLegend(this.points.scheme());
    this.restyle();
  }

  private setLabelBy(column: string): void {
    this.points.labelBy = column;
    this.context.setParams({ proj_label: column });
    this.restyle();
    this.selection.show();
  }

  private setShowSprites(on: boolean): void {
    this.showSprites = on;
    this.scene?.setSprites(on ? this.sprite : null);
  }

  private setMethod(method: Method): void {
    if (method === this.method) return;
    this.method = method;
    this.context.setParams({ proj_method: method === "pca" ? null : method });
    void this.startProjection();
  }

  private setDims(dims: Dims): void {
    if (dims === this.dims) return;
    this.dims = dims;
    this.context.setParams({ proj_dims: dims === 3 ? "3" : null });
    this.controls.setRotating(false);
    this.controls.setMethods(this.index?.methods ?? new Map(), this.method, dims);
    if (this.method === "pca") void this.draw(true).then(() => this.scene?.resetCamera());
    else void this.startProjection();
  }

  private setAxis(slot: number, component: number): void {
    this.axes[slot] = component;
    void this.draw(false);
  }

  private rerun(params: MethodParams): void {
    this.params.set(this.method, params);
    void this.startProjection();
  }

  private search(column: string, query: string): void {
    this.points.searchColumn = column || null;
    this.points.searchQuery = query;
    this.runSearch();
    this.restyle();
  }

  private runSearch(): void {
    const p = this.points;
    p.search(this.projection?.numPoints ?? p.metadata?.numPoints ?? 0);
    this.controls.setSearchStatus(p.matches.length, p.searchQuery, p.searchError);
    this.inspector.showMatches(p.matches, (i) => this.label(i), p.searchQuery !== "");
  }

  private hover(index: number | null, x: number, y: number): void {
    if (index === this.hovered) return;
    this.hovered = index;
    this.tooltip.hidden = index === null;
    if (index !== null) {
      this.tooltip.textContent = this.label(index);
      this.tooltip.style.left = `${x + 12}px`;
      this.tooltip.style.top = `${y + 12}px`;
    }
    this.restyle();
  }

  private setState(state: LoadState, message: string | null): void {
    this.state = state;
    this.error = state === "error" ? message : null;
    this.element.dataset.state = state;
    this.message.textContent = message ?? "";
    this.message.hidden = message === null;
    this.message.classList.toggle("tbp-error", state === "error");
  }

  debug(): unknown {
    const p = this.points;
    const projection = this.projection;
    const stats = this.scene?.stats() ?? null;
    const variance = projection?.method === "pca" ? explainedVariance(projection, this.axes, this.dims) : null;
    const count = projection?.numPoints ?? 0;
    const colors = this.points.colors(Math.min(count, 200));
    const screen: [number, number, number][] = [];
    for (let i = 0; i < Math.min(count, 200) && this.scene; i++) {
      const at = this.scene.screenPosition(i);
      if (at) screen.push([i, Math.round(at.x * 10) / 10, Math.round(at.y * 10) / 10]);
    }
    return {
      state: this.state,
      error: this.error,
      run: this.run,
      tensor: this.embedding?.name ?? null,
      method: this.method,
      dims: this.dims,
      axes: this.axes.slice(0, this.dims),
      points: count,
      components: projection?.components ?? 0,
      explainedVariance: projection?.explainedVariance ?? null,
      varianceShown: variance?.total ?? null,
      job: this.job ? { state: this.job.state, progress: this.job.progress, stage: this.job.stage, key: this.job.key } : null,
      columns: p.columns.map((c) => ({ name: c.name, scheme: c.scheme.kind })),
      colorBy: p.colorBy,
      colorMode: p.scheme().kind,
      colors: Array.from({ length: colors.length / 3 }, (_, i) => [colors[3 * i], colors[3 * i + 1], colors[3 * i + 2]]),
      labelBy: p.labelBy,
      search: { column: p.searchColumn, query: p.searchQuery, matches: p.matches.length, first: p.matches.slice(0, 50), error: p.searchError },
      selected: this.selection.index,
      neighbors: (this.selection.neighbors ?? []).map((n) => ({ index: n.index, label: this.label(n.index), distance: n.distance })),
      distance: this.inspector.distanceValue(),
      k: this.inspector.kValue(),
      sprites: stats?.sprites ?? false,
      labels: labelsToDraw(this.highlight(), p.labels()),
      screen,
      stats,
      timings: { ...this.timings },
      metadataWarning: p.metadata?.warning ?? null,
    };
  }
}

export const projectorDashboard: DashboardFactory = (context) => new ProjectorDashboard(context);
