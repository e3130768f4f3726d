"""Background projection jobs: one per (tensor file version, method, parameters), polled.

A request for a projection returns its :class:`Job` at once: done when the result
is cached (memory or disk), else queued and computed in the background. PCA runs
on a thread of the server; t-SNE and UMAP run, one at a time and in request
order, in a single long-lived worker process
(:mod:`trainboard.projector._worker`), which keeps the server responsive
and UMAP's compiled kernels warm. A job reports its progress (0..1) and stage
while it runs; pages poll it (docs/http/projector.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trainboard.projector.projections import (
    REDUCED_DIMS,
    Projection,
    ResultCache,
    pca,
    projection_key,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

    from trainboard.projector.embeddings import Embedding, TensorStore

__all__ = ["Job", "ProjectionJobs"]


@dataclass
class Job:
    """One projection being computed (or done): what a page polls."""

    key: str
    method: str
    params: dict[str, Any]
    state: str = "queued"  # queued | running | done | error
    progress: float = 0.0
    stage: str = "waiting for earlier jobs"
    error: str | None = None
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def update(self, progress: float, stage: str) -> None:
        self.state = "running"
        self.progress = max(self.progress, min(progress, 0.999))
        self.stage = stage

    def finish(self, error: str | None = None) -> None:
        self.state = "error" if error else "done"
        self.error = error
        self.progress = 1.0 if error is None else self.progress
        self.stage = "failed" if error else "done"
        self.finished = time.monotonic()
        self.done.set()

    def status(self) -> dict[str, Any]:
        """The JSON a page polls."""
        end = self.finished if self.finished is not None else time.monotonic()
        return {
            "key": self.key,
            "method": self.method,
            "params": self.params,
            "state": self.state,
            "progress": round(self.progress, 4),
            "stage": self.stage,
            "error": self.error,
            "elapsed_s": round(end - self.created, 3),
        }


class _Worker:
    """The worker process, started on first use and again after it dies."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def run(self, request: dict[str, Any], report: Callable[[float, str], None]) -> None:
        """Sends one job and waits for it, passing progress on; RuntimeError on failure."""
        process = self._started()
        assert process.stdin is not None and process.stdout is not None  # PIPEs, by construction
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
        except OSError:
            self.close()
            raise RuntimeError("the projection worker process stopped; try again") from None
        for line in process.stdout:
            message = json.loads(line)
            if message["type"] == "progress":
                report(float(message["progress"]), str(message["stage"]))
            elif message["type"] == "done":
                return
            else:
                raise RuntimeError(str(message["message"]))
        code = process.wait()
        self._process = None
        raise RuntimeError(f"the projection worker process exited (code {code}) during the job")

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "trainboard.projector._worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                start_new_session=True,  # Ctrl+C in the server's terminal is the server's
            )
        return self._process

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for pipe in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        process.kill()
        process.wait()


class ProjectionJobs:
    """Projection jobs of one server, with their cache.

    Example::

        jobs = ProjectionJobs(TensorStore(provider, None), ResultCache(None))
        job = jobs.request(embedding, "tsne", {"dims": 2, ...})
        job.done.wait()
        coordinates = jobs.result(job.key).coordinates
    """

    def __init__(self, store: TensorStore, cache: ResultCache) -> None:
        self.store = store
        self.cache = cache
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Job, Embedding] | None] = queue.Queue()
        self._worker = _Worker()
        self._dispatcher: threading.Thread | None = None
        self._closer = weakref.finalize(self, _shutdown, self._queue, self._worker)

    def request(self, embedding: Embedding, method: str, params: dict[str, Any]) -> Job:
        """The job computing ``method`` over ``embedding``, started now if it is new."""
        if embedding.tensor_path is None:
            raise ValueError(embedding.error or f"embedding {embedding.name!r} has no tensor")
        key = projection_key(self.store.version(embedding), method, params)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.state != "error":  # a failed job is retried
                return job
            job = Job(key, method, params)
            self._jobs[key] = job
        if self.cache.get(key) is not None:
            job.finish()
        elif method == "pca":
            threading.Thread(target=self._run_pca, args=(job, embedding), daemon=True).start()
        else:
            self._queue.put((job, embedding))
            self._ensure_dispatcher()
        return job

    def job(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def result(self, key: str) -> Projection | None:
        return self.cache.get(key)

    def close(self) -> None:
        """Stop the worker process (a running job ends with an error)."""
        self._closer()

    def _ensure_dispatcher(self) -> None:
        with self._lock:
            if self._dispatcher is None or not self._dispatcher.is_alive():
                self._dispatcher = threading.Thread(
                    target=_dispatch, args=(weakref.ref(self), self._queue), daemon=True
                )
                self._dispatcher.start()

    def _load(self, job: Job, embedding: Embedding) -> np.ndarray:
        job.update(0.0, "reading the tensors")
        array, _ = self.store.load(embedding)
        return array

    def _run_pca(self, job: Job, embedding: Embedding) -> None:
        started = time.monotonic()
        try:
            array = self._load(job, embedding)
            job.update(0.5, "computing principal components")
            coordinates, ratio, total = pca(array)
        except Exception as exc:
            job.finish(_message(exc))
            return
        result = Projection(
            key=job.key,
            method="pca",
            params=job.params,
            coordinates=coordinates,
            explained_variance_ratio=tuple(float(r) for r in ratio),
            total_variance=total,
            elapsed_s=time.monotonic() - started,
        )
        self.cache.put(result)
        job.finish()

    def run_in_worker(self, job: Job, embedding: Embedding) -> None:
        """Compute a t-SNE or UMAP job (on the dispatcher thread)."""
        import numpy as np

        started = time.monotonic()
        scratch = tempfile.mkdtemp(prefix="trainboard-projection-")
        try:
            array = self._load(job, embedding)
            if array.shape[1] > REDUCED_DIMS:
                job.update(0.005, f"reducing to {REDUCED_DIMS} dimensions (PCA)")
                array = pca(array, REDUCED_DIMS)[0]
            source, target = os.path.join(scratch, "x.npy"), os.path.join(scratch, "y.npy")
            np.save(source, np.nan_to_num(array, nan=0.0, posinf=0.0, neginf=0.0))
            request = {
                "method": job.method,
                "input": source,
                "output": target,
                "params": job.params,
            }
            self._worker.run(request, job.update)
            coordinates = np.load(target, allow_pickle=False).astype(np.float32)
        except Exception as exc:
            job.finish(_message(exc))
            return
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        elapsed = time.monotonic() - started
        self.cache.put(Projection(job.key, job.method, job.params, coordinates, elapsed_s=elapsed))
        job.finish()


def _message(exc: Exception) -> str:
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    return text or type(exc).__name__


def _dispatch(owner: weakref.ref[ProjectionJobs], jobs: queue.Queue[Any]) -> None:
    """Runs queued worker jobs in order; ends on ``None`` or when the manager is gone."""
    while True:
        item = jobs.get()
        manager = owner()
        if item is None or manager is None:
            return
        job, embedding = item
        manager.run_in_worker(job, embedding)
        del manager


def _shutdown(jobs: queue.Queue[Any], worker: _Worker) -> None:
    jobs.put(None)
    worker.close()
