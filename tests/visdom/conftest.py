"""A real ``trainboard`` process per test module, and clients pointed at it."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.board_process import BoardProcess, running_board


def port_of(board: BoardProcess) -> int:
    port = urllib.parse.urlsplit(board.url).port
    assert port is not None
    return port


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    """``trainboard serve`` over an empty logdir, shared by the module's tests."""
    with running_board(tmp_path_factory.mktemp("logdir")) as process:
        yield process


@pytest.fixture
def logdir_of(board: BoardProcess) -> Path:
    return Path(board.logdir)
