"""`trainboard demo`: serves first, then trains while the board watches, and logs every kind."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.error
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_serve import _get_json
from trainboard.data.logdir import LogdirProvider

pytest.importorskip("torch")
pytest.importorskip("sklearn")

TRAINBOARD = [sys.executable, "-m", "trainboard.cli"]
LIVE_WINDOWS = {"step_loss", "accuracy", "confusion", "mistakes", "log"}


def test_demo_logs_every_kind(tmp_path: Path) -> None:
    result = subprocess.run(
        [*TRAINBOARD, "demo", "--no-serve", "--epochs", "2", "--logdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "epoch 2/2" in result.stdout
    provider = LogdirProvider(tmp_path, use_cache=False)
    provider.reload()
    plugins = {(t.run, t.plugin_name) for t in provider.tags()}
    run = "digits_cnn"
    for plugin in ("scalars", "images", "histograms", "graphs", "text", "pr_curves", "audio",
                   "mesh", "custom_scalars"):
        assert (run, plugin) in plugins, plugin
    assert (f"{run}/hparams", "hparams") in plugins
    assert {r.name for r in provider.runs()} >= {f"{run}/accuracy_train", f"{run}/accuracy_val"}
    assert (tmp_path / run / "projector_config.pbtxt").is_file()
    assert provider.warnings() == []
    steps = provider.read_scalars(run, "loss/train_step").steps
    assert len(steps) > 50 and list(steps) == sorted(steps)
    assert sorted(p.name for p in tmp_path.iterdir()) == [run]  # --no-serve pushes nothing


class _Output:
    """The lines a process prints, read on a thread."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        for line in proc.stdout or ():
            self.lines.append(line.rstrip("\n"))
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                stderr = self.proc.stderr.read() if self.proc.stderr else ""
                pytest.fail(f"exited without printing {pattern!r}; printed {self.lines!r}, "
                            f"stderr:\n{stderr}")
            match = re.search(pattern, line)
            if match:
                return match


def _points(url: str) -> int:
    """How many points of the demo's step loss the board has."""
    try:
        card = _get_json(f"{url}api/scalars?tag=loss%2Ftrain_step&runs=digits_cnn")
    except urllib.error.HTTPError:  # the run or tag is not there yet
        return 0
    assert isinstance(card, dict)
    return sum(int(series["total_points"]) for series in card["series"])


def _until(check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_demo_serves_first_then_trains_while_the_board_watches(tmp_path: Path) -> None:
    args = [*TRAINBOARD, "demo", "--epochs", "4", "--pace", "1", "--port", "0",
            "--logdir", str(tmp_path / "runs")]
    env = {**os.environ, "TRAINBOARD_CACHE_DIR": str(tmp_path / "cache")}  # not the user's
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as proc:
        try:
            output = _Output(proc)
            url = output.wait_for(r"at (http://\S+/) ")[1]
            assert not any("epoch" in line for line in output.lines)  # the URL comes first
            runs = _until(lambda: "digits_cnn" in {
                r["name"] for r in _get_json(url + "api/runs")["runs"]  # type: ignore[index]
            })
            assert runs, "the demo's run never appeared on the board"
            # Points arrive while the board serves: more of them a little later.
            first = _until(lambda: _points(url))
            assert first > 0
            assert _until(lambda: _points(url) > first), "no new points arrived"
            output.wait_for(r"^logged 4 epochs to ")
            assert [line for line in output.lines if line.startswith("epoch ")] == [
                line for line in output.lines if re.match(r"epoch \d/4: val loss", line)
            ]
            assert _points(url) > first
            envs = _get_json(url + "api/live/envs")
            assert isinstance(envs, dict)
            assert [env["name"] for env in envs["envs"]] == ["main"]
            windows = _get_json(url + "api/live/windows?env=main")
            assert isinstance(windows, dict)
            assert {w["id"] for w in windows["windows"]} == LIVE_WINDOWS
            # The Visdom line windows also show in Scalars, as the run live/main.
            runs_now = {r["name"] for r in _get_json(url + "api/runs")["runs"]}  # type: ignore[index]
            assert any(name.startswith("live/main") for name in runs_now), runs_now
            assert proc.poll() is None  # still serving after training
        finally:
            proc.terminate()
            proc.wait(10)


def test_demo_without_torch_names_the_extra_to_install(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['torch'] = None; from trainboard.cli.main import main; "
            f"main(['demo', '--no-serve', '--logdir', {str(tmp_path)!r}])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert "pip install 'trainboard[demo]'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.browser
def test_the_page_sees_the_demo_train_without_reloading(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Opened as soon as the URL is printed, the page gets new points and Visdom windows."""
    if os.environ.get("TRAINBOARD_SKIP_BROWSER") == "1":
        pytest.skip("TRAINBOARD_SKIP_BROWSER=1")
    from playwright.sync_api import expect

    playwright = request.getfixturevalue("playwright_api")

    from tests.browser.board_page import open_board, series, show_card, wait_for
    from tests.browser.chromium import CHROMIUM_ARGS, VIEWPORT, chromium_path

    args = [*TRAINBOARD, "demo", "--epochs", "20", "--pace", "2", "--port", "0",
            "--logdir", str(tmp_path / "runs")]
    env = {**os.environ, "TRAINBOARD_CACHE_DIR": str(tmp_path / "cache")}
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as proc:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            url = _Output(proc).wait_for(r"at (http://\S+/) ")[1]
            page = browser.new_page(viewport=VIEWPORT)
            open_board(page, url, "#scalars?smoothing=0")
            # The last step drawn grows (the number of points drawn is capped per pixel).
            last = series(show_card(page, "loss/train_step"), "digits_cnn")["x"][-1]
            wait_for(page, "(tb, last) => (tb.card('loss/train_step')?.series ?? [])"
                     ".some((s) => s.run === 'digits_cnn' && s.x[s.x.length - 1] > last)",
                     last, timeout=60_000)
            page.get_by_test_id("tab-live").click()  # the same page: no reload
            for win in ("step_loss", "accuracy", "confusion"):
                expect(page.locator(f'[data-testid="live-pane"][data-win="{win}"]')) \
                    .to_be_visible(timeout=30_000)
        finally:
            browser.close()
            proc.terminate()
            proc.wait(10)
