// Pins: what is saved, what a reload restores, what is dropped.

import { describe, expect, it, vi } from "vitest";
import type { CardRef } from "./dashboard";
import type { PinStorage } from "./pins";
import { MAX_PINS, PINS_STORAGE_KEY, PinStore, parsePins } from "./pins";
import { MemoryStorage } from "./storage_test_support";

const loss: CardRef = { dashboard: "scalars", key: "loss", tag: "loss", run: null };
const image: CardRef = { dashboard: "images", key: "run1\u0000samples", tag: "samples", run: "run1" };

describe("PinStore", () => {
  it("pins, unpins and toggles, telling subscribers each time", () => {
    const store = new PinStore(new MemoryStorage());
    const heard = vi.fn();
    store.subscribe(heard);
    expect(store.toggle(loss)).toBe(true);
    expect(store.pin(image)).toBe(true);
    expect(store.pin(image)).toBe(true); // already pinned: no repeat
    expect(store.pins.map((p) => p.key)).toEqual(["loss", "run1\u0000samples"]);
    expect(store.isPinned({ ...loss })).toBe(true);
    expect(store.toggle(loss)).toBe(false);
    expect(store.pins).toEqual([image]);
    expect(heard).toHaveBeenCalledTimes(3);
  });

  it("is restored after a reload, in pin order", () => {
    const storage = new MemoryStorage();
    const first = new PinStore(storage);
    first.pin(image);
    first.pin(loss);
    const reloaded = new PinStore(storage);
    expect(reloaded.pins).toEqual([image, loss]);
    reloaded.unpin(image);
    expect(new PinStore(storage).pins).toEqual([loss]);
    reloaded.clear();
    expect(storage.items.has(PINS_STORAGE_KEY)).toBe(false);
    expect(new PinStore(storage).pins).toEqual([]);
  });

  it("drops what it cannot read: bad JSON, unknown dashboards, malformed entries, repeats", () => {
    expect(parsePins("{not json")).toEqual([]);
    expect(parsePins('{"a": 1}')).toEqual([]);
    const text = JSON.stringify([loss, { ...loss }, { dashboard: "nope", key: "k", tag: "t", run: null }, { dashboard: "images", key: 3 }, image, 7]);
    expect(parsePins(text)).toEqual([loss, image]);
  });

  it("holds at most MAX_PINS", () => {
    const store = new PinStore(new MemoryStorage());
    for (let i = 0; i < MAX_PINS; i++) store.pin({ dashboard: "scalars", key: `t${i}`, tag: `t${i}`, run: null });
    expect(store.pin(loss)).toBe(false);
    expect(store.pins).toHaveLength(MAX_PINS);
  });

  it("works without storage, and when storage throws", () => {
    const store = new PinStore(null);
    expect(store.toggle(loss)).toBe(true);
    const broken: PinStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("full");
      },
      removeItem: () => undefined,
    };
    const other = new PinStore(broken);
    expect(other.pins).toEqual([]);
    expect(other.toggle(loss)).toBe(true);
    expect(other.isPinned(loss)).toBe(true);
  });
});
