import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveMessage } from "../api/client";
import { FakeClient } from "../api/fake_client";
import { LiveConnection, backoffDelay } from "./live";

describe("live connection", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("backs off exponentially up to a cap", () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 500, 5000))).toEqual([500, 1000, 2000, 4000, 5000]);
  });

  it("delivers messages, reconnects after a drop and reports the reconnect", async () => {
    const client = new FakeClient({ runs: [] });
    const messages: LiveMessage[] = [];
    const statuses: string[] = [];
    let reconnects = 0;
    const live = new LiveConnection(() => client.openLive(), {
      onMessage: (m) => messages.push(m),
      onReconnect: () => reconnects++,
      onStatus: (s) => statuses.push(s),
    }, { minDelayMs: 100, maxDelayMs: 1000 });
    live.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(live.status).toBe("open");
    expect(messages[0]).toEqual({ type: "hello", version: "0.1.0-demo" });

    client.refuseLive = true;
    client.dropLive();
    expect(live.status).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(100 + 200 + 400);
    expect(client.liveConnections).toBe(0);

    client.refuseLive = false;
    await vi.advanceTimersByTimeAsync(800 + 1);
    expect(live.status).toBe("open");
    expect(reconnects).toBe(1);
    client.push({ type: "warnings" });
    expect(messages.at(-1)).toEqual({ type: "warnings" });
    expect(statuses).toEqual(["connecting", "open", "reconnecting", "open"]);

    live.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(client.liveConnections).toBe(0);
    expect(live.status).toBe("stopped");
  });
});
