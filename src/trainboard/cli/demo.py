"""``trainboard demo``: serve the board, then train a small CNN while it watches.

The board starts first and prints its URL; training runs on a thread once the board
answers, so an open page sees every kind arrive live (Scalars, Images, Histograms, ...)
and the Live tab fills with windows pushed through ``trainboard.Visdom``. After training
the board keeps serving until Ctrl+C. ``--no-serve`` only trains and logs.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
from typing import Any

import click

__all__ = ["demo"]

READY_TIMEOUT_S = 60.0


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
@click.option(
    "--pace",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.0, 60.0),
    help="While serving, each epoch takes at least this many seconds, so the page "
    "visibly fills (0: full speed).",
)
def demo(logdir: str, no_serve: bool, host: str, port: int, epochs: int, pace: float) -> None:
    """Serve the board over LOGDIR, then train a CNN on scikit-learn's digits while it watches.

    The run goes to LOGDIR/digits_cnn and logs every kind; its progress is also pushed
    through trainboard's Visdom client to the board's Live tab.
    """
    from trainboard.demo.train import DemoConfig, check_dependencies
    from trainboard.errors import MissingDependencyError

    try:
        check_dependencies()
    except MissingDependencyError as exc:
        raise click.ClickException(str(exc)) from None
    run_dir = os.path.join(logdir, "digits_cnn")
    if no_serve:
        from trainboard.demo.train import run_demo

        run_demo(DemoConfig(logdir=run_dir, epochs=epochs), log=click.echo)
        return
    _serve_and_train(logdir, DemoConfig(logdir=run_dir, epochs=epochs, pace=pace), host, port)


def _serve_and_train(logdir: str, config: Any, host: str, port: int) -> None:
    from trainboard.cli.serve import bind_socket, run_server, web_security

    sock = bind_socket(host, port)  # fails early, with a clear message, if the port is taken
    os.makedirs(logdir, exist_ok=True)  # so the board keeps the Visdom windows under it
    security = web_security(host, "", None, False, 64 << 20)
    stop = threading.Event()
    trainer = threading.Thread(
        target=_train_when_served,
        args=(sock.getsockname(), security.token, config, stop),
        name="trainboard-demo",
        daemon=True,
    )
    trainer.start()
    try:
        run_server(sock, logdir, None, 1.0, "trainboard demo", None, security)
    finally:
        stop.set()
        trainer.join(timeout=30)


def _train_when_served(
    address: tuple[Any, ...], token: str | None, config: Any, stop: threading.Event
) -> None:
    """Wait until the board answers, then train, pushing Visdom windows to it."""
    from trainboard.demo.live import LiveWindows
    from trainboard.demo.train import run_demo
    from trainboard.visdom import Visdom

    host, port = _connect_host(str(address[0])), int(address[1])
    if not _wait_until_serving(host, port, stop):
        return
    click.echo("training while the board watches; its Live tab shows the windows pushed "
               "through trainboard.Visdom")
    server = f"http://[{host}]" if ":" in host else f"http://{host}"
    viz = Visdom(server=server, port=port, env="main", password=token)
    try:
        run_demo(config, log=click.echo, live=LiveWindows(viz), stop=stop)
    except Exception as exc:  # the board keeps serving what was logged
        click.echo(f"trainboard demo: training failed: {exc!r}", err=True)
    finally:
        viz.close_connection(timeout=5)


def _connect_host(host: str) -> str:
    """Where to reach a board listening on ``host`` from this machine."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


def _wait_until_serving(host: str, port: int, stop: threading.Event) -> bool:
    """True once the board answers an HTTP request (any status), False if it never does."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not stop.is_set() and time.monotonic() < deadline:
        connection = http.client.HTTPConnection(host, port, timeout=READY_TIMEOUT_S)
        try:
            connection.request("GET", "/api/runs")
            connection.getresponse().read()
            return True
        except (OSError, http.client.HTTPException):
            stop.wait(0.1)
        finally:
            connection.close()
    return False
