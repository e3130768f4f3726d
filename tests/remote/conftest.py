"""A real S3 protocol server (moto's ``moto_server``) for object-store log dirs.

``s3_server`` starts ``moto_server`` in its own process on a free port and points the
standard AWS environment at it (``AWS_ENDPOINT_URL``, test credentials), the way a user
points boto3/s3fs at MinIO or another S3-compatible store. ``S3Server.stop()`` and
``start()`` take the store away and bring it back on the same port (its buckets are
lost: moto keeps them in memory), for the tests of an unreachable store.

``gcs_server``/``gcs_env`` and ``azurite_server``/``azure_env`` do the same for Google
Cloud Storage (gcp-storage-emulator) and Azure Blob Storage (Azurite); see below.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("moto")
pytest.importorskip("s3fs")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class S3Server:
    """One ``moto_server`` process; ``endpoint`` is its base URL."""

    def __init__(self, log: Path) -> None:
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        moto = Path(sys.executable).with_name("moto_server")
        command = [str(moto)] if moto.exists() else [sys.executable, "-m", "moto.server"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [*command, "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"moto_server did not answer on {self.endpoint}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def bucket(self) -> str:
        """A new, empty bucket's name."""
        import boto3

        name = f"tb-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=self.endpoint).create_bucket(Bucket=name)
        return name


