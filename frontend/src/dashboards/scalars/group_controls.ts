// The "Group runs" control of the Scalars toolbar: off, or by a hyperparameter (the columns of
// GET /api/hparams), a regex capture on the run name, a note tag (GET /api/runs/notes) or the
// ranks of a run written by several processes; then the line (mean, median, rank 0 where it
// applies) and the band (min–max, ± std, p10–p90). Every choice goes to the URL
// (group_settings.ts); a kind chosen without its argument yet (an empty regex) waits here
// until one is given. The hyperparameters and note tags are loaded when first needed.
//
// The regex is Python's (the server's `re`), so the server judges it: there is no check here
// (JavaScript's RegExp refuses patterns re accepts, e.g. (?P<name>...) and (?i)); a pattern
// the server refuses comes back through showError, and its message (naming the pattern and
// re's error) is shown beside the regex box until another grouping is chosen.
//
// Hooks: group-controls, group-by-kind (select: "" or a kind), group-by-hparam (select),
// group-by-regex (input; applied on change, aria-invalid while the server refuses it),
// group-regex-error (the server's message), group-by-tag (select), group-stat, group-band.

import type { ApiClient } from "../../api/client";
import { h } from "../../core/dom";
import type { AppState } from "../../core/url_state";
import { scalarSettings } from "../../components/scalar_settings";
import { fetchHparamNames, fetchNoteTags } from "./group_api";
import type { Choice, GroupBand, GroupInput, GroupKind, GroupStat, Grouping } from "./group_settings";
import { GROUP_BANDS, GROUP_KINDS, GROUP_STATS, applies, groupingOf, groupingParams, joinGroupBy, splitGroupBy } from "./group_settings";

export interface GroupControlsContext {
  readonly client: ApiClient;
  setParams(patch: Record<string, string | null>): void;
}

function options<T extends string>(select: HTMLSelectElement, choices: readonly { value: T | ""; label: string }[]): void {
  const current = select.value;
  select.replaceChildren(...choices.map((c) => h("option", { value: c.value }, c.label)));
  if (choices.some((c) => c.value === current)) select.value = current;
}

export class GroupControls {
  readonly element: HTMLElement;
  private readonly context: GroupControlsContext;
  private readonly kind: HTMLSelectElement;
  private readonly hparam: HTMLSelectElement;
  private readonly regex: HTMLInputElement;
  private readonly tag: HTMLSelectElement;
  private readonly stat: HTMLSelectElement;
  private readonly band: HTMLSelectElement;
  private readonly details: HTMLElement;
  private readonly stepNote: HTMLElement;
  private readonly regexError: HTMLElement;
  /** The server's refusal of a grouping: the `by` refused and why (null: none). */
  private error: { by: string; message: string } | null = null;
  /** A kind the user picked whose argument is not given yet (null: the URL's kind). */
  private pending: GroupKind | null = null;
  private grouping: Grouping = { by: null, stat: GROUP_STATS[0].value, band: GROUP_BANDS[0].value };
  private readonly lists: Partial<Record<GroupInput, { names: string[] | null; loading: boolean }>> = {};

  constructor(context: GroupControlsContext) {
    this.context = context;
    this.kind = h("select", { "data-testid": "group-by-kind", "aria-label": "Group runs by" });
    options(this.kind, [{ value: "", label: "Off" }, ...GROUP_KINDS.map((k) => ({ value: k.kind, label: k.label }))]);
    this.hparam = h("select", { "data-testid": "group-by-hparam", "aria-label": "Hyperparameter" });
    this.regex = h("input", {
      type: "text",
      class: "tb-group-regex",
      "data-testid": "group-by-regex",
      "aria-label": "Regex over run names (first capture group)",
      placeholder: "regex, e.g. lr_([^/]+)",
      spellcheck: "false",
    });
    this.tag = h("select", { "data-testid": "group-by-tag", "aria-label": "Note tag" });
    this.stat = h("select", { "data-testid": "group-stat", "aria-label": "Group line" });
    this.band = h("select", { "data-testid": "group-band", "aria-label": "Group band" });
    options(this.band, GROUP_BANDS);

    this.kind.addEventListener("change", () => this.kindChosen());
    this.hparam.addEventListener("change", () => this.apply(this.hparam.value));
    this.tag.addEventListener("change", () => this.apply(this.tag.value));
    this.regex.addEventListener("change", () => this.apply(this.regex.value));
    this.stat.addEventListener("change", () => context.setParams(groupingParams({ stat: this.stat.value as GroupStat })));
    this.band.addEventListener("change", () => context.setParams(groupingParams({ band: this.band.value as GroupBand })));

    const labelled = (text: string, ...controls: HTMLElement[]): HTMLElement =>
      h("label", { class: "tb-control" }, h("span", { class: "tb-control-label" }, text), ...controls);
    this.stepNote = h("span", { class: "tb-group-note", "data-testid": "group-step-note" }, "Grouped charts are drawn over steps.");
    this.regexError = h("span", { class: "tb-group-error", role: "alert", "data-testid": "group-regex-error" });
    this.details = h("span", { class: "tb-group-details" }, this.hparam, this.regex, this.regexError, this.tag, labelled("Line", this.stat), labelled("Band", this.band), this.stepNote);
    this.element = h("div", { class: "tb-controls tb-group-controls", "data-testid": "group-controls" }, labelled("Group runs", this.kind), this.details);
    this.render();
  }

