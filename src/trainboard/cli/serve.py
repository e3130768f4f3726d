"""``trainboard serve`` (also plain ``trainboard --logdir DIR``): the board over a logdir."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
from typing import Any

import click

__all__ = ["bind_socket", "serve"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a clear CLI error when the port is taken."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise click.BadParameter(
            f"cannot resolve host {host!r}: {exc}", param_hint="--host"
        ) from None
    family, _, proto, _, address = infos[0]
    # proto=IPPROTO_TCP (not 0): asyncio sets TCP_NODELAY only on such sockets, and without it
    # every response written in two parts waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {host} is already in use (another trainboard or TensorBoard?). "
                "Stop it, or pick another port with --port (--port 0 picks a free one)."
            ) from None
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def parse_logdir_spec(spec: str) -> dict[str, str]:
    """``name1:path1,name2:path2`` -> {name: path} (a path may itself contain ':')."""
    result: dict[str, str] = {}
    for part in filter(None, spec.split(",")):
        name, sep, path = part.partition(":")
        if not sep or not name or not path:
            raise click.BadParameter(f"{part!r} is not name:path", param_hint="--logdir_spec")
        if not os.path.isdir(os.path.expanduser(path)):
            raise click.BadParameter(
                f"directory {path!r} does not exist", param_hint="--logdir_spec"
            )
        result[name] = os.path.expanduser(path)
    return result


def open_provider(logdir: str | None, logdir_spec: str | None, cache_dir: str | None) -> Any:
    """The data provider over ``logdir`` (or the named logdirs of ``logdir_spec``).

    ``cache_dir=""`` turns the index cache off; None uses the default location.
    """
    from trainboard.data.logdir import LogdirProvider

    use_cache = cache_dir != ""
    if logdir_spec:
        from trainboard.data.multi import MultiProvider

        return MultiProvider(
            {
                name: LogdirProvider(path, cache_dir=cache_dir or None, use_cache=use_cache)
                for name, path in parse_logdir_spec(logdir_spec).items()
            }
        )
    if logdir is None:
        raise click.UsageError("give --logdir DIR")
    return LogdirProvider(logdir, cache_dir=cache_dir or None, use_cache=use_cache)


@click.command()
@click.option(
    "--logdir",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Directory of runs (event files are found recursively).",
)
@click.option(
    "--logdir_spec",
    default=None,
    metavar="NAME:PATH,...",
    help="Several logdirs, each named: name1:path1,name2:path2.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on. Anything but loopback exposes your logs.",
)
@click.option("--bind_all", is_flag=True, help="Listen on every interface (like --host 0.0.0.0).")
@click.option(
    "--port",
    default=6006,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--reload_interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds between scans for new data (0: load once).",
)
@click.option("--window_title", default="", help="Title of the browser window.")
@click.option(
    "--cache_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Where the index cache lives (default: the user cache directory).",
)
@click.option("--no_cache", is_flag=True, help="Do not read or write the index cache.")
def serve(
    logdir: str | None,
    logdir_spec: str | None,
    host: str,
    bind_all: bool,
    port: int,
    reload_interval: float,
    window_title: str,
    cache_dir: str | None,
    no_cache: bool,
) -> None:
    """Serve the board over a logdir: trainboard --logdir runs [--host H] [--port 6006]."""
    if not logdir and not logdir_spec:
        raise click.UsageError("give --logdir DIR (or --logdir_spec name:path,...)")
    if logdir and logdir_spec:
        raise click.UsageError("give --logdir or --logdir_spec, not both")
    if logdir_spec:
        parse_logdir_spec(logdir_spec)  # reject a bad spec before binding or loading anything
    if bind_all:
        host = "0.0.0.0"
    if no_cache:
        cache_dir = ""
    sock = bind_socket(host, port)
    if not _is_loopback(host):
        click.echo(
            f"warning: listening on {host}, not loopback: anyone who can reach this machine "
            "can read these logs (there is no access control yet).",
            err=True,
        )
    run_server(sock, logdir, logdir_spec, reload_interval, window_title, cache_dir)


def run_server(
    sock: socket.socket,
    logdir: str | None,
    logdir_spec: str | None,
    reload_interval: float,
    window_title: str,
    cache_dir: str | None,
) -> None:
    import uvicorn

    from trainboard import __version__
    from trainboard.server.app import create_app

    provider = open_provider(logdir, logdir_spec, cache_dir)
    shown = logdir_spec or os.path.abspath(logdir or "")
    app = create_app(
        provider, logdir=shown, window_title=window_title, reload_interval=reload_interval
    )
    host, port = sock.getsockname()[:2]
    url_host = f"[{host}]" if ":" in host else host
    click.echo(
        f"trainboard {__version__} serving {shown} at http://{url_host}:{port}/ (Ctrl+C to quit)"
    )
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws_ping_interval=20)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        provider.close()
