"""The package as users get it: ``python -m build``'s sdist and wheel, installed with no Node.

One module-wide build (about two minutes, most of it pip): the sdist is built from this
checkout, the wheel from that sdist (as ``pip install trainboard-*.tar.gz`` does) with ``node``
and ``npm`` on PATH replaced by commands that fail, the wheel is installed into a fresh venv
with its runtime dependencies from the package index, and the installed ``trainboard`` serves
a logdir written by the installed package, checked in headless Chromium. Marked
``packaging``: ``pytest -m 'not packaging'`` leaves it out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import board_process
from tests.browser.board_page import open_board, open_tab, series, show_card

pytestmark = [pytest.mark.packaging, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
STEPS = 20
STATIC = "trainboard/server/static/index.html"


@dataclass(frozen=True)
class Installed:
    sdist: Path
    source: Path  # the sdist, unpacked
    wheel: Path
    venv: Path
    no_node_path: str  # PATH with node and npm shadowed by failing commands

    def python(self, code: str) -> str:
        result = subprocess.run(
            [str(self.venv / "bin" / "python"), "-c", textwrap.dedent(code)],
            capture_output=True, text=True, timeout=120, env=self.env(),
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def env(self) -> dict[str, str]:
        env = {**os.environ, "PATH": self.no_node_path}
        env.pop("TRAINBOARD_STATIC_DIR", None)  # the installed board must serve its own build
        env.pop("PYTHONPATH", None)
        return env


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, (
        f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n"
        f"{result.stderr[-4000:]}"
    )
    return result.stdout + result.stderr


def _no_node_bin(directory: Path) -> Path:
    """A folder whose ``node`` and ``npm`` fail loudly, to put first on PATH."""
    directory.mkdir()
    for name in ("node", "npm", "npx"):
        script = directory / name
        script.write_text(f"#!/bin/sh\necho '{name} must not be needed here' >&2\nexit 127\n")
        script.chmod(0o755)
    return directory


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("packaging")
    dist = tmp / "dist"
    _run([sys.executable, "-m", "build", "--sdist", "--outdir", str(dist), str(ROOT)], cwd=tmp)
    (sdist,) = dist.glob("trainboard-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp / "unpacked", filter="data")
    (source,) = (tmp / "unpacked").iterdir()

    no_node = f"{_no_node_bin(tmp / 'no-node')}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": no_node}
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
         cwd=tmp, env=env)
    (wheel,) = dist.glob("trainboard-*.whl")

    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp, env=env)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
          "--disable-pip-version-check", str(wheel)], cwd=tmp, env=env)
    return Installed(sdist, source, wheel, venv, no_node)


def test_the_sdist_carries_the_built_front_end_and_its_sources(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert f"src/{STATIC}" in names
    assert any(name.startswith("src/trainboard/server/static/assets/") for name in names)
    assert {"frontend/package.json", "frontend/package-lock.json", "frontend/index.html",
            "setup.py", "MANIFEST.in", "src/trainboard/_native/_records.c"} <= names
    assert any(name.startswith("frontend/src/") and name.endswith(".ts") for name in names)
    assert not [name for name in names if "node_modules" in name]


def test_without_node_or_a_built_front_end_the_build_says_what_to_install(
    installed: Installed, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    shutil.copytree(installed.source, source,
                    ignore=lambda folder, _: ["static"] if folder.endswith("server") else [])
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir",
         str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PATH": str(empty)},
    )
    assert result.returncode != 0
    assert "the board's front end is not built" in result.stderr + result.stdout
    assert "Node.js (npm) is not installed" in result.stderr + result.stdout
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


def test_the_wheel_carries_the_board_and_nothing_of_the_checkout(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as archive:
        names = set(archive.namelist())
    assert STATIC in names
    assert any(name.startswith("trainboard/server/static/assets/") for name in names)
    assert {"trainboard/py.typed", "trainboard/cli/main.py"} <= names
    top = {name.split("/", 1)[0] for name in names}
    assert top == {"trainboard", f"{installed.wheel.name.split('-')[0]}-"
                   f"{installed.wheel.name.split('-')[1]}.dist-info"}, top


def test_the_fresh_venv_has_only_the_runtime_dependencies(installed: Installed) -> None:
    out = installed.python(
        """
        import importlib.util, json
        print(json.dumps({m: importlib.util.find_spec(m) is not None
                          for m in ("torch", "pandas", "pyarrow", "matplotlib", "pytest",
                                    "starlette", "numpy")}))
        """
    )
    assert out.strip() == (
        '{"torch": false, "pandas": false, "pyarrow": false, "matplotlib": false, '
        '"pytest": false, "starlette": true, "numpy": true}'
    )


def test_a_missing_extra_is_one_line_naming_it(installed: Installed, tmp_path: Path) -> None:
    installed.python(
        f"""
        from trainboard import SummaryWriter
        with SummaryWriter({str(tmp_path / "runs" / "exp")!r}) as writer:
            writer.add_scalar("loss", 0.5, 0)
        """
    )
    out = installed.python(
        f"""
        import trainboard
        try:
            lg = trainboard.open({str(tmp_path / "runs")!r}, use_cache=False)
            lg.scalars("exp", "loss").to_pandas()
        except trainboard.MissingDependencyError as error:
            print(error)
        """
    )
    assert out.strip() == "to_pandas() needs pandas: pip install 'trainboard[pandas]'"
    result = subprocess.run(
        [str(installed.venv / "bin" / "trainboard"), "export", "--logdir", "runs", "--format",
         "parquet", "-o", "loss.parquet", "--no_cache"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env=installed.env(),
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: writing Parquet needs pyarrow (or polars): pip install 'trainboard[parquet]'"
    )


def test_the_installed_board_serves_what_the_installed_writer_wrote(
    installed: Installed, page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logdir = tmp_path / "runs"
    installed.python(
        f"""
        import numpy as np
        from trainboard import SummaryWriter
        with SummaryWriter({str(logdir / "exp")!r}) as writer:
            for step in range({STEPS}):
                writer.add_scalar("loss", 1.0 / (step + 1), step)
            writer.add_text("notes", "written by the **installed** wheel", 0)
            writer.add_image("noise", np.random.default_rng(0).random((3, 16, 16)), 0)
        """
    )
    for name, value in installed.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TRAINBOARD_STATIC_DIR", raising=False)
    trainboard = installed.venv / "bin" / "trainboard"
    monkeypatch.setattr(board_process, "trainboard_command", lambda: [str(trainboard)])
    with board_process.running_board(logdir) as board:
        assert board.command[0] == str(trainboard)
        open_board(page, board.url, "#scalars?smoothing=0")
        drawn = series(show_card(page, "loss"), "exp")
        assert drawn["x"] == list(range(STEPS))
        assert drawn["raw"] == pytest.approx([1.0 / (s + 1) for s in range(STEPS)], rel=1e-6)
        open_tab(page, board.url, "text")
        expect(page.locator('[data-testid="text-card"][data-tag="notes"]')).to_contain_text(
            "installed")
        open_tab(page, board.url, "images")
        expect(page.get_by_test_id("image-card")).to_have_count(1)
