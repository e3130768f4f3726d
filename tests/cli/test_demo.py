"""`trainboard demo`: trains, logs every kind, and serves the board."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_serve import _get_json
from trainboard.data.logdir import LogdirProvider

pytest.importorskip("torch")
pytest.importorskip("sklearn")

TRAINBOARD = [sys.executable, "-m", "trainboard.cli"]


def test_demo_logs_every_kind(tmp_path: Path) -> None:
    result = subprocess.run(
        [*TRAINBOARD, "demo", "--no-serve", "--epochs", "2", "--logdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "epoch 2/2" in result.stdout
    provider = LogdirProvider(tmp_path, use_cache=False)
    provider.reload()
    plugins = {(t.run, t.plugin_name) for t in provider.tags()}
    run = "digits_cnn"
    for plugin in ("scalars", "images", "histograms", "graphs", "text", "pr_curves", "audio",
                   "mesh", "custom_scalars"):
        assert (run, plugin) in plugins, plugin
    assert (f"{run}/hparams", "hparams") in plugins
    assert {r.name for r in provider.runs()} >= {f"{run}/accuracy_train", f"{run}/accuracy_val"}
    assert (tmp_path / run / "projector_config.pbtxt").is_file()
    assert provider.warnings() == []
    steps = provider.read_scalars(run, "loss/train_step").steps
    assert len(steps) > 50 and list(steps) == sorted(steps)


def test_demo_serves_the_board(tmp_path: Path) -> None:
    args = [*TRAINBOARD, "demo", "--epochs", "1", "--port", "0", "--logdir", str(tmp_path)]
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                match = re.search(r"at (http://\S+/) ", line)
                if match:
                    break
            else:
                pytest.fail("the demo never printed the board's URL")
            runs = _get_json(match.group(1) + "api/runs")
            assert "digits_cnn" in {r["name"] for r in runs["runs"]}  # type: ignore[index]
        finally:
            proc.terminate()
            proc.wait(10)
