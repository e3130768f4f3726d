"""The server's binary answers are the golden bodies of tests/vectors/binary_series.json.

The front end decodes the same bytes (frontend/src/api/binary_vectors.test.ts), so the two
sides of the format are held to one file. The headers also match their OpenAPI schemas.
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trainboard.server.app import openapi_document
from trainboard.server.routes import histograms, scalars

VECTORS = json.loads(
    (Path(__file__).parents[1] / "vectors" / "binary_series.json").read_text(encoding="utf-8")
)
_DTYPES = {"f8": "<f8", "i8": "<i8", "f4": "<f4"}


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, str) else value


def _arrays(entry: dict[str, Any], int_keys: tuple[str, ...]) -> dict[str, Any]:
    """The card as the encoders take it: lists as numpy arrays, non-finite strings as floats."""
    out = {}
    for key, value in entry.items():
        if isinstance(value, list):
            dtype = np.int64 if key in int_keys else np.float64
            out[key] = np.array([_number(v) for v in value], dtype=dtype)
        else:
            out[key] = value
    return out


def _golden(name: str) -> bytes:
    return base64.b64decode(VECTORS[name]["base64"])


def _read(body: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header, and every array it references, read as docs/http/api.md lays them out."""
    (length,) = struct.unpack_from("<I", body)
    header = json.loads(body[4 : 4 + length])
    found: dict[str, np.ndarray] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and set(node) == {"offset", "length", "dtype"}:
            assert node["offset"] % 8 == 0, f"{path} is not 8-byte aligned"
            found[path] = np.frombuffer(
                body, _DTYPES[node["dtype"]], node["length"], node["offset"]
            )
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}/{i}")

    walk(header, "")
    return header, found


def test_scalars_are_encoded_as_the_golden_body() -> None:
    card = VECTORS["scalars"]["card"]
    arrays = {**card, "series": [_arrays(s, ("steps",)) for s in card["series"]]}
    assert scalars.encode_binary(arrays) == _golden("scalars")


def test_histograms_are_encoded_as_the_golden_body() -> None:
    card = VECTORS["histograms"]["card"]
    arrays = _arrays(card, ("steps",))
    arrays["counts"] = np.array(card["counts"], dtype=np.float32)
    assert histograms.encode_binary(arrays) == _golden("histograms")


def test_the_golden_scalars_body_holds_the_card() -> None:
    header, found = _read(_golden("scalars"))
    card = VECTORS["scalars"]["card"]
    assert {k: header[k] for k in ("tag", "xaxis")} == {k: card[k] for k in ("tag", "xaxis")}
    for i, series in enumerate(card["series"]):
        for key, value in series.items():
            if isinstance(value, list):
                expected = np.array([_number(v) for v in value], dtype=np.float64)
                assert np.array_equal(found[f"/series/{i}/{key}"], expected, equal_nan=True)
            else:
                assert header["series"][i][key] == value


@pytest.mark.parametrize(
    ("name", "schema"), [("scalars", "ScalarsHeader"), ("histograms", "HistogramsHeader")]
)
def test_golden_headers_match_their_schema(name: str, schema: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    header, _ = _read(_golden(name))
    document = openapi_document()
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    )
    validator.validate(header)
