"""Query-parameter parsing for routes: every failure is a 400 that names the parameter."""

from __future__ import annotations

import math
from collections.abc import Sequence

from starlette.datastructures import QueryParams

from trainboard.server.errors import BadRequestError

__all__ = ["choice", "floating", "integer", "required", "string_list", "x_range"]


def required(query: QueryParams, name: str) -> str:
    value = query.get(name)
    if value is None or value == "":
        raise BadRequestError(f"missing query parameter {name!r}")
    return value


def choice(
    query: QueryParams, name: str, options: Sequence[str], default: str | None = None
) -> str:
    value = query.get(name, default)
    if value is None:
        raise BadRequestError(f"missing query parameter {name!r}; expected one of {list(options)}")
    if value not in options:
        raise BadRequestError(f"{name}={value!r} is not one of {list(options)}")
    return value


def integer(
    query: QueryParams,
    name: str,
    default: int | None = None,
    *,
    low: int | None = None,
    high: int | None = None,
) -> int:
    raw = query.get(name)
    if raw is None:
        if default is None:
            raise BadRequestError(f"missing query parameter {name!r}; expected an integer")
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequestError(f"{name}={raw!r} is not an integer") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadRequestError(f"{name}={value} is out of range [{low}, {high}]")
    return value


def floating(
    query: QueryParams,
    name: str,
    default: float | None = None,
    *,
    low: float | None = None,
    high: float | None = None,
    high_open: bool = False,
) -> float | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadRequestError(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise BadRequestError(f"{name}={raw!r} must be finite")
    too_high = high is not None and (value >= high if high_open else value > high)
    if (low is not None and value < low) or too_high:
        bracket = ")" if high_open else "]"
        raise BadRequestError(f"{name}={value} is out of range [{low}, {high}{bracket}")
    return value


def string_list(query: QueryParams, name: str) -> list[str]:
    """``name=a,b`` and ``name=a&name=b`` both give ``["a", "b"]``."""
    values: list[str] = []
    raw = query.getlist(name)
    values = [v for v in raw[0].split(",") if v] if len(raw) == 1 else [v for v in raw if v]
    return values


def x_range(query: QueryParams) -> tuple[float, float] | None:
    """``xmin`` and ``xmax`` (a zoom) as ``(xmin, xmax)``: both or neither, xmin < xmax."""
    xmin, xmax = floating(query, "xmin"), floating(query, "xmax")
    if (xmin is None) != (xmax is None):
        raise BadRequestError("give both xmin and xmax, or neither")
    if xmin is None or xmax is None:
        return None
    if not xmin < xmax:
        raise BadRequestError(f"xmin={xmin} must be less than xmax={xmax}")
    return (xmin, xmax)
