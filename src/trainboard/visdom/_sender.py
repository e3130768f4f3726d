"""The client's background sender: a bounded queue, batching, retries, the offline log.

The calling thread only appends a tuple to a deque (and wakes the sender when it is
idle). The sender thread takes everything queued, merges consecutive appends to the same
trace into one update, builds the messages (the heavy part: traces, PNG encoding) and
POSTs them as one batch to ``/api/live/push``. While the server is down the operations
are kept (merged, at most ``max_queue`` of them; the oldest are dropped beyond that) and
re-sent when it is back; the failure is logged once, not raised into the training loop.
"""

from __future__ import annotations

import atexit
import collections
import http.client
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

__all__ = ["APPEND", "LAZY", "MESSAGE", "Sender", "post"]

log = logging.getLogger("trainboard.visdom")

MESSAGE = 0  # (MESSAGE, endpoint, msg)
LAZY = 1  # (LAZY, endpoint, build: () -> msg), built on the sender thread
APPEND = 2  # (APPEND, env, win, name, xs, ys, opts): one line trace's new points
_FLUSH = 3  # (_FLUSH, event, errors)
RETRY_MAX_S = 2.0
Op = tuple[Any, ...]


def post(base: str, path: str, body: str, timeout: float) -> tuple[int, str]:
    """One POST on a fresh connection: ``(status, text)``; OSError when unreachable."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "localhost", parts.port,
                                            timeout=timeout)
    try:
        connection.request("POST", parts.path.rstrip("/") + path, body=body.encode())
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class _Flush:
    __slots__ = ("done", "errors")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.errors: list[str] = []


class Sender:
    """Sends queued operations to ``base`` (``http://host:port[/base_url]``) in batches."""

    def __init__(
        self,
        base: str,
        *,
        append_message: Callable[[Op], dict[str, Any]],
        max_queue: int,
        timeout: float,
        log_file: str | None,
        offline: bool,
    ) -> None:
        self.base = base
        self._append_message = append_message
        self.max_queue = max_queue
        self.timeout = timeout
        self._log_file = log_file
        self._offline = offline
        self.queue: collections.deque[Op] = collections.deque()
        self.idle = False
        self.wake = threading.Event()
        self.dropped = 0
        self.down_since: float | None = None
        self._pending: list[Any] = []  # merged ops waiting for the server
        self._errors: list[str] = []
        self._connection: http.client.HTTPConnection | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="trainboard-live-sender",
                                        daemon=True)
        self._thread.start()
        atexit.register(self.close, timeout)

    # -- calling thread --------------------------------------------------------

    def submit(self, op: Op) -> None:
        if len(self.queue) >= self.max_queue:
            self._full()
        self.queue.append(op)
        if self.idle:
            self.wake.set()

    def _full(self) -> None:
        """A full queue: wait for a reachable server to drain it, else drop the oldest."""
        deadline = time.monotonic() + self.timeout
        while len(self.queue) >= self.max_queue and time.monotonic() < deadline:
            if self.down_since is not None:
                break
            self.wake.set()
            time.sleep(0.001)
        while len(self.queue) >= self.max_queue:
            self.queue.popleft()
            self._count_drop()

    def flush(self, timeout: float | None) -> tuple[bool, list[str]]:
        """Wait until everything submitted so far was answered by the server (or logged).

        Returns ``(done, errors)``: False when the server could not be reached in time;
        ``errors`` are the server's messages for operations it refused.
        """
        marker = _Flush()
        self.submit((_FLUSH, marker))
        self.wake.set()
        done = marker.done.wait(timeout)
        return done, marker.errors

    def close(self, timeout: float) -> None:
        """Send what is queued (for at most ``timeout`` s; 0.5 s when the server is down)
        and stop the thread. Registered with ``atexit``: a script's last points arrive."""
        if not self._closed:
            self.flush(0.5 if self.down_since is not None else timeout)
            self._closed = True
            self.wake.set()
            self._thread.join(timeout=1)
            atexit.unregister(self.close)

    # -- sender thread ---------------------------------------------------------

    def _run(self) -> None:
        while not self._closed:
            if not self.queue and not self._pending:
                self.idle = True
                if not self.queue:
                    self.wake.wait()
                self.wake.clear()
                self.idle = False
            markers = self._take()
            try:
                self._deliver()
            except Exception:  # the sender must survive anything (a bad build, a bug)
                log.exception("trainboard live: sending failed")
                self._pending.clear()
            if self._pending:
                for marker in markers:  # not delivered: flush waits on, or times out
                    self.queue.appendleft((_FLUSH, marker))
                self._backoff()
                continue
            for marker in markers:
                marker.errors, self._errors = self._errors, []
                marker.done.set()
        if self._connection is not None:
            self._connection.close()

    def _take(self) -> list[_Flush]:
        """Move everything queued into ``_pending``, merging appends; the flush markers.

        An append merges into the last pending append of the same trace unless another
        operation came in between (that keeps every window's operations in order).
        """
        markers: list[_Flush] = []
        open_appends: dict[tuple[Any, ...], list[Any]] = {}
        for entry in self._pending:  # appends still open from a failed attempt
            if entry[0] == APPEND:
                open_appends[tuple(entry[1:4])] = entry
            else:
                open_appends.clear()
        queue, pending = self.queue, self._pending
        while queue:
            op = queue.popleft()
            kind = op[0]
            if self._log_file is not None and kind != _FLUSH:
                op = self._log(op)
            if kind == APPEND:
                key = op[1:4]
                merged = open_appends.get(key)
                if merged is not None:
                    merged[4].extend(op[4])
                    merged[5].extend(op[5])
                    continue
                entry = [APPEND, op[1], op[2], op[3], list(op[4]), list(op[5]), op[6]]
                open_appends[key] = entry
                pending.append(entry)
            elif kind == _FLUSH:
                markers.append(op[1])
            else:
                open_appends.clear()
                pending.append(op)
        if len(pending) > self.max_queue:
            drop = len(pending) - self.max_queue
            del pending[:drop]
            for _ in range(drop):
                self._count_drop()
        return markers

    def _log(self, op: Op) -> Op:
        """Append one operation to the ``log_to_filename`` file, as Visdom's client does."""
        try:
            if op[0] == LAZY:
                op = (MESSAGE, op[1], op[2]())
            endpoint, msg = ("update", self._append_message(op)) if op[0] == APPEND else op[1:3]
        except Exception:  # _build reports it
            return op
        if endpoint in ("events", "update") and self._log_file is not None:
            with open(self._log_file, "a", encoding="utf-8") as file:
                file.write(json.dumps([endpoint, msg]) + "\n")
        return op

    def _build(self, index: int) -> tuple[str, dict[str, Any]] | None:
        """The message of pending op ``index`` (a built LAZY op replaces itself)."""
        op = self._pending[index]
        try:
            if op[0] == APPEND:
                return "update", self._append_message(tuple(op))
            if op[0] == LAZY:
                message = op[2]()
                self._pending[index] = (MESSAGE, op[1], message)
                return op[1], message
            return op[1], op[2]
        except Exception as exc:  # a value that cannot be encoded: report it, keep going
            log.exception("trainboard live: could not build a %s message", op[1])
            self._errors.append(f"could not build the message: {exc!r}")
            return None

    def _deliver(self) -> None:
        if not self._pending:
            return
        built = [self._build(i) for i in range(len(self._pending))]
        ops = [op for op in built if op is not None]
        if self._offline:
            self._pending.clear()
            return
        body = json.dumps({"ops": [list(op) for op in ops]})
        try:
            status, text = self._post(body)
        except OSError as exc:
            self._report_down(exc)
            return
        self._pending.clear()
        self._report_up()
        self._record_results(status, text)

    def _post(self, body: str) -> tuple[int, str]:
        """POST a batch on the kept-alive connection; a connection the server has since
        closed (its keep-alive timeout) is replaced once before the server counts as down."""
        reused = self._connection is not None
        try:
            return self._post_once(body)
        except OSError:
            if not reused:
                raise
            return self._post_once(body)

    def _post_once(self, body: str) -> tuple[int, str]:
        if self._connection is None:
            parts = urllib.parse.urlsplit(self.base)
            self._connection = http.client.HTTPConnection(
                parts.hostname or "localhost", parts.port, timeout=self.timeout
            )
        path = urllib.parse.urlsplit(self.base).path.rstrip("/") + "/api/live/push"
        try:
            self._connection.request("POST", path, body=body.encode(),
                                     headers={"Content-Type": "application/json"})
            response = self._connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self._connection.close()
            self._connection = None
            raise OSError(str(exc) or type(exc).__name__) from exc

    def _record_results(self, status: int, text: str) -> None:
        if status != 200:
            self._errors.append(f"the server answered {status}: {text[:300]}")
        else:
            for result in json.loads(text).get("results", []):
                if "error" in result:
                    self._errors.append(result["error"])
        for error in self._errors[-3:]:
            log.warning("trainboard live: the server refused an update: %s", error)

    def _report_down(self, exc: BaseException) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()
            log.warning(
                "trainboard live: cannot reach %s (%s); training goes on, updates are kept "
                "(at most %d operations) and sent when the server is back",
                self.base, exc, self.max_queue,
            )

    def _report_up(self) -> None:
        if self.down_since is not None:
            log.warning("trainboard live: %s is back; kept updates were sent", self.base)
            self.down_since = None

    def _count_drop(self) -> None:
        if self.dropped == 0:
            log.warning("trainboard live: more than %d operations waiting; dropping the "
                        "oldest", self.max_queue)
        self.dropped += 1

    def _backoff(self) -> None:
        down = time.monotonic() - (self.down_since or time.monotonic())
        self.wake.wait(min(RETRY_MAX_S, 0.05 + down / 4))
        self.wake.clear()
