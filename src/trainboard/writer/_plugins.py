"""``add_text``, ``add_pr_curve(_raw)``, ``add_custom_scalars*`` and ``add_mesh``.

Each method validates and snapshots its input on the calling thread and leaves
the numpy work (the PR-curve histogram) and the protobuf building to the
background writer. The encodings live in ``trainboard.format.kinds``.
"""

from __future__ import annotations

from typing import Any

from trainboard.writer._base import WriterBase
from trainboard.writer._convert import check_tag, to_numpy

__all__ = ["PluginMethods"]

_RAW_NAMES = (
    "true_positive_counts",
    "false_positive_counts",
    "true_negative_counts",
    "false_negative_counts",
    "precision",
    "recall",
)


def _real_array(value: Any, name: str) -> Any:
    """A private numpy copy of ``value``, which must be real numbers (or bools)."""
    import numpy as np

    array = np.array(to_numpy(value, name), copy=True)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    return array


def _num_thresholds(value: Any) -> int:
    """``value`` as a positive int; numpy integers pass, bools and floats do not."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"num_thresholds must be an int, got {type(value).__name__} {value!r}")
    count = int(value.__index__())
    if count < 1:
        raise ValueError(f"num_thresholds must be at least 1, got {value!r}")
    return count


def _mesh_part(value: Any, name: str, like: tuple[int, ...] | None) -> Any:
    """``value`` as a ``[B, N, 3]`` numpy copy; ``like`` is the vertices' shape to match."""
    array = _real_array(value, name)
    if array.ndim != 3 or array.shape[2] != 3:
        dims = "(B, F, 3)" if name == "faces" else "(B, N, 3)"
        raise ValueError(f"{name} must have shape {dims}, got {array.shape}")
    if like is not None and name == "colors" and array.shape != like:
        raise ValueError(
            f"colors must have the shape of vertices {like} (one color per vertex), "
            f"got {array.shape}"
        )
    if like is not None and name == "faces" and array.shape[0] != like[0]:
        raise ValueError(
            f"faces must have the batch size of vertices ({like[0]}), got shape {array.shape}"
        )
    return array


