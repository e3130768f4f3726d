"""The Images dashboard shows what trainboard and torch.utils.tensorboard wrote: the pixels
of every step, boxes, brightness and contrast, actual size, the enlarged view, and a slider
that stays where the user put it while another process logs new steps."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import open_tab, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.media_page import card_debug, media_card, painted_color, set_slider
from tests.server.media_logdirs import image_color, write_ours, write_torch

pytestmark = pytest.mark.browser

LIVE_TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    pytest.importorskip("torch.utils.tensorboard")
    logdir = tmp_path_factory.mktemp("images")
    write_ours(logdir)
    write_torch(logdir)
    with running_board(logdir) as running:
        yield running


def _near(color: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 2) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(color, expected, strict=True))


@pytest.mark.parametrize(("run", "steps"), [("ours", 5), ("torch", 3)])
def test_every_step_shows_its_pixels(page: Page, board: BoardProcess, run: str, steps: int) -> None:
    open_tab(page, board.url, "images")
    cards = page.get_by_test_id("image-card")
    expect(cards).to_have_count(4)  # ours: solid, boxes, batch; torch: solid (no video)
    card = media_card(page, "image", run, "solid")
    image = card.get_by_test_id("image")
    last = steps - 1
    expect(card).to_have_attribute("data-step", str(last))
    expect(card.get_by_test_id("step-value")).to_have_text(f"step {last}")
    expect(card.get_by_test_id("step-time")).not_to_be_empty()
    expect(card.get_by_test_id("image-size")).to_have_text("32 × 24 px")
    assert painted_color(image) == image_color(last)
    for index in range(steps):
        set_slider(page, card, index)
        expect(card).to_have_attribute("data-step", str(index))
        assert painted_color(image) == image_color(index)
    debug = card_debug(page, "images", run, "solid")
    assert (debug["steps"], debug["firstStep"], debug["lastStep"]) == (steps, 0, last)


def test_brightness_and_contrast_change_what_is_shown(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "images")
    image = media_card(page, "image", "ours", "solid").get_by_test_id("image")
    original = image_color(4)
    assert painted_color(image) == original
    page.get_by_test_id("image-brightness").fill("1.5")
    expect(page.get_by_test_id("image-brightness-value")).to_have_text("150%")
    brighter = tuple(min(255, round(c * 1.5)) for c in original)
    page.wait_for_function("() => window.__trainboard.view('images').view.brightness === 1.5")
    assert _near(painted_color(image), brighter), (painted_color(image), brighter)
    page.get_by_test_id("image-brightness").fill("1")
    page.get_by_test_id("image-contrast").fill("0")  # no contrast: everything mid-gray
    page.wait_for_function("() => window.__trainboard.view('images').view.contrast === 0")
    assert _near(painted_color(image), (128, 128, 128))
    expect(page).to_have_url(re.compile(r"[?&]img_contrast=0(&|$)"))  # the URL keeps it
    page.get_by_test_id("image-adjust-reset").click()
    page.wait_for_function("() => window.__trainboard.view('images').view.filter === 'none'")
    assert painted_color(image) == original


def test_boxes_and_labels_are_drawn(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "images")
    image = media_card(page, "image", "ours", "boxes").get_by_test_id("image")
    # The 60 x 40 image: a red box from (4, 4) to (28, 20), its label on a red band at the
    # bottom; white around it.
    assert painted_color(image, 4.5 / 60, 8 / 40) == (255, 0, 0)  # the left edge
    assert painted_color(image, 20 / 60, 4.5 / 40) == (255, 0, 0)  # the top edge
    assert painted_color(image, 22 / 60, 7 / 40) == (255, 255, 255)  # inside
    assert painted_color(image, 45 / 60, 30 / 40) == (255, 255, 255)  # outside


def test_actual_size_and_enlarging(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "images")
    image = media_card(page, "image", "ours", "boxes").get_by_test_id("image")
    fitted = image.bounding_box()
    assert fitted is not None and fitted["width"] > 300  # scaled up to the card's width
    page.get_by_test_id("image-actual-size").check()
    page.wait_for_function("() => window.__trainboard.view('images').view.actualSize")
    actual = image.bounding_box()
    assert actual is not None and (actual["width"], actual["height"]) == (60, 40)
    page.get_by_test_id("image-actual-size").uncheck()

    image.click()
    box = page.get_by_test_id("image-lightbox")
    expect(box).to_be_visible()
    expect(page.get_by_test_id("image-lightbox-caption")).to_contain_text("boxes · ours · step 0")
    big = page.get_by_test_id("image-lightbox-image").bounding_box()
    assert big is not None and big["width"] > (fitted["width"] if fitted else 0)
    assert painted_color(page.get_by_test_id("image-lightbox-image"), 4.5 / 60, 8 / 40) == (
        255,
        0,
        0,
    )
    page.keyboard.press("Escape")
    expect(box).to_be_hidden()


_WRITER = """
import sys
import numpy as np
from trainboard import SummaryWriter
from tests.server.media_logdirs import image_color, solid

with SummaryWriter(sys.argv[1]) as w:
    for step in range(int(sys.argv[2]), int(sys.argv[3])):
        for tag in ("held", "follow"):
            w.add_image(tag, solid(image_color(step)), step, dataformats="HWC")
"""


def _log_steps(run_dir: Path, start: int, stop: int) -> None:
    """Logs steps ``start..stop-1`` of the tags held and follow from another process."""
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_WRITER), str(run_dir), str(start), str(stop)],
        check=True,
        cwd=root,
        timeout=120,
    )


def test_the_slider_stays_put_while_steps_arrive(page: Page, tmp_path: Path) -> None:
    run_dir = tmp_path / "logdir" / "live"
    _log_steps(run_dir, 0, 4)
    with running_board(tmp_path / "logdir", "--reload_interval", "0.5") as live:
        open_tab(page, live.url, "images")
        held = media_card(page, "image", "live", "held")
        follow = media_card(page, "image", "live", "follow")
        set_slider(page, held, 1)
        expect(held).to_have_attribute("data-step", "1")
        expect(follow).to_have_attribute("data-step", "3")

        _log_steps(run_dir, 4, 7)
        expect(follow).to_have_attribute("data-step", "6", timeout=LIVE_TIMEOUT_MS)
        expect(held).to_have_attribute("data-steps", "7", timeout=LIVE_TIMEOUT_MS)
        wait_quiet(page)
        expect(held).to_have_attribute("data-step", "1")
        expect(held.get_by_test_id("step-slider")).to_have_attribute("max", "6")
        assert painted_color(held.get_by_test_id("image")) == image_color(1)
        assert painted_color(follow.get_by_test_id("image")) == image_color(6)
        set_slider(page, held, 5)
        assert painted_color(held.get_by_test_id("image")) == image_color(5)
