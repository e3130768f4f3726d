// The Live tab: Visdom-style windows pushed from training scripts (trainboard.Visdom or the
// visdom package), one pane per window, for the env chosen in the selector (URL parameter
// live_env). Windows arrive as push messages ({"type": "live"}) with no reload; panes can be
// moved (drag the title), resized (the corner) and closed (×, which closes the window on the
// server). Pane positions are remembered per env in localStorage. Plotly loads with this tab.

import type { LiveMessage } from "../../api/client";
import { DashboardBase } from "../../core/dashboard";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import { h } from "../../core/dom";
import { loadPlotly } from "../../core/lazy_libs";
import { closeWindow, fetchEnvs, fetchWindows, parseEvents } from "./api";
import type { LiveEvent, WireWindow } from "./api";
import { LivePane, defaultSize } from "./pane";
import type { PaneDebug, PaneRect, PlotlyLib } from "./pane";
import "./live.css";

const ENV_PARAM = "live_env";
const GAP = 10;
const LAYOUT_KEY = "trainboard.visdom.layout.";

export interface LiveDebug {
  readonly env: string;
  readonly envs: readonly string[];
  readonly error: string | null;
  readonly panes: readonly PaneDebug[];
}

class LiveDashboard extends DashboardBase {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly status: HTMLSpanElement;
  private readonly board: HTMLDivElement;
  private readonly panes = new Map<string, LivePane>();
  private plotly: PlotlyLib | null = null;
  private envs: string[] = [];
  private env: string;
  private loads = 0;
  private generation = 0;
  private error: string | null = null;
  private backlog: LiveEvent[] = [];

  constructor(context: DashboardContext) {
    super(context);
    this.env = context.param(ENV_PARAM) ?? "main";
    this.select = h("select", { class: "tb-live-env", "data-testid": "live-env", "aria-label": "Env" });
    this.select.addEventListener("change", () => {
      this.context.setParams({ [ENV_PARAM]: this.select.value === "main" ? null : this.select.value });
      void this.switchEnv(this.select.value);
    });
    this.status = h("span", { class: "tb-live-status", "data-testid": "live-status-text" });
    const bar = h("div", { class: "tb-live-bar" }, h("label", {}, "Env ", this.select), this.status);
    this.board = h("div", { class: "tb-live-board", "data-testid": "live-board" });
    this.element = h("div", { class: "tb-live", "data-testid": "live-dashboard" }, bar, this.board);
    void this.reload();
  }

  override get pending(): number {
    return this.loads;
  }

  override onLive(message: LiveMessage): void {
    if (message.type !== "live") return;
    const events = parseEvents(message.events);
    if (this.plotly === null || this.loads > 0) {
      this.backlog.push(...events); // applied once the env's windows are loaded
      return;
    }
    for (const event of events) this.apply(event);
  }

  override refreshAll(): void {
    void this.reload();
  }

  override resize(): void {
    for (const pane of this.panes.values()) pane.resized();
  }

  override destroy(): void {
    for (const pane of this.panes.values()) pane.destroy();
    this.panes.clear();
  }

  debug(): LiveDebug {
    const panes = [...this.panes.values()].map((p) => p.debug());
    return { env: this.env, envs: this.envs, error: this.error, panes };
  }

  private async reload(): Promise<void> {
    this.loads++;
    const generation = ++this.generation;
    try {
      this.plotly ??= await loadPlotly();
      const [envs, windows] = await Promise.all([
        fetchEnvs(this.context.client),
        fetchWindows(this.context.client, this.env).catch(() => [] as WireWindow[]),
      ]);
      if (generation !== this.generation) return;
      this.setEnvs(envs.map((e) => e.name));
      this.showWindows(windows);
      this.error = null;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.loads--;
      this.status.textContent = this.error ?? `${this.panes.size} window${this.panes.size === 1 ? "" : "s"}`;
    }
    const backlog = this.backlog;
    this.backlog = [];
    if (this.loads === 0) for (const event of backlog) this.apply(event);
  }

  private async switchEnv(env: string): Promise<void> {
    this.env = env;
    this.backlog = [];
    await this.reload();
  }

  private setEnvs(envs: readonly string[]): void {
    this.envs = [...new Set([...envs, this.env])].sort();
    this.select.replaceChildren(...this.envs.map((name) => h("option", { value: name, selected: name === this.env }, name)));
    this.select.value = this.env;
  }

  private showWindows(windows: readonly WireWindow[]): void {
    for (const pane of this.panes.values()) pane.destroy();
    this.panes.clear();
    for (const win of windows) this.upsert(win);
  }

  private apply(event: LiveEvent): void {
    if (event.kind === "envs") {
      this.setEnvs(event.envs);
      return;
    }
    if (event.env !== this.env) return;
    if (event.kind === "window") {
      this.upsert(event.window);
    } else if (event.kind === "append") {
      this.panes.get(event.win)?.append(event.traces);
    } else {
      this.panes.get(event.win)?.destroy();
      this.panes.delete(event.win);
    }
    this.status.textContent = `${this.panes.size} window${this.panes.size === 1 ? "" : "s"}`;
  }

  private upsert(win: WireWindow): void {
    const existing = this.panes.get(win.id);
    if (existing) {
      existing.render(win);
      return;
    }
    if (this.plotly === null) return;
    const pane = new LivePane(win, this.placement(win), this.plotly, {
      close: (id) => void closeWindow(this.context.client, this.env, id),
      moved: () => this.saveLayout(),
    });
    this.panes.set(win.id, pane);
    this.board.append(pane.element);
  }

  /** Where a new pane goes: its remembered place, else the first free spot in reading order. */
  private placement(win: WireWindow): PaneRect {
    const saved = this.savedLayout()[win.id];
    if (saved) return saved;
    const { width, height } = defaultSize(win);
    const limit = Math.max(this.board.clientWidth || 1200, width + GAP);
    const taken = [...this.panes.values()].map((p) => p.rect());
    for (let top = 0; ; top += GAP * 2) {
      for (let left = 0; left + width <= limit; left += GAP * 2) {
        const box = { left, top, width, height };
        if (!taken.some((r) => overlaps(r, box))) return box;
      }
    }
  }

  private savedLayout(): Record<string, PaneRect> {
    try {
      return JSON.parse(localStorage.getItem(LAYOUT_KEY + this.env) ?? "{}") as Record<string, PaneRect>;
    } catch {
      return {};
    }
  }

  private saveLayout(): void {
    const layout: Record<string, PaneRect> = {};
    for (const pane of this.panes.values()) layout[pane.id] = pane.rect();
    try {
      localStorage.setItem(LAYOUT_KEY + this.env, JSON.stringify(layout));
    } catch {
      // storage full or disabled: positions are simply not remembered
    }
  }
}

function overlaps(a: PaneRect, b: PaneRect): boolean {
  return a.left < b.left + b.width + GAP && b.left < a.left + a.width + GAP && a.top < b.top + b.height + GAP && b.top < a.top + a.height + GAP;
}

export const liveDashboard: DashboardFactory = (context) => new LiveDashboard(context);
