"""The chart workbench, driven as a user would: pinned cards (kept across tabs and reloads),
card sizes and the card-width setting, the step picked on a scalar chart with its sortable
table (and the image and histogram cards following that step), PNG/SVG export with the
legend, and the "all" view of scalars, images and histograms together.

Screenshots of each new state are saved under the test's tmp_path.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.board_page import open_tab, show_card, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.media_page import media_card, painted_color

pytestmark = pytest.mark.browser

RUNS = ("alpha", "beta")
STEPS = 10
IMAGE_STEPS = (0, 3, 6, 9)
WALL0 = 1_700_000_000.0


def loss(run: str, step: int) -> float:
    return (2.0 if run == "alpha" else 3.0) / (1 + step)


def image_color(step: int) -> tuple[int, int, int]:
    return (20 * step + 30, 200 - 15 * step, 100)


def write_logdir(root: Path) -> Path:
    from trainboard import SummaryWriter

    for run in RUNS:
        with SummaryWriter(os.fspath(root / run)) as w:
            for step in range(STEPS):
                wall = WALL0 + 2 * step
                w.add_scalar("train/loss", loss(run, step), step, walltime=wall)
                w.add_scalar("train/lr", 0.1, step, walltime=wall)
                weights = np.linspace(-1, 1, 50) * (step + 1)
                w.add_histogram("train/weights", weights, step, walltime=wall)
                if step == STEPS - 1:
                    labels = np.array([0, 1, 1, 0, 1, 0, 1, 1])
                    scores = np.array([0.1, 0.9, 0.7, 0.4, 0.6, 0.2, 0.8, 0.3])
                    w.add_pr_curve("eval/pr", labels, scores, step, walltime=wall)
                if step in IMAGE_STEPS:
                    image = np.empty((12, 16, 3), dtype=np.uint8)
                    image[:] = image_color(step)
                    w.add_image("train/sample", image, step, walltime=wall, dataformats="HWC")
    return root


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    with running_board(write_logdir(tmp_path_factory.mktemp("workbench"))) as running:
        yield running


def grid_card(page: Page, tag: str) -> Locator:
    """The Scalars tab's own card of ``tag`` (not a pinned copy)."""
    return page.get_by_test_id("scalars-dashboard").locator(
        f'[data-testid="scalar-card"][data-tag={json.dumps(tag)}]')


def shot(page: Page, tmp_path: Path, name: str, locator: Locator | None = None) -> Path:
    path = tmp_path / f"{name}.png"
    (locator or page).screenshot(path=str(path))
    return path


def pinned(page: Page) -> dict[str, list[str]]:
    result: dict[str, list[str]] = page.evaluate("() => window.__trainboard.pinned()")
    return result


def test_pin_cards_across_tabs_and_reloads(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    open_tab(page, board.url, "scalars")
    section = page.get_by_test_id("pinned-section")
    expect(section).to_be_hidden()
    scalar = grid_card(page, "train/loss")
    scalar.get_by_test_id("card-pin").click()
    expect(scalar.get_by_test_id("card-pin")).to_have_attribute("aria-pressed", "true")
    expect(section).to_be_visible()
    pinned_scalar = section.get_by_test_id("scalar-card")
    expect(pinned_scalar).to_have_attribute("data-tag", "train/loss")
    expect(pinned_scalar).to_have_attribute("data-state", "ready")
    expect(pinned_scalar).to_have_attribute("data-runs", "2")

    # An image card and a histogram card, pinned from their own tabs.
    open_tab(page, board.url, "images")
    expect(section.get_by_test_id("scalar-card")).to_have_count(1)  # still there on another tab
    page.get_by_test_id("images-dashboard").locator(
        '[data-testid="image-card"][data-run="alpha"]').get_by_test_id("card-pin").click()
    open_tab(page, board.url, "histograms")
    page.get_by_test_id("histograms-dashboard").locator(
        '[data-testid="histogram-card"][data-run="beta"]').get_by_test_id("card-pin").click()
    expect(section).to_have_attribute("data-count", "3")
    wait_quiet(page)
    assert pinned(page)["pins"] == [
        "scalars:train/loss",
        "images:alpha\u0000train/sample",
        "histograms:beta\u0000train/weights",
    ]
    shot(page, tmp_path, "pinned-three-kinds", section)

    # A reload (on yet another tab) restores the pins and draws their cards.
    open_tab(page, board.url, "text")
    page.reload()
    wait_quiet(page)
    expect(section).to_have_attribute("data-count", "3")
    expect(section.get_by_test_id("scalar-card")).to_have_attribute("data-state", "ready")
    image = section.locator('[data-testid="image-card"][data-run="alpha"]')
    expect(image).to_have_attribute("data-state", "ready")
    expect(image).to_have_attribute("data-step", "9")
    hist = section.locator('[data-testid="histogram-card"][data-run="beta"]')
    expect(hist).to_have_attribute("data-state", "ready")
    wait_for(page, "(tb) => tb.pinned().shown.length === 3")
    shot(page, tmp_path, "pinned-after-reload")

    # Unpinned from the section itself.
    section.locator('[data-testid="image-card"]').get_by_test_id("card-pin").click()
    expect(section).to_have_attribute("data-count", "2")
    expect(section.get_by_test_id("image-card")).to_have_count(0)
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('trainboard.pins'))")
    assert [p["dashboard"] for p in stored] == ["scalars", "histograms"]


