// The HParams dashboard's wire types (docs/http/hparams.md) and their conversion into columns
// (hyperparameters, then metrics) and sessions holding one value per column.

import type { ApiClient } from "../../api/client";

type WireNumber = number | "NaN" | "Infinity" | "-Infinity";

export interface WireHParam {
  readonly name: string;
  readonly display_name: string;
  readonly description: string;
  readonly type: "number" | "string" | "bool";
  readonly domain: readonly (WireNumber | string | boolean | null)[] | null;
  readonly interval: readonly [WireNumber, WireNumber] | null;
}

export interface WireMetric {
  readonly tag: string;
  readonly group: string;
  readonly display_name: string;
  readonly description: string;
}

export interface WireMetricValue {
  readonly value: WireNumber;
  readonly step: number;
  readonly wall_time: number;
}

export interface WireSession {
  readonly run: string;
  readonly parent: string | null;
  readonly group_name: string;
  readonly status: string | null;
  readonly start_time: number | null;
  readonly end_time: number | null;
  readonly hparams: Readonly<Record<string, WireNumber | string | boolean | null>>;
  readonly metrics: readonly (WireMetricValue | null)[];
}

export interface WireHParams {
  readonly hparams: readonly WireHParam[];
  readonly metrics: readonly WireMetric[];
  readonly sessions: readonly WireSession[];
}

export type ValueType = "number" | "string" | "bool";
export type CellValue = number | string | boolean;

export interface Column {
  /** Unique: "hparam:<name>" or "metric:<group>:<tag>". */
  readonly id: string;
  readonly kind: "hparam" | "metric";
  /** What the header shows: the display name, else the hparam name or the metric tag (with its group). */
  readonly label: string;
  readonly description: string;
  readonly type: ValueType;
  /** The values an hparam was declared to take (add_hparams' hparam_domain_discrete), or null. */
  readonly domain: readonly CellValue[] | null;
}

export interface Session {
  readonly run: string;
  /** The run an add_hparams sub-run describes; null when the session is a run of its own. */
  readonly parent: string | null;
  readonly status: string | null;
  readonly startTime: number | null;
  /** Column id -> value; missing when the session has none. Non-finite numbers are NaN/±Infinity. */
  readonly values: ReadonlyMap<string, CellValue>;
  /** Metric column id -> the step of the value shown. */
  readonly steps: ReadonlyMap<string, number>;
}

export interface HParamsData {
  readonly columns: readonly Column[];
  readonly sessions: readonly Session[];
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/** A wire value: strings "NaN", "Infinity", "-Infinity" are numbers in a number column. */
export function wireValue(value: WireNumber | string | boolean | null, type: ValueType): CellValue | null {
  if (value === null) return null;
  if (type === "number" && typeof value === "string" && value in NON_FINITE) return NON_FINITE[value] as number;
  return value;
}

export function hparamId(name: string): string {
  return `hparam:${name}`;
}

export function metricId(group: string, tag: string): string {
  return `metric:${group}:${tag}`;
}

export function convertHParams(wire: WireHParams): HParamsData {
  const hparams: Column[] = wire.hparams.map((h) => ({
    id: hparamId(h.name),
    kind: "hparam",
    label: h.display_name || h.name,
    description: h.description,
    type: h.type,
    domain: h.domain ? h.domain.map((v) => wireValue(v, h.type)).filter((v): v is CellValue => v !== null) : null,
  }));
  const metrics: Column[] = wire.metrics.map((m) => ({
    id: metricId(m.group, m.tag),
    kind: "metric",
    label: m.display_name || (m.group ? `${m.group}/${m.tag}` : m.tag),
    description: m.description,
    type: "number",
    domain: null,
  }));
  const types = new Map(wire.hparams.map((h) => [h.name, h.type]));
  const sessions: Session[] = wire.sessions.map((s) => {
    const values = new Map<string, CellValue>();
    const steps = new Map<string, number>();
    for (const [name, raw] of Object.entries(s.hparams)) {
      const value = wireValue(raw, types.get(name) ?? "string");
      if (value !== null) values.set(hparamId(name), value);
    }
    s.metrics.forEach((m, i) => {
      const column = metrics[i];
      if (!m || !column) return;
      values.set(column.id, wireValue(m.value, "number") as number);
      steps.set(column.id, m.step);
    });
    return { run: s.run, parent: s.parent, status: s.status, startTime: s.start_time, values, steps };
  });
  return { columns: [...hparams, ...metrics], sessions };
}

export async function fetchHParams(client: ApiClient, signal?: AbortSignal): Promise<HParamsData> {
  return convertHParams(await client.getJson<WireHParams>("api/hparams", {}, signal));
}
