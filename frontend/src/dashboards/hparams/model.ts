// The HParams dashboard's pure logic: sorting, filtering (by value, range or regex), value
// formatting, axis scales shared by the parallel coordinates and the scatter matrix, and the
// Scalars view a session links to.

import type { Run } from "../../api/client";
import { formatValue } from "../../charts/format";
import { compileFilter } from "../../core/dom";
import type { CellValue, Column, Session } from "./api";

/** One column's filter; every part given must hold. An empty filter lets everything pass. */
export interface ColumnFilter {
  /** Inclusive numeric range (either end may be open). */
  readonly min?: number | null;
  readonly max?: number | null;
  /** Allowed values, as valueKey gives them. */
  readonly values?: readonly string[] | null;
  /** A case-insensitive regex over the value's text. */
  readonly regex?: string | null;
}

export type Filters = ReadonlyMap<string, ColumnFilter>;

/** "run2" before "run10"; one collator, since localeCompare with options builds one a call. */
const COLLATOR = new Intl.Collator(undefined, { numeric: true });

export interface SortOrder {
  /** A column id, or "run" for the session name. */
  readonly column: string;
  readonly descending: boolean;
}

/** The text of a value, as filters and category axes see it. */
export function valueKey(value: CellValue): string {
  return String(value);
}

/** The value as the table shows it. */
export function formatCell(value: CellValue | undefined, column: Column): string {
  if (value === undefined) return "";
  if (typeof value !== "number") return String(value);
  if (column.kind === "metric") return formatValue(value);
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : formatValue(value);
}

export function isActive(filter: ColumnFilter | undefined): boolean {
  if (!filter) return false;
  return (
    (filter.min !== undefined && filter.min !== null) ||
    (filter.max !== undefined && filter.max !== null) ||
    (filter.values !== undefined && filter.values !== null) ||
    (filter.regex !== undefined && filter.regex !== null && filter.regex !== "")
  );
}

function passesOne(value: CellValue | undefined, filter: ColumnFilter): boolean {
  if (!isActive(filter)) return true;
  // A session without a value for a filtered column cannot be said to pass it.
  if (value === undefined) return false;
  if ((filter.min ?? null) !== null || (filter.max ?? null) !== null) {
    if (typeof value !== "number" || Number.isNaN(value)) return false;
    if (filter.min !== undefined && filter.min !== null && value < filter.min) return false;
    if (filter.max !== undefined && filter.max !== null && value > filter.max) return false;
  }
  if (filter.values && !filter.values.includes(valueKey(value))) return false;
  if (filter.regex && !compileFilter(filter.regex).test(valueKey(value))) return false;
  return true;
}

export function passes(session: Session, filters: Filters): boolean {
  for (const [id, filter] of filters) {
    if (!passesOne(session.values.get(id), filter)) return false;
  }
  return true;
}

