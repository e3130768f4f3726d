"""Reading log dirs in object storage, against a real S3 server (moto_server, see conftest).

A log dir written by trainboard (and torch) is uploaded with boto3, then read through
``trainboard.open("s3://...")``, the board (``trainboard serve --logdir s3://...``) and
``trainboard export``; request counts come from the mirror's own counters, which count
the HTTP requests botocore sends.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import trainboard
from tests.browser.board_process import running_board
from tests.remote.conftest import S3Server
from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.data.notes import NotesConflictError
from trainboard.data.remote import (
    RemoteLogdirError,
    RemoteLogdirProvider,
    SyncReport,
    logdir_provider,
)
from trainboard.errors import MissingDependencyError, NotFoundError


def _write_run(directory: Path, steps: int = 20, start: int = 0) -> None:
    with SummaryWriter(directory) as w:
        for i in range(start, start + steps):
            w.add_scalar("loss", 1.0 / (i + 1), i)
            w.add_scalar("lr", 0.1 * 0.9**i, i)
        w.add_histogram("weights", np.arange(100.0), start)
        w.add_image("samples", np.full((3, 8, 8), 0.5), start)
        w.add_text("notes", f"step {start}", start)


def _write_logdir(root: Path) -> Path:
    _write_run(root / "exp1")
    _write_run(root / "sweep" / "lr_0.1", steps=5)
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    with torch_tb.SummaryWriter(str(root / "torch_run")) as w:
        for i in range(10):
            w.add_scalar("acc", i / 10, i)
    return root


def _client(server: S3Server) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=server.endpoint)


def _upload(server: S3Server, local: Path, bucket: str, prefix: str) -> list[str]:
    client = _client(server)
    keys = []
    for directory, _, files in os.walk(local):
        for name in files:
            path = Path(directory) / name
            key = f"{prefix}/{path.relative_to(local).as_posix()}"
            client.upload_file(str(path), bucket, key)
            keys.append(key)
    return sorted(keys)


@pytest.fixture()
def uploaded(s3_env: S3Server, tmp_path: Path) -> tuple[Path, str]:
    """A local log dir and the ``s3://`` URL of its copy."""
    local = _write_logdir(tmp_path / "local")
    bucket = s3_env.bucket()
    _upload(s3_env, local, bucket, "runs")
    return local, f"s3://{bucket}/runs"


def test_open_reads_the_bucket_value_for_value(uploaded: tuple[Path, str], tmp_path: Path) -> None:
    local, url = uploaded
    with trainboard.open(local, use_cache=False) as want, trainboard.open(
        url, cache_dir=tmp_path / "cache"
    ) as got:
        assert repr(got).startswith(f"Logdir({url!r}")
        assert got.runs == want.runs == ["exp1", "sweep/lr_0.1", "torch_run"]
        for run in want.runs:
            assert got.tags(run) == want.tags(run)
            for tag in want.tags(run, plugin="scalars"):
                a, b = want.scalars(run, tag), got.scalars(run, tag)
                np.testing.assert_array_equal(a.steps, b.steps)
                np.testing.assert_array_equal(a.values, b.values)
                np.testing.assert_array_equal(a.wall_times, b.wall_times)
        for run in ("exp1", "sweep/lr_0.1"):
            for x, y in zip(want.histograms(run, "weights").buckets,
                            got.histograms(run, "weights").buckets, strict=True):
                np.testing.assert_array_equal(x, y)
            assert want.images(run, "samples").images[0][0].data == (
                got.images(run, "samples").images[0][0].data
            )
            tag = "notes/text_summary"
            assert want.text(run, tag).texts[0].item() == got.text(run, tag).texts[0].item()
        assert got.warnings == []