class PluginMethods(WriterBase):
    """Text, PR curves, custom-scalars layouts and meshes.

    Mixed into :class:`~trainboard.SummaryWriter`.
    """

    def add_text(
        self, tag: str, text_string: str, global_step: Any = None, walltime: Any = None
    ) -> None:
        """Log Markdown text, shown by the text dashboard under ``<tag>/text_summary``.

        Args:
            tag: Name of the text series; torch appends ``/text_summary``, and so do we.
            text_string: The text, rendered as Markdown.
            global_step: Step of this text; numbered per tag when omitted.
            walltime: Seconds since the epoch; defaults to now.

        Example::

            writer.add_text("notes", "lr **0.1**, batch 64", 0)
        """
        from trainboard.format.kinds.text import text_value

        check_tag(tag)
        if not isinstance(text_string, str):
            raise TypeError(
                f"text_string must be a str, got {type(text_string).__name__} {text_string!r}"
            )
        text = str(text_string)
        self._submit_values(
            tag, lambda: [text_value(tag, text)], global_step, walltime, nbytes=len(text)
        )

    def add_pr_curve(
        self,
        tag: str,
        labels: Any,
        predictions: Any,
        global_step: Any = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: Any = None,
    ) -> None:
        """Log a precision-recall curve of ``predictions`` against binary ``labels``.

        Args:
            tag: Name of the curve.
            labels: Ground truth, 0/1 or bools, of the shape of ``predictions``.
            predictions: Probability that each example is positive, in [0, 1].
                Values outside (and NaN) count in no bucket, as in torch.
            global_step: Step of this curve; numbered per tag when omitted.
            num_thresholds: Number of thresholds, evenly spaced over [0, 1];
                capped at 127 as in torch.
            weights: Optional weight of each example (a number, or an array
                broadcastable to ``predictions``).
            walltime: Seconds since the epoch; defaults to now.

        Example::

            labels = np.random.randint(2, size=100)
            writer.add_pr_curve("pr/val", labels, np.random.rand(100), step)
        """
        from trainboard.format.kinds.pr_curve import MAX_THRESHOLDS, compute_curve, curve_value

        check_tag(tag)
        labels_array = _real_array(labels, "labels")
        predictions_array = _real_array(predictions, "predictions")
        if labels_array.shape != predictions_array.shape:
            raise ValueError(
                f"labels and predictions must have the same shape, got {labels_array.shape} "
                f"and {predictions_array.shape}"
            )
        weights_array = None
        if weights is not None:
            weights_array = _real_array(weights, "weights")
            try:
                shape = _broadcast_shape(labels_array.shape, weights_array.shape)
            except ValueError:
                shape = None
            if shape != predictions_array.shape:
                raise ValueError(
                    f"weights must be a number or broadcastable to the shape of predictions "
                    f"{predictions_array.shape}, got shape {weights_array.shape}"
                )
        thresholds = min(_num_thresholds(num_thresholds), MAX_THRESHOLDS)

        def build() -> list[Any]:
            data = compute_curve(labels_array, predictions_array, thresholds, weights_array)
            return [curve_value(tag, data, thresholds)]

        nbytes = labels_array.nbytes + predictions_array.nbytes
        self._submit_values(tag, build, global_step, walltime, nbytes=nbytes)

    def add_pr_curve_raw(
        self,
        tag: str,
        true_positive_counts: Any,
        false_positive_counts: Any,
        true_negative_counts: Any,
        false_negative_counts: Any,
        precision: Any,
        recall: Any,
        global_step: Any = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: Any = None,
    ) -> None:
        """Log a precision-recall curve from counts computed elsewhere.

        The six sequences are 1-D and of one length ``T``; element ``i`` belongs to
        the threshold ``i / (T - 1)``. ``num_thresholds`` is stored in the metadata
        (capped at 127) and ``weights`` is ignored, as in torch.

        Example::

            writer.add_pr_curve_raw("pr", tp, fp, tn, fn, precision, recall, step,
                                    num_thresholds=len(tp))
        """
        import numpy as np

        from trainboard.format.kinds.pr_curve import curve_value

        check_tag(tag)
        given = (
            true_positive_counts,
            false_positive_counts,
            true_negative_counts,
            false_negative_counts,
            precision,
            recall,
        )
        rows = [_real_array(value, name) for value, name in zip(given, _RAW_NAMES, strict=True)]
        for row, name in zip(rows, _RAW_NAMES, strict=True):
            if row.ndim != 1:
                raise ValueError(f"{name} must be 1-D (one value per threshold), got {row.shape}")
        lengths = {name: len(row) for row, name in zip(rows, _RAW_NAMES, strict=True)}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"the six sequences must have one length, got lengths {lengths}")
        thresholds = _num_thresholds(num_thresholds)
        data = np.stack(rows)
        self._submit_values(
            tag,
            lambda: [curve_value(tag, data, thresholds)],
            global_step,
            walltime,
            nbytes=data.nbytes,
        )

    def add_custom_scalars(self, layout: dict[str, dict[str, list[Any]]]) -> None:
        """Group scalar tags into multi-line and margin charts on the Custom Scalars dashboard.

        Args:
            layout: ``{category: {chart title: chart}}``, each chart either
                ``["Multiline", [tag, ...]]`` or ``["Margin", [value, lower, upper]]``.
                Tags are regular expressions matched against the scalar tags of
                every run. The dashboard shows the latest layout written to a run.

        Example::

            writer.add_custom_scalars({
                "losses": {"all": ["Multiline", ["loss/train", "loss/val"]]},
                "error": {"band": ["Margin", ["err/mean", "err/low", "err/high"]]},
            })
        """
        from trainboard.format.kinds.custom_scalars import CONFIG_TAG, layout_proto, layout_value

        proto = layout_proto(layout)  # validates; cheap
        self._submit_values(CONFIG_TAG, lambda: [layout_value(proto)], 0, None)

    def add_custom_scalars_multilinechart(
        self, tags: list[str], category: str = "default", title: str = "untitled"
    ) -> None:
        """Shorthand for a layout with one multi-line chart of ``tags``.

        Example::

            writer.add_custom_scalars_multilinechart(["loss/train", "loss/val"])
        """
        self.add_custom_scalars({category: {title: ["Multiline", tags]}})

    def add_custom_scalars_marginchart(
        self, tags: list[str], category: str = "default", title: str = "untitled"
    ) -> None:
        """Shorthand for a layout with one margin chart; ``tags`` is ``[value, lower, upper]``.

        Example::

            writer.add_custom_scalars_marginchart(["err/mean", "err/low", "err/high"])
        """
        self.add_custom_scalars({category: {title: ["Margin", tags]}})

    def add_mesh(
        self,
        tag: str,
        vertices: Any,
        colors: Any = None,
        faces: Any = None,
        config_dict: dict[str, Any] | None = None,
        global_step: Any = None,
        walltime: Any = None,
    ) -> None:
        """Log a batch of meshes or point clouds for the Mesh dashboard (Three.js).

        Args:
            tag: Name of the mesh; its parts are tagged ``<tag>_VERTEX``,
                ``<tag>_FACE`` and ``<tag>_COLOR`` as in torch.
            vertices: ``(B, N, 3)`` coordinates.
            colors: Optional ``(B, N, 3)`` color of each vertex, 0-255.
            faces: Optional ``(B, F, 3)`` vertex indices of each triangle.
            config_dict: Three.js scene settings (``camera``, ``lights``,
                ``material``), stored as JSON.
            global_step: Step of this mesh; numbered per tag when omitted.
            walltime: Seconds since the epoch; defaults to now.

        Example::

            cloud = torch.rand(1, 1000, 3)
            writer.add_mesh("cloud", vertices=cloud, config_dict={"material": {"size": 0.05}})
        """
        from trainboard.format.kinds.mesh import json_config, mesh_values

        check_tag(tag)
        vertex_array = _mesh_part(vertices, "vertices", None)
        shape = tuple(vertex_array.shape)
        color_array = None if colors is None else _mesh_part(colors, "colors", shape)
        face_array = None if faces is None else _mesh_part(faces, "faces", shape)
        config = json_config(config_dict)
        nbytes = sum(a.nbytes for a in (vertex_array, color_array, face_array) if a is not None)
        self._submit_values(
            tag,
            lambda: mesh_values(tag, vertex_array, color_array, face_array, config),
            global_step,
            walltime,
            nbytes=nbytes,
        )


def _broadcast_shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    import numpy as np

    return tuple(np.broadcast_shapes(*shapes))
