"""``SummaryWriter``: the drop-in for ``torch.utils.tensorboard`` and ``tensorboardX``."""

from __future__ import annotations

from trainboard.writer._graphs import GraphMethods
from trainboard.writer._histograms import HistogramMethods
from trainboard.writer._hparams import HParamsMethods
from trainboard.writer._media import MediaMethods
from trainboard.writer._plugins import PluginMethods
from trainboard.writer._projector import ProjectorMethods
from trainboard.writer._scalars import ScalarMethods

__all__ = ["SummaryWriter"]


class SummaryWriter(
    ScalarMethods,
    HistogramMethods,
    MediaMethods,
    PluginMethods,
    HParamsMethods,
    GraphMethods,
    ProjectorMethods,
):
    """Writes TensorBoard event files from a training loop, in the background.

    The constructor and every ``add_*`` method take the arguments of
    ``torch.utils.tensorboard.SummaryWriter`` (and tensorboardX's extras), so
    changing the import is all it takes::

        from trainboard import SummaryWriter

        with SummaryWriter("runs/exp1") as writer:
            for step in range(100):
                writer.add_scalar("loss/train", 1 / (step + 1), step)

    Args:
        log_dir: Directory to write to. Default ``runs/<Mon DD_HH-MM-SS>_<host><comment>``.
            tensorboardX's keyword ``logdir`` is accepted too. A local path, a
            ``file://`` URL, or an fsspec URL (``s3://bucket/prefix/run``, ``gs://``,
            ``az://``, ...; ``pip install 'trainboard[s3]'``): event files are then
            written to a local spill directory and uploaded in segments off the training
            thread, and ``flush()``/``close()`` wait for the uploads (docs/object_storage.md).
        comment: Appended to the default ``log_dir``; ignored when ``log_dir`` is given.
        purge_step: After a crash at step T+X, restart with ``purge_step=T``: readers
            then hide the earlier events with step >= T (a ``SessionLog.START`` marker).
        max_queue: Pending events at which a call wakes the background writer early.
        flush_secs: Seconds between ``fsync`` calls. Independently of it, what is
            logged reaches the event file within ~20 ms, so a dashboard
            sees new points live. In object storage: seconds between two uploaded
            segments (how far the store lags behind at most, unless ``flush()``).
        filename_suffix: Appended to every event file name.
        write_to_disk: False turns the writer into a no-op (tensorboardX).
        max_pending: Most events queued before ``on_full`` applies (trainboard).
        on_full: ``"block"`` (default) waits for the background writer when the queue
            is full; ``"drop"`` drops the new event and counts it in :attr:`dropped`.
        capture_environment: True (default) records, once, what ran: command line,
            working directory, git commit and dirty flag (inside a git repository), host,
            Python, torch, CUDA and GPU names (only when torch is imported already) and
            trainboard's version, as a text table TensorBoard shows (tag ``environment``)
            and as JSON that ``trainboard.open(...).environment(run)`` reads back. It is
            gathered on the background thread and written to an event file of its own,
            ``.<event file name>.environment`` (docs/data.md). False records nothing
            (trainboard; torch and tensorboardX have no such record).
        system_metrics: True samples CPU, memory and GPU use every 5 s (a number: every
            that many seconds) on a daemon thread, as scalars under ``system/``, until
            ``close()``. Needs psutil (``pip install 'trainboard[system]'``); GPUs need
            pynvml, or torch with CUDA initialized (trainboard).
        rank: Of a run written by several processes: each rank writes its event files
            into ``<log_dir>/rank_<N>`` (trainboard; docs/distributed.md). ``"auto"``
            (default) takes the rank from an initialised ``torch.distributed`` process
            group, else from torchrun's ``WORLD_SIZE``/``RANK`` environment, when the
            world size is above 1; a single process writes ``log_dir`` itself. An int
            forces that rank's directory; None never adds one. :attr:`log_dir` is the
            directory written, ``rank`` the rank (None without one).

    The calling thread only validates and queues; protobufs, image/audio encoding,
    CRCs and file I/O happen on one background thread per writer (shared by the
    sub-runs ``add_scalars`` and ``add_hparams`` create). An error there is raised
    by the next call. ``flush()`` returns when everything logged is in the file;
    ``close()`` is idempotent; open writers are closed at interpreter exit, and a
    writer used in a ``fork()``-ed child writes to a new file of its own.
    """
