// One video card: add_video's animated GIF of the chosen step, playing in the page, with its
// frame count, loop length and size (GET /api/images/info, read from the GIF's blocks on
// the server) and a button that plays it again from its first frame.
//
// Hooks: video-card (see src/components/media_step_card.ts), video (the <img>), video-frames
// (data-frames), video-duration (data-duration-ms), video-size, video-replay.

import { h } from "../../core/dom";
import type { ImageInfo, PointRef } from "../../api/images";
import { fetchImageInfo, formatDuration, imageHref } from "../../api/images";
import type { MediaCardSpec } from "../../components/media_dashboard";
import type { ImageLoader, StepCardEnv } from "../../components/media_step_card";
import { StepCard, loadImage, throwIfAborted } from "../../components/media_step_card";

export interface VideoCardEnv extends StepCardEnv {
  readonly loadImage?: ImageLoader;
}

export class VideoCard extends StepCard {
  private readonly video: HTMLImageElement;
  private readonly frames: HTMLSpanElement;
  private readonly duration: HTMLSpanElement;
  private readonly size: HTMLSpanElement;
  private readonly loader: ImageLoader;
  private info: ImageInfo | null = null;

  constructor(spec: MediaCardSpec, env: VideoCardEnv) {
    super(spec, env, { testId: "video-card", base: "api/images", noun: "video" });
    this.loader = env.loadImage ?? loadImage;
    this.video = h("img", { class: "tb-video-gif", "data-testid": "video", alt: `${spec.tag} (${spec.run})` });
    this.frames = h("span", { class: "tb-media-meta", "data-testid": "video-frames" });
    this.duration = h("span", { class: "tb-media-meta", "data-testid": "video-duration" });
    this.size = h("span", { class: "tb-media-meta", "data-testid": "video-size" });
    const replay = h("button", { type: "button", "data-testid": "video-replay", title: "Play from the first frame" }, "↻ Replay");
    replay.addEventListener("click", () => this.replay());
    this.content.append(h("div", { class: "tb-video-frame" }, this.video), h("div", { class: "tb-media-row" }, this.frames, this.duration, this.size, replay));
  }

  protected async render(ref: PointRef, signal: AbortSignal): Promise<void> {
    // The info first: it fails with the server's reason (an unknown step, say).
    const info = await fetchImageInfo(this.env.client, ref, signal);
    throwIfAborted(signal);
    await this.loader(this.video, imageHref(this.env.client, ref), signal);
    this.info = info;
    this.frames.textContent = `${info.frames} frame${info.frames === 1 ? "" : "s"}`;
    this.frames.dataset.frames = String(info.frames);
    const ms = info.durationMs;
    this.duration.textContent = ms === null ? "" : `${formatDuration(ms / 1000)}${ms > 0 ? ` (${Number(((1000 * info.frames) / ms).toFixed(2))} fps)` : ""}`;
    this.duration.dataset.durationMs = ms === null ? "" : String(ms);
    this.size.textContent = info.width !== null && info.height !== null ? `${info.width} × ${info.height} px` : "";
  }

  protected clear(): void {
    this.video.removeAttribute("src");
    this.info = null;
    for (const el of [this.frames, this.duration, this.size]) el.textContent = "";
  }

  protected debugExtra(): Record<string, unknown> {
    return {
      src: this.video.getAttribute("src"),
      frames: this.info?.frames ?? null,
      durationMs: this.info?.durationMs ?? null,
      width: this.info?.width ?? null,
      height: this.info?.height ?? null,
    };
  }

  /** Restarts the animation: browsers restart a GIF whose <img> gets its source again. */
  private replay(): void {
    const src = this.video.getAttribute("src");
    if (!src) return;
    this.video.removeAttribute("src");
    void this.video.offsetWidth; // let the removal take effect before the source returns
    this.video.setAttribute("src", src);
  }
}
