// The Text dashboard: one card per (run, tag) of text summaries, grouped by tag prefix, each
// with a slider over all of its steps and the chosen step rendered as safe Markdown (or as
// a table of Markdown cells). markdown-it is loaded on first use (src/core/lazy_libs.ts).
// window.__trainboard.view("text") gives {cards: TextCardDebug[]}.

import type { Run, TagsIndex } from "../../api/client";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import { loadMarkdown } from "../../core/lazy_libs";
import { displayTag } from "./api";
import type { TextCardDebug, TextCardSpec } from "./card";
import { TextCard } from "./card";
import type { MarkdownRenderer } from "./render";
import { TagCardsDashboard } from "../../components/tag_cards_dashboard";
import "./text.css";

export interface TextOptions {
  /** The Markdown renderer (default: markdown-it, loaded lazily, raw HTML off). */
  readonly markdown?: () => Promise<MarkdownRenderer>;
}

export class TextDashboard extends TagCardsDashboard<TextCardSpec, TextCard> {
  private readonly markdown: () => Promise<MarkdownRenderer>;

  constructor(context: DashboardContext, options: TextOptions = {}) {
    super(context, "text", "text");
    this.markdown = options.markdown ?? loadMarkdown;
  }

  debug(): { cards: TextCardDebug[] } {
    return { cards: [...this.cards.values()].map((card) => card.debug()) };
  }

  protected specs(runs: readonly Run[], tags: TagsIndex): TextCardSpec[] {
    const specs: TextCardSpec[] = [];
    for (const run of runs) {
      for (const tag of tags.get(run.name)?.keys() ?? []) {
        specs.push({ key: `${run.name}\u0000${tag}`, tag: displayTag(tag), runs: [run.name], run: run.name, storedTag: tag });
      }
    }
    return specs;
  }

  protected createCard(spec: TextCardSpec): TextCard {
    const context = this.context;
    return new TextCard(spec, {
      client: context.client,
      queue: context.queue,
      visibility: context.visibility,
      color: (run) => context.color(run),
      markdown: () => this.markdown(),
    });
  }

  protected cardShows(card: TextCard, run: string, tag: string): boolean {
    return card.spec.run === run && card.spec.storedTag === tag;
  }
}

export const textDashboard: DashboardFactory = (context) => new TextDashboard(context);
