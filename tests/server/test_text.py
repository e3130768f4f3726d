"""The text routes over a logdir written by trainboard and by torch.utils.tensorboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient

from tests.server.support import get_json as _get
from tests.support import tb_accumulator
from trainboard import SummaryWriter
from trainboard.format.kinds.tensor import ndarray_to_tensor
from trainboard.format.kinds.text import PLUGIN_NAME
from trainboard.format.proto.plugin_data_pb2 import TextPluginData
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
from trainboard.server.app import openapi_document
from trainboard.server.routes import text as text_routes

MARKDOWN = "# Title\n\n```python\nprint('hi')\n```\n"
TABLE = [["a", "**b**"], ["c", "d"], ["e", "f"]]
CUBE = [[["x0", "y0"], ["z0", "w0"]], [["x1", "y1"], ["z1", "w1"]]]


def text_summary(tag: str, array: Any) -> Summary:
    """A text value holding any string array, as TensorBoard's ``text_summary.pb`` makes it."""
    content = TextPluginData(version=0).SerializeToString()
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME, content=content)
    )
    value = Summary.Value(tag=tag, metadata=metadata, tensor=ndarray_to_tensor(np.asarray(array)))
    return Summary(value=[value])


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("text")
    with SummaryWriter(root / "ours", capture_environment=False) as w:
        for step in (0, 10, 20):
            w.add_text("notes", f"step {step}\n\n" + MARKDOWN, step)
        w.add_text("notes", "rewritten", 10)  # a step logged twice: the last one counts
        assert w.file_writer is not None
        w.file_writer.add_summary(text_summary("table", TABLE), 3)
        w.file_writer.add_summary(text_summary("table", [["only"]]), 4)
        w.file_writer.add_summary(text_summary("cube", CUBE), 0)
        w.file_writer.add_summary(text_summary("column", ["p", "q", "r"]), 0)
        w.file_writer.add_summary(text_summary("empty", np.empty((0, 2, 2), dtype=object)), 0)
        w.file_writer.add_summary(text_summary("scalar_string", np.array("just one")), 0)
        w.file_writer.add_summary(text_summary("bad_utf8", [b"ok \xff"]), 0)
        w.file_writer.add_summary(text_summary("big", [["c"] * 300] * 100), 0)
        w.add_scalar("loss", 1.0, 0)
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    with torch_tb.SummaryWriter(str(root / "torch")) as tw:
        tw.add_text("notes", MARKDOWN, 7)
    return root


def _error(client: TestClient, path: str, status: int, **params: Any) -> str:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    return message


def test_text_tags_are_listed_under_the_text_kind(client: TestClient) -> None:
    tags = _get(client, "/api/tags", kind="text")["tags"]
    assert set(tags["ours"]) == {
        "notes/text_summary",
        "table",
        "cube",
        "column",
        "scalar_string",
        "bad_utf8",
        "big",
        "empty",
    }
    assert tags["torch"]["notes/text_summary"]["last_step"] == 7


def test_steps_lists_every_step_once_with_the_users_tag(client: TestClient) -> None:
    body = _get(client, "/api/text/steps", run="ours", tag="notes/text_summary")
    assert body["display_tag"] == "notes"
    assert body["steps"] == [0, 10, 20]
    assert len(body["wall_times"]) == 3 and all(t > 1.6e9 for t in body["wall_times"])


def test_a_step_of_add_text_is_its_markdown_as_written(client: TestClient) -> None:
    latest = _get(client, "/api/text", run="ours", tag="notes/text_summary")
    assert latest["step"] == 20 and latest["markdown"] == "step 20\n\n" + MARKDOWN
    assert latest["table"] is None and latest["shape"] == [1]
    assert (
        _get(client, "/api/text", run="ours", tag="notes/text_summary", step=10)["markdown"]
        == "rewritten"
    )
    # A step no longer there (purged since the page asked): the closest one before it.
    assert _get(client, "/api/text", run="ours", tag="notes/text_summary", step=15)["step"] == 10
    assert _get(client, "/api/text", run="ours", tag="notes/text_summary", step=-5)["step"] == 0


