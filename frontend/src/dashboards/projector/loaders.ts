// What the Projector fetches beyond the listing: a projection (a job polled until it ends,
// then its coordinates, kept per key), a selected point's neighbours (each request once),
// and the sprite atlas.

import type { DashboardContext } from "../../core/dashboard";
import type { Distance, Embedding, Job, Method, MethodParams, Neighbor, Projection } from "./api";
import { fetchCoordinates, fetchNeighbors, requestProjection } from "./api";
import type { SpriteAtlas } from "./scene_types";

const POLL_WAIT_S = 2; // the server holds each poll this long unless the job finishes

export class ProjectionLoader {
  private generation = 0;
  private readonly coordinates = new Map<string, Projection>();
  private readonly context: DashboardContext;

  constructor(context: DashboardContext) {
    this.context = context;
  }

  /** Forget the projection being loaded (its answers are dropped). */
  cancel(): void {
    this.generation++;
  }

  /**
   * Starts or joins the job, reports every poll to `onJob`, and returns the coordinates; null
   * when a later load (or cancel) superseded this one. Throws when the job fails.
   */
  async load(embedding: Embedding, method: Method, params: MethodParams, onJob: (job: Job) => void): Promise<Projection | null> {
    const generation = ++this.generation;
    const { client, queue } = this.context;
    try {
      let job: Job;
      do {
        job = await queue.run(() => requestProjection(client, embedding.run, embedding.name, method, params, POLL_WAIT_S));
        if (generation !== this.generation) return null;
        onJob(job);
      } while (job.state === "queued" || job.state === "running");
      if (job.state === "error") throw new Error(job.error ?? "the projection failed");
      const key = job.key;
      const projection = this.coordinates.get(key) ?? (await queue.run(() => fetchCoordinates(client, key)));
      if (generation !== this.generation) return null;
      this.coordinates.set(key, projection);
      return projection;
    } catch (err) {
      if (generation !== this.generation) return null;
      throw err;
    }
  }
}

export class NeighborLoader {
  private generation = 0;
  private last = "";
  private readonly context: DashboardContext;

  constructor(context: DashboardContext) {
    this.context = context;
  }

  /** Whether this exact request was the last one made (a change event on blur repeats it). */
  isRepeat(embedding: Embedding, index: number, k: number, distance: Distance): boolean {
    return key(embedding, index, k, distance) === this.last;
  }

  /** The `k` nearest neighbours of point `index`; null when a later request superseded it. */
  async load(embedding: Embedding, index: number, k: number, distance: Distance): Promise<Neighbor[] | null> {
    this.last = key(embedding, index, k, distance);
    const generation = ++this.generation;
    const { client, queue } = this.context;
    try {
      const neighbors = await queue.run(() => fetchNeighbors(client, embedding.run, embedding.name, index, k, distance));
      return generation === this.generation ? neighbors : null;
    } catch (err) {
      if (generation !== this.generation) return null;
      throw err;
    }
  }

  cancel(): void {
    this.generation++;
    this.last = "";
  }
}

function key(embedding: Embedding, index: number, k: number, distance: Distance): string {
  return `${embedding.run}\0${embedding.name}\0${index}\0${k}\0${distance}`;
}

/** The sprite image, decoded, as a texture atlas (null where it cannot be decoded). */
export async function loadSprite(url: string, cell: { readonly width: number; readonly height: number }): Promise<SpriteAtlas | null> {
  const image = new Image();
  image.src = url;
  if (typeof image.decode !== "function") return null;
  await image.decode();
  return image.width > 0 ? { image, cellWidth: cell.width, cellHeight: cell.height } : null;
}

/** Where point `index`'s thumbnail sits in the sprite, scaled to about 64 px, for a CSS background. */
export function thumbnailStyle(atlas: SpriteAtlas, url: string, index: number): { url: string; x: number; y: number; width: number; height: number; sheetWidth: number; sheetHeight: number } {
  const columns = Math.max(1, Math.floor(atlas.image.width / atlas.cellWidth));
  const scale = Math.max(1, Math.floor(64 / Math.max(atlas.cellWidth, atlas.cellHeight)));
  return {
    url,
    x: (index % columns) * atlas.cellWidth * scale,
    y: Math.floor(index / columns) * atlas.cellHeight * scale,
    width: atlas.cellWidth * scale,
    height: atlas.cellHeight * scale,
    sheetWidth: atlas.image.width * scale,
    sheetHeight: atlas.image.height * scale,
  };
}