def test_runs_report_their_last_write_time(uploaded: tuple[Path, str], tmp_path: Path) -> None:
    local, url = uploaded
    import boto3

    with trainboard.open(url, cache_dir=tmp_path / "cache") as lg:
        runs = {run.name: run for run in lg.provider.runs()}
        bucket, prefix = url[len("s3://"):].split("/", 1)
        listing = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]
        newest = max(o["LastModified"].timestamp() for o in listing
                     if o["Key"].startswith(f"{prefix}/exp1/") and "tfevents" in o["Key"])
        assert runs["exp1"].last_write_time == pytest.approx(newest)
    local_provider = LogdirProvider(local, use_cache=False)
    local_provider.reload()
    exp1 = next(r for r in local_provider.runs() if r.name == "exp1")
    files = [p for p in (local / "exp1").iterdir() if "tfevents" in p.name]
    assert exp1.last_write_time == pytest.approx(max(p.stat().st_mtime for p in files))


def test_reload_downloads_only_new_and_changed_objects(
    s3_env: S3Server, tmp_path: Path
) -> None:
    local = tmp_path / "local"
    _write_run(local / "a")
    bucket = s3_env.bucket()
    _upload(s3_env, local, bucket, "p")
    provider = RemoteLogdirProvider(f"s3://{bucket}/p", cache_dir=tmp_path / "cache")
    provider.reload()
    first = provider.last_sync
    assert first is not None and first.requests == 1 + len(first.downloaded)
    assert [r.name for r in provider.runs()] == ["a"]

    nothing = provider.reload()  # nothing changed: one listing, nothing downloaded
    assert provider.last_sync is not None
    assert provider.last_sync.requests == 1 and provider.last_sync.downloaded == ()
    assert not nothing.changed

    _write_run(local / "b")
    keys = _upload(s3_env, local / "b", bucket, "p/b")
    report = provider.reload()
    sync = provider.last_sync
    assert sorted(f"p/{k}" for k in sync.downloaded) == keys
    assert sync.requests == 1 + len(keys)  # one listing, one GET per new object
    assert sync.bytes == sum((local / "b" / Path(k).name).stat().st_size for k in keys)
    assert report.new_runs == ("b",)
    assert provider.mirror.stats.requests["ListObjectsV2"] == 3

    _client(s3_env).delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]}
    )
    report = provider.reload()
    assert report.removed_runs == ("b",)
    assert provider.last_sync.removed and provider.last_sync.requests == 1
    provider.close()


def test_a_grown_object_is_range_read(s3_env: S3Server, tmp_path: Path) -> None:
    """A store that rewrites a growing object (TensorFlow's S3 writer): only new bytes."""
    local = tmp_path / "local"
    _write_run(local / "run", steps=50)
    (event_file,) = [p for p in (local / "run").iterdir() if p.name.startswith("events")]
    data = event_file.read_bytes()
    with trainboard.open(local, use_cache=False) as want:
        all_steps = want.scalars("run", "loss").steps
    bucket = s3_env.bucket()
    client = _client(s3_env)
    key = f"p/run/{event_file.name}"
    # The first part: whole records up to some byte (the writer flushed there).
    cut = _record_boundary(data, 30)
    client.put_object(Bucket=bucket, Key=key, Body=data[:cut])
    provider = RemoteLogdirProvider(f"s3://{bucket}/p", cache_dir=tmp_path / "cache")
    provider.reload()
    before = len(provider.read_scalars("run", "loss").steps)
    assert 0 < before < len(all_steps)

    client.put_object(Bucket=bucket, Key=key, Body=data)
    report = provider.reload()
    sync = provider.last_sync
    assert sync is not None and sync.appended == ("run/" + event_file.name,)
    assert sync.downloaded == () and sync.requests == 2  # the listing and one ranged GET
    assert sync.bytes == len(data) - cut + 16  # the new bytes, and 16 to check the prefix
    assert report.reset_runs == ()
    np.testing.assert_array_equal(provider.read_scalars("run", "loss").steps, all_steps)
    assert provider.mirror.stats.ranges_read == 1

    # Rewritten (same key, other bytes, not longer): downloaded again, the run re-read.
    other = tmp_path / "other"
    _write_run(other / "run", steps=3, start=1000)
    (replacement,) = [p for p in (other / "run").iterdir() if p.name.startswith("events")]
    client.put_object(Bucket=bucket, Key=key, Body=replacement.read_bytes())
    report = provider.reload()
    assert _sync(provider).downloaded == ("run/" + event_file.name,)
    assert report.reset_runs == ("run",)
    assert provider.read_scalars("run", "loss").steps.tolist() == [1000, 1001, 1002]
    provider.close()


