"""``trainboard --inspect``: what a logdir (or one event file) holds, printed per run and kind.

TensorBoard's ``--inspect`` prints, for each directory of event files, the tags of each
kind and their step statistics. This prints the same from trainboard's data layer, so
it shows what the board shows: per run, per dashboard kind, each tag's number of points,
its step range (and steps that go back), its wall-time range, the points a restart
(``SessionLog.START``) dropped, and the problems met reading the files. The event files
are read whole, never from the index cache. ``--tag`` narrows it to one tag (a name or a
glob). Example::

    trainboard --inspect --logdir runs
    trainboard --inspect --event_file runs/exp1/events.out.tfevents.1700000000.host --tag loss
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from trainboard.data.dashboard_kinds import KINDS, kind_of
from trainboard.data.logdir import LogdirProvider
from trainboard.data.provider import DataClass, DataProvider, LoadWarning, Run, TagInfo
from trainboard.data.remote import logdir_provider
from trainboard.format.event import is_event_file

__all__ = ["TagDigest", "digest_tag", "inspect", "inspect_provider"]

SEPARATOR = "=" * 70
_TAG_COLUMN_MAX = 40


@dataclass(frozen=True)
class TagDigest:
    """What ``--inspect`` prints for one tag of one run.

    ``out_of_order`` counts the points whose step is lower than the previous point's;
    ``purged`` the points a restart dropped while reading.
    """

    run: str
    tag: str
    kind: str
    points: int
    min_step: int | None
    max_step: int | None
    first_step: int | None
    last_step: int | None
    out_of_order: int
    first_wall_time: float | None
    last_wall_time: float | None
    purged: int = 0


def _kind_name(info: TagInfo) -> str:
    kind = kind_of(info)
    if kind is not None:
        return kind
    if info.data_class is DataClass.UNKNOWN:
        return "tensors without a plugin"
    return f"plugin {info.plugin_name or '?'}"


def digest_tag(provider: DataProvider, info: TagInfo, purged: int = 0) -> TagDigest:
    """Read one tag's steps and wall times through ``provider`` and sum them up."""
    if info.data_class is DataClass.SCALAR:
        series = provider.read_scalars(info.run, info.tag)
        steps, walls = series.steps, series.wall_times
    elif info.data_class is DataClass.BLOB_SEQUENCE:
        blobs = provider.read_blob_steps(info.run, info.tag)
        steps, walls = blobs.steps, blobs.wall_times
    else:
        tensors = provider.read_tensors(info.run, info.tag)
        steps, walls = tensors.steps, tensors.wall_times
    kind = _kind_name(info)
    if len(steps) == 0:
        return TagDigest(info.run, info.tag, kind, 0, None, None, None, None, 0, None, None,
                         purged)
    return TagDigest(
        run=info.run,
        tag=info.tag,
        kind=kind,
        points=len(steps),
        min_step=int(steps.min()),
        max_step=int(steps.max()),
        first_step=int(steps[0]),
        last_step=int(steps[-1]),
        out_of_order=int(np.count_nonzero(np.diff(steps) < 0)),
        first_wall_time=float(walls.min()),
        last_wall_time=float(walls.max()),
        purged=purged,
    )


