"""The board behind a reverse proxy: ``trainboard --path_prefix /proxy/tb`` in a real page.

The page, its assets, its API requests and the push WebSocket must all go under the prefix
(the front end builds every URL relative to the page), and live updates must arrive.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, card_locator, open_board, wait_for
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.logdirs import wall_time, wave_value
from trainboard import SummaryWriter

pytestmark = pytest.mark.browser

PREFIX = "/proxy/tb"
LIVE_TIMEOUT_MS = 8_000


@pytest.fixture(scope="module")
def prefixed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[BoardProcess, SummaryWriter]]:
    logdir = tmp_path_factory.mktemp("prefixed")
    writer = SummaryWriter(str(logdir / "train"))
    for step in range(50):
        writer.add_scalar("loss", wave_value(step), step, walltime=wall_time(step))
    writer.flush()
    try:
        with running_board(logdir, "--path_prefix", PREFIX + "/", "--reload_interval",
                           "0.5") as board:
            yield board, writer
    finally:
        writer.close()


def test_the_board_loads_and_updates_live_under_the_prefix(
    page: Page, prefixed: tuple[BoardProcess, SummaryWriter]
) -> None:
    board, writer = prefixed
    assert urlsplit(board.url).path == PREFIX + "/"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)

    open_board(page, board.url, "#scalars?smoothing=0")
    expect(card_locator(page, "loss")).to_have_attribute("data-points", "50")
    assert card(page, "loss")["series"][0]["x"][-1] == 49
    wait_for(page, "(tb) => tb.live === 'open'")
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-status", "open")

    for step in range(50, 55):
        writer.add_scalar("loss", wave_value(step), step, walltime=wall_time(step))
    writer.flush()
    expect(card_locator(page, "loss")).to_have_attribute(
        "data-points", "55", timeout=LIVE_TIMEOUT_MS
    )

    # Every request (page, assets, API) and the push socket went under the prefix.
    origin = board.url[: -len(PREFIX) - 1]
    outside = [url for url in requested if not url.startswith(board.url)]
    assert outside == [], f"requests outside {PREFIX}/ (origin {origin})"
    assert any("/api/" in url for url in requested)
    assert [urlsplit(url).path for url in sockets] == [f"{PREFIX}/api/live"]
    assert failed == []
