"""Take the README's picture of the board: docs/board.png.

Trains the demo (``trainboard demo --no-serve``) into a temporary logdir, serves it with
``trainboard``, opens the Scalars tab in headless Chromium (the browser tests' setup) and
saves a screenshot, reduced to a 256-colour palette so it stays small (tests/test_readme.py
checks it is under 300 KB). Needs the dev environment (torch, scikit-learn, Playwright,
Chromium, a built front end)::

    .venv/bin/python scripts/screenshot_board.py [--out docs/board.png]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.browser: the same server launcher and browser setup

from tests.browser.board_page import open_board  # noqa: E402
from tests.browser.board_process import running_board, trainboard_command  # noqa: E402
from tests.browser.chromium import CHROMIUM_ARGS, chromium_path  # noqa: E402

VIEWPORT = {"width": 1280, "height": 800}
FRAGMENT = "#scalars?smoothing=0.6&tags=^(accuracy$|loss/)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "board.png")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()

    from PIL import Image
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        logdir = Path(tmp) / "runs"
        subprocess.run([*trainboard_command(), "demo", "--no-serve", "--epochs",
                        str(args.epochs), "--logdir", str(logdir)], check=True,
                       stdout=subprocess.DEVNULL)
        with running_board(logdir, "--window_title", "trainboard demo") as board, \
                sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(),
                                                 args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
            open_board(page, board.url, FRAGMENT)
            png = page.screenshot()
            browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    image.save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