def _time(wall_time: float) -> str:
    try:
        moment = datetime.fromtimestamp(wall_time, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return f"{wall_time:g}"
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _points(count: int) -> str:
    return f"{count} point" if count == 1 else f"{count} points"


def _tag_line(digest: TagDigest, width: int, points_width: int) -> str:
    line = f"     {digest.tag:<{width}}  {_points(digest.points):>{points_width}}"
    if digest.points == 0:
        return line
    steps = f"step {digest.min_step}" if digest.min_step == digest.max_step else (
        f"steps {digest.min_step}..{digest.max_step}"
    )
    assert digest.first_wall_time is not None and digest.last_wall_time is not None
    first, last = _time(digest.first_wall_time), _time(digest.last_wall_time)
    line += f"  {steps:<20}  " + (f"{first} UTC" if first == last else f"{first} .. {last} UTC")
    indent = " " * (5 + width + 2)
    if digest.out_of_order:
        going = "step goes" if digest.out_of_order == 1 else "steps go"
        line += (f"\n{indent}{digest.out_of_order} {going} back (first step {digest.first_step}, "
                 f"last step {digest.last_step})")
    if digest.purged:
        line += f"\n{indent}{_points(digest.purged)} dropped by a restart (SessionLog.START)"
    return line


def _run_title(run: Run, name: str, directory: str) -> str:
    title = f'Run "{name}"  ({directory})'
    if run.sub_run == "scalars" and run.parent is not None:
        title += f'\n  add_scalars "{run.main_tag}" of run "{run.parent}"'
    elif run.sub_run == "hparams" and run.parent is not None:
        title += f'\n  add_hparams trial of run "{run.parent}"'
    return title


def _matches(tag: str, pattern: str) -> bool:
    return not pattern or tag == pattern or fnmatch.fnmatchcase(tag, pattern)


def _print_run(
    title: str,
    digests: list[TagDigest],
    warnings: list[LoadWarning],
    echo: Callable[[str], None],
) -> None:
    echo("")
    echo(title)
    by_kind: dict[str, list[TagDigest]] = {}
    for digest in digests:
        by_kind.setdefault(digest.kind, []).append(digest)
    order: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
    width = min(_TAG_COLUMN_MAX, max((len(d.tag) for d in digests), default=0))
    points_width = max((len(_points(d.points)) for d in digests), default=0)
    for kind in sorted(by_kind, key=lambda k: (order.get(k, len(order)), k)):
        group = by_kind[kind]
        tags = f"{len(group)} tag" if len(group) == 1 else f"{len(group)} tags"
        echo(f"  {kind}: {tags}, {_points(sum(d.points for d in group))}")
        for digest in group:
            echo(_tag_line(digest, width, points_width))
    if warnings:
        echo("  problems reading the files:")
        for warning in warnings:
            echo(f"     {warning.kind}: {warning.message} ({os.path.basename(warning.path)}, "
                 f"byte {warning.offset})")


def inspect_provider(
    provider: LogdirProvider,
    *,
    tag: str = "",
    run_title: Callable[[Run], str] | None = None,
    echo: Callable[[str], None] = print,
) -> int:
    """Load ``provider`` and print its digest; return the number of tags printed."""
    report = provider.reload()
    warnings = provider.warnings()
    shown = 0
    for run in provider.runs():
        infos = [info for info in provider.tags(run.name) if _matches(info.tag, tag)]
        run_warnings = [w for w in warnings if w.run == run.name]
        if not infos and (tag or not run_warnings):
            continue
        digests = [
            digest_tag(provider, info, report.purged.get((info.run, info.tag), 0))
            for info in infos
        ]
        url = getattr(provider, "url", None)  # a log dir in object storage: its URL
        if url is not None:
            where = url if run.name == "." else f"{url}/{run.name}"
        else:
            directory = (
                os.path.join(provider.logdir, run.name) if run.name != "." else provider.logdir
            )
            where = os.path.normpath(directory)
        title = run_title(run) if run_title is not None else _run_title(run, run.name, where)
        _print_run(title, digests, run_warnings, echo)
        shown += len(digests)
    return shown


@contextmanager
def _single_file_logdir(event_file: str) -> Iterator[str]:
    """A temporary logdir whose one run holds ``event_file`` (linked, else copied)."""
    directory = tempfile.mkdtemp(prefix="trainboard-inspect-")
    name = os.path.basename(event_file)
    if not is_event_file(name):
        name = "events.out.tfevents.inspected"
    try:
        target = os.path.join(directory, name)
        try:
            os.symlink(os.path.abspath(event_file), target)
        except OSError:  # no symbolic links here (Windows without the privilege)
            shutil.copyfile(event_file, target)
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def inspect(
    logdir: str | None = None,
    event_file: str | None = None,
    tag: str = "",
    *,
    echo: Callable[[str], None] = print,
) -> int:
    """Print what ``logdir`` (or the one ``event_file``) holds; return the tags printed.

    The event files are read whole, never from the index cache, so that what a restart
    dropped and every reading problem are found again.
    """
    if (logdir is None) == (event_file is None):
        raise ValueError("give a logdir or an event file, not both")
    echo(SEPARATOR)
    what = f"event file {event_file}" if event_file is not None else f"logdir {logdir}"
    echo(f"Inspecting {what}" + (f", tag {tag!r}" if tag else ""))
    echo(SEPARATOR)
    if event_file is not None:
        with _single_file_logdir(event_file) as directory:
            provider = LogdirProvider(directory, use_cache=False)
            try:
                shown = inspect_provider(
                    provider, tag=tag, run_title=lambda run: f"Event file {event_file}",
                    echo=echo,
                )
            finally:
                provider.close()
        runs = 1
    else:
        assert logdir is not None
        provider = logdir_provider(logdir, use_cache=False)  # an object-store URL too
        try:
            shown = inspect_provider(provider, tag=tag, echo=echo)
            runs = len(provider.runs())
        finally:
            provider.close()
    if not runs:
        echo(f"No event files found within logdir {logdir}")
    elif tag and not shown:
        echo(f"No tag matching {tag!r} in {what}")
    elif not shown:
        echo(f"No tags in {what}")
    echo("")
    echo(SEPARATOR)
    return shown
