"""`trainboard --logdir ...` / `trainboard serve ...` as a user runs them, in a subprocess."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from trainboard import SummaryWriter

TRAINBOARD = [sys.executable, "-m", "trainboard.cli"]


def _run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TRAINBOARD, *args], capture_output=True, text=True, timeout=timeout)


@contextmanager
def _serving(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    with subprocess.Popen(
        [*TRAINBOARD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = re.search(r"at (http://\S+/) ", line)
            assert match, f"no URL in {line!r}"
            yield match.group(1), proc
        finally:
            proc.terminate()
            proc.wait(10)


def _get_json(url: str) -> object:
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    with SummaryWriter(tmp_path / "run") as w:
        w.add_scalar("loss", 1.0, 0)
    return tmp_path


def test_tensorboard_spelling_serves_and_prints_the_url(logdir: Path) -> None:
    with _serving("--logdir", str(logdir), "--port", "0", "--window_title", "Mine") as (url, _):
        runs = _get_json(url + "api/runs")
        assert [r["name"] for r in runs["runs"]] == ["run"]  # type: ignore[index]
        assert _get_json(url + "api/environment")["window_title"] == "Mine"  # type: ignore[index]


def test_serve_subcommand_with_options_before_the_logdir(logdir: Path) -> None:
    with _serving("--port", "0", "--logdir", str(logdir)) as (url, _):
        assert url.startswith("http://127.0.0.1:")
    with _serving("serve", "--logdir", str(logdir), "--port", "0", "--no_cache") as (url, _):
        assert _get_json(url + "api/runs")


def test_a_missing_logdir_is_a_clear_cli_error(tmp_path: Path) -> None:
    result = _run("--logdir", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "nope" in result.stderr


def test_no_logdir_is_a_usage_error() -> None:
    result = _run("serve")
    assert result.returncode == 2 and "--logdir" in result.stderr


def test_a_taken_port_gets_a_clear_message(logdir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _run("--logdir", str(logdir), "--port", str(port))
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "already in use" in result.stderr


def test_binding_beyond_loopback_warns(logdir: Path) -> None:
    args = [*TRAINBOARD, "--logdir", str(logdir), "--port", "0", "--host", "0.0.0.0"]
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stderr is not None and proc.stdout is not None
            assert "not loopback" in proc.stderr.readline()
            assert "serving" in proc.stdout.readline()
        finally:
            proc.terminate()
            proc.wait(10)


def test_bad_logdir_spec_is_rejected(tmp_path: Path) -> None:
    result = _run("--logdir_spec", "justapath")
    assert result.returncode == 2 and "name:path" in result.stderr


def test_help_lists_the_commands() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("serve", "export", "demo"):
        assert command in result.stdout


def test_logdir_spec_serves_several_named_logdirs(tmp_path: Path) -> None:
    for name in ("a", "b"):
        with SummaryWriter(tmp_path / name / "run") as w:
            w.add_scalar("loss", 1.0, 0)
            w.add_scalars("pair", {"x": 1.0}, 0)
    spec = f"first:{tmp_path / 'a'},second:{tmp_path / 'b'}"
    with _serving("--logdir_spec", spec, "--port", "0") as (url, _):
        runs = {r["name"]: r for r in _get_json(url + "api/runs")["runs"]}  # type: ignore[index]
        assert set(runs) == {"first/run", "first/run/pair_x", "second/run", "second/run/pair_x"}
        assert runs["second/run/pair_x"]["parent"] == "second/run"
        card = _get_json(url + "api/scalars?tag=loss&runs=first/run,second/run&width=10")
        assert [s["run"] for s in card["series"]] == ["first/run", "second/run"]  # type: ignore[index]
