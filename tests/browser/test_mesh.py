"""The Mesh dashboard draws what trainboard and torch.utils.tensorboard wrote: a card per run
and mesh, the vertices, faces and colours in a three.js scene (WebGL through Chromium's
SwiftShader: headless, no GPU, no extra flags), a step slider, a batch-item selector and
orbit controls. Each test's page is kept as <tmp_path>/page.png; the dashboard as mesh.png."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.browser.board_page import open_tab, wait_for, wait_quiet
from tests.browser.board_process import BoardProcess, running_board
from tests.browser.media_page import card_debug, media_card, set_slider
from trainboard import SummaryWriter

pytestmark = pytest.mark.browser

CLOUD_COLOR = (200, 60, 30)  # a mid colour: drawn exactly only if sRGB is handled right
CLOUD_POINTS = 400
CLOUD_CONFIG = {"camera": {"cls": "PerspectiveCamera", "fov": 40}, "material": {"size": 0.12}}
LIVE_TIMEOUT_MS = 8_000


def tetra(step: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A batch of two tetrahedra (vertices, colours, faces), moving with the step."""
    base = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    faces = np.array([[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]])
    vertices = np.stack([base + 0.1 * step, base * 2 - 0.5]).astype(np.float32)
    colors = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [250, 250, 0]],
                       [[10, 20, 30], [40, 50, 60], [70, 80, 90], [100, 110, 120]]])
    return vertices, colors.astype(np.uint8), np.stack([faces, faces])


def octahedron() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 2 of the shapes: 6 vertices and 8 faces, one item."""
    vertices = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]],
                        dtype=np.float32)[None]
    faces = np.array([[0, 2, 4], [2, 1, 4], [1, 3, 4], [3, 0, 4],
                      [2, 0, 5], [1, 2, 5], [3, 1, 5], [0, 3, 5]])[None]
    colors = np.full((1, 6, 3), 128, dtype=np.uint8)
    return vertices, colors, faces


def shapes(step: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return octahedron() if step == 2 else tetra(step)


def cloud() -> tuple[np.ndarray, np.ndarray]:
    points = np.random.default_rng(0).uniform(-1, 1, size=(1, CLOUD_POINTS, 3))
    colors = np.broadcast_to(np.array(CLOUD_COLOR, dtype=np.uint8), (1, CLOUD_POINTS, 3))
    return points.astype(np.float32), colors.copy()


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BoardProcess, Any]]:
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    logdir = tmp_path_factory.mktemp("mesh")
    with TorchWriter(str(logdir / "torch")) as tw:
        for step in range(3):
            vertices, colors, faces = shapes(step)
            tw.add_mesh("shapes/solid", torch.tensor(vertices), torch.tensor(colors),
                        torch.tensor(faces), None, global_step=step)
    live = SummaryWriter(logdir / "ours")
    for step in range(3):
        vertices, colors, faces = shapes(step)
        live.add_mesh("shapes/solid", vertices, colors, faces, global_step=step)
    live.add_mesh("cloud", *cloud(), config_dict=CLOUD_CONFIG, global_step=0)
    for step in (0, 1):
        live.add_mesh("growing", tetra(step)[0][:1], global_step=step)
    live.flush()
    try:
        with running_board(logdir, "--reload_interval", "0.5") as running:
            yield running, live
    finally:
        live.close()


def show(page: Page, run: str, tag: str) -> Locator:
    card = media_card(page, "mesh", run, tag)
    card.scroll_into_view_if_needed()
    expect(card).to_have_attribute("data-state", "ready")
    wait_quiet(page)
    return card


def view_of(page: Page, run: str, tag: str) -> dict[str, Any]:
    view: dict[str, Any] = card_debug(page, "mesh", run, tag)["view"]
    assert view is not None, f"no scene drawn for {run!r} {tag!r}"
    return view


def canvas_pixels(card: Locator) -> np.ndarray:
    """What the card's canvas shows on screen, as an [h, w, 3] array."""
    png = card.get_by_test_id("mesh-canvas").screenshot(animations="allow")
    with Image.open(BytesIO(png)) as shot:
        return np.asarray(shot.convert("RGB"), dtype=np.int16)


def test_a_card_per_run_and_mesh(page: Page, board: tuple[BoardProcess, Any],
                                 tmp_path: Path) -> None:
    open_tab(page, board[0].url, "mesh")
    cards = page.get_by_test_id("mesh-card").evaluate_all(
        "els => els.map((e) => [e.dataset.tag, e.dataset.run])")
    assert cards == [["cloud", "ours"], ["growing", "ours"], ["shapes/solid", "ours"],
                     ["shapes/solid", "torch"]]
    show(page, "ours", "cloud")
    page.screenshot(path=str(tmp_path / "mesh.png"), full_page=True)


