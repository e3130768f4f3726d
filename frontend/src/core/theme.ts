// Light and dark themes, following the OS (prefers-color-scheme). The theme is set as
// data-theme on <html> for the CSS; charts read their colours from chartPalette().

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

type Listener = (theme: Theme) => void;

export class ThemeWatcher {
  private current: Theme;
  private readonly listeners = new Set<Listener>();

  constructor(win: Window = window) {
    const query = typeof win.matchMedia === "function" ? win.matchMedia("(prefers-color-scheme: dark)") : null;
    this.current = query?.matches ? "dark" : "light";
    this.apply(win.document);
    query?.addEventListener("change", (event) => {
      this.current = event.matches ? "dark" : "light";
      this.apply(win.document);
      for (const listener of this.listeners) listener(this.current);
    });
  }

  get theme(): Theme {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(doc: Document): void {
    doc.documentElement.dataset.theme = this.current;
  }
}
