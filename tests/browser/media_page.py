"""Reading media cards on the board page: a card by run and tag, its debug data, the colour
the browser actually paints (a screenshot crop), and moving its sliders."""

from __future__ import annotations

import io
import json
from typing import Any, cast

from PIL import Image
from playwright.sync_api import Locator, Page

from tests.browser.board_page import wait_for, wait_quiet

__all__ = ["card_debug", "media_card", "painted_color", "set_slider"]


def media_card(page: Page, kind: str, run: str, tag: str) -> Locator:
    """The ``<kind>-card`` (image, video, audio) of ``run`` and ``tag``."""
    return page.locator(
        f'[data-testid="{kind}-card"][data-run={json.dumps(run)}][data-tag={json.dumps(tag)}]'
    )


def card_debug(page: Page, dashboard: str, run: str, tag: str) -> dict[str, Any]:
    """The card's entry in ``window.__trainboard.view(dashboard).cards``."""
    found = page.evaluate(
        "([d, r, t]) => (window.__trainboard.view(d)?.cards ?? [])"
        ".find((c) => c.run === r && c.tag === t) ?? null",
        [dashboard, run, tag],
    )
    if found is None:
        raise AssertionError(f"the {dashboard} dashboard has no card for {run!r} {tag!r}")
    return cast(dict[str, Any], found)


def painted_color(locator: Locator, fx: float = 0.5, fy: float = 0.5) -> tuple[int, int, int]:
    """The RGB colour on screen at fraction ``(fx, fy)`` of the element's box."""
    with Image.open(io.BytesIO(locator.screenshot(animations="allow"))) as shot:
        rgb = shot.convert("RGB")
        x = min(rgb.width - 1, int(rgb.width * fx))
        y = min(rgb.height - 1, int(rgb.height * fy))
        pixel = rgb.getpixel((x, y))
    assert isinstance(pixel, tuple)
    return cast(tuple[int, int, int], pixel[:3])


def set_slider(page: Page, card: Locator, index: int, test_id: str = "step-slider") -> None:
    """Moves the card's slider to position ``index`` and waits until the page is quiet."""
    card.get_by_test_id(test_id).fill(str(index))
    wait_for(page, "(tb) => tb.pending === 0")
    wait_quiet(page)
