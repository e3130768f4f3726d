// An in-memory logdir of generated scalar series for the fake client: deterministic (the
// same spec gives the same data), generated lazily per (run, tag), and appendable so the
// demo and tests can exercise live updates.

import type { WireKind } from "./wire_types";

export interface FakeRunSpec {
  name: string;
  parent?: string;
  groupTag?: string;
  kinds?: WireKind[];
  /** tag -> number of points */
  tags: Record<string, number>;
}

export interface FakeWarningSpec {
  run: string | null;
  path: string;
  message: string;
  /** As the server's: "crc", "garbage", "parse", "data_loss"... (default "parse"). */
  kind?: string;
  /** Default 1. */
  count?: number;
}

export interface FakeLogdirSpec {
  runs: FakeRunSpec[];
  warnings?: FakeWarningSpec[];
  startTime?: number;
}

export class FakeSeries {
  steps: Float64Array;
  wallTimes: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.steps = new Float64Array(capacity);
    this.wallTimes = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(step: number, wallTime: number, value: number): void {
    if (this.length === this.steps.length) this.grow();
    this.steps[this.length] = step;
    this.wallTimes[this.length] = wallTime;
    this.values[this.length] = value;
    this.length++;
  }

  private grow(): void {
    const capacity = Math.max(16, this.steps.length * 2);
    const resize = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.steps = resize(this.steps);
    this.wallTimes = resize(this.wallTimes);
    this.values = resize(this.values);
  }
}

/** FNV-1a: a stable 32-bit hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible training curve for a tag: losses fall, accuracies rise, the rest wander. */
function curveFor(run: string, tag: string): (step: number, noise: number) => number {
  const seed = hashString(`${run}\u0000${tag}`);
  const scale = 0.5 + (seed % 1000) / 1000;
  const tau = 500 + (seed % 5000);
  if (/loss/i.test(tag)) return (s, r) => scale * (0.1 + Math.exp(-s / tau)) * (1 + 0.3 * (r - 0.5));
  if (/acc/i.test(tag)) return (s, r) => Math.min(1, 0.5 + 0.45 * (1 - Math.exp(-s / tau)) + 0.05 * (r - 0.5));
  if (/^lr$|learning_rate/i.test(tag)) return (s) => 1e-3 * Math.pow(0.5, Math.floor(s / 2000));
  return (s, r) => scale * (1 + Math.sin(s / tau) + 0.2 * (r - 0.5));
}

export class FakeLogdir {
  readonly spec: FakeLogdirSpec;
  private readonly series = new Map<string, FakeSeries>();
  private readonly startTime: number;

  constructor(spec: FakeLogdirSpec) {
    this.spec = spec;
    this.startTime = spec.startTime ?? 1700000000;
  }

  runSpec(run: string): FakeRunSpec | undefined {
    return this.spec.runs.find((r) => r.name === run);
  }

  /** The stored series of (run, tag), generating it on first use. */
  get(run: string, tag: string): FakeSeries | undefined {
    const key = `${run}\u0000${tag}`;
    const existing = this.series.get(key);
    if (existing) return existing;
    const count = this.runSpec(run)?.tags[tag];
    if (count === undefined) return undefined;
    const series = new FakeSeries(count);
    const rand = random(hashString(key));
    const curve = curveFor(run, tag);
    const secondsPerStep = 0.05 + (hashString(run) % 100) / 500;
    for (let step = 0; step < count; step++) {
      series.push(step, this.startTime + step * secondsPerStep + rand() * 0.01, curve(step, rand()));
    }
    this.series.set(key, series);
    return series;
  }

  /** Appends `count` new points to (run, tag); returns the new last step. */
  append(run: string, tag: string, count: number): number {
    const series = this.get(run, tag);
    const spec = this.runSpec(run);
    if (!series || !spec) throw new Error(`fake logdir has no series ${run}/${tag}`);
    const curve = curveFor(run, tag);
    const rand = random(hashString(`${run}${tag}${series.length}`));
    for (let i = 0; i < count; i++) {
      const step = series.length === 0 ? 0 : (series.steps[series.length - 1] as number) + 1;
      const wall = series.length === 0 ? this.startTime : (series.wallTimes[series.length - 1] as number) + 0.1;
      series.push(step, wall, curve(step, rand()));
    }
    spec.tags[tag] = series.length;
    return series.steps[series.length - 1] as number;
  }
}

const DEMO_NAMES = ["baseline", "lr_3e-4", "lr_1e-3/seed_0", "lr_1e-3/seed_1", "wide_model", "long_run"];
const DEMO_TAGS = [
  "loss/train",
  "loss/val",
  "accuracy/train",
  "accuracy/val",
  "lr",
  "grad_norm/encoder",
  "grad_norm/decoder",
  "throughput",
  "memory/allocated_mb",
  "memory/reserved_mb",
];

export interface DemoOptions {
  runs?: number;
  tags?: number;
  steps?: number;
  /** Give "long_run" a loss/train series of this many points (0: none). */
  bigSeries?: number;
}

/** The demo logdir: named runs, add_scalars sub-runs, one huge series and a load warning. */
export function demoSpec(options: DemoOptions = {}): FakeLogdirSpec {
  const runCount = options.runs ?? 6;
  const tagCount = options.tags ?? 8;
  const steps = options.steps ?? 2000;
  const tagNames = Array.from({ length: tagCount }, (_, i) => DEMO_TAGS[i] ?? `extra/metric_${i}`);
  const runs: FakeRunSpec[] = [];
  for (let i = 0; i < runCount; i++) {
    const name = runCount <= DEMO_NAMES.length ? (DEMO_NAMES[i] as string) : `run_${String(i).padStart(3, "0")}`;
    const tags: Record<string, number> = {};
    for (const tag of tagNames) tags[tag] = steps;
    runs.push({ name, tags, kinds: i % 2 === 0 ? ["scalars", "images"] : ["scalars", "histograms"] });
  }
  const big = options.bigSeries ?? 0;
  const longRun = runs.find((r) => r.name === "long_run");
  if (big > 0 && longRun) longRun.tags["loss/train"] = big;
  for (const parent of runs.slice(0, Math.min(2, runs.length))) {
    for (const key of ["train", "val"]) {
      runs.push({
        name: `${parent.name}/losses_${key}`,
        parent: parent.name,
        groupTag: "losses",
        kinds: ["scalars"],
        tags: { losses: steps },
      });
    }
  }
  return {
    runs,
    warnings: [
      {
        run: "broken_run",
        path: "broken_run/events.out.tfevents.1700000000.host.1.0",
        message: "3 records failed their CRC check and were skipped",
      },
    ],
  };
}
