// The Audio dashboard: one card per (run, tag) of audio summaries, each a player over every
// step the tag has, with the clip's sample rate and length. Tags come from the core
// GET /api/tags?kind=audio. window.__trainboard.view("audio") gives {cards: [...]}.

import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import type { MediaTags } from "../../api/images";
import type { MediaCardSpec } from "../../components/media_dashboard";
import { MediaDashboard } from "../../components/media_dashboard";
import "../../components/media.css";
import { audioTags } from "../../api/audio";
import { AudioCard } from "./audio_card";

export class AudioDashboard extends MediaDashboard<AudioCard> {
  constructor(context: DashboardContext) {
    super(context, "audio", "audio", []);
    this.start();
  }

  protected async fetchTags(): Promise<MediaTags> {
    return audioTags(await this.context.client.tags("audio"));
  }

  protected shows(): boolean {
    return true;
  }

  protected noDataMessage(): string {
    return "No audio in this logdir yet. Log some with SummaryWriter.add_audio().";
  }

  protected createCard(spec: MediaCardSpec): AudioCard {
    return new AudioCard(spec, {
      client: this.context.client,
      queue: this.context.queue,
      visibility: this.context.visibility,
      color: (run) => this.context.color(run),
      actions: this.cardActions(spec),
      linkedStep: () => this.linkedStep,
    });
  }
}

export const audioDashboard: DashboardFactory = (context) => new AudioDashboard(context);
