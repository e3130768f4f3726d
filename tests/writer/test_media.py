"""add_image, add_images, add_image_with_boxes, add_figure, add_video, add_audio.

What we write is read back by TensorBoard's own Images and Audio plugins (through
its data provider) and compared with what torch.utils.tensorboard writes.
"""

from __future__ import annotations

import io
import logging
import urllib.parse
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.support import summary_values
from trainboard import SummaryWriter
from trainboard.format.kinds import audio, video
from trainboard.writer._media_input import Snapshot

torch = pytest.importorskip("torch")
torch_summary = pytest.importorskip("torch.utils.tensorboard.summary")
torch_utils = pytest.importorskip("torch.utils.tensorboard._utils")

RNG = np.random.default_rng(5)


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)))


def _dashboard(logdir: Path, kind: str) -> dict[str, list[tuple[int, bytes]]]:
    """``{tag: [(step, bytes)]}`` as TensorBoard's Images or Audio plugin serves them."""
    from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
    from tensorboard.context import RequestContext
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.audio.audio_plugin import AudioPlugin
    from tensorboard.plugins.image.images_plugin import ImagesPlugin

    multiplexer = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance={kind: 0})
    multiplexer.AddRunsFromDirectory(str(logdir))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, str(logdir))
    context = base_plugin.TBContext(data_provider=provider, sampling_hints={kind: 1000})
    ctx = RequestContext()
    plugin: Any = ImagesPlugin(context) if kind == "images" else AudioPlugin(context)
    respond = plugin._image_response_for_run if kind == "images" else plugin._audio_response_for_run
    served: dict[str, list[tuple[int, bytes]]] = {}
    for run, tags in plugin._index_impl(ctx, "exp").items():
        for tag in tags:
            for entry in respond(ctx, "exp", run, tag, 0):
                key = urllib.parse.parse_qs(entry["query"])["blob_key"][0]
                blob = provider.read_blob(ctx, blob_key=key)
                served.setdefault(tag, []).append((entry["step"], blob))
    return served


def _torch_png_pixels(summary: Any) -> np.ndarray:
    return _pixels(summary.value[0].image.encoded_image_string)


def test_images_are_served_by_tensorboards_images_plugin(tmp_path: Path) -> None:
    chw = torch.rand(3, 20, 30, requires_grad=True)
    hwc = RNG.integers(0, 256, (12, 10, 4), dtype=np.uint8)
    batch = torch.rand(10, 1, 6, 7, dtype=torch.float64)
    with SummaryWriter(tmp_path) as w:
        w.add_image("chw", chw, 3)
        w.add_image("hwc", hwc, 4, dataformats="HWC")
        w.add_image("hw", [[0.0, 0.5], [1.0, 0.25]], 5, dataformats="HW")
        w.add_images("batch", batch, 6)
    served = _dashboard(tmp_path, "images")
    assert sorted(served) == ["batch", "chw", "hw", "hwc"]
    ((step, png),) = served["chw"]
    assert step == 3
    np.testing.assert_array_equal(
        _pixels(png), _torch_png_pixels(torch_summary.image("c", chw, dataformats="CHW"))
    )
    np.testing.assert_array_equal(_pixels(served["hwc"][0][1]), hwc)
    assert _pixels(served["hw"][0][1])[:, :, 0].tolist() == [[0, 127], [255, 63]]
    np.testing.assert_array_equal(
        _pixels(served["batch"][0][1]), _torch_png_pixels(torch_summary.image("b", batch))
    )


