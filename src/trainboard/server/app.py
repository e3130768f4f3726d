"""``create_app``: the board's ASGI application. A route table, nothing else."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles

from trainboard.data.provider import DataProvider
from trainboard.errors import NotFoundError
from trainboard.server.errors import (
    PublicError,
    error_response,
    not_found_handler,
    public_error_handler,
)
from trainboard.server.logdir_push import LogdirPushHub, websocket_route
from trainboard.server.path_prefix import PathPrefixMiddleware
from trainboard.server.routes import (
    audio,
    core,
    custom_scalars,
    graphs,
    groups,
    histograms,
    hparams,
    images,
    mesh,
    notes,
    pr_curves,
    projector,
    runs_table,
    scalars,
    text,
    visdom_board,
    visdom_endpoints,
)
from trainboard.server.security import SecurityMiddleware, WebSecurity

__all__ = ["STATIC_DIR", "create_app", "openapi_document"]

STATIC_DIR = Path(__file__).parent / "static"
STATIC_DIR_ENV = "TRAINBOARD_STATIC_DIR"
# One module per dashboard; add yours here once it imports cleanly.
_ROUTE_MODULES = (
    core,
    scalars,
    groups,
    visdom_board,
    visdom_endpoints,
    text,
    pr_curves,
    histograms,
    images,
    audio,
    hparams,
    custom_scalars,
    graphs,
    mesh,
    projector,
    notes,
    runs_table,
)

_NOT_BUILT = """<!doctype html><html><meta charset="utf-8"><title>trainboard</title>
<p>The trainboard front end is not built. Run <code>./scripts/setup</code> (or
<code>npm ci && npm run build</code> in <code>frontend/</code>); the HTTP API under
<code>/api/</code> works meanwhile.</p>"""


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3 document of the HTTP API, assembled from the route modules.

    Response schemas come from the wire models the routes name (``trainboard.server.wire``);
    ``components/schemas`` also holds ``Kind``, the push channel's messages and the binary
    answers' headers, which the front end's generated types read.
    """
    from trainboard._version import __version__
    from trainboard.data.dashboard_kinds import Kind
    from trainboard.server.wire.histograms import HistogramsHeader
    from trainboard.server.wire.mesh import MeshDataHeader
    from trainboard.server.wire.projector import ProjectionHeader
    from trainboard.server.wire.push import PushMessage
    from trainboard.server.wire.scalars import ScalarsHeader
    from trainboard.server.wire.schema import resolve_models

    paths: dict[str, Any] = {}
    for module in _ROUTE_MODULES:
        paths.update(module.OPENAPI)
    paths["/api/live"] = {
        "get": {
            "summary": "WebSocket push channel (see docs/http/api.md).",
            "responses": {"101": {"description": "Switching protocols; messages: PushMessage."}},
        }
    }
    extra = {
        "Kind": Kind,
        "PushMessage": PushMessage,
        "ScalarsHeader": ScalarsHeader,
        "HistogramsHeader": HistogramsHeader,
        "MeshDataHeader": MeshDataHeader,
        "ProjectionHeader": ProjectionHeader,
    }
    paths, schemas = resolve_models(paths, extra)
    return {
        "openapi": "3.1.0",
        "info": {"title": "trainboard", "version": __version__},
        "paths": paths,
        "components": {"schemas": schemas},
    }


async def _openapi_route(request: Request) -> JSONResponse:
    return JSONResponse(openapi_document())


_EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def _api_not_found(request: Request) -> Response:
    """404 for an unknown API path; 405 with ``Allow`` when only the method is wrong."""
    allowed: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.endpoint is not _api_not_found:
            match, _ = route.matches(request.scope)
            if match is Match.PARTIAL and route.methods:
                allowed |= route.methods
    if allowed:
        response = error_response(
            405, f"{request.method} is not allowed on {request.url.path!r}; use "
            f"{', '.join(sorted(allowed))}"
        )
        response.headers["Allow"] = ", ".join(sorted(allowed))
        return response
    return error_response(404, f"no API route {request.url.path!r}")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = error_response(exc.status_code, str(exc.detail))
    response.headers.update(exc.headers or {})  # e.g. Allow on a 405
    return response


async def _not_built_route(request: Request) -> Response:
    return HTMLResponse(_NOT_BUILT)


def _static_dir(static_dir: str | os.PathLike[str] | None) -> Path:
    if static_dir is not None:
        return Path(static_dir)
    from_env = os.environ.get(STATIC_DIR_ENV)
    return Path(from_env) if from_env else STATIC_DIR


def create_app(
    provider: DataProvider,
    *,
    logdir: str = "",
    static_dir: str | os.PathLike[str] | None = None,
    window_title: str = "",
    reload_interval: float = 1.0,
    security: WebSecurity | None = None,
    path_prefix: str = "",
) -> Starlette:
    """The board over ``provider``: the HTTP API, the push channel and the built front end.

    The provider is reloaded every ``reload_interval`` seconds (0: once, at start)
    and changes are pushed to open pages. The front end is served from ``static_dir``, else
    from ``$TRAINBOARD_STATIC_DIR`` when set (e.g. a build of one's own:
    ``npx vite build --outDir /tmp/x``), else from the package's ``static/``.
    ``security`` sets the Host allow-list, token and body limit
    (:mod:`trainboard.server.security`); by default any Host is served, without a token.
    ``path_prefix`` (``/prefix``) serves everything under ``/prefix/``, as TensorBoard's
    ``--path_prefix`` does (:mod:`trainboard.server.path_prefix`).
    """
    static = _static_dir(static_dir)
    hub = LogdirPushHub(provider, reload_interval)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hub.start()
        try:
            yield
        finally:
            await hub.stop()

    routes: list[BaseRoute] = [route for m in _ROUTE_MODULES for route in m.ROUTES]
    routes += [
        Route("/api/openapi.json", _openapi_route),
        websocket_route,
        Route("/api/{rest:path}", _api_not_found, methods=_EVERY_METHOD),
    ]
    if (static / "index.html").is_file():
        routes.append(Mount("/", StaticFiles(directory=static, html=True), name="static"))
    else:
        routes.append(Route("/", _not_built_route))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[  # outermost first: the prefix sets root_path, which security reads
            Middleware(PathPrefixMiddleware, prefix=path_prefix),
            Middleware(SecurityMiddleware, security=security or WebSecurity()),
        ],
        exception_handlers={
            PublicError: public_error_handler,
            NotFoundError: not_found_handler,
            HTTPException: _http_error,
        },
    )
    app.state.provider = provider
    app.state.hub = hub
    app.state.logdir = logdir
    app.state.window_title = window_title
    app.state.reload_interval = reload_interval
    return app
