"""The browser tests' Chromium and page fixtures, to check the board an installed wheel serves."""

from tests.browser.conftest import browser, page

__all__ = ["browser", "page"]