def test_values_equal_torchs_summaries(tmp_path: Path) -> None:
    img = torch.rand(3, 25, 40)
    boxes = torch.tensor([[2.0, 3.0, 20.0, 15.0], [10.0, 1.0, 30.0, 12.0]])
    sound = torch.rand(2000) * 2 - 1
    with SummaryWriter(tmp_path) as w:
        w.add_image("img", img, 0)
        w.add_images("imgs", img[None].repeat(3, 1, 1, 1), 0)
        w.add_image_with_boxes("boxes", img, boxes, 0, labels=["a", "b"])
        w.add_audio("sound", sound, 0, sample_rate=16000)
    ours = {v.tag: v.SerializeToString() for _, v in summary_values(tmp_path)}
    theirs = [
        torch_summary.image("img", img, dataformats="CHW"),
        torch_summary.image("imgs", img[None].repeat(3, 1, 1, 1)),
        torch_summary.image_boxes("boxes", img, boxes, labels=["a", "b"]),
        torch_summary.audio("sound", sound, sample_rate=16000),
    ]
    for summary in theirs:
        assert ours[summary.value[0].tag] == summary.value[0].SerializeToString()


def test_list_of_images_is_tiled_like_a_batch(tmp_path: Path) -> None:
    chw = [RNG.random((3, 5, 6), dtype=np.float32) for _ in range(3)]
    pil = [Image.fromarray(RNG.integers(0, 256, (5, 6, 3), dtype=np.uint8)) for _ in range(2)]
    with SummaryWriter(tmp_path) as w:
        w.add_images("np", chw, 0)
        w.add_images("torch", [torch.from_numpy(a) for a in chw], 0, dataformats="CHW")
        w.add_images("hwc", [a.transpose(1, 2, 0) for a in chw], 0, dataformats="HWC")
        w.add_images("pil", pil, 0)
    got = {tag: _pixels(items[0][1]) for tag, items in _dashboard(tmp_path, "images").items()}
    expected = _torch_png_pixels(torch_summary.image("x", np.stack(chw)))
    for tag in ("np", "torch", "hwc"):
        np.testing.assert_array_equal(got[tag], expected, err_msg=tag)
    np.testing.assert_array_equal(got["pil"], np.concatenate([np.asarray(p) for p in pil], 1))


def test_lists_of_gray_pil_images_and_single_labels(tmp_path: Path) -> None:
    gray = [Image.fromarray(RNG.integers(0, 256, (4, 5), dtype=np.uint8)) for _ in range(2)]
    with SummaryWriter(tmp_path) as w:
        w.add_images("gray", gray, 0)
        w.add_images("gray_np", [np.asarray(g) for g in gray], 0, dataformats="HW")
        w.add_images("gray_torch", [torch.tensor(np.asarray(g)) for g in gray], 0, dataformats="HW")
        w.add_image_with_boxes("one", np.zeros((3, 8, 8)), [[1, 1, 6, 6]], 0, labels="x")
    got = {v.tag: _pixels(v.image.encoded_image_string) for _, v in summary_values(tmp_path)}
    side_by_side = np.concatenate([np.asarray(g) for g in gray], 1)
    for tag in ("gray", "gray_np", "gray_torch"):
        np.testing.assert_array_equal(got[tag][:, :, 0], side_by_side, err_msg=tag)
    assert got["one"][1, 1].tolist() == [255, 0, 0]  # the red box outline


def test_pil_images_bring_their_own_layout(tmp_path: Path) -> None:
    rgb = RNG.integers(0, 256, (6, 9, 3), dtype=np.uint8)
    with SummaryWriter(tmp_path) as w:
        w.add_image("rgb", Image.fromarray(rgb), 0)  # dataformats="CHW" is ignored
        w.add_image("gray", Image.fromarray(rgb[:, :, 0]), 0)
        w.add_image("palette", Image.fromarray(rgb).quantize(8), 0)
    got = {v.tag: v.image for _, v in summary_values(tmp_path)}
    np.testing.assert_array_equal(_pixels(got["rgb"].encoded_image_string), rgb)
    gray = _pixels(got["gray"].encoded_image_string)
    assert gray.shape == (6, 9, 3) and (gray == rgb[:, :, :1]).all()
    assert (got["palette"].height, got["palette"].width, got["palette"].colorspace) == (6, 9, 3)


