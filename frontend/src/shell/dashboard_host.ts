// Creates dashboards from the registry when their tab is first shown (loading lazy ones on
// demand) and hands calls to every dashboard created so far. A dashboard whose handler
// throws does not keep the others from getting the call; the error is rethrown afterwards,
// uncaught, so it still shows in the console (and fails browser tests).

import type { DashboardContext, DashboardEntry, DashboardFactory, DashboardView } from "../core/dashboard";
import type { DashboardId, DashboardInfo } from "../core/dashboards";

export type DashboardRegistry = Readonly<Partial<Record<DashboardId, DashboardEntry>>>;

export interface DashboardHostHooks {
  /** Builds the context a new dashboard gets. */
  context(info: DashboardInfo): DashboardContext;
  /** Called right after a dashboard is created (before ensure returns it). */
  created(view: DashboardView): void;
  /** A lazy dashboard's code loaded (or failed to): show the tab again. */
  loaded(id: DashboardId): void;
}

export class DashboardHost {
  private readonly registry: DashboardRegistry;
  private readonly hooks: DashboardHostHooks;
  private readonly views = new Map<DashboardId, DashboardView>();
  private readonly loading = new Set<DashboardId>();
  private readonly failed = new Map<DashboardId, string>();
  /** Settles once a lazy dashboard's code loaded (or failed) and it was created. */
  private readonly waiting = new Map<DashboardId, Promise<void>>();

  constructor(registry: DashboardRegistry, hooks: DashboardHostHooks) {
    this.registry = registry;
    this.hooks = hooks;
  }

  has(id: DashboardId): boolean {
    return this.registry[id] !== undefined;
  }

  /** The dashboard if created. */
  get(id: DashboardId): DashboardView | null {
    return this.views.get(id) ?? null;
  }

  /** Why loading the dashboard's code failed, or null. */
  failure(id: DashboardId): string | null {
    return this.failed.get(id) ?? null;
  }

  /** The dashboard, created now if its factory is at hand; null while its code loads. */
  ensure(info: DashboardInfo): DashboardView | null {
    const existing = this.views.get(info.id);
    if (existing) return existing;
    const entry = this.registry[info.id];
    if (!entry || this.loading.has(info.id) || this.failed.has(info.id)) return null;
    if (typeof entry === "function") return this.create(info, entry);
    this.loading.add(info.id);
    const done = entry.load().then(
      (factory) => {
        this.loading.delete(info.id);
        try {
          this.create(info, factory);
        } catch (err) {
          this.failed.set(info.id, err instanceof Error ? err.message : String(err));
        }
        this.hooks.loaded(info.id);
      },
      (err: unknown) => {
        this.loading.delete(info.id);
        this.failed.set(info.id, err instanceof Error ? err.message : String(err));
        this.hooks.loaded(info.id);
      },
    );
    this.waiting.set(info.id, done);
    return null;
  }

  /** The dashboard, created (after its code loads) if need be; null if it has no entry or failed. */
  async ensureLoaded(info: DashboardInfo): Promise<DashboardView | null> {
    const now = this.ensure(info);
    if (now) return now;
    await this.waiting.get(info.id);
    return this.views.get(info.id) ?? null;
  }

  /** Dashboards' own pending counts plus code still loading. */
  get pending(): number {
    let total = this.loading.size;
    for (const view of this.views.values()) total += view.pending;
    return total;
  }

  /** Calls `fn` on every created dashboard. */
  forEach(fn: (view: DashboardView, id: DashboardId) => void): void {
    const errors: unknown[] = [];
    for (const [id, view] of this.views) {
      try {
        fn(view, id);
      } catch (err) {
        errors.push(err);
      }
    }
    for (const err of errors) {
      setTimeout(() => {
        throw err;
      }, 0);
    }
  }

  destroy(): void {
    this.forEach((view) => view.destroy());
    this.views.clear();
  }

  private create(info: DashboardInfo, factory: DashboardFactory): DashboardView {
    const view = factory(this.hooks.context(info));
    view.element.dataset.dashboardView = info.id;
    this.views.set(info.id, view);
    this.hooks.created(view);
    return view;
  }
}
