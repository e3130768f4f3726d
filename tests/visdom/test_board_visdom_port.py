"""The board also listens on Visdom's port (``--visdom_port``, 8097 by default) when it is free,
so a script that only swapped its import reaches the board without choosing a port."""

from __future__ import annotations

import json
import queue
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from trainboard import Visdom

_URL = re.compile(r" serving .* at (http://\S+/) ")
_VISDOM_LINE = re.compile(r"Visdom clients: also listening on Visdom's port, (http://\S+/) ")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _board(logdir: Path, *args: str) -> Iterator[tuple[str, list[str]]]:
    """``trainboard --logdir DIR --port 0 ARGS``: its URL and the output lines before it and
    the one after (where the Visdom port line comes)."""
    command = [sys.executable, "-m", "trainboard.cli", "--logdir", str(logdir), "--port", "0",
               *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        try:
            seen: list[str] = []
            url = None
            while url is None:
                line = lines.get(timeout=30)
                assert line is not None, f"the board exited: {seen!r}"
                seen.append(line)
                match = _URL.search(line)
                url = match.group(1) if match else None
            with suppress(queue.Empty):
                seen.append(lines.get(timeout=1) or "")
            yield url, seen
        finally:
            proc.terminate()
            proc.wait(10)


def test_the_board_answers_visdom_clients_on_visdoms_port(tmp_path: Path) -> None:
    visdom_port = _free_port()
    with _board(tmp_path, "--visdom_port", str(visdom_port)) as (url, lines):
        announced = [m.group(1) for m in map(_VISDOM_LINE.search, lines) if m]
        assert announced == [f"http://127.0.0.1:{visdom_port}/"]
        viz = Visdom(port=visdom_port, env="swapped_import", raise_exceptions=True)
        viz.line([0.5, 0.25], [0, 1], win="loss", update="append")
        assert viz.flush(timeout=10)
        assert viz._sender.kind == "board"  # batched, not one request per message
        viz.close_connection(timeout=5)
        with urllib.request.urlopen(url + "api/live/windows?env=swapped_import") as response:
            windows = json.load(response)["windows"]  # the same board on its own port
        assert [w["id"] for w in windows] == ["loss"]


def test_visdom_port_zero_turns_the_second_port_off(tmp_path: Path) -> None:
    visdom_port = _free_port()
    with _board(tmp_path, "--visdom_port", "0") as (_, lines):
        assert not any("Visdom clients: also" in line for line in lines)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", visdom_port)) != 0


def test_a_taken_visdom_port_is_a_note_not_an_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with _board(tmp_path, "--visdom_port", str(port)) as (url, lines):
            note = [line for line in lines if "cannot also listen on Visdom's port" in line]
            assert len(note) == 1 and f"Visdom(port={url.split(':')[-1][:-1]})" in note[0]
            assert not any("Visdom clients: also" in line for line in lines)