def _clear_fsspec_cache() -> None:
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = S3Server(tmp_path_factory.mktemp("moto") / "moto.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def s3_env(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    """The standard AWS environment aimed at ``s3_server`` (and fsspec's cache emptied)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.endpoint)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    _clear_fsspec_cache()
    yield s3_server
    _clear_fsspec_cache()


# -- Google Cloud Storage (gcp-storage-emulator) and Azure Blob Storage (Azurite) --------
#
# Each is a real protocol server in its own process, on a free port, holding everything in
# memory; the standard environment of its cloud's SDK points gcsfs / adlfs at it
# (``STORAGE_EMULATOR_HOST``; ``AZURE_STORAGE_CONNECTION_STRING``). A fixture whose server
# is not installed skips, naming how to install it: ``pip install gcp-storage-emulator``
# (in the dev extra) and ``npm ci --prefix tests/remote/node`` (Azurite, pinned there;
# scripts/setup runs both).

NODE_DIR = Path(__file__).with_name("node")

# Azurite's well-known development account (documented by Microsoft; not a secret).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


class EmulatorServer:
    """One emulator process started from ``command`` (``{port}`` filled in), on a free port.

    ``ready_path`` is fetched until the server answers HTTP (any status); ``scheme`` is the
    URL scheme the tests write (``gs``, ``az``).
    """

    def __init__(
        self, name: str, scheme: str, command: list[str], ready_path: str, workdir: Path
    ) -> None:
        self.name = name
        self.scheme = scheme
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.command = [part.format(port=self.port) for part in command]
        self.ready_path = ready_path
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.endpoint + self.ready_path, timeout=1).close()
                return
            except urllib.error.HTTPError:
                return  # it answers HTTP: up
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on {self.endpoint}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def bucket(self) -> str:
        """A new, empty bucket (GCS) or container (Azure): its name."""
        name = f"tb-{uuid.uuid4().hex[:12]}"
        if self.scheme == "gs":
            request = urllib.request.Request(
                f"{self.endpoint}/storage/v1/b?project=test",
                data=json.dumps({"name": name}).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            urllib.request.urlopen(request, timeout=30).close()
        else:
            from azure.storage.blob import BlobServiceClient

            BlobServiceClient.from_connection_string(
                azurite_connection_string(self)
            ).create_container(name)
        return name


def azurite_connection_string(server: EmulatorServer) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
        f"AccountKey={AZURITE_KEY};BlobEndpoint={server.endpoint}/{AZURITE_ACCOUNT};"
    )


def _gcs_command() -> list[str]:
    pytest.importorskip("gcsfs", reason="gcsfs is not installed: pip install 'trainboard[gcs]'")
    script = Path(sys.executable).with_name("gcp-storage-emulator")
    if script.exists():
        command = [str(script)]
    else:
        pytest.importorskip(
            "gcp_storage_emulator",
            reason="the GCS emulator is not installed: pip install gcp-storage-emulator",
        )
        command = [sys.executable, "-m", "gcp_storage_emulator"]
    return [*command, "start", "--host", "127.0.0.1", "--port", "{port}", "--in-memory", "-q"]


def _azurite_command() -> list[str]:
    pytest.importorskip("adlfs", reason="adlfs is not installed: pip install 'trainboard[azure]'")
    script = NODE_DIR / "node_modules" / ".bin" / "azurite-blob"
    if not script.exists():
        pytest.skip("Azurite is not installed: npm ci --prefix tests/remote/node (scripts/setup)")
    return [
        str(script), "--inMemoryPersistence", "--extentMemoryLimit", "256",
        "--blobHost", "127.0.0.1", "--blobPort", "{port}",
        "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
    ]  # fmt: skip


def _clear_cloud_fsspec_caches() -> None:
    for module, name in (("gcsfs", "GCSFileSystem"), ("adlfs", "AzureBlobFileSystem")):
        with contextlib.suppress(ImportError):
            getattr(importlib.import_module(module), name).clear_instance_cache()


@pytest.fixture(scope="session")
def gcs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """gcp-storage-emulator (GCS's JSON API), in memory; skips when it is not installed."""
    server = EmulatorServer(
        "gcp-storage-emulator", "gs", _gcs_command(), "/storage/v1/b",
        tmp_path_factory.mktemp("gcs"),
    )  # fmt: skip
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def azurite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """Azurite's blob service, in memory; skips when it is not installed."""
    server = EmulatorServer(
        "azurite-blob", "az", _azurite_command(), "/", tmp_path_factory.mktemp("azurite")
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def _resumable_upload(
    fs: Any, bucket: str, key: str, datain: bytes, metadatain: Any = None,
    consistency: Any = None, content_type: str = "application/octet-stream",
    fixed_key_metadata: Any = None, mode: str = "overwrite", kms_key_name: Any = None,
) -> Any:
    """gcsfs's upload of a small object as its large-object path does it (resumable).

    gcsfs frames a small object in a multipart body with bare ``\n`` line ends, and
    gcp-storage-emulator's parser (Python's email parser) takes an object's last byte
    for part of the line end before the boundary when it is ``\r``, storing the object
    one byte short (real GCS does not): an event file whose CRC ends in 0x0D would lose
    its last record, about one object in 256. A resumable upload sends the bytes as
    they are.
    """
    import gcsfs.core

    location = await gcsfs.core.initiate_upload(
        fs, bucket, key, content_type, metadatain,
        fixed_key_metadata=fixed_key_metadata, mode=mode, kms_key_name=kms_key_name,
    )  # fmt: skip
    return await gcsfs.core.upload_chunk(fs, location, datain, 0, len(datain), content_type)


@pytest.fixture()
def gcs_env(
    gcs_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[EmulatorServer]:
    """gcsfs aimed at ``gcs_server`` (``STORAGE_EMULATOR_HOST``), anonymously: no
    credentials to find (so gcsfs falls back to ``token="anon"``), no metadata server
    probed; small objects uploaded as large ones are (see :func:`_resumable_upload`);
    fsspec's instance cache emptied."""
    import gcsfs.core

    monkeypatch.setattr(gcsfs.core, "simple_upload", _resumable_upload)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_server.endpoint)
    _clear_cloud_fsspec_caches()
    yield gcs_server
    _clear_cloud_fsspec_caches()


@pytest.fixture()
def azure_env(
    azurite_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmulatorServer]:
    """adlfs aimed at ``azurite_server`` (``AZURE_STORAGE_CONNECTION_STRING`` with the
    development account), other ``AZURE_STORAGE_*`` settings removed; fsspec's instance
    cache emptied."""
    for name in list(os.environ):
        if name.startswith("AZURE_STORAGE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite_connection_string(azurite_server))
    _clear_cloud_fsspec_caches()
    yield azurite_server
    _clear_cloud_fsspec_caches()
