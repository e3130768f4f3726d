// @vitest-environment happy-dom
// add_hparams sub-runs are shown as part of the run they describe: folded into its row in the
// runs panel (switched with its checkbox) and drawn in its colour.

import { describe, expect, it } from "vitest";
import type { Run } from "../../api/client";
import { RunColors, assignColorSlots, colorSource } from "../../core/colors";
import type { AppState } from "../../core/url_state";
import { DEFAULT_STATE } from "../../core/url_state";
import { RunsPanel } from "../../shell/runs_panel";

const run = (name: string, parent: string | null = null, subRun: string | null = null, kinds = ["scalars"]): Run => ({
  name, parent, subRun, groupTag: subRun === "scalars" ? "loss" : null, kinds: new Set(kinds), startTime: 1, lastUpdate: 1, lastWriteTime: null,
});

const RUNS: Run[] = [
  run("exp"),
  run("exp/1700000000.5", "exp", "hparams", ["scalars", "hparams"]),
  run("exp/1700000001.5", "exp", "hparams", ["scalars", "hparams"]),
  run("exp/loss_train", "exp", "scalars"),
  // TensorFlow's layout: the parent holds the experiment, each session is a run of its own.
  run("tf", null, null, ["hparams"]),
  run("tf/run-0", "tf", "hparams", ["scalars", "hparams"]),
];

describe("hparams sub-runs", () => {
  it("take the colour of the run they describe, unless it holds hparams itself", () => {
    const byName = new Map(RUNS.map((r) => [r.name, r]));
    expect(RUNS.map((r) => colorSource(r, byName))).toEqual(["exp", "exp", "exp", "exp/loss_train", "tf", "tf/run-0"]);
    const slots = assignColorSlots(RUNS);
    expect(slots.get("exp/1700000000.5")).toBe(slots.get("exp"));
    expect(slots.get("tf/run-0")).not.toBe(slots.get("tf"));
    const colors = new RunColors();
    colors.assign(RUNS);
    expect(colors.color("exp/1700000001.5", "light")).toBe(colors.color("exp", "light"));
  });

  it("are folded into their run's row and switched with it", () => {
    let state: AppState = DEFAULT_STATE;
    const colors = new RunColors();
    colors.assign(RUNS);
    const panel = new RunsPanel({ colors, state: () => state, theme: () => "light", update: (patch) => (state = { ...state, ...patch }) });
    document.body.replaceChildren(panel.element);
    panel.setRuns(RUNS);
    const rows = [...panel.element.querySelectorAll<HTMLElement>('[data-testid="run-row"]')].map((r) => r.dataset.run);
    expect(rows).toEqual(["exp", "exp/loss_train", "tf", "tf/run-0"]);
    const badge = panel.element.querySelector<HTMLElement>('[data-testid="run-hparams"]');
    expect([badge?.dataset.run, badge?.dataset.count]).toEqual(["exp", "2"]);
    const toggle = panel.element.querySelector<HTMLInputElement>('[data-testid="run-toggle"][data-run="exp"]') as HTMLInputElement;
    toggle.checked = false;
    toggle.dispatchEvent(new Event("change"));
    expect([...state.hiddenRuns].sort()).toEqual(["exp", "exp/1700000000.5", "exp/1700000001.5", "exp/loss_train"]);
  });
});
