"""Round trips through what the data layer keeps: encode -> migrated array/blobs -> decode.

The data layer stores each point as TensorBoard's readers migrate it and reads it back
through the kind's own functions (``decode_array``, ``decode_blobs``, ``clips``...);
these tests pin that each kind reads back what it wrote in that form.
"""

from __future__ import annotations

import numpy as np
import pytest

from trainboard._native import histogram_cpu
from trainboard.format.kinds import audio, custom_scalars, histogram, image, mesh, pr_curve, text
from trainboard.format.kinds.tensor import tensor_to_ndarray
from trainboard.format.proto.summary_pb2 import HistogramProto


def test_histogram_decodes_to_either_dtype_with_the_same_numbers() -> None:
    values = np.random.default_rng(1).standard_normal(200)
    proto = histogram.histogram_proto(histogram_cpu.count(values, 7))
    wide = histogram.histogram_to_buckets(proto)
    narrow = histogram.histogram_to_buckets(proto, np.float32)
    assert wide.dtype == np.float64 and narrow.dtype == np.float32
    assert narrow.flags.c_contiguous and narrow.shape == wide.shape
    np.testing.assert_array_equal(narrow, wide.astype(np.float32))
    value = histogram.histogram_value("h", proto)
    np.testing.assert_array_equal(histogram.decode(value, np.float32), narrow)
    assert histogram.histogram_to_buckets(HistogramProto(), np.float32).dtype == np.float32


def test_histogram_decode_array_reads_what_the_data_layer_keeps() -> None:
    proto = histogram.histogram_proto(histogram_cpu.count(np.arange(50.0), 5))
    kept = histogram.histogram_to_buckets(proto, np.float32)  # an old-style point
    read = histogram.decode_array(kept)
    assert read.dtype == np.float64 and read.shape == kept.shape
    np.testing.assert_array_equal(read, kept)
    assert histogram.decode_array(np.zeros(6, np.float32)).shape == (2, 3)
    assert histogram.decode_array(np.zeros((0, 3))).shape == (0, 3)
    with pytest.raises(ValueError):
        histogram.decode_array(np.zeros(4))


def test_image_blobs_round_trip() -> None:
    pixels = np.zeros((4, 6, 3), np.uint8)
    value = image.image_value("i", pixels)
    blobs = image.migrate(value.image)
    assert blobs.dtype == object and blobs.tolist()[:2] == [b"6", b"4"]
    assert image.RESERVED_BLOBS == 2
    assert image.recorded_size(blobs.tolist()) == (6, 4)
    (decoded,) = image.decode_blobs(blobs.tolist())
    assert (decoded.width, decoded.height) == (6, 4)
    assert decoded.data == value.image.encoded_image_string
    assert image.decode(value) == [decoded]


def test_image_blobs_without_a_size_are_refused() -> None:
    assert image.recorded_size([b"wide", b"4", b"png"]) is None
    assert image.recorded_size([b"6"]) is None
    with pytest.raises(ValueError, match="width and height"):
        image.decode_blobs([b"x", b"y", b"png"])
    several = image.decode_blobs([b"2", b"3", b"a", b"b"])
    assert [(i.width, i.height, i.data) for i in several] == [(2, 3, b"a"), (2, 3, b"b")]


def test_image_migration_matches_tensorboard() -> None:
    data_compat = pytest.importorskip("tensorboard.data_compat")
    value = image.image_value("i", np.full((2, 5, 3), 7, np.uint8))
    theirs = tensor_to_ndarray(data_compat.migrate_value(value).tensor)
    assert image.migrate(value.image).tolist() == theirs.tolist()


