"""Live push against Visdom: appends/s from one training loop, and call-to-page latency.

In one run, on this machine:

* **Visdom**: its server (``visdom.server``'s ``main()`` with ``-bind_local``; the usual
  ``python -m visdom.server`` first downloads scripts from CDNs, which fails offline, and
  its page needs them, so only the HTTP API is timed) and its client,
  ``viz.line([y], [step], win=..., update='append')`` one point per call, as a training
  loop does. Each call waits for the server (plus Visdom's ``win_exists`` round trip).
* **trainboard**: ``trainboard --logdir`` and ``trainboard.Visdom`` with the same calls.
  *Per call* is the time the loop spends in the call (median of batches of 100 calls; the
  mean over the whole loop also counts the waits for the sender thread's turn on the GIL);
  *appends/s* counts from the first call until ``flush()`` returns, i.e. every point
  applied by the server (and on disk). Also the real visdom client against trainboard.
* **to the page**: headless Chromium on the board's Live tab; for each sample the loop
  calls ``viz.line`` once and the page stamps the animation frame that shows the new point
  (``performance.timeOrigin + performance.now()``); latency = that stamp minus the
  wall-clock time just before the call (same machine, same clock). Median and p90.

Targets (issue 8): >= 10x Visdom's appends/s from one client, < 20 us per call, < 100 ms
to the page.

Usage::

    .venv/bin/python benchmarks/live_push.py [--visdom-calls 1000] [--calls 100000]
        [--samples 40] [--skip-browser]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.browser: the same server launcher and browser setup

from _common import header  # noqa: E402

from tests.browser.board_page import open_tab  # noqa: E402
from tests.browser.board_process import running_board  # noqa: E402
from tests.browser.chromium import CHROMIUM_ARGS, VIEWPORT, chromium_path  # noqa: E402


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_visdom_server(env_path: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    code = "import sys; from visdom.server.run_server import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "-port", str(port), "-bind_local", "-env_path", env_path,
         "-logging_level", "ERROR"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/env_state", b"{}", timeout=1)
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the visdom server did not start")


def visdom_client(port: int, env: str) -> Any:
    import visdom

    with warnings.catch_warnings():  # it calls the deprecated logger.warn without a socket
        warnings.simplefilter("ignore")
        return visdom.Visdom(server="http://127.0.0.1", port=port, env=env,
                             use_incoming_socket=False, raise_exceptions=True)


def time_sync_client(viz: Any, calls: int) -> dict[str, float]:
    """Appends/s and median call time of a client whose every call waits for the server."""
    viz.line(Y=[0.0], X=[0], win="loss", update="append")
    per_call = []
    start = time.perf_counter()
    for step in range(1, calls + 1):
        t = time.perf_counter()
        viz.line(Y=[1.0 / step], X=[step], win="loss", update="append")
        per_call.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    return {"per_s": calls / total, "call_us": statistics.median(per_call) * 1e6,
            "last_call_us": statistics.median(per_call[-50:]) * 1e6}


def time_trainboard_client(port: int, calls: int, env: str) -> dict[str, float]:
    from trainboard import Visdom

    viz = Visdom(server="http://127.0.0.1", port=port, env=env)
    viz.line([0.0], [0], win="loss", update="append")
    viz.flush()
    batches = []
    start = time.perf_counter()
    for first in range(1, calls + 1, 100):
        t = time.perf_counter()
        for step in range(first, first + 100):
            viz.line([1.0 / step], [step], win="loss", update="append")
        batches.append((time.perf_counter() - t) / 100)
    loop = time.perf_counter() - start
    assert viz.flush(timeout=120)
    total = time.perf_counter() - start
    viz.close_connection()
    return {"per_s": calls / total, "call_us": statistics.median(batches) * 1e6,
            "mean_us": loop / calls * 1e6}


def page_latency(board_url: str, port: int, samples: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    from trainboard import Visdom

    viz = Visdom(server="http://127.0.0.1", port=port, env="latency")
    viz.line([0.0], [0], win="lat", update="append")
    viz.flush()
    latencies = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        open_tab(page, board_url, "live", "live_env=latency", need_runs=False, timeout=60_000)
        shown = ("(y) => { const p = window.__trainboard.view('live').panes"
                 ".find(q => q.win === 'lat'); return p && p.last_y === y && p.updated_at; }")
        for step in range(1, samples + 1):
            y = step + 0.5
            sent = time.time() * 1000
            viz.line([y], [step], win="lat", update="append")
            page.wait_for_function(shown, arg=y, timeout=10_000)
            time.sleep(0.05)  # let the stamp's animation frame run
            stamp = page.evaluate(shown, y)
            latencies.append(stamp - sent)
        browser.close()
    viz.close_connection()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visdom-calls", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    header("live push: trainboard.Visdom vs visdom")
    with tempfile.TemporaryDirectory() as tmp:
        server, vport = start_visdom_server(str(Path(tmp) / "visdom_env"))
        try:
            visdom_fig = time_sync_client(visdom_client(vport, "bench"), args.visdom_calls)
        finally:
            server.kill()
            server.wait()
        logdir = Path(tmp) / "logdir"
        logdir.mkdir()
        with running_board(logdir) as board:
            port = urllib.parse.urlsplit(board.url).port or 0
            ours = time_trainboard_client(port, args.calls, "bench")
            real_on_ours = time_sync_client(visdom_client(port, "real"), args.visdom_calls)
            latencies = [] if args.skip_browser else page_latency(board.url, port, args.samples)
    print(f"visdom server + visdom client: {visdom_fig['per_s']:,.0f} appends/s, "
          f"{visdom_fig['call_us'] / 1000:.1f} ms per call (median; "
          f"{visdom_fig['last_call_us'] / 1000:.1f} ms for the last 50)")
    print(f"trainboard + visdom client:    {real_on_ours['per_s']:,.0f} appends/s, "
          f"{real_on_ours['call_us'] / 1000:.1f} ms per call")
    print(f"trainboard + trainboard.Visdom: {ours['per_s']:,.0f} appends/s end to end "
          f"({ours['per_s'] / visdom_fig['per_s']:.0f}x visdom), {ours['call_us']:.2f} us "
          f"per call (median; mean over the tight loop {ours['mean_us']:.2f} us)")
    if latencies:
        ordered = sorted(latencies)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        print(f"call to point shown in the Live tab: median {statistics.median(latencies):.1f} "
              f"ms, p90 {p90:.1f} ms, max {ordered[-1]:.1f} ms ({len(latencies)} samples)")


if __name__ == "__main__":
    main()
