// Run colours that survive reloads and new runs.
//
// Each run starts at the palette slot its name hashes to and, if an earlier run holds that
// slot, takes the next free one. The first ten slots are the most distinct colours (Tableau
// 10) and fill up before the second ten (darker variants) are used. Runs are placed in order
// of start time (then name), so a run that appears later never takes the colour of one already
// shown, and the same logdir always gets the same colours. Once every slot is taken, colours
// repeat by hash.
//
// Two choices of the user change that (RunColorStore keeps them in localStorage): a colour
// picked for a run (the same in both themes), and a regex whose match groups runs: runs whose
// first capture group (the whole match when the regex has none) is equal share one slot,
// placed as a run named by that text would be; runs it does not match keep their own.
//
// A colour in the run's notes (core/run_labels.ts, kept in the logdir) wins over both:
// RunColors.color is the one place that decides.

import type { RunNotesView } from "./run_labels";
import { RUN_NOTES } from "./run_labels";
import type { Theme } from "./theme";
import { JsonEntry } from "./settings";

const TIER = 10;
const LIGHT = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  "#0b3d6e", "#a34f00", "#145214", "#8a1414", "#4b2d73", "#4e2e26", "#9c2f78", "#3d3d3d", "#6b6b12", "#0b6b78",
];
const DARK = [
  "#5aa9e6", "#ffa04d", "#5cd65c", "#ff6b6b", "#b794e0", "#c89a8e", "#f4a6d8", "#b0b0b0", "#dede55", "#4ddbe8",
  "#a6cdf0", "#ffcc99", "#a3e8a3", "#ffadad", "#dac8f0", "#e6cfc8", "#f9d2eb", "#dddddd", "#eeee99", "#a6eef5",
];

export const PALETTE_SIZE = LIGHT.length;

/** FNV-1a: a stable 32-bit hash of a string. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface ColorableRun {
  readonly name: string;
  readonly startTime: number | null;
  /** For a sub-run (add_scalars, add_hparams): the run it belongs to. */
  readonly parent?: string | null;
  readonly subRun?: string | null;
  readonly kinds?: ReadonlySet<string>;
}

/**
 * The run whose colour `run` is drawn in. An add_hparams sub-run is shown as part of the run
 * it describes, in that run's colour (the runs panel folds it into that run's row), when the
 * parent is a run holding no hparams data itself; a parent that does (TensorFlow's
 * hparams_config writes the experiment there) holds sessions that are runs of their own.
 */
export function colorSource(run: ColorableRun, byName: ReadonlyMap<string, ColorableRun>): string {
  if (run.subRun !== "hparams" || !run.parent) return run.name;
  const parent = byName.get(run.parent);
  return parent && !parent.kinds?.has("hparams") ? parent.name : run.name;
}

/**
 * The text grouping `name` under the regex `groupBy` (its first capture group, or the whole
 * match without groups), or null when the regex does not match.
 */
export function colorGroup(name: string, groupBy: RegExp | null): string | null {
  if (!groupBy) return null;
  const match = groupBy.exec(name);
  if (!match) return null;
  return match.length > 1 ? (match[1] ?? "") : match[0];
}

/** The grouping regex of `text` ("" or a malformed one: null; case-sensitive, as run names are). */
export function compileGroupRegex(text: string): RegExp | null {
  if (!text) return null;
  try {
    return new RegExp(text);
  } catch {
    return null;
  }
}

/**
 * Palette slot per run name (runs drawn in another run's colour share its slot; with
 * `groupBy`, the runs of one colour group share the group's slot).
 */
export function assignColorSlots(runs: readonly ColorableRun[], groupBy: RegExp | null = null): Map<string, number> {
  const byName = new Map(runs.map((run) => [run.name, run]));
  const own = runs.filter((run) => colorSource(run, byName) === run.name);
  // What takes a slot: a group ("\u0001" + its text, apart from run names) or a run.
  const identity = new Map<string, string>();
  const holders = new Map<string, { name: string; startTime: number | null }>();
  for (const run of own) {
    const group = colorGroup(run.name, groupBy);
    const id = group === null ? run.name : `\u0001${group}`;
    identity.set(run.name, id);
    const holder = holders.get(id);
    const start = run.startTime ?? Infinity;
    if (!holder) holders.set(id, { name: group ?? run.name, startTime: run.startTime });
    else if (start < (holder.startTime ?? Infinity)) holder.startTime = run.startTime;
  }
  const byId = ownColorSlots([...holders.entries()].map(([id, holder]) => ({ ...holder, id })));
  const slots = new Map<string, number>();
  for (const run of own) slots.set(run.name, byId.get(identity.get(run.name) as string) as number);
  for (const run of runs) {
    if (!slots.has(run.name)) slots.set(run.name, slots.get(colorSource(run, byName)) as number);
  }
  return slots;
}

