"""Points a running SummaryWriter appends show up on an open page, without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, card_locator, drag_zoom, open_board, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.logdirs import f32, wall_time, wave_value
from trainboard import SummaryWriter

pytestmark = pytest.mark.browser

LIVE_TIMEOUT_MS = 8_000  # the server tails every 0.5 s here; pushes reach the page within ~1 s


@dataclass
class Training:
    """A writer that keeps its event file open, as a training script does."""

    writer: SummaryWriter
    next_step: int = 0

    def log(self, count: int) -> int:
        """Logs ``count`` more steps of ``loss`` and ``acc``, flushed; returns the last step."""
        for step in range(self.next_step, self.next_step + count):
            self.writer.add_scalar("loss", wave_value(step), step, walltime=wall_time(step))
            self.writer.add_scalar("acc", step * 0.01, step, walltime=wall_time(step))
        self.next_step += count
        self.writer.flush()
        return self.next_step - 1


@pytest.fixture(scope="module")
def training(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BoardProcess, Training]]:
    logdir = tmp_path_factory.mktemp("live")
    run = Training(SummaryWriter(str(logdir / "train")))
    run.log(100)
    try:
        with running_board(logdir, "--reload_interval", "0.5") as board:
            yield board, run
    finally:
        run.writer.close()


def open_live(page: Page, board: BoardProcess) -> None:
    open_board(page, board.url, "#scalars?smoothing=0")
    wait_for(page, "(tb) => tb.live === 'open'")
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-status", "open")
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads


def last_x(page: Page, tag: str) -> float:
    [line] = card(page, tag)["series"]
    return line["x"][-1]


def test_appended_points_appear_without_reload(
    page: Page, training: tuple[BoardProcess, Training]
) -> None:
    board, run = training
    open_live(page, board)
    points = int(card_locator(page, "loss").get_attribute("data-points") or 0)
    assert last_x(page, "loss") == run.next_step - 1

    last = run.log(5)
    expect(card_locator(page, "loss")).to_have_attribute(
        "data-points", str(points + 5), timeout=LIVE_TIMEOUT_MS
    )
    wait_quiet(page)
    [line] = card(page, "loss")["series"]
    assert line["x"][-5:] == list(range(last - 4, last + 1))
    assert line["raw"][-1] == f32(wave_value(last))
    assert page.evaluate("() => window.__sameDocument") is True


def test_a_zoomed_card_keeps_its_zoom_through_live_updates(
    page: Page, training: tuple[BoardProcess, Training]
) -> None:
    board, run = training
    open_live(page, board)
    drag_zoom(page, "loss", 0.2, 0.6)
    expect(card_locator(page, "loss")).to_have_attribute("data-zoomed", "1")
    wait_quiet(page)
    zoom = card(page, "loss")["zoom"]
    assert zoom is not None

    with page.expect_request(
        lambda r: "/api/scalars?" in r.url and "tag=loss" in r.url and "xmin=" in r.url,
        timeout=LIVE_TIMEOUT_MS,
    ):
        last = run.log(3)  # the zoomed card refetches its range
    wait_for(page, "(tb, last) => tb.card('acc').series[0].x.at(-1) === last", last,
             timeout=LIVE_TIMEOUT_MS)
    wait_quiet(page)
    zoomed = card(page, "loss")
    assert zoomed["zoom"] == zoom
    assert zoomed["scales"] is not None and zoomed["scales"]["x"] == pytest.approx(zoom)
    expect(card_locator(page, "loss")).to_have_attribute("data-zoomed", "1")
    assert page.evaluate("() => window.__sameDocument") is True