def test_figures_are_drawn_as_torch_draws_them(tmp_path: Path) -> None:
    plt = pytest.importorskip("matplotlib.pyplot")

    def figure(offset: int) -> Any:
        fig = plt.figure(figsize=(2, 1.5), dpi=50)
        fig.gca().plot([0, 1, 2], [offset, 2, 1])
        return fig

    kept = figure(0)
    canvas = kept.canvas
    with SummaryWriter(tmp_path) as w:
        w.add_figure("one", kept, 0, close=False)
        w.add_figure("many", [figure(1), figure(2), figure(3)], 0)
    assert kept.canvas is canvas and plt.fignum_exists(kept.number)  # not closed
    assert plt.get_fignums() == [kept.number]  # the list was closed
    got = {tag: _pixels(items[0][1]) for tag, items in _dashboard(tmp_path, "images").items()}
    expected = torch_utils.figure_to_image(kept, close=True)
    np.testing.assert_array_equal(got["one"], expected.transpose(1, 2, 0))
    many = torch_utils.figure_to_image([figure(1), figure(2), figure(3)], close=True)
    np.testing.assert_array_equal(got["many"], _torch_png_pixels(torch_summary.image("m", many)))


def test_add_figure_without_matplotlib_raises_missing_dependency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainboard.errors import MissingDependencyError

    monkeypatch.setitem(__import__("sys").modules, "matplotlib.figure", None)
    with SummaryWriter(tmp_path) as w, pytest.raises(MissingDependencyError, match="matplotlib"):
        w.add_figure("f", object(), 0)


def test_video_is_an_animated_gif_in_the_images_dashboard(tmp_path: Path) -> None:
    frames = torch.zeros(2, 5, 3, 8, 8, dtype=torch.uint8)
    for t in range(5):
        frames[:, t, t % 3] = 40 * t + 50
    with SummaryWriter(tmp_path) as w:
        w.add_video("clip", frames, 1, fps=5)
    ((step, gif),) = _dashboard(tmp_path, "images")["clip"]
    decoded, delays = video.decode_gif(gif)
    assert step == 1 and delays == [200] * 5
    side_by_side = torch.cat([frames[0], frames[1]], dim=3)  # 2 videos: a 1 x 2 grid
    np.testing.assert_array_equal(decoded, side_by_side.permute(0, 2, 3, 1).numpy())


def test_audio_is_served_by_tensorboards_audio_plugin(tmp_path: Path) -> None:
    tone = np.sin(np.linspace(0, 100, 4000)).astype(np.float32)
    with SummaryWriter(tmp_path) as w:
        w.add_audio("tone", tone[None], 2, sample_rate=8000)
    ((step, wav),) = _dashboard(tmp_path, "audio")["tone"]
    samples, rate = audio.decode_wav(wav)
    assert step == 2 and rate == 8000
    np.testing.assert_allclose(samples[:, 0], tone, atol=1 / 32767)


def test_clipped_audio_logs_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "trainboard"), SummaryWriter(tmp_path) as w:
        w.add_audio("loud", np.array([0.5, 2.0]), 0)
        w.add_audio("quiet", np.array([0.5, -0.5]), 0)
    assert [r.getMessage() for r in caplog.records] == [
        "add_audio 'loud': samples outside [-1, 1] were clipped"
    ]


def test_data_changed_after_the_call_is_logged_as_it_was(tmp_path: Path) -> None:
    array = np.zeros((3, 4, 4), dtype=np.float32)
    tensor = torch.zeros(1, 2, 3, 4, 4)
    sound = torch.zeros(100)
    with SummaryWriter(tmp_path) as w:
        w.add_image("a", array, 0)
        w.add_video("v", tensor, 0)
        w.add_audio("s", sound, 0)
        array += 1
        tensor += 1
        sound += 0.5
    got = {v.tag: v for _, v in summary_values(tmp_path)}
    assert not _pixels(got["a"].image.encoded_image_string).any()
    assert not video.decode_gif(got["v"].image.encoded_image_string)[0].any()
    assert not audio.decode_wav(got["s"].audio.encoded_audio_string)[0].any()


