"""``trainboard export``: every point, in CSV, JSON or Parquet, filtered by run and tag."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.data.logdirs import scalar_event, tensor_event, write_events
from trainboard.cli.main import cli

VALUES = [0.5, math.nan, math.inf, -math.inf, 1e-45, 3.25]


@pytest.fixture
def logdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRAINBOARD_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "logs"
    write_events(root / "a", [scalar_event(s, "loss", v) for s, v in enumerate(VALUES)])
    write_events(root / "b", [scalar_event(7, "loss", 1.0), scalar_event(7, "acc", 2.0),
                              tensor_event(1, "text", b"not exported")])
    return root


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["export", *args])
    return result.exit_code, result.output


def test_csv_holds_every_point_exactly(logdir: Path) -> None:
    code, output = _run("--logdir", str(logdir), "--run", "a")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [r["step"] for r in rows] == ["0", "1", "2", "3", "4", "5"]
    values = [float(r["value"]) for r in rows]
    import numpy as np

    expected = np.array(VALUES, dtype=np.float32).astype(float)
    assert np.array_equal(values, expected, equal_nan=True)
    assert {r["run"] for r in rows} == {"a"} and float(rows[0]["wall_time"]) == 1700000000.0


def test_json_is_strict_and_columnar(logdir: Path) -> None:
    code, output = _run("--logdir", str(logdir), "--format", "json", "--tag", "loss")
    assert code == 0
    items = json.loads(output, parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    assert [(i["run"], i["tag"]) for i in items] == [("a", "loss"), ("b", "loss")]
    assert items[0]["values"][1:4] == ["NaN", "Infinity", "-Infinity"]
    assert items[1] == {"run": "b", "tag": "loss", "steps": [7],
                        "wall_times": [1700000007.0], "values": [1.0]}


def test_parquet_round_trips(logdir: Path, tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    out = tmp_path / "out.parquet"
    code, _ = _run("--logdir", str(logdir), "--format", "parquet", "-o", str(out), "--tag", "a*")
    assert code == 0
    frame = pandas.read_parquet(out)
    assert frame[["run", "tag", "step", "value"]].astype(str).values.tolist() == [
        ["b", "acc", "7", "2.0"]
    ]


def test_parquet_through_polars_when_pyarrow_is_missing(
    logdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    polars = pytest.importorskip("polars")
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    out = tmp_path / "out.parquet"
    code, output = _run("--logdir", str(logdir), "--format", "parquet", "-o", str(out))
    assert code == 0, output
    frame = polars.read_parquet(out)
    assert frame.height == len(VALUES) + 2
    assert sorted(set(frame["run"].cast(polars.String).to_list())) == ["a", "b"]


def test_writing_to_a_file(logdir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    code, _ = _run("--logdir", str(logdir), "-o", str(out), "--no_cache", "--no_progress")
    assert code == 0
    assert out.read_text().splitlines()[0] == "run,tag,step,wall_time,value"
    assert len(out.read_text().splitlines()) == 1 + len(VALUES) + 2


def test_no_match_and_bad_arguments_fail_clearly(logdir: Path, tmp_path: Path) -> None:
    code, output = _run("--logdir", str(logdir), "--tag", "nope")
    assert code == 1 and "no scalar series" in output and "nope" in output
    code, output = _run("--logdir", str(logdir), "--format", "parquet")
    assert code == 2 and "--out" in output
    code, output = _run("--logdir", str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in output


@pytest.fixture
def rich_logdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import numpy as np

    from trainboard import SummaryWriter

    monkeypatch.setenv("TRAINBOARD_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "rich"
    for name, lr in (("a", 0.5), ("b", 0.25)):
        with SummaryWriter(root / name) as w:
            w.add_scalar("loss", lr, 0)
            w.add_histogram("weights", np.arange(4.0), 1)
            w.add_text("notes", f"hello {name}", 2)
            w.add_hparams({"lr": lr, "opt": "sgd"}, {"hparam/acc": 1 - lr})
    return root


def test_hparams_table_export(rich_logdir: Path, tmp_path: Path) -> None:
    code, output = _run("--logdir", str(rich_logdir), "--kind", "hparams")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [(r["run"], r["lr"], r["opt"], r["hparam/acc"]) for r in rows] == [
        ("a", "0.5", "sgd", "0.5"), ("b", "0.25", "sgd", "0.75")
    ]
    code, output = _run("--logdir", str(rich_logdir), "--kind", "hparams", "--format", "json",
                        "--run", "b")
    assert code == 0 and [r["run"] for r in json.loads(output)] == ["b"]
    code, output = _run("--logdir", str(rich_logdir), "--kind", "hparams", "--tag", "x")
    assert code == 2 and "--tag does not apply" in output


def test_histograms_and_text_export(rich_logdir: Path, tmp_path: Path) -> None:
    code, output = _run("--logdir", str(rich_logdir), "--kind", "histograms", "--run", "a")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert list(rows[0]) == ["run", "tag", "step", "wall_time", "left", "right", "count"]
    assert {r["tag"] for r in rows} == {"weights"}
    assert sum(float(r["count"]) for r in rows) == 4
    code, output = _run("--logdir", str(rich_logdir), "--kind", "text", "--tag", "notes*",
                        "--format", "json")
    assert code == 0, output
    assert [(r["run"], r["text"]) for r in json.loads(output)] == [
        ("a", "hello a"), ("b", "hello b")
    ]
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    out = tmp_path / "h.parquet"
    code, _ = _run("--logdir", str(rich_logdir), "--kind", "histograms", "--format", "parquet",
                   "-o", str(out))
    assert code == 0 and pandas.read_parquet(out)["count"].sum() == 8


def test_no_match_prints_the_options_as_typed(logdir: Path) -> None:
    code, output = _run("--logdir", str(logdir), "--run", "x", "--run", "exp *", "--tag", "y")
    assert code == 1
    assert "match --run x --run 'exp *' --tag y" in output
    assert "[" not in output  # not a Python list


def test_progress_bar_only_on_a_terminal_or_when_asked(logdir: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--logdir", str(logdir), "--progress"])
    assert result.exit_code == 0 and "Exporting scalars" in result.stderr
    result = CliRunner().invoke(cli, ["export", "--logdir", str(logdir)])
    assert result.exit_code == 0 and "Exporting" not in result.stderr  # not a terminal


def test_missing_parquet_writer_names_the_extra(
    logdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "polars", None)
    code, output = _run("--logdir", str(logdir), "--format", "parquet",
                        "-o", str(tmp_path / "x.parquet"))
    assert code == 1 and "pip install 'trainboard[parquet]'" in output
    assert "Traceback" not in output
