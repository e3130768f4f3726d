// Wire types of the images routes (docs/http/images.md) and their conversion to UI types,
// for the Images and Video dashboards; the step listing and point query are shared with
// Audio (docs/http/audio.md has the same shapes).

import type { ApiClient, QueryParams } from "./client";

export type Media = "image" | "video";

export interface WireMediaTagInfo {
  readonly points: number;
  readonly last_step: number | null;
  readonly display_name: string;
  readonly description: string;
  readonly media?: Media;
}

export interface WireImageTags {
  readonly media: Media | null;
  readonly tags: Readonly<Record<string, Readonly<Record<string, WireMediaTagInfo>>>>;
}

export interface WireStepListing {
  readonly run: string;
  readonly tag: string;
  readonly steps: readonly number[];
  readonly wall_times: readonly number[];
  readonly samples: readonly number[];
  readonly media?: Media;
}

export interface WireImageInfo {
  readonly step: number;
  readonly index: number;
  readonly wall_time: number;
  readonly sample: number;
  readonly samples: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly content_type: string;
  readonly bytes: number;
  readonly frames: number;
  readonly duration_ms: number | null;
}

export interface MediaTagInfo {
  readonly points: number;
  readonly lastStep: number | null;
  readonly media: Media | null;
}

/** run -> tag -> info */
export type MediaTags = ReadonlyMap<string, ReadonlyMap<string, MediaTagInfo>>;

/** One point of a listing: its position, step, wall time and how many samples it holds. */
export interface MediaPoint {
  readonly index: number;
  readonly step: number;
  readonly wallTime: number;
  readonly samples: number;
}

export interface StepListing {
  readonly run: string;
  readonly tag: string;
  readonly points: readonly MediaPoint[];
  readonly media: Media | null;
}

/** Which sample of which point: what a media request names. */
export interface PointRef {
  readonly run: string;
  readonly tag: string;
  readonly point: MediaPoint;
  readonly sample: number;
}

export interface ImageInfo {
  readonly width: number | null;
  readonly height: number | null;
  readonly contentType: string;
  readonly bytes: number;
  /** 1 for a still image. */
  readonly frames: number;
  /** One loop of an animated GIF as browsers play it; null for a still image. */
  readonly durationMs: number | null;
}

export function convertTags(wire: WireImageTags): MediaTags {
  const runs = new Map<string, Map<string, MediaTagInfo>>();
  for (const [run, tags] of Object.entries(wire.tags)) {
    const converted = new Map<string, MediaTagInfo>();
    for (const [tag, info] of Object.entries(tags)) {
      converted.set(tag, { points: info.points, lastStep: info.last_step, media: info.media ?? null });
    }
    runs.set(run, converted);
  }
  return runs;
}

export function convertListing(wire: WireStepListing): StepListing {
  const points = wire.steps.map((step, index) => ({
    index,
    step,
    wallTime: wire.wall_times[index] ?? NaN,
    samples: wire.samples[index] ?? 0,
  }));
  return { run: wire.run, tag: wire.tag, points, media: wire.media ?? null };
}

export function convertImageInfo(wire: WireImageInfo): ImageInfo {
  return {
    width: wire.width,
    height: wire.height,
    contentType: wire.content_type,
    bytes: wire.bytes,
    frames: wire.frames,
    durationMs: wire.duration_ms,
  };
}

/** The query naming one sample of one point (step, with its index as a hint). */
export function pointParams(ref: PointRef): QueryParams {
  return { run: ref.run, tag: ref.tag, step: ref.point.step, index: ref.point.index, sample: ref.sample };
}

/** Every image tag with its media (the Images and Video dashboards split them). */
export async function fetchImageTags(client: ApiClient, signal?: AbortSignal): Promise<MediaTags> {
  return convertTags(await client.getJson<WireImageTags>("api/images/tags", {}, signal));
}

/** `base`: "api/images" or "api/audio". */
export async function fetchListing(client: ApiClient, base: string, run: string, tag: string, signal?: AbortSignal): Promise<StepListing> {
  return convertListing(await client.getJson<WireStepListing>(`${base}/steps`, { run, tag }, signal));
}

export async function fetchImageInfo(client: ApiClient, ref: PointRef, signal?: AbortSignal): Promise<ImageInfo> {
  return convertImageInfo(await client.getJson<WireImageInfo>("api/images/info", pointParams(ref), signal));
}

export function imageHref(client: ApiClient, ref: PointRef): string {
  return client.href("api/images/image", pointParams(ref));
}

/** "1.25 s", "850 ms", "2 min 5.0 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Number(seconds.toFixed(2))} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${(seconds - 60 * minutes).toFixed(1)} s`;
}
