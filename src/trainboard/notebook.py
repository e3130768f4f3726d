"""Boards inside Jupyter notebooks, as ``tensorboard.notebook`` does it.

In a notebook::

    %load_ext trainboard
    %trainboard --logdir runs

or from Python::

    import trainboard.notebook
    trainboard.notebook.start("--logdir runs")   # start (or reuse) a board, show it inline
    trainboard.notebook.display()                # show the last one again (or port=6006)
    trainboard.notebook.list()                   # the boards this kernel started

``start`` runs ``python -m trainboard serve ARGS --port 0`` as a subprocess (on loopback
unless ARGS say ``--host``), reads the URL it prints and shows the board in an ``<iframe>``.
A second ``start`` with the same arguments from the same working directory reuses the
running board. Boards stop when the kernel exits (or with ``Board.stop()``).

The board allows framing by pages on ``localhost`` / ``127.0.0.1`` (its
Content-Security-Policy), which is where a local Jupyter serves its pages; the iframe
follows the page's loopback name, so a token cookie (for a board started with ``--host``)
stays same-site. Pages served from elsewhere (Colab, a remote JupyterHub) cannot frame it:
open the printed URL instead (docs/integrations.md).

Outside IPython, ``start`` and ``display`` print the URL instead of showing it.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import html
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["Board", "display", "iframe_html", "list", "load_ipython_extension", "start"]

DEFAULT_HEIGHT = 800
START_TIMEOUT_S = 60.0

# The line `trainboard serve` prints once it listens (the token query only beyond loopback).
_URL_LINE = re.compile(r"^trainboard \S+ serving .* at (http://\S+?/)(\?token=\S+)? \(Ctrl\+C")
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


class Board:
    """A board this kernel started: its URL (with ``?token=`` when it has one) and process."""

    def __init__(
        self, process: subprocess.Popen[bytes], url: str, args: tuple[str, ...], cwd: str,
        log_path: str,
    ) -> None:
        self.url = url
        self.args = args
        self.cwd = cwd
        self.log_path = log_path  # the board's own output (stdout and stderr), until stop()
        self.started = time.time()
        self._process = process

    @property
    def port(self) -> int:
        port = urlsplit(self.url).port
        assert port is not None
        return port

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        """Stop the board's process (killed if it does not exit within 5 s)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        with contextlib.suppress(OSError):
            os.remove(self.log_path)
        with _LOCK:
            for key, board in builtins.list(_BOARDS.items()):
                if board is self:
                    del _BOARDS[key]

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<trainboard {' '.join(self.args)!r} at {self.url} (pid {self.pid}, {state})>"


_BOARDS: dict[tuple[str, tuple[str, ...]], Board] = {}  # (working directory, args) -> board
_LOCK = threading.Lock()
_LAST: builtins.list[Board] = []  # the board shown last, for display()


def _parse_args(args: str | Sequence[str]) -> tuple[str, ...]:
    parts = shlex.split(args) if isinstance(args, str) else [str(a) for a in args]
    if parts[:1] == ["serve"]:  # `%trainboard serve --logdir runs` means the same
        parts = parts[1:]
    return tuple(parts)


def _has_option(args: Sequence[str], name: str) -> bool:
    return any(a == name or a.startswith(name + "=") for a in args)


def _command(args: Sequence[str]) -> builtins.list[str]:
    extra = [] if _has_option(args, "--port") else ["--port", "0"]
    return [sys.executable, "-m", "trainboard", "serve", *args, *extra]


