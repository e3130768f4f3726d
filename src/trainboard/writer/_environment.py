"""The captured environment: what ran, where, with what, recorded once per writer.

:func:`gather` collects the facts (docs/data.md lists the keys); :func:`write_record`
writes them, as ``format.kinds.environment`` encodes them, into an event file of their own
beside the run's main event file. Both run on the writer's background thread (an
``OP_CALL`` queued by the constructor): ``git`` and ``nvidia-smi`` are subprocesses, and
nothing here may fail the writer, so every probe gives up quietly and its key is left out.

torch is never imported for this: its version, CUDA version and GPU names are read only
when the training script imported it already. GPU names come from torch only when CUDA is
initialized already (initializing it here, on another thread, would break a later
``fork()``, as DataLoader workers do), else from ``nvidia-smi`` when it is on the PATH.
"""

from __future__ import annotations

import os
import platform
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from trainboard._version import __version__
from trainboard.format.event import file_version_event
from trainboard.format.kinds import environment as kind
from trainboard.format.record import encode_record
from trainboard.writer._event_file import event_bytes

__all__ = ["SUBPROCESS_TIMEOUT", "gather", "write_record"]

SUBPROCESS_TIMEOUT = 2.0  # seconds a git or nvidia-smi call may take before it is given up


def _run(args: list[str], cwd: str | None = None) -> str | None:
    """A command's stripped stdout, or None when it fails, times out or is missing."""
    try:
        done = subprocess.run(
            args,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=SUBPROCESS_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace").strip()


def _git(cwd: str, facts: dict[str, Any]) -> None:
    if shutil.which("git") is None:
        return
    commit = _run(["git", "rev-parse", "HEAD"], cwd)
    if not commit:
        return  # not in a repository (or one without commits)
    facts["git_commit"] = commit
    status = _run(["git", "status", "--porcelain", "--untracked-files=no"], cwd)
    if status is not None:
        facts["git_dirty"] = bool(status)


def _torch(facts: dict[str, Any]) -> None:
    torch = sys.modules.get("torch")
    if torch is None:
        return
    version = getattr(torch, "__version__", None)
    if version is not None:
        facts["torch"] = str(version)
    cuda = getattr(getattr(torch, "version", None), "cuda", None)
    if cuda:
        facts["cuda"] = str(cuda)
    try:
        if torch.cuda.is_initialized():
            facts["gpus"] = [
                str(torch.cuda.get_device_name(i)) for i in range(torch.cuda.device_count())
            ]
    except Exception:  # a broken CUDA setup must not fail the writer
        pass


def _nvidia_smi(facts: dict[str, Any]) -> None:
    if "gpus" in facts or shutil.which("nvidia-smi") is None:
        return
    names = _run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"])
    if names:
        facts["gpus"] = [line.strip() for line in names.splitlines() if line.strip()]


def gather(command: list[str] | None = None, cwd: str | None = None) -> dict[str, Any]:
    """The environment of this process (``command``/``cwd`` as captured at start)."""
    cwd = os.getcwd() if cwd is None else cwd
    argv = list(sys.argv) if command is None else command
    facts: dict[str, Any] = {
        "command": shlex.join([os.path.basename(sys.executable), *argv]),
        "cwd": cwd,
    }
    _git(cwd, facts)
    facts["host"] = socket.gethostname()
    facts["pid"] = os.getpid()
    facts["platform"] = platform.platform()
    facts["python"] = platform.python_version()
    _torch(facts)
    _nvidia_smi(facts)
    facts["trainboard"] = __version__
    facts["started"] = time.time()
    return facts


def write_record(main_path: str, facts: dict[str, Any]) -> str:
    """Write ``facts`` into ``.<main file name>.environment`` beside ``main_path``.

    The file is written whole under a temporary name and renamed, so a reader never
    sees it half written. Returns its path.
    """
    directory, name = os.path.split(main_path)
    path = os.path.join(directory, "." + name + kind.FILE_SUFFIX)
    wall = float(facts.get("started", time.time()))
    data = encode_record(file_version_event(wall).SerializeToString()) + encode_record(
        event_bytes(wall, 0, kind.encode(facts))
    )
    # The temporary name has no "tfevents" in it: no reader takes it for an event file.
    unique = f"{os.getpid()}.{threading.get_ident()}"  # one writer thread per writer
    temporary = os.path.join(directory, f".trainboard-environment.{unique}.partial")
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)
    return path