  /** Shows `state`'s grouping (without firing change events). */
  show(state: AppState): void {
    this.grouping = groupingOf(state);
    // The server aggregates by step: another x axis setting does not apply while grouped.
    this.stepNote.hidden = scalarSettings(state).xaxis === "step";
    if (this.grouping.by !== null) this.pending = null;
    this.render();
  }

  /** The server refused grouping by `by` with `message`: shown beside the regex box while `by` is the grouping. */
  showError(by: string, message: string): void {
    if (this.error?.by === by && this.error.message === message) return;
    this.error = { by, message };
    this.render();
  }

  /** The kind shown: the one picked and waiting for its argument, else the URL's. */
  private shownKind(): { kind: GroupKind; value: string } | null {
    if (this.pending) return { kind: this.pending, value: "" };
    return this.grouping.by ? splitGroupBy(this.grouping.by) : null;
  }

  private render(): void {
    const shown = this.shownKind();
    this.kind.value = shown?.kind.kind ?? "";
    this.details.hidden = shown === null;
    const input = shown?.kind.input ?? "none";
    this.hparam.hidden = input !== "hparam";
    this.regex.hidden = input !== "regex";
    this.tag.hidden = input !== "tag";
    if (input === "hparam") this.fillList("hparam", this.hparam, shown?.value ?? "");
    if (input === "tag") this.fillList("tag", this.tag, shown?.value ?? "");
    if (input === "regex" && document.activeElement !== this.regex) this.regex.value = shown?.value ?? "";
    const refused = input === "regex" && this.pending === null && this.error !== null && this.error.by === this.grouping.by ? this.error.message : null;
    this.regex.setAttribute("aria-invalid", String(refused !== null));
    this.regexError.hidden = refused === null;
    this.regexError.textContent = refused ?? "";
    this.regexError.title = refused ?? "";
    const kindName = shown?.kind.kind;
    options(this.stat, (GROUP_STATS as readonly Choice<GroupStat>[]).filter((c) => applies(GROUP_STATS, c.value, kindName)));
    this.stat.value = this.grouping.stat;
    this.band.value = this.grouping.band;
  }

  /** Fills a list of names (loading it first), keeping `value` among them. */
  private fillList(input: "hparam" | "tag", select: HTMLSelectElement, value: string): void {
    const list = (this.lists[input] ??= { names: null, loading: false });
    if (list.names === null && !list.loading) {
      list.loading = true;
      const load = input === "hparam" ? fetchHparamNames(this.context.client) : fetchNoteTags(this.context.client);
      void load
        .then((names) => (list.names = names))
        .catch(() => (list.names = []))
        .finally(() => {
          list.loading = false;
          this.render();
        });
    }
    const names = [...(list.names ?? [])];
    if (value !== "" && !names.includes(value)) names.unshift(value);
    const empty = list.names === null ? "Loading…" : names.length === 0 ? (input === "hparam" ? "No hyperparameters" : "No note tags") : "Choose…";
    options(select, [{ value: "", label: empty }, ...names.map((name) => ({ value: name, label: name }))]);
    select.value = value;
  }

  private kindChosen(): void {
    const kind = GROUP_KINDS.find((k) => k.kind === this.kind.value) ?? null;
    if (!kind) {
      this.pending = null;
      this.context.setParams(groupingParams({ by: null }));
      this.render();
      return;
    }
    // A statistic of another kind (rank 0) goes back to the first.
    const stat = applies(GROUP_STATS, this.grouping.stat, kind.kind) ? {} : { stat: GROUP_STATS[0].value };
    const by = joinGroupBy(kind, kind.input === "regex" ? this.regex.value : "");
    if (by !== null) {
      this.pending = null;
      this.context.setParams(groupingParams({ by, ...stat }));
    } else {
      this.pending = kind;
      this.render();
      if (kind.input === "regex") this.regex.focus();
    }
  }

  /** Groups by the shown kind with argument `value` (empty: waits). */
  private apply(value: string): void {
    const shown = this.shownKind();
    if (!shown) return;
    const by = joinGroupBy(shown.kind, value);
    if (by === null) return;
    this.pending = null;
    const stat = applies(GROUP_STATS, this.grouping.stat, shown.kind.kind) ? {} : { stat: GROUP_STATS[0].value };
    this.context.setParams(groupingParams({ by, ...stat }));
  }
}
