"""TensorBoard's flags that change nothing for trainboard: accepted with TensorBoard's syntax.

A script passing them runs unchanged; a value asking for what trainboard does not do gets a
note on stderr, and ``--help`` says why each changes nothing.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.cli.test_serve import TRAINBOARD, _get_json, _wait_for_url
from trainboard import SummaryWriter
from trainboard.cli.main import cli

NO_EFFECT_FLAGS = (
    "samples_per_plugin",
    "load_fast",
    "max_reload_threads",
    "purge_orphaned_data",
    "reload_multifile",
    "reload_multifile_inactive_secs",
    "detect_file_replacement",
)


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    with SummaryWriter(tmp_path / "run") as w:
        w.add_scalar("loss", 1.0, 0)
    return tmp_path


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls of run_server, which records its arguments instead of serving."""
    calls: list[dict[str, Any]] = []

    def fake_run_server(sock: Any, logdir: str | None, *args: Any, **kwargs: Any) -> None:
        for listening in (sock, kwargs.get("visdom_sock")):
            if listening is not None:
                listening.close()
        calls.append({"logdir": logdir, "args": args, **kwargs})

    monkeypatch.setattr("trainboard.cli.serve.run_server", fake_run_server)
    return calls


def _serve(logdir: Path, *args: str) -> Any:
    return CliRunner().invoke(
        cli, ["serve", "--logdir", str(logdir), "--port", "0", "--no_cache", *args]
    )


@pytest.mark.parametrize(
    ("args", "note"),
    [
        (["--samples_per_plugin", "images=100,scalars=5"], "keeps every point"),
        (["--samples_per_plugin="], None),
        (["--load_fast", "false"], "single loader"),
        (["--load_fast=true"], None),
        (["--load_fast", "auto"], None),
        (["--max_reload_threads", "4"], "one pass"),
        (["--purge_orphaned_data", "false"], "always drops the points a restart"),
        (["--purge_orphaned_data=True"], None),
        (["--reload_multifile", "true"], None),
        (["--reload_multifile", "false"], "polls every event file"),
        (["--reload_multifile_inactive_secs", "-1"], "however old"),
        (["--detect_file_replacement", "true"], None),
        (["--detect_file_replacement=false"], "notices a replaced event file"),
    ],
)
def test_each_flag_is_accepted_and_noted_when_it_asks_for_something_else(
    logdir: Path, served: list[dict[str, Any]], args: list[str], note: str | None
) -> None:
    result = _serve(logdir, *args)
    assert result.exit_code == 0, result.output
    assert len(served) == 1 and served[0]["logdir"] == str(logdir)
    flag = args[0].split("=")[0]
    if note is None:
        assert "note: --" not in result.stderr
    else:
        assert f"note: {flag} " in result.stderr and note in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--samples_per_plugin", "images"],
        ["--samples_per_plugin", "images=many"],
        ["--load_fast", "sometimes"],
        ["--max_reload_threads", "0"],
        ["--purge_orphaned_data", "maybe"],
        ["--reload_multifile", "maybe"],
        ["--reload_multifile_inactive_secs", "soon"],
        ["--detect_file_replacement", "maybe"],
        ["--reuse_port", "maybe"],
    ],
)
def test_a_value_tensorboard_would_refuse_is_a_usage_error(
    logdir: Path, served: list[dict[str, Any]], args: list[str]
) -> None:
    result = _serve(logdir, *args)
    assert result.exit_code == 2 and args[0] in result.output
    assert served == []


def test_help_says_why_each_flag_changes_nothing() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for flag in NO_EFFECT_FLAGS:
        # "--flag METAVAR [TensorBoard] <why it changes nothing, or what trainboard does>"
        match = re.search(rf"--{flag} \S+ \[TensorBoard\] (.*?) (--|-h,)", text)
        assert match, flag
        assert "changes nothing" in match.group(1) or "always does what" in match.group(1)
    for flag in ("--path_prefix", "--inspect", "--event_file", "--tag", "--reuse_port"):
        assert flag in text


def test_a_tensorboard_command_line_serves_unchanged(logdir: Path) -> None:
    # TensorBoard's spelling (options first, no subcommand), every flag at once.
    args = [*TRAINBOARD, "--logdir", str(logdir), "--port", "0", "--no_cache",
            "--samples_per_plugin=images=100", "--load_fast=false", "--max_reload_threads=4",
            "--purge_orphaned_data=false", "--reload_multifile=true",
            "--reload_multifile_inactive_secs=-1", "--detect_file_replacement=true",
            "--reuse_port=false", "--path_prefix=/tb/"]
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            url = _wait_for_url(proc)
            assert url.endswith("/tb/")
            assert [r["name"] for r in _get_json(url + "api/runs")["runs"]] == ["run"]  # type: ignore[index]
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=10)
    notes = [line for line in err.splitlines() if line.startswith("note: --")]
    assert [n.split()[1] for n in notes] == [
        "--samples_per_plugin", "--load_fast", "--max_reload_threads",
        "--purge_orphaned_data", "--reload_multifile_inactive_secs",
    ]
