"""Many runs: trainboard and TensorBoard over 1,000 and 10,000 runs, in headless Chromium.

Generates once (cached under ``$TRAINBOARD_BENCH_DIR``, default ``/tmp/trainboard-many-runs``)
two logdirs written with trainboard's writer (its event-file and record encoder, one event
file per run, the same bytes ``add_scalar`` writes):

* ``1000x20x500``: 1,000 runs x 20 tags x 500 steps (10M points);
* ``10000x5x100``: 10,000 runs x 5 tags x 100 steps (5M points, 10,000 small files).

Then, per logdir, each server is started as its own process on a free port:

* **trainboard cold**: ``trainboard --logdir DIR --port 0 --cache_dir <empty dir>``;
* **trainboard warm index**: a second start on the cache directory the cold start filled
  (its persistent index); also the page reloaded on that server once it is loaded
  (**warm server**);
* **TensorBoard**: ``tensorboard --logdir DIR --port 0`` (its defaults: the Rust data
  server when installed).

and measured from the spawn: until ``/api/runs`` (TensorBoard: ``/data/runs``) first answers
(and how many runs that answer lists; TensorBoard lists all of them when it answers at
all); ``/api/runs``'s own duration on a loaded server; until the first chart is drawn in
headless Chromium, navigated as soon as the server prints its URL (trainboard: the first
frame with a ``scalar-card`` in state ``ready`` holding a canvas; TensorBoard: the probe of
``board_browser.py``, the first frame after a chart's worker was posted a non-empty series,
metadata and extent, a lower bound); the regex filter of the runs panel over all runs (the
time from setting the filter box to the frame after the panel shows the filtered rows);
and the peak resident memory of each server (psutil, the process and its children,
sampled every 50 ms until the end of its measurement).

Usage::

    .venv/bin/python benchmarks/many_runs.py                    # both logdirs, all servers
    .venv/bin/python benchmarks/many_runs.py --case 10000x5x100 --skip-tensorboard
    .venv/bin/python benchmarks/many_runs.py --case 200x5x100   # any RUNSxTAGSxSTEPS
    .venv/bin/python benchmarks/many_runs.py --tensorboard-timeout 300
    PYTHONPATH=/tmp/old/src .venv/bin/python benchmarks/many_runs.py  # another tree's server

Targets (issue 17), 10,000 runs: first chart <= 2 s warm index, <= 10 s cold; ``/api/runs``
<= 0.5 s warm; filter <= 100 ms; server < 1.5 GB. 1,000 runs: first chart <= 1 s warm.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.browser: the same server launcher and browser settings

from _common import TENSORBOARD_PROBE, TRAINBOARD_PROBE, header, tensorboard_command  # noqa: E402

from tests.browser.board_process import BoardProcess  # noqa: E402
from tests.browser.chromium import CHROMIUM_ARGS, VIEWPORT, chromium_path  # noqa: E402

OUT = Path(os.environ.get("TRAINBOARD_BENCH_DIR", "/tmp/trainboard-many-runs"))
CASES = ("1000x20x500", "10000x5x100")

# The runs panel's filter box: set a regex, time to the frame after the rows changed.
FILTER_HOOK = """async (pattern) => {
  const box = document.querySelector('[data-testid="run-filter"]');
  if (!box) return null;
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  await frame();
  const start = performance.now();
  box.value = pattern;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  await frame();
  await frame();
  return performance.now() - start;
}"""


# -- the logdirs ---------------------------------------------------------------


def generate(runs: int, tags: int, steps: int) -> Path:
    """``runs x tags x steps`` scalars, one event file per run (cached under ``OUT``)."""
    import numpy as np

    from trainboard.writer._event_file import EventFile, scalar_record

    root = OUT / f"{runs}x{tags}x{steps}"
    if (root / "DONE").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(0)
    width = len(str(runs - 1))
    start = 1.7e9
    for run in range(runs):
        # Runs in groups of 100, like the sweeps that produce this many.
        directory = root / f"sweep{run // 100:03d}" / f"run{run:0{width}d}"
        file = EventFile(str(directory))
        walks = np.cumsum(rng.standard_normal((tags, steps)), axis=1).tolist()
        names = [f"metric/tag{t}" for t in range(tags)]
        chunks = [
            scalar_record(file, names[t], walks[t][s], s, start + s * 0.1, False, False)
            for s in range(steps)
            for t in range(tags)
        ]
        file.write(b"".join(chunks))
        file.close()
    (root / "DONE").write_text("")
    return root


def parse_case(text: str) -> tuple[int, int, int]:
    runs, tags, steps = (int(x) for x in text.split("x"))
    return runs, tags, steps


# -- servers -------------------------------------------------------------------


class PeakRss:
    """Samples the resident memory of a process and its children every 50 ms (the peak)."""

    def __init__(self, pid: int) -> None:
        import psutil

        self._process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                processes = [self._process, *self._process.children(recursive=True)]
                total = 0
                for process in processes:
                    with contextlib.suppress(psutil.Error):
                        total += process.memory_info().rss
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self._stop.wait(0.05)

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the process and its children have used so far."""
        import psutil

        total = 0.0
        with contextlib.suppress(psutil.Error):
            for process in [self._process, *self._process.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    total += times.user + times.system
        return total

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=2)
        return self.peak


