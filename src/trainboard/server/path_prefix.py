"""The board under a path prefix (``trainboard --path_prefix /prefix``), as TensorBoard does it.

Behind a reverse proxy or JupyterHub that forwards ``https://host/prefix/...`` unchanged,
every page, asset, API route and the push WebSocket answer under ``/prefix/``:

* ``/prefix/...`` is served as ``/...`` would be without a prefix. The prefix becomes the
  ASGI ``root_path`` (the path itself is kept whole, as the ASGI spec asks), so Starlette's
  routes and static files match the rest of the path.
* ``/prefix`` (no trailing slash) is redirected to ``/prefix/`` (301, query kept), so the
  page's relative URLs resolve under the prefix.
* Anything else is 404 (a WebSocket is closed), with a message naming the prefix.

The front end builds every URL relative to the page (assets, ``api/...``, ``api/live``),
so it needs no setting of its own.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["PathPrefixMiddleware", "normalize_path_prefix"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def normalize_path_prefix(prefix: str) -> str:
    """``"/a/b/"`` -> ``"/a/b"``; ``""`` and ``"/"`` -> ``""`` (no prefix).

    Raises ValueError for a prefix that does not start with ``/`` (TensorBoard's rule).
    """
    stripped = prefix.rstrip("/")
    if stripped and not stripped.startswith("/"):
        raise ValueError(f"a path prefix must start with '/', not {prefix!r}")
    return stripped


class PathPrefixMiddleware:
    """ASGI middleware serving ``app`` under ``prefix`` (see the module docstring).

    ``prefix`` is normalized with :func:`normalize_path_prefix`; empty passes every
    request through unchanged.
    """

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = normalize_path_prefix(prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        prefix = self.prefix
        if not prefix or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        root = scope.get("root_path", "")
        path: str = scope["path"]
        # The path as the server received it; strip a root_path a server above us set.
        own = path[len(root) :] if root and path.startswith(root) else path
        if own.startswith(prefix + "/"):
            await self.app({**scope, "root_path": root + prefix}, receive, send)
        elif own == prefix and scope["type"] == "http":
            await self._redirect(scope, send, root + prefix + "/")
        else:
            await self._not_found(scope, receive, send, root + prefix + "/")

    @staticmethod
    async def _redirect(scope: Scope, send: Send, location: str) -> None:
        query = scope.get("query_string", b"")
        target = location.encode("latin-1") + (b"?" + query if query else b"")
        await send(
            {
                "type": "http.response.start",
                "status": 301,
                "headers": [(b"location", target), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _not_found(scope: Scope, receive: Receive, send: Send, served_at: str) -> None:
        message = f"this board is served under {served_at} (--path_prefix)"
        if scope["type"] == "websocket":
            await receive()  # the connect message
            await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
            return
        body = json.dumps({"error": {"status": 404, "message": message}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
