// The runs table's model: columns and rows from GET /api/runs/table, sorting (numbers as
// numbers, strings naturally, missing values last in either direction), per-column filters
// parsed from text, and the table's view state (metric tags, column choices, filters, sort).
//
// Filter syntax (one text per column):
//   number columns   "0.001..0.1" (inclusive; either end may be left out: "..5", "3.."),
//                    ">3", ">=3", "<2", "<=2", "=0.5" or "0.5" (equal), "0.1|0.01" (one of)
//   other columns    "=adam|sgd" (exactly one of these values, as shown), else a regular
//                    expression (case-insensitive) the shown value must match
// A filter that does not parse filters nothing and says why (FilterSpec.error).

import type { WireRunsTable } from "../../api/wire_types";

export type ValueType = "number" | "string" | "bool";
export type Cell = number | string | boolean | null;
export type ColumnGroup = "run" | "hparam" | "env" | "metric";
export type MetricStat = "last" | "min" | "max" | "step";

export const NAME_COLUMN = "name";
/** The tags of the runs' notes (comma-separated), a column when some run has any. */
export const TAGS_COLUMN = "tags";
export const METRIC_STATS: readonly MetricStat[] = ["last", "min", "max", "step"];
/** Environment columns shown until the user chooses otherwise; the rest wait in the chooser. */
export const DEFAULT_ENV_COLUMNS: ReadonlySet<string> = new Set(["git_commit", "git_dirty", "host", "torch"]);

export interface Column {
  /** "name", "tags", "hp:<name>", "env:<key>" or "m:<stat>:<tag>". */
  readonly id: string;
  readonly group: ColumnGroup;
  readonly label: string;
  readonly type: ValueType;
  /** Metric columns: the scalar tag and which summary. */
  readonly tag?: string;
  readonly stat?: MetricStat;
}

export interface Row {
  readonly run: string;
  /** The display name from the run's note, else the run's name. */
  readonly name: string;
  /** add_hparams sub-runs folded into this row: selected with it. */
  readonly members: readonly string[];
  readonly cells: ReadonlyMap<string, Cell>;
}

export interface TableData {
  /** Every column the answer has (hparams, environment, the asked metrics), name first. */
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** Scalar tags one may add as metric columns. */
  readonly scalarTags: readonly string[];
}

export function hparamId(name: string): string {
  return `hp:${name}`;
}
export function envId(key: string): string {
  return `env:${key}`;
}
export function metricId(stat: MetricStat, tag: string): string {
  return `m:${stat}:${tag}`;
}

/** A wire number (non-finite as "NaN"/"Infinity"/"-Infinity") as a number. */
export function wireNumber(value: number | string): number {
  if (typeof value === "number") return value;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  return NaN;
}

function wireCell(value: number | string | boolean | null | undefined, type: ValueType): Cell {
  if (value === null || value === undefined) return null;
  if (type === "number" && typeof value === "string") return wireNumber(value);
  return value;
}

/**
 * The wire answer as columns and rows. `label` is what the page calls a run (core/run_labels.ts
 * runLabel); where it gives the run's own name, the display name the server read is used.
 */
export function tableData(wire: WireRunsTable, label: (run: string) => string = (run) => run): TableData {
  const columns: Column[] = [{ id: NAME_COLUMN, group: "run", label: "Run", type: "string" }];
  const tagged = wire.rows.some((row) => row.tags.length > 0);
  if (tagged) columns.push({ id: TAGS_COLUMN, group: "run", label: "Tags", type: "string" });
  for (const hp of wire.hparams) {
    columns.push({ id: hparamId(hp.name), group: "hparam", label: hp.display_name || hp.name, type: hp.type });
  }
  for (const env of wire.environment) columns.push({ id: envId(env.name), group: "env", label: env.name, type: env.type });
  for (const tag of wire.metrics) {
    for (const stat of METRIC_STATS) {
      columns.push({ id: metricId(stat, tag), group: "metric", label: `${tag} (${stat === "step" ? "last step" : stat})`, type: "number", tag, stat });
    }
  }
  const rows = wire.rows.map((row): Row => {
    const cells = new Map<string, Cell>();
    const labelled = label(row.run);
    const name = labelled !== row.run ? labelled : (row.display_name ?? row.run);
    cells.set(NAME_COLUMN, name);
    if (tagged) cells.set(TAGS_COLUMN, row.tags.length ? row.tags.join(", ") : null);
    for (const hp of wire.hparams) cells.set(hparamId(hp.name), wireCell(row.hparams[hp.name], hp.type));
    for (const env of wire.environment) cells.set(envId(env.name), wireCell(row.environment[env.name], env.type));
    wire.metrics.forEach((tag, index) => {
      const summary = row.metrics[index] ?? null;
      cells.set(metricId("last", tag), summary ? wireNumber(summary.last) : null);
      cells.set(metricId("min", tag), summary ? wireNumber(summary.min) : null);
      cells.set(metricId("max", tag), summary ? wireNumber(summary.max) : null);
      cells.set(metricId("step", tag), summary ? summary.last_step : null);
    });
    return { run: row.run, name, members: row.members, cells };
  });
  return { columns, rows, scalarTags: wire.scalar_tags };
}