class Server:
    """A started server: its URL, spawn time, the RSS sampler, and how to stop it."""

    def __init__(self, url: str, spawned: float, pid: int, stop: Any) -> None:
        self.url = url
        self.spawned = spawned
        self.rss = PeakRss(pid)
        self._stop = stop

    def since_spawn(self) -> float:
        return time.perf_counter() - self.spawned

    def close(self) -> int:
        peak = self.rss.stop()
        self._stop()
        return peak


@contextlib.contextmanager
def trainboard_server(logdir: Path, cache_dir: Path) -> Iterator[Server]:
    spawned = time.perf_counter()
    board = BoardProcess(logdir, "--cache_dir", str(cache_dir), use_cache=True)
    server = Server("", spawned, board._process.pid, board.stop)
    try:
        server.url = board.wait_ready(timeout=600)
        yield server
    finally:
        server.close()


@contextlib.contextmanager
def tensorboard_server(command: list[str], logdir: Path) -> Iterator[Server]:
    spawned = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--logdir", str(logdir), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    server = Server("", spawned, process.pid, stop)
    try:
        for line in process.stdout or ():
            match = re.search(r"TensorBoard \S+ at (http://\S+/)", line)
            if match:
                server.url = match.group(1)
                break
        if not server.url:
            raise RuntimeError(f"tensorboard exited with {process.wait()} before serving")
        threading.Thread(target=lambda: [None for _ in process.stdout or ()], daemon=True).start()
        yield server
    finally:
        server.close()
        if process.stdout is not None:
            process.stdout.close()