def _launch(args: tuple[str, ...], cwd: str, timeout: float) -> Board:
    """Start ``trainboard serve`` and wait for the line with its URL."""
    fd, log_path = tempfile.mkstemp(prefix="trainboard-notebook-", suffix=".log")
    with os.fdopen(fd, "wb") as log:
        # A session of its own: interrupting the kernel (SIGINT to its process group) must
        # not stop the board.
        process = subprocess.Popen(
            _command(args), cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while True:
        output = _read(log_path)
        for line in output.splitlines():
            match = _URL_LINE.match(line)
            if match:
                return Board(process, match.group(1) + (match.group(2) or ""), args, cwd,
                             log_path)
        problem = None
        if process.poll() is not None:
            problem = f"exited with code {process.returncode}"
        elif time.monotonic() > deadline:
            process.kill()
            process.wait()
            problem = f"printed no URL within {timeout:g} s"
        if problem is not None:
            with contextlib.suppress(OSError):
                os.remove(log_path)
            raise RuntimeError(f"trainboard {' '.join(args)} {problem}:\n{output}")
        time.sleep(0.05)


def _read(path: str) -> str:
    with open(path, "rb") as file:
        return file.read().decode("utf-8", "replace")


def _stop_all() -> None:
    with _LOCK:
        boards = builtins.list(_BOARDS.values())
    for board in boards:
        board.stop()


atexit.register(_stop_all)


def _ago(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def start(
    args: str | Sequence[str] = "",
    *,
    height: int = DEFAULT_HEIGHT,
    show: bool = True,
    timeout: float = START_TIMEOUT_S,
) -> None:
    """Start a board with these ``trainboard serve`` arguments, or reuse the running one.

    Args:
        args: The command line after ``trainboard`` (``"--logdir runs"``), as one string or
            a list. ``--port`` defaults to a free port.
        height: Height of the inline board in pixels.
        show: Show it inline (in IPython; elsewhere print its URL).
        timeout: Seconds to wait for a new board to print its URL.

    Raises:
        RuntimeError: if the board exits or prints no URL in time; the message holds its
            output (an unknown flag, a port in use, ...).
    """
    parsed = _parse_args(args)
    cwd = os.getcwd()
    key = (cwd, parsed)
    with _LOCK:
        board = _BOARDS.get(key)
        if board is not None and not board.running:
            del _BOARDS[key]
            board = None
    if board is not None:
        print(
            f"Reusing trainboard on port {board.port} (pid {board.pid}), started "
            f"{_ago(time.time() - board.started)} ago. (Use trainboard.notebook.list() to see "
            "the boards, and .stop() on one to stop it.)"
        )
    else:
        board = _launch(parsed, cwd, timeout)
        with _LOCK:
            _BOARDS[key] = board
    _LAST[:] = [board]
    if show:
        display(board, height=height)


def display(board: Board | None = None, *, port: int | None = None,
            height: int = DEFAULT_HEIGHT) -> None:
    """Show a board inline: ``board``, the one on ``port`` (any board on this machine's
    loopback, e.g. one started in a terminal), or else the one started or shown last."""
    if board is not None and port is not None:
        raise TypeError("give a board or a port, not both")
    if port is not None:
        url = f"http://localhost:{int(port)}/"
    else:
        if board is None:
            if not _LAST:
                raise RuntimeError("no board yet: start one with trainboard.notebook.start("
                                   "'--logdir DIR') or %trainboard --logdir DIR")
            board = _LAST[0]
        _LAST[:] = [board]
        url = board.url
    _show(url, height)


def list() -> builtins.list[Board]:  # tensorboard.notebook's name
    """Print and return the boards this kernel started that are still running."""
    with _LOCK:
        for key, board in builtins.list(_BOARDS.items()):
            if not board.running:
                del _BOARDS[key]
        boards = builtins.list(_BOARDS.values())
    if not boards:
        print("No trainboard boards running (from this kernel).")
    for board in boards:
        print(
            f"  - port {board.port}: trainboard {' '.join(board.args)} (pid {board.pid}, "
            f"started {_ago(time.time() - board.started)} ago, in {board.cwd})"
        )
    return boards


def iframe_html(url: str, height: int = DEFAULT_HEIGHT) -> str:
    """The HTML that shows the board at ``url`` inline: an iframe, plus a script that puts
    it on the page's own loopback name (``localhost`` vs ``127.0.0.1``) when they differ."""
    frame_id = f"trainboard-frame-{secrets.token_hex(8)}"
    names = json.dumps(_LOOPBACK_NAMES)
    return (
        f'<iframe id="{frame_id}" src="{html.escape(url)}" width="100%" '
        f'height="{int(height)}" frameborder="0" title="trainboard"></iframe>\n'
        "<script>\n"
        "(function () {\n"
        f"  const frame = document.getElementById({json.dumps(frame_id)});\n"
        f"  const loopback = {names};\n"
        "  const url = new URL(frame.getAttribute('src'));\n"
        "  const here = window.location.hostname;\n"
        "  if (here !== url.hostname && loopback.includes(here) "
        "&& loopback.includes(url.hostname)) {\n"
        "    url.hostname = here;\n"
        "    frame.src = url.href;\n"
        "  }\n"
        "})();\n"
        "</script>"
    )


def _show(url: str, height: int) -> None:
    shell = _ipython()
    if shell is None:
        print(f"trainboard: {url}")
        return
    from IPython.display import HTML
    from IPython.display import display as ipython_display

    page = HTML(iframe_html(_loopback_url(url), height))  # type: ignore[no-untyped-call]
    ipython_display(page)  # type: ignore[no-untyped-call]


def _loopback_url(url: str) -> str:
    """``http://[::1]:p/`` stays; a wildcard address (a board on ``--host 0.0.0.0``) is
    reached through ``127.0.0.1``."""
    parts = urlsplit(url)
    if parts.hostname in ("0.0.0.0", "::"):
        netloc = f"127.0.0.1:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _magic(line: str) -> None:
    """``%trainboard ARGS``: start (or reuse) a board with these arguments and show it.

    A board that fails to start prints its own message (a bad flag, a port in use), not a
    traceback."""
    try:
        start(line)
    except RuntimeError as error:
        print(f"ERROR: {error}", file=sys.stderr)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext trainboard``: registers the ``%trainboard`` line magic."""
    ipython.register_magic_function(_magic, magic_kind="line", magic_name="trainboard")

