import { describe, expect, it } from "vitest";
import type { Run } from "../../api/client";
import type { Session, WireHParams } from "./api";
import { convertHParams, hparamId, metricId } from "./api";
import { axisScale, passes, scalarsLink, sortSessions } from "./model";

const WIRE: WireHParams = {
  hparams: [
    { name: "lr", display_name: "", description: "", type: "number", domain: null, interval: null },
    { name: "opt", display_name: "Optimizer", description: "", type: "string", domain: ["sgd", "adam"], interval: null },
    { name: "dropout", display_name: "", description: "", type: "number", domain: null, interval: null },
  ],
  metrics: [
    { tag: "acc", group: "", display_name: "", description: "" },
    { tag: "loss", group: "eval", display_name: "", description: "" },
  ],
  sessions: [
    {
      run: "a/hp", parent: "a", group_name: "", status: "success", start_time: 1, end_time: null,
      hparams: { lr: 0.1, opt: "sgd" },
      metrics: [{ value: 0.8, step: 3, wall_time: 2 }, { value: "NaN", step: 1, wall_time: 2 }],
    },
    {
      run: "b/hp", parent: "b", group_name: "", status: null, start_time: null, end_time: null,
      hparams: { lr: 0.001, opt: "adam", dropout: 0.5 },
      metrics: [{ value: 0.9, step: 3, wall_time: 2 }, null],
    },
    {
      run: "c", parent: null, group_name: "", status: null, start_time: null, end_time: null,
      hparams: { lr: "Infinity", opt: "adam" },
      metrics: [{ value: 0.7, step: 3, wall_time: 2 }, { value: 2, step: 9, wall_time: 2 }],
    },
  ],
};

const data = convertHParams(WIRE);
const session = (run: string): Session => data.sessions.find((s) => s.run === run) as Session;
const LR = hparamId("lr");
const ACC = metricId("", "acc");
const EVAL_LOSS = metricId("eval", "loss");

describe("hparams data", () => {
  it("has one column per hparam then per metric, labelled by display name or tag", () => {
    expect(data.columns.map((c) => c.id)).toEqual([LR, hparamId("opt"), hparamId("dropout"), ACC, EVAL_LOSS]);
    expect(data.columns.map((c) => c.label)).toEqual(["lr", "Optimizer", "dropout", "acc", "eval/loss"]);
    expect(data.columns[1]?.domain).toEqual(["sgd", "adam"]);
  });

  it("reads non-finite numbers and leaves missing values out", () => {
    expect(session("c").values.get(LR)).toBe(Infinity);
    expect(session("a/hp").values.get(EVAL_LOSS)).toBeNaN();
    expect(session("b/hp").values.has(EVAL_LOSS)).toBe(false);
    expect(session("a/hp").values.has(hparamId("dropout"))).toBe(false);
    expect(session("c").steps.get(EVAL_LOSS)).toBe(9);
  });
});

describe("sorting", () => {
  const runs = (order: Parameters<typeof sortSessions>[2]): string[] => sortSessions(data.sessions, data.columns, order).map((s) => s.run);

  it("sorts numbers either way, keeping missing values and NaN last", () => {
    expect(runs({ column: ACC, descending: false })).toEqual(["c", "a/hp", "b/hp"]);
    expect(runs({ column: ACC, descending: true })).toEqual(["b/hp", "a/hp", "c"]);
    expect(runs({ column: EVAL_LOSS, descending: true })).toEqual(["c", "a/hp", "b/hp"]);
    expect(runs({ column: hparamId("dropout"), descending: false })).toEqual(["b/hp", "a/hp", "c"]);
  });

  it("sorts strings, and by session name", () => {
    expect(runs({ column: hparamId("opt"), descending: false })).toEqual(["b/hp", "c", "a/hp"]);
    expect(runs({ column: "run", descending: true })).toEqual(["c", "b/hp", "a/hp"]);
  });
});

describe("filters", () => {
  const kept = (filters: Parameters<typeof passes>[1]): string[] => data.sessions.filter((s) => passes(s, filters)).map((s) => s.run);

  it("keep a numeric range, inclusive, and drop sessions without the value", () => {
    expect(kept(new Map([[ACC, { min: 0.75, max: 0.9 }]]))).toEqual(["a/hp", "b/hp"]);
    expect(kept(new Map([[hparamId("dropout"), { min: 0 }]]))).toEqual(["b/hp"]);
  });

  it("keep chosen values or a regex match, and combine columns", () => {
    expect(kept(new Map([[hparamId("opt"), { values: ["adam"] }]]))).toEqual(["b/hp", "c"]);
    expect(kept(new Map([[hparamId("opt"), { regex: "^S" }]]))).toEqual(["a/hp"]);
    expect(kept(new Map([[hparamId("opt"), { values: ["adam"] }], [ACC, { max: 0.8 }]]))).toEqual(["c"]);
    expect(kept(new Map([[hparamId("opt"), {}]]))).toEqual(["a/hp", "b/hp", "c"]);
  });
});

describe("axes", () => {
  it("are logarithmic for positive hparams spanning two decades", () => {
    const lr = axisScale(data.columns[0]!, data.sessions.slice(0, 2));
    expect(lr.log).toBe(true);
    expect(lr.position(0.001)).toBe(0);
    expect(lr.position(0.1)).toBe(1);
    expect(lr.position(0.01)).toBeCloseTo(0.5);
    const brushed = lr.filterBetween(0.25, 0.75);
    expect(brushed.min).toBeCloseTo(Math.pow(10, -2.5));
    expect(brushed.max).toBeCloseTo(Math.pow(10, -1.5));
  });

  it("place categories evenly (declared ones included) and brush to their values", () => {
    const opt = axisScale(data.columns[1]!, data.sessions);
    expect(opt.categorical).toBe(true);
    expect(opt.categories).toEqual(["adam", "sgd"]);
    expect(opt.position("sgd")).toBe(1);
    expect(opt.filterBetween(0.9, 0.6)).toEqual({ values: ["sgd"] });
    expect(opt.filterBetween(0, 0.2)).toEqual({ values: ["adam"] });
    expect(opt.filterBetween(0.3, 0.7)).toEqual({ values: ["adam", "sgd"] });
  });

  it("leave non-finite values off a numeric axis", () => {
    const acc = axisScale(data.columns[3]!, data.sessions);
    expect(acc.log).toBe(false);
    expect(acc.position(Number.NaN)).toBeNull();
    expect(acc.position(0.9)).toBe(1);
    expect(acc.position(0.7)).toBe(0);
    const loss = axisScale(data.columns[4]!, data.sessions); // NaN and 2: one finite value
    expect(loss.position(2)).toBe(0.5);
  });
});

describe("the scalars link", () => {
  const run = (name: string, parent: string | null = null, subRun: string | null = null): Run => ({
    name, parent, subRun, groupTag: null, kinds: new Set(["scalars"]), startTime: 1, lastUpdate: 1, lastWriteTime: null,
  });
  const runs = [run("a"), run("a/hp", "a", "hparams"), run("a/hp2", "a", "hparams"), run("a/loss_x", "a", "scalars"), run("ab"), run("c"), run("c/eval")];

  it("shows the described run with its add_scalars sub-runs and the session, not its siblings", () => {
    const link = scalarsLink(session("a/hp"), runs);
    expect(link.runs).toEqual(["a", "a/hp", "a/loss_x"]);
    expect(link.runFilter).toBe("^(?:a|a/hp|a/loss_x)$");
  });

  it("shows a session that is a run of its own with the runs below it", () => {
    expect(scalarsLink(session("c"), runs).runs).toEqual(["c", "c/eval"]);
  });
});
