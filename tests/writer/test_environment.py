"""The captured environment (writer/_environment.py) and system metrics (_system_metrics.py)."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import trainboard
from trainboard import SummaryWriter
from trainboard.format.kinds import environment as kind
from trainboard.writer import _environment


def _files(run: Path) -> list[str]:
    return sorted(os.listdir(run))


def test_the_environment_is_recorded_once_in_a_file_of_its_own(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("loss", 1.0, 0)
    w.add_scalar("loss", 2.0, 1)  # logging after close opens a new file: no second record
    w.close()
    names = _files(tmp_path)
    hidden = [n for n in names if n.startswith(".")]
    assert len(hidden) == 1 and hidden[0].endswith(kind.FILE_SUFFIX)
    # A shell-style glob (the peers' tests, most tools) sees only the main event files.
    assert all(not os.path.basename(p).startswith(".") for p in glob.glob(f"{tmp_path}/*tfevents*"))
    env = trainboard.open(tmp_path).environment(".")
    assert env["cwd"] == os.getcwd()
    assert env["python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert env["trainboard"] == trainboard.__version__
    assert env["pid"] == os.getpid()
    assert "command" in env and "host" in env


def test_providers_read_it_back(tmp_path: Path) -> None:
    from trainboard.data.logdir import LogdirProvider
    from trainboard.data.multi import MultiProvider

    with SummaryWriter(tmp_path / "with") as w:
        w.add_scalar("x", 1.0, 0)
    with SummaryWriter(tmp_path / "without", capture_environment=False) as w:
        w.add_scalar("x", 1.0, 0)
    multi = MultiProvider({"logs": LogdirProvider(tmp_path, use_cache=False)})
    multi.reload()
    env = multi.read_environment("logs/with")
    assert env is not None and env["cwd"] == os.getcwd()
    assert multi.read_environment("logs/without") is None
    multi.close()


def test_off_writes_nothing(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path, capture_environment=False) as w:
        w.add_scalar("loss", 1.0, 0)
    assert [n for n in _files(tmp_path) if n.startswith(".")] == []
    with pytest.raises(trainboard.NotFoundError):
        trainboard.open(tmp_path).environment(".")


def test_tensorboard_shows_the_table_and_reads_the_run_unchanged(tmp_path: Path) -> None:
    from tensorboard.backend.event_processing.event_multiplexer import EventMultiplexer

    with SummaryWriter(tmp_path) as w:
        for step in range(3):
            w.add_scalar("loss", float(step), step)
    mux = EventMultiplexer()
    mux.AddRunsFromDirectory(str(tmp_path))
    mux.Reload()
    acc = mux.GetAccumulator(".")
    text = acc.Tensors("environment/text_summary")[0].tensor_proto.string_val[0].decode()
    assert text.startswith("| | |\n|---|---|\n") and "| working directory |" in text
    assert [e.step for e in acc.Scalars("loss")] == [0, 1, 2]


def test_git_commit_and_dirty_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.txt").write_text("1")
    subprocess.run([*git, "-C", str(repo), "add", "a.txt"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-q", "-m", "x"], check=True)
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    facts = _environment.gather(["train.py"], str(repo))
    assert facts["git_commit"] == head and facts["git_dirty"] is False
    (repo / "a.txt").write_text("2")
    assert _environment.gather(["train.py"], str(repo))["git_dirty"] is True
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert "git_commit" not in _environment.gather(["x"], str(outside))


def test_a_failing_git_never_fails_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "git").write_text("#!/bin/sh\nsleep 10\n")
    (fake / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(_environment, "SUBPROCESS_TIMEOUT", 0.2)
    start = time.monotonic()
    with SummaryWriter(tmp_path / "run") as w:
        w.add_scalar("x", 1.0, 0)
    assert time.monotonic() - start < 5
    assert "git_commit" not in trainboard.open(tmp_path).environment("run")


def test_torch_is_never_imported_for_it(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom trainboard import SummaryWriter\n"
        f"w = SummaryWriter({str(tmp_path)!r}); w.add_scalar('x', 1.0, 0); w.close()\n"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
    env = trainboard.open(tmp_path).environment(".")
    assert "torch" not in env and env["command"].endswith("-c")


def test_torch_version_when_torch_is_imported(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    facts = _environment.gather()
    assert facts["torch"] == torch.__version__


def test_markdown_escapes_cells() -> None:
    table = kind.markdown({"command": "a | b\nc", "gpus": ["A100", "H100"], "git_dirty": True})
    assert "| command | `a \\| b c` |" in table
    assert "| GPUs | `A100, H100` |" in table and "| git dirty | `yes` |" in table
    value = kind.encode({"x": 1})[1]
    assert json.loads(value.tensor.string_val[0]) == {"x": 1}


# ------------------------------------------------------------------ system metrics


def test_system_metrics_are_sampled_off_the_training_thread(tmp_path: Path) -> None:
    pytest.importorskip("psutil")
    w = SummaryWriter(tmp_path, system_metrics=0.05, capture_environment=False)
    sampler = w._system_metrics
    assert sampler is not None and sampler._thread.daemon
    time.sleep(0.4)
    w.close()
    assert not sampler._thread.is_alive()
    lg = trainboard.open(tmp_path)
    tags = lg.tags(".")
    for tag in ("system/cpu_percent", "system/memory_percent", "system/process_rss_gib"):
        assert tag in tags
    series = lg.scalars(".", "system/memory_percent")
    assert len(series) >= 2 and list(series.steps) == list(range(len(series)))
    assert all(0 <= v <= 100 for v in series.values)


def test_system_metrics_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="system_metrics"):
        SummaryWriter(tmp_path, system_metrics=-1)
    with SummaryWriter(tmp_path, system_metrics=False) as w:
        assert w._system_metrics is None


# ------------------------------------------------------------------ GPUs, without a GPU


class _FakeCuda:
    """torch.cuda's few functions used here; device queries fail before initialization."""

    def __init__(self, initialized: bool) -> None:
        self.initialized = initialized

    def is_initialized(self) -> bool:
        return self.initialized

    def device_count(self) -> int:
        return 2

    def get_device_name(self, i: int) -> str:
        assert self.initialized, "CUDA must not be initialized for the environment record"
        return f"Fake GPU {i}"

    def memory_allocated(self, i: int) -> int:
        assert self.initialized
        return (i + 1) << 30

    def memory_reserved(self, i: int) -> int:
        assert self.initialized
        return (i + 2) << 30


