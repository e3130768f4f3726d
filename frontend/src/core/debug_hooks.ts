// Hooks a dashboard adds to window.__trainboard (the read-only view browser tests use, see
// src/shell/debug.ts), so the shell never names a dashboard's own debug data.
//
// A dashboard declares its hooks' types by augmenting DashboardDebugHooks and registers how to
// answer them when its module loads; each hook is asked with the dashboard's view, or null
// while the dashboard has not been created. Scalars (src/dashboards/scalars/index.ts):
//
//   declare module "../../core/debug_hooks" {
//     interface DashboardDebugHooks { cards(): CardDebug[] }
//   }
//   registerDebugHooks("scalars", { cards: (view) => () => cardsOf(view) });
//
// Hooks are installed when the page installs window.__trainboard, so only dashboards the
// registry imports eagerly can add them; a lazily loaded dashboard answers through
// `__trainboard.view(id)` (DashboardView.debug) instead.

import type { DashboardView } from "./dashboard";
import type { DashboardId } from "./dashboards";

/** The hooks dashboards add, by name; each dashboard augments this interface with its own. */
export interface DashboardDebugHooks {}

export type DebugHookName = keyof DashboardDebugHooks;

/** Makes a hook's function from the dashboard's view (null: not created yet). */
export type DebugHookFactory<K extends DebugHookName> = (view: DashboardView | null) => DashboardDebugHooks[K];

export interface RegisteredDebugHook {
  readonly name: string;
  readonly dashboard: DashboardId;
  readonly make: (view: DashboardView | null) => unknown;
}

const registered = new Map<string, RegisteredDebugHook>();

/** Registers `dashboard`'s hooks; a name another dashboard registered is refused. */
export function registerDebugHooks<K extends DebugHookName>(dashboard: DashboardId, hooks: { readonly [P in K]: DebugHookFactory<P> }): void {
  for (const [name, make] of Object.entries(hooks) as [string, (view: DashboardView | null) => unknown][]) {
    const existing = registered.get(name);
    if (existing && existing.dashboard !== dashboard) {
      throw new Error(`window.__trainboard.${name} is already registered by the ${existing.dashboard} dashboard`);
    }
    registered.set(name, { name, dashboard, make });
  }
}

/** Every registered hook, in registration order. */
export function registeredDebugHooks(): readonly RegisteredDebugHook[] {
  return [...registered.values()];
}
