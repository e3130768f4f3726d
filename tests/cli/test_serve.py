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
            yield _wait_for_url(proc), proc
        finally:
            proc.terminate()
            proc.wait(10)


def _wait_for_url(proc: subprocess.Popen[str]) -> str:
    """The URL of the line announcing it (other lines may come first)."""
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        match = re.search(r" serving .* at (http://\S+/) ", line)
        if match:
            return match.group(1)
        seen.append(line)
    raise AssertionError(f"no URL announced; stdout: {seen!r}")


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


def test_a_missing_logdir_is_waited_for_then_shown(tmp_path: Path) -> None:
    # TensorBoard's "start the board, then train": the board serves an empty logdir, says
    # it is waiting, and shows the runs once the directory appears.
    later = tmp_path / "not_yet"
    args = [*TRAINBOARD, "--logdir", str(later), "--port", "0", "--no_cache",
            "--reload_interval", "0.2"]
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stderr is not None
            url = _wait_for_url(proc)
            line = proc.stderr.readline()
            assert "does not exist yet" in line and "waiting" in line and str(later) in line
            assert _get_json(url + "api/runs")["runs"] == []  # type: ignore[index]
            with SummaryWriter(later / "run") as w:
                w.add_scalar("loss", 1.0, 0)
            deadline = time.monotonic() + 10
            while not _get_json(url + "api/runs")["runs"]:  # type: ignore[index]
                assert time.monotonic() < deadline, "the run never appeared"
                time.sleep(0.1)
            runs = _get_json(url + "api/runs")["runs"]  # type: ignore[index]
            assert [r["name"] for r in runs] == ["run"]
        finally:
            proc.terminate()
            proc.wait(10)


def test_a_missing_logdir_without_reloads_says_it_stays_empty(tmp_path: Path) -> None:
    from trainboard.cli.serve import missing_logdir_notes

    [note] = missing_logdir_notes(str(tmp_path / "nope"), None, 0.0)
    assert "does not exist" in note and "stays empty" in note
    assert missing_logdir_notes(str(tmp_path), None, 1.0) == []
    [spec_note] = missing_logdir_notes(None, f"a:{tmp_path},b:{tmp_path / 'later'}", 1.0)
    assert str(tmp_path / "later") in spec_note and "waiting" in spec_note


def test_a_logdir_that_is_a_file_is_a_clear_cli_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = _run("--logdir", str(tmp_path / "file"))
    assert result.returncode == 2 and "file" in result.stderr
    result = _run("--logdir_spec", f"a:{tmp_path / 'file'}")
    assert result.returncode == 2 and "is a file" in result.stderr


def test_python_m_trainboard_runs_the_cli(logdir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "trainboard", "--help"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "Usage: trainboard" in result.stdout
    args = [sys.executable, "-m", "trainboard", "--logdir", str(logdir), "--port", "0",
            "--no_cache"]
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            url = _wait_for_url(proc)
            assert [r["name"] for r in _get_json(url + "api/runs")["runs"]] == ["run"]  # type: ignore[index]
        finally:
            proc.terminate()
            proc.wait(10)


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT here")
def test_reuse_port_shares_a_port_a_parent_holds(logdir: Path) -> None:
    # TensorBoard's --reuse_port: a parent binds the port with SO_REUSEPORT and hands it on.
    with socket.socket() as parent:
        parent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        parent.bind(("127.0.0.1", 0))
        port = parent.getsockname()[1]
        refused = _run("--logdir", str(logdir), "--port", str(port))
        assert refused.returncode == 1 and "already in use" in refused.stderr
        with _serving("--logdir", str(logdir), "--port", str(port), "--no_cache",
                      "--reuse_port", "true") as (url, _):
            assert url == f"http://127.0.0.1:{port}/"
            assert _get_json(url + "api/runs")


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


def test_binding_beyond_loopback_needs_a_token_or_warns(logdir: Path) -> None:
    base = [*TRAINBOARD, "--logdir", str(logdir), "--port", "0", "--host", "0.0.0.0",
            "--visdom_port", "0"]
    for extra in (["--no_token"], []):
        args = [*base, *extra]
        with subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as proc:
            try:
                assert proc.stderr is not None and proc.stdout is not None
                if extra:  # no token: anyone on the network may read and push
                    assert "not loopback" in proc.stderr.readline()
                    assert "serving" in proc.stdout.readline()
                else:  # a random token, printed in the URL
                    line = proc.stdout.readline()
                    assert "serving" in line and "/?token=" in line
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


def test_help_shows_the_logdir_option() -> None:
    result = _run("--help")
    assert result.returncode == 0
    options = result.stdout.split("Serve options", 1)[1]
    for option in ("--logdir DIRECTORY", "--logdir_spec", "--port", "--host"):
        assert option in options


def test_a_logdir_given_as_a_command_suggests_the_logdir_option(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    result = subprocess.run([*TRAINBOARD, "runs"], capture_output=True, text=True, timeout=30,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert "No such command 'runs'" in result.stderr
    assert "trainboard --logdir runs" in result.stderr
    result = _run("my logs")  # no such directory: the same advice, quoted for the shell
    assert result.returncode == 2 and "trainboard --logdir 'my logs'" in result.stderr


def test_serving_prints_what_the_first_load_read(logdir: Path) -> None:
    with _serving("--logdir", str(logdir), "--port", "0", "--no_cache") as (url, proc):
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert re.fullmatch(r"loaded 1 run, \d+ files?, [\d.]+ [kM]?B in \d+\.\d s\n", line), line
        progress = _get_json(url + "api/progress")
        assert progress["loaded"] is True and progress["runs"] == 1  # type: ignore[index]


def test_first_load_report_rewrites_one_line_then_sums_up() -> None:
    import io
    import threading

    from trainboard.cli.serve import format_bytes, progress_line, report_first_load
    from trainboard.data.provider import LoadProgress

    assert [format_bytes(n) for n in (950, 12_345, 4_100_000, 2 * 10**9)] == [
        "950 B", "12.3 kB", "4.1 MB", "2.0 GB"
    ]
    steps = [
        LoadProgress(False, True, 0, 0, 0, 0, 0, 0.1),
        LoadProgress(False, True, 2, 4, 1, 4_000_000, 1_000_000, 0.5),
        LoadProgress(True, False, 2, 4, 4, 4_000_000, 4_000_000, 1.25),
    ]
    assert progress_line(steps[1]) == "loading the logdir: 1/4 files, 1.0 MB/4.0 MB (2 runs)"
    assert progress_line(steps[2]) == "loaded 2 runs, 4 files, 4.0 MB in 1.2 s"

    class Provider:
        def __init__(self) -> None:
            self.calls = 0
            self.lock = threading.Lock()

        def load_progress(self) -> LoadProgress:
            with self.lock:
                self.calls += 1
                return steps[min(self.calls - 1, 2)]

    out = io.StringIO()
    thread, _ = report_first_load(Provider(), out, live=True, interval=0.01)  # type: ignore[arg-type]
    thread.join(5)
    text = out.getvalue()
    assert "\rloading the logdir: looking for event files..." in text
    assert "\rloading the logdir: 1/4 files" in text
    assert text.endswith("\rloaded 2 runs, 4 files, 4.0 MB in 1.2 s\n")
    quiet = io.StringIO()  # not a terminal: the summary line alone
    thread, _ = report_first_load(Provider(), quiet, interval=0.01)  # type: ignore[arg-type]
    thread.join(5)
    assert quiet.getvalue() == "loaded 2 runs, 4 files, 4.0 MB in 1.2 s\n"
