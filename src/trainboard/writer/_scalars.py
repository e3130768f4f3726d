"""``add_scalar``, ``add_scalars``, ``add_tensor`` and ``export_scalars_to_json``."""

from __future__ import annotations

import json
import os
import time
from typing import Any

from trainboard.writer._base import WriterBase
from trainboard.writer._convert import check_tag, is_torch_tensor, scalar_of, to_numpy
from trainboard.writer._worker import OP_MAIN_SCALAR, OP_SCALAR

__all__ = ["ScalarMethods"]

_time = time.time


class ScalarMethods(WriterBase):
    """Scalar logging; mixed into :class:`~trainboard.SummaryWriter`."""

    _export_offsets: dict[str, int]
    _scalar_groups: dict[tuple[str, str], str]  # (sub-run dir, main_tag) -> add_scalars key

    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: Any = None,
        walltime: Any = None,
        new_style: bool = False,
        double_precision: bool = False,
        *,
        display_name: str = "",
        summary_description: str = "",
    ) -> None:
        """Log one number.

        Args:
            tag: Series name, e.g. ``"loss/train"``; the part before ``/`` groups cards.
            scalar_value: A Python number, numpy value or one-element tensor. A CUDA
                tensor is read by the background writer, so the call does not
                synchronize the device. NaN and infinities are written as they are.
            global_step: Step (x value). When omitted, the tag's values are numbered
                0, 1, 2, ... in call order (torch writes step 0 every time, which
                TensorBoard collapses to a single point).
            walltime: Seconds since the epoch; defaults to now.
            new_style: Write a rank-0 tensor with plugin metadata instead of
                ``simple_value`` (torch's option; both display the same).
            double_precision: With ``new_style``, store a float64 tensor.
            display_name: A title for the chart (tensorboardX; keyword only, since
                torch's fifth positional argument is ``new_style``).
            summary_description: A longer description of the series (tensorboardX).

        Example::

            for step in range(100):
                writer.add_scalar("loss/train", 1 / (step + 1), step)
        """
        fast = self._fast
        # Fast path: a str tag, an int or absent step, no walltime, no new_style.
        if (
            fast is not None
            and type(tag) is str
            and (global_step is None or type(global_step) is int)
            and walltime is None
            and not (new_style or display_name or summary_description)
        ):
            if type(scalar_value) is not float and type(scalar_value) is not int:
                scalar_value = scalar_of(scalar_value)
            pending = fast[0]
            pending.append((OP_MAIN_SCALAR, tag, scalar_value, global_step, _time()))
            if len(pending) >= fast[1]:
                fast[2].after_append()
            return
        if display_name or summary_description:
            self._add_described_scalar(
                tag, scalar_value, global_step, walltime, display_name, summary_description
            )
            return
        self._add_scalar_checked(
            tag, scalar_value, global_step, walltime, new_style, double_precision, None
        )

    def _add_described_scalar(
        self,
        tag: Any,
        scalar_value: Any,
        global_step: Any,
        walltime: Any,
        display_name: Any,
        summary_description: Any,
    ) -> None:
        """tensorboardX's ``simple_value`` with a display name and description in its metadata."""
        from trainboard.format.kinds import scalar

        check_tag(tag)
        for name, text in (
            ("display_name", display_name),
            ("summary_description", summary_description),
        ):
            if not isinstance(text, str):
                raise TypeError(f"{name} must be a str, got {type(text).__name__} {text!r}")
        value = scalar_of(scalar_value)

        def build() -> list[Any]:
            return [
                scalar.scalar_value(
                    tag,
                    float(value),
                    display_name=display_name,
                    summary_description=summary_description,
                )
            ]

        self._submit_values(tag, build, global_step, walltime)

    def _add_scalar_checked(
        self,
        tag: Any,
        scalar_value: Any,
        global_step: Any,
        walltime: Any,
        new_style: bool,
        double_precision: bool,
        run: str | None,
    ) -> None:
        check_tag(tag)
        value = scalar_of(scalar_value)
        step = self._step(global_step)
        wall = self._wall(walltime)
        target = self._target(run)
        if target is not None:
            worker, file = target
            item = (
                OP_SCALAR,
                file,
                tag,
                value,
                step,
                wall,
                bool(new_style),
                bool(double_precision),
            )
            worker.submit(item)

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: dict[str, Any],
        global_step: Any = None,
        walltime: Any = None,
    ) -> None:
        """Log several series drawn on one chart named ``main_tag``.

        As in torch, each key becomes a sub-run ``<log_dir>/<main_tag with / as _>_<key>``
        holding the series under the tag ``main_tag`` (tensorboardX nests them as
        ``<main_tag>/<key>`` instead; trainboard follows torch, and uses tensorboardX's
        names only in :meth:`export_scalars_to_json`). trainboard's board draws the
        group as one multi-line card and lists the sub-runs under their parent run.

        Example::

            writer.add_scalars("loss", {"train": 0.3, "val": 0.4}, step)
        """
        check_tag(main_tag, "main_tag")
        if not isinstance(tag_scalar_dict, dict):
            raise TypeError(
                f"tag_scalar_dict must be a dict of {{name: number}}, got "
                f"{type(tag_scalar_dict).__name__} {tag_scalar_dict!r}"
            )
        wall = self._wall(walltime)
        values = {
            check_tag(key, "tag_scalar_dict key"): scalar_of(v, f"tag_scalar_dict[{key!r}]")
            for key, v in tag_scalar_dict.items()
        }
        prefix = main_tag.replace("/", "_")
        if not hasattr(self, "_scalar_groups"):
            self._scalar_groups = {}
        for key, value in values.items():
            run = f"{prefix}_{key}"
            self._add_scalar_checked(main_tag, value, global_step, wall, False, False, run)
            self._scalar_groups[(os.path.join(self.log_dir, run), main_tag)] = key

    def add_tensor(
        self, tag: str, tensor: Any, global_step: Any = None, walltime: Any = None
    ) -> None:
        """Log a whole tensor under the ``tensor`` plugin name (torch's ``add_tensor``).

        No dashboard draws these; they are kept for programs that read them back.
        """
        from trainboard.format.kinds.tensor import typed_tensor_value

        check_tag(tag)
        # bfloat16 arrives here as float32 (numpy has no bfloat16): keep its dtype for torch's
        # DT_BFLOAT16 layout.
        bfloat16 = is_torch_tensor(tensor) and str(tensor.dtype) == "torch.bfloat16"
        array = to_numpy(tensor, "tensor").copy()
        self._submit_values(
            tag,
            lambda: [typed_tensor_value(tag, array, bfloat16=bfloat16)],
            global_step,
            walltime,
            nbytes=array.nbytes,
        )

    def export_scalars_to_json(self, path: str | os.PathLike[str]) -> None:
        """Write every scalar logged since the last export to ``path`` as JSON.

        tensorboardX's format, ``{key: [[wall_time, step, value], ...]}``, with its keys
        for ``add_scalars`` groups: ``"<log_dir>/<main_tag>/<key>"``. It covers
        ``add_scalar`` too (tensorboardX exports only ``add_scalars``), keyed
        ``"<run dir>/<tag>"``, and costs no memory while training: the values are read
        back from the event files this writer wrote. A float32 value is written as the
        shortest decimal that reads back as it (``0.1``, not ``0.10000000149011612``).
        """
        import numpy as np

        from trainboard.format.kinds import scalar
        from trainboard.format.proto.event_pb2 import Event
        from trainboard.format.proto.tensor_pb2 import DataType
        from trainboard.format.record import iter_records

        self.flush()
        if not hasattr(self, "_export_offsets"):
            self._export_offsets = {}
        groups = getattr(self, "_scalar_groups", {})
        dt_float = DataType.Value("DT_FLOAT")
        exported: dict[str, list[list[float]]] = {}
        for run_dir, writer in self.all_writers.items():
            for event_path in writer._paths:
                if not os.path.exists(event_path):
                    continue
                start = self._export_offsets.get(event_path, 0)
                with open(event_path, "rb") as f:
                    end = start
                    for offset, data in iter_records(f, start=start):
                        end = offset + len(data) + 16
                        event = Event.FromString(data)
                        for value in event.summary.value:
                            if not (
                                value.HasField("simple_value")
                                or value.metadata.plugin_data.plugin_name == scalar.PLUGIN_NAME
                            ):
                                continue
                            try:
                                number = scalar.decode(value)
                            except ValueError:
                                continue
                            if value.HasField("simple_value") or value.tensor.dtype == dt_float:
                                number = float(str(np.float32(number)))  # shortest decimal
                            group_key = groups.get((run_dir, value.tag))
                            if group_key is None:
                                key = f"{run_dir}/{value.tag}"
                            else:  # tensorboardX's os.path.join(logdir, main_tag, key)
                                key = os.path.join(self.log_dir, value.tag, group_key)
                            exported.setdefault(key, []).append(
                                [event.wall_time, event.step, number]
                            )
                self._export_offsets[event_path] = end
        with open(path, "w", encoding="utf-8") as f:
            json.dump(exported, f)
