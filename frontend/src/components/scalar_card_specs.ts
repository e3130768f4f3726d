// Which scalar cards to show and how they group (the Scalars dashboard and the "all" view).
//
// One card per tag, with a line per drawn run that has it. The sub-runs add_scalars creates
// (same parent, same group_tag) are drawn together on their own card titled by the
// group_tag (their shared main_tag), one such card per parent. Cards group by tag prefix (the
// part before the first "/"); the tag filter is a case-insensitive regex over tags. Cards
// without any drawn run are left out (TensorBoard's "hide empty cards").

import type { Run, TagsIndex } from "../api/client";
import type { TagGroup } from "./tag_groups";
import { compareStrings as compare, groupByPrefix } from "./tag_groups";

export { tagPrefix } from "./tag_groups";

export interface CardSpec {
  /** Unique among cards: the tag, plus the parent for an add_scalars group. */
  readonly key: string;
  readonly tag: string;
  /** The add_scalars parent run for a group card, else null. */
  readonly parent: string | null;
  readonly runs: readonly string[];
}

export type CardGroup = TagGroup<CardSpec>;

export function cardKey(tag: string, parent: string | null): string {
  return parent === null ? tag : `${tag}\u0000${parent}`;
}

/** The cards for the drawn runs, grouped and sorted. */
export function buildCardGroups(
  runs: readonly Run[],
  tags: TagsIndex,
  drawn: ReadonlySet<string>,
  tagFilter: string,
): CardGroup[] {
  const cards = new Map<string, { tag: string; parent: string | null; runs: string[] }>();
  for (const run of runs) {
    if (!drawn.has(run.name)) continue;
    for (const tag of tags.get(run.name)?.keys() ?? []) {
      const parent = run.parent !== null && run.groupTag === tag ? run.parent : null;
      const key = cardKey(tag, parent);
      let card = cards.get(key);
      if (!card) {
        card = { tag, parent, runs: [] };
        cards.set(key, card);
      }
      card.runs.push(run.name);
    }
  }
  const specs: CardSpec[] = [...cards].map(([key, card]) => ({ key, tag: card.tag, parent: card.parent, runs: card.runs.sort(compare) }));
  return groupByPrefix(specs, (spec) => spec.tag, tagFilter, (a, b) => compare(a.tag, b.tag) || compare(a.parent ?? "", b.parent ?? ""));
}