def test_audio_clips_round_trip() -> None:
    pcm, _ = audio.to_pcm16(np.linspace(-1, 1, 100))
    value = audio.audio_value("a", pcm, 8000)
    pairs = audio.migrate(value.audio)
    assert pairs.shape == (1, 2) and pairs[0, 1] == b""
    clips = audio.clips(pairs)
    assert clips.tolist() == [value.audio.encoded_audio_string]
    assert audio.RESERVED_BLOBS == 0
    samples, rate = audio.decode_wav(clips[0])
    assert rate == 8000 and samples.shape == (100, 1)
    rows = np.array([[b"one", b"l1"], [b"two", b"l2"]], dtype=object)
    assert audio.clips(rows).tolist() == [b"one", b"two"]
    assert audio.clips(np.array([b"x"], dtype=object)).tolist() == [b"x"]


def test_audio_migration_matches_tensorboard() -> None:
    data_compat = pytest.importorskip("tensorboard.data_compat")
    pcm, _ = audio.to_pcm16(np.zeros(10))
    value = audio.audio_value("a", pcm, 100)
    theirs = tensor_to_ndarray(data_compat.migrate_value(value).tensor)
    assert audio.migrate(value.audio).tolist() == theirs.tolist()


def test_text_strings_round_trip() -> None:
    value = text.text_value("note", "héllo **world**")
    kept = tensor_to_ndarray(value.tensor)
    strings = text.decode_strings(kept)
    assert strings.dtype == object and strings.shape == (1,)
    assert strings.tolist() == ["héllo **world**"]
    table = text.decode_strings(np.array([[b"a", b"\xff"], [b"c", 4]], dtype=object))
    assert table.tolist() == [["a", "\ufffd"], ["c", "4"]]
    assert text.display_tag(value.tag) == "note"
    assert text.display_tag(text.TAG_SUFFIX) == text.TAG_SUFFIX


def test_pr_curve_array_round_trip() -> None:
    curve = pr_curve.compute_curve(np.array([True, False, True]), np.array([0.9, 0.2, 0.6]), 5)
    value = pr_curve.curve_value("pr", curve, 5)
    kept = tensor_to_ndarray(value.tensor)
    read = pr_curve.decode_array(kept)
    assert read.dtype == np.float64 and read.shape == (6, 5)
    np.testing.assert_array_equal(read, curve.astype(np.float32))
    decoded = pr_curve.decode(value)
    for row, field in enumerate(pr_curve.FIELDS):
        np.testing.assert_array_equal(decoded[field], read[row])
    for shape in [(3, 4), (6,), (6, 0)]:
        with pytest.raises(ValueError, match=r"\[6, T\]"):
            pr_curve.decode_array(np.zeros(shape))


def test_custom_scalars_layout_round_trip() -> None:
    layout = custom_scalars.layout_proto({"loss": {"both": ["Multiline", ["loss/.*"]]}})
    value = custom_scalars.layout_value(layout)
    kept = tensor_to_ndarray(value.tensor)
    assert custom_scalars.decode_array(kept) == layout
    assert custom_scalars.decode(value) == layout
    for bad in [np.zeros(0, dtype=object), np.array(1.0), np.array([b"\xff\xff"], dtype=object)]:
        with pytest.raises(ValueError):
            custom_scalars.decode_array(bad)


def test_mesh_parts_decode_to_their_part_dtypes() -> None:
    vertices = np.arange(18, dtype=np.float64).reshape(1, 6, 3)
    faces = np.array([[[0, 1, 2], [3, 4, 5]]], dtype=np.float64)
    colors = np.full((1, 6, 3), 200.0)
    decoded = mesh.decode(mesh.mesh_values("m", vertices, colors, faces))["m"]
    parts = {mesh.VERTEX: decoded.vertices, mesh.FACE: decoded.faces, mesh.COLOR: decoded.colors}
    assert set(mesh.PART_NAMES) == set(parts) == set(mesh.PART_DTYPES)
    for content_type, array in parts.items():
        assert array is not None and array.dtype == mesh.PART_DTYPES[content_type]
    np.testing.assert_array_equal(decoded.faces, faces.astype(np.int32))

