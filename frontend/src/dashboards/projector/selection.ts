// The selected point and its nearest neighbours: what the inspector shows, fetched on
// selection and again when k or the distance changes.

import type { DashboardContext } from "../../core/dashboard";
import type { Embedding, Neighbor } from "./api";
import { spriteHref } from "./api";
import type { Inspector } from "./inspector";
import { NeighborLoader, thumbnailStyle } from "./loaders";
import type { PointLabels } from "./point_labels";
import type { SpriteAtlas } from "./scene_types";

export interface SelectionHost {
  readonly context: DashboardContext;
  readonly inspector: Inspector;
  readonly points: PointLabels;
  embedding(): Embedding | null;
  sprite(): SpriteAtlas | null;
  /** The highlight changed: restyle the points. */
  changed(): void;
  /** Requests in flight: +1 when one starts, -1 when it ends. */
  busy(delta: number): void;
}

export class Selection {
  index: number | null = null;
  neighbors: Neighbor[] | null = null;
  error: string | null = null;
  private readonly host: SelectionHost;
  private readonly loader: NeighborLoader;

  constructor(host: SelectionHost) {
    this.host = host;
    this.loader = new NeighborLoader(host.context);
  }

  select(index: number | null): void {
    this.index = index;
    this.neighbors = null;
    this.error = null;
    this.loader.cancel();
    this.show();
    this.host.changed();
    if (index !== null) void this.load(true);
  }

  /** Shows the selection (again, e.g. after the label column changed). */
  show(): void {
    const { inspector, points } = this.host;
    const index = this.index;
    if (index === null) return inspector.showPoint(null);
    const embedding = this.host.embedding();
    const sprite = this.host.sprite();
    const url = embedding ? spriteHref(this.host.context.client, embedding.run, embedding.name) : "";
    inspector.showPoint({ index, fields: points.fields(index), thumbnail: sprite && embedding ? thumbnailStyle(sprite, url, index) : null });
    if (this.neighbors !== null || this.error !== null) inspector.showNeighbors(this.neighbors, (i) => points.label(i), this.error);
  }

  /** Fetches the neighbours for the inspector's k and distance (unless just fetched, or `force`). */
  async load(force: boolean): Promise<void> {
    const { inspector, points } = this.host;
    const embedding = this.host.embedding();
    const index = this.index;
    const k = inspector.kValue();
    const distance = inspector.distanceValue();
    if (!embedding || index === null || (!force && this.loader.isRepeat(embedding, index, k, distance))) return;
    inspector.showNeighbors(null, (i) => points.label(i));
    this.host.busy(1);
    try {
      const neighbors = await this.loader.load(embedding, index, k, distance);
      if (neighbors === null) return;
      this.neighbors = neighbors;
      this.error = null;
    } catch (err) {
      this.error = `Could not find the neighbours: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.host.busy(-1);
    }
    this.show();
    this.host.changed();
  }
}
