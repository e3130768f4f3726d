"""One env's file on disk: an append-only JSON-lines log of Visdom operations.

Layout: ``<root>/<quoted env>/log.jsonl``. Each line is ``[endpoint, message]`` as
Visdom's ``log_to_filename`` writes them (``events``, ``update``, ``close``,
``win_data``), plus two of our own: ``["env", {"eid": name, "version": 1}]`` first,
and ``["snapshot", {"windows": [window dicts]}]`` after a compaction. Replaying the
lines in order rebuilds the env.

Every record is written with one ``os.write`` as it is applied (a killed server loses
nothing the kernel has); a background thread ``fsync``s dirty logs every second, so a
machine crash loses at most the last second. Compaction writes a new file and renames
it over the old one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

from trainboard.visdom.protocol import dumps

__all__ = ["LOG_NAME", "EnvLog", "Syncer", "env_dirname", "iter_records"]

LOG_NAME = "log.jsonl"
VERSION = 1
log = logging.getLogger("trainboard.visdom")


MAX_DIRNAME = 200  # bytes; file systems allow 255, and a suffix must still fit


def env_dirname(env: str) -> str:
    """A directory name for ``env``: percent-quoted, never hidden, ``.`` or ``..``.

    A name whose quoted form passes ``MAX_DIRNAME`` bytes keeps a prefix of it and a hash
    of the whole name (so distinct envs get distinct directories); the env's real name is
    the ``eid`` of the log's first record, so the mapping is reversed by reading it.
    """
    quoted = urllib.parse.quote(env, safe="")
    quoted = "%2E" + quoted[1:] if quoted.startswith(".") else quoted
    if len(quoted) > MAX_DIRNAME:
        digest = hashlib.sha256(env.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        quoted = quoted[: MAX_DIRNAME - 17] + "~" + digest
    return quoted


def iter_records(path: str) -> Iterator[tuple[str, Any]]:
    """The ``(endpoint, message)`` records of a log; a torn or bad line is skipped, logged."""
    with open(path, "rb") as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            try:
                endpoint, message = json.loads(line, parse_constant=lambda _: None)
            except ValueError:
                log.warning("%s line %d is not a record (a torn write?); skipped", path, number)
                continue
            yield str(endpoint), message


class EnvLog:
    """The open log file of one env."""

    def __init__(self, directory: str, env: str) -> None:
        self.directory = directory
        self.path = os.path.join(directory, LOG_NAME)
        self.lock = threading.Lock()
        self.dirty = False
        os.makedirs(directory, exist_ok=True)
        fresh = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if fresh:
            self.write("env", {"eid": env, "version": VERSION})

    def write(self, endpoint: str, message: Any) -> None:
        data = (dumps([endpoint, message]) + "\n").encode()
        with self.lock:
            if self._fd is None:
                return
            os.write(self._fd, data)
            self.dirty = True

    def sync(self) -> None:
        with self.lock:
            if self._fd is not None and self.dirty:
                os.fsync(self._fd)
                self.dirty = False

    def compact(self, env: str, windows: list[dict[str, Any]]) -> None:
        """Replace the log by its header and one snapshot of ``windows``."""
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as file:
            file.write(dumps(["env", {"eid": env, "version": VERSION}]) + "\n")
            file.write(dumps(["snapshot", {"windows": windows}]) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with self.lock:
            if self._fd is not None:
                os.close(self._fd)
            os.replace(tmp, self.path)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            self.dirty = False

    def close(self) -> None:
        with self.lock:
            if self._fd is not None:
                if self.dirty:
                    os.fsync(self._fd)
                os.close(self._fd)
                self._fd = None


class Syncer:
    """A daemon thread that ``fsync``s the dirty logs every ``interval`` seconds."""

    def __init__(self, logs: dict[str, EnvLog], interval: float) -> None:
        self._logs = logs
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="trainboard-live-fsync", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.sync_all()

    def sync_all(self) -> None:
        for env_log in list(self._logs.values()):
            try:
                env_log.sync()
            except OSError:
                log.exception("fsync of %s failed", env_log.path)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
