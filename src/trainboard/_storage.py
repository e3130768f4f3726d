"""Where a log directory lives: a local path, or an fsspec URL (``s3://``, ``gs://``, ...).

The writer (object-store event files) and the data layer (reading a bucket) both ask
this module whether a log dir is remote and for the fsspec file system that serves it.
fsspec and its backends are optional: a missing package raises
:class:`~trainboard.errors.MissingDependencyError` naming the extra to install.
Credentials and endpoints come from each backend's standard environment variables and
config files (``AWS_*``/``~/.aws``, ``GOOGLE_APPLICATION_CREDENTIALS``, ``AZURE_STORAGE_*``),
which the backends read themselves; an S3-compatible endpoint can also be given with
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_S3`` (read by botocore).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from trainboard.errors import MissingDependencyError

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")

# The extra that installs each scheme's fsspec backend.
_EXTRA_OF_SCHEME = {
    "s3": "s3",
    "s3a": "s3",
    "gs": "gcs",
    "gcs": "gcs",
    "az": "azure",
    "abfs": "azure",
    "abfss": "azure",
    "adl": "azure",
}


def url_scheme(path: str | os.PathLike[str]) -> str | None:
    """The URL scheme of ``path`` in lower case (``"s3"``), or None for a plain path."""
    match = _URL_SCHEME.match(os.fsdecode(os.fspath(path)))
    return None if match is None else match.group(1).lower()


def file_url_path(path: str) -> str:
    """A ``file://`` URL's local path (``file://localhost/x`` is ``/x``), as torch reads it."""
    rest = path[len("file://") :]
    return rest[len("localhost") :] if rest.startswith("localhost/") else rest


def is_remote(path: str | os.PathLike[str]) -> bool:
    """True for a URL whose scheme is not ``file``: it is read and written through fsspec."""
    scheme = url_scheme(path)
    return scheme is not None and scheme != "file"


def install_hint(scheme: str) -> str:
    """How to install ``scheme``'s backend: ``pip install 'trainboard[s3]'`` for the
    schemes trainboard has an extra for, else fsspec and the scheme's own backend."""
    extra = _EXTRA_OF_SCHEME.get(scheme)
    if extra is not None:
        return f"install it with: pip install 'trainboard[{extra}]'"
    return f"install fsspec and its backend for {scheme}:// (fsspec's documentation lists them)"


@contextlib.contextmanager
def _named_errors(url: str) -> Iterator[None]:
    """fsspec's errors for ``url`` as trainboard's: the URL, what was expected, what to do."""
    scheme = url_scheme(url) or "file"
    try:
        yield
    except ImportError as exc:
        what = "fsspec is" if exc.name == "fsspec" else f"the {scheme}:// backend of fsspec is"
        raise MissingDependencyError(
            f"{url!r} is a {scheme}:// URL, read and written through fsspec; {what} not "
            f"installed ({exc}); {install_hint(scheme)}"
        ) from exc
    except ValueError as exc:
        raise ValueError(
            f"{url!r}: fsspec has no file system for {scheme}:// ({exc}); expected a local "
            "path, a file:// URL or an fsspec URL such as s3://bucket/prefix"
        ) from exc


def filesystem_class(url: str) -> type[AbstractFileSystem]:
    """The fsspec file system class for ``url``'s scheme (nothing is connected).

    Raises as :func:`filesystem` does.
    """
    with _named_errors(url):
        import fsspec

        cls: type[AbstractFileSystem] = fsspec.get_filesystem_class(url_scheme(url) or "file")
    return cls


def filesystem(url: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec file system serving ``url`` and the path within it (no scheme).

    Raises:
        MissingDependencyError: fsspec or the scheme's backend is not installed; the
            message names the extra (``pip install 'trainboard[s3]'``).
        ValueError: fsspec knows no backend for the scheme.
    """
    with _named_errors(url):
        import fsspec

        fs, path = fsspec.core.url_to_fs(url)
    return fs, str(path)


def join(url: str, *parts: str) -> str:
    """``url`` with ``parts`` appended, ``/``-separated (object stores have no ``os.sep``)."""
    return "/".join([url.rstrip("/"), *(p.strip("/") for p in parts if p)])
