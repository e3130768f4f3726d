// One image card: the chosen step's image (fetched alone, as an <img>), its size, and a
// click that enlarges it. Brightness, contrast and actual size are the dashboard's (CSS on
// its root), so every card and the enlarged view follow them.
//
// Hooks: image-card (see src/components/media_step_card.ts), image (the <img>, data-natural-width/-height),
// image-size.

import { h } from "../../core/dom";
import type { PointRef } from "../../api/images";
import { imageHref, pointParams } from "../../api/images";
import type { MediaCardSpec } from "../../components/media_dashboard";
import type { ImageLoader, StepCardEnv } from "../../components/media_step_card";
import { StepCard, loadImage, loadWithReason } from "../../components/media_step_card";

export interface ImageCardEnv extends StepCardEnv {
  readonly loadImage?: ImageLoader;
  enlarge(card: ImageCard): void;
}

export class ImageCard extends StepCard {
  readonly img: HTMLImageElement;
  private readonly size: HTMLSpanElement;
  private readonly loader: ImageLoader;

  constructor(spec: MediaCardSpec, env: ImageCardEnv) {
    super(spec, env, { testId: "image-card", base: "api/images", noun: "image" });
    this.loader = env.loadImage ?? loadImage;
    this.img = h("img", { class: "tb-image", "data-testid": "image", alt: `${spec.tag} (${spec.run})`, title: "Click to enlarge" });
    this.img.addEventListener("click", () => env.enlarge(this));
    this.size = h("span", { class: "tb-media-meta", "data-testid": "image-size" });
    this.content.append(h("div", { class: "tb-image-frame" }, this.img), this.size);
  }

  /** What the card shows, for the enlarged view. */
  get current(): PointRef | null {
    return this.shown;
  }

  protected async render(ref: PointRef, signal: AbortSignal): Promise<void> {
    const src = imageHref(this.env.client, ref);
    await loadWithReason(
      () => this.loader(this.img, src, signal),
      () => this.env.client.getBytes("api/images/image", pointParams(ref), signal),
    );
    const { naturalWidth: width, naturalHeight: height } = this.img;
    this.img.dataset.naturalWidth = String(width);
    this.img.dataset.naturalHeight = String(height);
    this.size.textContent = width > 0 ? `${width} × ${height} px` : "";
    this.img.classList.toggle("tb-pixelated", width > 0 && width < this.img.clientWidth);
  }

  protected clear(): void {
    this.img.removeAttribute("src");
    this.size.textContent = "";
  }

  protected debugExtra(): Record<string, unknown> {
    return {
      src: this.img.getAttribute("src"),
      naturalWidth: this.img.naturalWidth,
      naturalHeight: this.img.naturalHeight,
    };
  }
}
