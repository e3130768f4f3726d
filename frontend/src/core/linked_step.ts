// The linked step: a step picked on a scalar chart that the image and histogram cards follow
// (TensorBoard's linked time). It is a view-state URL parameter, so it survives a reload and
// a shared link, and every dashboard hears it change through stateChanged.

import type { AppState } from "./url_state";

export const LINKED_STEP_PARAM = "linked_step";

/** The linked step of `state`, or null (none, or not a whole number >= 0). */
export function linkedStep(state: Pick<AppState, "params">): number | null {
  const text = state.params[LINKED_STEP_PARAM];
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const step = Number(text);
  return Number.isSafeInteger(step) ? step : null;
}

/** The params patch that sets (or, with null, clears) the linked step. */
export function linkedStepPatch(step: number | null): Record<string, string | null> {
  return { [LINKED_STEP_PARAM]: step === null || !(step >= 0) ? null : String(Math.round(step)) };
}

/** Whether the linked step differs between two states. */
export function linkedStepChanged(next: Pick<AppState, "params">, previous: Pick<AppState, "params">): boolean {
  return linkedStep(next) !== linkedStep(previous);
}
