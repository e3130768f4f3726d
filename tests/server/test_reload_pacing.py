"""The reload loop keeps its share of the CPU bounded when reloads are slow."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from trainboard.data.provider import ReloadReport
from trainboard.server import logdir_push
from trainboard.server.logdir_push import LogdirPushHub, pause_after


def test_the_pause_is_the_interval_while_reloads_are_quick() -> None:
    assert pause_after(0.01, 1.0) == 1.0
    assert pause_after(0.0, 5.0) == 5.0


def test_a_slow_reload_waits_long_enough_to_keep_its_share() -> None:
    duration = 0.3  # 10,000 runs' check of every file
    pause = pause_after(duration, 0.1)
    assert duration / (duration + pause) == pytest.approx(logdir_push.RELOAD_SHARE)


class _SlowProvider:
    """A provider whose reload takes ``seconds`` (only what the hub calls)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.reloads = 0

    def reload(self) -> ReloadReport:
        self.reloads += 1
        time.sleep(self.seconds)
        return ReloadReport()


def test_the_loop_paces_slow_reloads() -> None:
    provider = _SlowProvider(0.2)

    async def run() -> None:
        hub = LogdirPushHub(provider, reload_interval=0.01)  # type: ignore[arg-type]
        hub.start()
        await asyncio.sleep(1.5)
        await hub.stop()

    # A thread of its own: the browser tests' Playwright keeps an event loop in this one.
    thread = threading.Thread(target=lambda: asyncio.run(run()))
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    # Unpaced: 0.21 s a cycle, 7 reloads in 1.5 s; paced: 0.2 + 0.6 s, 2 reloads.
    assert 1 <= provider.reloads <= 3
