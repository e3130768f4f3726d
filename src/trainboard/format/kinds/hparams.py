"""Hyperparameters (``add_hparams``): three metadata-only values in a session run.

torch's ``add_hparams`` writes, into the sub-run that becomes the hparams
dashboard's *session*, three values with no payload whose
``metadata.plugin_data.content`` is an ``HParamsPluginData``:

- ``_hparams_/experiment``: an ``Experiment`` declaring each hyperparameter (name,
  type, optional discrete domain) and each metric (a scalar tag);
- ``_hparams_/session_start_info``: the session's hyperparameter values;
- ``_hparams_/session_end_info``: ``STATUS_SUCCESS``.

Each metric is then written as an ordinary scalar in the same run: the dashboard
shows the latest value of tag ``MetricName.tag`` in run ``<session>/<group>``
(the session run itself when the group is empty, as here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from google.protobuf import struct_pb2

from trainboard.format.proto.hparams_pb2 import (
    DataType,
    Experiment,
    HParamInfo,
    HParamsPluginData,
    MetricInfo,
    MetricName,
    SessionEndInfo,
    SessionStartInfo,
    Status,
)
from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata

__all__ = [
    "EXPERIMENT_TAG",
    "PLUGIN_NAME",
    "SESSION_END_INFO_TAG",
    "SESSION_START_INFO_TAG",
    "VERSION",
    "HParam",
    "HParamValue",
    "experiment_value",
    "parse_plugin_data",
    "session_end_value",
    "session_hparams",
    "session_start_value",
    "value_to_python",
]

PLUGIN_NAME = "hparams"
VERSION = 0
EXPERIMENT_TAG = "_hparams_/experiment"
SESSION_START_INFO_TAG = "_hparams_/session_start_info"
SESSION_END_INFO_TAG = "_hparams_/session_end_info"

HParamValue = float | str | bool


@dataclass(frozen=True)
class HParam:
    """One hyperparameter, already normalized: its type follows ``value``'s Python type.

    ``float`` is ``DATA_TYPE_FLOAT64``, ``str`` ``DATA_TYPE_STRING`` and ``bool``
    ``DATA_TYPE_BOOL``. ``domain`` lists the discrete values it can take, if known.
    """

    name: str
    value: HParamValue
    domain: Sequence[HParamValue] | None = None


def _proto_value(value: HParamValue) -> struct_pb2.Value:
    if isinstance(value, bool):
        return struct_pb2.Value(bool_value=value)
    if isinstance(value, str):
        return struct_pb2.Value(string_value=value)
    return struct_pb2.Value(number_value=value)


def _data_type(value: HParamValue) -> int:
    if isinstance(value, bool):
        return DataType.DATA_TYPE_BOOL
    if isinstance(value, str):
        return DataType.DATA_TYPE_STRING
    return DataType.DATA_TYPE_FLOAT64


def _value(tag: str, data: HParamsPluginData) -> Summary.Value:
    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(
            plugin_name=PLUGIN_NAME, content=data.SerializeToString()
        )
    )
    return Summary.Value(tag=tag, metadata=metadata)


def experiment_value(hparams: Sequence[HParam], metric_tags: Sequence[str]) -> Summary.Value:
    """The ``_hparams_/experiment`` value declaring ``hparams`` and the metrics ``metric_tags``."""
    infos = []
    for hparam in hparams:
        domain = None
        if hparam.domain is not None:
            domain = struct_pb2.ListValue(values=[_proto_value(d) for d in hparam.domain])
        infos.append(
            HParamInfo(
                name=hparam.name,
                type=_data_type(hparam.value),  # type: ignore[arg-type]
                domain_discrete=domain,
            )
        )
    metrics = [MetricInfo(name=MetricName(tag=tag)) for tag in metric_tags]
    experiment = Experiment(hparam_infos=infos, metric_infos=metrics)
    return _value(EXPERIMENT_TAG, HParamsPluginData(experiment=experiment, version=VERSION))


def session_start_value(hparams: Sequence[HParam]) -> Summary.Value:
    """The ``_hparams_/session_start_info`` value holding the session's hyperparameter values."""
    start = SessionStartInfo()
    for hparam in hparams:
        start.hparams[hparam.name].CopyFrom(_proto_value(hparam.value))
    return _value(
        SESSION_START_INFO_TAG, HParamsPluginData(session_start_info=start, version=VERSION)
    )


def session_end_value(status: str = "STATUS_SUCCESS") -> Summary.Value:
    """The ``_hparams_/session_end_info`` value with ``status`` (a ``Status`` enum name)."""
    end = SessionEndInfo(status=Status.Value(status))  # type: ignore[arg-type]
    return _value(SESSION_END_INFO_TAG, HParamsPluginData(session_end_info=end, version=VERSION))


def parse_plugin_data(content: bytes) -> HParamsPluginData:
    """The ``HParamsPluginData`` in an hparams value's ``metadata.plugin_data.content``.

    Its ``data`` oneof says which of the three it is: ``experiment``,
    ``session_start_info`` or ``session_end_info``.
    """
    data = HParamsPluginData()
    data.ParseFromString(content)
    return data


def value_to_python(value: struct_pb2.Value) -> HParamValue | None:
    """A ``google.protobuf.Value`` hyperparameter as a Python number, string or bool."""
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        return float(value.number_value)
    if kind == "string_value":
        return str(value.string_value)
    if kind == "bool_value":
        return bool(value.bool_value)
    return None


def session_hparams(start: SessionStartInfo) -> dict[str, HParamValue | None]:
    """A session's hyperparameters as ``{name: value}``."""
    return {name: value_to_python(v) for name, v in start.hparams.items()}
