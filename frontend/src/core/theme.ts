// Light and dark themes: chosen in the settings pane (light, dark, or following the OS's
// prefers-color-scheme, the default). The theme is set as data-theme on <html> for the CSS
// (and data-theme-preference, what was chosen); charts read their colours from chartPalette().

import type { ThemePreference } from "./settings";

export type Theme = "light" | "dark";

export interface ChartPalette {
  readonly axis: string;
  readonly grid: string;
  readonly text: string;
}

const PALETTES: Record<Theme, ChartPalette> = {
  light: { axis: "#5f6368", grid: "rgba(0, 0, 0, 0.08)", text: "#202124" },
  dark: { axis: "#9aa0a6", grid: "rgba(255, 255, 255, 0.10)", text: "#e8eaed" },
};

export function chartPalette(theme: Theme): ChartPalette {
  return PALETTES[theme];
}

/** The theme shown for `preference` when the OS prefers dark (`systemDark`) or not. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): Theme {
  if (preference === "system") return systemDark ? "dark" : "light";
  return preference;
}

type Listener = (theme: Theme) => void;

export class ThemeWatcher {
  private current: Theme;
  private preference: ThemePreference;
  private systemDark: boolean;
  private readonly doc: Document;
  private readonly listeners = new Set<Listener>();

  constructor(win: Window = window, preference: ThemePreference = "system") {
    this.doc = win.document;
    const query = typeof win.matchMedia === "function" ? win.matchMedia("(prefers-color-scheme: dark)") : null;
    this.systemDark = query?.matches ?? false;
    this.preference = preference;
    this.current = resolveTheme(preference, this.systemDark);
    this.apply();
    query?.addEventListener("change", (event) => {
      this.systemDark = event.matches;
      this.refresh();
    });
  }

  get theme(): Theme {
    return this.current;
  }

  /** Shows `preference` ("system" follows the OS); subscribers hear of a change of theme. */
  setPreference(preference: ThemePreference): void {
    this.preference = preference;
    this.refresh();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private refresh(): void {
    const next = resolveTheme(this.preference, this.systemDark);
    const changed = next !== this.current;
    this.current = next;
    this.apply();
    if (changed) for (const listener of this.listeners) listener(next);
  }

  private apply(): void {
    this.doc.documentElement.dataset.theme = this.current;
    this.doc.documentElement.dataset.themePreference = this.preference;
  }
}
