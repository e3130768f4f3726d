"""Build hook for the optional C kernels in ``src/trainboard/_native``.

Everything else is declared in ``pyproject.toml``. The extensions are optional:
when no C compiler is available the build still succeeds and trainboard uses its
numpy/Python implementations, which give identical results, more slowly.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# -ffp-contract=off: x * x + q must round twice, as numpy does, never fuse into an FMA.
_GCC_FLAGS = ["-O3", "-ffp-contract=off"]


class _BuildExt(build_ext):
    """Pass GCC/Clang flags to GCC-style compilers only (MSVC does not contract by default)."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type != "msvc":
            for ext in self.extensions:
                ext.extra_compile_args = [*ext.extra_compile_args, *_GCC_FLAGS]
        super().build_extensions()


# Each src/trainboard/_native/_<name>.c is the optional extension trainboard._native._<name>.
_NATIVE = Path("src/trainboard/_native")

setup(
    ext_modules=[
        Extension(f"trainboard._native.{source.stem}", sources=[source.as_posix()], optional=True)
        for source in sorted(_NATIVE.glob("_*.c"))
    ],
    cmdclass={"build_ext": _BuildExt},
)
