"""``Visdom``: Visdom's client API, sending to a trainboard board or a Visdom server in the
background.

Every plotting call validates its input on the calling thread, queues one operation and
returns the window id; a background thread sends the operations: in batches to a board,
as Visdom's own client does to a Visdom server (see :mod:`trainboard.visdom._sender`).
Nothing here imports numpy, PIL or an HTTP library at import time;
``line(..., update='append')`` with plain numbers (or a small tensor) never imports numpy
at all.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from typing import Any

from trainboard.visdom._content import ContentMethods
from trainboard.visdom._layout import append_message, check_opts
from trainboard.visdom._methods import PlotMethods
from trainboard.visdom._sender import APPEND, LAZY, MESSAGE, Sender, post, unreachable
from trainboard.writer._convert import is_torch_tensor

__all__ = ["Visdom"]

log = logging.getLogger("trainboard.visdom")
_QUEUED = ("events", "update", "close", "env")
_FAST_BLOCKERS = ("linecolor", "dash", "markercolor", "textlabels")
VISDOM_PORT = 8097
BOARD_PORT = 6006
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


def _numbers(value: Any) -> list[Any] | None:
    """A flat list of Python numbers from a number, a flat list/tuple of numbers, a 0-D or
    1-D tensor or array; None when ``value`` is anything else (the general path)."""
    kind = type(value)
    if kind is float or kind is int:
        return [value]
    if kind is list or kind is tuple:
        for item in value:
            if type(item) is not float and type(item) is not int:
                return None
        return list(value)
    if is_torch_tensor(value) and value.dim() <= 1:
        values: list[Any] = value.detach().reshape(-1).tolist()
        return values
    if kind.__module__ == "numpy" and getattr(value, "ndim", 2) <= 1 and value.dtype.kind in "iuf":
        return list(value.reshape(-1).tolist())
    return None


def _append_op_message(op: tuple[Any, ...]) -> dict[str, Any]:
    _, env, win, name, xs, ys, opts = op
    return append_message(env, win, name, xs, ys, opts)


class Visdom(PlotMethods, ContentMethods):
    """Visdom's client, for a ``trainboard`` board or a Visdom server.

    Same constructor and methods as ``visdom.Visdom``. Against a board (``trainboard
    --logdir runs``, which also listens on Visdom's port 8097) windows show in its Live tab
    and are kept on disk under the logdir; against a Visdom server (``python -m
    visdom.server``) each message goes to Visdom's own endpoints as ``visdom.Visdom`` sends
    it. Which of the two listens is found out at the first send (and after the server was
    unreachable). On this machine's port 8097 with nothing listening, a board on 6006 is
    used instead. Calls do not wait for the server: operations are queued and sent by a
    background thread (consecutive appends to one trace become one update; a board gets
    them in batches). ``flush()`` waits for them; ``sync=True`` makes every call wait. A
    server that is down is reported once (logging) and does not stop training: updates
    are kept (at most ``max_queue`` operations) and sent when it is back.

    Example::

        from trainboard import Visdom

        viz = Visdom(env="exp1")
        for step in range(100):
            viz.line([1 / (step + 1)], [step], win="loss", update="append",
                     opts={"title": "loss"})
        viz.flush()

    Args:
        server: ``http://host`` of the board or Visdom server.
        endpoint: Visdom's default endpoint (kept for compatibility).
        port: The server's port (Visdom's 8097, where the board also listens; with
            nothing on 8097 of this machine, a board on 6006 is used).
        base_url: A path prefix the server is mounted under (``/`` for none).
        env: The default env of every call.
        send: False builds the messages and returns ``(msg, endpoint)`` without sending.
        raise_exceptions: True raises ``ConnectionError`` from synchronous calls when the
            server cannot be reached (default: they log it and return None/False).
        use_incoming_socket: Accepted for compatibility; browser callbacks are not supported.
        log_to_filename: Also append every ``events``/``update`` message to this file, as
            JSON lines ``[endpoint, msg]`` (Visdom's format; :meth:`replay_log` reads it).
        offline: Only write ``log_to_filename``; never contact a server.
        sync: Every call waits for the server (Visdom's behaviour) (trainboard).
        max_queue: Most operations waiting to be sent: a loop faster than the server
            waits beyond it; while the server is down the oldest are dropped (appends to a
            trace are merged, so that takes a while) (trainboard).
        timeout: Seconds a request (and ``flush()``) may take (trainboard).

    ``username``/``password`` log in as Visdom's client does, at the first contact: to a
    Visdom server started with logins, or to a board that requires a token (any user
    name; the token as the password).

    Accepted and ignored (trainboard has no proxies): ``ipv6``, ``http_proxy_host``,
    ``http_proxy_port``, ``proxies``, ``use_polling``.
    """

    def __init__(
        self,
        server: str = "http://localhost",
        endpoint: str = "events",
        port: int = 8097,
        base_url: str = "/",
        ipv6: bool = True,
        http_proxy_host: str | None = None,
        http_proxy_port: int | None = None,
        env: str = "main",
        send: bool = True,
        raise_exceptions: bool | None = None,
        use_incoming_socket: bool = True,
        log_to_filename: str | None = None,
        username: str | None = None,
        password: str | None = None,
        proxies: dict[str, str] | None = None,
        offline: bool = False,
        use_polling: bool = False,
        *,
        sync: bool = False,
        max_queue: int = 100_000,
        timeout: float = 10.0,
    ) -> None:
        if base_url != "/" and (not base_url.startswith("/") or base_url.endswith("/")):
            raise ValueError(f"base_url must be '/' or start (not end) with '/', got {base_url!r}")
        if offline and log_to_filename is None:
            raise ValueError("offline=True needs log_to_filename: that file is the output")
        if not isinstance(env, str) or not env:
            raise ValueError(f"env must be a non-empty string, got {env!r}")
        if max_queue < 1:
            raise ValueError(f"max_queue must be at least 1, got {max_queue!r}")
        parsed = urllib.parse.urlsplit(server if "://" in server else "http://" + server)
        self.server = f"{parsed.scheme}://{parsed.netloc}"
        self.port = port
        self.base_url = "" if base_url == "/" else base_url
        self.endpoint = endpoint
        self.env = env
        self.env_list = {env}
        self.send = send
        self.raise_exceptions = raise_exceptions
        self.log_to_filename = log_to_filename
        self.offline = offline
        self.sync = sync
        self.timeout = timeout
        self.url = f"{self.server}:{port}{self.base_url}"
        if username and not password:
            raise ValueError(f"username {username!r} needs a password (the board's token)")
        fallback = None
        if port == VISDOM_PORT and parsed.hostname in _LOOPBACK:
            fallback = f"{self.server}:{BOARD_PORT}{self.base_url}"
        self._sender = Sender(self.url, append_message=_append_op_message, max_queue=max_queue,
                              timeout=timeout, log_file=log_to_filename, offline=offline,
                              fallback=fallback,
                              credentials=(username, password) if username and password else None)
        if send and not offline:
            self._sender.submit((MESSAGE, "env", {"eid": env}))

    # -- transport -------------------------------------------------------------

    def _send(self, msg: dict[str, Any], endpoint: str = "events", quiet: bool = False,
              from_log: bool = False, create: bool = True) -> Any:
        """Send one raw message (Visdom's ``_send``): queued for ``events``/``update``/
        ``close``, else a request answered by the server.

        Example::

            viz._send({"data": [{"x": [1, 2], "y": [3, 4], "type": "bar"}],
                       "layout": {}, "win": "raw"})
        """
        if msg.get("eid") is None:
            msg["eid"] = self.env
        self.env_list.add(msg["eid"])
        if not self.send:
            return msg, endpoint
        if "win" in msg and msg["win"] is None and create:
            msg["win"] = "window_" + hex(int(time.time() * 10_000_000))[2:]
        if endpoint in _QUEUED or self.offline:
            self._queue((MESSAGE, endpoint, msg))
            return msg.get("win", True)
        return self._request(endpoint, msg, quiet=quiet)

    def _queue(self, op: tuple[Any, ...]) -> None:
        self._sender.submit(op)
        if self.sync:
            self.flush()

    def _submit(self, endpoint: str, msg: dict[str, Any]) -> Any:
        """Queue a built message; with ``send=False`` return it instead."""
        return self._send(msg, endpoint)

    def _submit_lazy(self, endpoint: str, win: Any, env: Any, build: Any) -> Any:
        """Queue a message built later, on the sender thread (encoding is slow)."""
        win = win if win is not None else "window_" + hex(int(time.time() * 10_000_000))[2:]
        env = self.env if env is None else env
        self.env_list.add(env)
        if not self.send:
            return build(win, env), endpoint
        self._queue((LAZY, endpoint, lambda: build(win, env)))
        return win

    def _request(self, endpoint: str, msg: dict[str, Any], quiet: bool = False) -> str | None:
        """Flush the queue (to keep order), then POST ``msg`` to Visdom's ``endpoint`` (on
        the server the sender found: a board or a Visdom server both answer these)."""
        self.flush()
        try:
            status, text = post(self._sender.base, "/" + endpoint, json.dumps(msg),
                                self.timeout, self._sender.cookie)
        except OSError as exc:
            message = unreachable(self._sender.home, self._sender.fallback, exc)
            if self.raise_exceptions:
                raise ConnectionError(message) from None
            if not quiet:
                log.warning("trainboard live: %s", message)
            return None
        if status >= 400 and self.raise_exceptions:
            raise ValueError(f"the server refused {endpoint}: {text}")
        return text

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued operation was applied by the server.

        Returns False when the server could not be reached within ``timeout`` seconds
        (default: the constructor's ``timeout``); operations are kept and retried. With
        ``raise_exceptions=True`` an operation the server refused raises ValueError.

        Example::

            viz.line([0.5], [10], win="loss", update="append")
            viz.flush()  # the point is on the server now
        """
        if not self.send:
            return True
        done, errors = self._sender.flush(self.timeout if timeout is None else timeout)
        if errors and self.raise_exceptions:
            raise ValueError(f"the server refused {len(errors)} update(s): {errors[0]}")
        if not done and self.raise_exceptions:
            raise ConnectionError(unreachable(self._sender.home, self._sender.fallback))
        return done and not errors

    def close_connection(self, timeout: float | None = None) -> None:
        """Send what is queued (waiting at most ``timeout`` s) and stop the sender thread.

        Also done at interpreter exit, so a script's last points are sent.

        Example::

            viz.close_connection(timeout=5)
        """
        self._sender.close(self.timeout if timeout is None else timeout)

    # -- windows and envs ------------------------------------------------------

    def close(self, win: str | None = None, env: str | None = None) -> Any:
        """Close window ``win`` (every window of the env when None).

        Example::

            viz.close("loss")
        """
        return self._send({"win": win, "eid": env}, "close", create=False)

    def win_exists(self, win: str, env: str | None = None) -> bool | None:
        """Whether ``win`` exists on the server; None when it cannot be reached.

        Example::

            if not viz.win_exists("loss"):
                viz.line([0.0], [0], win="loss")
        """
        reply = self._request("win_exists", {"win": win, "eid": env or self.env}, quiet=True)
        return {"true": True, "false": False}.get(reply or "")

    def get_window_data(self, win: str | None = None, env: str | None = None) -> str | None:
        """A window's JSON as text (every window's, by id, when ``win`` is None).

        Example::

            data = json.loads(viz.get_window_data("loss"))
        """
        return self._request("win_data", {"win": win, "eid": env or self.env})

    def set_window_data(self, data: str, win: str | None = None, env: str | None = None) -> Any:
        """Replace a window (or the env's windows) with JSON from :meth:`get_window_data`.

        Example::

            viz.set_window_data(viz.get_window_data("loss"), win="loss_copy")
        """
        return self._request("win_data", {"win": win, "eid": env or self.env, "data": data})

    def get_env_list(self) -> list[str]:
        """The env names on the server (this client's envs when offline).

        Example::

            print(viz.get_env_list())
        """
        if self.offline:
            return sorted(self.env_list)
        reply = self._request("env_state", {}, quiet=True)
        names: list[str] = json.loads(reply) if reply else []
        return names

    def delete_env(self, env: str) -> Any:
        """Delete an env and its windows (from disk too).

        Example::

            viz.delete_env("scratch")
        """
        return self._request("delete_env", {"eid": env})

    def fork_env(self, prev_eid: str, eid: str) -> Any:
        """Copy env ``prev_eid`` to ``eid``.

        Example::

            viz.fork_env("exp1", "exp1_backup")
        """
        if not isinstance(prev_eid, str) or not isinstance(eid, str):
            raise TypeError(f"prev_eid and eid must be strings, got {prev_eid!r}, {eid!r}")
        return self._request("fork_env", {"prev_eid": prev_eid, "eid": eid})

    def save(self, envs: list[str]) -> Any:
        """Visdom's save. trainboard keeps every env on disk anyway; this compacts them.

        Example::

            viz.save(["main"])
        """
        if not isinstance(envs, list) or not all(isinstance(e, str) for e in envs):
            raise TypeError(f"envs must be a list of env names, got {envs!r}")
        return self._request("save", {"data": envs})

    def check_connection(self, timeout_seconds: float = 0) -> bool:
        """Whether the server answers (retrying for ``timeout_seconds``).

        Example::

            assert viz.check_connection(timeout_seconds=3)
        """
        deadline = time.monotonic() + timeout_seconds
        bases = [self._sender.base, self._sender.home, self._sender.fallback]
        while True:
            for base in dict.fromkeys(b for b in bases if b is not None):
                try:
                    if post(base, "/env_state", "{}", min(self.timeout, 2.0))[0] < 400:
                        return True
                except OSError:
                    pass
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)

    def replay_log(self, log_filename: str) -> None:
        """Send every message of a ``log_to_filename`` file (Visdom's or ours) again.

        Example::

            Visdom(port=8097).replay_log("viz_log.jsonl")
        """
        with open(log_filename, encoding="utf-8") as file:
            for line in file:
                if line.strip():
                    endpoint, msg = json.loads(line)
                    self._sender.submit((MESSAGE, endpoint, msg))
        self.flush()

    def register_event_handler(self, handler: Any, target: str) -> None:
        """Not supported: the Live tab sends no browser events back to Python.

        Example::

            viz.register_event_handler(on_key, "log")  # raises NotImplementedError
        """
        raise NotImplementedError("trainboard's Live tab does not send browser events "
                                  "(Visdom callbacks) back to Python")

    # -- line plots ------------------------------------------------------------

    def line(self, Y: Any, X: Any = None, win: str | None = None, env: str | None = None,
             opts: dict[str, Any] | None = None, update: str | None = None,
             name: str | None = None) -> Any:
        """A line plot of ``Y`` (N values, or N×M: M lines) against ``X`` (default 0..1).

        ``update``: None draws (replaces) the window; ``'append'`` adds points (creating
        the window if needed), ``'replace'`` swaps a trace's data, ``'remove'`` deletes
        trace ``name``; ``'insert'``/``'new'`` (old Visdom) act as ``'replace'``. With
        plain numbers, ``update='append'`` costs the caller about a microsecond.

        Example::

            viz.line([loss], [step], win="loss", update="append", name="train")
        """
        if update == "append" and win is not None and (
                opts is None or not any(k in opts for k in _FAST_BLOCKERS)):
            ys, xs = _numbers(Y), _numbers(X)
            if ys is not None and xs is not None and self.send:
                if len(xs) != len(ys) or not ys:
                    raise ValueError(f"X and Y must have the same (non-zero) length, got "
                                     f"{len(xs)} X and {len(ys)} Y values")
                if opts is not None:
                    opts = check_opts(dict(opts))
                self._sender.submit((APPEND, self.env if env is None else env, win, name,
                                     xs, ys, opts))
                if self.sync:
                    self.flush()
                return win
        return self._plot_line(Y, X, win, env, opts, update, name)
