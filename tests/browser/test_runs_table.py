"""The Runs tab over logdirs written by trainboard, torch.utils.tensorboard and tensorboardX
(each with add_hparams and scalars): hparam and metric columns with the right values, sort
and a range filter change the rows, column choices persist across reload, the checkboxes
are the page's run selection (the Scalars tab follows), and 3,000 rows are virtualised."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import card, open_tab, show_card, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from tests.data.logdirs import scalar_event, write_events
from trainboard import SummaryWriter

pytestmark = pytest.mark.browser

# run -> (lr, optimizer, losses); the writer of each run is picked by its top folder.
RUNS: dict[str, tuple[float, str, list[float]]] = {
    "ours/a": (0.1, "sgd", [4.0, 2.0, 3.0]),
    "ours/b": (0.01, "adam", [5.0, 1.0, 1.5, math.nan]),
    "torch/c": (0.001, "adam", [2.0, 0.5]),
    "torch/d": (0.05, "sgd", [9.0, 8.0, 7.0]),
    "tbx/e": (0.003, "adam", [6.0, 0.25]),
}


def f32(value: float) -> float:
    return float(np.float32(value))


def write_logdir(root: Path) -> None:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    tbx = pytest.importorskip("tensorboardX")
    for run, (lr, optimizer, losses) in RUNS.items():
        hparams = {"lr": lr, "opt": optimizer}
        metrics = {"hparam/acc": 1 - lr}
        if run.startswith("ours/"):
            with SummaryWriter(root / run) as w:
                for step, value in enumerate(losses):
                    w.add_scalar("loss", value, step)
                w.add_hparams(hparams, metrics, run_name="hp")
            continue
        module = torch_tb if run.startswith("torch/") else tbx
        writer = module.SummaryWriter(str(root / run))
        for step, value in enumerate(losses):
            writer.add_scalar("loss", value, step)
        if module is tbx:
            writer.add_hparams(hparams, metrics, name="hp")
        else:
            writer.add_hparams(hparams, metrics, run_name="hp")
        writer.close()


def text(value: float) -> str:
    """A metric as the table shows it: 6 significant digits, integers without ".0"."""
    if math.isnan(value):
        return "NaN"
    rounded = float(f"{value:.6g}")
    return str(int(rounded)) if rounded.is_integer() else str(rounded)


def expected(run: str) -> dict[str, str]:
    lr, optimizer, losses = RUNS[run]
    values = np.array([f32(v) for v in losses])
    finite = values[np.isfinite(values)]
    return {
        "hp:lr": str(lr),
        "hp:opt": optimizer,
        "m:last:loss": text(values[-1]),
        "m:min:loss": text(finite.min()),
        "m:max:loss": text(finite.max()),
    }


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    logdir = tmp_path_factory.mktemp("runs_table")
    write_logdir(logdir)
    with running_board(logdir) as running:
        yield running


def view(page: Page) -> dict[str, Any]:
    wait_quiet(page)
    found: dict[str, Any] = page.evaluate("() => window.__trainboard.view('runs')")
    return found


def shown_rows(page: Page) -> list[str]:
    rows: list[str] = view(page)["rows"]
    return rows


def add_metric(page: Page, tag: str) -> None:
    page.get_by_test_id("rt-metric-picker").select_option(tag)
    page.get_by_test_id("rt-metric-add").click()
    wait_for(page, "(tb, tag) => tb.view('runs').metrics.includes(tag)", tag)
    wait_quiet(page)


def header(page: Page, column: str) -> Any:
    return page.locator(f'[data-testid="rt-header"][data-column={json.dumps(column)}]')


def test_hparam_and_metric_columns_from_every_writer(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "runs")
    page.evaluate("() => localStorage.clear()")
    open_tab(page, board.url, "runs")
    assert sorted(shown_rows(page)) == sorted(RUNS)  # the add_hparams sub-runs are folded
    add_metric(page, "loss")
    found = view(page)
    assert {"hp:lr", "hp:opt", "m:last:loss", "m:min:loss", "m:max:loss"} <= set(found["columns"])
    assert "env:host" in found["columns"]  # our runs captured their environment
    assert "hparam/acc" in found["scalarTags"]
    cells = dict(zip(found["rows"], found["cells"], strict=True))
    for run in RUNS:
        for column, want in expected(run).items():
            assert cells[run][column] == want, (run, column)
    assert cells["ours/a"]["env:host"] and cells["torch/c"]["env:host"] == ""
    # The cells in the DOM say the same.
    cell = page.locator(
        '[data-testid="rt-row"][data-run="torch/d"] [data-testid="rt-cell"]'
        '[data-column="m:min:loss"]'
    )
    expect(cell).to_have_text("7")
    page.screenshot(path=str(tmp_path / "runs_table.png"), full_page=True)


def test_sort_and_a_range_filter_change_the_rows(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "runs", 'rt_metrics=["loss"]')
    header(page, "hp:lr").click()
    by_lr = sorted(RUNS, key=lambda run: RUNS[run][0])
    same_rows = "(tb, want) => JSON.stringify(tb.view('runs').rows) === JSON.stringify(want)"
    wait_for(page, same_rows, by_lr)
    expect(header(page, "hp:lr")).to_have_attribute("aria-sort", "ascending")
    header(page, "hp:lr").click()
    assert shown_rows(page) == by_lr[::-1]
    # Sorting by the last loss puts the NaN last.
    header(page, "m:last:loss").click()
    assert shown_rows(page)[-1] == "ours/b"

    box = page.locator('[data-testid="rt-filter"][data-column="hp:lr"]')
    box.fill("0.002..0.06")
    box.press("Enter")
    want = {run for run, (lr, _, _) in RUNS.items() if 0.002 <= lr <= 0.06}
    wait_for(page, "(tb, n) => tb.view('runs').rows.length === n", len(want))
    assert set(shown_rows(page)) == want
    expect(page.get_by_test_id("rt-count")).to_have_attribute("data-shown", str(len(want)))
    box.fill(">=0.05")
    box.press("Enter")
    wait_for(page, "(tb) => tb.view('runs').rows.length === 2")
    assert set(shown_rows(page)) == {"ours/a", "torch/d"}
    # A value list on a categorical column, with the range still on.
    page.locator('[data-testid="rt-filter-values"][data-column="hp:opt"]').click()
    page.locator('[data-testid="rt-value"][data-value="sgd"]').check()
    wait_quiet(page)
    assert set(shown_rows(page)) == {"ours/a", "torch/d"}
    page.get_by_test_id("rt-clear-filters").click()
    wait_for(page, "(tb, n) => tb.view('runs').rows.length === n", len(RUNS))


def test_column_choices_persist_across_reload(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "runs")
    page.evaluate("() => localStorage.clear()")
    open_tab(page, board.url, "runs")
    assert "hp:opt" in view(page)["columns"]
    assert "env:command" not in view(page)["columns"]
    page.get_by_test_id("rt-columns").locator("summary").click()
    page.locator('[data-testid="rt-column-toggle"][data-column="hp:opt"]').uncheck()
    page.locator('[data-testid="rt-column-toggle"][data-column="env:command"]').check()
    add_metric(page, "loss")
    wait_for(page, "(tb) => !tb.view('runs').columns.includes('hp:opt')")
    page.reload()
    wait_quiet(page)
    columns = view(page)["columns"]
    assert "hp:opt" not in columns and "env:command" in columns and "m:min:loss" in columns
    # Without the URL's parameters, localStorage keeps the choice.
    open_tab(page, board.url, "runs")
    page.reload()
    wait_quiet(page)
    assert "rt_hide" not in page.url
    columns = view(page)["columns"]
    assert "hp:opt" not in columns and "m:last:loss" in columns
    # The URL wins over what is stored.
    open_tab(page, board.url, "runs", 'rt_hide=["hp:lr"]')
    columns = view(page)["columns"]
    assert "hp:lr" not in columns and "hp:opt" in columns
    page.evaluate("() => localStorage.clear()")


def test_selecting_rows_changes_the_scalars_charts(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "runs")
    page.evaluate("() => localStorage.clear()")
    open_tab(page, board.url, "runs")
    every = page.locator('[data-testid="rt-select"]')
    expect(every).to_have_count(len(RUNS))
    for run in RUNS:
        expect(page.locator(f'[data-testid="rt-select"][data-run="{run}"]')).to_be_checked()
    # Uncheck one row: that run (and its folded hparams sub-run) leaves every tab.
    page.locator('[data-testid="rt-select"][data-run="torch/c"]').uncheck()
    wait_quiet(page)
    page.get_by_test_id("tab-scalars").click()
    wait_quiet(page)
    drawn = {s["run"] for s in show_card(page, "loss")["series"]}
    assert drawn == set(RUNS) - {"torch/c"}
    expect(page.locator('[data-testid="run-toggle"][data-run="torch/c"]')).not_to_be_checked()

    # Filter the table, then "select only these": the Scalars tab draws exactly those.
    page.get_by_test_id("tab-runs").click()
    box = page.locator('[data-testid="rt-filter"][data-column="hp:opt"]')
    box.fill("=adam")
    box.press("Enter")
    wait_for(page, "(tb) => tb.view('runs').rows.length === 3")
    page.get_by_test_id("rt-select-filtered").click()
    wait_quiet(page)
    adam = {run for run, (_, opt, _) in RUNS.items() if opt == "adam"}
    page.get_by_test_id("tab-scalars").click()
    wait_quiet(page)
    wait_for(
        page,
        "(tb, n) => { const c = tb.card('loss'); return c && c.state === 'ready' "
        "&& c.series.length === n; }",
        len(adam),
    )
    assert {s["run"] for s in card(page, "loss")["series"]} == adam
    page.get_by_test_id("tab-runs").click()
    page.get_by_test_id("rt-clear-filters").click()
    wait_quiet(page)
    expect(page.locator('[data-testid="rt-select"][data-run="ours/a"]')).not_to_be_checked()
    expect(page.locator('[data-testid="rt-select"][data-run="ours/b"]')).to_be_checked()


def test_ten_thousand_rows_are_virtualised(page: Page, tmp_path: Path) -> None:
    count = 3000
    for i in range(count):
        write_events(tmp_path / f"run{i:05d}", [scalar_event(0, "loss", float(i))])
    with running_board(tmp_path) as board:
        open_tab(page, board.url, "runs", 'rt_metrics=["loss"]&rt_sort=-m:last:loss')
        table = page.get_by_test_id("rt-table")
        expect(table).to_have_attribute("data-rows", str(count))
        rendered = int(table.get_attribute("data-rendered") or 0)
        assert 0 < rendered < 100
        first = page.locator('[data-testid="rt-row"]').first
        expect(first).to_have_attribute("data-run", f"run{count - 1:05d}")
        table.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        last = page.locator('[data-testid="rt-row"][data-run="run00000"]')
        expect(last).to_be_visible()
        assert int(table.get_attribute("data-rendered") or 0) < 100


def test_run_notes_name_rows_and_take_hidden_runs_out(page: Page, tmp_path: Path) -> None:
    import trainboard

    for name in ("x", "y", "z"):
        with SummaryWriter(tmp_path / name, capture_environment=False) as w:
            w.add_scalar("loss", 1.0, 0)
    with trainboard.open(tmp_path) as lg:
        lg.update_notes("x", display_name="baseline", tags=["best"])
        lg.update_notes("z", hidden=True)
    with running_board(tmp_path) as board:
        open_tab(page, board.url, "runs")
        wait_for(page, "(tb) => tb.view('runs').rows.length === 2")
        found = view(page)
        assert sorted(found["rows"]) == ["x", "y"]
        cells = dict(zip(found["rows"], found["cells"], strict=True))
        assert cells["x"]["name"] == "baseline" and cells["x"]["tags"] == "best"
        name_cell = page.locator('[data-testid="rt-row"][data-run="x"] [data-column="name"]')
        expect(name_cell).to_have_text("baseline")
