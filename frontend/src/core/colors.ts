// Run colours that survive reloads and new runs.
//
// Each run starts at the palette slot its name hashes to and, if an earlier run holds that
// slot, takes the next free one. The first ten slots are the most distinct colours (Tableau
// 10) and fill up before the second ten (darker variants) are used. Runs are placed in order
// of start time (then name), so a run that appears later never takes the colour of one already
// shown, and the same logdir always gets the same colours. Once every slot is taken, colours
// repeat by hash.

import type { Theme } from "./theme";

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

/** Palette slot per run name (runs drawn in another run's colour share its slot). */
export function assignColorSlots(runs: readonly ColorableRun[]): Map<string, number> {
  const byName = new Map(runs.map((run) => [run.name, run]));
  const sharing = runs.filter((run) => colorSource(run, byName) !== run.name);
  const slots = ownColorSlots(runs.filter((run) => colorSource(run, byName) === run.name));
  for (const run of sharing) slots.set(run.name, slots.get(colorSource(run, byName)) as number);
  return slots;
}

function ownColorSlots(runs: readonly ColorableRun[]): Map<string, number> {
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
    slots.set(run.name, slot);
  }
  return slots;
}

export function slotColor(slot: number, theme: Theme): string {
  const palette = theme === "dark" ? DARK : LIGHT;
  return palette[((slot % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE] as string;
}

/** Colours for a set of runs; a run missing from `slots` gets its hash slot. */
export class RunColors {
  private slots = new Map<string, number>();

  assign(runs: readonly ColorableRun[]): void {
    this.slots = assignColorSlots(runs);
  }

  color(run: string, theme: Theme): string {
    return slotColor(this.slots.get(run) ?? hashName(run) % PALETTE_SIZE, theme);
  }
}