/** Slots of `holders` by id, placed by name (hash) in order of start time, then name. */
function ownColorSlots(runs: readonly { id: string; name: string; startTime: number | null }[]): Map<string, number> {
  const ordered = [...runs].sort((a, b) => {
    const ta = a.startTime ?? Infinity;
    const tb = b.startTime ?? Infinity;
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const taken = new Set<number>();
  const slots = new Map<string, number>();
  for (const run of ordered) {
    const hash = hashName(run.name);
    let slot = hash % PALETTE_SIZE;
    if (taken.size < PALETTE_SIZE) {
      // Probe within the first tier while it has room, then within the second.
      const base = taken.size < TIER ? 0 : TIER;
      slot = base + (hash % TIER);
      while (taken.has(slot)) slot = base + ((slot - base + 1) % TIER);
      taken.add(slot);
    }
    slots.set(run.id, slot);
  }
  return slots;
}

export function slotColor(slot: number, theme: Theme): string {
  const palette = theme === "dark" ? DARK : LIGHT;
  return palette[((slot % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE] as string;
}

/** What the user chose: colours picked per run (#rrggbb), and the grouping regex ("" for none). */
export interface RunColorPrefs {
  readonly picked: Readonly<Record<string, string>>;
  readonly groupBy: string;
}

export const NO_COLOR_PREFS: RunColorPrefs = { picked: {}, groupBy: "" };
export const RUN_COLORS_KEY = "trainboard.runColors";
const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/** `raw` (parsed JSON of any shape) as RunColorPrefs, dropping what is malformed. */
export function sanitizeColorPrefs(raw: unknown): RunColorPrefs {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const picked: Record<string, string> = {};
  if (typeof r.picked === "object" && r.picked !== null) {
    for (const [run, color] of Object.entries(r.picked as Record<string, unknown>)) {
      if (typeof color === "string" && HEX_COLOR.test(color)) picked[run] = color.toLowerCase();
    }
  }
  return { picked, groupBy: typeof r.groupBy === "string" ? r.groupBy : "" };
}

/** The run colour choices, kept in localStorage (`storage`). */
export class RunColorStore {
  private current: RunColorPrefs;
  private readonly entry: JsonEntry;

  constructor(storage: Storage | null) {
    this.entry = new JsonEntry(storage, RUN_COLORS_KEY);
    this.current = sanitizeColorPrefs(this.entry.read());
  }

  get value(): RunColorPrefs {
    return this.current;
  }

  /** Saves `prefs` (checked as on reading) and gives what was saved. */
  save(prefs: RunColorPrefs): RunColorPrefs {
    this.current = sanitizeColorPrefs(prefs);
    this.entry.write(this.current);
    return this.current;
  }
}

/** Colours for a set of runs; a run missing from `slots` gets its hash slot. */
export class RunColors {
  /** The notes whose colours win (the page's, unless a test gives its own). */
  private readonly notes: RunNotesView;
  private slots = new Map<string, number>();
  private runs: readonly ColorableRun[] = [];
  /** Run -> the run whose colour it is drawn in (hparams sub-runs). */
  private sources = new Map<string, string>();
  private prefs: RunColorPrefs = NO_COLOR_PREFS;

  constructor(notes: RunNotesView = RUN_NOTES) {
    this.notes = notes;
  }

  assign(runs: readonly ColorableRun[]): void {
    this.runs = runs;
    const byName = new Map(runs.map((run) => [run.name, run]));
    this.sources = new Map(runs.map((run) => [run.name, colorSource(run, byName)]));
    this.slots = assignColorSlots(runs, compileGroupRegex(this.prefs.groupBy));
  }

  /** The user's choices: picked colours win over slots; the regex regroups the slots. */
  setPrefs(prefs: RunColorPrefs): void {
    this.prefs = prefs;
    this.assign(this.runs);
  }

  get preferences(): RunColorPrefs {
    return this.prefs;
  }

  /** The colour picked for `run` (or the run it is drawn as part of), or null. */
  picked(run: string): string | null {
    return this.prefs.picked[run] ?? this.prefs.picked[this.sources.get(run) ?? run] ?? null;
  }

  /** The colour in the notes of `run` (or of the run it is drawn as part of), or null. */
  noteColor(run: string): string | null {
    return this.notes.note(run)?.color ?? this.notes.note(this.sources.get(run) ?? run)?.color ?? null;
  }

  /** The run's colour: its note's, else the one picked, else its palette slot's. */
  color(run: string, theme: Theme): string {
    return this.noteColor(run) ?? this.picked(run) ?? slotColor(this.slots.get(run) ?? hashName(run) % PALETTE_SIZE, theme);
  }
}
