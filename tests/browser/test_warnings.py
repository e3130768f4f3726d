"""Corrupt event files are reported in the warnings area; everything else still loads."""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, open_board, series
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.logdirs import f32, wave_value, write_corrupt

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corrupt(tmp_path_factory.mktemp("corrupt"))


@pytest.fixture(scope="module")
def board(logdir: Path) -> Iterator[BoardProcess]:
    with running_board(logdir, "--reload_interval", "0.5") as started:
        yield started


def warned_runs(page: Page) -> list[str]:
    items = page.get_by_test_id("warning-item")
    return sorted(items.evaluate_all("els => els.map((e) => e.dataset.run)"))


def test_corrupt_files_are_warned_about_and_other_runs_load(
    page: Page, board: BoardProcess
) -> None:
    open_board(page, board.url, "#scalars?smoothing=0")
    warnings = page.get_by_test_id("warnings")
    expect(warnings).to_be_visible()
    expect(warnings).to_contain_text("2 problems reading the logdir")
    assert warned_runs(page) == ["crc", "garbage"]
    warnings.locator("summary").click()
    expect(page.locator('[data-testid="warning-item"][data-run="crc"]')).to_contain_text("CRC")
    expect(page.get_by_test_id("load-error")).to_be_hidden()

    loss = card(page, "loss")
    assert loss["state"] == "ready"
    written = [f32(wave_value(step)) for step in range(20)]
    assert series(loss, "good")["raw"] == written
    assert series(loss, "garbage")["raw"] == written  # the garbage came after the last record
    crc = series(loss, "crc")["raw"]
    assert len(crc) == 19 and all(value in written for value in crc)  # one record skipped


def test_damage_while_the_page_is_open_shows_up_live(
    page: Page, start_board: Callable[..., BoardProcess], tmp_path: Path
) -> None:
    logdir = write_corrupt(tmp_path)  # its own: this test damages it further
    open_board(page, start_board(logdir, "--reload_interval", "0.5").url)
    expect(page.get_by_test_id("warning-item")).to_have_count(2)
    [good] = glob.glob(str(logdir / "good" / "*tfevents*"))
    with open(good, "ab") as f:
        f.write(b"\xff" * 40)
    expect(page.get_by_test_id("warning-item")).to_have_count(3, timeout=8_000)
    assert warned_runs(page) == ["crc", "garbage", "good"]
    assert card(page, "loss")["state"] == "ready"


def test_page_title_defaults_to_trainboard(page: Page, board: BoardProcess) -> None:
    open_board(page, board.url)
    expect(page).to_have_title("trainboard")
