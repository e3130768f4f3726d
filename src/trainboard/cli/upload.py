"""``trainboard upload``: put what a writer left in its spill directory into the object store."""

from __future__ import annotations

import click

__all__ = ["upload"]


@click.command("upload")
@click.argument("spill_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("url", required=False)
def upload(spill_dir: str, url: str | None) -> None:
    """Upload SPILL_DIR, the spill directory of a writer whose log dir is in object storage.

    A writer warns with this command when it closed before the store took its last event
    files (the store was unreachable), or they are there because its process died. Each
    file goes where the writer meant it to (SPILL_DIR/s3/bucket/key to s3://bucket/key),
    oldest segment first, and is deleted once uploaded. With URL, every file under
    SPILL_DIR goes to URL plus its path relative to SPILL_DIR instead. Run it once the
    writer's process has ended. Credentials come from the store's standard environment.
    """
    from trainboard.writer._object_store import upload_spill

    try:
        done = upload_spill(spill_dir, url)
    except Exception as exc:  # the store's error, whatever its backend calls it
        raise click.ClickException(
            f"{type(exc).__name__}: {exc}. What was uploaded is deleted from {spill_dir}; "
            "the rest stays there: run the command again once the store answers"
        ) from exc
    click.echo(f"uploaded {len(done)} files")
