"""The HParams route over sessions written by trainboard, by torch and by hand (metric groups).

What it answers is checked against TensorBoard's own hparams backend (list_session_groups)
over the same logdir, except where we deliberately differ: columns are the union over
every experiment and session, not the first experiment's.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from starlette.testclient import TestClient

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.format.kinds import hparams as kind
from trainboard.format.proto.hparams_pb2 import (
    Experiment,
    HParamsPluginData,
    MetricInfo,
    MetricName,
    SessionStartInfo,
)
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
from trainboard.server.app import create_app, openapi_document
from trainboard.server.routes.hparams import hparams_impl, json_number
from trainboard.writer.file_writer import FileWriter


def _hparams_summary(tag: str, data: HParamsPluginData) -> Summary:
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(
            plugin_name=kind.PLUGIN_NAME, content=data.SerializeToString()
        )
    )
    return Summary(value=[Summary.Value(tag=tag, metadata=metadata)])


def write_grouped_session(run_dir: Path, *, declare: bool = True) -> None:
    """A session whose metric lives in the sub-run ``eval`` (MetricName.group), as TF writes."""
    writer = FileWriter(str(run_dir))
    if declare:
        experiment = Experiment(
            metric_infos=[MetricInfo(name=MetricName(group="eval", tag="loss"))]
        )
        writer.add_summary(
            _hparams_summary(kind.EXPERIMENT_TAG, HParamsPluginData(experiment=experiment))
        )
    start = SessionStartInfo(group_name="")
    start.hparams["lr"].number_value = 1.0
    start.hparams["arch"].string_value = "resnet"
    writer.add_summary(
        _hparams_summary(kind.SESSION_START_INFO_TAG, HParamsPluginData(session_start_info=start))
    )
    writer.close()
    with SummaryWriter(run_dir) as w:
        w.add_scalar("loss", 9.0, 0)  # the session's own "loss": not the metric
    with SummaryWriter(run_dir / "eval") as w:
        for step, value in enumerate((3.0, 2.0, 1.0)):
            w.add_scalar("loss", value, step)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    root = tmp_path_factory.mktemp("hparams")
    with SummaryWriter(root / "ours") as w:
        w.add_scalar("loss", 0.5, 0)
        w.add_hparams(
            {"lr": 0.1, "opt": "sgd"},
            {"hparam/acc": 0.8},
            hparam_domain_discrete={"opt": ["sgd", "adam"]},
            run_name="a",
        )
        w.add_hparams(
            {"lr": 0.01, "dropout": 0.5},
            {"hparam/acc": 0.9, "hparam/loss": math.nan},
            run_name="b",
        )
    with SummaryWriter(root / "ours" / "a") as w:  # a later value: the latest is shown
        w.add_scalar("hparam/acc", 0.95, 10)
    torch_writer = torch_tb.SummaryWriter(str(root / "torch"))
    torch_writer.add_hparams(
        {"lr": 0.5, "bsize": 8, "flag": True}, {"hparam/acc": 0.7}, run_name="t"
    )
    torch_writer.close()
    write_grouped_session(root / "grouped")
    return root


@pytest.fixture(scope="module")
def answer(logdir: Path) -> Iterator[dict[str, Any]]:
    provider = LogdirProvider(logdir, use_cache=False)
    app = create_app(provider, logdir=str(logdir), reload_interval=0)
    with TestClient(app) as client:
        app.state.hub.provider.reload()
        response = client.get("/api/hparams")
        assert response.status_code == 200
        yield response.json()


def _session(answer: dict[str, Any], run: str) -> dict[str, Any]:
    return next(s for s in answer["sessions"] if s["run"] == run)


def _metric(answer: dict[str, Any], session: str, tag: str, group: str = "") -> Any:
    index = next(
        i for i, m in enumerate(answer["metrics"]) if m["tag"] == tag and m["group"] == group
    )
    return _session(answer, session)["metrics"][index]


def _tensorboard_sessions(logdir: Path) -> dict[str, Any]:
    """TensorBoard's hparams backend over the logdir: session name -> Session proto."""
    from tensorboard import context
    from tensorboard.backend.event_processing import data_provider as dp
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.hparams import api_pb2, backend_context, list_session_groups

    mux = pem.EventMultiplexer()
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    tb_context = base_plugin.TBContext(
        logdir=str(logdir), multiplexer=mux, data_provider=dp.MultiplexerDataProvider(mux, "")
    )
    request = api_pb2.ListSessionGroupsRequest(
        start_index=0, slice_size=1000, allowed_statuses=[0, 1, 2, 3]
    )
    handler = list_session_groups.Handler(
        context.RequestContext(), backend_context.Context(tb_context), "", request
    )
    groups = handler.run().session_groups
    return {session.name: (group, session) for group in groups for session in group.sessions}


