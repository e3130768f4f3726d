"""One card's chart: x axis kinds, log y, outliers, zoom, full-resolution smoothing, CSV."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import (
    CardDebug,
    card,
    card_locator,
    drag_zoom,
    open_board,
    show_card,
    wait_for,
    wait_quiet,
)
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.logdirs import (
    BIG_STEPS,
    SPIKES,
    WALL0,
    WALL_PER_STEP,
    decay_value,
    f32,
    wave_value,
    write_chart,
)
from tests.browser.reference import tensorboard_ema

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    with running_board(write_chart(tmp_path_factory.mktemp("chart"))) as started:
        yield started


def only_series(page: Page, tag: str) -> tuple[CardDebug, list[float], list[float]]:
    """The card of ``tag`` (run ``big``, the only one) with its x and raw values."""
    drawn = card(page, tag)
    [line] = drawn["series"]
    assert line["run"] == "big"
    return drawn, line["x"], line["raw"]


def y_range(page: Page, tag: str) -> list[float]:
    scales = card(page, tag)["scales"]
    assert scales is not None
    return list(scales["y"])


def test_x_axis_step_relative_and_wall(page: Page, board: BoardProcess) -> None:
    open_board(page, board.url, "#scalars?tags=decay")
    steps = list(range(200))
    drawn, x, _ = only_series(page, "decay")
    assert x == steps
    assert drawn["scales"] is not None and drawn["scales"]["x"] == [0, 199]

    select = page.get_by_test_id("xaxis-select")
    select.select_option("relative")
    wait_for(page, "(tb) => tb.card('decay').series[0].x[1] === 0.5")
    drawn, x, _ = only_series(page, "decay")
    assert x == [step * WALL_PER_STEP for step in steps]
    assert drawn["scales"] is not None and drawn["scales"]["x"] == [0, 199 * WALL_PER_STEP]

    select.select_option("wall")
    wait_for(page, "(tb, w) => tb.card('decay').series[0].x[0] === w", WALL0)
    wait_quiet(page)
    drawn, x, _ = only_series(page, "decay")
    assert x == [WALL0 + step * WALL_PER_STEP for step in steps]
    assert drawn["scales"] is not None
    assert drawn["scales"]["x"] == [WALL0, WALL0 + 199 * WALL_PER_STEP]
    page.wait_for_function("() => location.hash.includes('xaxis=wall')")


def test_log_y_shows_positive_decades(page: Page, board: BoardProcess) -> None:
    open_board(page, board.url, "#scalars?tags=decay&outliers=0")
    values = [f32(decay_value(step)) for step in range(200)]
    low, high = y_range(page, "decay")
    assert low <= 0 < high  # linear: TensorBoard starts the axis just below 0

    page.get_by_test_id("log-y-toggle").check()
    wait_for(page, "(tb) => tb.card('decay').scales.logY")
    low, high = y_range(page, "decay")
    assert 0 < low <= min(values) and max(values) <= high
    for bound in (low, high):  # rounded out to 1, 2 or 5 times a power of ten
        mantissa = bound / 10 ** math.floor(math.log10(bound))
        assert round(mantissa, 9) in (1, 2, 5), bound
    assert high / low > 1e3
    page.wait_for_function("() => location.hash.includes('log=1')")


def test_ignore_outliers_changes_the_y_range(page: Page, board: BoardProcess) -> None:
    # Unsmoothed: with smoothing the scale follows the smoothed line, as in TensorBoard.
    open_board(page, board.url, "#scalars?tags=spiky&smoothing=0")
    expect(page.get_by_test_id("ignore-outliers-toggle")).to_be_checked()
    low, high = y_range(page, "spiky")
    assert -10 < low < 0.99 and 1.01 < high < 10  # the two spikes are left out of the scale

    page.get_by_test_id("ignore-outliers-toggle").uncheck()
    wait_for(page, "(tb) => tb.card('spiky').scales.y[1] >= 1000")
    low, high = y_range(page, "spiky")
    assert low <= min(SPIKES.values()) and high >= max(SPIKES.values())
    page.wait_for_function("() => location.hash.includes('outliers=0')")


def test_drag_zoom_fetches_finer_data_and_double_click_resets(
    page: Page, board: BoardProcess
) -> None:
    open_board(page, board.url, "#scalars?tags=wave")
    wave = card_locator(page, "wave")
    _, x, _ = only_series(page, "wave")
    coarse = len(x)
    assert coarse < BIG_STEPS  # downsampled to the card's width

    with page.expect_request(lambda r: "/api/scalars?" in r.url and "xmin=" in r.url):
        drag_zoom(page, "wave", 0.4, 0.5)
    expect(wave).to_have_attribute("data-zoomed", "1")
    wait_quiet(page)
    drawn, x_zoomed, raw = only_series(page, "wave")
    assert drawn["zoom"] is not None
    xmin, xmax = drawn["zoom"]
    assert drawn["scales"] is not None and drawn["scales"]["x"] == pytest.approx([xmin, xmax])
    inside_before = [v for v in x if xmin <= v <= xmax]
    inside = [v for v in x_zoomed if xmin <= v <= xmax]
    expected = list(range(math.ceil(xmin), math.floor(xmax) + 1))
    assert len(inside) > len(inside_before)
    assert inside == expected  # every point of the zoomed range
    assert [raw[x_zoomed.index(s)] for s in expected] == [f32(wave_value(s)) for s in expected]

    page.locator('[data-testid="scalar-card"][data-tag="wave"] .u-over').dblclick()
    expect(wave).to_have_attribute("data-zoomed", "0")
    wait_quiet(page)
    drawn, x_reset, _ = only_series(page, "wave")
    assert drawn["zoom"] is None
    assert len(x_reset) == coarse and x_reset[-1] == BIG_STEPS - 1


def test_smoothing_of_a_downsampled_series_is_computed_at_full_resolution(
    page: Page, board: BoardProcess
) -> None:
    open_board(page, board.url, "#scalars?tags=wave&smoothing=0.95")
    [line] = card(page, "wave")["series"]
    assert line["smoothed"] is not None and line["points"] < BIG_STEPS
    full = tensorboard_ema([f32(wave_value(step)) for step in range(BIG_STEPS)], 0.95)
    assert line["smoothed"] == pytest.approx([full[int(step)] for step in line["x"]], rel=1e-9)


def test_csv_download_holds_every_point(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    open_board(page, board.url, "#scalars?tags=wave")
    wave = card_locator(page, "wave")
    assert int(wave.get_attribute("data-points") or 0) < BIG_STEPS

    wave.get_by_test_id("download-menu").locator("summary").click()
    link = wave.locator('[data-testid="download-csv"][data-run="big"]')
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["wall_time", "step", "value"]
    assert [int(r[1]) for r in rows[1:]] == list(range(BIG_STEPS))
    assert [float(r[2]) for r in rows[1:]] == [f32(wave_value(s)) for s in range(BIG_STEPS)]
    assert [float(r[0]) for r in rows[1:]] == [WALL0 + s * WALL_PER_STEP for s in range(BIG_STEPS)]


def test_hover_shows_each_runs_value_and_a_dot_at_that_x(page: Page, board: BoardProcess) -> None:
    open_board(page, board.url, "#scalars?smoothing=0")
    show_card(page, "decay")
    over = card_locator(page, "decay").locator(".u-over")
    box = over.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    tooltip = card_locator(page, "decay").get_by_test_id("chart-tooltip")
    expect(tooltip).to_be_visible()
    cells = tooltip.locator("tbody tr").first.locator("td")
    run, value, step = (
        cells.nth(1).inner_text(),
        cells.nth(2).inner_text(),
        int(cells.nth(3).inner_text()),
    )
    assert run == "big" and 80 <= step <= 120  # the middle of 200 steps
    assert float(value) == pytest.approx(f32(decay_value(step)), rel=1e-3)
    assert card_locator(page, "decay").locator(".u-cursor-pt").count() >= 1
