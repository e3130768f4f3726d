// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { Run } from "../api/client";
import { RunCapNote, capDrawnRuns, capNoteText } from "./run_cap";

const runs = (n: number): Run[] => Array.from({ length: n }, (_, i) => ({ name: `r${String(i).padStart(5, "0")}` }) as Run);

describe("run cap", () => {
  it("keeps every run up to the cap, then the first ones in list order, and says so", () => {
    const few = runs(5);
    const all = capDrawnRuns(few, new Set(few.map((r) => r.name)), 10);
    expect([...all.drawn]).toEqual(few.map((r) => r.name));
    expect(capNoteText(all)).toBeNull();

    const many = runs(10_000);
    const selected = new Set(many.filter((_, i) => i % 2 === 1).map((r) => r.name));
    const capped = capDrawnRuns(many, selected);
    expect(capped.drawn.size).toBe(100);
    expect(capped.selected).toBe(5000);
    expect([...capped.drawn][0]).toBe("r00001");
    expect([...capped.drawn].at(-1)).toBe("r00199");
    expect(capNoteText(capped)).toBe(
      "Showing the first 100 of 5,000 selected runs in each chart; select fewer in the runs panel (filter, or switch runs off) to choose which.",
    );
    const note = new RunCapNote();
    note.show(capped);
    expect(note.element.hidden).toBe(false);
    expect(note.element.dataset.selected).toBe("5000");
    note.show(all);
    expect(note.element.hidden).toBe(true);
  });
});
