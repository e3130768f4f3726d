"""Reading and driving the board page through its test hooks (frontend/README.md).

What a test asserts comes from the page itself: ``data-testid`` elements and the read-only
``window.__trainboard`` object, never from the server directly.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict, cast

from playwright.sync_api import Locator, Page

__all__ = [
    "CardDebug",
    "SeriesDebug",
    "card",
    "card_locator",
    "cards",
    "drag_zoom",
    "open_board",
    "open_tab",
    "series",
    "show_card",
    "wait_for",
    "wait_quiet",
]

TIMEOUT_MS = 15_000

# Quiet: the runs have loaded, no request is in flight or scheduled, and every card on
# screen (any dashboard's: they all carry class tb-card and data-state) has its data. "On
# screen" is measured here rather than taken from the page, whose visibility observer
# reports new cards a frame late.
_QUIET = """(needRuns) => {
  const tb = window.__trainboard;
  if (!tb || tb.pending !== 0 || (needRuns && tb.runs().length === 0)) return false;
  if (document.querySelector('[data-testid="dashboard-loading"]')) return false;
  for (const el of document.querySelectorAll('.tb-card[data-state]')) {
    if (el.dataset.fetching) return false;
    const r = el.getBoundingClientRect();
    const onScreen = r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
    if (onScreen && !["ready", "empty", "error"].includes(el.dataset.state)) return false;
  }
  return true;
}"""


class SeriesDebug(TypedDict):
    run: str
    color: str
    points: int
    x: list[float]
    raw: list[float]
    smoothed: list[float] | None


class CardDebug(TypedDict):
    key: str
    tag: str
    parent: str | None
    state: str
    visible: bool
    zoom: list[float] | None
    scales: dict[str, Any] | None
    series: list[SeriesDebug]


def wait_quiet(page: Page, timeout: float = TIMEOUT_MS, *, need_runs: bool = True) -> None:
    """Waits until the page has loaded what it shows and nothing is pending.

    ``need_runs``: also wait for at least one run (False for an empty logdir).
    """
    page.wait_for_function(_QUIET, arg=need_runs, timeout=timeout)


def wait_for(page: Page, expression: str, arg: Any = None, timeout: float = TIMEOUT_MS) -> Any:
    """Waits until the JS function ``expression`` (given ``tb`` and ``arg``) is truthy."""
    script = f"([arg]) => {{ const tb = window.__trainboard; if (!tb) return false; " \
             f"return ({expression})(tb, arg); }}"
    return page.wait_for_function(script, arg=[arg], timeout=timeout).json_value()


def open_board(page: Page, url: str, fragment: str = "") -> None:
    """Navigates to the board (``fragment``: a view state such as ``#scalars?smoothing=0``)."""
    page.goto(url + fragment)
    wait_quiet(page)


def open_tab(page: Page, url: str, tab: str, query: str = "", *, need_runs: bool = True,
             timeout: float = TIMEOUT_MS) -> None:
    """Opens the board at dashboard ``tab`` and waits until that tab is shown and quiet.

    ``query``: the view state after the tab, e.g. ``"img_step=3&runs=^a"``. "Shown" is the
    tab's dashboard (``data-dashboard-view``) or its placeholder (``empty-state``). Example::

        with running_board(logdir) as board:
            open_tab(page, board.url, "images")
            expect(page.get_by_test_id("image-card")).to_have_count(2)
    """
    page.goto(f"{url}#{tab}" + (f"?{query}" if query else ""))
    shown = (f'[data-dashboard-view={json.dumps(tab)}], '
             f'[data-testid="empty-state"][data-dashboard={json.dumps(tab)}]')
    page.locator(f'[data-testid="content"] > :is({shown})').wait_for(timeout=timeout)
    wait_quiet(page, timeout, need_runs=need_runs)


def cards(page: Page) -> list[CardDebug]:
    return cast(list[CardDebug], page.evaluate("() => window.__trainboard.cards()"))


def card(page: Page, tag: str, parent: str | None = None) -> CardDebug:
    """The card of ``tag`` (and ``parent``, for an add_scalars group) as the page reports it."""
    found = page.evaluate("([t, p]) => window.__trainboard.card(t, p)", [tag, parent])
    if found is None:
        keys = [c["key"] for c in cards(page)]
        raise AssertionError(f"no card for tag {tag!r}, parent {parent!r}; cards: {keys!r}")
    return cast(CardDebug, found)


def series(card_: CardDebug, run: str) -> SeriesDebug:
    for s in card_["series"]:
        if s["run"] == run:
            return s
    runs = [s["run"] for s in card_["series"]]
    raise AssertionError(f"card {card_['key']!r} draws no run {run!r}; it draws {runs!r}")


def card_locator(page: Page, tag: str, parent: str | None = None) -> Locator:
    selector = f'[data-testid="scalar-card"][data-tag={json.dumps(tag)}]'
    selector += f"[data-parent={json.dumps(parent)}]" if parent else ":not([data-parent])"
    return page.locator(selector)


def show_card(page: Page, tag: str, parent: str | None = None) -> CardDebug:
    """Scrolls the card into view, waits for its data and returns it."""
    card_locator(page, tag, parent).scroll_into_view_if_needed()
    wait_for(page, "(tb, [t, p]) => { const c = tb.card(t, p); return c && c.visible; }",
             [tag, parent])
    wait_quiet(page)
    return card(page, tag, parent)


def drag_zoom(page: Page, tag: str, start: float, end: float, parent: str | None = None) -> None:
    """Drags across the card's plot from fraction ``start`` to ``end`` of its width."""
    plot = card_locator(page, tag, parent).locator(".u-over")
    box = plot.bounding_box()
    if box is None:
        raise AssertionError(f"card {tag!r} has no plot area on screen")
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * (start + end) / 2, y, steps=4)
    page.mouse.move(box["x"] + box["width"] * end, y, steps=4)
    page.mouse.up()
