"""The background writer: one thread turns queued items into records in event files.

The calling thread only appends a tuple to a ``deque`` (atomic under the GIL);
building protobufs, encoding PNG/WAV/GIF, CRCs and file I/O all happen here.

Invariants:
- Items are processed in the order they were queued, so ``flush()`` (a marker
  item) returns only after everything queued before it is written.
- What is queued is bounded: by ``max_pending`` items and ``MAX_PENDING_BYTES`` of
  large payloads. When full, ``on_full="block"`` makes the caller wait for the
  worker and ``on_full="drop"`` drops the new item and counts it in ``dropped``.
- An exception while encoding or writing is kept and re-raised (once) on the
  caller's next call; the worker goes on with the next item.
- Latency is bounded, not traded for batching: what is queued is written within
  ``WRITE_INTERVAL`` (20 ms) even when the queue stays short; batches only form
  when items arrive faster than they are written.
- Files are opened unbuffered and written a whole batch of records at a time, so
  no bytes sit in a user-space buffer: after ``fork()`` the child cannot write a
  duplicate of the parent's pending data, and a reader never sees a record that a
  later write would complete except at the very end of a batch being written.
- For a log dir in object storage, ``store`` (``writer/_object_store.py``) uploads the
  segments the files are cut into on a thread of its own: the periodic sync and every
  ``flush()`` close the current segments, ``flush()`` then waits for their upload
  (bounded), and ``stop()`` waits for the last one (bounded).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any

from trainboard.errors import WriterError
from trainboard.format.record import encode_record
from trainboard.writer._event_file import EventFile, event_bytes, scalar_record

if TYPE_CHECKING:
    from trainboard.writer._object_store import ObjectStore

__all__ = [
    "MAX_PENDING_BYTES",
    "OP_CALL",
    "OP_CLOSE",
    "OP_EVENT",
    "OP_FLUSH",
    "OP_MAIN_SCALAR",
    "OP_SCALAR",
    "OP_VALUES",
    "WRITE_INTERVAL",
    "Worker",
]

# Item layouts (the first element is the op code):
# The fast path's item holds only atoms (no file object), so the garbage collector
# untracks it at once: with a large heap (torch imported) tracked items made every
# add_scalar call several times slower through collections. Its file is the worker's
# main_file.
OP_MAIN_SCALAR = -1  # (op, tag, value, step|None, wall_time)
OP_SCALAR = 0  # (op, file, tag, value, step|None, wall_time, new_style, double_precision)
OP_VALUES = (
    1  # (op, file, step_key, build, step|None, wall_time, nbytes); build() -> Summary.Values
)
OP_EVENT = 2  # (op, file, build, nbytes); build() -> a complete Event
OP_CALL = 3  # (op, fn, description, nbytes); fn() runs on the worker (e.g. projector files)
OP_FLUSH = 4  # (op, done: threading.Event, fsync: bool)
OP_CLOSE = 5  # (op, file, done: threading.Event)

# The worker looks for pending items this often when nobody woke it (the fast path wakes it
# only once ``max_queue`` items wait, since waking costs the caller more than queueing): an
# item is written within ~20 ms when logging is slow (a crash then loses at most that much),
# and items are batched into one write per wake-up when logging is fast.
WRITE_INTERVAL = 0.02
MAX_PENDING_BYTES = 512 * 1024 * 1024  # large payloads (images, arrays) queued at most
_CHUNK = 4096  # items encoded between two writes, bounding the batch held in memory
_LOW_WATER = 0.5  # a blocked caller resumes once the queue is down to this fraction


class Worker:
    """A queue of items and the daemon thread that writes them.

    ``owner`` is told (through ``owner._invalidate_fast()``, held weakly) when an
    error is waiting, so the writer's fast paths fall back to the checking path.
    """

    def __init__(
        self,
        *,
        max_queue: int = 10,
        max_pending: int = 1_000_000,
        on_full: str = "block",
        flush_secs: float = 120.0,
        owner: Any = None,
    ) -> None:
        if on_full not in ("block", "drop"):
            raise ValueError(f"on_full must be 'block' or 'drop', got {on_full!r}")
        if max_pending < 1:
            raise ValueError(
                f"max_pending must be a positive number of events, got {max_pending!r}"
            )
        self.pending: deque[tuple[Any, ...]] = deque()
        self.wake_at = max(1, int(max_queue))
        self.max_pending = int(max_pending)
        self.on_full = on_full
        self.flush_secs = float(flush_secs)
        self.error: BaseException | None = None
        self.dropped = 0
        self._pending_bytes = 0
        self._bytes_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._files: set[EventFile] = set()
        self._last_sync = time.monotonic()
        self._owner = weakref.ref(owner) if owner is not None else None
        self.main_file: EventFile | None = None  # where OP_MAIN_SCALAR items go
        self.store: ObjectStore | None = None  # uploads the files of an object-store log dir
        self._thread = threading.Thread(target=self._run, name="trainboard-writer", daemon=True)
        self._thread.start()

    # ----------------------------------------------------------------- caller side

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def raise_error(self) -> None:
        """Re-raise (once) an error the worker met since the last call."""
        error = self.error
        if error is not None:
            self.error = None
            raise error

    def wake(self) -> None:
        self._wake.set()

    def after_append(self) -> None:
        """Called by the fast paths once ``len(pending) >= wake_at``."""
        if len(self.pending) >= self.max_pending:
            self._wait_for_room()
        elif not self._wake.is_set():
            self._wake.set()

    def submit(self, item: tuple[Any, ...], nbytes: int = 0) -> bool:
        """Queue ``item``; return False if it was dropped (``on_full="drop"``)."""
        self.raise_error()
        full = len(self.pending) >= self.max_pending or (
            nbytes and self._pending_bytes + nbytes > MAX_PENDING_BYTES and self._pending_bytes
        )
        if full:
            if self.on_full == "drop":
                self.dropped += 1
                return False
            self._wait_for_room(nbytes)
        if nbytes:
            with self._bytes_lock:
                self._pending_bytes += nbytes
        self.pending.append(item)
        if len(self.pending) >= self.wake_at:
            self._wake.set()
        return True

    def _wait_for_room(self, nbytes: int = 0) -> None:
        if self.on_full == "drop" and not nbytes:
            # The fast path appended before checking: take its item back off (only a
            # scalar: a flush marker queued meanwhile by another thread must stay).
            try:
                item = self.pending.pop()
            except IndexError:
                return
            if item[0] <= OP_SCALAR:
                self.dropped += 1
            else:
                self.pending.append(item)
            return
        low = int(self.max_pending * _LOW_WATER)
        while (len(self.pending) > low or self._pending_bytes + nbytes > MAX_PENDING_BYTES) and (
            self.pending or self._pending_bytes
        ):
            self._wake.set()
            if not self._thread.is_alive():
                raise WriterError("the background writer thread is not running")
            time.sleep(0.001)

    def register(self, file: EventFile) -> None:
        self._files.add(file)

    def flush(self, *, fsync: bool = False, timeout: float | None = None) -> None:
        """Return once every item queued before this call is written.

        With a ``store``, the files' current segments are closed too and this waits for
        their upload (at most the store's flush timeout; then it warns and returns).
        """
        self.raise_error()
        done = threading.Event()
        store = self.store
        self.pending.append((OP_FLUSH, done, fsync or store is not None))
        self._wait(done, timeout)
        if store is not None:
            store.flush()
        self.raise_error()

    def close_file(self, file: EventFile) -> None:
        done = threading.Event()
        self.pending.append((OP_CLOSE, file, done))
        self._wait(done, None)

    def stop(self) -> None:
        """Write everything, close every file and end the thread. Idempotent."""
        if self._thread.is_alive():
            done = threading.Event()
            self.pending.append((OP_FLUSH, done, True))
            self._stopping = True
            self._wait(done, None)
            self._thread.join()
        for file in list(self._files):
            file.close()
        self._files.clear()
        store, self.store = self.store, None
        if store is not None:
            store.close()

    def _wait(self, done: threading.Event, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        self._wake.set()
        while not done.wait(0.05):
            if not self._thread.is_alive():
                if done.is_set():
                    return
                raise WriterError("the background writer thread is not running")
            if deadline is not None and time.monotonic() > deadline:
                raise WriterError(f"flush did not finish within {timeout} s")
            self._wake.set()

    # ----------------------------------------------------------------- worker side

    def _run(self) -> None:
        while True:
            self._wake.wait(WRITE_INTERVAL)
            self._wake.clear()
            stopping = self._stopping
            self._drain()
            if stopping and not self.pending:
                return
            if time.monotonic() - self._last_sync >= self.flush_secs:
                self._sync_all()

    def _sync_all(self) -> None:
        self._last_sync = time.monotonic()
        for file in list(self._files):
            try:
                file.sync()
            except OSError as exc:
                self._record_error(exc, f"syncing {file.path!r}")
        if self.store is not None:
            self.store.request_sweep()

    def _drain(self) -> None:
        pending = self.pending
        while pending:
            batches: dict[EventFile, list[bytes]] = {}
            freed = 0
            for _ in range(_CHUNK):
                try:
                    item = pending.popleft()
                except IndexError:
                    break
                op = item[0]
                if op <= OP_SCALAR:
                    if op == OP_MAIN_SCALAR:
                        file: EventFile = self.main_file  # type: ignore[assignment]
                        tag = item[1]
                        args: tuple[Any, ...] = (file, tag, item[2], item[3], item[4], False, False)
                    else:
                        file, tag, args = item[1], item[2], item[1:]
                    try:
                        record = scalar_record(*args)
                    except Exception as exc:
                        self._record_error(exc, f"add_scalar for tag {tag!r}")
                        continue
                    records = batches.get(file)
                    if records is None:
                        records = batches[file] = []
                    records.append(record)
                elif op < OP_FLUSH:
                    freed += item[-1]
                    self._process(item, batches)
                else:
                    self._write(batches)
                    batches = {}
                    self._control(item)
            self._write(batches)
            if freed:
                with self._bytes_lock:
                    self._pending_bytes -= freed

    def _process(self, item: tuple[Any, ...], batches: dict[EventFile, list[bytes]]) -> None:
        op = item[0]
        try:
            if op == OP_VALUES:
                _, file, step_key, build, step, wall_time, _n = item
                values = build()
                if step is None:
                    step = file.next_auto_step(step_key)
                data = event_bytes(wall_time, step, values)
                batches.setdefault(file, []).append(encode_record(data))
            elif op == OP_EVENT:
                _, file, build, _n = item
                event = build()
                data = event if isinstance(event, bytes) else event.SerializeToString()
                batches.setdefault(file, []).append(encode_record(data))
            else:
                _, fn, _description, _n = item
                self._write(batches)
                batches.clear()
                fn()
        except Exception as exc:
            what = item[2] if op == OP_VALUES else (item[2] if op == OP_CALL else "event")
            self._record_error(exc, f"tag {what!r}" if op == OP_VALUES else str(what))

    def _control(self, item: tuple[Any, ...]) -> None:
        if item[0] == OP_FLUSH:
            _, done, fsync = item
            if fsync:
                self._sync_all()
            done.set()
        else:
            _, file, done = item
            try:
                file.close()
            except OSError as exc:
                self._record_error(exc, f"closing {file.path!r}")
            self._files.discard(file)
            done.set()

    def _write(self, batches: dict[EventFile, list[bytes]]) -> None:
        for file, records in batches.items():
            try:
                file.write(b"".join(records))
            except OSError as exc:
                self._record_error(exc, f"writing {len(records)} records to {file.path!r}")

    def _record_error(self, exc: BaseException, what: str) -> None:
        if self.error is None:
            error = WriterError(f"trainboard's background writer failed on {what}: {exc}")
            error.__cause__ = exc
            self.error = error
        owner = self._owner() if self._owner is not None else None
        if owner is not None:
            owner._invalidate_fast()
