// What the user says about runs (their notes: GET /api/runs/notes), as the rest of the page
// reads it: the one place that decides what a run is called (runLabel), which tags it has,
// and which runs leave the selection because of their notes.
//
// Every place the page names a run (legends, tooltips, card titles, the step table, the runs
// panel and table) calls runLabel(run): the run's display name when it has one; for a run
// inside a renamed run (an add_scalars or add_hparams sub-run, "exp/loss_train"), the renamed
// part is replaced ("baseline/loss_train"); otherwise the run's own name. The shell keeps the
// notes here (setRunNotes) and tells every view to redraw when they change.
//
// Runs that leave the selection (excludedByNotes): trashed runs always, hidden runs unless
// "show hidden" is on, archived runs while the panel's Archived section is collapsed.

/** One run's note, as the UI uses it (wire: RunNoteBody). */
export interface RunNote {
  readonly run: string;
  readonly displayName: string | null;
  /** "#rrggbb", or null: the run keeps its palette or picked colour. */
  readonly color: string | null;
  readonly tags: readonly string[];
  readonly note: string;
  readonly hidden: boolean;
  readonly archived: boolean;
  readonly trashed: boolean;
  /** The note's revision (sent back with a change: the server refuses a stale one). */
  readonly revision: number;
  /** Unix time of the latest change. */
  readonly updated: number;
}

/** What the runs panel shows besides the plain list. */
export interface NotesVisibility {
  readonly showHidden: boolean;
  readonly showArchived: boolean;
}

/** The notes of a logdir and what follows from them; `version` changes with every set. */
export class RunNotesView {
  private notes: ReadonlyMap<string, RunNote> = new Map();
  private visibility: NotesVisibility = { showHidden: false, showArchived: false };
  private labels = new Map<string, string>();
  private renamed = false;
  private excludedRuns = new Set<string>();
  private changes = 0;

  get version(): number {
    return this.changes;
  }

  get options(): NotesVisibility {
    return this.visibility;
  }

  /** Replaces the notes (and, when given, what the panel shows); bumps the version. */
  set(notes: ReadonlyMap<string, RunNote>, visibility: NotesVisibility = this.visibility): void {
    this.notes = notes;
    this.visibility = visibility;
    this.labels = new Map();
    this.renamed = false;
    this.excludedRuns = new Set();
    for (const note of notes.values()) {
      if (note.displayName) this.renamed = true;
      if (note.trashed || (note.hidden && !visibility.showHidden) || (note.archived && !visibility.showArchived)) {
        this.excludedRuns.add(note.run);
      }
    }
    this.changes++;
  }

  /** The run's note, or null. */
  note(run: string): RunNote | null {
    return this.notes.get(run) ?? null;
  }

  /** Every note, by run. */
  all(): ReadonlyMap<string, RunNote> {
    return this.notes;
  }

  tags(run: string): readonly string[] {
    return this.notes.get(run)?.tags ?? [];
  }

  /** Whether the notes take `run` out of the selection (see the module comment). */
  excluded(run: string): boolean {
    return this.excludedRuns.size > 0 && this.excludedRuns.has(run);
  }

  /** Runs the notes take out of the selection. */
  get excludedSet(): ReadonlySet<string> {
    return this.excludedRuns;
  }

  /** What the page calls `run` (see the module comment). */
  label(run: string): string {
    if (!this.renamed) return run;
    const known = this.labels.get(run);
    if (known !== undefined) return known;
    let label = run;
    const own = this.notes.get(run)?.displayName;
    if (own) {
      label = own;
    } else {
      // The longest renamed prefix ("a/b" of "a/b/c") names the run's containing run.
      for (let cut = run.lastIndexOf("/"); cut > 0; cut = run.lastIndexOf("/", cut - 1)) {
        const name = this.notes.get(run.slice(0, cut))?.displayName;
        if (name) {
          label = `${name}${run.slice(cut)}`;
          break;
        }
      }
    }
    this.labels.set(run, label);
    return label;
  }
}

/** The page's notes (the shell sets them; everything else reads them). */
export const RUN_NOTES = new RunNotesView();

/** What the page calls `run`: its display name, or its name. */
export function runLabel(run: string): string {
  return RUN_NOTES.label(run);
}

/** `run`'s label, followed by its name in parentheses when it was renamed (titles, tooltips). */
export function runLabelWithName(run: string): string {
  const label = RUN_NOTES.label(run);
  return label === run ? run : `${label} (${run})`;
}

/** The attribute marking an element whose text is a run's label (relabelRunElements keeps it so). */
export const RUN_LABEL_ATTR = "data-label-run";

/** Sets the text of every element under `root` marked with RUN_LABEL_ATTR to its run's label. */
export function relabelRunElements(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>(`[${RUN_LABEL_ATTR}]`)) {
    const label = runLabel(el.getAttribute(RUN_LABEL_ATTR) as string);
    if (el.textContent !== label) el.textContent = label;
  }
}

/** "12 s ago", "3 min ago", "2 h ago", "4 days ago": how long before `nowSeconds` `seconds` was. */
export function agoText(seconds: number, nowSeconds: number): string {
  const d = Math.max(0, nowSeconds - seconds);
  if (d < 60) return `${Math.round(d)} s ago`;
  if (d < 3600) return `${Math.round(d / 60)} min ago`;
  if (d < 86400) return `${Math.round(d / 3600)} h ago`;
  const days = Math.round(d / 86400);
  return `${days} day${days === 1 ? "" : "s"} ago`;
}
