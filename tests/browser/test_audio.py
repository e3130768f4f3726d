"""The Audio tab plays what trainboard and torch.utils.tensorboard wrote, with each clip's
sample rate and length; the player's own duration agrees, and it can seek."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import open_tab
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.media_page import card_debug, media_card, set_slider
from tests.server.media_logdirs import AUDIO_RATE, AUDIO_SECONDS, write_ours, write_torch

pytestmark = pytest.mark.browser

_METADATA = """(audio) => new Promise((resolve) => {
  if (audio.readyState >= 1) resolve(audio.duration);
  else audio.addEventListener("loadedmetadata", () => resolve(audio.duration), { once: true });
})"""

_SEEK = """(audio, to) => new Promise((resolve) => {
  audio.addEventListener("seeked", () => resolve(audio.currentTime), { once: true });
  audio.currentTime = to;
})"""


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    pytest.importorskip("torch.utils.tensorboard")
    logdir = tmp_path_factory.mktemp("audio")
    write_ours(logdir)
    write_torch(logdir)
    with running_board(logdir) as running:
        yield running


@pytest.mark.parametrize("run", ["ours", "torch"])
def test_players_show_rate_and_length(page: Page, board: BoardProcess, run: str) -> None:
    open_tab(page, board.url, "audio")
    expect(page.get_by_test_id("audio-card")).to_have_count(2)
    card = media_card(page, "audio", run, "tone")
    expect(card).to_have_attribute("data-step", "2")
    expect(card.get_by_test_id("audio-duration")).to_have_text("750 ms")
    expect(card.get_by_test_id("audio-duration")).to_have_attribute(
        "data-duration", str(AUDIO_SECONDS)
    )
    expect(card.get_by_test_id("audio-rate")).to_have_text(f"{AUDIO_RATE} Hz")
    expect(card.get_by_test_id("audio-format")).to_have_text(
        f"mono · 16-bit · {round(AUDIO_SECONDS * AUDIO_RATE)} samples"
    )
    audio = card.get_by_test_id("audio")
    assert abs(audio.evaluate(_METADATA) - AUDIO_SECONDS) < 0.005
    assert abs(audio.evaluate(_SEEK, 0.5) - 0.5) < 0.01  # byte ranges: the player seeks

    set_slider(page, card, 0)
    expect(card).to_have_attribute("data-step", "0")
    assert abs(audio.evaluate(_METADATA) - AUDIO_SECONDS) < 0.005
    debug = card_debug(page, "audio", run, "tone")
    assert (debug["step"], debug["sampleRate"], debug["steps"]) == (0, AUDIO_RATE, 3)
    assert abs(debug["elementDuration"] - AUDIO_SECONDS) < 0.005
