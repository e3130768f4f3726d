"""Grouped runs in the Scalars page, on logdirs written by trainboard, torch.utils.tensorboard
and tensorboardX (runs with add_hparams: lr in {0.1, 0.01} × 3 seeds, and one run without
hparams): group by the hyperparameter and by a regex on the run name from the toolbar, each
group drawn as one line and a filled band equal to what GET /api/scalars/groups returns (the
card's data, the chart's series and the canvas' pixels), median and ± std, a group's members
expanded as thin lines, the runs in no group listed, a link restoring the grouping, the band
in the SVG export, and the dark theme; groups of the runs ticked in the runs panel only, a
zoom refetching finer groups, and a regex Python accepts (JavaScript would not) or refuses
(its error shown beside the regex box)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.board_page import (
    card,
    card_locator,
    drag_zoom,
    open_tab,
    show_card,
    wait_for,
    wait_quiet,
)
from tests.browser.board_process import BoardProcess, running_board

pytestmark = pytest.mark.browser

LRS = (0.1, 0.01)
SEEDS = (0, 1, 2)
STEPS = 40
TAG = "loss"


def loss(lr: float, seed: int, step: int) -> float:
    return lr * 10 / (step + 1) + 0.05 * seed + 0.01 * math.sin(step + seed)


def run_name(lr: float, seed: int) -> str:
    return f"lr{lr}_seed{seed}"


def _write(make: Callable[[Path], Any], root: Path, *, hparams_kw: str = "run_name") -> None:
    for lr in LRS:
        for seed in SEEDS:
            writer = make(root / run_name(lr, seed))
            for step in range(STEPS):
                writer.add_scalar(TAG, loss(lr, seed, step), step)
            writer.add_hparams(
                {"lr": lr, "seed": seed}, {"hparam/final": loss(lr, seed, STEPS - 1)},
                **{hparams_kw: "hp"},
            )
            writer.close()
    baseline = make(root / "baseline")
    for step in range(STEPS):
        baseline.add_scalar(TAG, 0.5, step)
    baseline.close()


def write_logdir(root: Path, writer: str) -> Path:
    if writer == "trainboard":
        from trainboard import SummaryWriter

        _write(lambda path: SummaryWriter(path), root)
    elif writer == "torch":
        torch_tb = pytest.importorskip("torch.utils.tensorboard")
        _write(lambda path: torch_tb.SummaryWriter(str(path)), root)
    else:
        tbx = pytest.importorskip("tensorboardX")
        _write(lambda path: tbx.SummaryWriter(str(path)), root, hparams_kw="name")
    return root


@pytest.fixture(scope="module", params=["trainboard", "torch", "tensorboardX"])
def board(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[BoardProcess]:
    logdir = write_logdir(tmp_path_factory.mktemp(f"groups-{request.param}"), request.param)
    with running_board(logdir) as running:
        yield running


def grouped_card(page: Page, by: str, stat: str = "mean", band: str = "minmax") -> Any:
    """The loss card once it draws the groups of ``by`` with ``stat`` and ``band``."""
    show_card(page, TAG)
    wait_for(page, "(tb, [by, stat, band]) => { const g = tb.card('loss')?.groups; "
             "return g && g.by === by && g.stat === stat && g.band === band; }",
             [by, stat, band])
    wait_quiet(page)
    return card(page, TAG)


def api_groups(page: Page, groups: dict[str, Any]) -> dict[str, Any]:
    """What the server answers for the card's query (same runs, width, zoom, smoothing)."""
    query: list[tuple[str, Any]] = [("tag", TAG), ("by", groups["by"]), ("stat", groups["stat"]),
                                    ("band", groups["band"]), ("width", groups["width"])]
    if groups["smoothing"] > 0:
        query.append(("smoothing", groups["smoothing"]))
    query += [("runs", run) for run in groups["runs"] or []]
    if groups["xmin"] is not None:
        query += [("xmin", groups["xmin"]), ("xmax", groups["xmax"])]
    answer: dict[str, Any] = page.evaluate(
        "async (q) => (await fetch('api/scalars/groups?' + q)).json()", urlencode(query)
    )
    return answer


def assert_drawn_as_served(page: Page, found: Any) -> dict[str, Any]:
    """The card's groups, and the lines it hands the chart, are the server's arrays."""
    groups = found["groups"]
    served = api_groups(page, groups)
    assert [g["name"] for g in groups["groups"]] == [g["name"] for g in served["groups"]]
    for mine, theirs in zip(groups["groups"], served["groups"], strict=True):
        assert mine["members"] == theirs["members"]
        assert mine["steps"] == theirs["steps"]
        for key in ("value", "low", "high"):
            assert mine[key] == pytest.approx(theirs[key], rel=1e-12), key
        line = next(s for s in found["series"] if s["run"] == mine["label"])
        assert line["x"] == theirs["steps"]
        assert line["raw"] == pytest.approx(theirs["value"], rel=1e-12)
        assert line["smoothed"] is None  # smoothed per member on the server, not again here
    assert groups["ungrouped"] == served["ungrouped"]
    return served


