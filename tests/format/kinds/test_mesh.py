from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from tests.conftest import Golden
from trainboard.format.kinds import mesh
from trainboard.format.proto.summary_pb2 import Summary

RNG = np.random.default_rng(0)
VERTICES = RNG.random((2, 5, 3))
COLORS = RNG.integers(0, 256, (2, 5, 3)).astype(np.uint8)
FACES = RNG.integers(0, 5, (2, 4, 3)).astype(np.int32)
CONFIG = {"material": {"size": 0.1}, "camera": {"fov": 75, "cls": "PerspectiveCamera"}}


def _torch_mesh(*args: Any) -> Summary:
    torch = pytest.importorskip("torch")
    summary = pytest.importorskip("torch.utils.tensorboard.summary")
    tensors = [None if a is None else torch.as_tensor(a) for a in args[1:4]]
    return Summary.FromString(summary.mesh(args[0], *tensors, args[4]).SerializeToString())


@pytest.mark.parametrize(
    ("colors", "faces", "config"),
    [(COLORS, FACES, CONFIG), (None, None, None), (COLORS, None, None), (None, FACES, {"a": [1]})],
)
def test_values_equal_torch_summary_mesh(colors: Any, faces: Any, config: Any) -> None:
    ours = mesh.mesh_values("cloud", VERTICES, colors, faces, mesh.json_config(config))
    assert Summary(value=ours) == _torch_mesh("cloud", VERTICES, colors, faces, config)


def test_values_match_golden(golden: Golden) -> None:
    vertices = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0]]], dtype=np.float32)
    colors = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], dtype=np.uint8)
    faces = np.array([[[0, 1, 2]]])
    values = mesh.mesh_values("tri", vertices, colors, faces, mesh.json_config(CONFIG))
    golden.check("mesh_values", Summary(value=values))


def test_tags_and_bitmask_agree_with_tensorboard() -> None:
    from tensorboard.plugins.mesh import metadata

    for content_type in (mesh.VERTEX, mesh.FACE, mesh.COLOR):
        assert mesh.instance_tag("m", content_type) == metadata.get_instance_name("m", content_type)
    for parts in ([mesh.VERTEX], [mesh.VERTEX, mesh.COLOR], [mesh.VERTEX, mesh.FACE, mesh.COLOR]):
        assert mesh.components_bitmask(parts) == metadata.get_components_bitmask(parts)
    values = mesh.mesh_values("m", VERTICES, COLORS, None)
    assert [v.tag for v in values] == ["m_VERTEX", "m_COLOR"]
    parsed = metadata.parse_plugin_metadata(values[1].metadata.plugin_data.content)
    assert (parsed.name, parsed.content_type, parsed.components) == ("m", mesh.COLOR, 0b1010)
    assert list(parsed.shape) == [2, 5, 3]


def test_decode_groups_parts_by_mesh() -> None:
    values = mesh.mesh_values("a", VERTICES, COLORS, FACES, mesh.json_config(CONFIG))
    values += mesh.mesh_values("b", VERTICES[:1])
    values.append(Summary.Value(tag="other", simple_value=1.0))  # not a mesh: skipped
    decoded = mesh.decode(values)
    assert set(decoded) == {"a", "b"}
    a = decoded["a"]
    assert a.vertices is not None and a.faces is not None and a.colors is not None
    np.testing.assert_array_equal(a.vertices, VERTICES.astype(np.float32))
    np.testing.assert_array_equal(a.faces, FACES)
    assert a.faces.dtype == np.int32 and a.colors.dtype == np.uint8
    np.testing.assert_array_equal(a.colors, COLORS)
    assert a.config == CONFIG
    assert decoded["b"].faces is None and decoded["b"].colors is None and decoded["b"].config == {}


def test_parse_plugin_data_fills_a_missing_bitmask() -> None:
    value = mesh.mesh_values("a", VERTICES)[0]
    data = mesh.parse_plugin_data(value.metadata.plugin_data.content)
    assert data.components == 1 << mesh.VERTEX
    data.components = 0
    assert mesh.parse_plugin_data(data.SerializeToString()).components == 0b1110


def test_json_config_is_sorted_and_checked() -> None:
    assert mesh.json_config(None) == "{}"
    assert mesh.json_config(CONFIG) == json.dumps(CONFIG, sort_keys=True)
    with pytest.raises(TypeError, match=r"config_dict must be a dict.*got list"):
        mesh.json_config([1])
    with pytest.raises(TypeError, match="config_dict must be JSON-serializable"):
        mesh.json_config({"camera": object()})