class _NoWriter:
    """A stand-in for the writer: closed, so nothing is queued."""

    _worker = None
    file_writer = None


def _fake_torch(initialized: bool) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        __version__="9.9.9",
        version=types.SimpleNamespace(cuda="12.4"),
        cuda=_FakeCuda(initialized),
    )


def test_gpu_names_from_torch_only_once_cuda_is_initialized(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)  # no git, nvidia-smi
    monkeypatch.setitem(sys.modules, "torch", _fake_torch(False))
    facts = _environment.gather(["x"], "/")
    assert (facts["torch"], facts["cuda"]) == ("9.9.9", "12.4") and "gpus" not in facts
    monkeypatch.setitem(sys.modules, "torch", _fake_torch(True))
    assert _environment.gather(["x"], "/")["gpus"] == ["Fake GPU 0", "Fake GPU 1"]


def test_gpu_names_from_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\nprintf 'NVIDIA H100 80GB HBM3\\nNVIDIA H100 80GB HBM3\\n'\n")
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setitem(sys.modules, "torch", _fake_torch(False))
    facts = _environment.gather(["x"], str(tmp_path))
    assert facts["gpus"] == ["NVIDIA H100 80GB HBM3"] * 2


def test_system_metrics_gpus_through_nvml(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psutil")
    from trainboard.writer._system_metrics import SystemMetrics

    memory = types.SimpleNamespace(used=3 << 30, total=12 << 30)
    nvml = types.SimpleNamespace(
        nvmlInit=lambda: None,
        nvmlShutdown=lambda: None,
        nvmlDeviceGetCount=lambda: 1,
        nvmlDeviceGetHandleByIndex=lambda i: ("handle", i),
        nvmlDeviceGetUtilizationRates=lambda h: types.SimpleNamespace(gpu=42),
        nvmlDeviceGetMemoryInfo=lambda h: memory,
    )
    monkeypatch.setitem(sys.modules, "pynvml", nvml)
    sampler = SystemMetrics(_NoWriter(), 60)
    try:
        sample = sampler.sample()
    finally:
        sampler.stop()
    assert sample["system/gpu0/utilization_percent"] == 42.0
    assert sample["system/gpu0/memory_used_gib"] == 3.0
    assert sample["system/gpu0/memory_percent"] == 25.0


def test_system_metrics_gpus_through_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psutil")
    from trainboard.writer._system_metrics import SystemMetrics

    monkeypatch.setitem(sys.modules, "pynvml", None)  # not installed
    monkeypatch.setitem(sys.modules, "torch", _fake_torch(False))
    sampler = SystemMetrics(_NoWriter(), 60)
    try:
        assert not any(tag.startswith("system/gpu") for tag in sampler.sample())
        monkeypatch.setitem(sys.modules, "torch", _fake_torch(True))
        sample = sampler.sample()
    finally:
        sampler.stop()
    assert sample["system/gpu1/memory_allocated_gib"] == 2.0
    assert sample["system/gpu1/memory_reserved_gib"] == 3.0


def test_system_metrics_need_psutil(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psutil", None)
    with pytest.raises(trainboard.MissingDependencyError, match=r"trainboard\[system\]"):
        SummaryWriter(tmp_path / "run", system_metrics=True)
    assert not (tmp_path / "run").exists()  # refused before any file was created
