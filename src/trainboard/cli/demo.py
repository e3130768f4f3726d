"""``trainboard demo``: train a small CNN, log every kind, then serve the board."""

from __future__ import annotations

import os

import click

__all__ = ["demo"]


@click.command()
@click.option(
    "--logdir",
    default="runs/demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to write the demo run.",
)
@click.option("--no-serve", "no_serve", is_flag=True, help="Only train and log; do not serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to serve on.")
@click.option(
    "--port",
    default=6006,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to serve on; 0 picks a free one.",
)
@click.option(
    "--epochs",
    default=30,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Training epochs (a fraction of a second each on a laptop CPU).",
)
def demo(logdir: str, no_serve: bool, host: str, port: int, epochs: int) -> None:
    """Train a CNN on scikit-learn's digits, log every kind under LOGDIR, and serve the board.

    The run goes to LOGDIR/digits_cnn; the board is served over LOGDIR.
    """
    from trainboard.cli.serve import bind_socket, run_server
    from trainboard.demo.train import DemoConfig, run_demo
    from trainboard.errors import MissingDependencyError

    sock = None if no_serve else bind_socket(host, port)  # fail early if the port is taken
    try:
        run_demo(
            DemoConfig(logdir=os.path.join(logdir, "digits_cnn"), epochs=epochs), log=click.echo
        )
    except MissingDependencyError as exc:
        raise click.ClickException(str(exc)) from None
    if sock is not None:
        run_server(
            sock,
            logdir,
            None,
            1.0,
            "trainboard demo",
            None,
        )