def band_pixels(page: Page, colors: list[str]) -> list[int]:
    """Per colour, the loss card's canvas pixels painted by that colour's band alone (the
    canvas is transparent: a band pixel is the colour at the band's alpha)."""
    counts: list[int] = card_locator(page, TAG).locator("canvas").first.evaluate(
        """(canvas, colors) => {
          const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          return colors.map((hex) => {
            const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
            let n = 0;
            for (let p = 0; p < data.length; p += 4) {
              const alpha = Math.abs(data[p + 3] - 51) <= 6;
              if (alpha && rgb.every((c, i) => Math.abs(data[p + i] - c) <= 12)) n++;
            }
            return n;
          });
        }""",
        colors,
    )
    return counts


def legend_items(page: Page) -> Locator:
    return card_locator(page, TAG).get_by_test_id("group-legend-item")


def test_group_by_hparam_draws_a_line_and_band_per_group(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "scalars", "smoothing=0")
    page.get_by_test_id("group-by-kind").select_option("hparam")
    expect(page.get_by_test_id("group-by-hparam").locator("option[value=lr]")).to_have_count(1)
    page.get_by_test_id("group-by-hparam").select_option("lr")
    found = grouped_card(page, "hparam:lr")
    served = assert_drawn_as_served(page, found)
    groups = found["groups"]["groups"]
    assert [g["name"] for g in groups] == ["0.01", "0.1"]
    assert [g["label"] for g in groups] == ["lr=0.01", "lr=0.1"]
    assert [len(g["members"]) for g in groups] == [3, 3]
    # The runs without the hyperparameter are listed, not drawn.
    assert found["groups"]["ungrouped"] == ["baseline"]
    expect(card_locator(page, TAG).get_by_test_id("group-ungrouped")).to_contain_text("baseline")
    # Every point: min–max of the three seeds, mean between.
    first = served["groups"][1]  # lr=0.1
    values = [loss(0.1, seed, 5) for seed in SEEDS]
    i = first["steps"].index(5)
    assert first["low"][i] == pytest.approx(min(values), rel=1e-6)
    assert first["high"][i] == pytest.approx(max(values), rel=1e-6)
    assert first["value"][i] == pytest.approx(sum(values) / 3, rel=1e-6)
    # Two lines (no member lines), two filled bands on the canvas.
    assert [s["run"] for s in found["series"]] == ["lr=0.01", "lr=0.1"]
    assert all(n > 150 for n in band_pixels(page, [g["color"] for g in groups])), band_pixels(
        page, [g["color"] for g in groups])
    expect(legend_items(page)).to_have_count(2)
    page.wait_for_function("() => location.hash.includes('group_by=hparam%3Alr')")
    card_locator(page, TAG).screenshot(path=str(tmp_path / "groups_hparam.png"))

    # Hovering: a row per group with its statistic, band and members at the step.
    plot = card_locator(page, TAG).locator(".u-over")
    box = plot.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    tooltip = card_locator(page, TAG).get_by_test_id("chart-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip.get_by_test_id("tooltip-row")).to_have_count(2)
    header = tooltip.locator("th").all_inner_texts()
    assert "Mean" in header and "min–max" in header and "Runs" in header
    row = tooltip.locator('[data-testid="tooltip-row"][data-run="lr=0.1"]')
    expect(row).to_contain_text("3/3")
    expect(row).to_contain_text(" – ")
    card_locator(page, TAG).screenshot(path=str(tmp_path / "groups_tooltip.png"))
    page.mouse.move(0, 0)

    # Median and ± std: new data from the server, drawn as served.
    page.get_by_test_id("group-stat").select_option("median")
    page.get_by_test_id("group-band").select_option("std")
    found = grouped_card(page, "hparam:lr", "median", "std")
    served = assert_drawn_as_served(page, found)
    g = served["groups"][1]
    i = g["steps"].index(5)
    mean = sum(values) / 3
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / 3)
    assert g["value"][i] == pytest.approx(sorted(values)[1], rel=1e-6)
    assert g["low"][i] == pytest.approx(mean - std, rel=1e-6)
    assert g["high"][i] == pytest.approx(mean + std, rel=1e-6)
    card_locator(page, TAG).screenshot(path=str(tmp_path / "groups_median_std.png"))


