"""The HParams dashboard over sessions written by trainboard and by torch.utils.tensorboard:
a row per session with the union of their keys as columns, sorting, filtering, parallel
coordinates with brushing, the scatter matrix, the link to a session's scalars, and hparams
sub-runs folded into the runs they describe."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, open_tab, show_card, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from trainboard import SummaryWriter

pytestmark = pytest.mark.browser

# (run, lr, optimizer, dropout or None): trainboard's sessions; one logs an extra key.
OURS = [
    ("lr_0.1", 0.1, "sgd", None), ("lr_0.01", 0.01, "adam", 0.5), ("lr_0.001", 0.001, "adam", None)
]  # fmt: skip
# torch's: two add_hparams calls of one writer, the second with an extra key.
TORCH = [("trial0", 0.5, 16, None), ("trial1", 0.25, 32, 0.9)]
ACC = "metric::hparam/accuracy"
LOSS = "metric::hparam/loss"


def f32(value: float) -> float:
    return float(np.float32(value))


def write_logdir(root: Path) -> None:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    for name, lr, optimizer, dropout in OURS:
        with SummaryWriter(root / "ours" / name) as w:
            for step in range(5):
                w.add_scalar("loss", lr * 10 / (step + 1), step)
            hparams: dict[str, Any] = {"lr": lr, "optimizer": optimizer}
            if dropout is not None:
                hparams["dropout"] = dropout
            metrics = {"hparam/accuracy": 1 - lr, "hparam/loss": lr * 2}
            w.add_hparams(hparams, metrics, run_name="hp")
    writer = torch_tb.SummaryWriter(str(root / "torch"))
    for step in range(5):
        writer.add_scalar("loss", 1.0 / (step + 1), step)
    for i, (name, lr, batch, momentum) in enumerate(TORCH):
        hparams = {"lr": lr, "bsize": batch}
        if momentum is not None:
            hparams["momentum"] = momentum
        writer.add_hparams(hparams, {"hparam/accuracy": 0.5 + 0.2 * i}, run_name=name)
    writer.close()


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    logdir = tmp_path_factory.mktemp("hparams")
    write_logdir(logdir)
    with running_board(logdir) as running:
        yield running


def view(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate("() => window.__trainboard.view('hparams')")
    return found


def rows(page: Page) -> list[str]:
    wait_quiet(page)
    found: list[str] = page.get_by_test_id("hparams-row").evaluate_all(
        "els => els.map((e) => e.dataset.run)"
    )
    return found


def headers(page: Page) -> list[str]:
    found: list[str] = page.get_by_test_id("hparams-header").evaluate_all(
        "els => els.map((e) => e.dataset.column)"
    )
    return found


def cell(page: Page, run: str, column: str) -> str:
    selector = (f'[data-testid="hparams-row"][data-run={json.dumps(run)}] '
                f'[data-testid="hparams-cell"][data-column={json.dumps(column)}]')
    text: str = page.locator(selector).inner_text()
    return text


def test_a_row_per_session_and_the_union_of_keys_from_our_writer(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "hparams", "runs=^ours")
    assert rows(page) == ["ours/lr_0.001/hp", "ours/lr_0.01/hp", "ours/lr_0.1/hp"]
    assert headers(page) == [
        "run", "hparam:lr", "hparam:optimizer", "hparam:dropout", ACC, LOSS
    ]  # fmt: skip
    assert cell(page, "ours/lr_0.01/hp", "hparam:dropout") == "0.5"
    assert cell(page, "ours/lr_0.1/hp", "hparam:dropout") == ""
    assert cell(page, "ours/lr_0.1/hp", "hparam:optimizer") == "sgd"
    assert cell(page, "ours/lr_0.001/hp", ACC) == "0.999"
    expect(page.get_by_test_id("hparams-count")).to_have_text("3 of 3 sessions")
    page.screenshot(path=str(tmp_path / "hparams_table_ours.png"), full_page=True)


def test_a_row_per_session_and_the_union_of_keys_from_torch(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "hparams", "runs=^torch")
    assert rows(page) == ["torch/trial0", "torch/trial1"]
    # The second call's extra key is a column too (TensorBoard shows the first experiment's).
    assert headers(page) == ["run", "hparam:lr", "hparam:bsize", "hparam:momentum", ACC]
    assert cell(page, "torch/trial1", "hparam:momentum") == "0.9"
    assert cell(page, "torch/trial0", "hparam:bsize") == "16"
    assert cell(page, "torch/trial1", ACC) == "0.7"
    page.screenshot(path=str(tmp_path / "hparams_table_torch.png"), full_page=True)


def test_sorting_and_filtering_change_the_rows(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "hparams")
    assert len(rows(page)) == 5
    page.locator(f'[data-testid="hparams-header"][data-column="{ACC}"]').click()
    assert rows(page) == [
        "torch/trial0", "torch/trial1", "ours/lr_0.1/hp", "ours/lr_0.01/hp", "ours/lr_0.001/hp"
    ]  # fmt: skip
    page.locator(f'[data-testid="hparams-header"][data-column="{ACC}"]').click()
    assert rows(page)[0] == "ours/lr_0.001/hp"
    expect(page.locator(f'[data-testid="hparams-header"][data-column="{ACC}"]')).to_have_attribute(
        "aria-sort", "descending"
    )

    lr = page.locator('[data-testid="hparams-filter"][data-column="hparam:lr"]')
    lr.get_by_test_id("hparams-filter-min").fill("0.01")
    lr.get_by_test_id("hparams-filter-max").fill("0.3")
    lr.get_by_test_id("hparams-filter-max").press("Enter")
    assert set(rows(page)) == {"torch/trial1", "ours/lr_0.01/hp", "ours/lr_0.1/hp"}
    expect(page.get_by_test_id("hparams-count")).to_have_text("3 of 5 sessions")

    optimizer = page.locator('[data-testid="hparams-filter"][data-column="hparam:optimizer"]')
    optimizer.get_by_test_id("hparams-filter-regex").fill("^ad")
    assert rows(page) == ["ours/lr_0.01/hp"]
    page.get_by_test_id("hparams-filters-reset").click()
    optimizer.locator('[data-testid="hparams-filter-value"][data-value="sgd"]').uncheck()
    # A value filter keeps sessions holding a kept value; torch's have no optimizer at all.
    assert rows(page) == ["ours/lr_0.001/hp", "ours/lr_0.01/hp"]


def test_parallel_coordinates_draw_a_line_per_session_and_brushing_filters(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "hparams", "hp_view=parallel")
    parallel = view(page)["parallel"]
    assert parallel["lines"] == 5 and parallel["dimmed"] == 0
    assert parallel["axes"] == [
        "hparam:lr", "hparam:optimizer", "hparam:dropout", "hparam:bsize", "hparam:momentum",
        ACC, LOSS,
    ]  # fmt: skip
    expect(page.locator('[data-testid="hparams-line"]:not(.tb-hp-dimmed)')).to_have_count(5)
    page.screenshot(path=str(tmp_path / "hparams_parallel.png"), full_page=True)

    # Brush the accuracy axis from its top (0.999) to its middle (0.75): our three sessions.
    axis = page.locator(f'[data-testid="hparams-axis"][data-column="{ACC}"] .tb-hp-axis-hit')
    box = axis.bounding_box()
    assert box is not None
    x, top, bottom = box["x"] + box["width"] / 2, box["y"] + 6, box["y"] + box["height"] - 6
    page.mouse.move(x, top)
    page.mouse.down()
    page.mouse.move(x, (top + bottom) / 2 - 3, steps=4)
    page.mouse.up()
    wait_for(page, "(tb) => tb.view('hparams').parallel.lines === 3")
    assert view(page)["parallel"]["dimmed"] == 2
    expect(page.get_by_test_id("hparams-brush")).to_have_count(1)
    assert sorted(view(page)["rows"]) == ["ours/lr_0.001/hp", "ours/lr_0.01/hp", "ours/lr_0.1/hp"]
    page.get_by_test_id("hparams-view-table").click()
    assert sorted(rows(page)) == ["ours/lr_0.001/hp", "ours/lr_0.01/hp", "ours/lr_0.1/hp"]


def test_scatter_matrix_plots_hparams_against_metrics(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "hparams", "hp_view=scatter")
    scatter = view(page)["scatter"]
    assert scatter["rows"] == [ACC, LOSS]
    assert scatter["columns"] == [
        "hparam:lr", "hparam:optimizer", "hparam:dropout", "hparam:bsize", "hparam:momentum"
    ]  # fmt: skip
    # (sessions with both values) per cell: accuracy row 5+3+1+2+1, loss row 3+3+1+0+0.
    assert scatter["points"] == 12 + 7
    expect(page.get_by_test_id("hparams-point")).to_have_count(19)
    page.screenshot(path=str(tmp_path / "hparams_scatter.png"), full_page=True)


def test_a_session_link_opens_its_runs_scalars(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "hparams")
    page.locator('[data-testid="hparams-session-link"][data-run="ours/lr_0.01/hp"]').click()
    page.locator('[data-dashboard-view="scalars"]').wait_for()
    wait_quiet(page)
    state = page.evaluate("() => window.__trainboard.state()")
    assert state["tab"] == "scalars"
    assert state["runFilter"] == "^(?:ours/lr_0\\.01|ours/lr_0\\.01/hp)$"
    assert [s["run"] for s in card(page, "loss")["series"]] == ["ours/lr_0.01"]
    accuracy = show_card(page, "hparam/accuracy")
    assert [s["run"] for s in accuracy["series"]] == ["ours/lr_0.01/hp"]
    assert accuracy["series"][0]["raw"] == [f32(0.99)]


def test_hparams_sub_runs_are_folded_into_the_runs_they_describe(
    page: Page, board: BoardProcess
) -> None:
    open_tab(page, board.url, "hparams")
    top_level = page.get_by_test_id("run-row").evaluate_all("els => els.map((e) => e.dataset.run)")
    assert top_level == ["ours/lr_0.001", "ours/lr_0.01", "ours/lr_0.1", "torch"]
    badge = page.locator('[data-testid="run-hparams"][data-run="torch"]')
    expect(badge).to_have_attribute("data-count", "2")
    # A session is drawn in its run's colour, and switched with its run's checkbox.
    swatch = page.locator('[data-testid="run-row"][data-run="torch"] [data-testid="run-swatch"]')
    row_swatch = page.locator('[data-testid="hparams-row"][data-run="torch/trial1"] .tb-swatch')
    colour = "e => getComputedStyle(e).backgroundColor"
    assert swatch.evaluate(colour) == row_swatch.evaluate(colour)
    page.locator('[data-testid="run-toggle"][data-run="torch"]').click()
    assert rows(page) == ["ours/lr_0.001/hp", "ours/lr_0.01/hp", "ours/lr_0.1/hp"]
