"""The checked-in wire contract files are what scripts/generate_wire_types.py makes now.

docs/http/openapi.json is the server's OpenAPI document; frontend/src/api/wire.gen.ts is
its TypeScript (openapi-typescript), which the front end's wire types alias. A change to a
wire model (src/trainboard/server/wire/) without regenerating both fails here.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from trainboard.data.dashboard_kinds import KINDS
from trainboard.server.app import openapi_document

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_wire_types", ROOT / "scripts" / "generate_wire_types.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_openapi_json_is_not_stale() -> None:
    script = _script()
    checked_in = script.OPENAPI_JSON.read_text(encoding="utf-8")
    assert checked_in == script.document_text(), (
        "run `python scripts/generate_wire_types.py`: docs/http/openapi.json is stale"
    )


def test_typescript_wire_types_are_not_stale(tmp_path: Path) -> None:
    script = _script()
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the TypeScript cannot be regenerated here")
    if not script.GENERATOR.exists():
        pytest.skip("frontend/node_modules is missing: run `npm ci` in frontend/")
    _, types = script.generate(tmp_path)
    assert types.read_text(encoding="utf-8") == script.WIRE_TS.read_text(encoding="utf-8"), (
        "run `python scripts/generate_wire_types.py`: frontend/src/api/wire.gen.ts is stale"
    )


def test_kinds_are_one_list_in_the_document() -> None:
    document = openapi_document()
    assert document["components"]["schemas"]["Kind"]["enum"] == list(KINDS)
    text = json.dumps(document)
    assert text.count('"custom_scalars", "mesh"') == 1  # the enum, once; elsewhere $ref Kind
