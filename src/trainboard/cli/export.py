"""``trainboard export``: write a logdir's scalar series to CSV, JSON or Parquet."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import IO

import click

__all__ = ["export"]

_PROGRESS_MIN = 200_000  # points below which no progress bar is worth drawing


@click.command("export")
@click.option(
    "--logdir",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="Directory of event files (runs at any depth below it).",
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
@click.option("--progress/--no_progress", default=True, help="Progress bar on large logdirs.")
def export(
    logdir: str,
    fmt: str,
    runs: tuple[str, ...],
    tags: tuple[str, ...],
    out: str | None,
    cache_dir: str | None,
    no_cache: bool,
    no_crc: bool,
    progress: bool,
) -> None:
    """Write every point of a logdir's scalar series to a file or to stdout.

    Rows hold run, tag, step, wall_time and value. Example:

        trainboard export --logdir runs --format csv --tag loss -o loss.csv
    """
    from trainboard.data import export as exporting
    from trainboard.data.api import open_logdir

    if fmt == "parquet" and out is None:
        raise click.UsageError("--format parquet needs --out FILE")
    logdir_reader = open_logdir(
        logdir, cache_dir=cache_dir, use_cache=not no_cache, check_crc=not no_crc
    )
    provider = logdir_reader.provider
    infos = exporting.select_scalars(provider, runs, tags)
    if not infos:
        raise click.ClickException(
            f"no scalar series in {logdir!r} match --run {list(runs) or '*'} "
            f"--tag {list(tags) or '*'}"
        )
    total = sum(info.num_points for info in infos)
    with ExitStack() as stack:
        update = None
        if progress and total >= _PROGRESS_MIN:
            bar = stack.enter_context(
                click.progressbar(length=total, label="Exporting", file=sys.stderr)
            )
            update = bar.update
        if fmt == "parquet":
            assert out is not None
            exporting.write_parquet(provider, infos, out, update)
            return
        stream: IO[str] = (
            stack.enter_context(open(out, "w", newline="", encoding="utf-8"))
            if out is not None
            else sys.stdout
        )
        writer = exporting.write_csv if fmt == "csv" else exporting.write_json
        writer(provider, infos, stream, update)
