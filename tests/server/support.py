"""Helpers for the route tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


def get_json(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    """GET ``path`` with ``params``; assert a 200 and return the JSON body."""
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
