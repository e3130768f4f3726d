// The enlarged view of one image: an overlay showing it as large as the window allows
// (whole pixels kept sharp), with its run, tag, step and wall time. A click anywhere or
// Escape closes it. It lives inside the dashboard's root, so the brightness and contrast
// set there apply to it too.
//
// Hooks: image-lightbox (data-step), image-lightbox-image, image-lightbox-caption,
// image-lightbox-close.

import { formatWallTime } from "../../charts/format";
import { h } from "../../core/dom";
import type { PointRef } from "../../api/images";

const MARGIN = 0.92; // of the window the enlarged image may cover

export class Lightbox {
  readonly element: HTMLElement;
  private readonly img: HTMLImageElement;
  private readonly caption: HTMLElement;
  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key === "Escape") this.close();
  };

  constructor() {
    this.img = h("img", { class: "tb-lightbox-image", "data-testid": "image-lightbox-image", alt: "" });
    this.caption = h("div", { class: "tb-lightbox-caption", "data-testid": "image-lightbox-caption" });
    const close = h("button", { type: "button", class: "tb-lightbox-close", "data-testid": "image-lightbox-close", "aria-label": "Close" }, "×");
    this.element = h(
      "div",
      { class: "tb-lightbox", "data-testid": "image-lightbox", role: "dialog", "aria-modal": "true" },
      this.img,
      this.caption,
      close,
    );
    this.element.hidden = true;
    this.element.addEventListener("click", () => this.close());
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Shows `src` (already loaded by a card, so its natural size is known). */
  open(src: string, ref: PointRef, naturalWidth: number, naturalHeight: number): void {
    this.img.src = src;
    const scale =
      naturalWidth > 0 && naturalHeight > 0
        ? Math.min((window.innerWidth * MARGIN) / naturalWidth, (window.innerHeight * MARGIN - 40) / naturalHeight)
        : 1;
    this.img.style.width = `${Math.max(1, Math.floor(naturalWidth * scale))}px`;
    this.img.style.height = `${Math.max(1, Math.floor(naturalHeight * scale))}px`;
    this.img.classList.toggle("tb-pixelated", scale > 1);
    const wall = Number.isFinite(ref.point.wallTime) ? formatWallTime(ref.point.wallTime) : "";
    const sample = ref.point.samples > 1 ? ` · image ${ref.sample + 1} of ${ref.point.samples}` : "";
    this.caption.textContent = `${ref.tag} · ${ref.run} · step ${ref.point.step}${sample} · ${wall} · ${naturalWidth} × ${naturalHeight} px`;
    this.element.dataset.step = String(ref.point.step);
    this.element.hidden = false;
    document.addEventListener("keydown", this.onKey);
  }

  close(): void {
    this.element.hidden = true;
    this.img.removeAttribute("src");
    document.removeEventListener("keydown", this.onKey);
  }
}
