"""Shared fixtures: golden text-protos, and reading back what a writer wrote."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/**/golden/*.pbtxt from the current output instead of comparing",
    )


class Golden:
    """Compare a proto with ``golden/<name>.pbtxt`` next to the test, or rewrite it."""

    def __init__(self, directory: Path, update: bool) -> None:
        self.directory = directory
        self.update = update

    def check(self, name: str, message: Any) -> None:
        from google.protobuf import text_format

        text = text_format.MessageToString(message)  # protobuf 7 prints floats shortest round-trip
        path = self.directory / f"{name}.pbtxt"
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            return
        if not path.exists():
            pytest.fail(f"no golden file {path}; run pytest --update-golden to create it")
        assert text == path.read_text(), f"output differs from {path}"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    directory = Path(request.path).parent / "golden"
    return Golden(directory, bool(request.config.getoption("--update-golden")))


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[Any]:
    """Playwright's sync API, started once for the whole session.

    It cannot be started twice at once in one thread, so every test that drives Chromium
    (tests/browser's ``browser`` fixture, and the CLI, notebook and packaging tests) takes
    it from here rather than calling ``sync_playwright()`` itself.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright
