"""The README stays true: its commands exist, its snippets run, its links and picture are there.

Every shell command in a fenced ``bash`` block names something the project has (a script,
the ``trainboard`` entry point and its flags, an extra, a build tool); the ``python`` blocks
and the ``trainboard export`` commands run, in order, in a temporary folder with a board
serving it; every page of ``docs/`` is linked; the two commands for a fresh checkout are
the ones CI runs (``.ci/run``).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.browser.board_process import running_board

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
SUBCOMMANDS = ("demo", "export", "serve")
FRESH_CHECKOUT = ["./scripts/setup && .venv/bin/trainboard demo",
                  "./scripts/setup && ./scripts/test"]


def _toml_table(name: str) -> dict[str, str]:
    """The ``key = value`` lines of one table of pyproject.toml (tomllib is Python 3.11+)."""
    match = re.search(rf"^\[{re.escape(name)}\]\n(.*?)(?=^\[|\Z)", PYPROJECT, re.S | re.M)
    assert match, f"pyproject.toml has no [{name}]"
    return dict(re.findall(r"^([\w-]+) = (.*(?:\n[ \]].*)*)", match.group(1), re.M))


def _blocks(language: str) -> list[str]:
    return [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", README, re.S | re.M)
            if lang == language]


def _shell_commands() -> list[list[str]]:
    """Each command of the bash blocks, as words (comments dropped, ``&&`` chains split)."""
    commands: list[list[str]] = []
    for block in _blocks("bash"):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            while words:
                end = words.index("&&") if "&&" in words else len(words)
                commands.append(words[:end])
                words = words[end + 1:]
    return commands


@functools.cache
def _help(*command: str) -> str:
    result = subprocess.run([sys.executable, "-m", "trainboard.cli", *command, "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _check_trainboard(args: list[str]) -> None:
    if args and args[0] in SUBCOMMANDS:
        command, options = args[0], args[1:]
    else:  # TensorBoard's spelling, options without a command, means serve
        assert args and args[0].startswith("-"), f"trainboard {args}: no such command"
        command, options = "serve", args
    words = set(re.findall(r"(?<![\w-])--?[a-z][\w-]*", _help(command)))
    for option in options:
        if option.startswith("-"):
            assert option.split("=")[0] in words, f"trainboard {command} has no {option}"


def _check_pip_install(args: list[str]) -> None:
    extras = set(_toml_table("project.optional-dependencies"))
    for requirement in args:
        if requirement == ".":
            continue
        match = re.fullmatch(r"trainboard(?:\[([\w,]+)\])?", requirement)
        assert match, f"pip install {requirement}: not trainboard"
        unknown = set((match.group(1) or "").split(",")) - {""} - extras
        assert not unknown, f"pip install {requirement}: no extra {unknown}"


def _check(command: list[str]) -> None:
    program, args = command[0], command[1:]
    if program.startswith("./scripts/"):
        script = ROOT / program
        assert script.is_file() and os.access(script, os.X_OK), f"{program} is not executable"
    elif program in ("trainboard", ".venv/bin/trainboard"):
        assert "trainboard" in _toml_table("project.scripts")
        _check_trainboard(args)
    elif program == "python" and args[:2] == ["-m", "trainboard"]:
        _check_trainboard(args[2:])
    elif program == "pip" and args[:1] == ["install"]:
        _check_pip_install(args[1:])
    elif program == "python" and args[:2] == ["-m", "build"]:
        assert '"build>=' in _toml_table("project.optional-dependencies")["dev"]
        assert _toml_table("build-system")["build-backend"] == '"setuptools.build_meta"'
    else:
        pytest.fail(f"the README runs {command}, which this test does not know how to check")


@pytest.mark.parametrize("command", _shell_commands(), ids=" ".join)
def test_each_shell_command_names_what_the_project_has(command: list[str]) -> None:
    _check(command)


def test_every_flag_the_readme_names_is_in_the_help() -> None:
    helps = "\n".join(_help(*command) for command in [(), *[(c,) for c in SUBCOMMANDS]])
    named = set(re.findall(r"(?<![\w-])--[a-z][\w-]*", README))
    assert named, "the README names no flag"
    missing = {flag for flag in named if flag not in helps}
    assert not missing, f"flags in the README that no --help shows: {sorted(missing)}"
    assert "--logdir" in _help()


def test_the_fresh_checkout_commands_are_what_ci_runs() -> None:
    block = next(block for block in _blocks("bash") if "./scripts/setup" in block)
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert lines == FRESH_CHECKOUT
    assert FRESH_CHECKOUT[1] in (ROOT / ".ci" / "run").read_text()


def test_every_page_of_docs_is_linked_and_every_link_exists() -> None:
    links = set(re.findall(r"\]\(((?:docs|frontend)/[^)#\s]+)\)", README))
    for link in links:
        assert (ROOT / link).is_file(), f"the README links {link}, which does not exist"
    pages = {path.relative_to(ROOT).as_posix() for path in (ROOT / "docs").rglob("*")
             if path.is_file()}
    assert pages - links == set(), "pages of docs/ the README does not link"


def test_the_picture_of_the_board_is_a_small_png() -> None:
    picture = ROOT / "docs" / "board.png"
    data = picture.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 300_000, f"{picture} is {len(data)} bytes; keep it under 300 KB"
    assert "](docs/board.png)" in README


def test_the_snippets_and_export_commands_run(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    env = {**os.environ, "TRAINBOARD_CACHE_DIR": str(tmp_path / "cache")}  # not the user's
    with running_board(tmp_path / "runs") as board:
        port = urllib.parse.urlsplit(board.url).port
        for block in _blocks("python"):
            # Visdom() finds the board on Visdom's port 8097; this board listens on a free one.
            code = block.replace("Visdom()", f"Visdom(port={port})")
            result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path,
                                    capture_output=True, text=True, timeout=120, env=env)
            assert result.returncode == 0, f"{block}\n{result.stderr}"
        with urllib.request.urlopen(board.url + "api/live/windows?env=main") as response:
            windows = json.load(response)["windows"]
        assert [w["id"] for w in windows] == ["loss"]
    exports = [c for c in _shell_commands() if c[:2] == ["trainboard", "export"]]
    assert exports
    for command in exports:
        result = subprocess.run([sys.executable, "-m", "trainboard.cli", *command[1:]],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120,
                                env=env)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        out = tmp_path / command[command.index("-o") + 1]
        assert out.stat().st_size > 0
    rows = (tmp_path / "scalars.csv").read_text().splitlines()
    assert len(rows) == 1 + 100 + 100, rows[:3]  # loss/train, and loss of live/main's window


def test_every_path_the_layout_names_exists() -> None:
    layout = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`([\w./-]+(?:/|\.py|\.md|\.in|\.png))`", layout)
    assert len(named) > 10
    roots = (ROOT, ROOT / "src" / "trainboard")
    missing = [name for name in named if not any((root / name).exists() for root in roots)]
    assert not missing, f"the Layout names paths that do not exist: {missing}"
