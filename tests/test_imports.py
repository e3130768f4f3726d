"""`import trainboard` stays light: heavy dependencies load only when used."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "numpy", "PIL", "matplotlib", "google.protobuf", "starlette", "uvicorn", "click")


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules for h in HEAVY if m == h or m.startswith(h + "."))


def test_import_trainboard_loads_no_heavy_dependency() -> None:
    assert _heavy(_modules_after("import trainboard")) == []


def test_import_writer_loads_no_heavy_dependency() -> None:
    assert (
        _heavy(_modules_after("import trainboard.writer; from trainboard import SummaryWriter"))
        == []
    )


def test_logging_scalars_does_not_import_torch_numpy_or_pil(tmp_path: object) -> None:
    code = (
        "from trainboard import SummaryWriter\n"
        f"w = SummaryWriter({str(tmp_path)!r})\n"
        "w.add_scalar('x', 1.0, 0)\n"
        "w.close()"
    )
    loaded = _modules_after(code)
    assert not {"torch", "numpy", "PIL", "matplotlib"} & loaded