def test_card_sizes_and_card_width(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    open_tab(page, board.url, "scalars")
    scalar = grid_card(page, "train/loss")
    other = grid_card(page, "train/lr")
    normal = scalar.bounding_box()
    assert normal is not None
    scalar.get_by_test_id("card-expand").click()
    expect(scalar).to_have_attribute("data-size", "wide")
    wide = scalar.bounding_box()
    group = page.get_by_test_id("scalars-dashboard").locator('[data-group="train"]')
    grid = group.locator(".tb-card-grid").bounding_box()
    assert wide is not None and grid is not None
    assert wide["width"] > normal["width"] * 1.5
    assert abs(wide["width"] - grid["width"]) < 2
    # The chart follows: it is redrawn at the card's width.
    canvas = scalar.locator("canvas")
    page.wait_for_function("([c, w]) => c.getBoundingClientRect().width > w",
                           arg=[canvas.element_handle(), normal["width"]])
    shot(page, tmp_path, "card-wide")

    scalar.get_by_test_id("card-fullscreen").click()
    expect(scalar).to_have_attribute("data-size", "full")
    full = scalar.bounding_box()
    assert full is not None and full["width"] > 1200 and full["height"] > 800
    shot(page, tmp_path, "card-fullscreen")
    page.keyboard.press("Escape")
    expect(scalar).to_have_attribute("data-size", "normal")

    # The card width setting (what the settings pane sets) lays the grid out anew.
    before = other.bounding_box()
    assert page.evaluate("() => window.__trainboard !== undefined")
    page.evaluate("() => document.documentElement.style.setProperty('--tb-card-width', '700px')")
    page.evaluate("() => window.dispatchEvent(new Event('resize'))")
    after = other.bounding_box()
    assert before is not None and after is not None
    assert after["width"] > before["width"] + 100
    shot(page, tmp_path, "card-width-700")


def test_step_picked_on_a_chart_shows_a_table_and_drives_images_and_histograms(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "scalars", "smoothing=0.5")
    show_card(page, "train/loss")
    scalar = grid_card(page, "train/loss")
    plot = scalar.locator(".u-over")
    box = plot.bounding_box()
    assert box is not None
    # Step 6 of 0..9 along the x axis, clicked.
    plot.click(position={"x": box["width"] * 6 / 9, "y": box["height"] / 2})
    table = scalar.get_by_test_id("step-table")
    expect(table).to_be_visible()
    expect(table).to_have_attribute("data-mode", "point")
    rows = table.get_by_test_id("step-row")
    expect(rows).to_have_count(2)
    alpha = table.locator('[data-testid="step-row"][data-run="alpha"]')
    expect(alpha.locator('[data-column="step"]')).to_have_text("6")
    value = str(round(loss("alpha", 6), 4)).rstrip("0")
    expect(alpha.locator('[data-column="value"]')).to_have_text(value)
    expect(alpha.locator('[data-column="relative"]')).to_have_text("12s")
    expect(alpha.locator('[data-column="smoothed"]')).not_to_have_text("–")
    expect(alpha.locator('[data-column="wallTime"]')).not_to_be_empty()
    assert page.evaluate("() => window.__trainboard.state().params.linked_step") == "6"

    # Sortable: by value, then the other way.
    header = table.locator('[data-testid="step-table-header"][data-column="value"]')
    header.click()
    expect(rows.first).to_have_attribute("data-run", "alpha")  # 2/7 < 3/7
    header.click()
    expect(table).to_have_attribute("data-dir", "desc")
    expect(rows.first).to_have_attribute("data-run", "beta")
    shot(page, tmp_path, "step-table", scalar)

    # Shift-click extends the pick to a range: first and last point, change, min, max, mean.
    plot.click(position={"x": box["width"] * 2 / 9, "y": box["height"] / 2}, modifiers=["Shift"])
    expect(table).to_have_attribute("data-mode", "range")
    beta = table.locator('[data-testid="step-row"][data-run="beta"]')
    expect(beta.locator('[data-column="startStep"]')).to_have_text("2")
    expect(beta.locator('[data-column="endStep"]')).to_have_text("6")
    expect(beta.locator('[data-column="max"]')).to_have_text("1")
    shot(page, tmp_path, "step-range-table", scalar)

    # The linked step drives the image cards (step 6: the image of step 6) ...
    page.get_by_test_id("tab-images").click()
    wait_quiet(page)
    image_card = media_card(page, "image", "beta", "train/sample")
    expect(image_card).to_have_attribute("data-step", "6")
    assert painted_color(image_card.get_by_test_id("image")) == image_color(6)
    shot(page, tmp_path, "images-at-linked-step")
    # ... and the histogram cards outline that step's slice.
    page.get_by_test_id("tab-histograms").click()
    wait_quiet(page)
    hist = page.locator('[data-testid="histogram-card"][data-run="alpha"]')
    expect(hist).to_have_attribute("data-linked-step", "6")
    shot(page, tmp_path, "histogram-at-linked-step", hist)
    # A link with the step keeps it.
    open_tab(page, board.url, "images", "linked_step=3")
    expect(media_card(page, "image", "alpha", "train/sample")).to_have_attribute("data-step", "3")


def _download(page: Page, card: Locator, kind: str, tmp_path: Path, name: str) -> bytes:
    card.get_by_test_id("card-export").locator("summary").click()
    with page.expect_download() as info:
        card.get_by_test_id(f"export-{kind}").click()
    path = tmp_path / name
    info.value.save_as(path)
    return path.read_bytes()


def test_export_png_and_svg_with_legend(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    from PIL import Image

    open_tab(page, board.url, "scalars")
    show_card(page, "train/loss")
    scalar = grid_card(page, "train/loss")
    png = _download(page, scalar, "png", tmp_path, "export-scalars.png")
    assert png.startswith(b"\x89PNG")
    with Image.open(tmp_path / "export-scalars.png") as picture:
        width, height = picture.size
    assert width > 400 and height > 300
    svg = _download(page, scalar, "svg", tmp_path, "export-scalars.svg").decode()
    assert svg.startswith("<svg") and "train/loss" in svg
    assert svg.count('class="legend-entry"') == 2 and ">alpha<" in svg and ">beta<" in svg
    assert svg.count('class="line"') == 4  # vector lines: raw and smoothed per run

    open_tab(page, board.url, "histograms")
    hist = page.locator('[data-testid="histogram-card"][data-run="alpha"]')
    hist_svg = _download(page, hist, "svg", tmp_path, "export-histogram.svg").decode()
    assert "<image" in hist_svg and ">alpha<" in hist_svg
    assert _download(page, hist, "png", tmp_path, "export-histogram.png").startswith(b"\x89PNG")
    open_tab(page, board.url, "pr_curves")
    pr = page.get_by_test_id("pr-card")
    pr_svg = _download(page, pr, "svg", tmp_path, "export-pr.svg").decode()
    assert "eval/pr" in pr_svg and ">alpha<" in pr_svg and ">beta<" in pr_svg
    assert _download(page, pr, "png", tmp_path, "export-pr.png").startswith(b"\x89PNG")
    # The exported pictures, shown on a page of their own for the screenshot.
    images = "".join(
        f"<img src='data:image/png;base64,{base64.b64encode((tmp_path / n).read_bytes()).decode()}'"
        " style='width:600px;margin:4px'>"
        for n in ("export-scalars.png", "export-histogram.png", "export-pr.png"))
    page.set_content(f"<body style='background:#ccc'>{images}</body>")
    shot(page, tmp_path, "exported-pictures")


def test_all_view_shows_every_kind_of_a_tag_group(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "all")
    view_root = page.get_by_test_id("all-dashboard")
    group = view_root.locator('[data-testid="tag-group"][data-group="train"]')
    expect(group).to_be_visible()
    slots = group.get_by_test_id("all-slot")
    # train/loss, train/lr (one card each), train/sample and train/weights per run.
    expect(slots).to_have_count(6)
    kinds = [slot.get_attribute("data-kind") for slot in slots.all()]
    assert kinds == ["scalars", "scalars", "images", "images", "histograms", "histograms"]
    all_shown = ("(tb) => { const v = tb.view('all');"
                 " return v && v.slots.every((s) => s.shown) && v; }")
    view = wait_for(page, all_shown)
    assert [(s["kind"], s["tag"], s["run"]) for s in view["slots"]][2:4] == [
        ("images", "train/sample", "alpha"),
        ("images", "train/sample", "beta"),
    ]
    for slot in slots.all():
        slot.scroll_into_view_if_needed()
    wait_quiet(page)
    expect(group.get_by_test_id("scalar-card")).to_have_count(2)
    expect(group.get_by_test_id("image-card")).to_have_count(2)
    expect(group.get_by_test_id("histogram-card")).to_have_count(2)
    for test_id in ("scalar-card", "image-card", "histogram-card"):
        for card in group.get_by_test_id(test_id).all():
            expect(card).to_have_attribute("data-state", "ready")
    page.get_by_test_id("all-dashboard").scroll_into_view_if_needed()
    shot(page, tmp_path, "all-view", page.get_by_test_id("content"))

    # The tag filter narrows every kind at once; the dedicated tabs are still there.
    page.get_by_test_id("all-controls").get_by_test_id("tag-filter").fill("weights")
    expect(slots).to_have_count(2)
    expect(group.get_by_test_id("histogram-card")).to_have_count(2)
    expect(page.get_by_test_id("tab-scalars")).to_be_visible()
    page.get_by_test_id("tab-scalars").click()
    shown = page.locator('[data-testid="content"] > [data-dashboard-view="scalars"]')
    expect(shown).to_be_visible()
    assert page.evaluate("() => window.__trainboard.dashboards()").count("all") == 1
