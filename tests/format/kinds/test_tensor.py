"""TensorProto <-> numpy in every encoding a writer produces."""

from __future__ import annotations

import numpy as np
import pytest

from trainboard.format.kinds.tensor import (
    ndarray_to_tensor,
    tensor_to_ndarray,
    typed_tensor_proto,
    typed_tensor_value,
)
from trainboard.format.proto.tensor_pb2 import DataType, TensorProto, TensorShapeProto

ARRAYS = [
    np.arange(6, dtype=np.float32).reshape(2, 3),
    np.array([1.5, -2.5]),
    np.array([[1, -2]], dtype=np.int8),
    np.array([7], dtype=np.uint8),
    np.array([1, 2], dtype=np.int16),
    np.array([65535], dtype=np.uint16),
    np.array([3], dtype=np.int32),
    np.array([-(2**40)], dtype=np.int64),
    np.array([2**32 - 1], dtype=np.uint32),
    np.array([2**64 - 1], dtype=np.uint64),
    np.array([True, False]),
    np.array([0.5, -1.0], dtype=np.float16),
    np.array([1 + 2j], dtype=np.complex64),
    np.array([[1 - 1j]], dtype=np.complex128),
    np.array(3.0, dtype=np.float32),
]


@pytest.mark.parametrize("array", ARRAYS, ids=lambda a: f"{a.dtype}{a.shape}")
def test_packed_and_typed_encodings_round_trip(array: np.ndarray) -> None:
    for proto in (ndarray_to_tensor(array), typed_tensor_proto(array)):
        back = tensor_to_ndarray(TensorProto.FromString(proto.SerializeToString()))
        assert back.dtype == array.dtype and back.shape == array.shape
        np.testing.assert_array_equal(back, array)


def test_strings_round_trip_as_bytes() -> None:
    proto = ndarray_to_tensor(np.array([["a", "ü"], ["c", "d"]]))
    assert proto.dtype == DataType.Value("DT_STRING")
    assert tensor_to_ndarray(proto).tolist() == [[b"a", "ü".encode()], [b"c", b"d"]]
    assert typed_tensor_proto(np.array(["x"])).string_val == [b"x"]


def test_one_value_fills_the_shape_and_no_value_means_zeros() -> None:
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=2), TensorShapeProto.Dim(size=2)])
    filled = TensorProto(dtype="DT_FLOAT", tensor_shape=shape, float_val=[7.0])
    np.testing.assert_array_equal(tensor_to_ndarray(filled), np.full((2, 2), 7.0))
    empty = TensorProto(dtype="DT_INT32", tensor_shape=shape)
    np.testing.assert_array_equal(tensor_to_ndarray(empty), np.zeros((2, 2)))


def test_bfloat16_is_read_as_float32() -> None:
    bits = (np.array([1.5, -2.0], dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)
    packed = TensorProto(
        dtype="DT_BFLOAT16",
        tensor_content=bits.tobytes(),
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=2)]),
    )
    typed = TensorProto(
        dtype="DT_BFLOAT16",
        half_val=bits.tolist(),
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=2)]),
    )
    for proto in (packed, typed):
        np.testing.assert_array_equal(tensor_to_ndarray(proto), [1.5, -2.0])


@pytest.mark.parametrize(("dtype", "np_dtype"), [("DT_HALF", np.float16), ("DT_BFLOAT16", None)])
def test_torch_float32_bit_patterns_in_half_val_are_read(dtype: str, np_dtype: object) -> None:
    # torch's add_tensor stores each value's float32 bits (a signed int32) in half_val
    values = np.array([1.5, -2.0, 0.0, -0.0, 6.103515625e-05], dtype=np.float32)
    torch_layout = TensorProto(
        dtype=dtype,
        half_val=values.view(np.int32).tolist(),
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=5)]),
    )
    got = tensor_to_ndarray(torch_layout)
    assert got.dtype == (np_dtype or np.float32)
    np.testing.assert_array_equal(got, values)
    assert np.signbit(got).tolist() == [False, True, False, True, False]
    zeros = TensorProto(dtype=dtype, half_val=[0, 0])  # either layout: zeros
    zeros.tensor_shape.dim.add(size=2)
    np.testing.assert_array_equal(tensor_to_ndarray(zeros), [0.0, 0.0])


def test_bfloat16_typed_proto_is_torchs_layout() -> None:
    proto = typed_tensor_proto(np.array([[1.0, -2.5]], dtype=np.float32), bfloat16=True)
    assert DataType.Name(proto.dtype) == "DT_BFLOAT16"
    assert list(proto.half_val) == [0x3F800000, -1071644672]  # float32 bits, signed
    assert [d.size for d in proto.tensor_shape.dim] == [1, 2]
    np.testing.assert_array_equal(tensor_to_ndarray(proto), [[1.0, -2.5]])


def test_errors_name_the_problem() -> None:
    with pytest.raises(TypeError, match="datetime64"):
        ndarray_to_tensor(np.array(["2020-01-01"], dtype="datetime64[D]"))
    with pytest.raises(TypeError, match="datetime64"):
        typed_tensor_proto(np.array(["2020-01-01"], dtype="datetime64[D]"))
    bad = TensorProto(
        dtype="DT_FLOAT",
        float_val=[1, 2, 3],
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=2)]),
    )
    with pytest.raises(ValueError, match=r"holds 3 values but its shape \(2,\) needs 2"):
        tensor_to_ndarray(bad)
    with pytest.raises(ValueError, match="DT_RESOURCE"):
        tensor_to_ndarray(TensorProto(dtype="DT_RESOURCE"))


def test_typed_tensor_value_carries_the_tensor_plugin_name() -> None:
    value = typed_tensor_value("t", np.ones(2, dtype=np.float16))
    assert value.metadata.plugin_data.plugin_name == "tensor"
    assert list(value.tensor.half_val) == [15360, 15360]  # float16 1.0's bit pattern
