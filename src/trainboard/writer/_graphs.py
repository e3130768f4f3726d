"""``add_graph`` and ``add_onnx_graph``."""

from __future__ import annotations

import os
from typing import Any

from trainboard.writer._base import WriterBase

__all__ = ["GraphMethods"]

_NODE_BYTES = 300  # rough serialized size of one traced node, for the queue's byte budget


class GraphMethods(WriterBase):
    """add_graph, add_onnx_graph; mixed into :class:`~trainboard.SummaryWriter`."""

    def add_graph(
        self,
        model: Any,
        input_to_model: Any = None,
        verbose: bool = False,
        use_strict_trace: bool = True,
    ) -> None:
        """Log the graph of a ``torch.nn.Module``, traced with ``torch.jit.trace``.

        Writes the same ``GraphDef`` as torch's ``add_graph`` (nodes scoped by module
        hierarchy, e.g. ``Net/Conv2d[conv1]/input.1``, with output shapes), followed by
        the run metadata tagged ``step1``. The model is traced in eval mode on the
        calling thread and put back in its previous mode; the protobuf is built
        and written in the background.

        Args:
            model: The module to trace.
            input_to_model: Example input: a tensor, or a tuple or list of tensors for a
                ``forward`` with several arguments. None traces a ``forward`` that
                takes no arguments.
            verbose: Print the traced TorchScript graph.
            use_strict_trace: Passed to ``torch.jit.trace`` as ``strict``; set False
                to trace a model that returns a list or dict.

        Raises:
            TypeError: if ``model`` is not a ``torch.nn.Module``.
            RuntimeError: if the model cannot be traced; the message says what to
                try. Nothing is written then and the writer stays usable.

        Example::

            model = torch.nn.Sequential(torch.nn.Linear(8, 4), torch.nn.ReLU())
            writer.add_graph(model, torch.randn(1, 8))
        """
        from trainboard.format.kinds import graph
        from trainboard.format.kinds.graph_torch import trace_graph

        nodes = trace_graph(model, input_to_model, bool(verbose), bool(use_strict_trace))
        wall_time = self._wall(None)
        self._submit_event(
            lambda: graph.graph_event(graph.graph_def(nodes), wall_time),
            nbytes=len(nodes) * _NODE_BYTES,
        )
        self._submit_event(lambda: graph.run_metadata_event(graph.run_metadata(), wall_time))

    def add_onnx_graph(
        self, prototxt: str | os.PathLike[str] | Any = None, *, onnx_model_file: Any = None
    ) -> None:
        """Log the graph of an ONNX model, converted as torch's ``add_onnx_graph`` does.

        Needs the ``onnx`` package (``pip install onnx``).

        Args:
            prototxt: Path of an ``.onnx`` file, or an ``onnx.ModelProto``.
            onnx_model_file: tensorboardX's name for ``prototxt``.

        Raises:
            MissingDependencyError: if ``onnx`` is not installed.
            FileNotFoundError: if the file does not exist.

        Example::

            torch.onnx.export(model, torch.randn(1, 8), "model.onnx")
            writer.add_onnx_graph("model.onnx")
        """
        from trainboard.format.kinds import graph

        if onnx_model_file is not None:
            if prototxt is not None:
                raise TypeError(
                    f"give the ONNX model once: prototxt={prototxt!r} and "
                    f"onnx_model_file={onnx_model_file!r}"
                )
            prototxt = onnx_model_file
        if prototxt is None:
            raise TypeError("add_onnx_graph() missing the ONNX model: pass prototxt=<path>")
        graph_def = graph.load_onnx_graph(prototxt)
        wall_time = self._wall(None)
        self._submit_event(
            lambda: graph.graph_event(graph_def, wall_time), nbytes=graph_def.ByteSize()
        )

    def add_openvino_graph(self, xmlname: str | os.PathLike[str]) -> None:
        """Log the graph of an OpenVINO IR model (tensorboardX's ``add_openvino_graph``).

        Args:
            xmlname: Path of the model's ``.xml`` file.

        Example::

            writer.add_openvino_graph("model.xml")
        """
        from trainboard.format.kinds import graph
        from trainboard.format.kinds.graph_openvino import load_openvino_graph

        graph_def = load_openvino_graph(xmlname)
        wall_time = self._wall(None)
        self._submit_event(
            lambda: graph.graph_event(graph_def, wall_time), nbytes=graph_def.ByteSize()
        )
