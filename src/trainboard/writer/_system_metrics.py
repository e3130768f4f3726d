"""``SummaryWriter(system_metrics=True)``: CPU, memory and GPU use under ``system/`` tags.

A daemon thread samples every ``interval`` seconds and queues the values as scalars of
the writer's main run, at steps 0, 1, 2, ... (one per sample) with the sampling time as
wall time; the training thread does nothing. The thread stops when the writer closes.

CPU and memory come from psutil (the ``trainboard[system]`` extra). GPUs come from
pynvml (NVIDIA's NVML bindings) when it is installed: utilisation and memory of every
device. Without it, from torch when the training script imported torch and initialized
CUDA already: the memory torch's allocator holds per device (utilisation needs NVML).

Tags (docs/data.md): ``system/cpu_percent``, ``system/memory_percent``,
``system/memory_used_gib``, ``system/process_cpu_percent``, ``system/process_rss_gib``,
``system/gpu<i>/utilization_percent``, ``system/gpu<i>/memory_used_gib``,
``system/gpu<i>/memory_percent`` (NVML), ``system/gpu<i>/memory_allocated_gib``,
``system/gpu<i>/memory_reserved_gib`` (torch).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
import threading
import time
import weakref
from typing import Any

from trainboard.errors import MissingDependencyError
from trainboard.writer._worker import OP_SCALAR

__all__ = ["DEFAULT_INTERVAL", "SystemMetrics", "interval_of", "require_psutil"]

log = logging.getLogger("trainboard.writer")

DEFAULT_INTERVAL = 5.0  # seconds between two samples with system_metrics=True
_GIB = float(1 << 30)


def interval_of(system_metrics: Any) -> float | None:
    """The sampling interval ``system_metrics`` asks for: None (off), 5 s (True), or seconds."""
    if system_metrics is None or system_metrics is False:
        return None
    if system_metrics is True:
        return DEFAULT_INTERVAL
    if isinstance(system_metrics, int | float) and system_metrics > 0:
        return float(system_metrics)
    raise ValueError(
        f"system_metrics must be True, False or a positive number of seconds, "
        f"got {system_metrics!r}"
    )


def require_psutil() -> Any:
    """psutil, or MissingDependencyError naming the extra that installs it."""
    try:
        return importlib.import_module("psutil")  # the trainboard[system] extra
    except ImportError as error:
        raise MissingDependencyError(
            "system_metrics=True needs psutil: pip install 'trainboard[system]'"
        ) from error


class _Nvml:
    """NVML through pynvml, when it is installed and finds a driver."""

    def __init__(self) -> None:
        pynvml = importlib.import_module("pynvml")  # optional, untyped
        pynvml.nvmlInit()
        self.nvml: Any = pynvml
        self.handles = [
            pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())
        ]

    def sample(self, out: dict[str, float]) -> None:
        for i, handle in enumerate(self.handles):
            util = self.nvml.nvmlDeviceGetUtilizationRates(handle)
            memory = self.nvml.nvmlDeviceGetMemoryInfo(handle)
            out[f"system/gpu{i}/utilization_percent"] = float(util.gpu)
            out[f"system/gpu{i}/memory_used_gib"] = memory.used / _GIB
            if memory.total:
                out[f"system/gpu{i}/memory_percent"] = 100.0 * memory.used / memory.total

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.nvml.nvmlShutdown()


def _torch_gpus(out: dict[str, float]) -> None:
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_initialized():
        return  # never import torch or initialize CUDA from here
    for i in range(torch.cuda.device_count()):
        out[f"system/gpu{i}/memory_allocated_gib"] = torch.cuda.memory_allocated(i) / _GIB
        out[f"system/gpu{i}/memory_reserved_gib"] = torch.cuda.memory_reserved(i) / _GIB


class SystemMetrics:
    """The sampling thread of one writer (held weakly: a dropped writer still closes)."""

    def __init__(self, writer: Any, interval: float) -> None:
        psutil = require_psutil()
        self.interval = float(interval)
        self._psutil: Any = psutil
        self._process = psutil.Process()
        psutil.cpu_percent(None)  # the first call only starts the measurement
        self._process.cpu_percent(None)
        self._nvml: _Nvml | None = None
        try:
            self._nvml = _Nvml()
        except Exception:  # no pynvml, no driver, no GPU
            self._nvml = None
        self._writer = weakref.ref(writer)
        self._step = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="trainboard-system-metrics", daemon=True
        )
        self._thread.start()

    def sample(self) -> dict[str, float]:
        """One sample: ``{tag: value}``."""
        psutil = self._psutil
        out: dict[str, float] = {"system/cpu_percent": float(psutil.cpu_percent(None))}
        memory = psutil.virtual_memory()
        out["system/memory_percent"] = float(memory.percent)
        out["system/memory_used_gib"] = memory.used / _GIB
        try:
            out["system/process_cpu_percent"] = float(self._process.cpu_percent(None))
            out["system/process_rss_gib"] = self._process.memory_info().rss / _GIB
        except psutil.Error:
            pass
        if self._nvml is not None:
            self._nvml.sample(out)
        else:
            _torch_gpus(out)
        return out

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                values = self.sample()
            except Exception as exc:  # a failing probe stops sampling, never training
                log.warning("trainboard: system metrics stopped: %s", exc)
                return
            if not self._queue(values):
                return

    def _queue(self, values: dict[str, float]) -> bool:
        """Queue one sample on the writer's main run; False once the writer is gone."""
        writer = self._writer()
        if writer is None:
            return False
        worker = writer._worker
        file_writer = writer.file_writer
        file = None if file_writer is None else file_writer._file
        if worker is None or file is None or self._stop.is_set():
            return True  # closed for now: skip this sample
        wall, step = time.time(), self._step
        self._step += 1
        # Appended to the queue directly: Worker.submit would re-raise (and so take) an
        # error that is the training thread's to see.
        for tag, value in values.items():
            worker.pending.append((OP_SCALAR, file, tag, value, step, wall, False, False))
        return True

    def stop(self) -> None:
        """Stop sampling; returns once the thread ended. Idempotent."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
        if self._nvml is not None:
            self._nvml.close()
            self._nvml = None
