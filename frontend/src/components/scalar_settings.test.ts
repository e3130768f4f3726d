// The scalar chart settings in the URL (registered URL parameters of Scalars and Custom scalars).

import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, formatState, parseState } from "../core/url_state";
import type { ScalarSettings } from "./scalar_settings";
import { scalarSettings, scalarSettingsParams } from "./scalar_settings";

const DEFAULTS: ScalarSettings = { smoothing: 0.6, smoothingKind: "ema", xaxis: "step", logY: false, ignoreOutliers: true };

describe("scalar settings in the URL", () => {
  it("leaves defaults out of the URL", () => {
    expect(scalarSettings(DEFAULT_STATE)).toEqual(DEFAULTS);
    expect(scalarSettingsParams(DEFAULTS)).toEqual({ smoothing: null, smoothing_kind: null, xaxis: null, log: null, outliers: null });
    expect(parseState("#scalars?smoothing=0.6&xaxis=step&log=0&outliers=1&smoothing_kind=ema")).toEqual(DEFAULT_STATE);
  });

  it("round-trips every setting", () => {
    const settings: ScalarSettings = { smoothing: 0.95, smoothingKind: "time_ema", xaxis: "relative", logY: true, ignoreOutliers: false };
    const params = scalarSettingsParams(settings) as Record<string, string>;
    const hash = formatState({ ...DEFAULT_STATE, params });
    expect(hash).toBe("#scalars?log=1&outliers=0&smoothing=0.95&smoothing_kind=time_ema&xaxis=relative");
    expect(scalarSettings(parseState(hash))).toEqual(settings);
    expect(formatState(parseState(hash))).toBe(hash);
  });

  it("keeps smoothing 0 (distinct from the default) and the wall axis", () => {
    const state = parseState("#scalars?smoothing=0&xaxis=wall");
    expect(scalarSettings(state)).toEqual({ ...DEFAULTS, smoothing: 0, xaxis: "wall" });
    expect(formatState(state)).toBe("#scalars?smoothing=0&xaxis=wall");
  });

  it("falls back to defaults for malformed values", () => {
    const state = parseState("#nope?smoothing=abc&xaxis=sideways&log=maybe&smoothing_kind=x");
    expect(state.tab).toBe("scalars");
    expect(scalarSettings(state)).toEqual(DEFAULTS);
    expect(state.params).toEqual({});
  });

  it("clamps smoothing into [0, 0.999]", () => {
    expect(scalarSettings(parseState("#scalars?smoothing=5")).smoothing).toBe(0.999);
    expect(scalarSettings(parseState("#scalars?smoothing=-1")).smoothing).toBe(0);
  });
});
