"""The Scalars page lists the runs and draws one card per tag, grouped and filterable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, card_locator, open_board, series, show_card, wait_quiet
from tests.browser.board_process import BoardProcess
from tests.browser.conftest import BASIC_TITLE
from tests.browser.logdirs import BASIC_STEPS, f32, loss_value

pytestmark = pytest.mark.browser

ALL_RUNS = ["exp1", "exp1/metrics_a", "exp1/metrics_b", "exp2", "torch", "torch/metrics_a",
            "torch/metrics_b"]
ALL_CARDS = [("acc", None), ("loss/train", None), ("loss/val", None), ("metrics", "exp1"),
             ("metrics", "torch")]


def drawn_cards(page: Page) -> list[tuple[str, str | None]]:
    """(tag, parent) of the cards on the page, in page order."""
    found: list[list[str | None]] = page.get_by_test_id("scalar-card").evaluate_all(
        "els => els.map((e) => [e.dataset.tag, e.dataset.parent ?? null])"
    )
    return [(str(tag), parent) for tag, parent in found]


def test_each_run_has_a_row_and_each_tag_one_card(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)

    rows = page.get_by_test_id("run-row")
    assert rows.evaluate_all("els => els.map((e) => e.dataset.run)") == ALL_RUNS
    expect(page.get_by_test_id("run-toggle")).to_have_count(len(ALL_RUNS))
    for toggle in page.get_by_test_id("run-toggle").all():
        expect(toggle).to_be_checked()
    assert drawn_cards(page) == ALL_CARDS
    loss = show_card(page, "loss/train")
    assert [s["run"] for s in loss["series"]] == ["exp1", "exp2", "torch"]
    expect(card_locator(page, "loss/train")).to_have_attribute("data-points", str(3 * BASIC_STEPS))
    expect(card_locator(page, "loss/train")).to_have_attribute("data-runs", "3")


def test_cards_draw_the_values_written_by_trainboard_and_torch(
    page: Page, basic_board: BoardProcess
) -> None:
    open_board(page, basic_board.url, "#scalars?smoothing=0")
    loss = show_card(page, "loss/train")
    steps = list(range(BASIC_STEPS))
    for run in ("exp1", "exp2", "torch"):
        drawn = series(loss, run)
        assert drawn["x"] == steps
        assert drawn["raw"] == [f32(loss_value(run, step)) for step in steps]
        assert drawn["smoothed"] is None
    val = show_card(page, "loss/val")
    assert series(val, "exp1")["x"] == list(range(0, BASIC_STEPS, 5))


def test_add_scalars_draws_its_sub_runs_on_one_card_per_parent(
    page: Page, basic_board: BoardProcess
) -> None:
    open_board(page, basic_board.url, "#scalars?smoothing=0")
    for parent in ("exp1", "torch"):  # torch's add_scalars lays out sub-runs the same way
        group = show_card(page, "metrics", parent)
        assert [s["run"] for s in group["series"]] == [f"{parent}/metrics_a", f"{parent}/metrics_b"]
        a, b = group["series"]
        assert a["raw"] == [f32(step * 0.1) for step in range(BASIC_STEPS)]
        assert b["raw"] == [f32(-step * 0.1) for step in range(BASIC_STEPS)]
        expect(card_locator(page, "metrics", parent)).to_contain_text(parent)
    assert ("metrics", None) not in drawn_cards(page)


def test_cards_are_grouped_by_tag_prefix_and_groups_collapse(
    page: Page, basic_board: BoardProcess
) -> None:
    open_board(page, basic_board.url)
    groups = page.get_by_test_id("tag-group")
    names = groups.evaluate_all("els => els.map((e) => e.dataset.group)")
    assert names == ["acc", "loss", "metrics"]
    loss_group = page.locator('[data-testid="tag-group"][data-group="loss"]')
    assert loss_group.get_by_test_id("scalar-card").evaluate_all(
        "els => els.map((e) => e.dataset.tag)"
    ) == ["loss/train", "loss/val"]

    loss_group.get_by_test_id("group-toggle").click()
    expect(loss_group).to_have_attribute("data-collapsed", "1")
    expect(card_locator(page, "loss/train")).to_be_hidden()
    loss_group.get_by_test_id("group-toggle").click()
    expect(loss_group).to_have_attribute("data-collapsed", "0")
    expect(card_locator(page, "loss/train")).to_be_visible()


def test_tag_filter_hides_cards_that_do_not_match(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)
    tag_filter = page.get_by_test_id("tag-filter")

    tag_filter.fill("VAL$")  # case-insensitive, as TensorBoard
    expect(card_locator(page, "loss/train")).to_have_count(0)
    assert drawn_cards(page) == [("loss/val", None)]
    tag_filter.fill("^(acc|metrics)")
    expect(card_locator(page, "loss/val")).to_have_count(0)
    assert drawn_cards(page) == [("acc", None), ("metrics", "exp1"), ("metrics", "torch")]
    page.wait_for_function("() => location.hash.includes('tags=')")

    tag_filter.fill("(")  # not a regex: nothing matches, and the page says why
    expect(page.get_by_test_id("scalar-card")).to_have_count(0)
    expect(page.get_by_test_id("tag-filter-error")).not_to_be_empty()
    expect(page.get_by_test_id("scalars-empty")).to_contain_text("No tags match")

    tag_filter.fill("")
    expect(page.get_by_test_id("scalar-card")).to_have_count(len(ALL_CARDS))
    expect(page.get_by_test_id("scalars-empty")).to_be_hidden()
    wait_quiet(page)
    assert card(page, "acc")["state"] == "ready"


def test_tabs_for_kinds_the_logdir_lacks_are_dimmed(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)
    present = {"scalars", "images", "video", "live"}  # video: add_video writes images
    for tab in ("scalars", "images", "histograms", "distributions", "text", "audio", "video",
                "pr_curves", "hparams", "graphs", "live"):
        expect(page.get_by_test_id(f"tab-{tab}")).to_have_attribute(
            "data-dimmed", "0" if tab in present else "1"
        )
    expect(page.get_by_test_id("tab-scalars")).to_have_attribute("aria-selected", "true")

    page.get_by_test_id("tab-histograms").click()
    expect(page.get_by_test_id("tab-histograms")).to_have_attribute("aria-selected", "true")
    empty = page.get_by_test_id("empty-state")
    expect(empty).to_have_attribute("data-dashboard", "histograms")
    expect(empty).to_contain_text("No histograms data in this logdir")
    expect(page.get_by_test_id("scalar-card")).to_have_count(0)


def test_page_title_is_the_window_title_option(page: Page, basic_board: BoardProcess) -> None:
    open_board(page, basic_board.url)
    expect(page).to_have_title(BASIC_TITLE)
