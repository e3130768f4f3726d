"""The Text dashboard renders what trainboard and torch.utils.tensorboard wrote: Markdown
(headings, code blocks), 2-D string tensors as tables, every step, and no XSS payload runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.board_page import open_tab, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from trainboard import SummaryWriter
from trainboard.format.kinds.tensor import ndarray_to_tensor
from trainboard.format.proto.plugin_data_pb2 import TextPluginData
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata

pytestmark = pytest.mark.browser

STEPS = (0, 10, 20, 30, 40)
TABLE = [["epoch", "**accuracy**"], ["1", "`0.91`"], ["2", "0.95"]]
XSS = [
    "<script>window.__xss = 'script'</script>",
    '<img src="x" onerror="window.__xss = \'img\'">',
    "[click me](javascript:window.__xss='link')",
    "<a href=\"javascript:window.__xss='raw'\">raw link</a>",
    "![pic](javascript:window.__xss='image')",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=\"window.__xss='svg'\"></svg> <iframe src=\"javascript:window.__xss='frame'\">",
]


def notes(step: int) -> str:
    return (
        f"# Report {step}\n\nSome *notes* for step {step}, [docs](https://example.com/docs)."
        f"\n\n```python\nprint({step})\n```\n"
    )


def text_table(tag: str, rows: Any) -> Summary:
    """A text summary of any string array (torch's add_text writes single strings only)."""
    content = TextPluginData(version=0).SerializeToString()
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name="text", content=content)
    )
    value = Summary.Value(tag=tag, metadata=metadata, tensor=ndarray_to_tensor(np.asarray(rows)))
    return Summary(value=[value])


def write_torch(run_dir: Path) -> None:
    """notes and a table through torch's writer (the table as TensorBoard's own protos)."""
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    from tensorboard.compat.proto.summary_pb2 import Summary as TbSummary
    from tensorboard.plugins.text.metadata import create_summary_metadata
    from tensorboard.util.tensor_util import make_tensor_proto

    with torch_tb.SummaryWriter(str(run_dir)) as w:
        w.add_text("notes", notes(7), 7)
        value = TbSummary.Value(
            tag="table",
            metadata=create_summary_metadata("table", ""),
            tensor=make_tensor_proto(np.array(TABLE)),
        )
        w.file_writer.add_summary(TbSummary(value=[value]), 7)


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    logdir = tmp_path_factory.mktemp("text")
    with SummaryWriter(logdir / "ours", capture_environment=False) as w:
        for step in STEPS:
            w.add_text("notes", notes(step), step)
        assert w.file_writer is not None
        w.file_writer.add_summary(text_table("table", TABLE), 3)
        w.file_writer.add_summary(text_table("xss_table", [XSS[:2], XSS[2:4]]), 0)
        for step, payload in enumerate(XSS):
            w.add_text("xss", payload, step)
        w.add_text("xss_all", "\n\n".join(XSS), 0)
    write_torch(logdir / "torch")
    with running_board(logdir) as running:
        yield running


def text_card(page: Page, run: str, tag: str) -> Locator:
    selector = f'[data-testid="text-card"][data-run={json.dumps(run)}][data-tag={json.dumps(tag)}]'
    return page.locator(selector)


def show(page: Page, run: str, tag: str) -> Locator:
    found = text_card(page, run, tag)
    found.scroll_into_view_if_needed()
    expect(found).to_have_attribute("data-state", "ready")
    wait_quiet(page)
    return found


def cells(card: Locator) -> list[list[str]]:
    rows: list[list[str]] = card.get_by_test_id("text-table").evaluate(
        "t => [...t.rows].map((r) => [...r.cells].map((c) => c.innerText.trim()))"
    )
    return rows


def test_one_card_per_run_and_tag_under_the_users_tag(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "text")
    found = page.get_by_test_id("text-card").evaluate_all(
        "els => els.map((e) => [e.dataset.run, e.dataset.tag])"
    )
    assert sorted(map(tuple, found)) == [
        ("ours", "notes"), ("ours", "table"), ("ours", "xss"), ("ours", "xss_all"),
        ("ours", "xss_table"), ("torch", "notes"), ("torch", "table"),
    ]  # fmt: skip
    debug = page.evaluate("() => window.__trainboard.view('text')")
    stored = {(c["run"], c["storedTag"]) for c in debug["cards"]}
    assert ("ours", "notes/text_summary") in stored


