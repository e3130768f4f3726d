// The Text dashboard's wire types (docs/http/text.md) and their conversion to UI types.

import type { ApiClient } from "../../api/client";
import type { StepPoint } from "../../components/step_slider";

export interface WireTextSteps {
  readonly run: string;
  readonly tag: string;
  readonly display_tag: string;
  readonly steps: readonly number[];
  readonly wall_times: readonly number[];
}

export interface WireTextStep {
  readonly run: string;
  readonly tag: string;
  readonly step: number;
  readonly wall_time: number;
  readonly shape: readonly number[];
  readonly markdown: string | null;
  readonly table: readonly (readonly string[])[] | null;
  readonly sliced: boolean;
  readonly total_rows: number;
}

/** One step's strings: a Markdown text, or a table whose cells are Markdown. */
export interface TextContent {
  readonly run: string;
  readonly tag: string;
  readonly step: number;
  readonly wallTime: number;
  /** The shape of the tensor as written. */
  readonly shape: readonly number[];
  readonly markdown: string | null;
  readonly table: readonly (readonly string[])[] | null;
  /** A tensor of rank > 2 shown as its first 2-D slice. */
  readonly sliced: boolean;
  /** Rows of the whole table (the server sends at most 10,000 cells). */
  readonly totalRows: number;
}

export const TEXT_SUFFIX = "/text_summary";

/** The tag as the user named it: the "/text_summary" torch and tensorboardX append removed. */
export function displayTag(tag: string): string {
  return tag.endsWith(TEXT_SUFFIX) && tag.length > TEXT_SUFFIX.length ? tag.slice(0, -TEXT_SUFFIX.length) : tag;
}

export function convertSteps(wire: WireTextSteps): StepPoint[] {
  return wire.steps.map((step, i) => ({ step, wallTime: wire.wall_times[i] ?? NaN }));
}

export function convertContent(wire: WireTextStep): TextContent {
  return {
    run: wire.run,
    tag: wire.tag,
    step: wire.step,
    wallTime: wire.wall_time,
    shape: wire.shape,
    markdown: wire.markdown,
    table: wire.table,
    sliced: wire.sliced,
    totalRows: wire.total_rows,
  };
}

export async function fetchSteps(client: ApiClient, run: string, tag: string, signal?: AbortSignal): Promise<StepPoint[]> {
  return convertSteps(await client.getJson<WireTextSteps>("api/text/steps", { run, tag }, signal));
}

/** One step's content; `step` null asks for the latest. */
export async function fetchContent(
  client: ApiClient,
  run: string,
  tag: string,
  step: number | null,
  signal?: AbortSignal,
): Promise<TextContent> {
  return convertContent(await client.getJson<WireTextStep>("api/text", { run, tag, step }, signal));
}
