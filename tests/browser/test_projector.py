"""The Projector dashboard in headless Chromium, as a user drives it.

One server over a logdir with embeddings written by our ``SummaryWriter.add_embedding``
(``ours``: 300 points in five clusters, two metadata columns, thumbnails, two steps and a
second tag) and by ``torch.utils.tensorboard`` (``torch``: single-column labels, thumbnails).
What is asserted comes from the page (its ``data-testid`` elements and
``window.__trainboard.view('projector')``); PCA and neighbours are checked against numpy.
Each test's screenshot is kept as ``<tmp_path>/page.png`` (and ``projector-<run>.png``).
The 10,000 x 784 test measures PCA's time and the frame rate while rotating.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_page import open_tab, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board

N = 300
N_TORCH = 200
_READY = "(tb) => { const v = tb.view('projector'); return v && v.state === 'ready'; }"


def _data(n: int, dims: int, seed: int) -> tuple[np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    labels = [i % 5 for i in range(n)]
    centres = rng.normal(size=(5, dims)) * 4
    return (centres[labels] + rng.normal(size=(n, dims))).astype(np.float32), labels


def _images(labels: list[int]) -> np.ndarray:
    images = np.zeros((len(labels), 3, 8, 8), dtype=np.float32)
    for i, label in enumerate(labels):
        images[i, label % 3] = 0.3 + 0.14 * label
    return images


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    from trainboard import SummaryWriter

    logdir = tmp_path_factory.mktemp("projector")
    mat, labels = _data(N, 16, 0)
    with SummaryWriter(logdir / "ours") as w:
        rows = [[f"class{label}", str(i)] for i, label in enumerate(labels)]
        w.add_embedding(
            mat, rows, _images(labels), global_step=0, metadata_header=["class", "index"]
        )
        w.add_embedding(mat * 2, [f"class{label}" for label in labels], global_step=10)
        w.add_embedding(mat[:, :3], global_step=3, tag="features")
    small, small_labels = _data(N_TORCH, 12, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TorchWriter(str(logdir / "torch")) as tw:
            tw.add_embedding(
                torch.from_numpy(small),
                [str(label) for label in small_labels],
                torch.from_numpy(_images(small_labels)),
            )
    with running_board(logdir) as started:
        yield started


def view(page: Page) -> dict[str, Any]:
    data: dict[str, Any] = page.evaluate("() => window.__trainboard.view('projector')")
    return data


def open_projector(page: Page, board: BoardProcess, query: str = "") -> dict[str, Any]:
    open_tab(page, board.url, "projector", query, timeout=30_000)
    wait_for(page, _READY, timeout=30_000)
    wait_quiet(page, 30_000)
    return view(page)


def _tensor(board: BoardProcess, path: str) -> np.ndarray:
    return np.loadtxt(Path(board.logdir) / path, delimiter="\t", ndmin=2)


def _ratios(mat: np.ndarray) -> np.ndarray:
    s = np.linalg.svd(mat - mat.mean(0), compute_uv=False)
    ratios: np.ndarray = s**2 / np.sum(s**2)
    return ratios


@pytest.mark.parametrize(("run", "count"), [("ours", N), ("torch", N_TORCH)])
def test_shows_n_points_and_pcas_explained_variance(
    page: Page, board: BoardProcess, tmp_path: Path, run: str, count: int
) -> None:
    data = open_projector(page, board, f"proj_run={run}")
    assert data["run"] == run and data["tensor"] == "default:00000" and data["method"] == "pca"
    assert data["points"] == count and data["stats"]["points"] == count
    expected = _ratios(_tensor(board, f"{run}/00000/default/tensors.tsv"))[:10]
    np.testing.assert_allclose(data["explainedVariance"], expected, rtol=1e-4, atol=1e-7)
    shown = page.get_by_test_id("pca-variance")
    total = expected[0] + expected[1]
    assert float(shown.get_attribute("data-total") or "nan") == pytest.approx(total, abs=1e-5)
    expect(shown).to_contain_text(f"Variance explained: {100 * total:.1f}%")
    expect(page.get_by_test_id("pca-x")).to_contain_text(f"PC1 ({100 * expected[0]:.1f}%)")
    assert data["sprites"] is True  # both runs have thumbnails: drawn in place of points
    assert len(data["screen"]) > 0.9 * min(count, 200)  # the first 200 are on screen
    page.screenshot(path=str(tmp_path / f"projector-{run}.png"))


def test_points_are_coloured_by_a_metadata_column(page: Page, board: BoardProcess) -> None:
    data = open_projector(page, board, "proj_run=ours")
    assert data["colorBy"] == "class" and data["colorMode"] == "categorical"
    expect(page.get_by_test_id("legend-item")).to_have_count(5)
    colors = [tuple(c) for c in data["colors"]]
    by_class: dict[int, set[tuple[int, ...]]] = {}
    for i, color in enumerate(colors):
        by_class.setdefault(i % 5, set()).add(color)
    assert all(len(c) == 1 for c in by_class.values())  # one colour per class...
    assert len({next(iter(c)) for c in by_class.values()}) == 5  # ...and five colours
    page.get_by_test_id("projector-color-select").select_option("index")  # 300 numbers
    data = view(page)
    assert data["colorMode"] == "gradient"
    expect(page.get_by_test_id("projector-legend")).to_have_attribute("data-kind", "gradient")
    assert len({tuple(c) for c in data["colors"]}) > 50
    page.get_by_test_id("projector-color-select").select_option("")
    assert view(page)["colorMode"] == "none"
    # torch's labels: one column without a header, called "label".
    page.get_by_test_id("run-select").select_option("torch")
    wait_for(
        page,
        "(tb) => tb.view('projector').run === 'torch' && tb.view('projector').state === 'ready'",
    )
    wait_quiet(page)
    data = view(page)
    assert [c["name"] for c in data["columns"]] == ["label"] and data["labelBy"] == "label"


def test_search_by_label_highlights_the_matches(page: Page, board: BoardProcess) -> None:
    open_projector(page, board, "proj_run=ours")
    page.get_by_test_id("projector-search").fill("^class[34]$")
    status = page.get_by_test_id("projector-search-status")
    expect(status).to_have_text(f"{2 * N // 5} matches")
    data = view(page)
    assert data["search"]["matches"] == 2 * N // 5
    assert all(i % 5 in (3, 4) for i in data["search"]["first"])
    assert {label["kind"] for label in data["labels"]} == {"match"}
    expect(page.get_by_test_id("match-item").first).to_have_text("class3")
    page.get_by_test_id("projector-search-column").select_option("index")
    page.get_by_test_id("projector-search").fill("^1[0-9]$")
    expect(status).to_have_text("10 matches")
    page.get_by_test_id("projector-search").fill("class(")
    expect(status).to_contain_text("Invalid pattern")


def _isolated_point(data: dict[str, Any]) -> tuple[int, float, float]:
    """A point with no other point within 3 px on screen, so a click hits it alone."""
    screen = np.array([[x, y] for _, x, y in data["screen"]])
    for i, x, y in data["screen"]:
        distances = np.hypot(screen[:, 0] - x, screen[:, 1] - y)
        if np.sort(distances)[1] > 3:
            return int(i), float(x), float(y)
    raise AssertionError("every point on screen has a neighbour within 3 px")


def test_selecting_a_point_shows_its_nearest_neighbours(page: Page, board: BoardProcess) -> None:
    data = open_projector(page, board, "proj_run=ours")
    page.get_by_test_id("projector-sprites").uncheck()  # small points: easy to hit alone
    index, x, y = _isolated_point(data)
    box = page.get_by_test_id("projector-canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page.get_by_test_id("projector-selected")).to_have_attribute("data-index", str(index))
    expect(page.get_by_test_id("neighbor-item")).to_have_count(10)
    wait_quiet(page)
    mat = _tensor(board, "ours/00000/default/tensors.tsv")
    unit = mat / np.linalg.norm(mat, axis=1, keepdims=True)
    cosine = 1 - unit @ unit[index]
    cosine[index] = np.inf
    data = view(page)
    assert data["selected"] == index and data["distance"] == "cosine"
    assert [n["index"] for n in data["neighbors"]] == np.argsort(cosine)[:10].tolist()
    assert {label["kind"] for label in data["labels"]} >= {"selected", "neighbor"}
    page.get_by_test_id("neighbor-distance").select_option("euclidean")
    page.get_by_test_id("neighbor-k").fill("5")
    page.get_by_test_id("neighbor-k").dispatch_event("change")
    expect(page.get_by_test_id("neighbor-item")).to_have_count(5)
    wait_quiet(page)
    euclidean = np.linalg.norm(mat - mat[index], axis=1)
    euclidean[index] = np.inf
    assert [n["index"] for n in view(page)["neighbors"]] == np.argsort(euclidean)[:5].tolist()
    page.get_by_test_id("neighbor-item").first.click()  # a neighbour becomes the selection
    first = int(np.argsort(euclidean)[0])
    expect(page.get_by_test_id("projector-selected")).to_have_attribute("data-index", str(first))


def test_tag_and_step_choosers(page: Page, board: BoardProcess) -> None:
    open_projector(page, board, "proj_run=ours")
    page.get_by_test_id("projector-step-select").select_option("default:00010")
    wait_for(page, "(tb) => tb.view('projector').tensor === 'default:00010'")
    wait_for(page, _READY)
    page.get_by_test_id("projector-tag-select").select_option("features")
    wait_for(page, "(tb) => tb.view('projector').tensor === 'features:00003'")
    wait_for(page, _READY)
    wait_quiet(page)
    data = view(page)
    assert data["points"] == N and data["components"] == 3 and data["columns"] == []
    expect(page).to_have_url(re.compile(r"proj_tensor=features(%3A|:)00003"))  # URL writes batch


def test_tsne_runs_in_the_background_and_is_drawn(page: Page, board: BoardProcess) -> None:
    open_projector(page, board, "proj_run=torch")
    page.get_by_test_id("projector-method").and_(page.locator("[data-method=tsne]")).click()
    wait_for(
        page,
        "(tb) => { const v = tb.view('projector'); return v.method === 'tsne' && v.job"
        " && v.job.state === 'done' && v.state === 'ready'; }",
        timeout=90_000,
    )
    wait_quiet(page, 30_000)
    data = view(page)
    assert data["points"] == N_TORCH and data["components"] == 2
    assert data["explainedVariance"] is None
    expect(page.get_by_test_id("pca-variance")).to_be_hidden()
    expect(page.get_by_test_id("projection-progress")).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("param-perplexity")).to_have_value("30")


def test_3d_view_rotates(page: Page, board: BoardProcess) -> None:
    open_projector(page, board, "proj_run=ours&proj_dims=3")
    data = view(page)
    assert data["dims"] == 3 and data["stats"]["dims"] == 3 and data["axes"] == [0, 1, 2]
    page.get_by_test_id("pca-z").select_option("3")  # PC4 on the z axis
    assert view(page)["axes"] == [0, 1, 3]
    before = view(page)["stats"]["frames"]
    page.get_by_test_id("projector-rotate").click()
    page.wait_for_timeout(1000)
    page.get_by_test_id("projector-rotate").click()
    assert view(page)["stats"]["frames"] - before >= 10


@pytest.fixture(scope="module")
def big_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    from trainboard import SummaryWriter

    logdir = tmp_path_factory.mktemp("projector_big")
    rng = np.random.default_rng(0)
    digits = np.arange(10_000) % 10
    mat = (rng.normal(size=(10, 784))[digits] + rng.normal(size=(10_000, 784))).astype(np.float32)
    with SummaryWriter(logdir / "mnist_like") as w:
        w.add_embedding(mat, [str(d) for d in digits])
    with running_board(logdir) as started:
        yield started


def test_10000_points_of_784_dimensions_stay_smooth(page: Page, big_board: BoardProcess) -> None:
    started = time.perf_counter()
    data = open_projector(page, big_board, "proj_dims=3")
    opened = time.perf_counter() - started
    assert data["points"] == 10_000
    page.get_by_test_id("projector-rotate").click()
    frames = view(page)["stats"]["frames"]
    t0 = time.perf_counter()
    page.wait_for_timeout(2000)
    rate = (view(page)["stats"]["frames"] - frames) / (time.perf_counter() - t0)
    page.get_by_test_id("projector-rotate").click()
    print(
        f"\n10,000 x 784: PCA shown {opened:.1f} s after opening (server parse + PCA "
        f"{data['timings']['projection'] / 1000:.1f} s); rotating at {rate:.0f} fps"
    )
    assert rate >= 15  # SwiftShader (software WebGL) on 2 shared cores: 40-50 fps measured