def get_json(url: str, timeout: float = 120.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def poll_runs(server: Server, path: str, deadline: float) -> tuple[float, int]:
    """(seconds from spawn until ``path`` first answered 200, how many runs it listed)."""
    while server.since_spawn() < deadline:
        try:
            answer = get_json(server.url + path, timeout=max(1.0, deadline - server.since_spawn()))
            runs = answer["runs"] if isinstance(answer, dict) else answer
            return server.since_spawn(), len(runs)
        except (OSError, ValueError):
            time.sleep(0.05)
    return math.inf, 0


def wait_all_runs(server: Server, runs: int, deadline: float) -> float:
    """Seconds from spawn until /api/runs lists every run and /api/progress says loaded."""
    while server.since_spawn() < deadline:
        with contextlib.suppress(OSError, ValueError):
            loaded = get_json(server.url + "api/progress")["loaded"]
            if loaded and len(get_json(server.url + "api/runs")["runs"]) >= runs:
                return server.since_spawn()
        time.sleep(0.5)
    return math.inf


def request_seconds(url: str, repeat: int = 3) -> float:
    """The median duration of ``repeat`` GETs of ``url`` (a loaded server)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
        except OSError:
            return math.inf
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


# -- the page --------------------------------------------------------------------


class Page:
    """A fresh browser context and page with a probe; counts failed requests."""

    def __init__(self, browser: Any, probe: str) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.page.add_init_script(probe)
        self.failed: list[str] = []
        self.requests = 0
        self.page.on("request", lambda _: self._count())
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url[:120]} {r.failure}"))
        self.page.on("response", lambda r: self.failed.append(f"{r.url[:120]} HTTP {r.status}")
                     if r.status >= 400 else None)

    def _count(self) -> None:
        self.requests += 1

    def first_chart(self, url: str, timeout_s: float) -> float:
        """Seconds from navigation to the first chart drawn (inf after ``timeout_s``)."""
        start = time.perf_counter()
        self.page.goto(url, timeout=timeout_s * 1000)
        try:
            left = max(1.0, timeout_s - (time.perf_counter() - start))
            self.page.wait_for_function("() => window.__firstCard > 0", polling=50,
                                        timeout=left * 1000)
        except Exception:  # playwright's TimeoutError
            return math.inf
        return float(self.page.evaluate("window.__firstCard")) / 1000

    def close(self) -> None:
        self.context.close()


def filter_ms(page: Any, patterns: list[str]) -> list[float]:
    """The runs panel's regex filter: ms from setting each pattern to the frame after."""
    times = []
    for pattern in patterns:
        value = page.evaluate(FILTER_HOOK, pattern)
        if value is None:
            return []
        times.append(float(value))
    return times


# -- one logdir ------------------------------------------------------------------

RUNS_KEYS = ("runs_s", "runs_listed")
FILTERS = ["run0*1", r"sweep00[0-4]/run\d*7$", "tag|run12", ""]


def measure_trainboard(
    browser: Any, logdir: Path, runs: int, cache_dir: Path, label: str, timeout_s: float,
    filters: bool,
) -> dict[str, Any]:
    """One start of trainboard on ``cache_dir`` (empty: cold; filled: warm index)."""
    result: dict[str, Any] = {"label": label}
    with trainboard_server(logdir, cache_dir) as server:
        polled: dict[str, Any] = {}
        poller = threading.Thread(
            target=lambda: polled.update(
                zip(RUNS_KEYS, poll_runs(server, "api/runs", timeout_s), strict=True)
            ),
            daemon=True,
        )
        poller.start()
        page = Page(browser, TRAINBOARD_PROBE)
        navigated = server.since_spawn()
        chart = page.first_chart(server.url, timeout_s)
        result["first_chart_s"] = navigated + chart
        result["cpu_at_first_chart_s"] = server.rss.cpu_seconds()
        result["failed_requests"] = list(page.failed)
        poller.join(timeout=timeout_s)
        result.update(polled)
        result["loaded_s"] = wait_all_runs(server, runs, timeout_s)
        page.close()
        result["api_runs_loaded_s"] = request_seconds(server.url + "api/runs")
        result["api_tags_loaded_s"] = request_seconds(server.url + "api/tags?kind=scalars")
        page = Page(browser, TRAINBOARD_PROBE)
        result["first_chart_warm_server_s"] = page.first_chart(server.url, timeout_s)
        result["requests"] = page.requests
        result["failed_requests"] += page.failed
        if filters:
            result["filter_ms"] = filter_ms(page.page, FILTERS)
        page.close()
        result["peak_rss"] = server.rss.peak
    result["peak_rss"] = max(result["peak_rss"], server.rss.peak)
    return result


def measure_tensorboard(
    browser: Any, command: list[str], logdir: Path, timeout_s: float
) -> dict[str, Any]:
    result: dict[str, Any] = {"label": "TensorBoard"}
    with tensorboard_server(command, logdir) as server:
        polled: dict[str, Any] = {}
        poller = threading.Thread(
            target=lambda: polled.update(
                zip(RUNS_KEYS, poll_runs(server, "data/runs", timeout_s), strict=True)
            ),
            daemon=True,
        )
        poller.start()
        page = Page(browser, TENSORBOARD_PROBE)
        navigated = server.since_spawn()
        chart = page.first_chart(server.url, max(1.0, timeout_s - navigated))
        result["first_chart_s"] = navigated + chart
        result["cpu_at_first_chart_s"] = server.rss.cpu_seconds()
        result["failed_requests"] = list(page.failed)
        page.close()
        poller.join(timeout=timeout_s)
        result.update(polled)
        if math.isfinite(result["first_chart_s"]):
            result["api_runs_loaded_s"] = request_seconds(server.url + "data/runs")
            page = Page(browser, TENSORBOARD_PROBE)
            result["first_chart_warm_server_s"] = page.first_chart(server.url, timeout_s)
            page.close()
        result["peak_rss"] = server.rss.peak
    return result


def run_case(browser: Any, case: str, tb_command: list[str] | None, timeout_s: float,
             tb_timeout_s: float) -> list[dict[str, Any]]:
    runs, tags, steps = parse_case(case)
    logdir = generate(runs, tags, steps)
    for path in logdir.rglob("*tfevents*"):  # in the page cache, for every server alike
        path.read_bytes()
    print(f"# {case}: {runs:,} runs x {tags} tags x {steps} steps, {logdir}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="trainboard-many-runs-cache-") as cache:
        for label in ("trainboard cold", "trainboard warm index"):
            result = measure_trainboard(browser, logdir, runs, Path(cache), label, timeout_s,
                                        filters=label.endswith("index"))
            print(json.dumps(result), flush=True)
            results.append(result)
    if tb_command is not None:
        result = measure_tensorboard(browser, tb_command, logdir, tb_timeout_s)
        result["timeout_s"] = tb_timeout_s
        print(json.dumps(result), flush=True)
        results.append(result)
    return results


def seconds(value: float | None, bound: float | None = None) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return f"> {bound:.0f} s" if bound else "never"
    return f"{value:.2f} s"


def print_table(case: str, results: list[dict[str, Any]]) -> None:
    by = {r["label"]: r for r in results}
    cold, warm = by.get("trainboard cold", {}), by.get("trainboard warm index", {})
    tb = by.get("TensorBoard", {})
    bound = tb.get("timeout_s")
    rows = [
        ("spawn -> runs list answers", "runs_s"),
        ("spawn -> first chart drawn", "first_chart_s"),
        ("server CPU time until then", "cpu_at_first_chart_s"),
        ("spawn -> every run loaded", "loaded_s"),
        ("runs list request, loaded server", "api_runs_loaded_s"),
        ("scalar tags request, loaded server", "api_tags_loaded_s"),
        ("navigation -> first chart, loaded server", "first_chart_warm_server_s"),
    ]
    print(f"\n## {case}")
    print(f"{'':44s}{'cold':>12s}{'warm index':>12s}{'TensorBoard':>14s}   TensorBoard / ours")
    for label, key in rows:
        ours = [cold.get(key), warm.get(key)]
        theirs = tb.get(key) if tb else None
        ratio = ""
        if theirs is not None and cold.get(key):
            ratio = f"{theirs / cold[key]:.1f}x cold" if math.isfinite(theirs) else "-"
            if warm.get(key):
                ratio += f", {theirs / warm[key]:.1f}x warm" if math.isfinite(theirs) else ""
        print(f"{label:44s}{seconds(ours[0]):>12s}{seconds(ours[1]):>12s}"
              f"{seconds(theirs, bound):>14s}   {ratio}")
    listed = [r.get("runs_listed") for r in (cold, warm, tb)]
    print(f"{'runs in the first runs list':44s}" + "".join(f"{v!s:>12s}" for v in listed))
    rss = [r.get("peak_rss", 0) / 2**30 for r in (cold, warm, tb)]
    print(f"{'peak RSS (GiB, with children)':44s}{rss[0]:>11.2f} {rss[1]:>11.2f} {rss[2]:>13.2f}")
    if warm.get("filter_ms"):
        print(f"runs panel regex filter (ms, warm index): "
              f"{', '.join(f'{v:.0f}' for v in warm['filter_ms'])}")
    for r in (cold, warm, tb):
        if r.get("failed_requests"):
            print(f"{r['label']}: {len(r['failed_requests'])} failed requests, e.g. "
                  f"{r['failed_requests'][:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", action="append", help="RUNSxTAGSxSTEPS (repeatable); "
                        f"default: {', '.join(CASES)}")
    parser.add_argument("--skip-tensorboard", action="store_true")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds a trainboard measurement may take")
    parser.add_argument("--tensorboard-timeout", type=float, default=240.0,
                        help="seconds TensorBoard may take to its first chart")
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args()
    cases = args.case or list(CASES)
    if args.generate_only:
        for case in cases:
            print(generate(*parse_case(case)))
        return
    header("many runs: trainboard and TensorBoard (benchmarks/many_runs.py)")
    tb_command = None if args.skip_tensorboard else tensorboard_command()
    from playwright.sync_api import sync_playwright

    tables = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for case in cases:
            tables.append((case, run_case(browser, case, tb_command, args.timeout,
                                          args.tensorboard_timeout)))
        browser.close()
    for case, results in tables:
        print_table(case, results)


if __name__ == "__main__":
    main()
