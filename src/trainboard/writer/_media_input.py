"""The calling-thread half of the media methods: snapshots of pixel and sample data,
PIL images, and rendering matplotlib figures.

A :class:`Snapshot` is a private copy taken at call time (so a tensor changed in
place afterwards is logged as it was) that the background writer turns into a
numpy array. A CPU tensor or array is copied to a new numpy array at once (a
memcpy); a CUDA (or other device) tensor is cloned on its device, which queues
the copy without waiting for the device, and is read back on the writer thread.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from trainboard.errors import MissingDependencyError
from trainboard.writer._convert import is_torch_tensor

__all__ = ["Snapshot", "check_positive", "image_snapshot", "images_snapshot", "render_figures"]

_NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float


class Snapshot:
    """A private copy of array data: a numpy array, or a device tensor read on the worker."""

    __slots__ = ("_data", "nbytes", "shape")

    def __init__(self, data: Any, shape: tuple[int, ...], nbytes: int) -> None:
        self._data = data
        self.shape = shape
        self.nbytes = nbytes

    @classmethod
    def of(cls, value: Any, name: str, *, defer: bool | None = None) -> Snapshot:
        """Snapshot ``value`` (list, numpy array, torch tensor on any device).

        ``defer`` forces (True) or prevents (False) reading a tensor on the worker;
        by default only non-CPU tensors are deferred.
        """
        if is_torch_tensor(value):
            return cls._of_tensor(value, name, defer)
        if isinstance(value, np.ndarray):
            array = np.array(value, copy=True)
        else:
            try:
                array = np.asarray(value)  # a list or scalar: already a new array
            except Exception as exc:
                raise TypeError(
                    f"{name} must be a numpy array, a torch tensor or a nested list of "
                    f"numbers, got {type(value).__name__}: {exc}"
                ) from None
        if array.dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(
                f"{name} must hold real numbers, got dtype {array.dtype} from "
                f"{type(value).__name__}"
            )
        return cls(array, tuple(array.shape), array.nbytes)

    @classmethod
    def _of_tensor(cls, value: Any, name: str, defer: bool | None) -> Snapshot:
        import torch

        tensor = value.detach()
        if tensor.is_complex() or tensor.is_quantized:
            raise TypeError(f"{name} must hold real numbers, got a tensor of dtype {tensor.dtype}")
        shape = tuple(tensor.shape)
        nbytes = tensor.numel() * tensor.element_size()
        if defer is None:
            defer = tensor.device.type != "cpu"
        if defer:
            return cls(tensor.clone(), shape, nbytes)
        if tensor.dtype == torch.bfloat16:
            return cls(tensor.float().numpy(), shape, nbytes)  # .float() is the copy
        return cls(np.array(tensor.numpy(force=True), copy=True), shape, nbytes)

    def array(self) -> np.ndarray:
        """The data as a numpy array (on the worker: reads a device tensor back)."""
        data = self._data
        if isinstance(data, np.ndarray):
            return data
        import torch

        if data.dtype == torch.bfloat16:
            data = data.float()
        result: np.ndarray = data.numpy(force=True)
        return result


def _pil_array(image: Any) -> tuple[np.ndarray, str]:
    """A PIL image's pixels (a new array) and their layout, ``"HWC"`` or ``"HW"``."""
    if image.mode not in ("1", "L", "RGB", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    array = np.array(image)
    return array, ("HW" if array.ndim == 2 else "HWC")


def is_pil_image(value: Any) -> bool:
    """Whether ``value`` is a ``PIL.Image.Image``, importing PIL only for PIL objects."""
    if not type(value).__module__.startswith("PIL."):
        return False
    # A real import, not a look-up in sys.modules: the writer thread may be halfway
    # through importing PIL, and the import lock makes this wait for it.
    from PIL import Image

    return isinstance(value, Image.Image)


def image_snapshot(value: Any, dataformats: Any, name: str = "img_tensor") -> tuple[Snapshot, Any]:
    """Snapshot one image; a PIL image brings its own layout, overriding ``dataformats``."""
    if is_pil_image(value):
        array, layout = _pil_array(value)
        return Snapshot(array, tuple(array.shape), array.nbytes), layout
    return Snapshot.of(value, name), dataformats


def images_snapshot(
    items: Sequence[Any], dataformats: Any, name: str = "img_tensor"
) -> tuple[Snapshot, Any]:
    """Snapshot a list of same-shaped images (tensorboardX's ``add_images`` list form).

    ``dataformats`` is the layout of each image (``CHW``, ``HWC``, ...), or of the
    batch (``NCHW``, ``NHWC``), whose ``N`` is then the list's; PIL images bring
    their own layout.
    """
    if not items:
        raise ValueError(f"{name} is an empty list; expected at least one image")
    if isinstance(dataformats, str) and len(dataformats) == 4 and "N" in dataformats.upper():
        dataformats = dataformats.upper().replace("N", "")
    if all(is_torch_tensor(item) for item in items):
        return _stack_tensors(items, dataformats, name)
    arrays: list[np.ndarray] = []
    for i, item in enumerate(items):
        snap, layout = image_snapshot(item, dataformats, f"{name}[{i}]")
        array = snap.array()
        if layout == "HW" and is_pil_image(item):
            array, layout = array[:, :, None], "HWC"
        if arrays and array.shape != arrays[0].shape:
            raise ValueError(
                f"{name} must hold images of one shape: {name}[0] has shape "
                f"{arrays[0].shape} but {name}[{i}] has shape {array.shape}"
            )
        arrays.append(array)
        dataformats = layout
    return _batch_of(np.stack(arrays), dataformats, name)


def _batch_of(batch: Any, dataformats: Any, name: str) -> tuple[Snapshot, Any]:
    """The snapshot and layout of stacked images (a new array or tensor already)."""
    if isinstance(dataformats, str) and sorted(dataformats.upper()) == ["H", "W"]:
        batch, dataformats = batch[..., None], dataformats + "C"  # gray: one channel
    batch_format = "N" + dataformats if isinstance(dataformats, str) else dataformats
    if is_torch_tensor(batch):
        return Snapshot._of_tensor(batch, name, None), batch_format
    return Snapshot(batch, tuple(batch.shape), batch.nbytes), batch_format


def _stack_tensors(items: Sequence[Any], dataformats: Any, name: str) -> tuple[Snapshot, Any]:
    """Stack tensors on their device (no read back: a CUDA batch stays asynchronous)."""
    import torch

    shapes = [tuple(item.shape) for item in items]
    for i, shape in enumerate(shapes):
        if shape != shapes[0]:
            raise ValueError(
                f"{name} must hold images of one shape: {name}[0] has shape {shapes[0]} "
                f"but {name}[{i}] has shape {shape}"
            )
    batch = torch.stack([item.detach() for item in items])  # a new tensor: the snapshot
    return _batch_of(batch, dataformats, name)


def check_positive(value: Any, name: str) -> float:
    """``value`` as a float if it is a finite number > 0; raise naming it otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return number


def _render_figure(figure: Any, close: bool) -> np.ndarray:
    """RGB pixels (HWC ``uint8``) of a matplotlib figure, drawn by Agg as torch draws it.

    The figure's own canvas is put back afterwards, so a figure kept open
    (``close=False``) still shows in its window.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    original = figure.canvas
    try:
        canvas = FigureCanvasAgg(figure)
        canvas.draw()  # type: ignore[no-untyped-call]
        rgba = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
        pixels = np.array(rgba[:, :, :3])
    finally:
        figure.set_canvas(original)
    if close and "matplotlib.pyplot" in sys.modules:
        # Only pyplot tracks open figures; if it was never imported there is nothing to close.
        sys.modules["matplotlib.pyplot"].close(figure)
    return pixels


def render_figures(figure: Any, close: bool) -> tuple[np.ndarray, str]:
    """Render a figure (``HWC``) or a list of same-sized figures (``NHWC``) on this thread."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError(
            "add_figure needs matplotlib: pip install matplotlib (or trainboard[figures])"
        ) from None
    figures = list(figure) if isinstance(figure, (list, tuple)) else [figure]
    if not figures:
        raise ValueError("figure is an empty list; expected at least one matplotlib Figure")
    for i, fig in enumerate(figures):
        if not isinstance(fig, Figure):
            where = "figure" if fig is figure else f"figure[{i}]"
            raise TypeError(
                f"{where} must be a matplotlib.figure.Figure, got {type(fig).__name__} {fig!r}"
            )
    sizes = [(int(fig.bbox.width), int(fig.bbox.height)) for fig in figures]  # Agg's canvas
    if len(set(sizes)) > 1:
        raise ValueError(
            f"the figures must have one size in pixels to be tiled, got (width, height) {sizes}"
        )
    images = [_render_figure(fig, close) for fig in figures]
    if isinstance(figure, (list, tuple)):
        return np.stack(images), "NHWC"
    return images[0], "HWC"
