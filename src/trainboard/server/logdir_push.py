"""The push channel: a reload loop over the provider, and a WebSocket hub broadcasting diffs.

Every ``reload_interval`` seconds (longer when reloads are slow: :func:`pause_after`)
the loop asks the provider for what is new
(a :class:`~trainboard.data.provider.ReloadReport`: new runs, tags and points) and
sends each open page one small message per kind of change; pages refetch only the
visible cards those messages name. Nothing is polled by the pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from trainboard.data.dashboard_kinds import Kind, kind_of
from trainboard.data.provider import DataProvider, ReloadReport

__all__ = ["LogdirPushHub", "messages_for", "websocket_route"]

log = logging.getLogger("trainboard.server")


def messages_for(provider: DataProvider, report: ReloadReport) -> list[dict[str, Any]]:
    """The push messages describing one reload's changes (docs/http/api.md, "Push")."""
    messages: list[dict[str, Any]] = []
    if report.new_runs or report.removed_runs or report.reset_runs:
        messages.append(
            {
                "type": "runs",
                "added": list(report.new_runs),
                "removed": list(report.removed_runs),
                "reset": list(report.reset_runs),
            }
        )
    if report.new_tags or report.new_points or report.purged:
        infos = {(i.run, i.tag): i for i in provider.tags()}
        by_kind: dict[Kind, list[dict[str, Any]]] = {}
        keys = list(report.new_points) + [k for k in report.purged if k not in report.new_points]
        for run, tag in keys:
            info = infos.get((run, tag))
            kind = kind_of(info) if info is not None else None
            if info is None or kind is None:
                continue
            by_kind.setdefault(kind, []).append(
                {
                    "run": run,
                    "tag": tag,
                    "total_points": info.num_points,
                    "last_step": info.last_step,
                }
            )
        for kind, updates in by_kind.items():
            messages.append({"type": "points", "kind": kind, "updates": updates})
        new_tags: dict[tuple[Kind, str], list[str]] = {}
        for run, tag in report.new_tags:
            info = infos.get((run, tag))
            kind = kind_of(info) if info is not None else None
            if kind is not None:
                new_tags.setdefault((kind, run), []).append(tag)
        for (kind, run), tags in new_tags.items():
            messages.append({"type": "tags", "kind": kind, "run": run, "added": tags})
    if report.new_warnings:
        messages.append({"type": "warnings"})
    return messages


# A page that stops reading (a frozen tab, a dead network) must cost only itself: each
# page has its own bounded queue and sender task, and publishing never waits for a peer.
MAX_QUEUED_MESSAGES = 256
MAX_QUEUED_BYTES = 4 << 20
SEND_TIMEOUT_S = 10.0  # one message not taken by the peer in this long: the page is dropped
CLOSE_TIMEOUT_S = 1.0
FELL_BEHIND = 4000  # WebSocket close code: the page reconnects and refetches what it shows