function compareValues(a: CellValue, b: CellValue, column: Column | undefined): number {
  if (column?.type === "number" && typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return COLLATOR.compare(valueKey(a), valueKey(b));
}

/** Sessions in `order`; sessions without a value (and NaN) come last either way. */
export function sortSessions(sessions: readonly Session[], columns: readonly Column[], order: SortOrder): Session[] {
  const column = columns.find((c) => c.id === order.column);
  const sign = order.descending ? -1 : 1;
  const byRun = (a: Session, b: Session): number => COLLATOR.compare(a.run, b.run);
  if (!column) return [...sessions].sort((a, b) => sign * byRun(a, b));
  return [...sessions].sort((a, b) => {
    const x = a.values.get(column.id);
    const y = b.values.get(column.id);
    if (x === undefined || y === undefined) return x === y ? byRun(a, b) : x === undefined ? 1 : -1;
    const nanX = typeof x === "number" && Number.isNaN(x);
    const nanY = typeof y === "number" && Number.isNaN(y);
    if (nanX || nanY) return nanX && nanY ? byRun(a, b) : nanX ? 1 : -1;
    return sign * compareValues(x, y, column) || byRun(a, b);
  });
}

/** Distinct values of a column over `sessions` (plus its declared domain), sorted. */
export function distinctValues(column: Column, sessions: readonly Session[]): CellValue[] {
  const seen = new Map<string, CellValue>();
  for (const value of column.domain ?? []) seen.set(valueKey(value), value);
  for (const s of sessions) {
    const value = s.values.get(column.id);
    if (value !== undefined) seen.set(valueKey(value), value);
  }
  return [...seen.values()].sort((a, b) => compareValues(a, b, column));
}

/** Where values sit on an axis: t in [0, 1] (0 at the bottom), or null when not placeable. */
export interface AxisScale {
  readonly column: Column;
  readonly categorical: boolean;
  readonly log: boolean;
  /** Numeric axes: the value range. */
  readonly domain: readonly [number, number];
  /** Categorical axes: the categories, bottom to top. */
  readonly categories: readonly CellValue[];
  position(value: CellValue | undefined): number | null;
  /** The filter selecting what lies between positions t0 and t1. */
  filterBetween(t0: number, t1: number): ColumnFilter;
  /** Tick positions and labels. */
  ticks(): { t: number; label: string }[];
}

/** The axis of `column` over `sessions`: numeric (linear, or log for positive hparams spanning
 * two decades or more, such as learning rates) or categorical (strings, bools, mixed). */
export function axisScale(column: Column, sessions: readonly Session[]): AxisScale {
  const values = sessions.map((s) => s.values.get(column.id)).filter((v): v is CellValue => v !== undefined);
  const numeric = column.type === "number" && values.every((v) => typeof v === "number");
  if (!numeric) return categoricalScale(column, distinctValues(column, sessions));
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  const log = column.kind === "hparam" && lo > 0 && hi / lo >= 100;
  const f = log ? Math.log10 : (x: number): number => x;
  const [a, b] = [f(lo), f(hi)];
  const position = (value: CellValue | undefined): number | null => {
    if (typeof value !== "number" || !Number.isFinite(value) || (log && value <= 0)) return null;
    return b === a ? 0.5 : (f(value) - a) / (b - a);
  };
  const invert = (t: number): number => {
    const x = b === a ? a : a + t * (b - a);
    return log ? Math.pow(10, x) : x;
  };
  return {
    column,
    categorical: false,
    log,
    domain: [lo, hi],
    categories: [],
    position,
    filterBetween: (t0, t1) => {
      const [low, high] = t0 <= t1 ? [t0, t1] : [t1, t0];
      return b === a ? { min: lo, max: hi } : { min: invert(low), max: invert(high) };
    },
    ticks: () => numericTicks(lo, hi, log).map((v) => ({ t: position(v) ?? 0.5, label: formatValue(v) })),
  };
}

function numericTicks(lo: number, hi: number, log: boolean): number[] {
  if (lo === hi) return [lo];
  if (log) {
    const ticks: number[] = [];
    for (let p = Math.ceil(Math.log10(lo)); p <= Math.floor(Math.log10(hi)); p++) ticks.push(Math.pow(10, p));
    return ticks.length >= 2 ? ticks : [lo, hi];
  }
  return [lo, (lo + hi) / 2, hi];
}

function categoricalScale(column: Column, categories: readonly CellValue[]): AxisScale {
  const keys = categories.map(valueKey);
  const n = categories.length;
  const at = (i: number): number => (n <= 1 ? 0.5 : i / (n - 1));
  return {
    column,
    categorical: true,
    log: false,
    domain: [0, 1],
    categories,
    position: (value) => {
      if (value === undefined) return null;
      const i = keys.indexOf(valueKey(value));
      return i < 0 ? null : at(i);
    },
    filterBetween: (t0, t1) => {
      // A category owns the stretch of axis nearer to it than to its neighbours.
      const [low, high] = t0 <= t1 ? [t0, t1] : [t1, t0];
      const half = n <= 1 ? 0.5 : 0.5 / (n - 1);
      return { values: keys.filter((_, i) => at(i) + half > low && at(i) - half < high) };
    },
    ticks: () => categories.map((v, i) => ({ t: at(i), label: valueKey(v) })),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The runs a session's "scalars" link shows: the run it describes with that run's
 * add_scalars sub-runs, the session run and the runs below it (metric groups); as a run
 * filter (an exact-name regex) and the names to switch back on.
 */
export function scalarsLink(session: Session, runs: readonly Run[]): { runFilter: string; runs: string[] } {
  const names = runs
    .filter(
      (r) =>
        r.name === session.run ||
        r.name.startsWith(`${session.run}/`) ||
        (session.parent !== null && (r.name === session.parent || (r.parent === session.parent && r.subRun === "scalars"))),
    )
    .map((r) => r.name)
    .sort();
  if (!names.includes(session.run)) names.push(session.run);
  return { runFilter: `^(?:${names.map(escapeRegex).join("|")})$`, runs: names };
}
