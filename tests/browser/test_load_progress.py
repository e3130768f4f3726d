"""A logdir whose first load takes a while: the page shows a progress line (files and bytes
indexed so far) and loading dashboards, then the cards once the load is done.

The board runs in this process over a provider whose reads wait for the test, so the load
is as slow as the test wants (a logdir big enough to be slow on every machine would make
the test slow everywhere).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, wait_quiet
from trainboard import SummaryWriter
from trainboard.data import logdir as logdir_module
from trainboard.data.logdir import LogdirProvider

pytestmark = pytest.mark.browser
uvicorn = pytest.importorskip("uvicorn")


class HeldLoad:
    """Reads of event files wait until :meth:`release` (the first one says it arrived)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.arrived = threading.Event()
        self.gate = threading.Event()
        original = logdir_module._read_isolated

        def held(state: Any, file_id: int, scratch: Any) -> None:
            self.arrived.set()
            self.gate.wait(60)
            original(state, file_id, scratch)

        monkeypatch.setattr(logdir_module, "_read_isolated", held)

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def slow_board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, HeldLoad]]:
    from trainboard.server.app import create_app

    for run in ("a", "b", "c"):
        with SummaryWriter(tmp_path / "logs" / run) as w:
            for step in range(20):
                w.add_scalar("loss", 1.0 / (step + 1), step)
    held = HeldLoad(monkeypatch)
    provider = LogdirProvider(tmp_path / "logs", use_cache=False)
    app = create_app(provider, logdir=str(tmp_path / "logs"), reload_interval=0.5)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    # loop="asyncio": uvloop would install its event loop policy for the whole process,
    # and Playwright's sync API (later tests) then refuses to run.
    config = uvicorn.Config(app, log_level="warning", lifespan="on", loop="asyncio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert held.arrived.wait(30), "the first load never started"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/", held
    finally:
        held.release()
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_first_load_shows_progress_then_the_cards(
    page: Page, slow_board: tuple[str, HeldLoad]
) -> None:
    url, held = slow_board
    page.goto(url + "#scalars?smoothing=0")
    line = page.get_by_test_id("load-progress")
    expect(line).to_be_visible()
    expect(line).to_contain_text("Loading the logdir: 0 of ")
    expect(line).to_contain_text("(3 runs)")
    assert line.get_attribute("data-loaded") == "0"
    assert int(line.get_attribute("data-bytes-total") or 0) > 0
    assert page.evaluate("window.__trainboard.runs()") == []  # no runs, so no cards, yet
    assert page.evaluate("window.__trainboard.pending") > 0  # the page waits for the runs

    held.release()
    expect(line).to_be_hidden(timeout=20_000)
    assert line.get_attribute("data-loaded") == "1"
    assert line.get_attribute("data-files-read") == line.get_attribute("data-files-total")
    wait_quiet(page)
    assert sorted(r["name"] for r in page.evaluate("window.__trainboard.runs()")) == ["a", "b", "c"]
    loss = card(page, "loss")
    assert loss["state"] == "ready"
