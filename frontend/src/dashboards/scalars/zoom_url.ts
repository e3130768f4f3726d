// A scalar card's zoom in the URL, so a shared link shows the same x range: one parameter per
// zoomed card, named after the card ("zoom:loss/train", "zoom:<tag>|<parent>" for an
// add_scalars group card), holding the x axis the range is in and the range:
//   #scalars?zoom%3Aloss%2Ftrain=step%3A100%2C400        (steps 100 to 400)
// A range in another x axis than the one shown is ignored (the axis may come from the
// reader's own settings), as is a malformed one.

import type { XAxis } from "../../api/client";
import type { Range } from "../../charts/scale_range";

const AXES: readonly XAxis[] = ["step", "relative", "wall"];

/** The URL parameter holding the zoom of the card of `tag` (and add_scalars `parent`). */
export function zoomParamName(tag: string, parent: string | null): string {
  return parent === null ? `zoom:${tag}` : `zoom:${tag}|${parent}`;
}

export function formatZoom(xaxis: XAxis, range: Range): string {
  return `${xaxis}:${range[0]},${range[1]}`;
}

/** The range `text` holds for the x axis `xaxis`, or null (absent, malformed, other axis). */
export function parseZoom(text: string | null | undefined, xaxis: XAxis): Range | null {
  if (!text) return null;
  const cut = text.indexOf(":");
  const axis = text.slice(0, cut);
  if (cut < 0 || !(AXES as readonly string[]).includes(axis) || axis !== xaxis) return null;
  const parts = text.slice(cut + 1).split(",");
  if (parts.length !== 2 || parts.some((p) => p.trim() === "")) return null;
  const [lo, hi] = parts.map(Number) as [number, number];
  return Number.isFinite(lo) && Number.isFinite(hi) && lo < hi ? [lo, hi] : null;
}
