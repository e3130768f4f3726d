// @vitest-environment happy-dom
// The Audio dashboard in the page, over the fake audio routes (src/api/fake_media_routes.ts).

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MediaFakeClient } from "../../api/fake_media_routes";
import { cardOf, element, moveSlider, openTab, settle, startPage, stopPage } from "../../shell/page_test_support";
import { AudioDashboard } from "./index";

let client: MediaFakeClient;

beforeEach(async () => {
  client = new MediaFakeClient();
  await startPage(client, { audio: (context) => new AudioDashboard(context) }, "#audio");
});

afterEach(stopPage);

describe("audio dashboard", () => {
  it("shows a player per run and tag with its rate and length", async () => {
    await openTab("audio");
    expect(cardOf("audio", "a", "tone")).toMatchObject({ state: "ready", step: 4, sampleRate: 8000, duration: 0.75 });
    const card = element("audio-card", "a", "tone");
    expect(card.querySelector('[data-testid="audio-duration"]')?.textContent).toBe("750 ms");
    expect((card.querySelector('[data-testid="audio-duration"]') as HTMLElement).dataset.duration).toBe("0.75");
    expect(card.querySelector('[data-testid="audio-rate"]')?.textContent).toBe("8000 Hz");
    expect(card.querySelector('[data-testid="audio-format"]')?.textContent).toBe("mono · 16-bit · 6000 samples");
    expect(card.querySelector("audio")?.getAttribute("src")).toBeTruthy();
    expect(client.asked("api/audio/clip", "href").at(-1)?.get("step")).toBe("4");
    moveSlider(card, 2);
    await settle();
    expect(cardOf("audio", "a", "tone").step).toBe(2);
    expect(client.asked("api/audio/info").at(-1)?.get("step")).toBe("2");
  });
});
