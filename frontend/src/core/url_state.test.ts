import { describe, expect, it } from "vitest";
import type { AppState } from "./url_state";
import { DEFAULT_STATE, formatState, parseState } from "./url_state";

describe("URL state", () => {
  it("leaves defaults out of the URL", () => {
    expect(formatState(DEFAULT_STATE)).toBe("#scalars");
    expect(parseState("")).toEqual(DEFAULT_STATE);
    expect(parseState("#scalars")).toEqual(DEFAULT_STATE);
  });

  it("round-trips every field, including awkward run names", () => {
    const state: AppState = {
      tab: "histograms",
      smoothing: 0.95,
      smoothingKind: "time_ema",
      tagFilter: "loss|acc/.*",
      runFilter: "^lr_(1e-3|3e-4)$",
      xaxis: "relative",
      logY: true,
      ignoreOutliers: false,
      hiddenRuns: new Set(["a,b", "c&d=e", "ünï/cöde", "x y#z", "."]),
      params: { hist_mode: "overlay", img_step: "40", "odd key&": "a=b c" },
    };
    const hash = formatState(state);
    expect(parseState(hash)).toEqual(state);
    expect(formatState(parseState(hash))).toBe(hash);
  });

  it("keeps dashboard parameters but never lets them shadow the shell's own", () => {
    const state = parseState("#images?img_step=3&img_step=4&smoothing=0.5");
    expect(state.params).toEqual({ img_step: "3" });
    expect(formatState({ ...state, params: { ...state.params, smoothing: "0.1" } })).toBe("#images?smoothing=0.5&img_step=3");
  });

  it("keeps smoothing 0 (distinct from the default) and the wall axis", () => {
    const state = { ...DEFAULT_STATE, smoothing: 0, xaxis: "wall" as const };
    expect(parseState(formatState(state))).toEqual(state);
  });

  it("falls back to defaults for malformed values", () => {
    const state = parseState("#nope?smoothing=abc&xaxis=sideways&log=maybe&smoothing_kind=x");
    expect(state.tab).toBe("scalars");
    expect(state.smoothing).toBe(DEFAULT_STATE.smoothing);
    expect(state.xaxis).toBe("step");
    expect(state.logY).toBe(false);
    expect(state.smoothingKind).toBe("ema");
  });

  it("clamps smoothing into [0, 0.999]", () => {
    expect(parseState("#scalars?smoothing=5").smoothing).toBe(0.999);
    expect(parseState("#scalars?smoothing=-1").smoothing).toBe(0);
  });
});