def _sync(provider: LogdirProvider) -> SyncReport:
    """The last sync of a remote log dir's provider."""
    assert isinstance(provider, RemoteLogdirProvider) and provider.last_sync is not None
    return provider.last_sync


def _record_boundary(data: bytes, records: int) -> int:
    """The end of the first ``records`` TFRecords of ``data``."""
    import struct

    offset = 0
    for _ in range(records):
        (length,) = struct.unpack_from("<Q", data, offset)
        offset += 12 + length + 4
    return offset


def test_a_restarted_reader_downloads_nothing_new(
    uploaded: tuple[Path, str], tmp_path: Path
) -> None:
    _, url = uploaded
    cache = tmp_path / "cache"
    with trainboard.open(url, cache_dir=cache) as lg:
        first = _sync(lg.provider)
        assert len(first.downloaded) >= 3
        values = lg.scalars("exp1", "loss").values.copy()
    with trainboard.open(url, cache_dir=cache) as lg:
        again = _sync(lg.provider)
        assert again.downloaded == () and again.appended == () and again.requests == 1
        assert again.bytes == 0
        np.testing.assert_array_equal(lg.scalars("exp1", "loss").values, values)


def test_the_board_serves_a_bucket(s3_env: S3Server, tmp_path: Path) -> None:
    local = tmp_path / "local"
    _write_run(local / "exp1")
    bucket = s3_env.bucket()
    _upload(s3_env, local, bucket, "runs")
    url = f"s3://{bucket}/runs"
    env_cache = tmp_path / "cache"
    with running_board(url, "--reload_interval", "1", "--cache_dir", str(env_cache)) as board:
        assert url in "".join(board.output)

        def get(path: str) -> bytes:
            with urllib.request.urlopen(board.url.rstrip("/") + path, timeout=10) as response:
                body: bytes = response.read()
                return body

        runs = _wait_for(lambda: json.loads(get("/api/runs"))["runs"], lambda r: len(r) == 1)
        assert runs[0]["name"] == "exp1" and "scalars" in runs[0]["kinds"]
        assert runs[0]["last_write_time"] == pytest.approx(time.time(), abs=120)
        points = json.loads(get("/api/scalars/data?run=exp1&tag=loss&format=json"))
        assert [p[1] for p in points] == list(range(20))
        assert [p[2] for p in points] == pytest.approx([1.0 / (i + 1) for i in range(20)])
        card = json.loads(get("/api/scalars?tag=loss&runs=exp1&width=200"))
        assert card["series"]
        png = get("/api/images/image?run=exp1&tag=samples&step=0&index=0")
        assert png.startswith(b"\x89PNG")

        _write_run(local / "exp2")
        _upload(s3_env, local / "exp2", bucket, "runs/exp2")
        runs = _wait_for(lambda: json.loads(get("/api/runs"))["runs"], lambda r: len(r) == 2)
        assert [r["name"] for r in runs] == ["exp1", "exp2"]


