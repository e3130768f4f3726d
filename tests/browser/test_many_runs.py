"""Many runs: a chart draws the first 100 selected runs and says so; nothing fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, card_locator, open_board, wait_quiet
from tests.browser.board_process import BoardProcess
from tests.data.logdirs import scalar_event, write_events

pytestmark = pytest.mark.browser

RUNS = 160


def test_a_chart_of_many_runs_draws_the_first_hundred_and_says_so(
    page: Page, tmp_path: Path, start_board: Callable[..., BoardProcess]
) -> None:
    logdir = tmp_path / "logs"
    for r in range(RUNS):  # long names: all of them in one request would pass 16 KiB
        name = f"sweep-{r // 40}/lr=0.001-batch=64-seed={r:03d}-" + "x" * 80
        write_events(logdir / name, [scalar_event(s, "loss", r + s) for s in range(5)])
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.url} {r.status}") if r.status >= 400 else None)
    board = start_board(logdir)
    open_board(page, board.url)
    note = page.locator('[data-testid="chart-runs-capped"]')
    expect(note).to_be_visible()
    expect(note).to_have_text(
        f"Showing the first 100 of {RUNS} selected runs in each chart; select fewer in the runs "
        "panel (filter, or switch runs off) to choose which."
    )
    expect(card_locator(page, "loss")).to_have_attribute("data-runs", "100")
    drawn = [s["run"] for s in card(page, "loss")["series"]]
    assert drawn == sorted(drawn) and drawn[0].startswith("sweep-0/") and len(drawn) == 100
    page.locator('[data-testid="run-filter"]').fill("sweep-3")
    expect(note).to_be_hidden()
    expect(card_locator(page, "loss")).to_have_attribute("data-runs", "40")
    wait_quiet(page)
    assert failed == []
