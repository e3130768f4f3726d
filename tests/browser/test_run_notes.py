"""Run notes in the runs panel, over logdirs written by trainboard, torch.utils.tensorboard and
tensorboardX: rename (the panel, a chart's tooltip and step table follow), colour (the line
follows), tags (the filter's ``tag:``), hide and archive (rows move), delete to the trash
and Undo (the run's files leave and come back), all kept in the logdir's sidecar
``.trainboard-notes.json`` while every event file stays byte for byte as written; and a
panel of 10,000 runs that keeps only a window of rows in the DOM."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.board_page import (
    card,
    card_locator,
    open_board,
    series,
    show_card,
    wait_for,
    wait_quiet,
)
from tests.browser.board_process import BoardProcess
from tests.data.logdirs import scalar_event, write_events
from trainboard import SummaryWriter

pytestmark = pytest.mark.browser

WRITERS = ["trainboard", "torch", "tensorboardX"]
STEPS = 20
NOTES_FILE = ".trainboard-notes.json"


def write_logdir(root: Path, writer: str) -> list[str]:
    """Two runs of ``loss`` written by ``writer``; their names."""
    runs = ["alpha", "beta"]
    for i, name in enumerate(runs):
        values = [(i + 1) / (step + 1) for step in range(STEPS)]
        if writer == "trainboard":
            with SummaryWriter(root / name) as w:
                for step, value in enumerate(values):
                    w.add_scalar("loss", value, step)
            continue
        module: Any
        if writer == "torch":
            module = pytest.importorskip("torch.utils.tensorboard")
        else:
            module = pytest.importorskip("tensorboardX")
        w = module.SummaryWriter(str(root / name))
        for step, value in enumerate(values):
            w.add_scalar("loss", value, step)
        w.close()
    return runs


def event_files(root: Path) -> dict[str, bytes]:
    """Every event file under ``root`` (the trash included), by path from the run's folder."""
    found: dict[str, bytes] = {}
    for path in root.rglob("*tfevents*"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".trash/"):
            rel = rel.split("/", 1)[1]
        found[rel] = path.read_bytes()
    return found


def sidecar(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / NOTES_FILE).read_text(encoding="utf-8"))
    runs: dict[str, Any] = data["runs"]
    return runs


def row(page: Page, run: str) -> Locator:
    return page.locator(f'[data-testid="run-row"][data-run="{run}"]')


def listed(page: Page) -> list[str]:
    names: list[str] = page.get_by_test_id("run-row").evaluate_all(
        "els => els.map((e) => e.dataset.run)"
    )
    return names


