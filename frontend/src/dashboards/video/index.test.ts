// @vitest-environment happy-dom
// The Video dashboard in the page, over the fake images routes (src/api/fake_media_routes.ts).

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MediaFakeClient } from "../../api/fake_media_routes";
import { cardOf, element, moveSlider, openTab, settle, startPage, stopPage, view } from "../../shell/page_test_support";
import { VideoDashboard } from "./index";

let client: MediaFakeClient;
const loaded: string[] = [];

/** Stands in for the browser's image loading: shows `src` at once. */
async function fakeLoad(img: HTMLImageElement, src: string): Promise<void> {
  loaded.push(src);
  img.src = src;
}

/** "run/tag@step#sample" of every image URL the page made, in order. */
function imageUrls(): string[] {
  return client.asked("api/images/image", "href").map((p) => `${p.get("run")}/${p.get("tag")}@${p.get("step")}#${p.get("sample")}`);
}

beforeEach(async () => {
  loaded.length = 0;
  client = new MediaFakeClient();
  await startPage(client, { video: (context) => new VideoDashboard(context, { loadImage: fakeLoad }) }, "#video");
});

afterEach(stopPage);

describe("video dashboard", () => {
  it("shows only the video tags with frames and duration", async () => {
    await openTab("video");
    expect(view("video").cards.map((c) => `${c.run}:${c.tag}`)).toEqual(["a:clip"]);
    expect(cardOf("video", "a", "clip")).toMatchObject({ state: "ready", step: 4, frames: 5, durationMs: 1250 });
    const card = element("video-card", "a", "clip");
    expect(card.querySelector('[data-testid="video-frames"]')?.textContent).toBe("5 frames");
    expect(card.querySelector('[data-testid="video-duration"]')?.textContent).toBe("1.25 s (4 fps)");
    expect(card.querySelector('[data-testid="video-size"]')?.textContent).toBe("20 × 16 px");
    expect(imageUrls().at(-1)).toBe("a/clip@4#0");
    moveSlider(card, 0);
    await settle();
    expect(cardOf("video", "a", "clip").step).toBe(0);
  });
});
