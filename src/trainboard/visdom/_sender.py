"""The client's background sender: a bounded queue, batching, retries, the offline log.

The calling thread only appends a tuple to a deque (and wakes the sender when it is
idle). The sender thread takes everything queued, merges consecutive appends to the same
trace into one update and builds the messages (the heavy part: traces, PNG encoding).

Two kinds of server answer: a trainboard board gets each round's messages as one batch,
``POST /api/live/push``; a Visdom server (``python -m visdom.server``) gets each message
as Visdom's own client sends it (the same JSON to ``/events``, ``/update``, ``/close``,
``/env/<env>``; an append that may create its window first asks ``/win_exists``, as
Visdom's ``line``/``scatter``/``image`` do). Which one listens is found out once, at the
first send, by ``GET /api/live/envs`` (JSON only from a board), and again after the server
was unreachable. A client on Visdom's default port 8097 of this machine that finds nothing
there uses a board on trainboard's port 6006 instead.

While the server is down the operations are kept (merged, at most ``max_queue`` of them;
the oldest are dropped beyond that) and re-sent when it is back; the failure is logged
once, not raised into the training loop.
"""

from __future__ import annotations

import atexit
import collections
import hashlib
import http.client
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

__all__ = ["APPEND", "BOARD", "LAZY", "MESSAGE", "VISDOM", "Sender", "post", "unreachable"]

log = logging.getLogger("trainboard.visdom")

MESSAGE = 0  # (MESSAGE, endpoint, msg)
LAZY = 1  # (LAZY, endpoint, build: () -> msg), built on the sender thread
APPEND = 2  # (APPEND, env, win, name, xs, ys, opts): one line trace's new points
_FLUSH = 3  # (_FLUSH, event, errors)
RETRY_MAX_S = 2.0
BOARD = "board"  # a trainboard board: batches to /api/live/push
VISDOM = "visdom"  # a Visdom server: one request per message, Visdom's endpoints
PROBE_PATH = "/api/live/envs"  # only a board answers it with JSON
Op = tuple[Any, ...]


def unreachable(base: str, fallback: str | None = None, reason: object = None) -> str:
    """What to say when neither ``base`` nor ``fallback`` answers, and what to do."""
    also = f" (nor a trainboard board at {fallback})" if fallback else ""
    why = f" ({reason})" if reason else ""
    return (f"cannot reach {base}{also}{why}: start the board with `trainboard --logdir DIR` "
            "(it also listens on Visdom's port 8097), or a Visdom server with "
            "`python -m visdom.server`, or pass Visdom(port=...) the port yours listens on")


def _visdom_request(endpoint: str, msg: dict[str, Any],
                    exists: bool | None) -> tuple[str, dict[str, Any]]:
    """The request Visdom's own client makes for a queued ``endpoint``/``msg``.

    ``exists``: whether the message's window exists (asked only where
    :func:`_needs_exists` says Visdom's client asks). An append that creates its window
    goes to ``/events`` with its creation layout; image history goes without ``append``.
    """
    if endpoint == "env":
        return "env/" + urllib.parse.quote(str(msg.get("eid")), safe=""), msg
    if endpoint != "update" or not msg.get("append"):
        return endpoint, msg
    if _is_image_history(msg):
        bare = {k: v for k, v in msg.items() if k != "append"}
        return ("update" if exists else "events"), bare
    if "create_layout" not in msg:
        return endpoint, msg
    if exists:
        return "update", {k: v for k, v in msg.items() if k != "create_layout"}
    new = {k: v for k, v in msg.items()
           if k not in ("create_layout", "append", "name", "updateDir")}
    new["layout"] = msg["create_layout"]
    return "events", new


def _is_image_history(msg: dict[str, Any]) -> bool:
    data = msg.get("data")
    return (isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)
            and data[0].get("type") == "image_history")


def _needs_exists(endpoint: str, msg: dict[str, Any]) -> bool:
    """Whether Visdom's client would ask ``/win_exists`` before sending this message."""
    return (endpoint == "update" and bool(msg.get("append")) and msg.get("win") is not None
            and ("create_layout" in msg or _is_image_history(msg)))


def post(
    base: str, path: str, body: str, timeout: float, cookie: str = ""
) -> tuple[int, str]:
    """One POST on a fresh connection: ``(status, text)``; OSError when unreachable."""
    status, text, _ = _post_once(base, path, body, timeout, cookie)
    return status, text


def _post_once(
    base: str, path: str, body: str, timeout: float, cookie: str
) -> tuple[int, str, list[str]]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "localhost", parts.port,
                                            timeout=timeout)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        connection.request("POST", parts.path.rstrip("/") + path, body=body.encode(),
                           headers=headers)
        response = connection.getresponse()
        cookies = response.msg.get_all("Set-Cookie") or []
        return response.status, response.read().decode("utf-8", "replace"), cookies
    finally:
        connection.close()


def login(base: str, username: str, password: str, timeout: float) -> str:
    """Log in as Visdom's client does (``POST /`` with sha256 of the password); the
    ``Cookie`` header to send afterwards. A board takes its token as the password.

    Raises PermissionError when the server refuses, OSError when it is unreachable.
    """
    hashed = hashlib.sha256(password.encode("utf-8")).hexdigest()
    body = json.dumps({"username": username, "password": hashed})
    status, text, cookies = _post_once(base, "/", body, timeout, "")
    if status != 200:
        raise PermissionError(f"{base} refused the login of {username!r} ({status}): "
                              f"{text[:200]}")
    return "; ".join(c.split(";", 1)[0].strip() for c in cookies)


