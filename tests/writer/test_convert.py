"""Value conversion on the calling thread: what is accepted and how bad values are named."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from trainboard.writer._convert import check_tag, scalar_of, step_of, to_numpy, walltime_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (np.int32(4), 4), (np.array(5), 5), (6.0, 6), (np.float64(7.0), 7), (None, None)],
)
def test_step_of_accepts_integers_in_any_form(value: Any, expected: int | None) -> None:
    assert step_of(value) == expected


def test_step_of_reads_zero_dim_tensors() -> None:
    torch = pytest.importorskip("torch")
    assert step_of(torch.tensor(9)) == 9
    with pytest.raises(ValueError, match=r"single integer, got shape \(2,\)"):
        step_of(torch.tensor([1, 2]))


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (True, TypeError, "bool True"),
        (2.5, ValueError, "integer step, got 2.5"),
        ("3", ValueError, "got '3'"),
        (np.array([1, 2]), ValueError, "single integer"),
    ],
)
def test_step_of_names_the_bad_value(value: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        step_of(value)


def test_walltime_of() -> None:
    assert walltime_of(None, 5.0) == 5.0
    assert walltime_of(np.float32(2.5), 5.0) == 2.5
    with pytest.raises(ValueError, match="finite"):
        walltime_of(math.inf, 0.0)
    with pytest.raises(TypeError, match="'soon'"):
        walltime_of("soon", 0.0)


def test_scalar_of_accepts_numbers_arrays_and_tensors() -> None:
    assert scalar_of(True) == 1.0
    assert scalar_of([2.5]) == 2.5
    assert scalar_of(np.array([[1.5]])) == 1.5
    assert scalar_of(np.float16(0.5)) == 0.5

    class Number:
        def __float__(self) -> float:
            return 4.0

    assert scalar_of(Number()) == 4.0
    torch = pytest.importorskip("torch")
    assert scalar_of(torch.tensor([[2.0]], requires_grad=True)) == 2.0


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (b"x", ValueError, "got bytes b'x'"),  # a numeric b"1" converts, as in torch
        (np.array([1 + 2j]), TypeError, "real"),
        (object(), TypeError, "a number, a numpy value or a one-element tensor"),
        (np.zeros(3), ValueError, r"shape \(3,\)"),
    ],
)
def test_scalar_of_names_the_bad_value(value: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        scalar_of(value)


def test_scalar_of_rejects_complex_and_multi_element_tensors() -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="complex"):
        scalar_of(torch.tensor(1 + 1j))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        scalar_of(torch.zeros(2))


def test_to_numpy() -> None:
    assert to_numpy([1, 2]).tolist() == [1, 2]
    torch = pytest.importorskip("torch")
    assert to_numpy(torch.ones(2, dtype=torch.bfloat16)).dtype == np.float32
    with pytest.raises(TypeError, match="must be numeric"):
        to_numpy([object()])


def test_check_tag() -> None:
    assert check_tag("a/b") == "a/b"
    with pytest.raises(TypeError, match="tag must be a str, got bytes b'x'"):
        check_tag(b"x")