def test_device_tensors_are_cloned_and_read_on_the_worker() -> None:
    # The path a CUDA tensor takes, forced on a CPU tensor.
    tensor = torch.ones(3, 2, 2, dtype=torch.bfloat16, requires_grad=True)
    snap = Snapshot.of(tensor, "img_tensor", defer=True)
    with torch.no_grad():
        tensor.mul_(0)
    assert snap.shape == (3, 2, 2) and snap.nbytes == 24
    array = snap.array()
    assert array.dtype == np.float32 and (array == 1).all()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_tensors(tmp_path: Path) -> None:  # pragma: no cover - needs a GPU
    img = torch.rand(3, 8, 8, device="cuda")
    with SummaryWriter(tmp_path) as w:
        w.add_image("img", img, 0)
        w.add_images("list", [img, img], 0)
        w.add_video("vid", img[None, None], 0)
        w.add_audio("snd", img.reshape(-1) - 0.5, 0)
        w.add_image_with_boxes("boxes", img, torch.tensor([[1, 1, 5, 5]], device="cuda"), 0)
    expected = _torch_png_pixels(torch_summary.image("i", img.cpu(), dataformats="CHW"))
    got = {v.tag: v for _, v in summary_values(tmp_path)}
    np.testing.assert_array_equal(_pixels(got["img"].image.encoded_image_string), expected)
    assert len(got) == 5


def test_missing_global_step_numbers_each_tag(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for _ in range(2):
            w.add_image("a", np.zeros((1, 2, 2)))
            w.add_audio("b", np.zeros(4))
    assert [(v.tag, step) for step, v in summary_values(tmp_path)] == [
        ("a", 0),
        ("b", 0),
        ("a", 1),
        ("b", 1),
    ]


def _figure(width: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, 1.5), dpi=50)


