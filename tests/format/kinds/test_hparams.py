from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Golden
from trainboard.format.kinds import hparams
from trainboard.format.kinds.hparams import HParam
from trainboard.format.proto.hparams_pb2 import DataType, HParamsPluginData
from trainboard.format.proto.summary_pb2 import Summary

# What torch makes of {"lr": 0.1, "layers": 3, "optimizer": "adam", "amsgrad": True, "seed": None}
# with the domain {"optimizer": ["adam", "sgd"], "layers": [2, 3]}: ints and bools become numbers.
OURS = [
    HParam("lr", 0.1),
    HParam("layers", 3.0, [2.0, 3.0]),
    HParam("optimizer", "adam", ["adam", "sgd"]),
    HParam("amsgrad", 1.0),
]
TORCH_ARGS: tuple[dict[str, Any], dict[str, Any], dict[str, list[Any]]] = (
    {"lr": 0.1, "layers": 3, "optimizer": "adam", "amsgrad": True, "seed": None},
    {"hparam/accuracy": 0.9, "hparam/loss": 0.1},
    {"optimizer": ["adam", "sgd"], "layers": [2, 3]},
)


def _split(value: Any) -> tuple[Summary.Value, HParamsPluginData]:
    """The value with its content cleared, and the content parsed (map order may differ)."""
    ours = Summary.Value.FromString(value.SerializeToString())
    content = hparams.parse_plugin_data(ours.metadata.plugin_data.content)
    ours.metadata.plugin_data.content = b""
    return ours, content


def test_values_equal_torch_summary_hparams() -> None:
    summary = pytest.importorskip("torch.utils.tensorboard.summary")
    exp, ssi, sei = summary.hparams(*TORCH_ARGS)
    ours = [
        hparams.experiment_value(OURS, list(TORCH_ARGS[1])),
        hparams.session_start_value(OURS),
        hparams.session_end_value(),
    ]
    for mine, theirs in zip(ours, (exp, ssi, sei), strict=True):
        assert len(theirs.value) == 1
        assert _split(mine) == _split(theirs.value[0])


def test_values_match_golden(golden: Golden) -> None:
    values = [
        hparams.experiment_value(OURS, ["hparam/accuracy"]),
        hparams.session_start_value(OURS),
        hparams.session_end_value(),
    ]
    for name, value in zip(("experiment", "session_start", "session_end"), values, strict=True):
        shell, content = _split(value)
        golden.check(f"hparams_{name}_value", shell)
        golden.check(f"hparams_{name}_content", content)


def test_bool_and_string_types_and_domains() -> None:
    value = hparams.experiment_value(
        [HParam("flag", True, [True, False]), HParam("name", "x")], ["m"]
    )
    info = hparams.parse_plugin_data(value.metadata.plugin_data.content).experiment.hparam_infos
    assert [i.type for i in info] == [DataType.DATA_TYPE_BOOL, DataType.DATA_TYPE_STRING]
    assert [v.bool_value for v in info[0].domain_discrete.values] == [True, False]
    assert not info[1].HasField("domain_discrete")


def test_tensorboard_protos_parse_ours() -> None:
    from tensorboard.plugins.hparams import metadata

    start = hparams.session_start_value(OURS)
    assert start.tag == metadata.SESSION_START_INFO_TAG
    assert start.metadata.plugin_data.plugin_name == metadata.PLUGIN_NAME
    theirs = metadata.parse_session_start_info_plugin_data(start.metadata.plugin_data.content)
    assert theirs.hparams["optimizer"].string_value == "adam"
    assert theirs.hparams["layers"].number_value == 3
    experiment = metadata.parse_experiment_plugin_data(
        hparams.experiment_value(OURS, ["m/a", "m/b"]).metadata.plugin_data.content
    )
    assert [m.name.tag for m in experiment.metric_infos] == ["m/a", "m/b"]
    assert [h.name for h in experiment.hparam_infos] == ["lr", "layers", "optimizer", "amsgrad"]
    end = metadata.parse_session_end_info_plugin_data(
        hparams.session_end_value("STATUS_FAILURE").metadata.plugin_data.content
    )
    assert end.status == 2


def test_session_hparams_decodes_values() -> None:
    data = hparams.parse_plugin_data(
        hparams.session_start_value([*OURS, HParam("b", False)]).metadata.plugin_data.content
    )
    assert data.WhichOneof("data") == "session_start_info"
    assert hparams.session_hparams(data.session_start_info) == {
        "lr": 0.1,
        "layers": 3.0,
        "optimizer": "adam",
        "amsgrad": 1.0,
        "b": False,
    }
    from google.protobuf import struct_pb2

    assert hparams.value_to_python(struct_pb2.Value()) is None
