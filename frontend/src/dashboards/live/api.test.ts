import { describe, expect, it } from "vitest";
import { parseEvents } from "./api";

describe("parseEvents", () => {
  it("keeps the events the Live tab understands, in order", () => {
    const window = { id: "loss", type: "plot", content: { data: [], layout: {} } };
    const events = parseEvents([
      { env: "main", kind: "window", window },
      { env: "main", kind: "append", win: "loss", traces: [{ index: 0, x: [1], y: [2] }] },
      { env: "main", kind: "close", win: "loss" },
      { kind: "envs", envs: ["main", "exp"] },
    ]);
    expect(events.map((e) => e.kind)).toEqual(["window", "append", "close", "envs"]);
    expect(events[3]).toEqual({ kind: "envs", envs: ["main", "exp"] });
  });

  it("drops what it does not know", () => {
    expect(parseEvents([null, 3, { kind: "mystery" }, { kind: "append", win: "w" }])).toEqual([]);
  });
});