BAD_CALLS = [
    (lambda w: w.add_image("i", np.zeros((8, 8, 3))), ValueError, r"C=8, H=8, W=3.*C must be"),
    (lambda w: w.add_image("i", np.zeros((2, 3, 8, 8))), ValueError, r"\(2, 3, 8, 8\).*add_images"),
    (lambda w: w.add_image("i", np.zeros((3, 8, 8)), dataformats="CWX"), ValueError, "'CWX'"),
    (lambda w: w.add_image("i", np.zeros((3, 8, 8), complex)), TypeError, "dtype complex128"),
    (lambda w: w.add_image("i", "pixels"), TypeError, "img_tensor must hold real numbers"),
    (lambda w: w.add_image(3, np.zeros((3, 8, 8))), TypeError, "tag must be a str"),
    (lambda w: w.add_image("i", np.zeros((3, 8, 8)), 1.5), ValueError, "global_step"),
    (lambda w: w.add_image("i", [[1.0, 2.0], [3.0]]), TypeError, "img_tensor must be a numpy"),
    (lambda w: w.add_image("i", torch.zeros(3, 4, 4, dtype=torch.cfloat)), TypeError, "complex"),
    (lambda w: w.add_images("i", []), ValueError, "empty list"),
    (
        lambda w: w.add_images("i", [torch.zeros(3, 4, 4), torch.zeros(3, 4, 5)]),
        ValueError,
        r"img_tensor\[1\] has shape \(3, 4, 5\)",
    ),
    (
        lambda w: w.add_images("i", [np.zeros((3, 4, 4)), np.zeros((3, 5, 4))]),
        ValueError,
        r"img_tensor\[1\] has shape \(3, 5, 4\)",
    ),
    (
        lambda w: w.add_image_with_boxes("b", np.zeros((3, 8, 8)), np.zeros((2, 4)), labels=["x"]),
        ValueError,
        "labels has 1 entries but box_tensor has 2 boxes",
    ),
    (
        lambda w: w.add_image_with_boxes("b", np.zeros((3, 8, 8)), np.zeros((2, 5))),
        ValueError,
        r"box_tensor must have shape \(N, 4\).*\(2, 5\)",
    ),
    (
        lambda w: w.add_image_with_boxes("b", np.zeros((3, 8, 8)), np.zeros((1, 4)), labels=[1]),
        TypeError,
        r"labels\[0\] must be a str, got int 1",
    ),
    (
        lambda w: w.add_image_with_boxes("b", np.zeros((3, 8, 8)), np.zeros((0, 4)), rescale=0),
        ValueError,
        "rescale must be a positive finite number, got 0",
    ),
    (
        lambda w: w.add_image_with_boxes("b", np.zeros((3, 8, 8)), np.zeros((0, 4)), rescale=0.01),
        ValueError,
        "shrinks the 8x8 image to nothing",
    ),
    (lambda w: w.add_figure("f", np.zeros(3)), TypeError, "figure must be a matplotlib"),
    (lambda w: w.add_figure("f", []), ValueError, "empty list"),
    (lambda w: w.add_figure("f", [_figure(2), "x"]), TypeError, r"figure\[1\] must be"),
    (
        lambda w: w.add_figure("f", [_figure(2), _figure(3)]),
        ValueError,
        r"\(100, 75\), \(150, 75\)",
    ),
    (
        lambda w: w.add_image_with_boxes("b", np.zeros((3, 8, 8)), np.zeros((1, 4)), labels=5),
        TypeError,
        "labels must be a list of str, got int 5",
    ),
    (lambda w: w.add_video("v", np.zeros((2, 3, 8, 8))), ValueError, r"5 dims.*\(2, 3, 8, 8\)"),
    (lambda w: w.add_video("v", np.zeros((1, 2, 3, 8, 8)), fps=0), ValueError, "fps must be"),
    (lambda w: w.add_video("v", np.zeros((1, 2, 3, 8, 8)), fps="4"), TypeError, "fps must be"),
    (lambda w: w.add_audio("s", np.zeros((2, 100))), ValueError, r"one channel.*\(2, 100\)"),
    (lambda w: w.add_audio("s", np.zeros(0)), ValueError, r"L >= 1; got shape \(0,\)"),
    (lambda w: w.add_audio("s", np.zeros(4), sample_rate=-1), ValueError, "sample_rate"),
    (lambda w: w.add_audio("s", np.zeros(4), sample_rate=0.2), ValueError, "at least 1 Hz"),
    (lambda w: w.add_audio("s", np.zeros(4), sample_rate=True), TypeError, "sample_rate"),
]


@pytest.mark.parametrize(("call", "error", "match"), BAD_CALLS)
def test_bad_input_raises_and_the_writer_keeps_working(
    tmp_path: Path, call: Any, error: type[Exception], match: str
) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_image("before", np.ones((1, 2, 2)), 0)
        with pytest.raises(error, match=match):
            call(w)
        w.add_image("after", np.ones((1, 2, 2)), 1)
    assert [v.tag for _, v in summary_values(tmp_path)] == ["before", "after"]


def test_channels_last_image_with_default_layout_suggests_hwc(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(ValueError, match=r"C must be .*pass dataformats='HWC'"):
            w.add_image("photo", np.zeros((32, 48, 3)))  # H x W x 3, default dataformats 'CHW'
        with pytest.raises(ValueError, match=r"pass dataformats='NHWC'"):
            w.add_images("photos", np.zeros((2, 32, 48, 3)))
        with pytest.raises(ValueError, match=r"C must be 1 \(gray\), 3 \(RGB\) or 4 \(RGBA\)$"):
            w.add_image("odd", np.zeros((32, 3, 48)))  # no layout fits: no hint
        w.add_image("photo", np.zeros((32, 48, 3)), dataformats="HWC")
