"""``trainboard export``: write a logdir's scalars, histograms, text or hparams table to a file."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from typing import IO

import click

__all__ = ["export"]

_PROGRESS_MIN = 200_000  # points below which no progress bar is worth drawing (unless asked)
_SINGULAR = {"scalars": "scalar", "histograms": "histogram", "text": "text"}


def as_typed(option: str, values: Sequence[str]) -> str:
    """A repeatable option's values as a shell command line would give them.

    Example::

        as_typed("--run", ["a", "exp *"])  # "--run a --run 'exp *'"
    """
    return " ".join(f"{option} {shlex.quote(value)}" for value in values)


def _logdir(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An existing directory, or an object-store URL (checked when it is opened)."""
    from trainboard._storage import is_remote

    if is_remote(value):
        return value
    return str(click.Path(exists=True, file_okay=False).convert(value, param, ctx))


@click.command("export")
@click.option(
    "--logdir",
    required=True,
    callback=_logdir,
    help="Directory of event files (runs at any depth below it), or an object-store URL "
    "(s3://bucket/prefix, gs://..., az://...).",
)
@click.option(
    "--kind",
    type=click.Choice(["scalars", "histograms", "text", "hparams"]),
    default="scalars",
    show_default=True,
    help="What to export: scalar points; histogram buckets; texts; or the hparams table "
    "(a row per session: its run, hyperparameters and final metrics).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "parquet"]),
    default="csv",
    show_default=True,
    help="Output format.",
)
@click.option("--run", "runs", multiple=True, help="Only this run (a name or glob; repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only this tag (a name or glob; repeatable).")
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="File to write. Default: standard output (csv and json only).",
)
@click.option("--cache_dir", default=None, help="Where the read index is kept.")
@click.option("--no_cache", is_flag=True, help="Neither read nor write the index.")
@click.option("--no_crc", is_flag=True, help="Skip CRC checks (faster, trusts the bytes).")
@click.option(
    "--progress/--no_progress",
    default=None,
    help="Progress bar on stderr. Default: on large logdirs when stderr is a terminal.",
)
def export(
    logdir: str,
    kind: str,
    fmt: str,
    runs: tuple[str, ...],
    tags: tuple[str, ...],
    out: str | None,
    cache_dir: str | None,
    no_cache: bool,
    no_crc: bool,
    progress: bool | None,
) -> None:
    """Write every point of a logdir's series (or its hparams table) to a file or to stdout.

    Scalars are rows of run, tag, step, wall_time and value; histograms add a row per
    bucket (left, right, count); text a row per string (index, text); hparams one row
    per session (run, session, hyperparameters, metrics). --run and --tag are names or
    globs. Example:

        trainboard export --logdir runs --format csv --tag loss -o loss.csv
    """
    from trainboard.data import export as exporting
    from trainboard.data.api import open_logdir
    from trainboard.data.remote import RemoteLogdirError
    from trainboard.errors import MissingDependencyError, NotFoundError

    if fmt == "parquet" and out is None:
        raise click.UsageError("--format parquet needs --out FILE")
    if kind == "hparams" and tags:
        raise click.UsageError("--tag does not apply to --kind hparams (its columns are all kept)")
    try:
        logdir_reader = open_logdir(
            logdir, cache_dir=cache_dir, use_cache=not no_cache, check_crc=not no_crc
        )
    except (MissingDependencyError, RemoteLogdirError) as exc:  # an object-store URL's
        raise click.ClickException(str(exc)) from None
    except NotFoundError as exc:
        raise click.ClickException(str(exc.args[0] if exc.args else exc)) from None
    provider = logdir_reader.provider
    with ExitStack() as stack:
        update = None
        if kind != "hparams":
            infos = exporting.select_tags(provider, kind, runs, tags)
            if not infos:
                raise click.ClickException(
                    f"no {_SINGULAR[kind]} series in {logdir!r} match "
                    f"{as_typed('--run', runs) or '(any run)'} "
                    f"{as_typed('--tag', tags) or '(any tag)'}"
                )
            total = sum(info.num_points for info in infos)
            wanted = progress if progress is not None else sys.stderr.isatty()
            if wanted and (progress or total >= _PROGRESS_MIN):
                bar = stack.enter_context(
                    click.progressbar(length=total, label=f"Exporting {kind}", file=sys.stderr)
                )
                update = bar.update
        if kind == "scalars" and fmt == "parquet":
            assert out is not None
            exporting.write_parquet(provider, infos, out, update)
            return
        columns = None
        if kind != "scalars":
            columns = exporting.table_columns(provider, kind, runs, tags, update)
            if kind == "hparams" and not len(columns["session"]):
                raise click.ClickException(
                    f"no hparams sessions in {logdir!r}"
                    + (f" match {as_typed('--run', runs)}" if runs else "")
                )
            if fmt == "parquet":
                assert out is not None
                exporting.write_table(columns, "parquet", out)
                return
        stream: IO[str] = (
            stack.enter_context(open(out, "w", newline="", encoding="utf-8"))
            if out is not None
            else sys.stdout
        )
        if columns is not None:
            exporting.write_table(columns, fmt, stream)
            return
        writer = exporting.write_csv if fmt == "csv" else exporting.write_json
        writer(provider, infos, stream, update)
