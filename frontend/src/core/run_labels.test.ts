import { describe, expect, it } from "vitest";
import type { RunNote } from "./run_labels";
import { RunNotesView, agoText } from "./run_labels";
import { RunColors } from "./colors";

const note = (run: string, fields: Partial<RunNote> = {}): RunNote => ({
  run, displayName: null, color: null, tags: [], note: "", hidden: false, archived: false, trashed: false, revision: 1, updated: 0, ...fields,
});

describe("run labels", () => {
  it("are the display name, a renamed containing run's, or the name", () => {
    const notes = new RunNotesView();
    expect(notes.label("exp/loss_train")).toBe("exp/loss_train");
    notes.set(new Map([
      ["exp", note("exp", { displayName: "baseline" })],
      ["exp/loss_val", note("exp/loss_val", { displayName: "validation" })],
    ]));
    expect(notes.label("exp")).toBe("baseline");
    expect(notes.label("exp/loss_train")).toBe("baseline/loss_train");
    expect(notes.label("exp/loss_val")).toBe("validation");
    expect(notes.label("other")).toBe("other");
    expect(notes.label("expx")).toBe("expx");
    notes.set(new Map());
    expect(notes.label("exp")).toBe("exp");
  });

  it("give a note's colour precedence over a picked one and the palette", () => {
    const notes = new RunNotesView();
    const colors = new RunColors(notes);
    colors.assign([{ name: "a", startTime: 1 }, { name: "b", startTime: 2 }]);
    colors.setPrefs({ picked: { a: "#111111", b: "#222222" }, groupBy: "" });
    notes.set(new Map([["a", note("a", { color: "#abcdef" })]]));
    expect(colors.color("a", "light")).toBe("#abcdef");
    expect(colors.color("a", "dark")).toBe("#abcdef");
    expect(colors.color("b", "light")).toBe("#222222");
    expect(colors.noteColor("b")).toBeNull();
  });

  it("say how long ago", () => {
    expect(agoText(100, 130)).toBe("30 s ago");
    expect(agoText(0, 120)).toBe("2 min ago");
    expect(agoText(0, 7200)).toBe("2 h ago");
    expect(agoText(0, 86400)).toBe("1 day ago");
    expect(agoText(200, 100)).toBe("0 s ago");
  });
});
