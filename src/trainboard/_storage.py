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

import os
import re
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


def extra_for(scheme: str) -> str:
    """The pip extra that installs ``scheme``'s backend (``trainboard[s3]``)."""
    return f"trainboard[{_EXTRA_OF_SCHEME.get(scheme, 'remote')}]"


def filesystem(url: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec file system serving ``url`` and the path within it (no scheme).

    Raises:
        MissingDependencyError: fsspec or the scheme's backend is not installed; the
            message names the extra (``pip install 'trainboard[s3]'``).
        ValueError: fsspec knows no backend for the scheme.
    """
    scheme = url_scheme(url) or "file"
    try:
        import fsspec
    except ImportError as exc:
        raise MissingDependencyError(
            f"{url!r} is a {scheme}:// URL, read and written through fsspec, which is not "
            f"installed; install it with: pip install '{extra_for(scheme)}'"
        ) from exc
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{url!r}: the {scheme}:// backend of fsspec is not installed ({exc}); "
            f"install it with: pip install '{extra_for(scheme)}'"
        ) from exc
    except ValueError as exc:
        raise ValueError(
            f"{url!r}: fsspec has no file system for {scheme}:// ({exc}); expected a "
            "local path or an fsspec URL such as s3://bucket/prefix"
        ) from exc
    return fs, str(path)


def join(url: str, *parts: str) -> str:
    """``url`` with ``parts`` appended, ``/``-separated (object stores have no ``os.sep``)."""
    return "/".join([url.rstrip("/"), *(p.strip("/") for p in parts if p)])
