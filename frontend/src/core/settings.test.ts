import { describe, expect, it } from "vitest";
import { DEFAULT_SMOOTHING, MAX_SMOOTHING } from "../charts/smoothing";
import { DEFAULT_SETTINGS, SETTINGS_KEY, SettingsStore, sanitizeSettings } from "./settings";
import { MemoryStorage } from "./storage_test_support";

describe("settings pane store", () => {
  it("starts at the built-in defaults, which match the charts'", () => {
    const store = new SettingsStore(new MemoryStorage());
    expect(store.value).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.smoothing).toBe(DEFAULT_SMOOTHING);
    expect(sanitizeSettings({ smoothing: 5 }).smoothing).toBe(MAX_SMOOTHING);
  });

  it("keeps what was set across a reload (a new store over the same storage)", () => {
    const storage = new MemoryStorage();
    const store = new SettingsStore(storage);
    store.update({ theme: "dark", smoothing: 0.9, xaxis: "wall", ignoreOutliers: false, cardWidth: 640 });
    store.update({ tooltipSort: "nearest", tooltipLimit: 5, tooltipRelative: true, smoothingKind: "time_ema" });
    const reloaded = new SettingsStore(storage);
    expect(reloaded.value).toEqual({
      theme: "dark",
      smoothing: 0.9,
      smoothingKind: "time_ema",
      xaxis: "wall",
      ignoreOutliers: false,
      cardWidth: 640,
      tooltipSort: "nearest",
      tooltipLimit: 5,
      tooltipRelative: true,
    });
    reloaded.reset();
    expect(new SettingsStore(storage).value).toEqual(DEFAULT_SETTINGS);
  });

  it("reads a malformed or foreign entry field by field, never failing", () => {
    const storage = new MemoryStorage();
    storage.setItem(SETTINGS_KEY, "{not json");
    expect(new SettingsStore(storage).value).toEqual(DEFAULT_SETTINGS);
    storage.setItem(SETTINGS_KEY, JSON.stringify({ theme: "purple", smoothing: "0.9", xaxis: "relative", cardWidth: 10, tooltipLimit: -3, extra: 1 }));
    const value = new SettingsStore(storage).value;
    expect(value.theme).toBe("system");
    expect(value.smoothing).toBe(DEFAULT_SETTINGS.smoothing);
    expect(value.xaxis).toBe("relative");
    expect(value.cardWidth).toBe(280);
    expect(value.tooltipLimit).toBe(0);
    expect(value).not.toHaveProperty("extra");
  });

  it("tells subscribers of changes only, with the previous value", () => {
    const store = new SettingsStore(new MemoryStorage());
    const seen: [number, number][] = [];
    store.subscribe((next, previous) => seen.push([next.smoothing, previous.smoothing]));
    store.update({ smoothing: 0.6 });
    store.update({ smoothing: 0.8 });
    expect(seen).toEqual([[0.8, 0.6]]);
  });

  it("works without storage (privacy modes): the settings last for the visit", () => {
    const store = new SettingsStore(null);
    store.update({ theme: "light" });
    expect(store.value.theme).toBe("light");
    const throwing: Storage = Object.assign(new MemoryStorage(), { setItem: () => { throw new Error("quota"); }, getItem: () => { throw new Error("denied"); } });
    const guarded = new SettingsStore(throwing);
    guarded.update({ cardWidth: 500 });
    expect(guarded.value.cardWidth).toBe(500);
  });
});
