"""Regenerate the wire contract's derived files from the server's response models.

Writes docs/http/openapi.json (the OpenAPI document /api/openapi.json serves, built from
the TypedDicts in src/trainboard/server/wire/) and frontend/src/api/wire.gen.ts (its
TypeScript, by openapi-typescript from frontend/'s devDependencies: run `npm ci` in
frontend/ first). Run `python scripts/generate_wire_types.py` after changing a wire
model; both outputs are checked in, and tests/server/test_openapi_generated.py fails
when they are stale.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
OPENAPI_JSON = ROOT / "docs" / "http" / "openapi.json"
WIRE_TS = FRONTEND / "src" / "api" / "wire.gen.ts"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"


def document_text() -> str:
    """The OpenAPI document as checked in: sorted keys, two-space indent, final newline."""
    sys.path.insert(0, str(ROOT / "src"))
    from trainboard.server.app import openapi_document

    return json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"


def generate(out_dir: Path) -> list[Path]:
    """Write openapi.json and wire.gen.ts into ``out_dir``; the paths written."""
    if not GENERATOR.exists():
        raise SystemExit(f"{GENERATOR} is missing: run `npm ci` in {FRONTEND}")
    out_dir.mkdir(parents=True, exist_ok=True)
    document = out_dir / OPENAPI_JSON.name
    document.write_text(document_text(), encoding="utf-8")
    types = out_dir / WIRE_TS.name
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not on PATH")
    subprocess.run(
        [str(GENERATOR), str(document), "--immutable", "--output", str(types)],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
    )
    return [document, types]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, help="write both files here instead of their checked-in places"
    )
    args = parser.parse_args(argv)
    if args.out is not None:
        written = generate(args.out)
    else:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            document, types = generate(Path(tmp))
            shutil.copyfile(document, OPENAPI_JSON)
            shutil.copyfile(types, WIRE_TS)
        written = [OPENAPI_JSON, WIRE_TS]
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