class _Subscriber:
    """One open page: its queue of messages and the task that sends them in order."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.queued_bytes = 0
        self.dropped = False
        self.closed = asyncio.Event()  # set once a dropped page's socket is closed
        self.sender = asyncio.get_running_loop().create_task(self._send_loop())

    def offer(self, text: str) -> None:
        """Queue ``text``; a page already this far behind is dropped instead."""
        if self.dropped:
            return
        if (
            self.queue.qsize() >= MAX_QUEUED_MESSAGES
            or self.queued_bytes + len(text) > MAX_QUEUED_BYTES
        ):
            self.drop(f"{self.queue.qsize()} messages ({self.queued_bytes} bytes) not taken")
            return
        self.queued_bytes += len(text)
        self.queue.put_nowait(text)

    async def _send_loop(self) -> None:
        while True:
            text = await self.queue.get()
            self.queued_bytes -= len(text)
            try:
                await asyncio.wait_for(self.ws.send_text(text), SEND_TIMEOUT_S)
            except TimeoutError:
                self.drop(f"a message not taken in {SEND_TIMEOUT_S:g} s")
                return
            except Exception:  # a closed socket: its serve() ends and forgets it
                self.dropped = True
                return

    def drop(self, why: str) -> None:
        """Stop sending and close the socket without waiting for the peer."""
        if self.dropped:
            return
        self.dropped = True
        log.warning("dropping a push client that fell behind: %s", why)
        self.sender.cancel()
        asyncio.get_running_loop().create_task(self._close())

    async def _close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(FELL_BEHIND, "fell behind"), CLOSE_TIMEOUT_S)
        self.closed.set()


# At most this share of the time goes to reloading: with 10,000 runs a reload's check of
# every file takes ~0.3 s, which at --reload_interval 1 kept a core a third busy.
RELOAD_SHARE = 0.25


def pause_after(duration: float, reload_interval: float) -> float:
    """Seconds to wait after a reload that took ``duration``: ``reload_interval``, or longer
    when reloads are slow, so that reloading takes at most :data:`RELOAD_SHARE` of the time."""
    return max(reload_interval, duration * (1 - RELOAD_SHARE) / RELOAD_SHARE)


class LogdirPushHub:
    """Open WebSockets and the reload loop that feeds them.

    :meth:`publish` only queues: neither the reload loop nor a request handler ever
    awaits a page. A page whose queue passes ``MAX_QUEUED_MESSAGES`` or
    ``MAX_QUEUED_BYTES``, or that takes no message for ``SEND_TIMEOUT_S``, is closed
    with code 4000; the page reconnects and refetches runs and its visible cards.
    """

    def __init__(self, provider: DataProvider, reload_interval: float) -> None:
        self.provider = provider
        self.reload_interval = reload_interval
        self._subscribers: dict[WebSocket, _Subscriber] = {}
        self._task: asyncio.Task[None] | None = None
        self.loaded = asyncio.Event()

    @property
    def clients(self) -> int:
        """How many pages are connected."""
        return len(self._subscribers)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        for subscriber in list(self._subscribers.values()):
            subscriber.sender.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def reload_once(self) -> ReloadReport:
        report = await run_in_threadpool(self.provider.reload)
        if report.changed and self._subscribers:
            for message in await run_in_threadpool(messages_for, self.provider, report):
                self.publish(message)
        return report

    async def _loop(self) -> None:
        while True:
            began = time.monotonic()
            try:
                await self.reload_once()
            except Exception:  # a reload must never take the server down
                log.exception("reloading the logdir failed")
            self.loaded.set()
            if self.reload_interval <= 0:
                return
            await asyncio.sleep(pause_after(time.monotonic() - began, self.reload_interval))

    def publish(self, message: dict[str, Any]) -> None:
        """Queue ``message`` for every open page; returns at once (call on the event loop)."""
        if not self._subscribers:
            return
        text = json.dumps(message)
        for subscriber in list(self._subscribers.values()):
            subscriber.offer(text)

    async def serve(self, ws: WebSocket) -> None:
        from trainboard._version import __version__

        await ws.accept()
        subscriber = _Subscriber(ws)
        self._subscribers[ws] = subscriber
        subscriber.offer(json.dumps({"type": "hello", "version": __version__}))
        receiving = asyncio.ensure_future(self._receive(ws))
        dropped = asyncio.ensure_future(subscriber.closed.wait())
        try:
            await asyncio.wait({receiving, dropped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            receiving.cancel()
            dropped.cancel()
            subscriber.sender.cancel()
            self._subscribers.pop(ws, None)

    @staticmethod
    async def _receive(ws: WebSocket) -> None:
        """Read (and ignore) what the page sends until it goes away."""
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            while True:
                await ws.receive_text()  # pings from the page; nothing else is expected


async def _live_endpoint(ws: WebSocket) -> None:
    hub: LogdirPushHub = ws.app.state.hub
    await hub.serve(ws)


websocket_route = WebSocketRoute("/api/live", _live_endpoint)
