"""``trainboard serve`` (also plain ``trainboard --logdir DIR``): the board over a logdir."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
import threading
from typing import IO, TYPE_CHECKING, Any

import click

from trainboard._storage import is_remote
from trainboard.cli.tensorboard_flags import flag_notes, tensorboard_flags
from trainboard.server.path_prefix import normalize_path_prefix

if TYPE_CHECKING:
    from trainboard.data.provider import DataProvider, LoadProgress
    from trainboard.server.security import WebSecurity

__all__ = ["bind_socket", "format_bytes", "progress_line", "report_first_load", "serve"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_socket(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A listening socket on ``host:port``; a clear CLI error when the port is taken.

    ``reuse_port`` sets SO_REUSEPORT (TensorBoard's ``--reuse_port``): a parent process that
    holds the port with SO_REUSEPORT set can hand it to the board.
    """
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
    if reuse_port:
        if not hasattr(socket, "SO_REUSEPORT"):
            sock.close()
            raise click.BadParameter("SO_REUSEPORT is not supported on this platform",
                                     param_hint="--reuse_port")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
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


def format_bytes(count: int) -> str:
    """A byte count for people: ``950 B``, ``12.3 kB``, ``4.1 MB`` (powers of 1000)."""
    if count < 1000:
        return f"{count} B"
    value = float(count)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            break
    return f"{value:.1f} {unit}"


def progress_line(progress: LoadProgress) -> str:
    """The stderr line for ``progress``: how far the first load is, or what it loaded."""
    runs = "1 run" if progress.runs == 1 else f"{progress.runs} runs"
    if progress.loaded:
        files = "1 file" if progress.files_total == 1 else f"{progress.files_total} files"
        return (
            f"loaded {runs}, {files}, {format_bytes(progress.bytes_total)} "
            f"in {progress.seconds:.1f} s"
        )
    if not progress.files_total:
        return "loading the logdir: looking for event files..."
    return (
        f"loading the logdir: {progress.files_read}/{progress.files_total} files, "
        f"{format_bytes(progress.bytes_read)}/{format_bytes(progress.bytes_total)} ({runs})"
    )


def report_first_load(
    provider: DataProvider,
    stream: IO[str] | None = None,
    *,
    live: bool | None = None,
    interval: float = 0.2,
) -> tuple[threading.Thread, threading.Event]:
    """Report the first load of ``provider`` on ``stream`` (stderr) from a daemon thread.

    While it runs, a line rewritten in place shows the files and bytes indexed so far
    (only when ``live``; default: when the stream is a terminal); once it is done, one
    line says what was loaded (``loaded N runs, M files, X MB in T s``). Set the returned
    event to stop the thread early.
    """
    out = stream if stream is not None else sys.stderr
    rewrite = out.isatty() if live is None else live
    stop = threading.Event()

    def watch() -> None:
        shown = 0
        while not stop.is_set():
            progress = provider.load_progress()
            line = progress_line(progress)
            if progress.loaded:
                out.write(("\r" + " " * shown + "\r" if shown else "") + line + "\n")
                out.flush()
                return
            if rewrite:
                out.write("\r" + line.ljust(shown))
                out.flush()
                shown = len(line)
            stop.wait(interval)

    thread = threading.Thread(target=watch, name="trainboard-load-progress", daemon=True)
    thread.start()
    return thread, stop


