// Typed URL parameters that dashboards own. The shell keeps every parameter it does not own
// in AppState.params as text (see url_state.ts); a dashboard (or a settings module dashboards
// share) registers the ones it wants read as values, and then:
//   - a malformed value or the default is dropped when the URL is read, so the URL stays
//     canonical ("#scalars?smoothing=abc" reads as the default and is written back without it);
//   - readUrlParams gives the values and urlParamsPatch the change for context.setParams;
//   - window.__trainboard.state() shows them by key (e.g. `smoothing: 0.85`).
// A name is owned once: registering it again under another key throws.
//
//   const SETTINGS = registerUrlParams({ logY: flagParam("log", false) });
//   readUrlParams(SETTINGS, state.params).logY;           context.setParams(urlParamsPatch(SETTINGS, { logY: true }));
//
// A parameter's default may come from elsewhere (the settings pane, kept in localStorage):
// withDefault(param, () => settings.smoothing). The URL then holds what differs from the
// user's default; explicitUrlParams pins every registered value down before a default changes.

export interface UrlParam<T> {
  /** The parameter's name in the URL ("smoothing", "img_step"). */
  readonly name: string;
  /** The value when the parameter is absent or malformed; never written to the URL. */
  readonly fallback: T;
  /** The value `text` stands for, or null when it is malformed. */
  parse(text: string): T | null;
  format(value: T): string;
  /** The default is not fixed (withDefault): explicitUrlParams writes it out. */
  readonly dynamicDefault?: boolean;
}

/** A record of parameters by key (the name values have in code and in `state()`). */
export type UrlParamSet<S> = { readonly [K in keyof S]: UrlParam<S[K]> };

/** A number, clamped into [min, max]. */
export function numberParam(name: string, fallback: number, min: number, max: number): UrlParam<number> {
  return {
    name,
    fallback,
    parse: (text) => {
      const value = text.trim() === "" ? NaN : Number(text);
      return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : null;
    },
    format: (value) => String(value),
  };
}

/** One of `choices`; the first is the default. */
export function choiceParam<T extends string>(name: string, choices: readonly [T, ...T[]]): UrlParam<T> {
  return {
    name,
    fallback: choices[0],
    parse: (text) => (choices as readonly string[]).includes(text) ? (text as T) : null,
    format: (value) => value,
  };
}

/** A flag: "1" / "true" and "0" / "false"; written as 1 / 0. */
export function flagParam(name: string, fallback: boolean): UrlParam<boolean> {
  return {
    name,
    fallback,
    parse: (text) => (text === "1" || text === "true" ? true : text === "0" || text === "false" ? false : null),
    format: (value) => (value ? "1" : "0"),
  };
}

/** `param` with the default `current()` (read at each use) instead of its fixed one. */
export function withDefault<T>(param: UrlParam<T>, current: () => T): UrlParam<T> {
  return {
    name: param.name,
    dynamicDefault: true,
    get fallback(): T {
      return current();
    },
    parse: (text) => param.parse(text),
    format: (value) => param.format(value),
  };
}

interface Registered {
  readonly key: string;
  readonly param: UrlParam<unknown>;
}

const registered = new Map<string, Registered>();

/**
 * Registers `set`'s parameters (by URL name) and returns it. A name already registered under
 * another key is refused; the same key replaces it (a module loaded again, as in dev reloads).
 */
export function registerUrlParams<S>(set: UrlParamSet<S>): UrlParamSet<S> {
  for (const [key, param] of Object.entries(set) as [string, UrlParam<unknown>][]) {
    const existing = registered.get(param.name);
    if (existing && existing.key !== key) throw new Error(`URL parameter '${param.name}' is already registered as '${existing.key}'`);
    registered.set(param.name, { key, param });
  }
  return set;
}

/** The parameter's canonical text: null when it is registered and malformed or the default. */
export function canonicalParam(name: string, text: string): string | null {
  const entry = registered.get(name);
  if (!entry) return text;
  const value = entry.param.parse(text);
  return value === null || value === entry.param.fallback ? null : entry.param.format(value);
}

function valueOf<T>(param: UrlParam<T>, params: Readonly<Record<string, string>>): T {
  const text = params[param.name];
  return text === undefined ? param.fallback : (param.parse(text) ?? param.fallback);
}

/** The values of `set` in the URL parameters `params` (AppState.params). */
export function readUrlParams<S>(set: UrlParamSet<S>, params: Readonly<Record<string, string>>): S {
  const values: Partial<S> = {};
  for (const key of Object.keys(set) as (keyof S)[]) values[key] = valueOf(set[key], params);
  return values as S;
}

/** The setParams patch for `patch`: defaults are removed from the URL (null). */
export function urlParamsPatch<S>(set: UrlParamSet<S>, patch: Partial<S>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const key of Object.keys(patch) as (keyof S)[]) {
    const param = set[key];
    const value = patch[key] as S[keyof S];
    out[param.name] = value === param.fallback ? null : param.format(value);
  }
  return out;
}

/** Every registered parameter's value by key (window.__trainboard.state()). */
export function registeredUrlValues(params: Readonly<Record<string, string>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const { key, param } of registered.values()) values[key] = valueOf(param, params);
  return values;
}

/**
 * `params` with every registered parameter of a changing default (withDefault) written out:
 * the values they stand for now, whatever the defaults become later (a state to compare the
 * state after a change of defaults against).
 */
export function explicitUrlParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...params };
  for (const { param } of registered.values()) {
    if (param.dynamicDefault) out[param.name] = param.format(valueOf(param, params));
  }
  return out;
}
