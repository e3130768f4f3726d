// The settings pane's values, kept in localStorage so they survive visits: the defaults of
// the scalar chart settings (smoothing, x axis, ignore outliers; a value in the URL still
// wins, see components/scalar_settings.ts), the card width, the theme, and the tooltip's
// options. Run colours are kept apart (core/colors.ts RunColorStore).
//
//   const settings = appSettings();          // the page's store (window.localStorage)
//   settings.value.theme;                    // "system" | "light" | "dark"
//   settings.update({ cardWidth: 600 });     // saved at once; subscribers are told
//
// What is read back is checked field by field: a malformed or missing field takes its
// default, so an old or hand-edited entry never breaks the page.

import type { SmoothingKind, XAxis } from "../api/client";

export type ThemePreference = "system" | "light" | "dark";
export type TooltipSort = "default" | "value" | "nearest" | "name";

export interface Settings {
  readonly theme: ThemePreference;
  readonly smoothing: number;
  readonly smoothingKind: SmoothingKind;
  readonly xaxis: XAxis;
  readonly ignoreOutliers: boolean;
  /** The least width of a card in the grid, in CSS pixels. */
  readonly cardWidth: number;
  readonly tooltipSort: TooltipSort;
  /** Most rows a chart tooltip shows (0: all). */
  readonly tooltipLimit: number;
  /** Show the time since the run's first point in the tooltip, whatever the x axis. */
  readonly tooltipRelative: boolean;
}

export const SETTINGS_KEY = "trainboard.settings";
export const MIN_CARD_WIDTH = 280;
export const MAX_CARD_WIDTH = 1600;

export const DEFAULT_SETTINGS: Settings = {
  theme: "system",
  smoothing: 0.6,
  smoothingKind: "ema",
  xaxis: "step",
  ignoreOutliers: true,
  cardWidth: 420,
  tooltipSort: "default",
  tooltipLimit: 0,
  tooltipRelative: false,
};

function oneOf<T extends string>(value: unknown, choices: readonly T[], fallback: T): T {
  return typeof value === "string" && (choices as readonly string[]).includes(value) ? (value as T) : fallback;
}

function numberIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function flag(value: unknown, fallback: boolean): boolean {
  return typeof value === "boolean" ? value : fallback;
}

/** `raw` (parsed JSON of any shape) as Settings: each bad or missing field takes its default. */
export function sanitizeSettings(raw: unknown): Settings {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const d = DEFAULT_SETTINGS;
  return {
    theme: oneOf(r.theme, ["system", "light", "dark"], d.theme),
    smoothing: numberIn(r.smoothing, 0, 0.999, d.smoothing),
    smoothingKind: oneOf<SmoothingKind>(r.smoothingKind, ["ema", "time_ema"], d.smoothingKind),
    xaxis: oneOf<XAxis>(r.xaxis, ["step", "relative", "wall"], d.xaxis),
    ignoreOutliers: flag(r.ignoreOutliers, d.ignoreOutliers),
    cardWidth: Math.round(numberIn(r.cardWidth, MIN_CARD_WIDTH, MAX_CARD_WIDTH, d.cardWidth)),
    tooltipSort: oneOf<TooltipSort>(r.tooltipSort, ["default", "value", "nearest", "name"], d.tooltipSort),
    tooltipLimit: Math.round(numberIn(r.tooltipLimit, 0, 1000, d.tooltipLimit)),
    tooltipRelative: flag(r.tooltipRelative, d.tooltipRelative),
  };
}

/** A Storage's JSON entry; unavailable storage (privacy modes) reads as absent and drops writes. */
export class JsonEntry {
  constructor(
    private readonly storage: Storage | null,
    private readonly key: string,
  ) {}

  read(): unknown {
    try {
      const text = this.storage?.getItem(this.key);
      return text ? (JSON.parse(text) as unknown) : null;
    } catch {
      return null;
    }
  }

  write(value: unknown): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(value));
    } catch {
      // Full or forbidden: the setting lasts for this visit only.
    }
  }
}

type Listener = (next: Settings, previous: Settings) => void;

export class SettingsStore {
  private current: Settings;
  private readonly entry: JsonEntry;
  private readonly listeners = new Set<Listener>();

  constructor(storage: Storage | null) {
    this.entry = new JsonEntry(storage, SETTINGS_KEY);
    this.current = sanitizeSettings(this.entry.read());
  }

  get value(): Settings {
    return this.current;
  }

  /** Merges `patch` (checked as on reading), saves it and tells subscribers if it changed. */
  update(patch: Partial<Settings>): void {
    const previous = this.current;
    const next = sanitizeSettings({ ...previous, ...patch });
    if (JSON.stringify(next) === JSON.stringify(previous)) return;
    this.current = next;
    this.entry.write(next);
    for (const listener of this.listeners) listener(next, previous);
  }

  /** Back to the defaults. */
  reset(): void {
    this.update(DEFAULT_SETTINGS);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The page's localStorage, or null where it cannot be used. */
export function pageStorage(): Storage | null {
  try {
    return typeof window !== "undefined" ? window.localStorage : null;
  } catch {
    return null;
  }
}

let shared: SettingsStore | null = null;

/** The page's settings store (window.localStorage), made on first use. */
export function appSettings(): SettingsStore {
  shared ??= new SettingsStore(pageStorage());
  return shared;
}

/** Tests: forget the page's store, so the next appSettings() reads storage again (a reload). */
export function resetAppSettingsForTests(): void {
  shared = null;
}
