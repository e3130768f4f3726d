"""Who may talk to the board: Host and Origin checks, an optional token, body limits, headers.

One ASGI middleware in front of every route, HTTP and WebSocket alike:

* **Host allow-list** (DNS rebinding): a request whose ``Host`` is not an allowed name gets
  403. The CLI allows the loopback names and the host it listens on; ``None`` (the default
  of :func:`~trainboard.server.app.create_app` for embedding) checks nothing.
* **Origin** (cross-site requests): a WebSocket handshake or a state-changing request
  (anything but GET, HEAD, OPTIONS) whose ``Origin`` header names another origin than the
  request's own gets 403. Requests without an Origin header (scripts, the ``visdom``
  client, ``curl``) pass: browsers always send one on these requests.
* **Token** (a board reachable beyond loopback): every request must carry it, as
  ``?token=``, the ``trainboard_token`` cookie (set when a URL with the token is opened),
  or ``Authorization: token <t>`` / ``Bearer <t>``. The ``visdom`` client logs in with
  its own options, ``Visdom(username=any, password=<token>)``.
* **Bodies** larger than ``max_body_bytes`` get 413 before the route reads them.
* **Headers** on every HTTP response: a Content-Security-Policy (scripts only from the
  board; ``frame-ancestors`` lets a notebook on localhost embed it), ``nosniff``, no
  referrer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

__all__ = ["LOOPBACK_HOSTS", "TOKEN_COOKIE", "SecurityMiddleware", "WebSecurity"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
TOKEN_COOKIE = "trainboard_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_MAX_BODY_BYTES = 64 << 20

# 'unsafe-eval': Plotly (the Live tab) compiles some functions at run time. Inline styles:
# uPlot and the sandboxed Visdom text frames set them. Nothing inline may run as a script.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self' http://localhost:* http://127.0.0.1:* http://[::1]:*"
        " https://localhost:* https://127.0.0.1:* https://[::1]:*",
    ]
)
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


@dataclass(frozen=True)
class WebSecurity:
    """The board's access rules (see the module docstring).

    ``allowed_hosts``: host names (without port) a request's Host may name; None allows
    any. ``token``: required on every request when set. ``max_body_bytes``: the largest
    request body accepted.
    """

    allowed_hosts: frozenset[str] | None = None
    token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES


def _host_name(host: str) -> str:
    """``example.org:6006`` -> ``example.org``; ``[::1]:6006`` -> ``::1``; lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _same_origin(origin: str, host: str, scheme: str) -> bool:
    """Whether ``origin`` (scheme://host[:port]) is the origin of a request to ``host``."""
    parsed = urllib.parse.urlsplit(origin)
    if not parsed.scheme or not parsed.netloc:
        return False  # "null" (sandboxed frames, file://) is never our origin
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}
    request_scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    want = urllib.parse.urlsplit(f"{request_scheme}://{host}")
    try:
        port = parsed.port or default.get(parsed.scheme)
        want_port = want.port or default.get(request_scheme)
        return (
            parsed.scheme == request_scheme
            and parsed.hostname == want.hostname
            and port == want_port
        )
    except ValueError:  # a port that is not a number
        return False


class SecurityMiddleware:
    """ASGI middleware enforcing a :class:`WebSecurity` (see the module docstring)."""

    def __init__(self, app: ASGIApp, security: WebSecurity) -> None:
        self.app = app
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if self._is_visdom_login(scope):
            await self._visdom_login(receive, send)
            return
        refusal, set_cookie = self._check(scope, headers)
        if refusal is not None:
            await self._refuse(scope, receive, send, *refusal)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        limit = self.security.max_body_bytes
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, 413, f"request body of {declared} bytes "
                               f"is larger than the limit of {limit} bytes")
            return
        await self.app(scope, self._limited(receive, limit), self._with_headers(send, set_cookie))

    def _check(
        self, scope: Scope, headers: dict[str, str]
    ) -> tuple[tuple[int, str] | None, bool]:
        """(status, message) when refused, else None; and whether to set the token cookie."""
        security = self.security
        host = headers.get("host", "")
        if security.allowed_hosts is not None and _host_name(host) not in security.allowed_hosts:
            allowed = ", ".join(sorted(security.allowed_hosts))
            return (403, f"Host {host!r} is not allowed (allowed: {allowed}; "
                         "trainboard serve --allowed_hosts adds names)"), False
        origin = headers.get("origin")
        unsafe = scope["type"] == "websocket" or scope.get("method", "GET") not in SAFE_METHODS
        if unsafe and origin is not None and not _same_origin(origin, host, scope["scheme"]):
            return (403, f"cross-origin request from {origin!r} refused"), False
        if security.token is None:
            return None, False
        given, from_query = _token_of(scope, headers)
        if given is None or not hmac.compare_digest(given, security.token):
            return (403, "this board needs its token: open the URL trainboard printed at start "
                         "(…/?token=…), or send 'Authorization: token <token>'"), False
        return None, from_query

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, status: int, message: str
    ) -> None:
        if scope["type"] == "websocket":
            await receive()  # the connect message
            await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
            return
        body = json.dumps({"error": {"status": status, "message": message}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _is_visdom_login(self, scope: Scope) -> bool:
        """The ``visdom`` client's login: ``POST /`` with ``{username, password}``."""
        return (
            self.security.token is not None
            and scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path") == scope.get("root_path", "") + "/"
        )

    async def _visdom_login(self, receive: Receive, send: Send) -> None:
        """``Visdom(username=..., password=<token>)``: the client sends sha256(password).

        Any user name; the password is the board's token. Success sets the token cookie
        (and Visdom's ``user_password`` cookie, which its event socket sends).
        """
        body = b""
        more = True
        while more and len(body) <= 4096:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            given = json.loads(body).get("password", "")
        except (ValueError, AttributeError):
            given = ""
        assert self.security.token is not None
        expected = hashlib.sha256(self.security.token.encode()).hexdigest()
        ok = isinstance(given, str) and hmac.compare_digest(given, expected)
        status, reply = (200, b'{"ok": true}') if ok else (403, json.dumps(
            {"error": {"status": 403, "message": "wrong password: Visdom(password=...) "
                       "must be the token trainboard printed at start"}}).encode())
        headers = [(b"content-type", b"application/json"), *_HEADERS]
        if ok:
            for name in (TOKEN_COOKIE, "user_password"):
                cookie = f"{name}={self.security.token}; Path=/; HttpOnly; SameSite=Strict"
                headers.append((b"set-cookie", cookie.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": reply})

    @staticmethod
    def _limited(receive: Receive, limit: int) -> Receive:
        """``receive`` that fails the request once more than ``limit`` body bytes arrived."""
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    from starlette.exceptions import HTTPException

                    raise HTTPException(413, f"request body is larger than the limit of "
                                             f"{limit} bytes")
            return message

        return limited

    def _with_headers(self, send: Send, set_cookie: bool) -> Send:
        token = self.security.token

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(_HEADERS)
                if set_cookie and token is not None:
                    cookie = f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
                    extra.append((b"set-cookie", cookie.encode()))
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in extra if h[0] not in names or h[0] == b"set-cookie"),
                ]
            await send(message)

        return sending


def _token_of(scope: Scope, headers: dict[str, str]) -> tuple[str | None, bool]:
    """The token a request carries and whether it came in the URL's query."""
    query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0], True
    authorization = headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() in ("token", "bearer") and value:
        return value.strip(), False
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header carries no token
        return None, False
    morsel = cookie.get(TOKEN_COOKIE) or cookie.get("user_password")
    return (morsel.value if morsel is not None else None), False
