"""Live line plots as scalars: the plain series of ``line`` windows, in event files.

A trace is a *plain series* when it is a 2-D ``scatter``/``scattergl`` trace drawn with
lines (Visdom's ``line``; ``scatter`` draws markers only) whose x values are integers
(steps). Its points go to ``<scalars_dir>/<env>`` with our ``SummaryWriter`` under the tag
``<window title or id>/<trace name>``, so the Scalars dashboard shows them as the run
``live/<env>``. Only points past the last step already written are added, so re-plotting
a whole history (``line`` without ``update``) does not duplicate it; ``replace`` and
``remove`` do not rewrite what is on disk.
"""

from __future__ import annotations

import math
import os
from typing import Any

from trainboard.visdom._envlog import env_dirname

__all__ = ["ScalarMirror", "plain_series"]


def _new_tag(window: dict[str, Any], trace: dict[str, Any]) -> str:
    title = window.get("title") or window["id"]
    return f"{title}/{trace.get('name', '')}"


def _is_plain(trace: dict[str, Any]) -> bool:
    return (
        trace.get("type", "scatter") in ("scatter", "scattergl")
        and "lines" in str(trace.get("mode", ""))
        and "z" not in trace
        and isinstance(trace.get("x"), list)
        and isinstance(trace.get("y"), list)
    )


def _step(x: Any) -> int | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    if isinstance(x, float) and (not math.isfinite(x) or not x.is_integer()):
        return None
    return int(x)


def _points(xs: list[Any], ys: list[Any], after: int | None) -> list[tuple[int, float]] | None:
    """``(step, value)`` pairs past ``after``; None when an x is not an integer step or a
    y is not a number (a categorical axis: not a scalar series)."""
    out = []
    for x, y in zip(xs, ys, strict=False):
        if x is None:
            continue
        step = _step(x)
        if step is None or not (y is None or _is_number(y)):
            return None
        if after is None or step > after:
            out.append((step, float("nan") if y is None else float(y)))
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def plain_series(window: dict[str, Any]) -> list[dict[str, Any]]:
    """The plain series (traces) of a window."""
    if window.get("type") != "plot":
        return []
    return [t for t in window["content"]["data"] if _is_plain(t)]


class ScalarMirror:
    """One ``SummaryWriter`` per env under ``directory``; remembers each tag's last step."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._writers: dict[str, Any] = {}
        self._last: dict[tuple[str, str], int] = {}
        self._tags: dict[tuple[str, str, str], str] = {}  # a series keeps its first tag

    def _tag(self, env: str, window: dict[str, Any], trace: dict[str, Any]) -> str:
        key = (env, window["id"], str(trace.get("name", "")))
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = _new_tag(window, trace)
        return tag

    def prime(self, env: str, window: dict[str, Any]) -> None:
        """Mark a replayed window's points as already written."""
        for trace in plain_series(window):
            points = _points(trace["x"], trace["y"], None)
            if points:
                tag = self._tag(env, window, trace)
                self._last[(env, tag)] = max(step for step, _ in points)

    def window(self, env: str, window: dict[str, Any]) -> None:
        """Write the new points of every plain series of a created or replaced window."""
        for trace in plain_series(window):
            self._write(env, self._tag(env, window, trace), trace["x"], trace["y"])

    def appended(self, env: str, window: dict[str, Any], index: int, added: dict[str, Any]) -> None:
        """Write points appended to trace ``index``."""
        trace = window["content"]["data"][index]
        if _is_plain(trace) and "x" in added and "y" in added:
            self._write(env, self._tag(env, window, trace), added["x"], added["y"])

    def _write(self, env: str, tag: str, xs: list[Any], ys: list[Any]) -> None:
        points = _points(xs, ys, self._last.get((env, tag)))
        if not points:
            return
        writer = self._writers.get(env)
        if writer is None:
            from trainboard.writer import SummaryWriter

            path = os.path.join(self.directory, env_dirname(env))
            # The board's own process ran nothing worth recording as an environment.
            writer = SummaryWriter(path, flush_secs=1, capture_environment=False)
            self._writers[env] = writer
        for step, value in points:
            writer.add_scalar(tag, value, step)
        last = max(step for step, _ in points)
        self._last[(env, tag)] = max(last, self._last.get((env, tag), last))

    def flush(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
