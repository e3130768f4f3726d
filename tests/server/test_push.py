"""The push channel never waits for a page: one that stops reading costs only itself.

A real server process, a raw WebSocket that completes the handshake and never reads
again (a frozen tab), a well-behaved page beside it, and Visdom windows pushed over
HTTP: every POST is answered and the good page gets every message, while the stuck
one is dropped.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect

from tests.browser.board_process import running_board

WINDOW_BYTES = 100_000
WINDOWS = 150  # 15 MB in all, far past what the socket buffers of the stuck page hold


def _stuck_page(host: str, port: int) -> socket.socket:
    """A WebSocket to /api/live that completes the handshake, then never reads."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    sock.sendall(
        (
            "GET /api/live HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def _post_text_window(url: str, index: int) -> None:
    body = {
        "data": [{"content": f"{index}:" + "x" * WINDOW_BYTES, "type": "text"}],
        "win": f"w{index}",
        "eid": "main",
        "opts": {},
    }
    request = urllib.request.Request(urllib.parse.urljoin(url, "events"), json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=15) as response:
        assert response.read().decode() == f"w{index}"


@pytest.mark.timeout(120)
def test_a_page_that_stops_reading_stalls_neither_requests_nor_other_pages(tmp_path: Path) -> None:
    with running_board(tmp_path, "--reload_interval", "0.2") as board:
        parsed = urllib.parse.urlsplit(board.url)
        assert parsed.hostname is not None and parsed.port is not None
        stuck = _stuck_page(parsed.hostname, parsed.port)
        ws_url = f"ws://{parsed.hostname}:{parsed.port}/api/live"
        received: list[str] = []
        with connect(ws_url, max_size=None) as good:
            assert json.loads(good.recv(timeout=10))["type"] == "hello"

            def read() -> None:
                while len(received) < WINDOWS:
                    message = json.loads(good.recv(timeout=30))
                    if message["type"] == "live":
                        received.extend(json.dumps(e)[:40] for e in message["events"])

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            started = time.monotonic()
            for index in range(WINDOWS):
                _post_text_window(board.url, index)  # each must be answered (15 s timeout)
            reader.join(timeout=30)
            elapsed = time.monotonic() - started
        stuck.close()
    assert len(received) >= WINDOWS, (len(received), elapsed, board.output[-20:])
    assert any("dropping a push client" in line for line in board.output), board.output[-20:]
