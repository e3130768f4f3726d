"""Which Chromium the browser tests and benchmarks drive, and how it is started."""

from __future__ import annotations

import os
import shutil

__all__ = ["CHROMIUM_ARGS", "VIEWPORT", "chromium_path"]

# Headless, no GPU, and nothing that reaches the network (no browser download works here).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 1000}


def chromium_path() -> str | None:
    """``$TRAINBOARD_CHROMIUM``, else Debian's /usr/bin/chromium, else chromium on PATH."""
    configured = os.environ.get("TRAINBOARD_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")
