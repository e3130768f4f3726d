"""``%trainboard`` and trainboard.notebook, executed on a real Jupyter kernel (nbclient).

A notebook loads the extension, starts a board with the magic, reuses it, starts a second
from Python and lists them; the outputs must hold the iframe with each board's URL, the
boards must answer (framable by a notebook page on localhost), and they must stop with the
kernel. The Chromium check opens the cell's HTML as a Jupyter page on ``localhost`` would
show it and waits for the board's page inside the iframe.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs nbformat, nbclient and ipykernel")
nbclient = pytest.importorskip("nbclient", reason="needs nbclient")
pytest.importorskip("ipykernel", reason="needs ipykernel (the python3 kernel)")

import trainboard  # noqa: E402
import trainboard.notebook as notebook  # noqa: E402

pytestmark = pytest.mark.timeout(240)

BOARD_ARGS = "--visdom_port 0 --no_cache"  # no second port, no cache: tests run side by side


def _logdir(path: Path, tag: str) -> Path:
    with trainboard.SummaryWriter(path / "run") as writer:
        for step in range(3):
            writer.add_scalar(tag, step / 2, step)
    return path


@contextlib.contextmanager
def _jupyter_env() -> Iterator[None]:
    saved = os.environ.get("JUPYTER_PLATFORM_DIRS")
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"  # jupyter_core's future default; no warning
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PLATFORM_DIRS", None)
        else:
            os.environ["JUPYTER_PLATFORM_DIRS"] = saved


@contextlib.contextmanager
def _kernel(cells: list[str], cwd: Path) -> Iterator[Any]:
    """Runs ``cells`` on a fresh python3 kernel; yields the executed notebook while the
    kernel (and any board it started) is still running."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    with _jupyter_env():
        client = nbclient.NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
        )
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            yield nb


def _html_outputs(cell: Any) -> list[str]:
    return [o["data"]["text/html"] for o in cell.outputs
            if o["output_type"] == "display_data" and "text/html" in o.get("data", {})]


def _stream(cell: Any) -> str:
    return "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream")


def _iframe_src(html: str) -> str:
    match = re.search(r'<iframe id="trainboard-frame-[0-9a-f]+" src="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _get(url: str) -> tuple[int, dict[str, str], str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"
    return True


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The executed notebook, the boards' URLs and pids; the kernel stops afterwards."""
    root = tmp_path_factory.mktemp("notebook")
    _logdir(root / "runs", "loss")
    _logdir(root / "other", "accuracy")
    cells = [
        "%load_ext trainboard",
        f"%trainboard --logdir runs {BOARD_ARGS}",
        f"%trainboard --logdir runs {BOARD_ARGS}",
        "import trainboard.notebook\n"
        f"trainboard.notebook.start('--logdir other {BOARD_ARGS}', height=500)",
        "boards = trainboard.notebook.list()",
        "trainboard.notebook.display()",
        "import json\nprint(json.dumps([[b.url, b.pid] for b in boards]))",
    ]
    with _kernel(cells, root) as nb:
        boards = json.loads(_stream(nb.cells[6]).strip())
        yield {"nb": nb, "boards": boards, "root": root}
    deadline = time.monotonic() + 10
    while any(_alive(pid) for _, pid in boards) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for _, pid in boards if _alive(pid)], "boards outlived their kernel"


def test_magic_shows_the_board_inline_and_reuses_it(executed: dict[str, Any]) -> None:
    cells = executed["nb"].cells
    (first,) = _html_outputs(cells[1])
    (url_runs, _), (url_other, _) = executed["boards"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url_runs)
    assert _iframe_src(first) == url_runs
    assert 'height="800"' in first and "<script>" in first
    (again,) = _html_outputs(cells[2])
    assert _iframe_src(again) == url_runs
    assert re.match(r"Reusing trainboard on port \d+ \(pid \d+\), started 0:00:0\d ago",
                    _stream(cells[2]))
    (other,) = _html_outputs(cells[3])
    assert _iframe_src(other) == url_other != url_runs
    assert 'height="500"' in other
    listed = _stream(cells[4])
    assert listed.count("  - port ") == 2
    assert "trainboard --logdir runs --visdom_port 0 --no_cache" in listed
    (shown,) = _html_outputs(cells[5])  # display(): the board started last
    assert _iframe_src(shown) == url_other


