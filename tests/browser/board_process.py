"""A real ``trainboard`` server process over a logdir, for the browser tests and benchmarks.

``running_board(logdir)`` starts ``trainboard serve --logdir DIR --port 0``, waits for the
line announcing its URL and stops the process when the block ends::

    with running_board(tmp_path / "runs", "--window_title", "demo") as board:
        page.goto(board.url)
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["BoardProcess", "running_board", "trainboard_command"]

_URL_LINE = re.compile(
    r"^trainboard \S+ serving .* at (http://\S+/)(?:\?token=(\S+))? \(Ctrl\+C to quit\)$"
)
STARTUP_TIMEOUT_S = 60.0


def trainboard_command() -> list[str]:
    """The ``trainboard`` console script beside this Python, else ``python -m trainboard.cli``."""
    script = Path(sys.executable).with_name("trainboard")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("trainboard")
    return [found] if found else [sys.executable, "-m", "trainboard.cli"]


class BoardProcess:
    """One ``trainboard serve`` process; ``url`` is known once :meth:`wait_ready` returns."""

    def __init__(
        self, logdir: str | os.PathLike[str], *args: str, use_cache: bool = False
    ) -> None:
        self.logdir = os.fspath(logdir)
        # No index cache unless asked: tests must not read or leave one in the user's cache.
        cache = () if use_cache else ("--no_cache",)
        # No second port for Visdom clients unless a test asks: parallel boards would race for it.
        visdom = () if "--visdom_port" in args else ("--visdom_port", "0")
        self.command = [*trainboard_command(), "serve", "--logdir", self.logdir, "--port", "0",
                        *cache, *visdom, *args]
        self.url = ""
        self.token = ""  # the board's token when it printed one (listening beyond loopback)
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        # Output is read on a thread so a chatty server can never block on a full pipe.
        self._process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stdout = self._process.stdout
        for line in stdout if stdout is not None else ():
            self.output.append(line)
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT_S) -> str:
        """Waits for the URL line; raises RuntimeError (with the output) if it never comes."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                reason = f"nothing within {timeout:g} s"
                break
            if line is None:
                reason = f"exit code {self._process.wait(timeout=5)}"
                break
            match = _URL_LINE.match(line)
            if match:
                self.url = match.group(1)
                self.token = match.group(2) or ""
                return self.url
        self.stop()
        raise RuntimeError(
            f"{' '.join(self.command)!r} did not announce its URL ({reason}); "
            f"output:\n{''.join(self.output)}"
        )

    def stop(self) -> None:
        """Terminates the server (kills it if it does not exit within 5 s)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._reader.join(timeout=5)
        if self._process.stdout is not None:
            self._process.stdout.close()


@contextlib.contextmanager
def running_board(logdir: str | os.PathLike[str], *args: str) -> Iterator[BoardProcess]:
    """A started ``trainboard`` over ``logdir`` (extra CLI ``args``), stopped on exit."""
    board = BoardProcess(logdir, *args)
    try:
        board.wait_ready()
        yield board
    finally:
        board.stop()
