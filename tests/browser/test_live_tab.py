"""The Live tab in headless Chromium: a training loop's Visdom windows, pushed with no reload.

One board for the module; each test uses its own env (the ``live_env`` URL parameter).
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import open_tab, wait_for
from tests.browser.board_process import BoardProcess, running_board
from trainboard import Visdom

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    with running_board(tmp_path_factory.mktemp("live")) as process:
        yield process


def _viz(board: BoardProcess, env: str) -> Visdom:
    port = urllib.parse.urlsplit(board.url).port
    assert port is not None
    return Visdom(server="http://127.0.0.1", port=port, env=env, raise_exceptions=True)


def _open(page: Page, board: BoardProcess, env: str) -> None:
    open_tab(page, board.url, "live", f"live_env={env}", need_runs=False, timeout=60_000)


def _pane(page: Page, win: str) -> Any:
    return wait_for(page, "(tb, win) => (tb.view('live')?.panes ?? []).find(p => p.win === win)",
                    win)


def test_the_seed_loop_draws_points_and_images_live(page: Page, board: BoardProcess) -> None:
    viz = _viz(board, "seed")
    viz.line([1.0], [0], win="loss", update="append", opts={"title": "train loss"})
    viz.flush()
    _open(page, board, "seed")
    for step in range(1, 40):  # the page is open: everything below arrives by push
        viz.line([1.0 / (step + 1)], [step], win="loss", update="append")
        if step % 10 == 0:
            viz.image(np.random.rand(3, 24, 32), win="sample", opts={"caption": f"step {step}"})
    viz.flush()
    wait_for(page, "(tb) => tb.view('live').panes.find(p => p.win === 'loss')?.points === 40")
    loss = page.locator('[data-testid="live-pane"][data-win="loss"]')
    expect(loss.get_by_test_id("live-pane-title")).to_have_text("train loss")
    expect(loss.locator(".scatterlayer .trace path.js-line")).to_have_count(1)
    image = page.locator('[data-testid="live-pane"][data-win="sample"] img')
    expect(image).to_have_attribute("src", _starts_with("data:image/png;base64,"))
    expect(page.locator('[data-testid="live-pane"][data-win="sample"] figcaption')).to_have_text(
        "step 30")
    natural = page.evaluate("(img) => [img.naturalWidth, img.naturalHeight]",
                            image.element_handle())
    assert natural == [32, 24]
    viz.close_connection(timeout=5)


def _starts_with(prefix: str) -> Any:
    return re.compile("^" + re.escape(prefix))


def _contains(text: str) -> Any:
    return re.compile(re.escape(text))


def test_text_html_is_shown_but_cannot_run_scripts(page: Page, board: BoardProcess) -> None:
    viz = _viz(board, "html")
    payload = ('<b id="bold">safe</b><img src="x" onerror="parent.__pwned = 1">'
               '<script>parent.__pwned = 2; top.__pwned = 3</script>')
    viz.text(payload, win="log")
    viz.flush()
    _open(page, board, "html")
    frame = page.locator('[data-testid="live-pane"][data-win="log"] iframe')
    expect(frame).to_have_attribute("sandbox", "")
    expect(page.frame_locator('[data-win="log"] iframe').locator("#bold")).to_have_text("safe")
    time.sleep(0.3)  # give a payload that could run the time to
    assert page.evaluate("() => window.__pwned") is None
    viz.close_connection(timeout=5)


def test_panes_move_resize_and_close(page: Page, board: BoardProcess) -> None:
    viz = _viz(board, "panes")
    viz.bar([3, 1, 2], win="bars")
    viz.line(np.arange(10.0), win="line")
    viz.flush()
    _open(page, board, "panes")
    before = _pane(page, "bars")["rect"]
    header = page.locator('[data-win="bars"] [data-testid="live-pane-header"]')
    box = header.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 40, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 90, steps=5)
    page.mouse.up()
    moved = _pane(page, "bars")["rect"]
    assert (moved["left"] - before["left"], moved["top"] - before["top"]) == (100, 80)
    pane = page.locator('[data-testid="live-pane"][data-win="bars"]')
    corner = pane.bounding_box()
    assert corner is not None
    page.mouse.move(corner["x"] + corner["width"] - 3, corner["y"] + corner["height"] - 3)
    page.mouse.down()
    page.mouse.move(corner["x"] + corner["width"] + 120, corner["y"] + corner["height"] + 60,
                    steps=5)
    page.mouse.up()
    wait_for(page, "(tb, w) => tb.view('live').panes.find(p => p.win === 'bars').rect.width > w",
             corner["width"] + 60)
    page.locator('[data-win="line"] [data-testid="live-pane-close"]').click()
    expect(page.locator('[data-testid="live-pane"][data-win="line"]')).to_have_count(0)
    assert viz.win_exists("line") is False  # closed on the server too
    viz.close_connection(timeout=5)


def test_the_env_selector_switches_envs(page: Page, board: BoardProcess) -> None:
    first, second = _viz(board, "env_a"), _viz(board, "env_b")
    first.text("in a", win="only_a")
    second.text("in b", win="only_b")
    first.flush()
    second.flush()
    _open(page, board, "env_a")
    expect(page.locator('[data-testid="live-pane"]')).to_have_count(1)
    page.get_by_test_id("live-env").select_option("env_b")
    expect(page.locator('[data-testid="live-pane"][data-win="only_b"]')).to_have_count(1)
    expect(page.locator('[data-testid="live-pane"][data-win="only_a"]')).to_have_count(0)
    expect(page).to_have_url(_contains("live_env=env_b"))
    first.close_connection(timeout=5)
    second.close_connection(timeout=5)
