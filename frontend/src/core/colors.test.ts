import { describe, expect, it } from "vitest";
import { NO_COLOR_PREFS, PALETTE_SIZE, RUN_COLORS_KEY, RunColorStore, RunColors, assignColorSlots, colorGroup, compileGroupRegex, hashName } from "./colors";
import { MemoryStorage } from "./storage_test_support";

const run = (name: string, startTime: number | null = null) => ({ name, startTime });

describe("run colours", () => {
  it("hashes names the same way everywhere (FNV-1a)", () => {
    expect(hashName("")).toBe(0x811c9dc5);
    expect(hashName("a")).toBe(0xe40c292c);
    expect(hashName("foobar")).toBe(0xbf9cf968);
  });

  it("gives the same colours on every load, whatever the listing order", () => {
    const runs = [run("b", 2), run("a", 1), run("c", 3), run("d", 3)];
    const first = assignColorSlots(runs);
    const again = assignColorSlots([...runs].reverse());
    expect(again).toEqual(first);
  });

  it("keeps the colours of existing runs when a newer run appears", () => {
    const before = assignColorSlots([run("exp1", 1), run("exp2", 2), run("exp3", 3)]);
    const after = assignColorSlots([run("exp1", 1), run("exp2", 2), run("exp3", 3), run("exp0", 4)]);
    for (const [name, slot] of before) expect(after.get(name)).toBe(slot);
  });

  it("uses the ten most distinct colours first", () => {
    const runs = Array.from({ length: 10 }, (_, i) => run(`exp${i}`, i));
    expect([...assignColorSlots(runs).values()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("gives distinct colours while the palette lasts", () => {
    const runs = Array.from({ length: PALETTE_SIZE }, (_, i) => run(`run_${i}`, i));
    expect(new Set(assignColorSlots(runs).values()).size).toBe(PALETTE_SIZE);
  });

  it("colours an unknown run by its name alone, per theme", () => {
    const colors = new RunColors();
    const light = colors.color("x", "light");
    expect(colors.color("x", "light")).toBe(light);
    expect(colors.color("x", "dark")).not.toBe(light);
    expect(light).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe("run colour choices", () => {
  it("groups runs by a regex capture: equal captures share a slot, others keep their own", () => {
    const runs = [run("lr=0.1,seed=1", 1), run("lr=0.1,seed=2", 2), run("lr=0.01,seed=1", 3), run("lr=0.01,seed=2", 4), run("baseline", 5)];
    const slots = assignColorSlots(runs, compileGroupRegex("lr=([^,]+)"));
    expect(slots.get("lr=0.1,seed=1")).toBe(slots.get("lr=0.1,seed=2"));
    expect(slots.get("lr=0.01,seed=1")).toBe(slots.get("lr=0.01,seed=2"));
    expect(slots.get("lr=0.1,seed=1")).not.toBe(slots.get("lr=0.01,seed=1"));
    const distinct = new Set([slots.get("lr=0.1,seed=1"), slots.get("lr=0.01,seed=1"), slots.get("baseline")]);
    expect(distinct.size).toBe(3);
    // Without a capture group the whole match groups; a bad regex groups nothing.
    expect(colorGroup("seed=2/lr", /seed=\d/)).toBe("seed=2");
    expect(compileGroupRegex("(")).toBeNull();
    expect(assignColorSlots(runs, compileGroupRegex("("))).toEqual(assignColorSlots(runs));
  });

  it("draws a picked colour in both themes, and the sub-runs folded into that run", () => {
    const colors = new RunColors();
    const runs = [run("a", 1), run("b", 2), { name: "b/123", startTime: 3, parent: "b", subRun: "hparams" }];
    colors.assign(runs);
    const before = colors.color("a", "light");
    colors.setPrefs({ picked: { b: "#123456" }, groupBy: "" });
    expect(colors.color("b", "light")).toBe("#123456");
    expect(colors.color("b", "dark")).toBe("#123456");
    expect(colors.color("b/123", "dark")).toBe("#123456");
    expect(colors.color("a", "light")).toBe(before);
    expect(colors.picked("a")).toBeNull();
  });

  it("keeps the choices across a reload, dropping malformed ones", () => {
    const store = new MemoryStorage();
    const first = new RunColorStore(store);
    expect(first.value).toEqual(NO_COLOR_PREFS);
    first.save({ picked: { a: "#FF0000", b: "red" }, groupBy: "lr=(\\d+)" });
    const reloaded = new RunColorStore(store);
    expect(reloaded.value).toEqual({ picked: { a: "#ff0000" }, groupBy: "lr=(\\d+)" });
    const colors = new RunColors();
    colors.setPrefs(reloaded.value);
    colors.assign([run("lr=1,a", 1), run("lr=1,b", 2), run("a", 3)]);
    expect(colors.color("a", "light")).toBe("#ff0000");
    expect(colors.color("lr=1,a", "light")).toBe(colors.color("lr=1,b", "light"));
    store.setItem(RUN_COLORS_KEY, "[1,2");
    expect(new RunColorStore(store).value).toEqual(NO_COLOR_PREFS);
  });
});
