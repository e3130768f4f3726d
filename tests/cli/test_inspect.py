"""``trainboard --inspect``: what a logdir or one event file holds, per run and kind."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tests.data.logdirs import event_bytes, scalar_event, write_events
from trainboard import SummaryWriter
from trainboard.cli.main import cli
from trainboard.format.proto.event_pb2 import Event, SessionLog

WALL = 1700000000.0  # 2023-11-14 22:13:20 UTC


def _start(step: int) -> Event:
    return Event(step=step, wall_time=WALL + 100, session_log=SessionLog(status=SessionLog.START))


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "train", capture_environment=False) as w:
        for step in range(10):
            w.add_scalar("loss", 1.0 / (step + 1), step, walltime=WALL + step)
            w.add_scalar("acc", step / 10, step, walltime=WALL + step)
        w.add_scalars("pair", {"x": 1.0}, 0, walltime=WALL)
        w.add_histogram("weights", np.arange(10.0), 5, walltime=WALL + 5)
        w.add_image("sample", np.zeros((3, 4, 4)), 7, walltime=WALL + 7)
        w.add_text("notes", "hello", 3, walltime=WALL + 3)
    # A job restarted at step 5 (the START purges steps 5..9 of the first session), whose
    # resumed steps then go back once, and whose file ends with bytes that are no record.
    events = [_start(0), *(scalar_event(s, "loss", 1.0) for s in range(10)), _start(5),
              *(scalar_event(s, "loss", 2.0) for s in (5, 6, 7, 3))]
    path = write_events(root / "restarted", events)
    with path.open("ab") as f:
        f.write(b"\x00" * 40)
    return root


def _inspect(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["serve", "--inspect", *args])
    return result.exit_code, result.output


def _block(output: str, run: str) -> str:
    """The lines printed for one run."""
    start = output.index(f'Run "{run}"')
    end = output.find("\nRun ", start + 1)
    return output[start : end if end >= 0 else len(output)]


def test_logdir_digest_per_run_kind_and_tag(logdir: Path) -> None:
    code, output = _inspect("--logdir", str(logdir))
    assert code == 0, output
    assert f"Inspecting logdir {logdir}" in output
    train = _block(output, "train")
    assert str(logdir / "train") in train
    assert "scalars: 2 tags, 20 points" in train
    assert re.search(r"acc +10 points +steps 0\.\.9 +2023-11-14 22:13:20 \.\. 2023-11-14 "
                     r"22:13:29 UTC", train)
    assert re.search(r"loss +10 points +steps 0\.\.9 ", train)
    assert re.search(r"histograms: 1 tag, 1 point\n +weights +1 point +step 5 +2023-11-14 "
                     r"22:13:25 UTC", train)
    assert re.search(r"images: 1 tag, 1 point\n +sample +1 point +step 7 ", train)
    assert re.search(r"text: 1 tag, 1 point\n +notes/text_summary +1 point +step 3 ", train)
    # Kinds come in the board's tab order.
    assert train.index("scalars:") < train.index("images:") < train.index("histograms:")
    pair = _block(output, "train/pair_x")
    assert 'add_scalars "pair" of run "train"' in pair and "pair" in pair


def test_restarts_steps_going_back_and_damage_are_reported(logdir: Path) -> None:
    code, output = _inspect("--logdir", str(logdir))
    assert code == 0, output
    restarted = _block(output, "restarted")
    # 10 points, 5 dropped by the restart, then 4 more: 9 points, steps 0..7.
    assert re.search(r"loss +9 points +steps 0\.\.7 ", restarted)
    assert "1 step goes back (first step 0, last step 3)" in restarted
    assert "5 points dropped by a restart (SessionLog.START)" in restarted
    assert "problems reading the files:" in restarted
    assert "events.out.tfevents" in restarted.split("problems reading the files:")[1]


def test_tag_narrows_to_one_tag_or_a_glob(logdir: Path) -> None:
    code, output = _inspect("--logdir", str(logdir), "--tag", "acc")
    assert code == 0, output
    assert "tag 'acc'" in output
    assert re.search(r"acc +10 points", output)
    assert "loss" not in output and "restarted" not in output and "weights" not in output
    code, output = _inspect("--logdir", str(logdir), "--tag", "lo*")
    assert 'Run "train"' in output and 'Run "restarted"' in output and "acc" not in output
    code, output = _inspect("--logdir", str(logdir), "--tag", "nothing")
    assert code == 0 and "No tag matching 'nothing'" in output


def test_one_event_file(logdir: Path) -> None:
    [event_file] = (logdir / "restarted").iterdir()
    code, output = _inspect("--event_file", str(event_file))
    assert code == 0, output
    assert f"Event file {event_file}" in output
    assert re.search(r"loss +9 points +steps 0\.\.7 ", output)
    # A file whose name does not say it is an event file is read all the same.
    renamed = logdir.parent / "copy.bin"
    renamed.write_bytes(event_bytes([scalar_event(4, "x", 1.0)]))
    code, output = _inspect("--event_file", str(renamed), "--tag", "x")
    assert code == 0 and re.search(r"x +1 point +step 4 ", output), output


def test_an_empty_logdir_says_no_event_files(tmp_path: Path) -> None:
    code, output = _inspect("--logdir", str(tmp_path))
    assert code == 0 and f"No event files found within logdir {tmp_path}" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--inspect needs --logdir DIR or --event_file FILE"),
        (["--logdir", "{logdir}", "--event_file", "{file}"], "not both"),
        (["--logdir_spec", "a:{logdir}"], "--logdir_spec is not supported with --inspect"),
        (["--logdir", "{logdir}/missing"], "does not exist"),
        (["--event_file", "{logdir}/missing"], "does not exist"),
    ],
)
def test_tensorboards_rules_on_what_to_inspect(
    logdir: Path, args: list[str], message: str
) -> None:
    [event_file] = (logdir / "restarted").iterdir()
    code, output = _inspect(*(a.format(logdir=logdir, file=event_file) for a in args))
    assert code == 2 and message in output


def test_event_file_and_tag_need_inspect(logdir: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--logdir", str(logdir), "--tag", "loss"])
    assert result.exit_code == 2 and "go with --inspect" in result.output


def test_tensorboard_spelling_with_python_m_trainboard(logdir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trainboard", "--inspect", "--logdir", str(logdir),
         "--tag", "weights"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"histograms: 1 tag, 1 point\n +weights +1 point +step 5 ", result.stdout)
