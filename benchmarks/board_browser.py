"""The board in headless Chromium: time to the first scalar card, points per pixel, zoom fetches.

Generates once (cached under ``benchmarks/out/board_browser/``) a logdir of 100 runs x 10
tags x 10,000 steps (10M points) and one of a single 1,000,000-point series, both with
trainboard's SummaryWriter. Then, in one process, with the files in the page cache:

* **first card**: from navigation start to the first animation frame after a scalar card has
  drawn its data (an init script polls every frame for a ``scalar-card`` with
  ``data-state="ready"`` and a canvas; times are the page's ``performance.now()``, whose
  origin is the navigation). Each load is a fresh browser context (no HTTP cache). *Warm*:
  one server that has loaded the logdir; *cold*: a fresh ``trainboard`` process per load,
  navigated to as soon as it prints its URL, without (``--no_cache``) and with its index
  cache. Cold rows also give the time from spawning the server.
* **TensorBoard** (if installed), the same over the same logdir with ``tensorboard --logdir``
  (its default Time Series page, ``--load_fast`` default, i.e. the Rust data server). Its
  charts draw with WebGL in a worker, out of reach of the page, so the first chart counts
  as drawn at the first animation frame after the page has posted to a chart's worker port a
  non-empty data series, non-empty series metadata and an extent (the messages that make
  the worker draw; seen by wrapping ``MessagePort.prototype.postMessage``). The worker
  paints a little later (screenshots show lines about 0.1-0.3 s after), so TensorBoard's
  figure is a lower bound. This relies on TensorBoard 2.x internals (message ``type`` 0, 1,
  3), so it may need updating with it.
* **1,000,000-point series**: points drawn per horizontal pixel (the card's drawn points /
  its plot width in CSS pixels, and the most in any one pixel column), and the zoom fetch
  time: from the mouse-up that ends a drag to the first frame showing the zoomed data, and
  the HTTP request's own duration (Resource Timing).

Targets (issue 5): first cards < 1.5 s; <= 4 points per pixel.

Usage::

    .venv/bin/python benchmarks/board_browser.py [--loads 5] [--zooms 5] [--skip-tensorboard]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.browser: the same server launcher and browser setup

from _common import TENSORBOARD_PROBE, TRAINBOARD_PROBE, header, tensorboard_command  # noqa: E402

from tests.browser.board_page import cards, drag_zoom, open_board, wait_quiet  # noqa: E402
from tests.browser.board_process import BoardProcess  # noqa: E402
from tests.browser.chromium import CHROMIUM_ARGS, VIEWPORT, chromium_path  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "board_browser"
GRID = (100, 10, 10_000)
BIG_POINTS = 1_000_000
LOAD_TIMEOUT_MS = 180_000


def generate(name: str, runs: int, tags: int, steps: int) -> Path:
    """``runs x tags x steps`` scalars written by trainboard's SummaryWriter (cached)."""
    import numpy as np

    from trainboard import SummaryWriter

    root = OUT / name
    if (root / "DONE").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(0)
    for run in range(runs):
        writer = SummaryWriter(str(root / f"run{run:03d}"), max_queue=100_000)
        # A random walk: downsampling cannot cheat on a line this rough.
        walks = np.cumsum(rng.standard_normal((tags, steps)), axis=1).tolist()
        for step in range(steps):
            for tag in range(tags):
                writer.add_scalar(f"metric/tag{tag}", walks[tag][step], step)
        writer.close()
    (root / "DONE").write_text("")
    return root


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def first_card_ms(browser: Any, url: str, probe: str) -> float:
    """Milliseconds from navigation start to the first drawn card, in a fresh context."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(probe)
        page.goto(url)
        page.wait_for_function("() => window.__firstCard > 0", timeout=LOAD_TIMEOUT_MS,
                               polling=50)
        return float(page.evaluate("window.__firstCard"))
    finally:
        context.close()


def trainboard_warm(browser: Any, logdir: Path, loads: int) -> list[float]:
    """First-card ms of ``loads`` page loads from one server that has loaded the logdir."""
    with _started(logdir, (), None) as board:
        first_card_ms(browser, board.url, TRAINBOARD_PROBE)  # waits for the first load
        return [first_card_ms(browser, board.url, TRAINBOARD_PROBE) for _ in range(loads)]


def trainboard_cold(
    browser: Any, logdir: Path, loads: int, cache_dir: Path | None
) -> tuple[list[float], list[float]]:
    """(navigation -> first card, spawn -> first card) in ms, each with a fresh server.

    ``cache_dir``: the server's index cache (primed by a first, unmeasured start); None: none.
    """
    args = ("--cache_dir", str(cache_dir)) if cache_dir else ()
    if cache_dir is not None:
        with _started(logdir, args, cache_dir) as board:
            first_card_ms(browser, board.url, TRAINBOARD_PROBE)
    from_nav, from_spawn = [], []
    for _ in range(loads):
        spawned = time.perf_counter()
        with _started(logdir, args, cache_dir) as board:
            navigated = time.perf_counter()
            nav_ms = first_card_ms(browser, board.url, TRAINBOARD_PROBE)
        from_nav.append(nav_ms)
        from_spawn.append((navigated - spawned) * 1000 + nav_ms)
    return from_nav, from_spawn


@contextlib.contextmanager
def _started(logdir: Path, args: tuple[str, ...], cache_dir: Path | None) -> Iterator[BoardProcess]:
    board = BoardProcess(logdir, *args, use_cache=cache_dir is not None)
    try:
        board.wait_ready(timeout=LOAD_TIMEOUT_MS / 1000)
        yield board
    finally:
        board.stop()


@contextlib.contextmanager
def tensorboard(command: list[str], logdir: Path) -> Iterator[str]:
    """``tensorboard --logdir`` on a free port; yields its URL once it prints it."""
    process = subprocess.Popen(
        [*command, "--logdir", str(logdir), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        url = None
        for line in process.stdout or ():
            match = re.search(r"TensorBoard \S+ at (http://\S+/)", line)
            if match:
                url = match.group(1)
                break
        if url is None:
            raise RuntimeError(f"tensorboard exited with {process.wait()} before serving")
        # Keep draining its output so it never blocks on a full pipe.
        drain = threading.Thread(target=lambda: [None for _ in process.stdout or ()], daemon=True)
        drain.start()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def wait_tensorboard_loaded(url: str, runs: int, tags: int, steps: int) -> float:
    """Seconds until TensorBoard serves every run's tags and full sampled series."""
    start = time.perf_counter()
    probes = [f"run{r:03d}" for r in (0, runs // 2, runs - 1)]
    while time.perf_counter() - start < LOAD_TIMEOUT_MS / 1000:
        try:
            found = json.load(urllib.request.urlopen(url + "data/plugin/scalars/tags"))
            if len(found) == runs and all(len(t) == tags for t in found.values()):
                last = [
                    json.load(urllib.request.urlopen(
                        f"{url}data/plugin/scalars/scalars?run={run}&tag=metric%2Ftag{tags - 1}"
                    ))[-1][1]
                    for run in probes
                ]
                if all(step == steps - 1 for step in last):
                    return time.perf_counter() - start
        except (OSError, ValueError, IndexError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"TensorBoard did not finish loading {url} in time")


def tensorboard_first_cards(
    browser: Any, command: list[str], logdir: Path, loads: int
) -> tuple[list[float], list[float], float]:
    """(warm, cold) first-chart ms for TensorBoard, and its load time in seconds."""
    runs, tags, steps = GRID
    cold = []
    for _ in range(loads):
        with tensorboard(command, logdir) as url:
            cold.append(first_card_ms(browser, url, TENSORBOARD_PROBE))
    with tensorboard(command, logdir) as url:
        loaded = wait_tensorboard_loaded(url, runs, tags, steps)
        warm = [first_card_ms(browser, url, TENSORBOARD_PROBE) for _ in range(loads)]
    return warm, cold, loaded


# Per pixel column of the plot (bucketed as the server does): the most points in any one.
MAX_PER_COLUMN = """(width) => {
  const card = window.__trainboard.cards()[0];
  const [lo, hi] = card.scales.x;
  const counts = new Map();
  for (const s of card.series) {
    for (const x of s.x) {
      if (x < lo || x > hi) continue;
      const column = Math.min(width - 1, Math.floor((x - lo) * (width / (hi - lo))));
      counts.set(column, (counts.get(column) || 0) + 1);
    }
  }
  return Math.max(...counts.values());
}"""

CARD = """document.querySelector('[data-testid="scalar-card"]')"""
# Resolves on the first frame where the card shows zoomed data and fetches nothing.
ZOOM_DRAWN = f"""() => {{
  const el = {CARD};
  return el.dataset.zoomed === "1" && !el.dataset.fetching && el.dataset.state === "ready"
    ? performance.now() : false;
}}"""

ZOOMS = [(0.40, 0.50), (0.10, 0.12), (0.70, 0.95), (0.25, 0.26), (0.55, 0.60)]


def density(page: Any) -> tuple[float, int, int]:
    """(drawn points per plot pixel, most points in one pixel column, plot width)."""
    width = int(page.locator('[data-testid="scalar-card"] .u-over').evaluate("e => e.clientWidth"))
    points = sum(s["points"] for s in cards(page)[0]["series"])
    return points / width, int(page.evaluate(MAX_PER_COLUMN, width)), width


def big_series(browser: Any, logdir: Path, zooms: int) -> dict[str, Any]:
    """Points per pixel and zoom fetch times on the 1,000,000-point series."""
    result: dict[str, Any] = {"zoom_ms": [], "request_ms": [], "zoomed_per_px": []}
    with _started(logdir, (), None) as board:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.add_init_script(
            "addEventListener('mouseup', () => { window.__mouseUp = performance.now(); }, true)"
        )
        open_board(page, board.url, "#scalars?smoothing=0")
        result["per_px"], result["max_per_column"], result["width"] = density(page)
        for i in range(zooms):
            start, end = ZOOMS[i % len(ZOOMS)]
            tag = cards(page)[0]["tag"]
            drag_zoom(page, tag, start, end)
            drawn = page.wait_for_function(ZOOM_DRAWN, polling="raf", timeout=30_000).json_value()
            result["zoom_ms"].append(drawn - page.evaluate("window.__mouseUp"))
            result["request_ms"].append(page.evaluate(
                "() => performance.getEntriesByType('resource')"
                ".filter((e) => e.name.includes('xmin=')).at(-1).duration"
            ))
            wait_quiet(page)
            result["zoomed_per_px"].append(density(page)[0])
            page.locator('[data-testid="scalar-card"] .u-over').dblclick()
            page.wait_for_function(f"() => {CARD}.dataset.zoomed === '0'")
            wait_quiet(page)
        context.close()
    return result


def warm_page_cache(root: Path) -> None:
    for path in root.rglob("*tfevents*"):
        path.read_bytes()


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    spread = f"min {min(values):.0f}, max {max(values):.0f}, n={len(values)}"
    return f"{median(values):9.0f} ms  ({spread})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=5, help="page loads per measurement")
    parser.add_argument("--zooms", type=int, default=5, help="zooms on the 1M-point series")
    parser.add_argument("--skip-tensorboard", action="store_true")
    args = parser.parse_args()
    header("the board in headless Chromium (benchmarks/board_browser.py)")
    runs, tags, steps = GRID
    grid = generate(f"grid_{runs}x{tags}x{steps}", runs, tags, steps)
    big = generate(f"big_1x1x{BIG_POINTS}", 1, 1, BIG_POINTS)
    warm_page_cache(grid)
    warm_page_cache(big)
    tb_command = None if args.skip_tensorboard else tensorboard_command()
    from playwright.sync_api import sync_playwright

    print(f"# logdir: {runs} runs x {tags} tags x {steps:,} steps; viewport "
          f"{VIEWPORT['width']}x{VIEWPORT['height']}; Chromium {chromium_path()}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        rows: list[tuple[str, list[float]]] = []
        warm = trainboard_warm(browser, grid, args.loads)
        rows.append(("trainboard, warm server: navigation -> first card", warm))
        with tempfile_dir() as cache:
            nav, spawn = trainboard_cold(browser, grid, args.loads, cache)
        rows.append(("trainboard, cold server + index cache: navigation -> first card", nav))
        rows.append(("trainboard, cold server + index cache: spawn -> first card", spawn))
        nav, spawn = trainboard_cold(browser, grid, args.loads, None)
        rows.append(("trainboard, cold server, no cache: navigation -> first card", nav))
        rows.append(("trainboard, cold server, no cache: spawn -> first card", spawn))
        tb_rows: list[tuple[str, list[float]]] = []
        loaded = math.nan
        if tb_command is not None:
            tb_warm, tb_cold, loaded = tensorboard_first_cards(
                browser, tb_command, grid, args.loads
            )
            tb_rows = [("TensorBoard, warm server: navigation -> first chart", tb_warm),
                       ("TensorBoard, cold server: navigation -> first chart", tb_cold)]
        big_result = big_series(browser, big, args.zooms)
        browser.close()
    for label, values in rows + tb_rows:
        print(f"{label:66s} {summary(values)}")
    if tb_rows:
        print(f"TensorBoard served every run {loaded:.1f} s after printing its URL")
        warm_ratio = median(tb_rows[0][1]) / median(warm)
        cold_ratio = median(tb_rows[1][1]) / median(rows[3][1])
        print(f"ratio TensorBoard / trainboard, first card: warm {warm_ratio:.1f}x, "
              f"cold (trainboard without its cache) {cold_ratio:.1f}x")
    print(f"1,000,000-point series: {big_result['per_px']:.2f} points per pixel drawn over "
          f"{big_result['width']} px, at most {big_result['max_per_column']} in one pixel column; "
          f"zoomed: median {median(big_result['zoomed_per_px']):.2f} per pixel")
    print(f"zoom fetch, mouse-up -> zoomed data drawn: {summary(big_result['zoom_ms'])}")
    print(f"zoom fetch, HTTP request alone:            {summary(big_result['request_ms'])}")
    print(f"targets: first card < 1.5 s (warm): {verdict(median(warm) < 1500)}; "
          f"<= 4 points per pixel: {verdict(big_result['max_per_column'] <= 4)}")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


@contextlib.contextmanager
def tempfile_dir() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="trainboard-bench-cache-") as directory:
        yield Path(directory)


if __name__ == "__main__":
    main()
