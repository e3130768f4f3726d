// @vitest-environment happy-dom
// The Images dashboard in the page: a card per (run, tag), only the shown
// step's media fetched, sliders that stay put while steps arrive (or follow the latest),
// brightness/contrast/actual size in the URL, the enlarged view, and errors shown on cards.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MediaFakeClient } from "../../api/fake_media_routes";
import type { App } from "../../shell/app";
import { cardOf, element, moveSlider, settle, startPage, stopPage, view } from "../../shell/page_test_support";
import { ImagesDashboard } from "./index";

let client: MediaFakeClient;
let app: App;
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
  app = await startPage(client, { images: (context) => new ImagesDashboard(context, { loadImage: fakeLoad }) }, "#images");
});

afterEach(stopPage);

describe("images dashboard", () => {
  it("shows a card per run and image tag at the latest step, fetching only that image", () => {
    expect(view("images").cards.map((c) => `${c.run}:${c.tag}`).sort()).toEqual(["a:solid", "b:solid"]);
    for (const card of view("images").cards) {
      expect(card).toMatchObject({ state: "ready", step: 4, index: 4, steps: 5, wallTime: 1004, sample: 0 });
    }
    expect(client.asked("api/images/image", "bytes").length).toBe(0); // the <img> fetches it
    expect(loaded.length).toBe(2);
    expect(imageUrls().sort()).toEqual(["a/solid@4#0", "b/solid@4#0"]);
    expect(client.asked("api/images/image", "href").every((p) => p.get("index") === "4")).toBe(true);
    const card = element("image-card", "a");
    expect(card.dataset.step).toBe("4");
    expect(card.querySelector('[data-testid="step-value"]')?.textContent).toBe("step 4");
    expect(card.querySelector('[data-testid="step-time"]')?.textContent).not.toBe("");
  });

  it("keeps the slider where the user put it when steps arrive, and follows the latest otherwise", async () => {
    moveSlider(element("image-card", "a"), 1);
    await settle();
    expect(cardOf("images", "a", "solid").step).toBe(1);
    expect(imageUrls().at(-1)).toBe("a/solid@1#0");
    const before = imageUrls().length;
    client.steps = 8;
    client.push({ type: "points", kind: "images", updates: [
      { run: "a", tag: "solid", total_points: 8, last_step: 7 },
      { run: "b", tag: "solid", total_points: 8, last_step: 7 },
    ] });
    await settle();
    expect(cardOf("images", "a", "solid")).toMatchObject({ step: 1, steps: 8 });
    expect(cardOf("images", "b", "solid")).toMatchObject({ step: 7, steps: 8 });
    expect(imageUrls().slice(before)).toEqual(["b/solid@7#0"]); // only b's new image
    const slider = element("image-card", "a").querySelector('[data-testid="step-slider"]') as HTMLInputElement;
    expect(slider.max).toBe("7");
    expect(slider.value).toBe("1");
  });

  it("ignores pushes of other kinds and reloads tags for an unknown tag", async () => {
    const tagLoads = client.asked("api/images/tags").length;
    client.steps = 6;
    client.push({ type: "points", kind: "audio", updates: [{ run: "a", tag: "solid", total_points: 6, last_step: 5 }] });
    await settle();
    expect(cardOf("images", "a", "solid").step).toBe(4);
    client.push({ type: "points", kind: "images", updates: [{ run: "a", tag: "new", total_points: 1, last_step: 0 }] });
    await settle();
    expect(client.asked("api/images/tags").length).toBe(tagLoads + 1);
  });

  it("keeps brightness, contrast and actual size in the URL and applies them as CSS", async () => {
    const brightness = document.querySelector('[data-testid="image-brightness"]') as HTMLInputElement;
    brightness.value = "1.5";
    brightness.dispatchEvent(new Event("input"));
    const contrast = document.querySelector('[data-testid="image-contrast"]') as HTMLInputElement;
    contrast.value = "0.5";
    contrast.dispatchEvent(new Event("input"));
    const actual = document.querySelector('[data-testid="image-actual-size"]') as HTMLInputElement;
    actual.checked = true;
    actual.dispatchEvent(new Event("change"));
    await settle();
    app.urlState.flush();
    expect(window.location.hash).toContain("img_brightness=1.5");
    expect(window.location.hash).toContain("img_contrast=0.5");
    expect(window.location.hash).toContain("img_actual=1");
    expect(view("images").view).toEqual({ brightness: 1.5, contrast: 0.5, actualSize: true, filter: "brightness(1.5) contrast(0.5)" });
    const root = document.querySelector('[data-testid="images-dashboard"]') as HTMLElement;
    expect(root.style.getPropertyValue("--tb-image-filter")).toBe("brightness(1.5) contrast(0.5)");
    expect(root.classList.contains("tb-images-actual")).toBe(true);
    expect(document.querySelector('[data-testid="image-brightness-value"]')?.textContent).toBe("150%");
    (document.querySelector('[data-testid="image-adjust-reset"]') as HTMLElement).click();
    await settle();
    expect(view("images").view?.filter).toBe("none");
    expect(loaded.length).toBe(2); // adjusting never refetches images
  });

  it("enlarges an image on click and closes on Escape", async () => {
    moveSlider(element("image-card", "b"), 2);
    await settle();
    (element("image-card", "b").querySelector('[data-testid="image"]') as HTMLElement).click();
    const box = document.querySelector('[data-testid="image-lightbox"]') as HTMLElement;
    expect(box.hidden).toBe(false);
    expect(view("images").enlarged).toBe(2);
    const shown = element("image-card", "b").querySelector('[data-testid="image"]')?.getAttribute("src");
    expect(box.querySelector('[data-testid="image-lightbox-image"]')?.getAttribute("src")).toBe(shown);
    expect(box.querySelector('[data-testid="image-lightbox-caption"]')?.textContent).toContain("solid · b · step 2");
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(box.hidden).toBe(true);
    expect(view("images").enlarged).toBe(null);
  });

  it("offers a sample slider when a step holds several images", async () => {
    client.samples = 3;
    client.push({ type: "points", kind: "images", updates: [{ run: "a", tag: "solid", total_points: 5, last_step: 4 }] });
    await settle();
    const card = element("image-card", "a");
    const row = card.querySelector(".tb-sample-slider") as HTMLElement;
    expect(row.hidden).toBe(false);
    moveSlider(card, 2, "sample-slider");
    await settle();
    expect(cardOf("images", "a", "solid")).toMatchObject({ sample: 2, samples: 3 });
    expect(imageUrls().at(-1)).toBe("a/solid@4#2");
    expect(card.querySelector('[data-testid="sample-value"]')?.textContent).toBe("image 3 of 3");
    expect((element("image-card", "b").querySelector(".tb-sample-slider") as HTMLElement).hidden).toBe(true);
  });

  it("shows the server's reason when an image cannot be loaded", async () => {
    client.fail = "run 'a' tag 'solid' has no step 3";
    const failing = async (img: HTMLImageElement, src: string): Promise<void> => {
      img.src = src;
      throw new Error("the browser could not load it");
    };
    const d = app.dashboard("images") as ImagesDashboard;
    expect(d).toBeInstanceOf(ImagesDashboard);
    stopPage();
    app = await startPage(client, { images: (context) => new ImagesDashboard(context, { loadImage: failing }) }, "#images");
    const card = element("image-card", "a");
    expect(card.dataset.state).toBe("error");
    expect(card.querySelector('[data-testid="card-status"]')?.textContent).toContain("has no step 3");
  });

  it("filters tags and says when every image tag is a video", async () => {
    app.urlState.update({ tagFilter: "nothing" });
    await settle();
    expect(document.querySelector('[data-testid="images-empty"]')?.textContent).toBe("No tags match the filter.");
    app.urlState.update({ tagFilter: "" });
    client.onlyVideos = true;
    client.push({ type: "tags", kind: "images", run: "a", added: ["clip"] });
    await settle();
    expect(view("images").cards).toEqual([]);
    expect(document.querySelector('[data-testid="images-empty"]')?.textContent).toContain("see the Video tab");
  });
});
