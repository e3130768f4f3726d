"""Turning user values (Python numbers, numpy, torch tensors on any device, PIL
images) into what the encoders need, importing torch and PIL only when given them.

Everything here runs on the calling thread, so it does the least that must happen
there: it validates, and it takes a snapshot of mutable data so that a tensor
changed in place after the call is logged as it was. Device tensors are not read
back here when that can wait for the background writer.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = [
    "check_tag",
    "is_torch_tensor",
    "scalar_of",
    "step_of",
    "to_numpy",
    "walltime_of",
]


def is_torch_tensor(value: Any) -> bool:
    """Whether ``value`` is a ``torch.Tensor`` (or Parameter), without importing torch."""
    module = type(value).__module__
    return (module == "torch" or module.startswith("torch.")) and hasattr(value, "detach")


def check_tag(tag: Any, name: str = "tag") -> str:
    """Return ``tag`` if it is a ``str``; raise naming the bad value otherwise.

    The empty tag is accepted, as torch and tensorboardX accept it (protobuf then
    leaves the ``tag`` field out, and readers see ``""``).
    """
    if not isinstance(tag, str):
        raise TypeError(f"{name} must be a str, got {type(tag).__name__} {tag!r}")
    return tag


def step_of(global_step: Any, name: str = "global_step") -> int | None:
    """``global_step`` as an int (None stays None). Integral floats and 0-dim tensors pass."""
    if global_step is None or type(global_step) is int:
        return global_step
    if isinstance(global_step, bool):
        raise TypeError(f"{name} must be an integer, got the bool {global_step!r}")
    if is_torch_tensor(global_step) or hasattr(global_step, "dtype"):
        if getattr(global_step, "ndim", 0) != 0 and _size(global_step) != 1:
            raise ValueError(
                f"{name} must be a single integer, got shape {tuple(global_step.shape)}"
            )
        global_step = global_step.item() if hasattr(global_step, "item") else global_step
    if isinstance(global_step, numbers.Integral):
        return int(global_step)
    if isinstance(global_step, numbers.Real) and float(global_step).is_integer():
        return int(float(global_step))
    raise ValueError(f"{name} must be an integer step, got {global_step!r}")


def walltime_of(walltime: Any, now: float) -> float:
    """``walltime`` as float seconds since the epoch; ``None`` means ``now``."""
    if walltime is None:
        return now
    try:
        value = float(walltime)
    except (TypeError, ValueError):
        raise TypeError(
            f"walltime must be seconds since the epoch (a number), got {walltime!r}"
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"walltime must be finite, got {walltime!r}")
    return value


def _size(value: Any) -> int:
    size = value.numel() if is_torch_tensor(value) else getattr(value, "size", 1)
    return int(size)


def scalar_of(value: Any, name: str = "scalar_value") -> Any:
    """One number from ``value``: a float, or a detached 0-dim device tensor to read later.

    A CPU tensor or numpy value is read now (cheap, and later in-place changes must
    not leak in). A CUDA (or other device) tensor is detached and cloned on its
    device, which queues a copy without waiting for the device; the background
    writer reads it, so the training loop does not synchronize.
    """
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool):
        return float(value)
    if is_torch_tensor(value):
        if value.numel() != 1:
            raise ValueError(
                f"{name} must hold exactly one value, got a tensor of shape {tuple(value.shape)}"
            )
        if value.is_complex():
            raise TypeError(f"{name} must be real, got a complex tensor {value!r}")
        if value.is_cpu:
            return float(value.item())
        return (
            value.detach().clone()
        )  # a copy queued on the device: later in-place ops cannot leak in
    if isinstance(value, (str, bytes)):
        # torch converts with float(): "0.5", " 1e3 ", "nan", b"2" are numbers; anything
        # else raises ValueError, as in torch.
        try:
            return float(value)
        except ValueError:
            raise ValueError(
                f"{name} must be a number, got {type(value).__name__} {value!r}"
            ) from None
    if isinstance(value, (list, tuple)):
        import numpy as np

        value = np.asarray(value)
    if hasattr(value, "dtype") and hasattr(value, "shape"):  # numpy and array-likes
        if _size(value) != 1:
            raise ValueError(
                f"{name} must hold exactly one value, got an array of shape {tuple(value.shape)}"
            )
        if getattr(value.dtype, "kind", "f") == "c":
            raise TypeError(f"{name} must be real, got a complex value {value!r}")
        return float(value.reshape(-1)[0]) if hasattr(value, "reshape") else float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number, a numpy value or a one-element tensor, got "
            f"{type(value).__name__} {value!r}"
        ) from None


def to_numpy(value: Any, name: str = "values") -> Any:
    """A numpy array from a list, numpy array, torch tensor (any device) or PIL image."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return value
    if is_torch_tensor(value):
        import torch

        tensor = value.detach()
        if tensor.dtype == torch.bfloat16:
            tensor = tensor.float()
        return tensor.cpu().numpy()
    if type(value).__module__.startswith("PIL."):
        return np.asarray(value)
    try:
        array = np.asarray(value)
    except Exception as exc:
        raise TypeError(
            f"{name} must be array-like (a list, numpy array or tensor), got "
            f"{type(value).__name__}: {exc}"
        ) from None
    if array.dtype == object:
        raise TypeError(f"{name} must be numeric, got {type(value).__name__} {value!r}")
    return array
