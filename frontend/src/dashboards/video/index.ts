// The Video dashboard: add_video writes animated GIFs as image summaries, so this shows the
// image tags whose first image is an animated GIF (the server sniffs it: the "video" media
// of GET /api/images/tags), one card per (run, tag), each with a step slider and the GIF
// playing in the page. window.__trainboard.view("video") gives {cards: [...]}.

import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import type { MediaTagInfo, MediaTags } from "../../api/images";
import { fetchImageTags } from "../../api/images";
import type { ImageLoader } from "../../components/media_step_card";
import type { MediaCardSpec } from "../../components/media_dashboard";
import { MediaDashboard } from "../../components/media_dashboard";
import "../../components/media.css";
import { VideoCard } from "./video_card";

export interface VideoOptions {
  /** Loads an <img> (tests without a browser pass a stand-in). */
  readonly loadImage?: ImageLoader;
}

export class VideoDashboard extends MediaDashboard<VideoCard> {
  private readonly loadImage: ImageLoader | undefined;

  constructor(context: DashboardContext, options: VideoOptions = {}) {
    super(context, "video", "images", []);
    this.loadImage = options.loadImage;
    this.start();
  }

  protected fetchTags(): Promise<MediaTags> {
    return fetchImageTags(this.context.client);
  }

  protected shows(info: MediaTagInfo): boolean {
    return info.media === "video";
  }

  protected noDataMessage(): string {
    return "No videos in this logdir yet. Log some with SummaryWriter.add_video().";
  }

  protected createCard(spec: MediaCardSpec): VideoCard {
    return new VideoCard(spec, {
      client: this.context.client,
      queue: this.context.queue,
      visibility: this.context.visibility,
      color: (run) => this.context.color(run),
      actions: this.cardActions(spec),
      linkedStep: () => this.linkedStep,
      ...(this.loadImage ? { loadImage: this.loadImage } : {}),
    });
  }
}

export const videoDashboard: DashboardFactory = (context) => new VideoDashboard(context);
