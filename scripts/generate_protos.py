"""Regenerate src/trainboard/format/proto/*_pb2.py(i) from the .proto files.

Run `python scripts/generate_protos.py` after editing a .proto file. The output
is checked in; tests/format/test_proto.py fails when it is stale. The generator
is grpcio-tools, pinned in pyproject's dev extra so the output is reproducible.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PROTO_DIR = SRC / "trainboard" / "format" / "proto"


def generate(out_dir: Path) -> list[Path]:
    """Run protoc over every .proto file, writing *_pb2.py and *_pb2.pyi into out_dir."""
    import grpc_tools
    from grpc_tools import protoc

    include = Path(grpc_tools.__file__).parent / "_proto"
    protos = sorted(PROTO_DIR.glob("*.proto"))
    with tempfile.TemporaryDirectory() as tmp:
        args = [
            "protoc",
            f"--proto_path={SRC}",
            f"--proto_path={include}",
            f"--python_out={tmp}",
            f"--pyi_out={tmp}",
            *[str(p.relative_to(SRC)) for p in protos],
        ]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed")
        generated = sorted((Path(tmp) / "trainboard" / "format" / "proto").glob("*_pb2.py*"))
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for path in generated:
            target = out_dir / path.name
            shutil.copyfile(path, target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROTO_DIR, help="output directory")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
