// The Live dashboard's wire types (as the server sends them, see docs/visdom.md) and requests.
// Windows are Visdom's window dicts: `type` "plot" holds a Plotly figure in `content`.

import type { ApiClient } from "../../api/client";

export interface WireTrace {
  x?: unknown[];
  y?: unknown[];
  z?: unknown;
  name?: string;
  type?: string;
  [key: string]: unknown;
}

export interface WireWindow {
  readonly id: string;
  readonly type: string;
  readonly title?: string;
  readonly width?: number | null;
  readonly height?: number | null;
  readonly i?: number;
  readonly content: unknown;
  readonly selected?: number;
}

export interface WireEnv {
  readonly name: string;
  readonly windows: number;
  readonly last_update: number | null;
}

export interface AppendedTrace {
  readonly index: number;
  readonly x?: unknown[];
  readonly y?: unknown[];
  readonly z?: unknown[];
}

/** One push event (the server's {"type": "live", "events": [...]}). */
export type LiveEvent =
  | { readonly kind: "window"; readonly env: string; readonly window: WireWindow }
  | { readonly kind: "append"; readonly env: string; readonly win: string; readonly traces: readonly AppendedTrace[] }
  | { readonly kind: "close"; readonly env: string; readonly win: string }
  | { readonly kind: "envs"; readonly envs: readonly string[] };

/** The events of a push message that this dashboard understands; anything else is dropped. */
export function parseEvents(events: readonly unknown[]): LiveEvent[] {
  const out: LiveEvent[] = [];
  for (const raw of events) {
    if (typeof raw !== "object" || raw === null) continue;
    const e = raw as Record<string, unknown>;
    if (e.kind === "envs" && Array.isArray(e.envs)) {
      out.push({ kind: "envs", envs: e.envs.map(String) });
    } else if (e.kind === "window" && typeof e.window === "object" && e.window !== null) {
      out.push({ kind: "window", env: String(e.env), window: e.window as WireWindow });
    } else if (e.kind === "append" && Array.isArray(e.traces)) {
      out.push({ kind: "append", env: String(e.env), win: String(e.win), traces: e.traces as AppendedTrace[] });
    } else if (e.kind === "close") {
      out.push({ kind: "close", env: String(e.env), win: String(e.win) });
    }
  }
  return out;
}

export async function fetchEnvs(client: ApiClient, signal?: AbortSignal): Promise<WireEnv[]> {
  const answer = await client.getJson<{ envs: WireEnv[] }>("api/live/envs", {}, signal);
  return answer.envs;
}

export async function fetchWindows(client: ApiClient, env: string, signal?: AbortSignal): Promise<WireWindow[]> {
  const answer = await client.getJson<{ windows: WireWindow[] }>("api/live/windows", { env }, signal);
  return answer.windows;
}

/** Closes a window on the server (every open page gets the close event). */
export async function closeWindow(client: ApiClient, env: string, win: string): Promise<void> {
  const response = await fetch(client.href("api/live/close", { env, win }), { method: "POST" });
  if (!response.ok && response.status !== 404) throw new Error(`closing ${win}: HTTP ${response.status}`);
}
