"""The app over a module's ``logdir`` fixture, for the route tests of one dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app


@pytest.fixture(scope="module")
def client(logdir: Path) -> Iterator[TestClient]:
    """A client of the board over the test module's ``logdir`` (no index cache, loaded once)."""
    app = create_app(LogdirProvider(logdir, use_cache=False), logdir=str(logdir), reload_interval=0)
    with TestClient(app) as c:
        yield c
