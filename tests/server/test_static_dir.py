"""Where the board's front end is served from: static_dir, $TRAINBOARD_STATIC_DIR, the package."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import STATIC_DIR_ENV, create_app


def _build(directory: Path, marker: str) -> Path:
    directory.mkdir(parents=True)
    (directory / "index.html").write_text(f"<!doctype html><html><body>{marker}</body></html>")
    return directory


def _index(tmp_path: Path, static_dir: Path | None = None) -> str:
    app = create_app(LogdirProvider(tmp_path, use_cache=False), static_dir=static_dir,
                     reload_interval=0)
    with TestClient(app) as client:
        response = client.get("/")
        assert response.status_code == 200
        text: str = response.text
        return text


def test_the_environment_variable_names_the_build_to_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STATIC_DIR_ENV, str(_build(tmp_path / "mine", "my own build")))
    assert "my own build" in _index(tmp_path)


def test_an_explicit_static_dir_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STATIC_DIR_ENV, str(_build(tmp_path / "env", "from the environment")))
    explicit = _build(tmp_path / "explicit", "explicit build")
    assert "explicit build" in _index(tmp_path, explicit)


def test_an_unbuilt_directory_gets_the_not_built_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv(STATIC_DIR_ENV, str(empty))
    assert "not built" in _index(tmp_path)


def test_an_empty_variable_means_the_packaged_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STATIC_DIR_ENV, "")
    assert "my own build" not in _index(tmp_path)
