// The metadata of the embedding shown, and the choices made on it: which column colours the
// points, which labels them, and what the search matches. Pure state (no DOM), so the
// dashboard only forwards it to the controls and the scene.

import type { Metadata } from "./api";
import type { ColorScheme } from "./columns";
import { colorScheme, pointColors } from "./columns";
import { searchPoints } from "./model";

export interface Column {
  readonly name: string;
  readonly values: readonly string[];
  readonly scheme: ColorScheme;
}

export class PointLabels {
  metadata: Metadata | null = null;
  columns: Column[] = [];
  colorBy: string | null;
  labelBy: string | null;
  searchColumn: string | null = null;
  searchQuery = "";
  matches: number[] = [];
  searchError: string | null = null;
  /** Whether the URL named the colour column (possibly "": none), so no default is picked. */
  private readonly colorChosen: boolean;

  constructor(colorBy: string | null, labelBy: string | null) {
    this.colorBy = colorBy;
    this.colorChosen = colorBy !== null;
    this.labelBy = labelBy;
  }

  clear(): void {
    this.metadata = null;
    this.columns = [];
  }

  /**
   * New metadata: keeps the chosen columns where they exist; otherwise colours by the first
   * categorical column and labels (and searches) by the first column.
   */
  set(metadata: Metadata): void {
    this.metadata = metadata;
    this.columns = metadata.columns.map((c) => ({ name: c.name, values: c.values, scheme: colorScheme(c) }));
    const names = this.columns.map((c) => c.name);
    const usable = this.columns.filter((c) => c.scheme.kind === "categorical" || c.scheme.kind === "gradient");
    if (this.colorBy !== null && !usable.some((c) => c.name === this.colorBy)) this.colorBy = null;
    if (this.colorBy === null && !this.colorChosen) this.colorBy = usable.find((c) => c.scheme.kind === "categorical")?.name ?? null;
    if (this.labelBy === null || !names.includes(this.labelBy)) this.labelBy = names[0] ?? null;
    if (this.searchColumn === null || !names.includes(this.searchColumn)) this.searchColumn = this.labelBy;
  }

  scheme(): ColorScheme {
    return this.columns.find((c) => c.name === this.colorBy)?.scheme ?? { kind: "none" };
  }

  values(name: string | null): readonly string[] | null {
    return this.columns.find((c) => c.name === name)?.values ?? null;
  }

  /** Point `index`'s label in the label column, else `#index`. */
  label(index: number): string {
    const value = this.values(this.labelBy)?.[index];
    return value === undefined || value === "" ? `#${index}` : value;
  }

  labels(): readonly string[] | null {
    return this.values(this.labelBy);
  }

  colors(count: number): Uint8Array {
    return pointColors(this.scheme(), this.values(this.colorBy), count);
  }

  fields(index: number): { name: string; value: string }[] {
    return this.columns.map((c) => ({ name: c.name, value: c.values[index] ?? "" }));
  }

  /** Runs the search (over point indices when there is no metadata). */
  search(count: number): void {
    const values = this.values(this.searchColumn) ?? Array.from({ length: count }, (_, i) => String(i));
    const found = searchPoints(values, this.searchQuery);
    this.matches = found.matches;
    this.searchError = found.error;
  }

  /** The matches to highlight, or null when there is no (valid) search. */
  highlighted(): ReadonlySet<number> | null {
    return this.searchQuery !== "" && this.searchError === null ? new Set(this.matches) : null;
  }
}
