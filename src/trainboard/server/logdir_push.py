"""The push channel: a reload loop over the provider, and a WebSocket hub broadcasting diffs.

Every ``reload_interval`` seconds the loop asks the provider for what is new
(a :class:`~trainboard.data.provider.ReloadReport`: new runs, tags and points) and
sends each open page one small message per kind of change; pages refetch only the
visible cards those messages name. Nothing is polled by the pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from trainboard.data.provider import DataProvider, ReloadReport
from trainboard.server.routes.core import kind_of

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
        by_kind: dict[str, list[dict[str, Any]]] = {}
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
        new_tags: dict[tuple[str, str], list[str]] = {}
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


class LogdirPushHub:
    """Open WebSockets and the reload loop that feeds them."""

    def __init__(self, provider: DataProvider, reload_interval: float) -> None:
        self.provider = provider
        self.reload_interval = reload_interval
        self.clients: set[WebSocket] = set()
        self._task: asyncio.Task[None] | None = None
        self.loaded = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def reload_once(self) -> ReloadReport:
        report = await run_in_threadpool(self.provider.reload)
        if report.changed and self.clients:
            for message in await run_in_threadpool(messages_for, self.provider, report):
                await self.broadcast(message)
        return report

    async def _loop(self) -> None:
        while True:
            try:
                await self.reload_once()
            except Exception:  # a reload must never take the server down
                log.exception("reloading the logdir failed")
            self.loaded.set()
            if self.reload_interval <= 0:
                return
            await asyncio.sleep(self.reload_interval)

    async def broadcast(self, message: dict[str, Any]) -> None:
        text = json.dumps(message)
        for ws in list(self.clients):
            try:
                await ws.send_text(text)
            except Exception:  # a closed socket: forget it
                self.clients.discard(ws)

    async def serve(self, ws: WebSocket) -> None:
        from trainboard import __version__

        await ws.accept()
        self.clients.add(ws)
        try:
            await ws.send_text(json.dumps({"type": "hello", "version": __version__}))
            while True:
                await ws.receive_text()  # pings from the page; nothing else is expected
        except WebSocketDisconnect:
            pass
        finally:
            self.clients.discard(ws)


async def _live_endpoint(ws: WebSocket) -> None:
    hub: LogdirPushHub = ws.app.state.hub
    await hub.serve(ws)


websocket_route = WebSocketRoute("/api/live", _live_endpoint)
