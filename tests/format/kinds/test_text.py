from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import Golden
from trainboard.format.kinds import text
from trainboard.format.kinds.tensor import ndarray_to_tensor
from trainboard.format.proto.summary_pb2 import Summary


def _torch_text(tag: str, string: str) -> Summary:
    summary = pytest.importorskip("torch.utils.tensorboard.summary")
    return Summary.FromString(summary.text(tag, string).SerializeToString())


@pytest.mark.parametrize(
    "string", ["hello", "", "**bold** and `code`", "ünïcödé ✓ 日本", "a\nb\n\n| x | y |\n|---|---|"]
)
def test_value_equals_torch_summary_text(string: str) -> None:
    assert Summary(value=[text.text_value("notes", string)]) == _torch_text("notes", string)


def test_value_matches_golden(golden: Golden) -> None:
    golden.check("text_value", text.text_value("run/notes", "lr **0.1** ✓"))


def test_tag_metadata_and_tensor_layout() -> None:
    value = text.text_value("a/b", "x")
    assert value.tag == "a/b/text_summary"
    assert value.metadata.plugin_data.plugin_name == text.PLUGIN_NAME == "text"
    assert [d.size for d in value.tensor.tensor_shape.dim] == [1]


def test_decode_round_trips_strings() -> None:
    for string in ["hello", "", "ünïcödé ✓"]:
        assert text.decode(text.text_value("t", string)) == string


def test_decode_returns_tables_as_nested_lists() -> None:
    table = np.array([["a", "b"], ["ç", "d"]])
    value = Summary.Value(tag="t", tensor=ndarray_to_tensor(table))
    assert text.decode(value) == [["a", "b"], ["ç", "d"]]
    assert text.decode_tensor(ndarray_to_tensor(np.array(["x", "y"]))) == ["x", "y"]
    assert text.decode_tensor(ndarray_to_tensor(np.array("scalar"))) == "scalar"
    assert text.decode_tensor(ndarray_to_tensor(np.zeros((2, 0), dtype=str))) == [[], []]


def test_decode_replaces_invalid_utf8() -> None:
    value = text.text_value("t", "ok")
    value.tensor.string_val[0] = b"bad \xff"
    assert text.decode(value) == "bad \ufffd"


def test_decode_rejects_non_text() -> None:
    with pytest.raises(ValueError, match="DT_STRING"):
        text.decode_tensor(ndarray_to_tensor(np.zeros(2, dtype=np.float32)))
    with pytest.raises(ValueError, match=r"'t'.*no tensor"):
        text.decode(Summary.Value(tag="t", simple_value=1.0))


def test_tensorboard_renders_our_tensor_as_markdown() -> None:
    from tensorboard.plugins.text import text_plugin
    from tensorboard.util import tensor_util

    value = text.text_value("t", "hello **world**")
    array = tensor_util.make_ndarray(value.tensor)
    html = text_plugin.text_array_to_html(array, enable_markdown=True)
    assert "<p>hello <strong>world</strong></p>" in html
