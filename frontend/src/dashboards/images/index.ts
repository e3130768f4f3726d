// The Images dashboard: one card per (run, tag) of image summaries that are not videos (an
// image tag whose first image is an animated GIF is on the Video tab), each with a slider
// over every step it has; brightness, contrast and actual size for all cards; a click on
// an image enlarges it. window.__trainboard.view("images") gives
// {view: {brightness, contrast, actualSize, filter}, enlarged: step | null, cards: [...]}.

import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import type { AppState } from "../../core/url_state";
import type { MediaTagInfo, MediaTags } from "../../api/images";
import { fetchImageTags } from "../../api/images";
import type { ImageView } from "./controls";
import { ImageControls, imageFilter, paramsOfView, viewFromParams } from "./controls";
import type { ImageLoader } from "../../components/media_step_card";
import { ImageCard } from "./image_card";
import { Lightbox } from "./lightbox";
import type { MediaCardSpec } from "../../components/media_dashboard";
import { MediaDashboard } from "../../components/media_dashboard";
import "../../components/media.css";

export interface ImagesOptions {
  /** Loads an <img> (tests without a browser pass a stand-in). */
  readonly loadImage?: ImageLoader;
}

export class ImagesDashboard extends MediaDashboard<ImageCard> {
  private readonly controls: ImageControls;
  private readonly lightbox = new Lightbox();
  private readonly loadImage: ImageLoader | undefined;
  private view: ImageView;

  constructor(context: DashboardContext, options: ImagesOptions = {}) {
    const controls = new ImageControls((view) => context.setParams(paramsOfView(view)));
    super(context, "images", "images", [controls.element]);
    this.controls = controls;
    this.loadImage = options.loadImage;
    this.view = viewFromParams((name) => context.param(name));
    this.element.append(this.lightbox.element);
    this.applyView();
    this.start();
  }

  protected fetchTags(): Promise<MediaTags> {
    return fetchImageTags(this.context.client);
  }

  protected shows(info: MediaTagInfo): boolean {
    return info.media !== "video";
  }

  protected noDataMessage(tags: MediaTags): string {
    const videos = [...tags.values()].some((t) => t.size > 0);
    return videos
      ? "Every image tag here holds videos (animated GIFs): see the Video tab."
      : "No image data in this logdir yet. Log some with SummaryWriter.add_image().";
  }

  protected createCard(spec: MediaCardSpec): ImageCard {
    return new ImageCard(spec, {
      client: this.context.client,
      queue: this.context.queue,
      visibility: this.context.visibility,
      color: (run) => this.context.color(run),
      enlarge: (card) => this.enlarge(card),
      actions: this.cardActions(spec),
      linkedStep: () => this.linkedStep,
      ...(this.loadImage ? { loadImage: this.loadImage } : {}),
    });
  }

  override stateChanged(next: AppState, previous: AppState): void {
    super.stateChanged(next, previous);
    if (next.params !== previous.params) {
      this.view = viewFromParams((name) => this.context.param(name));
      this.applyView();
    }
  }

  override hide(): void {
    this.lightbox.close();
  }

  override debug(): { cards: Record<string, unknown>[] } & Record<string, unknown> {
    return {
      view: { ...this.view, filter: imageFilter(this.view) },
      enlarged: this.lightbox.isOpen ? Number(this.lightbox.element.dataset.step) : null,
      ...super.debug(),
    };
  }

  private applyView(): void {
    this.controls.show(this.view);
    this.element.style.setProperty("--tb-image-filter", imageFilter(this.view));
    this.element.classList.toggle("tb-images-actual", this.view.actualSize);
  }

  private enlarge(card: ImageCard): void {
    const ref = card.current;
    const src = card.img.getAttribute("src");
    if (ref === null || !src) return;
    this.lightbox.open(src, ref, card.img.naturalWidth, card.img.naturalHeight);
  }
}

export const imagesDashboard: DashboardFactory = (context) => new ImagesDashboard(context);
