import { describe, expect, it } from "vitest";
import { PALETTE_SIZE, RunColors, assignColorSlots, hashName } from "./colors";

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
