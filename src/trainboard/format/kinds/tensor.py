"""Generic tensors: numpy arrays <-> ``TensorProto``, and torch's ``add_tensor``.

Readers meet every encoding TensorFlow allows: packed little-endian bytes in
``tensor_content``, one typed repeated field per dtype, and the "one value fills
the whole shape" shorthand. :func:`tensor_to_ndarray` handles all of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainboard.format.proto.summary_pb2 import Summary, SummaryMetadata
from trainboard.format.proto.tensor_pb2 import DataType, TensorProto, TensorShapeProto

__all__ = [
    "PLUGIN_NAME",
    "VERSION",
    "ndarray_to_tensor",
    "shape_proto",
    "tensor_to_ndarray",
    "typed_tensor_proto",
    "typed_tensor_value",
]

PLUGIN_NAME = "tensor"  # torch's add_tensor; no TensorBoard dashboard reads it.
VERSION = 0

_MAX_BYTES = 1 << 31  # protobuf messages cannot exceed 2 GiB

# dtype code -> (numpy dtype, typed repeated field)
_DTYPES: dict[Any, tuple[str, str]] = {
    DataType.Value("DT_FLOAT"): ("<f4", "float_val"),
    DataType.Value("DT_DOUBLE"): ("<f8", "double_val"),
    DataType.Value("DT_INT32"): ("<i4", "int_val"),
    DataType.Value("DT_UINT8"): ("u1", "int_val"),
    DataType.Value("DT_INT16"): ("<i2", "int_val"),
    DataType.Value("DT_INT8"): ("i1", "int_val"),
    DataType.Value("DT_UINT16"): ("<u2", "int_val"),
    DataType.Value("DT_INT64"): ("<i8", "int64_val"),
    DataType.Value("DT_UINT32"): ("<u4", "uint32_val"),
    DataType.Value("DT_UINT64"): ("<u8", "uint64_val"),
    DataType.Value("DT_BOOL"): ("?", "bool_val"),
    DataType.Value("DT_HALF"): ("<f2", "half_val"),
    DataType.Value("DT_COMPLEX64"): ("<c8", "scomplex_val"),
    DataType.Value("DT_COMPLEX128"): ("<c16", "dcomplex_val"),
}
_DT_STRING: Any = DataType.Value("DT_STRING")
_DT_BFLOAT16: Any = DataType.Value("DT_BFLOAT16")
_NUMPY_TO_DT: dict[np.dtype[Any], Any] = {
    np.dtype(np_dtype).newbyteorder("="): code for code, (np_dtype, _) in _DTYPES.items()
}


def shape_proto(shape: tuple[int, ...] | list[int]) -> TensorShapeProto:
    """A ``TensorShapeProto`` with one ``Dim`` per entry of ``shape``."""
    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(n)) for n in shape])


def ndarray_to_tensor(array: Any) -> TensorProto:
    """Encode a numpy array (numeric, bool or strings) as a ``TensorProto``.

    Numbers are packed into ``tensor_content``; strings go to ``string_val``
    (UTF-8 encoded when given as ``str``).
    """
    array = np.asarray(array)
    if array.dtype.kind in "US" or array.dtype == object:
        strings = [s if isinstance(s, bytes) else str(s).encode("utf-8") for s in array.reshape(-1)]
        return TensorProto(
            dtype=_DT_STRING, tensor_shape=shape_proto(array.shape), string_val=strings
        )
    code = _NUMPY_TO_DT.get(array.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(
            f"cannot store an array of dtype {array.dtype} in a TensorProto; expected one of "
            f"{sorted({str(np.dtype(d)) for d, _ in _DTYPES.values()})} or strings"
        )
    if array.nbytes >= _MAX_BYTES:
        raise ValueError(
            f"tensor of {array.nbytes} bytes exceeds the 2 GiB limit of a protocol buffer"
        )
    content = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    return TensorProto(dtype=code, tensor_shape=shape_proto(array.shape), tensor_content=content)


# A TensorProto may state one value for a whole shape. Decoding such a record may make at
# most MAX_EXPANSION times its own size in bytes, or MIN_EXPANDED_BYTES, whichever is
# larger: a 43-byte record cannot ask for a [1e6, 1e6] array. Both are module settings.
MAX_EXPANSION = 1024
MIN_EXPANDED_BYTES = 1 << 20


def _check_expansion(tensor: TensorProto, shape: tuple[int, ...], nbytes: int) -> None:
    allowed = max(MAX_EXPANSION * tensor.ByteSize(), MIN_EXPANDED_BYTES)
    if nbytes > allowed:
        raise ValueError(
            f"TensorProto of {tensor.ByteSize()} bytes with shape {list(shape)} would expand "
            f"to {nbytes} bytes; at most {allowed} (MAX_EXPANSION x its size, or "
            f"MIN_EXPANDED_BYTES) are decoded"
        )


def _bfloat16_to_float32(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


def _half_val(half_val: Any, dtype: type[np.floating[Any]]) -> np.ndarray:
    """``half_val`` of a DT_HALF (``dtype`` float16) or DT_BFLOAT16 (float32) tensor.

    TensorFlow stores each value's 16-bit pattern. torch's ``add_tensor`` stores its
    float32 bit pattern (as a signed int32), which is 0 or outside 0..65535 for every
    value: a field with such a value is read as float32 bits.
    """
    ints = np.asarray(half_val, dtype=np.int64)
    if ints.size and (ints.min() < 0 or ints.max() > 0xFFFF):
        return (ints & 0xFFFFFFFF).astype(np.uint32).view(np.float32).astype(dtype)
    bits = ints.astype(np.uint16)
    if dtype is np.float16:
        return bits.view(np.float16)
    return _bfloat16_to_float32(bits)


def tensor_to_ndarray(tensor: TensorProto) -> np.ndarray:
    """Decode any ``TensorProto`` a TensorFlow, TensorBoard, torch or tbX writer produces.

    Strings come back as an ``object`` array of ``bytes``; bfloat16 as float32.
    """
    shape = tuple(d.size for d in tensor.tensor_shape.dim)
    if any(d < 0 for d in shape):
        raise ValueError(f"TensorProto shape {list(shape)} has a negative dimension")
    count = 1
    for d in shape:  # Python ints: a product of huge dimensions must not wrap around
        count *= d
    if tensor.dtype == _DT_STRING:
        values: np.ndarray = np.empty(len(tensor.string_val), dtype=object)
        values[:] = list(tensor.string_val)
    elif tensor.dtype == _DT_BFLOAT16:
        if tensor.tensor_content:
            values = _bfloat16_to_float32(np.frombuffer(tensor.tensor_content, dtype="<u2"))
        else:
            values = _half_val(tensor.half_val, np.float32)
    elif tensor.dtype in _DTYPES:
        np_dtype, field = _DTYPES[tensor.dtype]
        if tensor.tensor_content:
            native = np.dtype(np_dtype).newbyteorder("=")
            values = np.frombuffer(tensor.tensor_content, dtype=np_dtype).astype(native)
        elif field == "half_val":
            values = _half_val(tensor.half_val, np.float16)
        elif field in ("scomplex_val", "dcomplex_val"):
            pairs = np.asarray(getattr(tensor, field), dtype=np.float64).reshape(-1, 2)
            values = (pairs[:, 0] + 1j * pairs[:, 1]).astype(np_dtype)
        else:
            values = np.asarray(getattr(tensor, field)).astype(np_dtype)
    else:
        name = DataType.Name(tensor.dtype) if tensor.dtype in DataType.values() else tensor.dtype
        raise ValueError(f"unsupported TensorProto dtype {name!r}")
    if values.size == count:
        return values.reshape(shape)
    if values.size <= 1:  # one value (or none: zeros) fills the whole shape
        _check_expansion(tensor, shape, count * values.dtype.itemsize)
        if values.size == 1:
            return np.full(shape, values[0], dtype=values.dtype)
        return np.zeros(shape, dtype=values.dtype)
    raise ValueError(f"TensorProto holds {values.size} values but its shape {shape} needs {count}")


def typed_tensor_proto(array: Any, *, bfloat16: bool = False) -> TensorProto:
    """Encode a numeric array in its dtype's typed repeated field, as torch's ``add_tensor`` does.

    Unlike torch, float16 goes to ``half_val`` as its 16-bit pattern (torch stores the
    float32 bits, which readers misread) and uint8 to ``int_val`` (torch: ``uint32_val``).
    ``bfloat16=True`` means ``array`` holds the float32 values of a bfloat16 tensor;
    they are written as torch writes them: ``DT_BFLOAT16`` with each value's float32
    bit pattern (a signed int32) in ``half_val``.
    """
    array = np.asarray(array)
    if bfloat16:
        if array.size * 2 >= _MAX_BYTES:
            raise ValueError(
                f"tensor of {array.size * 2} bytes exceeds the 2 GiB limit of a protocol buffer"
            )
        bits = np.ascontiguousarray(array, dtype=np.float32).reshape(-1).view(np.int32)
        tensor = TensorProto(dtype=_DT_BFLOAT16, tensor_shape=shape_proto(array.shape))
        tensor.half_val.extend(bits.tolist())
        return tensor
    if array.dtype.kind in "US" or array.dtype == object:
        return ndarray_to_tensor(array)
    if array.nbytes >= _MAX_BYTES:
        raise ValueError(
            f"tensor of {array.nbytes} bytes exceeds the 2 GiB limit of a protocol buffer"
        )
    code = _NUMPY_TO_DT.get(array.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(f"cannot store an array of dtype {array.dtype} in a TensorProto")
    _, field = _DTYPES[code]
    flat = array.reshape(-1)
    if field == "half_val":
        values: Any = flat.view(np.uint16).astype(np.int32)
    elif field in ("scomplex_val", "dcomplex_val"):
        values = np.stack([flat.real, flat.imag], axis=1).reshape(-1)
    else:
        values = flat
    tensor = TensorProto(dtype=code, tensor_shape=shape_proto(array.shape))
    getattr(tensor, field).extend(values.tolist())
    return tensor


def typed_tensor_value(tag: str, array: Any, *, bfloat16: bool = False) -> Summary.Value:
    """The ``Summary.Value`` torch's ``add_tensor`` writes, with the ``tensor`` plugin name.

    ``bfloat16``: see :func:`typed_tensor_proto`.
    """
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME))
    tensor = typed_tensor_proto(array, bfloat16=bfloat16)
    return Summary.Value(tag=tag, tensor=tensor, metadata=metadata)
