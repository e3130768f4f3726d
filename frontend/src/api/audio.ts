// The audio routes' wire types (docs/http/audio.md) and their conversion, for the Audio
// dashboard and its fake routes. The step listing and point query are the images routes'
// (images.ts).

import type { ApiClient, TagsIndex } from "./client";
import type { MediaTagInfo, MediaTags, PointRef } from "./images";
import { pointParams } from "./images";

export interface WireAudioInfo {
  readonly step: number;
  readonly index: number;
  readonly wall_time: number;
  readonly sample: number;
  readonly samples: number;
  readonly content_type: string;
  readonly bytes: number;
  readonly sample_rate: number | null;
  readonly channels: number | null;
  readonly bits_per_sample: number | null;
  readonly frames: number | null;
  readonly duration: number | null;
}

/** One clip's format, from its WAV header (null fields: not a WAV file). */
export interface AudioInfo {
  readonly contentType: string;
  readonly bytes: number;
  readonly sampleRate: number | null;
  readonly channels: number | null;
  readonly bitsPerSample: number | null;
  readonly frames: number | null;
  /** Seconds: frames / sample rate. */
  readonly duration: number | null;
}

export function convertAudioInfo(wire: WireAudioInfo): AudioInfo {
  return {
    contentType: wire.content_type,
    bytes: wire.bytes,
    sampleRate: wire.sample_rate,
    channels: wire.channels,
    bitsPerSample: wire.bits_per_sample,
    frames: wire.frames,
    duration: wire.duration,
  };
}

/** The core tag index of the audio kind, as the media frame takes it. */
export function audioTags(index: TagsIndex): MediaTags {
  const runs = new Map<string, Map<string, MediaTagInfo>>();
  for (const [run, tags] of index) {
    runs.set(run, new Map([...tags].map(([tag, info]) => [tag, { points: info.points, lastStep: info.lastStep, media: null }])));
  }
  return runs;
}

export async function fetchAudioInfo(client: ApiClient, ref: PointRef, signal?: AbortSignal): Promise<AudioInfo> {
  return convertAudioInfo(await client.getJson<WireAudioInfo>("api/audio/info", pointParams(ref), signal));
}

export function clipHref(client: ApiClient, ref: PointRef): string {
  return client.href("api/audio/clip", pointParams(ref));
}

/** "8000 Hz", "44100 Hz". */
export function formatRate(hz: number): string {
  return `${hz} Hz`;
}

export function formatChannels(channels: number): string {
  return channels === 1 ? "mono" : channels === 2 ? "stereo" : `${channels} channels`;
}
