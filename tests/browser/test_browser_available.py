"""The browser tests can run: Chromium starts (else this fails, or skips, saying why)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_headless_chromium_starts(browser: Any) -> None:
    version = browser.version
    assert int(version.split(".")[0]) >= 100, version