def open_menu(page: Page, run: str) -> Locator:
    row(page, run).hover()
    page.locator(f'[data-testid="run-menu-button"][data-run="{run}"]').click()
    menu = page.get_by_test_id("run-menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("data-run", run)
    return menu


def saved(page: Page, run: str, field: str, value: Any) -> None:
    """Waits until the page holds ``run``'s note with ``field`` == ``value`` (the PUT answered)."""
    wait_for(
        page,
        "(tb, [r, f, v]) => { const n = tb.runNotes()[r]; "
        "return n && JSON.stringify(n[f]) === JSON.stringify(v); }",
        [run, field, value],
    )
    wait_quiet(page)


def tooltip_runs(page: Page, tag: str) -> list[str]:
    """The run column of the chart's tooltip, the cursor over the middle of the plot."""
    over = card_locator(page, tag).locator(".u-over")
    box = over.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    tooltip = card_locator(page, tag).get_by_test_id("chart-tooltip")
    expect(tooltip).to_be_visible()
    texts: list[str] = tooltip.locator("tbody tr td.tb-run-cell").all_inner_texts()
    return texts


@pytest.fixture(params=WRITERS)
def logdir(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "logs"
    root.mkdir()
    write_logdir(root, request.param)
    return root, request.param


@pytest.fixture
def board(logdir: tuple[Path, str], start_board: Callable[..., BoardProcess]) -> BoardProcess:
    return start_board(logdir[0])


def test_rename_colour_and_tags_live_in_the_sidecar_not_the_event_files(
    page: Page, board: BoardProcess, logdir: tuple[Path, str]
) -> None:
    root, _writer = logdir
    before = event_files(root)
    assert {path.split("/")[0] for path in before} == {"alpha", "beta"}
    open_board(page, board.url, "#scalars?smoothing=0")
    show_card(page, "loss")

    # Rename: the panel, the tooltip and the step table say the new name.
    menu = open_menu(page, "alpha")
    menu.get_by_test_id("run-menu-name").fill("Baseline α")
    menu.get_by_test_id("run-menu-rename").click()
    saved(page, "alpha", "displayName", "Baseline α")
    expect(row(page, "alpha").get_by_test_id("run-name")).to_have_text("Baseline α")
    assert sorted(tooltip_runs(page, "loss")) == ["Baseline α", "beta"]
    # The card's data still names the run (the label is only what is shown).
    assert sorted(s["run"] for s in card(page, "loss")["series"]) == ["alpha", "beta"]

    # Colour: the note's colour is the line's.
    color = menu.get_by_test_id("run-menu-color")
    color.evaluate("(el) => { el.value = '#ff0088'; el.dispatchEvent(new Event('change')); }")
    saved(page, "alpha", "color", "#ff0088")
    wait_for(
        page,
        "(tb) => { const c = tb.card('loss'); return c && c.series.some("
        "(s) => s.run === 'alpha' && s.color === '#ff0088'); }",
    )
    assert series(card(page, "loss"), "alpha")["color"] == "#ff0088"
    swatch = row(page, "alpha").get_by_test_id("run-swatch")
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 0, 136)"

    # Tags: chips in the menu and the row; tag: in the filter keeps the tagged runs.
    tag_input = menu.get_by_test_id("run-menu-tag-input")
    tag_input.fill("baseline")
    tag_input.press("Enter")
    saved(page, "alpha", "tags", ["baseline"])
    expect(menu.locator('[data-testid="run-menu-tag"][data-tag="baseline"]')).to_be_visible()
    expect(
        row(page, "alpha").locator('[data-testid="run-tag"][data-tag="baseline"]')
    ).to_be_visible()
    menu.get_by_test_id("run-menu-note").fill("the reference run")
    menu.get_by_test_id("run-menu-note-save").click()
    saved(page, "alpha", "note", "the reference run")
    menu.press("Escape")
    expect(menu).to_be_hidden()
    # The title ends with the run's lag (last_write_time from /api/runs).
    expect(row(page, "alpha")).to_have_attribute(
        "title",
        re.compile(
            r"^Baseline α \(alpha\)\ntags: baseline\nthe reference run\nupdated \d+ (s|min) ago$"
        ),
    )
    page.get_by_test_id("run-filter").fill("tag:baseline")
    expect(row(page, "beta")).to_have_count(0)
    expect(row(page, "alpha")).to_be_visible()
    expect(page.get_by_test_id("runs-count")).to_have_text("1 of 2 runs")
    wait_quiet(page)
    wait_for(page, "(tb) => { const c = tb.card('loss'); return c && c.series.length === 1; }")
    assert [s["run"] for s in card(page, "loss")["series"]] == ["alpha"]

    # Everything is in the sidecar; no event file changed.
    note = sidecar(root)["alpha"]
    assert (note["display_name"], note["color"], note["tags"], note["note"]) == (
        "Baseline α",
        "#ff0088",
        ["baseline"],
        "the reference run",
    )
    assert event_files(root) == before

    # A reload shows the notes again (they come from the logdir, not the page).
    page.reload()
    wait_quiet(page)
    expect(row(page, "alpha").get_by_test_id("run-name")).to_have_text("Baseline α")


def test_hide_archive_and_trash_with_undo(
    page: Page, board: BoardProcess, logdir: tuple[Path, str]
) -> None:
    root, _writer = logdir
    before = event_files(root)
    open_board(page, board.url, "#scalars?smoothing=0")
    show_card(page, "loss")
    assert listed(page) == ["alpha", "beta"]

    # Hide: the row and the line leave; "show hidden" brings both back.
    open_menu(page, "beta").get_by_test_id("run-menu-hide").click()
    saved(page, "beta", "hidden", True)
    page.get_by_test_id("run-menu").press("Escape")
    expect(row(page, "beta")).to_have_count(0)
    wait_for(page, "(tb) => { const c = tb.card('loss'); return c && c.series.length === 1; }")
    page.get_by_test_id("runs-show-hidden").check()
    expect(row(page, "beta")).to_have_attribute("data-hidden-note", "1")
    wait_for(page, "(tb) => { const c = tb.card('loss'); return c && c.series.length === 2; }")
    page.get_by_test_id("runs-show-hidden").uncheck()
    expect(row(page, "beta")).to_have_count(0)

    # Archive: the run moves to the collapsed Archived section.
    open_menu(page, "alpha").get_by_test_id("run-menu-archive").click()
    saved(page, "alpha", "archived", True)
    page.get_by_test_id("run-menu").press("Escape")
    expect(row(page, "alpha")).to_have_count(0)
    section = page.get_by_test_id("runs-archived")
    expect(section).to_have_attribute("aria-expanded", "false")
    expect(section).to_have_attribute("data-count", "1")
    section.click()
    expect(row(page, "alpha")).to_have_attribute("data-archived", "1")
    expect(page.get_by_test_id("runs-archived")).to_have_attribute("aria-expanded", "true")
    assert listed(page) == ["alpha"]
    # Back out of the archive and the trash test below has a listed run.
    open_menu(page, "alpha").get_by_test_id("run-menu-archive").click()
    saved(page, "alpha", "archived", False)
    page.get_by_test_id("run-menu").press("Escape")
    assert listed(page) == ["alpha"]
    expect(page.get_by_test_id("runs-archived")).to_have_count(0)
    assert sidecar(root)["beta"]["hidden"] is True
    assert sidecar(root)["alpha"]["archived"] is False

    # Trash: the run's directory moves to .trash/; Undo moves it back.
    open_menu(page, "alpha").get_by_test_id("run-menu-trash").click()
    saved(page, "alpha", "trashed", True)
    expect(row(page, "alpha")).to_have_count(0)
    assert not (root / "alpha").exists()
    assert any((root / ".trash").iterdir())
    assert event_files(root) == before  # moved, not changed
    toast = page.get_by_test_id("notes-toast")
    expect(toast).to_be_visible()
    page.get_by_test_id("notes-undo").click()
    saved(page, "alpha", "trashed", False)
    assert (root / "alpha").is_dir()
    expect(row(page, "alpha")).to_be_visible(timeout=15_000)
    assert event_files(root) == before
    assert {p.relative_to(root).as_posix() for p in root.rglob("*tfevents*")} == set(before)
    # The board reads the run again: its line is back.
    page.get_by_test_id("runs-show-hidden").check()
    wait_for(
        page,
        "(tb) => { const c = tb.card('loss'); return c && c.series.length === 2; }",
        timeout=20_000,
    )


def test_a_conflicting_change_is_reread_and_reported(
    page: Page, board: BoardProcess, logdir: tuple[Path, str]
) -> None:
    root, writer = logdir
    if writer != "trainboard":
        pytest.skip("the revision check does not depend on the writer")
    open_board(page, board.url)
    menu = open_menu(page, "alpha")
    # Another board (here: the notes API in this process) renames the run meanwhile.
    from trainboard.data.notes import NotesStore

    NotesStore(root).update("alpha", {"display_name": "theirs"})
    menu.get_by_test_id("run-menu-name").fill("mine")
    menu.get_by_test_id("run-menu-rename").click()
    message = page.get_by_test_id("run-menu-message")
    expect(message).to_contain_text("changed elsewhere")
    expect(message).to_have_attribute("data-kind", "conflict")
    expect(menu.get_by_test_id("run-menu-name")).to_have_value("theirs")
    expect(row(page, "alpha").get_by_test_id("run-name")).to_have_text("theirs")
    menu.get_by_test_id("run-menu-name").fill("mine")
    menu.get_by_test_id("run-menu-rename").click()
    saved(page, "alpha", "displayName", "mine")
    assert sidecar(root)["alpha"]["display_name"] == "mine"
    assert sidecar(root)["alpha"]["revision"] == 2


def test_ten_thousand_runs_keep_a_window_of_rows(
    page: Page, tmp_path: Path, start_board: Callable[..., BoardProcess]
) -> None:
    root = tmp_path / "many"
    count = 10_000
    for i in range(count):
        write_events(root / f"run_{i:05d}", [scalar_event(0, "loss", float(i))])
    board = start_board(root)
    page.goto(board.url + "#text")
    wait_for(page, "(tb) => tb.runs().length === arg", count, timeout=120_000)
    wait_quiet(page, 120_000)
    panel = page.evaluate("() => window.__trainboard.runsPanel()")
    assert panel["total"] == count
    assert 0 < panel["domRows"] <= 100
    expect(page.get_by_test_id("runs-count")).to_have_text("10,000 runs")
    # Scrolling to the end keeps a window too.
    page.get_by_test_id("run-list").evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    expect(row(page, f"run_{count - 1:05d}")).to_be_visible()
    assert 0 < page.evaluate("() => window.__trainboard.runsPanel().domRows") <= 100
    page.get_by_test_id("run-list").evaluate("(el) => { el.scrollTop = 0; }")
    # The filter finds the last run.
    page.get_by_test_id("run-filter").fill("run_09999$")
    expect(page.get_by_test_id("runs-count")).to_have_text("1 of 10,000 runs")
    assert listed(page) == ["run_09999"]
    page.get_by_test_id("run-filter").fill("")
    expect(page.get_by_test_id("runs-count")).to_have_text("10,000 runs")
    assert page.evaluate("() => window.__trainboard.runsPanel().domRows") <= 100