def test_one_session_per_session_run(answer: dict[str, Any]) -> None:
    runs = [s["run"] for s in answer["sessions"]]
    assert runs == ["grouped", "ours/a", "ours/b", "torch/t"]
    assert _session(answer, "ours/a")["parent"] == "ours"
    assert _session(answer, "torch/t")["parent"] == "torch"
    assert _session(answer, "grouped")["parent"] is None  # a session run of its own
    assert _session(answer, "ours/a")["status"] == "success"
    assert _session(answer, "grouped")["status"] is None  # it wrote no session_end_info


def test_columns_are_the_union_over_experiments_and_sessions(answer: dict[str, Any]) -> None:
    columns = {c["name"]: c for c in answer["hparams"]}
    assert list(columns) == ["lr", "opt", "dropout", "bsize", "flag", "arch"]
    assert columns["lr"]["type"] == "number"
    assert columns["opt"]["type"] == "string"
    assert columns["opt"]["domain"] == ["sgd", "adam"]
    assert columns["arch"]["type"] == "string"  # undeclared: typed from its values
    assert columns["flag"]["type"] == "number"  # torch writes bools as numbers
    metrics = [(m["group"], m["tag"]) for m in answer["metrics"]]
    assert metrics == [("eval", "loss"), ("", "hparam/acc"), ("", "hparam/loss")]


def test_values_and_metrics_equal_tensorboards_backend(
    answer: dict[str, Any], logdir: Path
) -> None:
    expected = _tensorboard_sessions(logdir)
    assert sorted(expected) == [s["run"] for s in answer["sessions"]]
    for ours in answer["sessions"]:
        group, session = expected[ours["run"]]
        hparams = {k: kind.value_to_python(v) for k, v in group.hparams.items()}
        assert ours["hparams"] == hparams
        for metric in session.metric_values:
            got = _metric(answer, ours["run"], metric.name.tag, metric.name.group)
            assert got is not None
            assert got["value"] == json_number(metric.value)
            assert got["wall_time"] == metric.wall_time_secs
            assert got["step"] == metric.training_step
    # TensorBoard shows only the first experiment's columns; the union holds them all.
    first_tb_columns = set(_session(answer, "grouped")["hparams"])
    assert first_tb_columns <= {c["name"] for c in answer["hparams"]}


def test_metric_is_the_latest_value_in_the_metric_group_run(answer: dict[str, Any]) -> None:
    assert _metric(answer, "ours/a", "hparam/acc")["value"] == pytest.approx(0.95)
    assert _metric(answer, "ours/a", "hparam/acc")["step"] == 10
    grouped = _metric(answer, "grouped", "loss", "eval")
    assert (grouped["value"], grouped["step"]) == (1.0, 2)  # not the session's own "loss" 9.0
    assert _metric(answer, "ours/a", "hparam/loss") is None  # not logged by that session
    assert _metric(answer, "ours/b", "hparam/loss")["value"] == "NaN"


def test_without_a_declaration_metrics_are_the_scalars_below_sessions(tmp_path: Path) -> None:
    write_grouped_session(tmp_path / "s", declare=False)
    with SummaryWriter(tmp_path / "other") as w:  # not under a session: no metric
        w.add_scalar("unrelated", 1.0, 0)
    provider = LogdirProvider(tmp_path, use_cache=False)
    provider.reload()
    answer = hparams_impl(provider)
    assert [(m["group"], m["tag"]) for m in answer["metrics"]] == [("", "loss"), ("eval", "loss")]
    metrics = cast(list[dict[str, Any]], answer["sessions"][0]["metrics"])
    assert [m["value"] for m in metrics] == [9.0, 1.0]


def test_an_empty_logdir_has_no_sessions(tmp_path: Path) -> None:
    provider = LogdirProvider(tmp_path, use_cache=False)
    provider.reload()
    assert hparams_impl(provider) == {"hparams": [], "metrics": [], "sessions": []}


def test_non_finite_numbers_are_strings() -> None:
    assert [json_number(v) for v in (1.5, math.nan, math.inf, -math.inf)] == [
        1.5,
        "NaN",
        "Infinity",
        "-Infinity",
    ]


def test_route_is_in_the_openapi_document() -> None:
    assert "/api/hparams" in openapi_document()["paths"]
