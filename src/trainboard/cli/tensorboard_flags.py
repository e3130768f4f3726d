"""TensorBoard's command-line flags that change nothing for trainboard, accepted anyway.

Scripts and notebooks written for TensorBoard pass them; ``trainboard`` takes each with
TensorBoard's value syntax (``--load_fast=false``, ``--samples_per_plugin images=100``),
so such a command runs unchanged. Each flag's ``--help`` says why it changes nothing.
A value asking for something trainboard does not do (``--purge_orphaned_data false``,
``--samples_per_plugin ...``) also gets a one-line note on stderr at start
(:func:`flag_notes`); a value that asks for what trainboard always does gets none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

__all__ = ["flag_notes", "tensorboard_flags"]

_NOTES = "trainboard.tensorboard_flag_notes"
_F = TypeVar("_F", bound=Callable[..., Any])


class _SamplesPerPlugin(click.ParamType[dict[str, int]]):
    """TensorBoard's ``plugin=count,plugin=count`` (counts are whole numbers)."""

    name = "PLUGIN=N,..."

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dict[str, int]:
        if isinstance(value, dict):
            return value
        result: dict[str, int] = {}
        for token in str(value).split(","):
            if not token.strip():
                continue
            plugin, sep, count = token.strip().partition("=")
            if not sep or not plugin or not count.strip().isdigit():
                self.fail(f"{token.strip()!r} is not plugin=count (e.g. images=100)", param, ctx)
            result[plugin.strip()] = int(count)
        return result


@dataclass(frozen=True)
class _Flag:
    name: str
    type: click.ParamType[Any]
    metavar: str | None
    help: str
    note: Callable[[Any], str | None]  # the stderr note a given value gets, or None


def _always(message: str) -> Callable[[Any], str | None]:
    return lambda value: message


def _unless(expected: object, message: str) -> Callable[[Any], str | None]:
    return lambda value: None if value == expected else message


_FLAGS = (
    _Flag(
        "samples_per_plugin",
        _SamplesPerPlugin(),
        None,
        "Per-plugin sample limits. trainboard never samples: it keeps every "
        "point of every series and every image, audio clip and histogram step (charts are "
        "downsampled per pixel when drawn, keeping the line's shape), so this changes nothing.",
        lambda value: "--samples_per_plugin changes nothing: trainboard keeps every point "
        "(it never samples)" if value else None,
    ),
    _Flag(
        "load_fast",
        click.Choice(["false", "auto", "true"], case_sensitive=False),
        None,
        "Which loader TensorBoard uses. trainboard has one loader (incremental, with an "
        "index cache), so there is no slower path to choose: changes nothing.",
        lambda value: "--load_fast false changes nothing: trainboard has a single loader"
        if str(value).lower() == "false" else None,
    ),
    _Flag(
        "max_reload_threads",
        click.IntRange(min=1),
        "N",
        "Threads reloading runs. trainboard's reload reads only the bytes appended "
        "since the last one, every run in one pass: changes nothing.",
        _always("--max_reload_threads changes nothing: trainboard reads only the new bytes "
                "of every run in one pass"),
    ),
    _Flag(
        "purge_orphaned_data",
        click.BOOL,
        "BOOL",
        "trainboard always does what TensorBoard's default (true) does: a SessionLog.START "
        "written when a job restarts from a checkpoint drops the points logged before it at "
        "steps >= its step. false is accepted and changes nothing.",
        _unless(True, "--purge_orphaned_data false changes nothing: trainboard always drops "
                "the points a restart (SessionLog.START) orphaned, as TensorBoard does by "
                "default"),
    ),
    _Flag(
        "reload_multifile",
        click.BOOL,
        "BOOL",
        "trainboard always does what true does: every event file of every run is polled "
        "for appended data, not only the newest one.",
        _unless(True, "--reload_multifile false changes nothing: trainboard polls every "
                "event file of every run"),
    ),
    _Flag(
        "reload_multifile_inactive_secs",
        click.INT,
        "SECONDS",
        "trainboard polls every event file however old it is (a poll of an unchanged file "
        "is one stat call): changes nothing.",
        _always("--reload_multifile_inactive_secs changes nothing: trainboard polls every "
                "event file, however old"),
    ),
    _Flag(
        "detect_file_replacement",
        click.BOOL,
        "BOOL",
        "trainboard always does what true does: an event file replaced by a new version "
        "(rsync without --inplace) is noticed (size, inode, first bytes) and its run read "
        "again.",
        _unless(True, "--detect_file_replacement false changes nothing: trainboard always "
                "notices a replaced event file and reads its run again"),
    ),
)


def _record(flag: _Flag) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None:
            return
        note = flag.note(value)
        if note is not None:
            ctx.meta.setdefault(_NOTES, []).append(note)

    return callback


def tensorboard_flags(command: _F) -> _F:
    """Add the flags of this module to a click command (their values are not passed on)."""
    for flag in reversed(_FLAGS):
        command = click.option(
            f"--{flag.name}",
            type=flag.type,
            default=None,
            metavar=flag.metavar,
            expose_value=False,
            callback=_record(flag),
            help=f"[TensorBoard] {flag.help}",
        )(command)
    return command


def flag_notes(ctx: click.Context) -> list[str]:
    """The stderr notes for the TensorBoard flags given to ``ctx``'s command, in order."""
    notes: list[str] = ctx.meta.get(_NOTES, [])
    return list(notes)
