"""The Video tab plays what add_video wrote (trainboard's and torch's GIFs) in the page, with
its frame count and length; the Images tab leaves those tags out."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import open_tab
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.media_page import card_debug, media_card, painted_color, set_slider
from tests.server.media_logdirs import VIDEO_COLORS, VIDEO_FPS, write_ours

pytestmark = pytest.mark.browser

TORCH_FRAMES = 4


def write_torch_video(root: Path) -> bool:
    """A video by torch.utils.tensorboard, whose add_video needs moviepy 1.x; False without."""
    try:
        import moviepy.editor  # noqa: F401
        import torch
        from torch.utils.tensorboard import SummaryWriter as TorchWriter
    except ImportError:
        return False
    frames = torch.zeros(1, TORCH_FRAMES, 3, 16, 20)
    for t in range(TORCH_FRAMES):
        frames[0, t, t % 3] = 1.0
    writer = TorchWriter(os.fspath(root / "torch"))
    writer.add_video("clip", frames, 0, fps=VIDEO_FPS)
    writer.close()
    return True


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BoardProcess, bool]]:
    logdir = tmp_path_factory.mktemp("video")
    write_ours(logdir)
    has_torch = write_torch_video(logdir)
    with running_board(logdir) as running:
        yield running, has_torch


def _colors_seen(
    page: Page, run: str, wanted: set[tuple[int, int, int]], count: int, seconds: float = 8.0
) -> set[tuple[int, int, int]]:
    """The colours the video shows, sampled until ``count`` of ``wanted`` were seen (or for
    ``seconds``: a busy machine takes screenshots slowly)."""
    video = media_card(page, "video", run, "clip").get_by_test_id("video")
    seen: set[tuple[int, int, int]] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(seen & wanted) < count:
        seen.add(painted_color(video))
        page.wait_for_timeout(40)
    return seen


def test_videos_play_with_their_frame_count(page: Page, board: tuple[BoardProcess, bool]) -> None:
    running, _ = board
    open_tab(page, running.url, "video")
    card = media_card(page, "video", "ours", "clip")
    expect(card).to_have_attribute("data-step", "1")
    expect(card.get_by_test_id("video-frames")).to_have_text(f"{len(VIDEO_COLORS)} frames")
    expect(card.get_by_test_id("video-frames")).to_have_attribute(
        "data-frames", str(len(VIDEO_COLORS))
    )
    expect(card.get_by_test_id("video-duration")).to_have_text("1.25 s (4 fps)")
    expect(card.get_by_test_id("video-size")).to_have_text("20 × 16 px")
    colors = set(VIDEO_COLORS)
    seen = _colors_seen(page, "ours", colors, 4)
    assert len(seen & colors) >= 4, seen  # it animates, through the logged frames
    assert seen <= colors, seen
    set_slider(page, card, 0)
    expect(card).to_have_attribute("data-step", "0")
    assert card_debug(page, "video", "ours", "clip")["frames"] == len(VIDEO_COLORS)
    card.get_by_test_id("video-replay").click()
    assert len(_colors_seen(page, "ours", colors, 2) & colors) >= 2


def test_torch_videos_play_too(page: Page, board: tuple[BoardProcess, bool]) -> None:
    running, has_torch = board
    if not has_torch:
        pytest.skip("torch's add_video needs torch and moviepy < 2")
    open_tab(page, running.url, "video")
    card = media_card(page, "video", "torch", "clip")
    expect(card.get_by_test_id("video-frames")).to_have_text(f"{TORCH_FRAMES} frames")
    # moviepy 1.x through imageio stores 0 ms delays, which browsers play at 100 ms a frame.
    expect(card.get_by_test_id("video-duration")).to_have_text("400 ms (10 fps)")
    primaries = {(255, 0, 0), (0, 255, 0), (0, 0, 255)}  # frame t is primary t % 3
    seen = _colors_seen(page, "torch", primaries, 3)
    assert len(seen & primaries) == 3, seen


def test_the_images_tab_leaves_videos_out(page: Page, board: tuple[BoardProcess, bool]) -> None:
    running, _ = board
    open_tab(page, running.url, "images")
    tags = {card.get_attribute("data-tag") for card in page.get_by_test_id("image-card").all()}
    assert tags == {"solid", "boxes", "batch"}
