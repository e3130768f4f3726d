// @vitest-environment happy-dom
// The Text dashboard over the fake client: a card per (run, tag) under the user's tag, the
// latest step first, one request per slider move, and live points moving a slider only when
// it is at the latest step.

import MarkdownIt from "markdown-it";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Kind, TagsIndex } from "../../api/client";
import { FakeClient } from "../../api/fake_client";
import type { VisibilityTracker } from "../../core/visibility";
import { App } from "../../shell/app";
import { installDebug } from "../../shell/debug";
import type { WireTextStep, WireTextSteps } from "./api";
import type { TextCardDebug } from "./card";
import { TextDashboard } from "./index";

/** A fake server with text tags: run -> stored tag -> steps. */
class TextFake extends FakeClient {
  readonly text = new Map<string, Map<string, number[]>>([
    ["a", new Map([["notes/text_summary", [0, 5, 10]], ["table", [3]]])],
    ["b", new Map([["notes/text_summary", [7]]])],
  ]);

  constructor() {
    super({ runs: [{ name: "a", kinds: ["scalars", "text"], tags: { loss: 5 } }, { name: "b", kinds: ["text"], tags: {} }] });
    this.addRoute("api/text/steps", (q) => this.stepsOf(q));
    this.addRoute("api/text", (q) => this.contentOf(q));
  }

  override tags(kind: Kind): Promise<TagsIndex> {
    if (kind !== "text") return super.tags(kind);
    const index = new Map([...this.text].map(([run, tags]) => [
      run,
      new Map([...tags].map(([tag, steps]) => [tag, { points: steps.length, lastStep: steps[steps.length - 1] ?? 0, displayName: "", description: "" }])),
    ]));
    return Promise.resolve(index);
  }

  private steps(q: URLSearchParams): number[] {
    return this.text.get(q.get("run") ?? "")?.get(q.get("tag") ?? "") ?? [];
  }

  private stepsOf(q: URLSearchParams): WireTextSteps {
    const steps = this.steps(q);
    const tag = q.get("tag") ?? "";
    return { run: q.get("run") ?? "", tag, display_tag: tag.replace("/text_summary", ""), steps, wall_times: steps.map((s) => 1.7e9 + s) };
  }

  private contentOf(q: URLSearchParams): WireTextStep {
    const steps = this.steps(q);
    const step = q.has("step") ? Number(q.get("step")) : (steps[steps.length - 1] as number);
    const table = q.get("tag") === "table";
    return {
      run: q.get("run") ?? "",
      tag: q.get("tag") ?? "",
      step,
      wall_time: 1.7e9 + step,
      shape: table ? [2, 2] : [1],
      markdown: table ? null : `# Step ${step}`,
      table: table ? [["x", "y"], ["z", "w"]] : null,
      sliced: false,
      total_rows: table ? 2 : 0,
    };
  }
}

// markdown-it imported up front: the lazy import would not finish under fake timers.
const renderer = new MarkdownIt({ html: false });
const markdown = (): Promise<typeof renderer> => Promise.resolve(renderer);
const visible: VisibilityTracker = { observe: (_el, callback) => callback(true), unobserve: () => undefined };
let client: TextFake;
let app: App;

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await vi.advanceTimersByTimeAsync(300);
    if (app.pending === 0) return;
  }
  throw new Error(`page still busy: ${app.pending}`);
}

const cards = (): TextCardDebug[] => (window.__trainboard?.view("text") as { cards: TextCardDebug[] }).cards;
const card = (run: string, tag: string): HTMLElement =>
  document.querySelector(`[data-testid="text-card"][data-run="${run}"][data-tag="${tag}"]`) as HTMLElement;
const requests = (path: string): string[] =>
  client.requests.filter((r) => r.path === path).map((r) => r.params.toString());

function moveSlider(element: HTMLElement, index: number): void {
  const slider = element.querySelector('[data-testid="step-slider"]') as HTMLInputElement;
  slider.value = String(index);
  slider.dispatchEvent(new Event("input"));
}

beforeEach(async () => {
  vi.useFakeTimers();
  window.location.hash = "#text";
  client = new TextFake();
  app = new App(client, { visibility: visible, liveDelayMs: { min: 50, max: 200 }, dashboards: { text: (ctx) => new TextDashboard(ctx, { markdown }) } });
  document.body.replaceChildren(app.element);
  installDebug(app);
  const started = app.start();
  await settle();
  await started;
  await settle();
});

afterEach(() => {
  app.stop();
  vi.useRealTimers();
});

describe("TextDashboard", () => {
  it("shows one card per run and tag, titled with the user's tag, at the latest step", () => {
    expect(cards().map((c) => [c.run, c.tag, c.storedTag, c.state, c.step])).toEqual([
      ["a", "notes", "notes/text_summary", "ready", 10],
      ["b", "notes", "notes/text_summary", "ready", 7],
      ["a", "table", "table", "ready", 3],
    ]);
    expect(card("a", "notes").querySelector("h1")?.textContent).toBe("Step 10");
    expect(card("a", "notes").querySelector(".tb-card-title")?.textContent).toBe("notes");
    expect(card("a", "table").querySelectorAll('[data-testid="text-cell"]').length).toBe(4);
    const groups = [...document.querySelectorAll('[data-testid="tag-group"]')].map((g) => (g as HTMLElement).dataset.group);
    expect(groups).toEqual(["notes", "table"]);
  });

  it("loads one step per slider move, without the step list again", async () => {
    const before = requests("api/text/steps").length;
    moveSlider(card("a", "notes"), 0);
    await settle();
    expect(card("a", "notes").dataset.step).toBe("0");
    expect(card("a", "notes").querySelector("h1")?.textContent).toBe("Step 0");
    expect(requests("api/text/steps").length).toBe(before);
    expect(requests("api/text").at(-1)).toBe("run=a&tag=notes%2Ftext_summary&step=0");
  });

  it("follows new steps only when the slider is at the latest", async () => {
    client.text.get("a")?.set("notes/text_summary", [0, 5, 10, 15]);
    client.push({ type: "points", kind: "text", updates: [{ run: "a", tag: "notes/text_summary", total_points: 4, last_step: 15 }] });
    await settle();
    expect(card("a", "notes").dataset.step).toBe("15");
    expect(card("b", "notes").dataset.step).toBe("7"); // another run: not reloaded
    moveSlider(card("a", "notes"), 1);
    await settle();
    client.text.get("a")?.set("notes/text_summary", [0, 5, 10, 15, 20]);
    client.push({ type: "points", kind: "text", updates: [{ run: "a", tag: "notes/text_summary", total_points: 5, last_step: 20 }] });
    await settle();
    expect(card("a", "notes").dataset.step).toBe("5");
    expect(cards()[0]?.steps).toEqual([0, 5, 10, 15, 20]);
  });

  it("filters cards by tag and reloads the tag index when new tags arrive", async () => {
    app.urlState.update({ tagFilter: "^tab" });
    await settle();
    expect(cards().map((c) => c.tag)).toEqual(["table"]);
    app.urlState.update({ tagFilter: "" });
    client.text.get("b")?.set("later", [1]);
    client.push({ type: "tags", kind: "text", run: "b", added: ["later"] });
    await settle();
    expect(cards().map((c) => `${c.run}:${c.tag}`)).toContain("b:later");
  });
});
