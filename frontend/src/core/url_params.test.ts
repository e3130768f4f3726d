import { describe, expect, it } from "vitest";
import { canonicalParam, explicitUrlParams, numberParam, readUrlParams, registerUrlParams, urlParamsPatch, withDefault } from "./url_params";

let userDefault = 0.5;
const P = registerUrlParams({ level: withDefault(numberParam("test_dyn_level", 0.5, 0, 1), () => userDefault), fixed: numberParam("test_fixed", 3, 0, 9) });

describe("URL parameters with a user's default", () => {
  it("reads the user's default when the URL has none, the URL's value when it has one", () => {
    userDefault = 0.9;
    expect(readUrlParams(P, {}).level).toBe(0.9);
    expect(readUrlParams(P, { test_dyn_level: "0.2" }).level).toBe(0.2);
    // The URL holds what differs from the default now in force.
    expect(urlParamsPatch(P, { level: 0.9 })).toEqual({ test_dyn_level: null });
    expect(canonicalParam("test_dyn_level", "0.9")).toBeNull();
    expect(canonicalParam("test_dyn_level", "0.5")).toBe("0.5");
  });

  it("writes out the changing defaults only, to compare a change of default against", () => {
    userDefault = 0.7;
    const before = explicitUrlParams({ other: "x" });
    expect(before).toMatchObject({ other: "x", test_dyn_level: "0.7" });
    expect(before).not.toHaveProperty("test_fixed");
    userDefault = 0.3;
    expect(readUrlParams(P, before).level).toBe(0.7);
    expect(readUrlParams(P, {}).level).toBe(0.3);
  });
});