def test_a_group_expands_to_its_members(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    open_tab(page, board.url, "scalars", "group_by=hparam%3Alr&smoothing=0")
    grouped_card(page, "hparam:lr")
    item = legend_items(page).and_(page.locator('[data-group="0.1"]'))
    item.click()
    members = [run_name(0.1, seed) for seed in SEEDS]
    wait_for(page, "(tb, runs) => { const c = tb.card('loss'); "
             "return runs.every((r) => c.series.some((s) => s.run === r)); }", members)
    wait_quiet(page)
    found: Any = card(page, TAG)
    expect(item).to_have_attribute("data-expanded", "1")
    color = next(g["color"] for g in found["groups"]["groups"] if g["name"] == "0.1")
    drawn = {s["run"]: s for s in found["series"]}
    # Members first (beneath), in the group's colour; then the group lines.
    assert [s["run"] for s in found["series"]] == [*members, "lr=0.01", "lr=0.1"]
    for seed, run in zip(SEEDS, members, strict=True):
        assert drawn[run]["color"] == color
        assert drawn[run]["raw"] == pytest.approx(
            [loss(0.1, seed, s) for s in range(STEPS)], rel=1e-6)
    card_locator(page, TAG).screenshot(path=str(tmp_path / "groups_expanded.png"))
    item.click()
    wait_for(page, "(tb) => tb.card('loss').series.length === 2")


def test_group_by_regex_and_a_link_restores_it(
    page: Page, board: BoardProcess, tmp_path: Path
) -> None:
    open_tab(page, board.url, "scalars", "smoothing=0.6")
    page.get_by_test_id("group-by-kind").select_option("regex")
    regex = page.get_by_test_id("group-by-regex")
    regex.fill(r"seed(\d)")
    regex.press("Enter")
    found = grouped_card(page, r"regex:seed(\d)")
    assert found["groups"]["smoothing"] == 0.6  # sent to the server, per member
    assert_drawn_as_served(page, found)
    groups = found["groups"]["groups"]
    assert [g["name"] for g in groups] == ["0", "1", "2"]
    assert all(len(g["members"]) == 2 for g in groups)
    # The URL is written a moment after the change (batched).
    page.wait_for_function("() => location.hash.includes('group_by=regex')")
    link = page.url

    # A fresh page from the link draws the same groups, controls showing them.
    page.goto("about:blank")
    page.goto(link)
    wait_quiet(page)
    again = grouped_card(page, r"regex:seed(\d)")
    assert [g["value"] for g in again["groups"]["groups"]] == [g["value"] for g in groups]
    expect(page.get_by_test_id("group-by-kind")).to_have_value("regex")
    expect(page.get_by_test_id("group-by-regex")).to_have_value(r"seed(\d)")
    card_locator(page, TAG).screenshot(path=str(tmp_path / "groups_regex.png"))

    # Off again: the runs are drawn one by one.
    page.get_by_test_id("group-by-kind").select_option("")
    wait_for(page, "(tb) => { const c = tb.card('loss'); return c.groups === null "
             "&& c.series.length === 7; }")


def test_band_in_svg_export_and_dark_theme(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    open_tab(page, board.url, "scalars", "group_by=hparam%3Alr&smoothing=0")
    light = [g["color"] for g in grouped_card(page, "hparam:lr")["groups"]["groups"]]
    scalar = card_locator(page, TAG)
    scalar.get_by_test_id("card-export").locator("summary").click()
    with page.expect_download() as info:
        scalar.get_by_test_id("export-svg").click()
    path = tmp_path / "groups.svg"
    info.value.save_as(path)
    svg = path.read_text()
    assert svg.count('class="band"') == 2 and svg.count('class="line"') == 2
    assert ">lr=0.1 (3 runs)<" in svg

    page.evaluate("() => window.localStorage.setItem('trainboard.settings', "
                  "JSON.stringify({ theme: 'dark' }))")
    page.reload()
    wait_quiet(page)
    found = grouped_card(page, "hparam:lr")
    dark = [g["color"] for g in found["groups"]["groups"]]
    assert dark != light  # the dark palette
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert all(n > 150 for n in band_pixels(page, dark))
    scalar.screenshot(path=str(tmp_path / "groups_dark.png"))


@pytest.fixture(scope="module")
def rank_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    """One run written by 4 ranks (``dist/rank_<N>``) and a plain run."""
    from trainboard import SummaryWriter

    root = tmp_path_factory.mktemp("groups-ranks")
    for rank in range(4):
        with SummaryWriter(root / "dist" / f"rank_{rank}") as writer:
            for step in range(STEPS):
                writer.add_scalar(TAG, loss(0.1, rank, step), step)
    with SummaryWriter(root / "single") as writer:
        for step in range(STEPS):
            writer.add_scalar(TAG, 1.0, step)
    with running_board(root) as running:
        yield running


def test_group_by_rank_with_rank0_line(page: Page, rank_board: BoardProcess, tmp_path: Path
                                       ) -> None:
    open_tab(page, rank_board.url, "scalars", "smoothing=0")
    page.get_by_test_id("group-by-kind").select_option("rank")
    found = grouped_card(page, "rank")
    assert [g["name"] for g in found["groups"]["groups"]] == ["dist"]
    assert found["groups"]["groups"][0]["members"] == [f"dist/rank_{r}" for r in range(4)]
    assert found["groups"]["ungrouped"] == ["single"]
    page.get_by_test_id("group-stat").select_option("rank0")
    found = grouped_card(page, "rank", "rank0")
    served = assert_drawn_as_served(page, found)
    line = served["groups"][0]
    assert line["value"] == pytest.approx([loss(0.1, 0, s) for s in line["steps"]], rel=1e-6)
    assert line["low"] == pytest.approx(
        [min(loss(0.1, r, s) for r in range(4)) for s in line["steps"]], rel=1e-6)
    card_locator(page, TAG).screenshot(path=str(tmp_path / "groups_rank.png"))
    # Rank 0 is offered only when grouping by rank: another kind goes back to the mean.
    page.get_by_test_id("group-by-kind").select_option("regex")
    page.get_by_test_id("group-by-regex").fill("(rank)_")
    page.get_by_test_id("group-by-regex").press("Enter")
    found = grouped_card(page, "regex:(rank)_", "mean")
    assert found["groups"]["groups"][0]["members"] == [f"dist/rank_{r}" for r in range(4)]


def test_a_pinned_card_is_grouped_too(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    open_tab(page, board.url, "scalars", "group_by=hparam%3Alr&smoothing=0")
    grouped_card(page, "hparam:lr")
    card_locator(page, TAG).first.get_by_test_id("card-pin").click()
    pinned = page.get_by_test_id("pinned-card").locator('[data-testid="scalar-card"]')
    expect(pinned).to_have_attribute("data-grouped", "1")
    expect(pinned.get_by_test_id("group-legend-item")).to_have_count(2)
    page.get_by_test_id("pinned-section").screenshot(path=str(tmp_path / "groups_pinned.png"))
    page.get_by_test_id("group-by-kind").select_option("")
    expect(pinned).to_have_attribute("data-grouped", "0")
    expect(pinned.get_by_test_id("group-legend")).to_be_hidden()
    page.evaluate("() => window.localStorage.removeItem('trainboard.pins')")


def test_groups_follow_the_runs_panel(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    """Unticking a run in the runs panel takes it out of its group: the card asks for the
    ticked runs only and the band is that of the others."""
    open_tab(page, board.url, "scalars", "group_by=hparam%3Alr&smoothing=0")
    found: Any = grouped_card(page, "hparam:lr")
    assert found["groups"]["runs"] is None  # every run holding the tag: no list sent
    page.locator(f'[data-testid="run-toggle"][data-run="{run_name(0.1, 2)}"]').click()
    wait_for(page, "(tb) => tb.card('loss')?.groups?.groups.find((g) => g.name === '0.1')"
             "?.members.length === 2")
    wait_quiet(page)
    found = card(page, TAG)
    assert run_name(0.1, 2) not in found["groups"]["runs"]
    served = assert_drawn_as_served(page, found)
    group = next(g for g in served["groups"] if g["name"] == "0.1")
    assert group["members"] == [run_name(0.1, 0), run_name(0.1, 1)]
    values = [loss(0.1, seed, 5) for seed in (0, 1)]
    i = group["steps"].index(5)
    assert group["low"][i] == pytest.approx(min(values), rel=1e-6)
    assert group["high"][i] == pytest.approx(max(values), rel=1e-6)
    assert group["value"][i] == pytest.approx(sum(values) / 2, rel=1e-6)
    assert group["count"][i] == 2
    card_locator(page, TAG).screenshot(path=str(tmp_path / "groups_unticked.png"))
    # Ticked again: three members, and the whole logdir's runs (no list) once more.
    page.locator(f'[data-testid="run-toggle"][data-run="{run_name(0.1, 2)}"]').click()
    wait_for(page, "(tb) => tb.card('loss')?.groups?.groups.find((g) => g.name === '0.1')"
             "?.members.length === 3")
    again: Any = card(page, TAG)
    assert again["groups"]["runs"] is None


def test_a_regex_is_judged_by_the_server(page: Page, board: BoardProcess, tmp_path: Path) -> None:
    """Python's syntax is the page's: a pattern JavaScript refuses but re accepts groups, and
    one re refuses shows re's error, naming the pattern, beside the regex box."""
    open_tab(page, board.url, "scalars", "smoothing=0")
    page.get_by_test_id("group-by-kind").select_option("regex")
    regex = page.get_by_test_id("group-by-regex")
    regex.fill("seed(")
    regex.press("Enter")
    error = page.get_by_test_id("group-regex-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("'seed('")
    expect(error).to_contain_text("missing ), unterminated subpattern")
    expect(regex).to_have_attribute("aria-invalid", "true")
    expect(card_locator(page, TAG)).to_have_attribute("data-state", "error")
    page.get_by_test_id("group-controls").screenshot(path=str(tmp_path / "groups_bad_regex.png"))
    regex.fill(r"(?i)SEED(?P<seed>\d)")  # an inline flag and a named group: Python only
    regex.press("Enter")
    found = grouped_card(page, r"regex:(?i)SEED(?P<seed>\d)")
    assert [g["name"] for g in found["groups"]["groups"]] == ["0", "1", "2"]
    expect(error).to_be_hidden()
    expect(regex).to_have_attribute("aria-invalid", "false")


LONG_STEPS = 20_000
SPIKE_STEP = 12_345


@pytest.fixture(scope="module")
def long_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    """Three runs of 20k steps; seed 1 spikes once."""
    from trainboard import SummaryWriter

    root = tmp_path_factory.mktemp("groups-long")
    for seed in range(3):
        with SummaryWriter(root / f"long_seed{seed}") as writer:
            for step in range(LONG_STEPS):
                spike = 100.0 if seed == 1 and step == SPIKE_STEP else 0.0
                writer.add_scalar(TAG, math.sin(step / 300 + seed) + spike, step)
    with running_board(root) as running:
        yield running


def test_a_zoom_refetches_finer_groups(page: Page, long_board: BoardProcess, tmp_path: Path
                                       ) -> None:
    open_tab(page, long_board.url, "scalars", "group_by=regex%3A%5E(long)&smoothing=0")
    found: Any = grouped_card(page, "regex:^(long)")
    whole = assert_drawn_as_served(page, found)["groups"][0]
    assert whole["total_points"] == LONG_STEPS and whole["returned_points"] < LONG_STEPS / 4
    assert max(whole["high"]) == pytest.approx(100.0, abs=2)  # the spike survives
    drag_zoom(page, TAG, 0.55, 0.65)
    wait_for(page, "(tb) => tb.card('loss')?.groups?.xmin != null")
    wait_quiet(page)
    found = card(page, TAG)
    groups = found["groups"]
    xmin, xmax = groups["xmin"], groups["xmax"]
    assert found["zoom"] == [xmin, xmax] and 0 < xmin < xmax < LONG_STEPS
    zoomed = assert_drawn_as_served(page, found)["groups"][0]
    inside = [s for s in zoomed["steps"] if xmin <= s <= xmax]
    before = [s for s in whole["steps"] if xmin <= s <= xmax]
    assert len(inside) > 3 * len(before)  # finer: the pixels span the zoom only
    assert zoomed["total_points"] == LONG_STEPS
    card_locator(page, TAG).screenshot(path=str(tmp_path / "groups_zoomed.png"))


def test_demo_mode_groups_its_fake_logdir(page: Page, rank_board: BoardProcess, tmp_path: Path
                                          ) -> None:
    """``?demo``: the fake client groups the fake logdir's series (api/fake_groups.ts)."""
    page.goto(f"{rank_board.url}?demo&train=0&big=0&latency=0"
              "#scalars?group_by=regex%3A%5Elr_(%5B%5E%2F%5D%2B)&group_band=std&smoothing=0")
    wait_quiet(page)
    show_card(page, "loss/train")
    wait_for(page, "(tb) => tb.card('loss/train')?.groups?.groups.length === 2")
    found: Any = card(page, "loss/train")
    groups = found["groups"]
    assert [(g["name"], g["members"]) for g in groups["groups"]] == [
        ("1e-3", ["lr_1e-3/seed_0", "lr_1e-3/seed_1"]),
        ("3e-4", ["lr_3e-4"]),
    ]
    assert "baseline" in groups["ungrouped"]
    assert card_locator(page, "loss/train").get_attribute("data-state") == "ready"
    card_locator(page, "loss/train").screenshot(path=str(tmp_path / "groups_demo.png"))
