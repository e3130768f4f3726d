// The PR curves dashboard: one card per tag, drawing each selected run's precision-recall
// curve (x recall, y precision) in the run's colour, with a step slider per run and the
// thresholds under the cursor in the tooltip. window.__trainboard.view("pr_curves") gives
// {cards: PrCardDebug[]}.

import type { Run, TagsIndex } from "../../api/client";
import type { DashboardContext, DashboardFactory } from "../../core/dashboard";
import type { TagCardSpec } from "../../components/tag_cards_dashboard";
import { TagCardsDashboard } from "../../components/tag_cards_dashboard";
import type { PrCardDebug, PrChartFactory } from "./card";
import { PrCard } from "./card";
import { PrChart } from "./chart";
import "./pr_curves.css";

export interface PrCurvesOptions {
  /** A stand-in chart for tests (no canvas there). */
  readonly createChart?: PrChartFactory;
}

export class PrCurvesDashboard extends TagCardsDashboard<TagCardSpec, PrCard> {
  private readonly createChart: PrChartFactory;

  constructor(context: DashboardContext, options: PrCurvesOptions = {}) {
    super(context, "pr_curves", "PR curve");
    this.createChart = options.createChart ?? ((root, width, height, theme) => new PrChart(root, width, height, theme));
  }

  debug(): { cards: PrCardDebug[] } {
    return { cards: [...this.cards.values()].map((card) => card.debug()) };
  }

  protected specs(runs: readonly Run[], tags: TagsIndex): TagCardSpec[] {
    const byTag = new Map<string, string[]>();
    for (const run of runs) {
      for (const tag of tags.get(run.name)?.keys() ?? []) {
        const list = byTag.get(tag) ?? [];
        list.push(run.name);
        byTag.set(tag, list);
      }
    }
    return [...byTag].map(([tag, names]) => ({ key: tag, tag, runs: names }));
  }

  protected createCard(spec: TagCardSpec): PrCard {
    const context = this.context;
    return new PrCard(spec, {
      client: context.client,
      createChart: this.createChart,
      queue: context.queue,
      visibility: context.visibility,
      color: (run) => context.color(run),
      theme: () => context.theme(),
    });
  }

  protected cardShows(card: PrCard, run: string, tag: string): boolean {
    return card.spec.tag === tag && card.spec.runs.includes(run);
  }
}

export const prCurvesDashboard: DashboardFactory = (context) => new PrCurvesDashboard(context);
