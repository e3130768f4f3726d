import { describe, expect, it } from "vitest";
import { LINKED_STEP_PARAM, linkedStep, linkedStepChanged, linkedStepPatch } from "./linked_step";

const at = (text?: string): { params: Record<string, string> } => ({ params: text === undefined ? {} : { [LINKED_STEP_PARAM]: text } });

describe("linked step", () => {
  it("reads whole steps from the URL and ignores anything else", () => {
    expect(linkedStep(at("12"))).toBe(12);
    expect(linkedStep(at())).toBeNull();
    for (const bad of ["", "-1", "1.5", "abc", "1e3", "99999999999999999999"]) expect(linkedStep(at(bad))).toBeNull();
  });

  it("writes and clears it, and tells when it changed", () => {
    expect(linkedStepPatch(7.4)).toEqual({ [LINKED_STEP_PARAM]: "7" });
    expect(linkedStepPatch(null)).toEqual({ [LINKED_STEP_PARAM]: null });
    expect(linkedStepPatch(-3)).toEqual({ [LINKED_STEP_PARAM]: null });
    expect(linkedStepChanged(at("3"), at("3"))).toBe(false);
    expect(linkedStepChanged(at("3"), at())).toBe(true);
    expect(linkedStepChanged(at("x"), at())).toBe(false); // both unset, as read
  });
});
