// One audio card: a player for the chosen step's clip (fetched by the <audio> element when
// played; the server answers byte ranges, so it can seek), with the clip's sample rate,
// length, channels and sample size read from its WAV header on the server
// (GET /api/audio/info).
//
// Hooks: audio-card (see src/components/media_step_card.ts), audio (the <audio>), audio-rate
// (data-rate), audio-duration (data-duration, seconds), audio-format.

import { h } from "../../core/dom";
import type { PointRef } from "../../api/images";
import { formatDuration } from "../../api/images";
import type { MediaCardSpec } from "../../components/media_dashboard";
import type { StepCardEnv } from "../../components/media_step_card";
import { StepCard, throwIfAborted } from "../../components/media_step_card";
import type { AudioInfo } from "../../api/audio";
import { clipHref, fetchAudioInfo, formatChannels, formatRate } from "../../api/audio";

export class AudioCard extends StepCard {
  private readonly audio: HTMLAudioElement;
  private readonly rate: HTMLSpanElement;
  private readonly duration: HTMLSpanElement;
  private readonly format: HTMLSpanElement;
  private info: AudioInfo | null = null;

  constructor(spec: MediaCardSpec, env: StepCardEnv) {
    super(spec, env, { testId: "audio-card", base: "api/audio", noun: "clip" });
    this.audio = h("audio", { class: "tb-audio-player", "data-testid": "audio", controls: true, preload: "metadata" });
    this.rate = h("span", { class: "tb-media-meta", "data-testid": "audio-rate" });
    this.duration = h("span", { class: "tb-media-meta", "data-testid": "audio-duration" });
    this.format = h("span", { class: "tb-media-meta", "data-testid": "audio-format" });
    this.content.append(this.audio, h("div", { class: "tb-media-row" }, this.duration, this.rate, this.format));
  }

  protected async render(ref: PointRef, signal: AbortSignal): Promise<void> {
    const info = await fetchAudioInfo(this.env.client, ref, signal);
    throwIfAborted(signal);
    this.info = info;
    const src = clipHref(this.env.client, ref);
    if (this.audio.getAttribute("src") !== src) this.audio.src = src;
    this.duration.textContent = info.duration === null ? "" : formatDuration(info.duration);
    this.duration.dataset.duration = info.duration === null ? "" : String(info.duration);
    this.rate.textContent = info.sampleRate === null ? info.contentType : formatRate(info.sampleRate);
    this.rate.dataset.rate = info.sampleRate === null ? "" : String(info.sampleRate);
    const parts = [
      info.channels === null ? null : formatChannels(info.channels),
      info.bitsPerSample === null ? null : `${info.bitsPerSample}-bit`,
      info.frames === null ? null : `${info.frames} samples`,
    ];
    this.format.textContent = parts.filter((p) => p !== null).join(" · ");
  }

  protected clear(): void {
    this.audio.removeAttribute("src");
    this.info = null;
    for (const el of [this.rate, this.duration, this.format]) el.textContent = "";
  }

  protected debugExtra(): Record<string, unknown> {
    const elementDuration = this.audio.duration;
    return {
      src: this.audio.getAttribute("src"),
      sampleRate: this.info?.sampleRate ?? null,
      duration: this.info?.duration ?? null,
      frames: this.info?.frames ?? null,
      channels: this.info?.channels ?? null,
      elementDuration: Number.isFinite(elementDuration) ? elementDuration : null,
    };
  }
}
