import { describe, expect, it } from "vitest";
import { ApiError } from "./client";
import { FakeClient } from "./fake_client";
import { aggregateGroup, fakeGroups, rankOf } from "./fake_groups";
import { FakeLogdir } from "./fake_logdir";
import type { FakeLogdirSpec } from "./fake_logdir";
import { smooth } from "../charts/smoothing";

type Members = Record<string, [number[], number[]]>;

/** step -> [line, low, high, count, nonfinite], by plain loops over the members' points. */
function expected(members: Members, stat: "mean" | "median", band: "minmax" | "std" | "p10_90"): Map<number, number[]> {
  const finite = new Map<number, number[]>();
  const bad = new Map<number, number>();
  for (const [steps, values] of Object.values(members)) {
    const last = new Map<number, number>();
    steps.forEach((step, i) => last.set(step, values[i] as number));
    for (const [step, value] of last) {
      if (!finite.has(step)) finite.set(step, []);
      if (Number.isFinite(value)) finite.get(step)?.push(value);
      else bad.set(step, (bad.get(step) ?? 0) + 1);
    }
  }
  const percentile = (sorted: number[], q: number): number => {
    const p = (sorted.length - 1) * q;
    const lo = Math.floor(p);
    const hi = Math.ceil(p);
    return (sorted[lo] as number) * (1 - (p - lo)) + (sorted[hi] as number) * (p - lo);
  };
  const out = new Map<number, number[]>();
  for (const [step, found] of [...finite].sort((a, b) => a[0] - b[0])) {
    const sorted = [...found].sort((a, b) => a - b);
    const n = sorted.length;
    if (n === 0) {
      out.set(step, [NaN, NaN, NaN, 0, bad.get(step) ?? 0]);
      continue;
    }
    const mean = sorted.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    const line = stat === "mean" ? mean : percentile(sorted, 0.5);
    const [low, high] =
      band === "minmax" ? [sorted[0] as number, sorted[n - 1] as number] : band === "std" ? [mean - std, mean + std] : [percentile(sorted, 0.1), percentile(sorted, 0.9)];
    out.set(step, [line, low, high, n, bad.get(step) ?? 0]);
  }
  return out;
}

function check(members: Members, stat: "mean" | "median", band: "minmax" | "std" | "p10_90"): void {
  const map = new Map(Object.entries(members).map(([run, [s, v]]) => [run, { steps: Float64Array.from(s), values: Float64Array.from(v) }]));
  const group = aggregateGroup("g", map, { stat, band, width: 1000 });
  const want = expected(members, stat, band);
  expect(group.steps).toEqual([...want.keys()]);
  expect(group.total_points).toBe(want.size);
  group.steps.forEach((step, i) => {
    const [line, low, high, count, nonfinite] = want.get(step) as number[];
    const close = (got: number | null | undefined, value: number | undefined): void => {
      if (!Number.isFinite(value)) expect(got).toBeNull();
      else expect(got).toBeCloseTo(value as number, 12);
    };
    close(group.value[i], line);
    close(group.low[i], low);
    close(group.high[i], high);
    expect([group.count[i], group.nonfinite[i]]).toEqual([count, nonfinite]);
  });
}

const MISALIGNED: Members = {
  a: [
    [0, 1, 2, 3, 4, 5],
    [1, 2, 3, 4, 5, 6],
  ],
  b: [
    [0, 2, 4, 6],
    [10, NaN, 30, 40],
  ],
  c: [
    [1, 2, 3, 7, 9],
    [-1, -2, Infinity, 0.5, 9],
  ],
  d: [
    [2, 4, 5, 4],
    [7, 8, -Infinity, 80],
  ], // step 4 logged twice: the last point counts
};

describe("fake GET api/scalars/groups: the aggregation", () => {
  for (const stat of ["mean", "median"] as const) {
    for (const band of ["minmax", "std", "p10_90"] as const) {
      it(`${stat} with ${band}, over misaligned steps, NaN and ±inf`, () => check(MISALIGNED, stat, band));
    }
  }

  it("smooths each member before aggregating", () => {
    const steps = Float64Array.from({ length: 30 }, (_, i) => i * 2);
    const a = Float64Array.from(steps, (s) => Math.sin(s));
    const b = Float64Array.from(steps, (s) => Math.cos(s) * 3);
    const group = aggregateGroup("g", new Map([["a", { steps, values: a }], ["b", { steps, values: b }]]), { stat: "mean", band: "minmax", width: 1000, smoothing: 0.6 });
    const sa = smooth("ema", steps, a, 0.6);
    const sb = smooth("ema", steps, b, 0.6);
    group.value.forEach((v, i) => expect(v).toBeCloseTo(((sa[i] as number) + (sb[i] as number)) / 2, 12));
  });

  it("downsamples per pixel keeping a spike in one member, and finer within a zoom", () => {
    const n = 20000;
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    const members = new Map(
      [0, 1, 2].map((m) => [`r${m}`, { steps, values: Float64Array.from(steps, (s) => Math.sin(s / 50 + m)) }] as const),
    );
    (members.get("r1")?.values as Float64Array)[12345] = 1e6;
    const whole = aggregateGroup("g", members, { stat: "median", band: "minmax", width: 50 });
    expect(whole.returned_points).toBeLessThanOrEqual(3 * 4 * 50 + 1);
    expect(Math.max(...(whole.high as number[]))).toBe(1e6);
    expect(whole.steps[whole.steps.length - 1]).toBe(n - 1);
    const zoomed = aggregateGroup("g", members, { stat: "median", band: "minmax", width: 50, xmin: 12000, xmax: 12100 });
    const inside = zoomed.steps.filter((s) => s >= 12000 && s <= 12100);
    expect(inside.length).toBe(101); // 101 steps fit 50 px: every one
    expect(zoomed.steps.filter((s) => s < 12000 || s > 12100)).toEqual([11999, 12101, n - 1]);
  });
});

