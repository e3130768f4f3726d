"""The checked-in generated protobuf code is current, and the field numbers are TensorBoard's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from trainboard.format.proto import event_pb2, summary_pb2

ROOT = Path(__file__).resolve().parents[2]
PROTO_DIR = ROOT / "src" / "trainboard" / "format" / "proto"


def test_generated_code_is_not_stale(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools")
    spec = importlib.util.spec_from_file_location(
        "generate_protos", ROOT / "scripts" / "generate_protos.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.generate(tmp_path)
    assert written, "the generator produced nothing"
    stale = [p.name for p in written if p.read_bytes() != (PROTO_DIR / p.name).read_bytes()]
    assert not stale, f"run `python scripts/generate_protos.py`: stale {stale}"
    checked_in = {p.name for p in PROTO_DIR.glob("*_pb2.py*")}
    assert checked_in == {p.name for p in written}


def test_our_bytes_parse_as_tensorboards_protos() -> None:
    tb_event = pytest.importorskip("tensorboard.compat.proto.event_pb2")
    ours = event_pb2.Event(
        wall_time=1.5,
        step=7,
        summary=summary_pb2.Summary(
            value=[
                summary_pb2.Summary.Value(
                    tag="t",
                    metadata=summary_pb2.SummaryMetadata(
                        plugin_data=summary_pb2.SummaryMetadata.PluginData(
                            plugin_name="x", content=b"c"
                        ),
                        data_class=summary_pb2.DATA_CLASS_TENSOR,
                    ),
                    histo=summary_pb2.HistogramProto(
                        min=1, max=2, num=3, bucket_limit=[1, 2], bucket=[1, 2]
                    ),
                )
            ]
        ),
    )
    theirs = tb_event.Event.FromString(ours.SerializeToString())
    assert theirs.step == 7
    value = theirs.summary.value[0]
    assert value.metadata.plugin_data.plugin_name == "x"
    assert value.metadata.data_class == 2
    assert list(value.histo.bucket_limit) == [1, 2]
    assert theirs.SerializeToString() == ours.SerializeToString()


@pytest.mark.parametrize(
    ("ours_module", "theirs_module", "names"),
    [
        (
            "trainboard.format.proto.event_pb2",
            "tensorboard.compat.proto.event_pb2",
            ["Event", "SessionLog", "TaggedRunMetadata", "SourceMetadata", "LogMessage"],
        ),
        (
            "trainboard.format.proto.summary_pb2",
            "tensorboard.compat.proto.summary_pb2",
            ["Summary", "SummaryMetadata"],
        ),
        (
            "trainboard.format.proto.summary_pb2",
            "tensorboard.compat.proto.histogram_pb2",
            ["HistogramProto"],
        ),
        (
            "trainboard.format.proto.tensor_pb2",
            "tensorboard.compat.proto.tensor_pb2",
            ["TensorProto"],
        ),
        (
            "trainboard.format.proto.tensor_pb2",
            "tensorboard.compat.proto.tensor_shape_pb2",
            ["TensorShapeProto"],
        ),
        ("trainboard.format.proto.graph_pb2", "tensorboard.compat.proto.graph_pb2", ["GraphDef"]),
        ("trainboard.format.proto.graph_pb2", "tensorboard.compat.proto.node_def_pb2", ["NodeDef"]),
        (
            "trainboard.format.proto.graph_pb2",
            "tensorboard.compat.proto.attr_value_pb2",
            ["AttrValue", "NameAttrList"],
        ),
        (
            "trainboard.format.proto.graph_pb2",
            "tensorboard.compat.proto.config_pb2",
            ["RunMetadata"],
        ),
        (
            "trainboard.format.proto.graph_pb2",
            "tensorboard.compat.proto.step_stats_pb2",
            ["StepStats", "DeviceStepStats", "NodeExecStats", "AllocatorMemoryUsed"],
        ),
        (
            "trainboard.format.proto.hparams_pb2",
            "tensorboard.plugins.hparams.api_pb2",
            ["Experiment", "HParamInfo", "Interval", "MetricName", "MetricInfo"],
        ),
        (
            "trainboard.format.proto.hparams_pb2",
            "tensorboard.plugins.hparams.plugin_data_pb2",
            ["HParamsPluginData", "SessionStartInfo", "SessionEndInfo"],
        ),
        (
            "trainboard.format.proto.layout_pb2",
            "tensorboard.plugins.custom_scalar.layout_pb2",
            ["Layout", "Category", "Chart", "MultilineChartContent", "MarginChartContent"],
        ),
        (
            "trainboard.format.proto.plugin_data_pb2",
            "tensorboard.plugins.text.plugin_data_pb2",
            ["TextPluginData"],
        ),
        (
            "trainboard.format.proto.plugin_data_pb2",
            "tensorboard.plugins.pr_curve.plugin_data_pb2",
            ["PrCurvePluginData"],
        ),
        (
            "trainboard.format.proto.plugin_data_pb2",
            "tensorboard.plugins.mesh.plugin_data_pb2",
            ["MeshPluginData"],
        ),
        (
            "trainboard.format.proto.plugin_data_pb2",
            "tensorboard.plugins.audio.plugin_data_pb2",
            ["AudioPluginData"],
        ),
        (
            "trainboard.format.proto.plugin_data_pb2",
            "tensorboard.plugins.image.plugin_data_pb2",
            ["ImagePluginData"],
        ),
        (
            "trainboard.format.proto.projector_config_pb2",
            "tensorboard.plugins.projector.projector_config_pb2",
            ["ProjectorConfig", "EmbeddingInfo", "SpriteMetadata"],
        ),
    ],
)
def test_field_numbers_and_types_match_tensorboard(
    ours_module: str, theirs_module: str, names: list[str]
) -> None:
    """Every field we declare exists upstream with the same number, type and label."""
    ours = importlib.import_module(ours_module)
    theirs = pytest.importorskip(theirs_module)

    def check(a: object, b: object, path: str) -> None:
        for field in a.fields:  # type: ignore[attr-defined]
            other = b.fields_by_name.get(field.name)  # type: ignore[attr-defined]
            assert other is not None, f"{path}.{field.name} is not in TensorBoard's proto"
            assert (field.number, field.type, field.is_repeated) == (
                other.number,
                other.type,
                other.is_repeated,
            ), f"{path}.{field.name} differs"
            if field.enum_type is not None:
                ours_values = {v.name: v.number for v in field.enum_type.values}
                theirs_values = {v.name: v.number for v in other.enum_type.values}
                assert ours_values.items() <= theirs_values.items(), f"{path}.{field.name} enum"
        for nested in a.nested_types:  # type: ignore[attr-defined]
            check(nested, b.nested_types_by_name[nested.name], f"{path}.{nested.name}")  # type: ignore[attr-defined]

    for name in names:
        check(getattr(ours, name).DESCRIPTOR, getattr(theirs, name).DESCRIPTOR, name)