def remote_logdir_exists(url: str) -> bool:
    """Whether the log dir at an object-store ``url`` holds objects yet (one listing).

    A missing bucket, missing credentials or a missing backend is a
    :class:`click.ClickException` naming the URL and the fix.
    """
    from trainboard.data.remote import check_logdir
    from trainboard.errors import MissingDependencyError, TrainboardError

    try:
        return check_logdir(url)
    except (MissingDependencyError, TrainboardError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def parse_logdir_spec(spec: str) -> dict[str, str]:
    """``name1:path1,name2:path2`` -> {name: path} (a path may itself contain ':').

    A path may not exist yet (the board waits for it); one that is a file is an error.
    """
    result: dict[str, str] = {}
    for part in filter(None, spec.split(",")):
        name, sep, path = part.partition(":")
        if not sep or not name or not path:
            raise click.BadParameter(f"{part!r} is not name:path", param_hint="--logdir_spec")
        if is_remote(path):  # an object-store URL (s3://bucket/prefix) is kept as given
            result[name] = path
            continue
        if os.path.exists(os.path.expanduser(path)) and not os.path.isdir(
            os.path.expanduser(path)
        ):
            raise click.BadParameter(f"{path!r} is a file, not a directory",
                                     param_hint="--logdir_spec")
        result[name] = os.path.expanduser(path)
    return result


def missing_logdir_notes(
    logdir: str | None, logdir_spec: str | None, reload_interval: float
) -> list[str]:
    """A line for each logdir that does not exist yet: the board waits for it, as TensorBoard.

    With ``reload_interval`` 0 (load once) it never appears, and the line says so.
    """
    paths = list(parse_logdir_spec(logdir_spec).values()) if logdir_spec else [logdir or ""]
    notes = []
    for path in paths:
        if is_remote(path):
            if remote_logdir_exists(path):
                continue
            shown = path
        elif os.path.isdir(path):
            continue
        else:
            shown = os.path.abspath(path)
        if reload_interval > 0:
            notes.append(f"logdir {shown} does not exist yet: waiting for it (its runs appear "
                         "on the board as soon as they are written)")
        else:
            notes.append(f"logdir {shown} does not exist, and --reload_interval 0 loads only "
                         "once: the board stays empty")
    return notes


def open_provider(logdir: str | None, logdir_spec: str | None, cache_dir: str | None) -> Any:
    """The data provider over ``logdir`` (or the named logdirs of ``logdir_spec``).

    ``cache_dir=""`` turns the index cache off; None uses the default location.
    """
    from trainboard.data.remote import logdir_provider

    use_cache = cache_dir != ""
    if logdir_spec:
        from trainboard.data.multi import MultiProvider

        return MultiProvider(
            {
                name: logdir_provider(
                    path, cache_dir=cache_dir or None, use_cache=use_cache, on_error="warn"
                )
                for name, path in parse_logdir_spec(logdir_spec).items()
            }
        )
    if logdir is None:
        raise click.UsageError("give --logdir DIR")
    return logdir_provider(logdir, cache_dir=cache_dir or None, use_cache=use_cache,
                           on_error="warn")


@click.command()
@click.option(
    "--logdir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory of runs (event files are found recursively), or an object-store URL "
    "(s3://bucket/prefix, gs://..., az://...). One that does not exist yet is waited for: "
    "start the board, then train.",
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
@click.option(
    "--allowed_hosts",
    default="",
    metavar="NAME,...",
    help="More names the Host header may carry (loopback names and --host always may).",
)
@click.option(
    "--token",
    default=None,
    help="Require this token on every request (default: a random one when listening "
    "beyond loopback, none on loopback).",
)
@click.option(
    "--no_token", is_flag=True, help="Require no token, even when listening beyond loopback."
)
@click.option(
    "--max_body_mb",
    default=64.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Largest request body accepted (Visdom pushes), in MB.",
)
@click.option(
    "--visdom_port",
    default=8097,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Also listen on this port (Visdom's) when it is free, so Visdom clients reach the "
    "board without choosing a port; 0: do not.",
)
@click.option(
    "--path_prefix",
    default="",
    metavar="/PREFIX",
    help="Serve everything under /PREFIX/ (pages, assets, API, WebSocket), for a board "
    "behind a reverse proxy or JupyterHub that forwards /PREFIX/... unchanged. /PREFIX "
    "redirects to /PREFIX/; other paths get 404.",
)
@click.option(
    "--reuse_port",
    type=click.BOOL,
    default=False,
    metavar="BOOL",
    help="Set SO_REUSEPORT on the listening socket, so a parent process holding the port "
    "(with SO_REUSEPORT) can hand it to the board.",
)
@click.option(
    "--inspect",
    is_flag=True,
    help="Print what the logdir (or --event_file) holds, per run and kind: each tag's "
    "points, step range, wall-time range, points a restart dropped and reading problems "
    "(read from the event files, not the index cache); then exit.",
)
@click.option(
    "--event_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="With --inspect: inspect this one event file instead of a logdir.",
)
@click.option(
    "--tag",
    default="",
    help="With --inspect: only this tag (a name or a glob).",
)
@tensorboard_flags
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
    allowed_hosts: str,
    token: str | None,
    no_token: bool,
    max_body_mb: float,
    path_prefix: str,
    reuse_port: bool,
    inspect: bool,
    event_file: str | None,
    tag: str,
    visdom_port: int,
) -> None:
    """Serve the board over a logdir: trainboard --logdir runs [--host H] [--port 6006].

    TensorBoard's command lines work unchanged: its flags are accepted, and those marked
    [TensorBoard] below change nothing here (each says why). With --inspect (trainboard
    --inspect --logdir DIR [--tag T]) it prints what a logdir holds instead of serving it.
    """
    if inspect:
        _inspect(logdir, logdir_spec, event_file, tag)
        return
    if event_file is not None or tag:
        raise click.UsageError("--event_file and --tag go with --inspect")
    if not logdir and not logdir_spec:
        raise click.UsageError("give --logdir DIR (or --logdir_spec name:path,...)")
    if logdir and logdir_spec:
        raise click.UsageError("give --logdir or --logdir_spec, not both")
    if logdir_spec:
        parse_logdir_spec(logdir_spec)  # reject a bad spec before binding or loading anything
    try:
        path_prefix = normalize_path_prefix(path_prefix)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--path_prefix") from None
    if bind_all:
        host = "0.0.0.0"
    if no_cache:
        cache_dir = ""
    if token is not None and no_token:
        raise click.UsageError("give --token or --no_token, not both")
    waiting = missing_logdir_notes(logdir, logdir_spec, reload_interval)  # (a bad bucket: exit)
    sock = bind_socket(host, port, reuse_port)
    for note in flag_notes(click.get_current_context()):
        click.echo(f"note: {note}.", err=True)
    for note in waiting:
        click.echo(note, err=True)
    security = web_security(host, allowed_hosts, token, no_token, int(max_body_mb * 2**20))
    if security.token is None and not _is_loopback(host):
        click.echo(
            f"warning: listening on {host}, not loopback, without a token (--no_token): "
            "anyone who can reach this machine can read these logs and push to the board.",
            err=True,
        )
    visdom_sock = visdom_socket(host, visdom_port, sock)
    run_server(
        sock, logdir, logdir_spec, reload_interval, window_title, cache_dir, security,
        path_prefix=path_prefix, visdom_sock=visdom_sock,
    )


def visdom_socket(host: str, visdom_port: int, sock: socket.socket) -> socket.socket | None:
    """A second listening socket on Visdom's port (same ``host``), or None: when
    ``visdom_port`` is 0, is the board's own port, or is taken (a line says so)."""
    if visdom_port == 0 or visdom_port == sock.getsockname()[1]:
        return None
    try:
        return bind_socket(host, visdom_port)
    except click.ClickException:
        click.echo(
            f"note: cannot also listen on Visdom's port {visdom_port} on {host} (in use: a "
            f"Visdom server?); Visdom clients reach this board with "
            f"Visdom(port={sock.getsockname()[1]}).",
            err=True,
        )
        return None


def _inspect(
    logdir: str | None,
    logdir_spec: str | None,
    event_file: str | None,
    tag: str,
) -> None:
    """``--inspect``: TensorBoard's rules on which of --logdir / --event_file to give."""
    from trainboard.cli.inspector import inspect

    if logdir_spec:
        raise click.UsageError("--logdir_spec is not supported with --inspect")
    if logdir and event_file:
        raise click.UsageError("give --logdir or --event_file with --inspect, not both")
    if not logdir and not event_file:
        raise click.UsageError("--inspect needs --logdir DIR or --event_file FILE")
    if logdir and is_remote(logdir):
        if not remote_logdir_exists(logdir):
            raise click.BadParameter(f"{logdir!r} holds no objects", param_hint="--logdir")
    elif logdir and not os.path.isdir(logdir):
        raise click.BadParameter(f"directory {logdir!r} does not exist", param_hint="--logdir")
    inspect(logdir, event_file, tag, echo=click.echo)


def web_security(
    host: str, allowed_hosts: str, token: str | None, no_token: bool, max_body_bytes: int
) -> WebSecurity:
    """The access rules for a board listening on ``host`` (see trainboard.server.security).

    On loopback: only loopback names (and ``host``, ``allowed_hosts``) in the Host header,
    no token unless one is given. Beyond loopback: a token (random unless given or
    ``no_token``); a wildcard address (0.0.0.0, ::) serves any Host name unless
    ``allowed_hosts`` lists them, since the names this machine is reached by are unknown.
    """
    import secrets

    from trainboard.server.security import LOOPBACK_HOSTS, WebSecurity

    extra = {name.strip().lower() for name in allowed_hosts.split(",") if name.strip()}
    names: frozenset[str] | None = frozenset({*LOOPBACK_HOSTS, host.lower(), *extra})
    if not _is_loopback(host):
        if token is None and not no_token:
            token = secrets.token_urlsafe(24)
        if host in ("0.0.0.0", "::") and not extra:
            names = None
        elif names is not None:
            names = names | {socket.gethostname().lower(), socket.getfqdn().lower()}
    return WebSecurity(allowed_hosts=names, token=token, max_body_bytes=max_body_bytes)


def run_server(
    sock: socket.socket,
    logdir: str | None,
    logdir_spec: str | None,
    reload_interval: float,
    window_title: str,
    cache_dir: str | None,
    security: WebSecurity | None = None,
    *,
    path_prefix: str = "",
    visdom_sock: socket.socket | None = None,
) -> None:
    """Serve the board on ``sock`` until interrupted (``security``: loopback rules if None);
    also on ``visdom_sock`` (Visdom's port) when given.

    ``path_prefix`` (normalized, e.g. ``/proxy/tb``) serves it under that path.
    """
    import uvicorn

    from trainboard._version import __version__
    from trainboard.server.app import create_app

    provider = open_provider(logdir, logdir_spec, cache_dir)
    remote = logdir is not None and is_remote(logdir)
    shown = logdir_spec or (logdir if remote and logdir else os.path.abspath(logdir or ""))
    if security is None:
        security = web_security(str(sock.getsockname()[0]), "", None, False, 64 << 20)
    app = create_app(
        provider,
        logdir=shown,
        window_title=window_title,
        reload_interval=reload_interval,
        security=security,
        path_prefix=path_prefix,
    )
    host, port = sock.getsockname()[:2]
    url_host = f"[{host}]" if ":" in host else host
    query = f"?token={security.token}" if security.token else ""
    click.echo(
        f"trainboard {__version__} serving {shown} at http://{url_host}:{port}{path_prefix}/"
        f"{query} "
        "(Ctrl+C to quit)"
    )
    sockets = [sock]
    if visdom_sock is not None:
        sockets.append(visdom_sock)
        click.echo(
            f"Visdom clients: also listening on Visdom's port, "
            f"http://{url_host}:{visdom_sock.getsockname()[1]}{path_prefix}/ (Visdom() needs "
            "no port; --visdom_port 0 turns this off)"
        )
    sys.stdout.flush()
    _, stop_reporting = report_first_load(provider)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws_ping_interval=20)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=sockets)
    finally:
        stop_reporting.set()
        provider.close()
