"""Build hooks: the optional C kernels in ``src/trainboard/_native`` and the built front end.

Everything else is declared in ``pyproject.toml``.

* The C extensions are optional: when no C compiler is available the build still
  succeeds and trainboard uses its numpy/Python implementations, which give identical
  results, more slowly.
* The board's front end (``frontend/``, TypeScript) is package data: its production build
  lives in ``src/trainboard/server/static/`` (git-ignored). Building an sdist or a wheel
  first makes sure that build is there: when it is missing, or older than the sources in
  ``frontend/``, it is rebuilt with Node (``npm ci`` when ``frontend/node_modules`` is
  missing, then ``npm run build``). Without Node and without a build the sdist/wheel build
  fails and says what to install; a build older than the sources is used with a warning.
* The sdist carries both the built front end and its sources (``MANIFEST.in``), so
  installing it needs no Node: the wheel built from it uses the shipped build.
* Editable installs (``pip install -e .``, as ``scripts/setup`` does) skip the front-end
  step: a checkout's board is built by ``scripts/setup`` or ``cd frontend && npm run build``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Command, Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

# -ffp-contract=off: x * x + q must round twice, as numpy does, never fuse into an FMA.
_GCC_FLAGS = ["-O3", "-ffp-contract=off"]

_ROOT = Path(__file__).resolve().parent
_FRONTEND = _ROOT / "frontend"
_STATIC = _ROOT / "src" / "trainboard" / "server" / "static"
# What the front-end build reads (node_modules and the build's own output excluded).
_FRONTEND_INPUTS = ("src", "index.html", "package.json", "package-lock.json", "tsconfig.json",
                    "vite.config.ts")


class _BuildExt(build_ext):
    """Pass GCC/Clang flags to GCC-style compilers only (MSVC does not contract by default)."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type != "msvc":
            for ext in self.extensions:
                ext.extra_compile_args = [*ext.extra_compile_args, *_GCC_FLAGS]
        super().build_extensions()


def _newest_frontend_source() -> float:
    """The newest modification time among the front end's sources (0 when there are none)."""
    newest = 0.0
    for name in _FRONTEND_INPUTS:
        path = _FRONTEND / name
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                newest = max(newest, file.stat().st_mtime)
    return newest


def _say(message: str) -> None:
    print(f"trainboard build: {message}", file=sys.stderr, flush=True)


def ensure_frontend() -> None:
    """Make sure ``src/trainboard/server/static/`` holds a front-end build as new as its sources.

    Raises SystemExit with instructions when there is no build and Node is not installed.
    """
    index = _STATIC / "index.html"
    built = index.stat().st_mtime if index.is_file() else None
    newest_source = _newest_frontend_source()
    if built is not None and built >= newest_source:
        return  # up to date (or shipped in an sdist without newer sources)
    npm = shutil.which("npm")
    if npm is None or not (_FRONTEND / "package.json").is_file():
        if built is not None:
            _say(f"WARNING: {_STATIC} is older than the sources in {_FRONTEND} and Node (npm) is "
                 "not installed: packaging the older build")
            return
        raise SystemExit(
            f"trainboard build: the board's front end is not built ({index} is missing) and "
            "it cannot be built here: "
            + ("Node.js (npm) is not installed. Install Node.js 20 or newer and build again, or "
               "build from an sdist of trainboard, which carries the built front end."
               if npm is None else f"{_FRONTEND / 'package.json'} is missing.")
        )
    reason = "missing" if built is None else "older than its sources"
    _say(f"the front end in {_STATIC} is {reason}: building it with {npm}")
    if not (_FRONTEND / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=_FRONTEND, check=True)
    subprocess.run([npm, "run", "build"], cwd=_FRONTEND, check=True)
    if not index.is_file():
        raise SystemExit(f"trainboard build: `npm run build` did not write {index}")


class _BuildPy(build_py):
    """build_py that packages the built front end (built first when needed)."""

    def run(self) -> None:
        if not self.editable_mode:
            ensure_frontend()
            self.__dict__.pop("data_files", None)  # recomputed: static/ may be new
        super().run()


class _Sdist(sdist):
    """sdist that carries the built front end (built first when needed)."""

    def run(self) -> None:
        ensure_frontend()
        super().run()


# Each src/trainboard/_native/_<name>.c is the optional extension trainboard._native._<name>.
_NATIVE = Path("src/trainboard/_native")
_COMMANDS: dict[str, type[Command]] = {
    "build_ext": _BuildExt,
    "build_py": _BuildPy,
    "sdist": _Sdist,
}

setup(
    ext_modules=[
        Extension(f"trainboard._native.{source.stem}", sources=[source.as_posix()], optional=True)
        for source in sorted(_NATIVE.glob("_*.c"))
    ],
    cmdclass=_COMMANDS,
)
