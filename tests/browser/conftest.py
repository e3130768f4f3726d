"""Fixtures for the browser tests: headless Chromium, real trainboard servers, and pages.

* ``browser`` (session): Chromium driven by Playwright. Missing Chromium (or Playwright,
  or the built front end) fails every browser test with a message saying what to install,
  unless ``TRAINBOARD_SKIP_BROWSER=1`` is set, which skips them instead.
* ``start_board``: a function starting ``trainboard`` over a logdir (stopped after the test);
  modules that share one server use :func:`tests.browser.board_process.running_board`.
* ``page``: a fresh page (own context, downloads accepted). After every test its screenshot
  is saved as ``<tmp_path>/page.png``, and on failure as ``<tmp_path>/failure.png`` (named in
  the report). Uncaught JavaScript errors on the page fail the test at teardown.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.board_process import BoardProcess, running_board
from tests.browser.chromium import CHROMIUM_ARGS, VIEWPORT, chromium_path

# The build the boards serve: $TRAINBOARD_STATIC_DIR (a build of one's own, which the board
# processes inherit) or the package's static/.
_STATIC = Path(
    os.environ.get("TRAINBOARD_STATIC_DIR")
    or Path(__file__).resolve().parents[2] / "src" / "trainboard" / "server" / "static"
)
_PAGE_KEY = pytest.StashKey[tuple[Any, Path]]()

try:
    import playwright.sync_api  # noqa: F401
except ImportError:  # the test modules import it: only test_browser_available.py is collected,
    # and it fails (or skips) with the reason, rather than every module with an ImportError.
    collect_ignore_glob = ["test_[!b]*.py"]


def _unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed: pip install playwright (no browser " \
               "download is needed)"
    if chromium_path() is None:
        return ("no Chromium found (looked at $TRAINBOARD_CHROMIUM, /usr/bin/chromium and PATH): "
                "install it, e.g. apt-get install chromium")
    if not (_STATIC / "index.html").is_file():
        return f"the front end is not built ({_STATIC} has no index.html): cd frontend && " \
               "npm ci && npm run build"
    return None


@pytest.fixture(scope="session", autouse=True)
def browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Headless Chromium for the whole session.

    Autouse, so the check for Chromium comes before any module's (possibly slow) fixtures.
    """
    if os.environ.get("TRAINBOARD_SKIP_BROWSER") == "1":
        pytest.skip("TRAINBOARD_SKIP_BROWSER=1")
    reason = _unavailable()
    if reason is not None:
        pytest.fail(f"browser tests cannot run: {reason} (or set TRAINBOARD_SKIP_BROWSER=1 "
                    "to skip them)", pytrace=False)
    playwright = request.getfixturevalue("playwright_api")  # one per session (tests/conftest)
    chromium = playwright.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture
def start_board() -> Iterator[Callable[..., BoardProcess]]:
    """``start_board(logdir, *cli_args)``: a running trainboard, stopped after the test."""
    started: list[BoardProcess] = []

    def start(logdir: str | os.PathLike[str], *args: str) -> BoardProcess:
        board = BoardProcess(logdir, *args)
        started.append(board)
        board.wait_ready()
        return board

    yield start
    for board in started:
        board.stop()


@pytest.fixture
def page(browser: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page in its own context; screenshots and JS errors as the module says."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    request.node.stash[_PAGE_KEY] = (new_page, tmp_path)
    yield new_page
    try:
        new_page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    finally:
        context.close()
    if errors:
        pytest.fail(f"uncaught JavaScript errors on the page: {errors!r}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when != "call" or not report.failed or _PAGE_KEY not in item.stash:
        return
    failed_page, directory = item.stash[_PAGE_KEY]
    path = directory / "failure.png"
    try:
        failed_page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # the page may be what broke; the report must still come out
        report.sections.append(("browser screenshot", f"could not take one: {exc!r}"))
    else:
        report.sections.append(("browser screenshot", str(path)))


BASIC_TITLE = "Basic runs · trainboard tests"


@pytest.fixture(scope="session")
def basic_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardProcess]:
    """One server, shared by the modules that only read, over :func:`write_basic`'s logdir."""
    from tests.browser.logdirs import write_basic

    pytest.importorskip("torch.utils.tensorboard", reason="one of its runs is written by torch")
    logdir = write_basic(tmp_path_factory.mktemp("basic"))
    with running_board(logdir, "--window_title", BASIC_TITLE) as board:
        yield board