/** A cell as the table shows it (and as value filters and regexes see it). */
export function formatCell(value: Cell, column?: Pick<Column, "group" | "stat">): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return value;
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (column?.group === "metric" && column.stat !== "step" && !Number.isInteger(value)) {
    return String(Number(value.toPrecision(6)));
  }
  if (column?.group === "env" && Number.isInteger(value)) return String(value);
  return String(value);
}

// -- sorting ----------------------------------------------------------------------------

export interface SortOrder {
  readonly column: string;
  readonly descending: boolean;
}

export const DEFAULT_SORT: SortOrder = { column: NAME_COLUMN, descending: false };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Orders two present values of a column: numbers numerically (NaN after every number), else naturally. */
export function compareCells(a: Exclude<Cell, null>, b: Exclude<Cell, null>): number {
  if (typeof a === "number" && typeof b === "number") {
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  return collator.compare(formatCell(a), formatCell(b));
}

/** The rows sorted by a column; missing values last in either direction, ties by run name. */
export function sortRows(rows: readonly Row[], order: SortOrder): Row[] {
  const sign = order.descending ? -1 : 1;
  const byRun = (a: Row, b: Row): number => (a.run < b.run ? -1 : a.run > b.run ? 1 : 0);
  return [...rows].sort((a, b) => {
    const x = a.cells.get(order.column) ?? null;
    const y = b.cells.get(order.column) ?? null;
    if (x === null || y === null) return x === y ? byRun(a, b) : x === null ? 1 : -1;
    return sign * compareCells(x, y) || byRun(a, b);
  });
}

// -- filters ----------------------------------------------------------------------------

export type Predicate = (value: Cell, shown: string) => boolean;

export interface FilterSpec {
  /** null when the text filters nothing (empty, or an error). */
  readonly test: Predicate | null;
  readonly error: string | null;
}

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|inf(?:inity)?|nan)`;
const RANGE = new RegExp(`^(${NUMBER})?\\s*\\.\\.\\s*(${NUMBER})?$`, "i");
const COMPARE = new RegExp(`^(>=|<=|>|<|=)?\\s*(${NUMBER})$`, "i");

function parseNumber(text: string): number {
  const lower = text.toLowerCase().replace(/^\+/, "");
  if (lower === "nan") return NaN;
  if (/^-?inf(inity)?$/.test(lower)) return lower.startsWith("-") ? -Infinity : Infinity;
  return Number(lower);
}

function numberFilter(text: string): FilterSpec {
  const range = RANGE.exec(text);
  if (range && (range[1] !== undefined || range[2] !== undefined)) {
    const low = range[1] === undefined ? -Infinity : parseNumber(range[1]);
    const high = range[2] === undefined ? Infinity : parseNumber(range[2]);
    if (Number.isNaN(low) || Number.isNaN(high)) return { test: null, error: `NaN cannot bound a range: ${text}` };
    if (low > high) return { test: null, error: `empty range: ${text}` };
    return { test: (v) => typeof v === "number" && v >= low && v <= high, error: null };
  }
  const parts = text.split("|").map((p) => p.trim());
  if (parts.length > 1) {
    if (parts.some((p) => !COMPARE.test(p) || /^[<>]/.test(p))) return { test: null, error: `not a list of numbers: ${text}` };
    const values = parts.map((p) => parseNumber(p.replace(/^=\s*/, "")));
    return { test: (v) => typeof v === "number" && values.some((x) => x === v || (Number.isNaN(x) && Number.isNaN(v))), error: null };
  }
  const compare = COMPARE.exec(text);
  if (!compare) return { test: null, error: `not a number filter (try 0.001..0.1, >3, <=2, =0.5): ${text}` };
  const op = compare[1] ?? "=";
  const x = parseNumber(compare[2] as string);
  const tests: Record<string, (v: number) => boolean> = {
    ">": (v) => v > x,
    ">=": (v) => v >= x,
    "<": (v) => v < x,
    "<=": (v) => v <= x,
    "=": (v) => v === x || (Number.isNaN(x) && Number.isNaN(v)),
  };
  const test = tests[op] as (v: number) => boolean;
  return { test: (v) => typeof v === "number" && test(v), error: null };
}

/** The values of a value-list filter ("=a|b"), or null when the text is not one. */
export function filterValues(text: string): string[] | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("=")) return null;
  return trimmed
    .slice(1)
    .split("|")
    .map((v) => v.trim());
}

/** A value-list filter's text for `values`. */
export function valuesFilter(values: readonly string[]): string {
  return values.length ? `=${values.join("|")}` : "";
}

/** Parses one column's filter text (see the file's header for the syntax). */
export function parseFilter(text: string, type: ValueType): FilterSpec {
  const trimmed = text.trim();
  if (!trimmed) return { test: null, error: null };
  if (type === "number") return numberFilter(trimmed);
  const values = filterValues(trimmed);
  if (values !== null) {
    const wanted = new Set(values);
    return { test: (_v, shown) => wanted.has(shown), error: null };
  }
  try {
    const regex = new RegExp(trimmed, "i");
    return { test: (_v, shown) => regex.test(shown), error: null };
  } catch (err) {
    return { test: null, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The rows passing every filter (`filters`: column id -> text); a missing value passes none. */
export function filterRows(rows: readonly Row[], columns: readonly Column[], filters: Readonly<Record<string, string>>): Row[] {
  const active: { id: string; column: Column; test: Predicate }[] = [];
  for (const column of columns) {
    const text = filters[column.id];
    if (text === undefined) continue;
    const { test } = parseFilter(text, column.type);
    if (test) active.push({ id: column.id, column, test });
  }
  if (active.length === 0) return [...rows];
  return rows.filter((row) =>
    active.every(({ id, column, test }) => {
      const value = row.cells.get(id) ?? null;
      return value !== null && test(value, formatCell(value, column));
    }),
  );
}

/** The distinct shown values of a column, sorted (for a value-list filter), or null past `limit`. */
export function distinctValues(rows: readonly Row[], column: Column, limit = 50): string[] | null {
  const seen = new Map<string, Exclude<Cell, null>>();
  for (const row of rows) {
    const value = row.cells.get(column.id) ?? null;
    if (value === null) continue;
    seen.set(formatCell(value, column), value);
    if (seen.size > limit) return null;
  }
  return [...seen.entries()].sort((a, b) => compareCells(a[1], b[1])).map(([shown]) => shown);
}

// -- view state -------------------------------------------------------------------------

export interface ViewState {
  /** Scalar tags shown as metric columns, in the order added. */
  readonly metrics: readonly string[];
  /** Columns the user hid that show by default. */
  readonly hide: readonly string[];
  /** Columns the user showed that are hidden by default. */
  readonly show: readonly string[];
  /** Column id -> filter text. */
  readonly filters: Readonly<Record<string, string>>;
  readonly sort: SortOrder;
}

export const DEFAULT_VIEW: ViewState = { metrics: [], hide: [], show: [], filters: {}, sort: DEFAULT_SORT };

/** Whether a column shows before the user chose: all but most environment keys and last steps. */
export function shownByDefault(column: Pick<Column, "id" | "group" | "stat">): boolean {
  if (column.group === "env") return DEFAULT_ENV_COLUMNS.has(column.id.slice("env:".length));
  if (column.group === "metric") return column.stat !== "step";
  return true;
}

export function isVisible(column: Column, view: ViewState): boolean {
  if (column.id === NAME_COLUMN) return true;
  if (view.show.includes(column.id)) return true;
  return shownByDefault(column) && !view.hide.includes(column.id);
}

/** `view` with a column shown or hidden (kept minimal: only departures from the default). */
export function withColumnVisible(view: ViewState, column: Column, visible: boolean): ViewState {
  const hide = view.hide.filter((id) => id !== column.id);
  const show = view.show.filter((id) => id !== column.id);
  const byDefault = shownByDefault(column);
  if (visible && !byDefault) show.push(column.id);
  if (!visible && byDefault) hide.push(column.id);
  return { ...view, hide, show };
}

/** `view` with a metric tag added (at the end) or removed (with its filters and choices). */
export function withMetric(view: ViewState, tag: string, present: boolean): ViewState {
  if (present) return view.metrics.includes(tag) ? view : { ...view, metrics: [...view.metrics, tag] };
  const ids = new Set(METRIC_STATS.map((stat) => metricId(stat, tag)));
  const filters = Object.fromEntries(Object.entries(view.filters).filter(([id]) => !ids.has(id)));
  return {
    metrics: view.metrics.filter((t) => t !== tag),
    hide: view.hide.filter((id) => !ids.has(id)),
    show: view.show.filter((id) => !ids.has(id)),
    filters,
    sort: ids.has(view.sort.column) ? DEFAULT_SORT : view.sort,
  };
}

/** The URL parameters of the view state; defaults are left out (null). */
export const PARAMS = {
  metrics: "rt_metrics",
  hide: "rt_hide",
  show: "rt_show",
  filters: "rt_filter",
  sort: "rt_sort",
} as const;

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : null;
}

function filterRecord(value: unknown): Record<string, string> | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, v]) => typeof v === "string") ? (Object.fromEntries(entries) as Record<string, string>) : null;
}

function sortOrder(value: unknown): SortOrder | null {
  if (typeof value !== "string" || !value) return null;
  return value.startsWith("-") ? { column: value.slice(1), descending: true } : { column: value, descending: false };
}

function parseJson(text: string | undefined | null): unknown {
  if (text === undefined || text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Each field's URL text ("rt_*"), null for a default field. */
export function viewParams(view: ViewState): Record<string, string | null> {
  const sort = view.sort.column === NAME_COLUMN && !view.sort.descending ? null : `${view.sort.descending ? "-" : ""}${view.sort.column}`;
  const nonEmpty = Object.entries(view.filters).filter(([, text]) => text.trim() !== "");
  return {
    [PARAMS.metrics]: view.metrics.length ? JSON.stringify(view.metrics) : null,
    [PARAMS.hide]: view.hide.length ? JSON.stringify(view.hide) : null,
    [PARAMS.show]: view.show.length ? JSON.stringify(view.show) : null,
    [PARAMS.filters]: nonEmpty.length ? JSON.stringify(Object.fromEntries(nonEmpty)) : null,
    [PARAMS.sort]: sort,
  };
}

/**
 * The view state from the URL parameters, each field missing there taken from `stored` (the
 * view kept in localStorage): the URL wins, field by field. Malformed fields take the default.
 */
export function readView(params: Readonly<Record<string, string>>, stored: unknown): ViewState {
  const saved = typeof stored === "object" && stored !== null ? (stored as Record<string, unknown>) : {};
  const pick = <T>(name: string, key: string, parse: (value: unknown) => T | null, fallback: T): T => {
    const text = params[name];
    if (text !== undefined) return (name === PARAMS.sort ? parse(text) : parse(parseJson(text))) ?? fallback;
    return parse(saved[key]) ?? fallback;
  };
  return {
    metrics: pick(PARAMS.metrics, "metrics", stringList, DEFAULT_VIEW.metrics),
    hide: pick(PARAMS.hide, "hide", stringList, DEFAULT_VIEW.hide),
    show: pick(PARAMS.show, "show", stringList, DEFAULT_VIEW.show),
    filters: pick(PARAMS.filters, "filters", filterRecord, DEFAULT_VIEW.filters),
    sort: pick(PARAMS.sort, "sort", (v) => (typeof v === "string" ? sortOrder(v) : storedSort(v)), DEFAULT_VIEW.sort),
  };
}

function storedSort(value: unknown): SortOrder | null {
  if (typeof value !== "object" || value === null) return null;
  const { column, descending } = value as Record<string, unknown>;
  return typeof column === "string" && typeof descending === "boolean" ? { column, descending } : null;
}

/** The sort after a click on a column's header: ascending first, then flipping. */
export function nextSort(order: SortOrder, column: string): SortOrder {
  return order.column === column ? { column, descending: !order.descending } : { column, descending: false };
}