@pytest.mark.parametrize("run", ["ours", "torch"])
def test_markdown_is_rendered_with_headings_and_code_blocks(
    page: Page, board: BoardProcess, run: str
) -> None:
    open_tab(page, board.url, "text")
    card = show(page, run, "notes")
    step = STEPS[-1] if run == "ours" else 7
    expect(card).to_have_attribute("data-step", str(step))
    markdown = card.get_by_test_id("text-markdown")
    expect(markdown.locator("h1")).to_have_text(f"Report {step}")
    expect(markdown.locator("em")).to_have_text("notes")
    code = markdown.locator("pre > code")
    expect(code).to_have_text(f"print({step})\n")
    expect(code).to_have_class("language-python")
    link = markdown.locator("a")
    expect(link).to_have_attribute("href", "https://example.com/docs")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")


@pytest.mark.parametrize("run", ["ours", "torch"])
def test_two_dimensional_strings_are_a_table_of_markdown_cells(
    page: Page, board: BoardProcess, run: str
) -> None:
    open_tab(page, board.url, "text")
    card = show(page, run, "table")
    assert cells(card) == [["epoch", "accuracy"], ["1", "0.91"], ["2", "0.95"]]
    expect(
        card.locator('[data-testid="text-cell"][data-row="0"][data-col="1"] strong')
    ).to_have_text("accuracy")
    expect(card.locator('[data-testid="text-cell"][data-row="1"][data-col="1"] code')).to_have_text(
        "0.91"
    )


def test_every_step_is_reachable_with_the_slider(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "text")
    card = show(page, "ours", "notes")
    slider = card.get_by_test_id("step-slider")
    expect(slider).to_have_attribute("data-step", str(STEPS[-1]))  # the latest first
    slider.focus()
    page.keyboard.press("Home")
    for i, step in enumerate(STEPS):
        if i:
            page.keyboard.press("ArrowRight")
        expect(card).to_have_attribute("data-step", str(step))
        expect(card.get_by_test_id("text-markdown").locator("h1")).to_have_text(f"Report {step}")
        expect(card.get_by_test_id("step-value")).to_have_text(f"step {step}")
    wait_quiet(page)
    debug = page.evaluate("() => window.__trainboard.view('text')")
    (notes_card,) = [c for c in debug["cards"] if c["key"] == "ours\u0000notes/text_summary"]
    assert notes_card["steps"] == list(STEPS) and notes_card["markdown"] == notes(STEPS[-1])


def _assert_inert(page: Page) -> None:
    assert page.evaluate("() => window.__xss") is None
    found = page.evaluate(
        """() => {
        const root = document.querySelector('[data-dashboard-view="text"]');
        const all = [...root.querySelectorAll('.tb-text-content *')];
        return {
          scripts: root.querySelectorAll('script, iframe, svg, object, embed').length,
          handlers: all.filter((e) => [...e.attributes].some((a) => a.name.startsWith('on')))
            .length,
          badUrls: all.filter((e) => ['href', 'src'].some((n) =>
            /^\\s*(javascript|data:text|vbscript)/i.test(e.getAttribute(n) || ''))).length,
          images: root.querySelectorAll('.tb-text-content img').length,
        };
      }"""
    )
    assert found == {"scripts": 0, "handlers": 0, "badUrls": 0, "images": 0}


def test_xss_payloads_stay_text_and_nothing_runs(page: Page, board: BoardProcess) -> None:
    open_tab(page, board.url, "text")
    for tag in ("xss_all", "xss_table", "xss"):
        show(page, "ours", tag)
    all_card = text_card(page, "ours", "xss_all")
    expect(all_card.get_by_test_id("text-markdown")).to_contain_text("<script>window.__xss")
    expect(all_card.get_by_test_id("text-markdown")).to_contain_text('onerror="window.__xss')
    _assert_inert(page)
    # Every payload at its own step, and a click on each link left.
    card = text_card(page, "ours", "xss")
    card.get_by_test_id("step-slider").focus()
    page.keyboard.press("Home")
    for step in range(len(XSS)):
        if step:
            page.keyboard.press("ArrowRight")
        expect(card).to_have_attribute("data-step", str(step))
        wait_quiet(page)
        _assert_inert(page)
        for link in card.locator(".tb-text-content a").all():
            link.click(modifiers=["Alt"])  # Alt: never follow a safe link away from the page
    page.wait_for_timeout(200)
    _assert_inert(page)
    wait_for(page, "(tb) => tb.pending === 0")
