// The run notes as the page keeps them: loaded from GET /api/runs/notes, changed one run at a
// time with PUT /api/runs/notes (always sending the note's revision), and published to
// core/run_labels.ts (RUN_NOTES) so labels, colours and the selection follow.
//
// A change made from a stale revision (another board or script changed the note meanwhile)
// gets 409: the store re-reads every note and answers "conflict", and the panel tells the
// user, who sees the current note and can apply the change again. Trashing a run moves its
// directory to <logdir>/.trash/ (the server does it); restoring is the same change with
// `trashed: false`. Nothing here touches event files: the notes live in the logdir's sidecar.

import type { ApiClient } from "../api/client";
import { ApiError } from "../api/client";
import type { NoteChanges, WireNoteUpdate, WireNotesResponse, WireRunNote } from "../api/wire_types";
import type { NotesVisibility, RunNote, RunNotesView } from "../core/run_labels";
import { RUN_NOTES } from "../core/run_labels";

/** How the notes reach the server (HTTP on the page; in memory in tests). */
export interface RunNotesTransport {
  list(): Promise<WireNotesResponse>;
  update(body: WireNoteUpdate): Promise<WireRunNote>;
}

export function convertNote(wire: WireRunNote): RunNote {
  return {
    run: wire.run,
    displayName: wire.display_name ?? null,
    color: wire.color ?? null,
    tags: [...(wire.tags ?? [])],
    note: wire.note ?? "",
    hidden: wire.hidden,
    archived: wire.archived,
    trashed: wire.trashed,
    revision: wire.revision,
    updated: wire.updated,
  };
}

/** GET through the client (so a client without the route just has no notes), PUT with fetch. */
export class HttpNotesTransport implements RunNotesTransport {
  private readonly client: ApiClient;

  constructor(client: ApiClient) {
    this.client = client;
  }

  list(): Promise<WireNotesResponse> {
    return this.client.getJson<WireNotesResponse>("api/runs/notes");
  }

  update(body: WireNoteUpdate): Promise<WireRunNote> {
    return this.client.sendJson<WireRunNote>("PUT", "api/runs/notes", body);
  }
}

/** Notes kept in memory with the server's revision rule (tests, and a client without notes). */
export class MemoryNotesTransport implements RunNotesTransport {
  readonly notes = new Map<string, WireRunNote>();
  /** Every change asked, in order. */
  readonly updates: WireNoteUpdate[] = [];

  async list(): Promise<WireNotesResponse> {
    return { notes: [...this.notes.values()].sort((a, b) => (a.run < b.run ? -1 : 1)) };
  }

  async update(body: WireNoteUpdate): Promise<WireRunNote> {
    this.updates.push(body);
    const before = this.notes.get(body.run) ?? { run: body.run, display_name: null, color: null, tags: [], note: "", hidden: false, archived: false, trashed: false, revision: 0, updated: 0 };
    if (body.revision !== undefined && body.revision !== before.revision) throw new ApiError(409, `the notes of run ${body.run} changed meanwhile`);
    const next: WireRunNote = { ...before, ...body.changes, revision: before.revision + 1, updated: Date.now() / 1000 } as WireRunNote;
    this.notes.set(body.run, next);
    return next;
  }
}

export type ChangeOutcome =
  | { readonly ok: true; readonly note: RunNote }
  /** The note changed meanwhile: the notes were re-read; `note` is the current one. */
  | { readonly ok: false; readonly conflict: true; readonly note: RunNote | null; readonly message: string }
  | { readonly ok: false; readonly conflict: false; readonly message: string };

export class RunNotesStore {
  private readonly transport: RunNotesTransport;
  private readonly view: RunNotesView;
  private readonly listeners = new Set<() => void>();
  private inFlight = 0;
  /** Whether the server keeps notes (false after GET failed: the menu says so). */
  available = true;
  /** Why the last load failed, or null. */
  loadError: string | null = null;
  /** The notes as last read (JSON), or null. */
  private loaded: string | null = null;

  constructor(transport: RunNotesTransport, view: RunNotesView = RUN_NOTES) {
    this.transport = transport;
    this.view = view;
  }

  /** Requests in flight (part of __trainboard.pending). */
  get pending(): number {
    return this.inFlight;
  }

  get notes(): RunNotesView {
    return this.view;
  }

  /** Calls `fn` after every change of the notes (or of what the panel shows). */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Shows or leaves out hidden runs and archived runs (the selection follows). */
  setVisibility(visibility: NotesVisibility): void {
    const now = this.view.options;
    if (now.showHidden === visibility.showHidden && now.showArchived === visibility.showArchived) return;
    this.view.set(this.view.all(), visibility);
    this.emit();
  }

  /** Reads every note from the server. */
  async load(): Promise<void> {
    this.inFlight++;
    try {
      const answer = await this.transport.list();
      this.available = true;
      this.loadError = null;
      // Read again with every runs reload: the page redraws only when they changed.
      const text = JSON.stringify(answer.notes);
      if (text === this.loaded) return;
      this.loaded = text;
      this.view.set(new Map(answer.notes.map((wire) => [wire.run, convertNote(wire)])));
      this.emit();
    } catch (err) {
      this.available = !(err instanceof ApiError && (err.status === 404 || err.status === 405));
      this.loadError = err instanceof Error ? err.message : String(err);
      if (!this.available && this.view.all().size > 0) {
        // A server without notes: there are none (not those of an earlier logdir).
        this.loaded = null;
        this.view.set(new Map());
        this.emit();
      }
    } finally {
      this.inFlight--;
    }
  }

  /** Applies `changes` to `run`'s note from the revision the page has. */
  async change(run: string, changes: NoteChanges): Promise<ChangeOutcome> {
    const revision = this.view.note(run)?.revision ?? 0;
    this.inFlight++;
    try {
      const wire = await this.transport.update({ run, changes, revision });
      const note = convertNote(wire);
      const next = new Map(this.view.all());
      next.set(run, note);
      this.loaded = null;
      this.view.set(next);
      this.emit();
      return { ok: true, note };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof ApiError && err.status === 409) {
        await this.load();
        return { ok: false, conflict: true, note: this.view.note(run), message };
      }
      return { ok: false, conflict: false, message };
    } finally {
      this.inFlight--;
    }
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn();
  }
}