def test_torch_text_reads_as_tensorboard_reads_it(client: TestClient, logdir: Path) -> None:
    body = _get(client, "/api/text", run="torch", tag="notes/text_summary")
    acc = tb_accumulator(logdir / "torch")
    from tensorboard.util import tensor_util

    (event,) = acc.Tensors("notes/text_summary")
    written = tensor_util.make_ndarray(event.tensor_proto)
    assert body["markdown"] == written[0].decode() == MARKDOWN
    assert body["step"] == event.step == 7 and body["wall_time"] == event.wall_time


def test_two_dimensional_strings_are_a_table_of_cells(client: TestClient) -> None:
    body = _get(client, "/api/text", run="ours", tag="table", step=3)
    assert body["markdown"] is None and body["table"] == TABLE
    assert body["shape"] == [3, 2] and body["total_rows"] == 3 and body["sliced"] is False
    assert _get(client, "/api/text", run="ours", tag="table")["table"] == [["only"]]
    column = _get(client, "/api/text", run="ours", tag="column")
    assert column["table"] == [["p"], ["q"], ["r"]]  # one column, as TensorBoard's make_table


def test_higher_ranks_show_their_first_two_dimensional_slice(client: TestClient) -> None:
    body = _get(client, "/api/text", run="ours", tag="cube")
    assert body["sliced"] is True and body["shape"] == [2, 2, 2]
    assert body["table"] == CUBE[0]
    from tensorboard.plugins.text.text_plugin import reduce_to_2d

    assert body["table"] == reduce_to_2d(np.array(CUBE)).tolist()
    empty = _get(client, "/api/text", run="ours", tag="empty")
    assert empty["shape"] == [0, 2, 2] and empty["table"] == [] and empty["sliced"] is True


def test_rank_zero_strings_and_bad_utf8(client: TestClient) -> None:
    assert _get(client, "/api/text", run="ours", tag="scalar_string")["markdown"] == "just one"
    assert _get(client, "/api/text", run="ours", tag="bad_utf8")["markdown"] == "ok \ufffd"


def test_huge_tables_are_cut_after_whole_rows(client: TestClient) -> None:
    body = _get(client, "/api/text", run="ours", tag="big")
    assert body["total_rows"] == 100
    assert len(body["table"]) == text_routes.MAX_CELLS // 300
    assert all(len(row) == 300 for row in body["table"])


@pytest.mark.parametrize(
    ("path", "params", "status", "needle"),
    [
        ("/api/text", {"tag": "table"}, 400, "'run'"),
        ("/api/text/steps", {"run": "ours"}, 400, "'tag'"),
        ("/api/text", {"run": "ours", "tag": "table", "step": "last"}, 400, "step='last'"),
        ("/api/text", {"run": "nope", "tag": "table"}, 404, "'nope'"),
        ("/api/text/steps", {"run": "ours", "tag": "missing"}, 404, "'missing'"),
        ("/api/text", {"run": "ours", "tag": "loss"}, 404, "no text tag 'loss'"),
    ],
)
def test_bad_requests_name_what_is_wrong(
    client: TestClient, path: str, params: dict[str, Any], status: int, needle: str
) -> None:
    assert needle in _error(client, path, status, **params)


def test_routes_are_in_the_openapi_document() -> None:
    paths = openapi_document()["paths"]
    assert {"/api/text", "/api/text/steps"} <= set(paths)


def test_display_tag_strips_only_the_suffix() -> None:
    assert text_routes.display_tag("a/b/text_summary") == "a/b"
    assert text_routes.display_tag("/text_summary") == "/text_summary"
    assert text_routes.display_tag("plain") == "plain"
