import { describe, expect, it } from "vitest";
import { flagParam, numberParam, readUrlParams, registerUrlParams, registeredUrlValues, urlParamsPatch } from "./url_params";
import type { AppState } from "./url_state";
import { DEFAULT_STATE, formatState, parseState } from "./url_state";

/** A dashboard's registered parameters, as a dashboard would declare them. */
const TEST_PARAMS = registerUrlParams({ level: numberParam("test_level", 1, 0, 10), on: flagParam("test_on", false) });

describe("URL state", () => {
  it("leaves defaults out of the URL", () => {
    expect(formatState(DEFAULT_STATE)).toBe("#scalars");
    expect(parseState("")).toEqual(DEFAULT_STATE);
    expect(parseState("#scalars")).toEqual(DEFAULT_STATE);
  });

  it("round-trips every field, including awkward run names", () => {
    const state: AppState = {
      tab: "histograms",
      tagFilter: "loss|acc/.*",
      runFilter: "^lr_(1e-3|3e-4)$",
      hiddenRuns: new Set(["a,b", "c&d=e", "ünï/cöde", "x y#z", "."]),
      params: { hist_mode: "overlay", img_step: "40", "odd key&": "a=b c", test_level: "2.5", test_on: "1" },
    };
    const hash = formatState(state);
    expect(parseState(hash)).toEqual(state);
    expect(formatState(parseState(hash))).toBe(hash);
  });

  it("keeps dashboard parameters but never lets them shadow the shell's own", () => {
    const state = parseState("#images?img_step=3&img_step=4&tags=loss");
    expect(state.params).toEqual({ img_step: "3" });
    expect(state.tagFilter).toBe("loss");
    expect(formatState({ ...state, params: { ...state.params, tags: "acc" } })).toBe("#images?tags=loss&img_step=3");
  });

  it("reads registered parameters as values, canonical, and drops malformed ones and defaults", () => {
    const state = parseState("#images?test_level=12&test_on=maybe&img_step=3");
    expect(state.params).toEqual({ img_step: "3", test_level: "10" });
    expect(readUrlParams(TEST_PARAMS, state.params)).toEqual({ level: 10, on: false });
    expect(parseState("#images?test_level=1&test_on=0").params).toEqual({});
    expect(urlParamsPatch(TEST_PARAMS, { level: 1, on: true })).toEqual({ test_level: null, test_on: "1" });
    expect(registeredUrlValues({ test_on: "true" })).toMatchObject({ level: 1, on: true });
  });

  it("refuses a parameter name registered twice", () => {
    expect(() => registerUrlParams({ other: flagParam("test_on", true) })).toThrow("already registered");
  });
});