def _wait_for(read: Any, done: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_logdir_spec_mixes_a_bucket_and_a_directory(
    uploaded: tuple[Path, str], tmp_path: Path
) -> None:
    from trainboard.cli.serve import open_provider

    local, url = uploaded
    provider = open_provider(None, f"cloud:{url},disk:{local}", str(tmp_path / "cache"))
    try:
        provider.reload()
        names = [run.name for run in provider.runs()]
        assert "cloud/exp1" in names and "disk/exp1" in names
        np.testing.assert_array_equal(
            provider.read_scalars("cloud/exp1", "loss").values,
            provider.read_scalars("disk/exp1", "loss").values,
        )
    finally:
        provider.close()


def test_export_writes_the_csv_of_a_bucket(uploaded: tuple[Path, str], tmp_path: Path) -> None:
    from trainboard.cli.export import export

    local, url = uploaded
    runner = CliRunner()
    remote = runner.invoke(export, ["--logdir", url, "--cache_dir", str(tmp_path / "c"),
                                    "-o", str(tmp_path / "remote.csv")])
    assert remote.exit_code == 0, remote.output
    disk = runner.invoke(export, ["--logdir", str(local), "--no_cache",
                                  "-o", str(tmp_path / "local.csv")])
    assert disk.exit_code == 0, disk.output
    text = (tmp_path / "remote.csv").read_text()
    assert text == (tmp_path / "local.csv").read_text()
    assert "exp1,loss,0," in text


def test_a_missing_bucket_is_a_clear_error(s3_env: S3Server, tmp_path: Path) -> None:
    from trainboard.cli.export import export

    url = "s3://no-such-bucket-here/runs"
    with pytest.raises(RemoteLogdirError, match="s3://no-such-bucket-here/runs: no such bucket"):
        trainboard.open(url, cache_dir=tmp_path / "cache")
    result = CliRunner().invoke(export, ["--logdir", url, "--cache_dir", str(tmp_path / "c")])
    assert result.exit_code != 0
    assert "s3://no-such-bucket-here/runs: no such bucket" in result.output
    bucket = s3_env.bucket()
    with pytest.raises(NotFoundError, match="holds no objects"):
        trainboard.open(f"s3://{bucket}/nothing", cache_dir=tmp_path / "cache")


def test_missing_credentials_are_a_clear_error(
    s3_env: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainboard.cli.serve import serve

    bucket = s3_env.bucket()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    url = f"s3://{bucket}/runs"
    with pytest.raises(RemoteLogdirError, match=f"{url}: no credentials for s3://.*AWS_PROFILE"):
        trainboard.open(url, cache_dir=tmp_path / "cache")
    result = CliRunner().invoke(serve, ["--logdir", url, "--port", "0", "--no_cache"])
    assert result.exit_code != 0 and f"{url}: no credentials" in result.output


def test_a_missing_backend_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fsspec  # noqa: F401 (its registry module is loaded)

    monkeypatch.setitem(sys.modules, "s3fs", None)  # as if trainboard[s3] were not installed
    monkeypatch.delitem(sys.modules["fsspec.registry"]._registry, "s3", raising=False)
    with pytest.raises(MissingDependencyError, match=r"pip install 'trainboard\[s3\]'"):
        trainboard.open("s3://some-bucket/runs", cache_dir=tmp_path / "cache")


def test_an_unreachable_store_is_a_warning_on_the_board(
    s3_env: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``on_error="warn"`` (the server) the board keeps what it has and says why."""
    server = S3Server(tmp_path / "moto.log")  # a store of its own, to take away
    server.start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint)
        bucket = server.bucket()
        local = tmp_path / "local"
        _write_run(local / "a")
        _upload(server, local, bucket, "p")
        provider = logdir_provider(f"s3://{bucket}/p", cache_dir=tmp_path / "cache",
                                   on_error="warn")
        provider.reload()
        server.stop()
        report = provider.reload()
        assert [w.kind for w in report.new_warnings] == ["unreadable"]
        assert f"s3://{bucket}/p" in report.new_warnings[0].message
        assert [r.name for r in provider.runs()] == ["a"]  # still shown
        provider.close()
    finally:
        server.stop()


def test_run_notes_are_written_to_the_bucket(uploaded: tuple[Path, str], tmp_path: Path) -> None:
    import s3fs

    _, url = uploaded
    fs = s3fs.S3FileSystem()
    notes_key = url[len("s3://"):] + "/.trainboard-notes.json"
    with trainboard.open(url, cache_dir=tmp_path / "a") as one, trainboard.open(
        url, cache_dir=tmp_path / "b"
    ) as two:
        note = one.update_notes("exp1", display_name="baseline")
        assert json.loads(fs.cat_file(notes_key))["runs"]["exp1"]["display_name"] == "baseline"
        two.reload()
        assert two.notes()["exp1"].display_name == "baseline"
        # Each change starts from the bucket's copy: the second board's change keeps the first's.
        two.update_notes("exp1", revision=note.revision, note="lr 0.1")
        assert one.update_notes("exp1", color="#ff0000").note == "lr 0.1"
        with pytest.raises(NotesConflictError):
            one.update_notes("exp1", revision=note.revision, note="stale")
        with pytest.raises(ValueError, match="cannot be moved to the trash"):
            one.update_notes("exp1", trashed=True)


def test_a_log_dir_written_by_the_board_writer_to_s3(s3_env: S3Server, tmp_path: Path) -> None:
    """Interop with the object-store writer: SummaryWriter("s3://...") then open("s3://...")."""
    bucket = s3_env.bucket()
    url = f"s3://{bucket}/runs/exp"
    try:
        writer = SummaryWriter(url)
    except (ValueError, NotImplementedError) as exc:  # pragma: no cover - writer not in yet
        pytest.skip(f"the object-store writer is not there yet: {exc}")
    with writer:
        for i in range(30):
            writer.add_scalar("loss", 1.0 / (i + 1), i)
    with trainboard.open(f"s3://{bucket}/runs", cache_dir=tmp_path / "cache") as lg:
        assert lg.runs == ["exp"]
        assert lg.scalars("exp", "loss").steps.tolist() == list(range(30))



def test_progress_counts_the_first_downloads(uploaded: tuple[Path, str], tmp_path: Path) -> None:
    """The board's progress line moves while a bucket's objects are downloaded."""
    import threading

    _, url = uploaded
    provider = RemoteLogdirProvider(url, cache_dir=tmp_path / "cache", on_error="warn")
    gate, reached = threading.Event(), threading.Event()
    real = provider.mirror.fs.get_file

    def held(rpath: str, lpath: str, **kwargs: Any) -> Any:
        reached.set()
        assert gate.wait(20)
        return real(rpath, lpath, **kwargs)

    provider.mirror.fs.get_file = held  # the downloads themselves are real
    loading = threading.Thread(target=provider.reload)
    loading.start()
    try:
        assert reached.wait(20)
        during = provider.load_progress()
        assert during.loading and not during.loaded
        assert during.files_total >= 3 and during.files_read == 0 and during.bytes_total > 0
    finally:
        gate.set()
        loading.join(30)
    after = provider.load_progress()
    assert after.loaded and after.files_read == after.files_total >= 3
    provider.close()


def test_inspect_reads_a_bucket(uploaded: tuple[Path, str]) -> None:
    from trainboard.cli.serve import serve

    _, url = uploaded
    result = CliRunner().invoke(serve, ["--inspect", "--logdir", url])
    assert result.exit_code == 0, result.output
    assert f'Run "exp1"  ({url}/exp1)' in result.output
    assert "loss" in result.output


@pytest.mark.browser
def test_the_page_draws_the_runs_of_a_bucket(
    s3_env: S3Server, tmp_path: Path, playwright_api: Any
) -> None:
    """Chromium on a board over s3://: the charts, then a run uploaded later, live."""
    from playwright.sync_api import expect

    from tests.browser.board_page import card_locator, open_board
    from tests.browser.chromium import CHROMIUM_ARGS, VIEWPORT, chromium_path

    if chromium_path() is None:
        pytest.skip("no Chromium")
    local = tmp_path / "local"
    for name in ("exp1", "exp2"):
        _write_run(local / name)
    bucket = s3_env.bucket()
    _upload(s3_env, local, bucket, "runs")
    url = f"s3://{bucket}/runs"
    chromium = playwright_api.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
    )
    try:
        with running_board(url, "--reload_interval", "1") as board:
            page = chromium.new_context(viewport=VIEWPORT).new_page()
            open_board(page, board.url)
            loss = card_locator(page, "loss")
            expect(loss).to_have_attribute("data-points", "40")
            expect(loss).to_have_attribute("data-runs", "2")
            _write_run(local / "exp3")
            _upload(s3_env, local / "exp3", bucket, "runs/exp3")
            expect(loss).to_have_attribute("data-runs", "3", timeout=20_000)
            expect(loss).to_have_attribute("data-points", "60")
    finally:
        chromium.close()