class _Flush:
    __slots__ = ("done", "errors")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.errors: list[str] = []


class Sender:
    """Sends queued operations to ``base`` (``http://host:port[/base_url]``): in batches to
    a board, one by one to a Visdom server; to ``fallback`` (a board) when nothing listens
    at ``base``."""

    def __init__(
        self,
        base: str,
        *,
        append_message: Callable[[Op], dict[str, Any]],
        max_queue: int,
        timeout: float,
        log_file: str | None,
        offline: bool,
        fallback: str | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.credentials = credentials  # (username, password): logged in at first contact
        self.cookie = ""  # the session's Cookie header once logged in
        self.home = base
        self.base = base  # where the server was found (``home`` or ``fallback``)
        self.fallback = fallback
        self.kind: str | None = None  # BOARD or VISDOM once probed; None after a failure
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
        if self._offline:
            self._pending.clear()
            return
        try:
            if self.kind is None:
                self.kind = self._probe()
            if self.kind == BOARD:
                ops = [list(op) for op in built if op is not None]
                status, text, _ = self._exchange("POST", "/api/live/push",
                                                 json.dumps({"ops": ops}))
                self._pending.clear()
                self._record_results(status, text)
            else:
                self._deliver_each(built)
        except OSError as exc:
            self._report_down(exc)
            return
        self._report_up()

    def _deliver_each(self, built: list[tuple[str, dict[str, Any]] | None]) -> None:
        """Send each message to a Visdom server, in order; on a failure keep the unsent."""
        exists: set[tuple[Any, Any]] = set()  # windows known to exist in this round
        sent, known_errors = 0, len(self._errors)
        try:
            for op in built:
                if op is not None:
                    self._send_one(op[0], op[1], exists)
                sent += 1
        finally:
            del self._pending[:sent]
        for error in self._errors[known_errors:][:3]:
            log.warning("trainboard live: the Visdom server refused an update: %s", error)

    def _send_one(self, endpoint: str, msg: dict[str, Any],
                  exists: set[tuple[Any, Any]]) -> None:
        key = (msg.get("eid"), msg.get("win"))
        found: bool | None = None
        if _needs_exists(endpoint, msg):
            found = key in exists
            if not found:
                asked = json.dumps({"win": msg["win"], "eid": msg.get("eid")})
                found = self._exchange("POST", "/win_exists", asked)[1] == "true"
        path, body = _visdom_request(endpoint, msg, found)
        status, text, _ = self._exchange("POST", "/" + path, json.dumps(body))
        if status >= 400:
            self._errors.append(f"the Visdom server answered {status} to /{path}: "
                                f"{text[:300]}")
        elif endpoint == "close":
            if msg.get("win") is None:
                exists.difference_update({k for k in exists if k[0] == msg.get("eid")})
            else:
                exists.discard(key)
        elif endpoint in ("events", "update") and msg.get("win") is not None:
            exists.add(key)

    def _probe(self) -> str:
        """Which server listens (BOARD or VISDOM); moves to ``fallback`` when nothing
        listens at ``home`` but a board answers there. OSError when neither answers."""
        self._move(self.home)
        try:
            return self._kind_here()
        except OSError as exc:
            if self.fallback is None:
                raise
            home_error = exc
        self._move(self.fallback)
        try:
            kind = self._kind_here()
        except OSError:
            kind = None
        if kind != BOARD:
            self._move(self.home)
            raise home_error
        log.warning("trainboard live: nothing listens at %s; sending to the trainboard board "
                    "at %s", self.home, self.fallback)
        return kind

    def _kind_here(self) -> str:
        content_type = self._exchange("GET", PROBE_PATH, None)[2]
        return BOARD if content_type.startswith("application/json") else VISDOM

    def _move(self, base: str) -> None:
        if base != self.base:
            self._drop_connection()
            self.base = base

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _exchange(self, method: str, path: str, body: str | None) -> tuple[int, str, str]:
        """One request on the kept-alive connection: ``(status, text, content type)``; a
        connection the server has since closed (its keep-alive timeout) is replaced once
        before the server counts as down (OSError)."""
        reused = self._connection is not None
        try:
            return self._exchange_once(method, path, body)
        except OSError:
            if not reused:
                raise
            return self._exchange_once(method, path, body)

    def _exchange_once(self, method: str, path: str,
                       body: str | None) -> tuple[int, str, str]:
        parts = urllib.parse.urlsplit(self.base)
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                parts.hostname or "localhost", parts.port, timeout=self.timeout
            )
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.credentials is not None and not self.cookie:
            self.cookie = login(self.base, *self.credentials, self.timeout)
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            self._connection.request(method, parts.path.rstrip("/") + path,
                                     body=None if body is None else body.encode(),
                                     headers=headers)
            response = self._connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            return response.status, text, response.getheader("Content-Type") or ""
        except (OSError, http.client.HTTPException) as exc:
            self._drop_connection()
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
        self.kind = None  # whatever answers next is probed again
        self._move(self.home)
        if self.down_since is None:
            self.down_since = time.monotonic()
            log.warning(
                "trainboard live: %s. Training goes on; updates are kept (at most %d "
                "operations) and sent when a server answers",
                unreachable(self.home, self.fallback, exc), self.max_queue,
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