const SPEC: FakeLogdirSpec = {
  runs: [
    { name: "adam_seed0", tags: { loss: 50 } },
    { name: "adam_seed1", tags: { loss: 80 } },
    { name: "sgd_seed0", tags: { loss: 60 } },
    { name: "dist/rank_1", tags: { loss: 40 } },
    { name: "dist/rank_0", tags: { loss: 40 } },
    { name: "other", tags: { acc: 10 } },
  ],
};

function members(logdir: FakeLogdir, runs: string[]): Members {
  return Object.fromEntries(
    runs.map((run) => {
      const s = logdir.get(run, "loss");
      return [run, [Array.from(s?.steps.subarray(0, s.length) ?? []), Array.from(s?.values.subarray(0, s.length) ?? [])]];
    }),
  );
}

describe("fake GET api/scalars/groups: the route", () => {
  const logdir = new FakeLogdir(SPEC);
  const ask = (query: Record<string, string | string[]>): ReturnType<typeof fakeGroups> => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
    return fakeGroups(logdir, params);
  };

  it("groups by a regex capture, as the server, over every point", () => {
    const body = ask({ tag: "loss", by: "regex:^([a-z]+)_seed", band: "p10_90", stat: "median" });
    expect(body.groups.map((g) => [g.name, g.members])).toEqual([
      ["adam", ["adam_seed0", "adam_seed1"]],
      ["sgd", ["sgd_seed0"]],
    ]);
    expect(body.ungrouped).toEqual(["dist/rank_0", "dist/rank_1"]);
    const want = expected(members(logdir, ["adam_seed0", "adam_seed1"]), "median", "p10_90");
    const adam = body.groups[0];
    expect(adam?.steps).toEqual([...want.keys()]);
    adam?.steps.forEach((step, i) => {
      expect(adam.low[i]).toBeCloseTo(want.get(step)?.[1] as number, 12);
      expect(adam.high[i]).toBeCloseTo(want.get(step)?.[2] as number, 12);
      expect(adam.count[i]).toBe(step < 50 ? 2 : 1);
    });
  });

  it("groups only the runs asked for", () => {
    const body = ask({ tag: "loss", by: "regex:^([a-z]+)_seed", runs: ["adam_seed1", "other"] });
    expect(body.groups.map((g) => g.members)).toEqual([["adam_seed1"]]);
    const only = members(logdir, ["adam_seed1"]).adam_seed1 as [number[], number[]];
    expect(body.groups[0]?.value).toEqual(only[1]);
    expect(() => ask({ tag: "loss", by: "rank", runs: ["nope"] })).toThrow(ApiError);
  });

  it("groups a run's ranks in rank order, with rank 0's line", () => {
    expect(rankOf("dist/rank_1")).toEqual(["dist", 1]);
    expect(rankOf("rank_01")).toBeNull();
    const body = ask({ tag: "loss", by: "rank", stat: "rank0" });
    expect(body.groups.map((g) => [g.name, g.members])).toEqual([["dist", ["dist/rank_0", "dist/rank_1"]]]);
    expect(body.groups[0]?.value).toEqual(members(logdir, ["dist/rank_0"])["dist/rank_0"]?.[1]);
  });

  it("leaves every run out by hyperparameter or note tag (the fake logdir has neither)", () => {
    for (const by of ["hparam:lr", "tag:base"]) {
      const body = ask({ tag: "loss", by });
      expect(body.groups).toEqual([]);
      expect(body.ungrouped).toHaveLength(5);
    }
  });

  it("answers 400 for what the server refuses", () => {
    const refused: Record<string, string>[] = [
      { tag: "loss", by: "regex:(" },
      { tag: "loss", by: "colour:red" },
      { tag: "loss", by: "rank", band: "iqr" },
      { tag: "loss", by: "regex:a", stat: "rank0" },
      { tag: "loss", by: "rank", xmin: "3" },
    ];
    for (const query of refused) {
      expect(() => ask(query)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });

  it("is installed on the fake client (demo mode)", async () => {
    const client = new FakeClient(SPEC);
    const body = await client.getJson<ReturnType<typeof fakeGroups>>("api/scalars/groups", { tag: "loss", by: "rank" });
    expect(body.groups[0]?.members).toEqual(["dist/rank_0", "dist/rank_1"]);
  });
});
