// The view's state, kept in the URL fragment so a view can be shared and survives reload:
//   #scalars?tags=loss&runs=^lr_&off=a&off=b&log=1&smoothing=0.8&xaxis=wall
// Defaults are left out. Deselected runs are listed ("off"), not selected ones, so runs that
// appear later are shown, as in TensorBoard. The shell owns the tab, the tag filter, the run
// filter and the deselected runs; every other parameter belongs to a dashboard (`params`,
// e.g. "img_step=40", or the scalar chart settings "smoothing", "xaxis", ...): kept and written
// back, so a dashboard keeps its own settings in the URL without touching this file (see
// DashboardContext.param). Parameters a dashboard registered (url_params.ts) are read back
// canonical: a malformed value or the default is dropped.

import type { DashboardId } from "./dashboards";
import { DEFAULT_DASHBOARD, isDashboardId } from "./dashboards";
import { canonicalParam } from "./url_params";

export interface AppState {
  readonly tab: DashboardId;
  /** Regex over tags (every dashboard made of tag cards). */
  readonly tagFilter: string;
  /** Regex over run names (runs panel). */
  readonly runFilter: string;
  readonly hiddenRuns: ReadonlySet<string>;
  /** Dashboard-owned URL parameters (name -> value); names should carry a dashboard prefix. */
  readonly params: Readonly<Record<string, string>>;
}

/** The URL parameter names the shell itself owns. */
const CORE_PARAMS = new Set(["tags", "runs", "off"]);

export const DEFAULT_STATE: AppState = {
  tab: DEFAULT_DASHBOARD,
  tagFilter: "",
  runFilter: "",
  hiddenRuns: new Set(),
  params: {},
};

/** Parses a location hash ("#tab?query"); anything malformed falls back to its default. */
export function parseState(hash: string): AppState {
  const body = hash.startsWith("#") ? hash.slice(1) : hash;
  const cut = body.indexOf("?");
  const tabText = decodeURIComponent(cut < 0 ? body : body.slice(0, cut));
  const params = new URLSearchParams(cut < 0 ? "" : body.slice(cut + 1));
  return {
    tab: isDashboardId(tabText) ? tabText : DEFAULT_STATE.tab,
    tagFilter: params.get("tags") ?? "",
    runFilter: params.get("runs") ?? "",
    hiddenRuns: new Set(params.getAll("off")),
    params: dashboardParams(params),
  };
}

function dashboardParams(params: URLSearchParams): Record<string, string> {
  const extra: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, text] of params) {
    if (CORE_PARAMS.has(name) || seen.has(name)) continue;
    seen.add(name);
    const value = canonicalParam(name, text);
    if (value !== null) extra[name] = value;
  }
  return extra;
}

/** Formats a state as a location hash, leaving defaults out. */
export function formatState(state: AppState): string {
  const params = new URLSearchParams();
  if (state.tagFilter) params.set("tags", state.tagFilter);
  if (state.runFilter) params.set("runs", state.runFilter);
  for (const run of [...state.hiddenRuns].sort()) params.append("off", run);
  for (const name of Object.keys(state.params).sort()) {
    if (!CORE_PARAMS.has(name)) params.set(name, state.params[name] as string);
  }
  const query = params.toString();
  return `#${state.tab}${query ? `?${query}` : ""}`;
}

type Listener = (state: AppState, previous: AppState) => void;

/** URL writes for settings that change continuously (the smoothing slider) wait this long. */
const URL_WRITE_DELAY_MS = 150;

/**
 * Owns the current AppState and keeps it in the window's URL fragment. Tab changes add a
 * history entry (Back returns to the previous tab); other changes replace the current one,
 * batched, since browsers throttle rapid history updates.
 */
export class UrlState {
  private current: AppState;
  private readonly listeners = new Set<Listener>();
  private readonly win: Window;
  private writeTimer: ReturnType<typeof setTimeout> | null = null;
  /** The fragment this object last wrote (events echoing it are not user navigation). */
  private written: string;

  constructor(win: Window = window) {
    this.win = win;
    this.current = parseState(win.location.hash);
    this.written = win.location.hash;
    const fromUrl = (): void => {
      if (win.location.hash === this.written) return;
      // Remember the hash we now show, or returning to the previous one would look unchanged.
      this.written = win.location.hash;
      this.set(parseState(win.location.hash), false);
    };
    win.addEventListener("hashchange", fromUrl);
    win.addEventListener("popstate", fromUrl);
  }

  get state(): AppState {
    return this.current;
  }

  /** Merges `patch` into the state, writes the URL and notifies listeners. */
  update(patch: Partial<AppState>): void {
    this.set({ ...this.current, ...patch }, true);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes a pending URL change now. */
  flush(): void {
    if (this.writeTimer === null) return;
    clearTimeout(this.writeTimer);
    this.writeTimer = null;
    this.write(false);
  }

  private set(next: AppState, writeUrl: boolean): void {
    const previous = this.current;
    if (formatState(next) === formatState(previous)) return;
    this.current = next;
    if (writeUrl) {
      if (next.tab !== previous.tab) {
        this.flush();
        this.write(true);
      } else if (this.writeTimer === null) {
        this.writeTimer = setTimeout(() => {
          this.writeTimer = null;
          this.write(false);
        }, URL_WRITE_DELAY_MS);
      }
    }
    for (const listener of this.listeners) listener(next, previous);
  }

  private write(push: boolean): void {
    const { pathname, search } = this.win.location;
    this.written = formatState(this.current);
    const url = `${pathname}${search}${this.written}`;
    if (push) this.win.history.pushState(null, "", url);
    else this.win.history.replaceState(null, "", url);
  }
}