@pytest.mark.parametrize("run", ["ours", "torch"])
def test_the_scene_holds_the_vertices_faces_and_colours_written(
    page: Page, board: tuple[BoardProcess, Any], run: str
) -> None:
    open_tab(page, board[0].url, "mesh")
    card = show(page, run, "shapes/solid")
    set_slider(page, card, 0)
    view = view_of(page, run, "shapes/solid")
    colors = tetra(0)[1]
    assert (view["object"], view["vertices"], view["faces"]) == ("mesh", 4, 4)
    assert view["colors"] is True and view["material"] == "MeshStandardMaterial"
    assert view["firstColors"] == colors[0].tolist()
    assert view["frames"] >= 1 and view["lights"] == ["AmbientLight", "DirectionalLight"]
    expect(card.get_by_test_id("mesh-info")).to_have_text("4 vertices · 4 faces")
    expect(card).to_have_attribute("data-vertices", "4")
    # The mesh is drawn: the canvas holds more than the white background, in several colours.
    pixels = canvas_pixels(card).reshape(-1, 3)
    drawn = pixels[(np.abs(pixels - 255).sum(axis=1) > 30)]
    assert len(drawn) > 500
    assert len({tuple(p // 32) for p in drawn}) > 4


def test_a_point_cloud_is_drawn_in_its_colours_with_its_config(
    page: Page, board: tuple[BoardProcess, Any]
) -> None:
    open_tab(page, board[0].url, "mesh")
    card = show(page, "ours", "cloud")
    view = view_of(page, "ours", "cloud")
    assert (view["object"], view["vertices"], view["faces"]) == ("points", CLOUD_POINTS, 0)
    assert view["colors"] is True and view["material"] == "PointsMaterial"
    assert view["firstColors"] == [list(CLOUD_COLOR)] * 4
    assert view["camera"]["fov"] == 40 and view["pointSize"] == pytest.approx(0.12)
    assert view["notes"] == []
    expect(card.get_by_test_id("mesh-info")).to_have_text("400 points")
    pixels = canvas_pixels(card).reshape(-1, 3)
    exact = (np.abs(pixels - np.array(CLOUD_COLOR)).max(axis=1) <= 3).sum()
    assert exact > 2000, f"only {exact} pixels of the cloud's colour"


def test_the_step_slider_switches_meshes_and_keeps_the_camera(
    page: Page, board: tuple[BoardProcess, Any]
) -> None:
    open_tab(page, board[0].url, "mesh")
    card = show(page, "torch", "shapes/solid")
    assert card_debug(page, "mesh", "torch", "shapes/solid")["steps"] == [0, 1, 2]
    expect(card).to_have_attribute("data-step", "2")
    view = view_of(page, "torch", "shapes/solid")
    assert (view["vertices"], view["faces"]) == (6, 8)
    set_slider(page, card, 0)
    expect(card).to_have_attribute("data-step", "0")
    after = view_of(page, "torch", "shapes/solid")
    assert (after["vertices"], after["faces"]) == (4, 4)
    assert after["camera"] == view["camera"] and after["frames"] > view["frames"]
    expect(card.get_by_test_id("step-value")).to_have_text("step 0")


def test_the_item_selector_shows_each_mesh_of_a_batch(
    page: Page, board: tuple[BoardProcess, Any]
) -> None:
    open_tab(page, board[0].url, "mesh")
    card = show(page, "ours", "shapes/solid")
    set_slider(page, card, 1)
    select = card.get_by_test_id("mesh-sample")
    expect(select).to_be_visible()
    assert select.locator("option").all_text_contents() == ["0", "1"]
    select.select_option("1")
    expect(card).to_have_attribute("data-sample", "1")
    wait_quiet(page)
    debug = card_debug(page, "mesh", "ours", "shapes/solid")
    assert (debug["step"], debug["sample"], debug["samples"]) == (1, 1, 2)
    assert debug["view"]["firstColors"] == tetra(1)[1][1].tolist()
    set_slider(page, card, 2)  # the octahedron is a batch of one: no selector
    expect(select).to_be_hidden()


def test_dragging_rotates_and_the_wheel_zooms_the_camera(
    page: Page, board: tuple[BoardProcess, Any]
) -> None:
    open_tab(page, board[0].url, "mesh")
    card = show(page, "ours", "cloud")
    start = view_of(page, "ours", "cloud")["camera"]
    box = card.get_by_test_id("mesh-canvas").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 40, steps=8)
    page.mouse.up()
    rotated = view_of(page, "ours", "cloud")["camera"]
    assert rotated["target"] == start["target"]
    assert not np.allclose(rotated["position"], start["position"])
    distance = np.linalg.norm(np.subtract(rotated["position"], rotated["target"]))
    assert distance == pytest.approx(
        np.linalg.norm(np.subtract(start["position"], start["target"])), rel=1e-6)
    page.mouse.wheel(0, -400)
    wait_for(page, "(tb, d) => { const c = tb.view('mesh').cards.find((k) => k.tag === 'cloud')"
             ".view.camera; return Math.hypot(...c.position.map((p, i) => p - c.target[i])) "
             "< d * 0.95; }", float(distance))
    card.get_by_test_id("mesh-reset").click()
    assert np.allclose(view_of(page, "ours", "cloud")["camera"]["position"], start["position"])


def test_new_steps_move_the_slider_only_from_the_latest(
    page: Page, board: tuple[BoardProcess, Any]
) -> None:
    running, live = board
    open_tab(page, running.url, "mesh")
    card = show(page, "ours", "growing")
    expect(card).to_have_attribute("data-step", "1")
    live.add_mesh("growing", tetra(2)[0][:1], global_step=2)
    live.flush()
    expect(card).to_have_attribute("data-step", "2", timeout=LIVE_TIMEOUT_MS)
    set_slider(page, card, 0)
    expect(card).to_have_attribute("data-step", "0")
    live.add_mesh("growing", tetra(3)[0][:1], global_step=3)
    live.flush()
    wait_for(page, "(tb) => tb.view('mesh').cards.find((k) => k.tag === 'growing')"
             ".steps.length === 4", timeout=LIVE_TIMEOUT_MS)
    wait_quiet(page)
    expect(card).to_have_attribute("data-step", "0")
    assert view_of(page, "ours", "growing")["vertices"] == 4