def test_the_boards_serve_their_logdirs_and_allow_a_notebook_frame(
    executed: dict[str, Any],
) -> None:
    (url_runs, _), (url_other, _) = executed["boards"]
    for url, tag in ((url_runs, "loss"), (url_other, "accuracy")):
        status, headers, page = _get(url)
        assert status == 200 and "<title>trainboard</title>" in page
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'self' http://localhost:* http://127.0.0.1:*" in policy
        _, _, tags = _get(url + "api/tags?kind=scalars")
        assert tag in tags


def test_a_bad_flag_shows_the_boards_own_message(tmp_path: Path) -> None:
    with _kernel(["%load_ext trainboard", "%trainboard --logdir runs --no_such_flag"],
                 tmp_path) as nb:
        cell = nb.cells[1]
    (error,) = [o for o in cell.outputs if o["output_type"] == "stream"]
    assert error["name"] == "stderr"
    assert error["text"].startswith("ERROR: trainboard --logdir runs --no_such_flag exited with")
    assert "No such option" in error["text"] and "--no_such_flag" in error["text"]
    assert "Traceback" not in error["text"]


def test_outside_ipython_start_prints_the_url_and_reuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(_logdir(tmp_path, "loss"))
    notebook.start(f"--logdir . {BOARD_ARGS}")
    try:
        url = capsys.readouterr().out.strip().removeprefix("trainboard: ")
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        notebook.start(["--logdir", ".", *BOARD_ARGS.split()])
        out = capsys.readouterr().out
        assert out.startswith("Reusing trainboard") and out.rstrip().endswith(url)
        (board,) = notebook.list()
        assert board.url == url and board.running
        assert capsys.readouterr().out.startswith(f"  - port {board.port}: trainboard --logdir .")
        notebook.display(port=board.port)
        assert capsys.readouterr().out.strip() == f"trainboard: http://localhost:{board.port}/"
    finally:
        for board in notebook.list():
            board.stop()
    assert notebook.list() == []


def test_iframe_html_follows_the_pages_loopback_name() -> None:
    html = notebook.iframe_html("http://127.0.0.1:6006/?token=a&b", height=300)
    assert 'src="http://127.0.0.1:6006/?token=a&amp;b"' in html
    assert 'height="300"' in html
    assert '["localhost", "127.0.0.1", "[::1]"]' in html


class _Page(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.browser
def test_chromium_shows_the_board_in_the_cells_iframe(
    executed: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    from tests.browser.chromium import CHROMIUM_ARGS, chromium_path

    try:
        import playwright.sync_api  # noqa: F401 - only to skip without Playwright
    except ImportError:
        pytest.skip("needs Playwright (pip install playwright)")
    executable = chromium_path()
    if executable is None:
        if os.environ.get("TRAINBOARD_SKIP_BROWSER") == "1":
            pytest.skip("no Chromium")
        pytest.fail("no Chromium found: install it (apt-get install chromium)")
    (html,) = _html_outputs(executed["nb"].cells[1])
    (url_runs, _), _ = executed["boards"]
    port = int(url_runs.rsplit(":", 1)[1].strip("/"))

    _Page.body = f"<!doctype html><title>notebook</title>{html}".encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        api = request.getfixturevalue("playwright_api")  # one per session
        browser = api.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            # The notebook page on "localhost": the iframe moves to the same name.
            page.goto(f"http://localhost:{server.server_address[1]}/")
            board = page.frame_locator("iframe")
            board.get_by_text("loss").first.wait_for(timeout=60_000)  # the run's scalar
            src = page.locator("iframe").evaluate("frame => frame.src")
            assert src == f"http://localhost:{port}/"
            (frame,) = [f for f in page.frames if f.url == src]
            assert frame.title() == "trainboard"
        finally:
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
