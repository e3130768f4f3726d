"""Schema-driven requests against every operation of the OpenAPI document: no server error.

Schemathesis generates requests from ``/api/openapi.json`` (parameters, path parameters,
request bodies, valid and invalid) and sends them to the app over a logdir holding every
kind; whatever it sends, the answer is never a 5xx. ``TRAINBOARD_API_FUZZ_EXAMPLES``
(default 15 per operation) sets how many requests each operation gets.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import schemathesis
from hypothesis import HealthCheck, settings

from trainboard import SummaryWriter
from trainboard.data.logdir import LogdirProvider
from trainboard.server.app import create_app

EXAMPLES = int(os.environ.get("TRAINBOARD_API_FUZZ_EXAMPLES", "15"))


def _logdir() -> Path:
    root = Path(tempfile.mkdtemp(prefix="trainboard-api-fuzz-"))
    rng = np.random.default_rng(0)
    with SummaryWriter(root / "run") as w:
        for step in range(3):
            w.add_scalar("loss", 1.0 / (step + 1), step)
            w.add_histogram("weights", rng.normal(size=100), step)
            w.add_image("image", rng.integers(0, 255, (3, 4, 4), dtype=np.uint8), step)
            w.add_text("note", "hello", step)
            w.add_audio("clip", rng.uniform(-1, 1, 32).astype(np.float32), step)
            w.add_pr_curve("pr", rng.integers(0, 2, 10), rng.uniform(size=10), step)
            w.add_mesh("mesh", rng.normal(size=(1, 4, 3)).astype(np.float32), global_step=step)
        w.add_hparams({"lr": 0.1}, {"hp/acc": 0.5})
        w.add_embedding(rng.normal(size=(10, 3)), metadata=[str(i) for i in range(10)])
    return root


LOGDIR = _logdir()
PROVIDER = LogdirProvider(LOGDIR, use_cache=False)
PROVIDER.reload()
APP = create_app(PROVIDER, logdir=str(LOGDIR), reload_interval=0)
APP.state.hub.loaded.set()  # loaded above: requests need not wait for the reload loop
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case: schemathesis.Case[Any]) -> None:
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} {case.query} {case.body!r:.200}: "
        f"{response.status_code} {response.text[:300]}"
    )
