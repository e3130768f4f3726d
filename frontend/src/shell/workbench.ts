// The shell's workbench pieces: the settings pane and what its settings do (theme, card
// width, the scalar charts' defaults), the run colours the user chose (kept in localStorage),
// and the keyboard: the page's listener, the shell's own shortcuts and the help overlay.
//
// Shortcuts of the shell: "?" help, "/" focus the run filter, "," settings, "[" / "]" previous
// / next step of the card under the pointer (any card with a step slider: images, audio,
// text, meshes...), "p" pin the card under the pointer (PIN_COMMAND; the pinned cards may
// register their own under that name), Escape closes the help or the settings.

import type { RunColorPrefs, RunColors } from "../core/colors";
import { NO_COLOR_PREFS, RunColorStore } from "../core/colors";
import type { KeyboardRegistry } from "../core/keyboard";
import { PIN_COMMAND, keyboard as pageKeyboard } from "../core/keyboard";
import type { Settings, SettingsStore } from "../core/settings";
import { appSettings, pageStorage } from "../core/settings";
import type { ThemeWatcher } from "../core/theme";
import { explicitUrlParams, readUrlParams } from "../core/url_params";
import type { AppState, UrlState } from "../core/url_state";
import { togglePinOfCard } from "../components/card";
import { SCALAR_SETTINGS } from "../components/scalar_settings";
import { HelpOverlay } from "./help_overlay";
import { SettingsPane } from "./settings_pane";

export interface WorkbenchDeps {
  readonly urlState: UrlState;
  readonly theme: ThemeWatcher;
  readonly colors: RunColors;
  /** Run colours changed: redraw what shows them. */
  colorsChanged(): void;
  /** The defaults changed what the state stands for: tell the dashboards (as a state change). */
  defaultsChanged(next: AppState, previous: AppState): void;
  /** The card width changed: charts take their new size. */
  resize(): void;
  focusRunFilter(): void;
}

export interface WorkbenchOptions {
  readonly settings?: SettingsStore;
  readonly colorStore?: RunColorStore;
  readonly keyboard?: KeyboardRegistry;
}

/** The URL parameters of the pane's scalar settings, with their names in the pane. */
const PANE_PARAMS: readonly (readonly [string, string])[] = [
  [SCALAR_SETTINGS.smoothing.name, "smoothing"],
  [SCALAR_SETTINGS.smoothingKind.name, "smoothing kind"],
  [SCALAR_SETTINGS.xaxis.name, "x axis"],
  [SCALAR_SETTINGS.ignoreOutliers.name, "outliers"],
];

/** Sets the card grids' least card width (the --tb-card-width custom property). */
export function applyCardWidth(width: number, doc: Document = document): void {
  doc.documentElement.style.setProperty("--tb-card-width", `${width}px`);
}

/** Moves the step slider of `card` by `delta` steps, as if dragged; false when it has none. */
export function stepCard(card: HTMLElement | null, delta: number): boolean {
  const slider = card?.querySelector<HTMLInputElement>('input[data-testid="step-slider"]');
  if (!slider || slider.disabled) return false;
  const next = Math.max(Number(slider.min), Math.min(Number(slider.max), Number(slider.value) + delta));
  if (String(next) !== slider.value) {
    slider.value = String(next);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    slider.dispatchEvent(new Event("change", { bubbles: true }));
  }
  return true;
}

export class Workbench {
  readonly settings: SettingsStore;
  readonly pane: SettingsPane;
  readonly help: HelpOverlay;
  private readonly colorStore: RunColorStore;
  private readonly deps: WorkbenchDeps;
  private readonly keyboard: KeyboardRegistry;
  /** The state's scalar settings written out under the defaults in force (see defaultsChanged). */
  private explicit: Readonly<Record<string, string>>;

  constructor(deps: WorkbenchDeps, options: WorkbenchOptions = {}) {
    this.deps = deps;
    this.settings = options.settings ?? appSettings();
    this.colorStore = options.colorStore ?? new RunColorStore(pageStorage());
    this.keyboard = options.keyboard ?? pageKeyboard;
    deps.colors.setPrefs(this.colorStore.value);
    deps.theme.setPreference(this.settings.value.theme);
    applyCardWidth(this.settings.value.cardWidth);
    this.explicit = explicitUrlParams(deps.urlState.state.params);
    deps.urlState.subscribe((next) => {
      this.explicit = explicitUrlParams(next.params);
      if (this.pane.isOpen) this.pane.show();
    });
    this.settings.subscribe((next, previous) => this.settingsChanged(next, previous));
    this.pane = new SettingsPane({
      store: this.settings,
      urlOverrides: () => this.urlOverrides(),
      resetColors: () => this.setColorPrefs(NO_COLOR_PREFS),
    });
    this.help = new HelpOverlay();
    this.registerShortcuts();
  }

  /** Saves and applies run colour choices (the runs panel's colour inputs and regex). */
  setColorPrefs(prefs: RunColorPrefs): void {
    this.deps.colors.setPrefs(this.colorStore.save(prefs));
    this.deps.colorsChanged();
  }

  /** The pane's settings that the URL sets now, by their names in the pane. */
  urlOverrides(): string[] {
    const params = this.deps.urlState.state.params;
    return PANE_PARAMS.filter(([name]) => params[name] !== undefined).map(([, label]) => label);
  }

  /** Starts listening to the page's keys; returns the removal. */
  install(doc: Document = document): () => void {
    return this.keyboard.install(doc);
  }

  private settingsChanged(next: Settings, previous: Settings): void {
    if (next.theme !== previous.theme) this.deps.theme.setPreference(next.theme);
    if (next.cardWidth !== previous.cardWidth) {
      applyCardWidth(next.cardWidth);
      this.deps.resize();
    }
    const state = this.deps.urlState.state;
    const before: AppState = { ...state, params: this.explicit };
    this.explicit = explicitUrlParams(state.params);
    const changed = JSON.stringify(readUrlParams(SCALAR_SETTINGS, before.params)) !== JSON.stringify(readUrlParams(SCALAR_SETTINGS, state.params));
    if (changed) this.deps.defaultsChanged(state, before);
  }

  private registerShortcuts(): void {
    const k = this.keyboard;
    k.register({
      id: "help",
      keys: ["?"],
      group: "General",
      description: "Show or hide these shortcuts",
      run: () => (this.help.isOpen ? this.help.close() : this.help.open(k.list())),
    });
    k.register({
      id: "close",
      keys: ["Escape"],
      group: "General",
      description: "Close the shortcuts or the settings",
      run: () => {
        if (this.help.isOpen) this.help.close();
        else if (this.pane.isOpen) this.pane.close();
        else return false;
        return true;
      },
    });
    k.register({ id: "settings", keys: [","], group: "General", description: "Open or close the settings", run: () => this.pane.toggle() });
    k.register({ id: "runs.filter", keys: ["/"], group: "General", description: "Filter runs (focus the run filter)", run: () => this.deps.focusRunFilter() });
    k.register({ id: "card.previous-step", keys: ["["], group: "Cards", description: "Previous step of the card under the pointer", run: () => stepCard(k.targetCard(), -1) });
    k.register({ id: "card.next-step", keys: ["]"], group: "Cards", description: "Next step of the card under the pointer", run: () => stepCard(k.targetCard(), 1) });
    k.register({ id: PIN_COMMAND, keys: ["p"], group: "Cards", description: "Pin or unpin the card under the pointer", run: () => togglePinOfCard(k.targetCard()) });
  }
}
