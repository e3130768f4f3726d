"""The env store: every live window, kept in memory and on disk, and what changed.

``EnvStore(root, scalars_dir)`` replays ``<root>/<env>/log.jsonl`` (see
:mod:`trainboard.visdom._envlog`) at start and applies Visdom's operations afterwards, each
one logged as it is applied. Every operation returns an :class:`Outcome`: the text
Visdom's server would answer, and the push events for open pages::

    {"env": e, "kind": "window", "window": {...}}     a window was created or changed
    {"env": e, "kind": "append", "win": id, "traces": [{"index": i, "x": [...], "y": [...]}]}
    {"env": e, "kind": "close", "win": id}
    {"kind": "envs", "envs": [names]}                  the env list changed

The store is not thread-safe: the server calls it from its event loop only.
``root=None`` keeps everything in memory (nothing survives a restart).
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

from trainboard.visdom._envlog import EnvLog, Syncer, env_dirname, iter_records
from trainboard.visdom._mirror import ScalarMirror
from trainboard.visdom.protocol import (
    APPEND_TYPES,
    Change,
    ProtocolError,
    apply_update,
    build_window,
    check_window,
    escape_env,
    loads,
    new_window_id,
    window_env,
)

__all__ = ["DEFAULT_ENV", "EnvStore", "Outcome"]

DEFAULT_ENV = "main"
log = logging.getLogger("trainboard.visdom")


@dataclass
class Outcome:
    """Visdom's reply text and the push events of one operation."""

    reply: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)


class EnvStore:
    """Envs of windows, persisted under ``root``; line series mirrored under ``scalars_dir``."""

    def __init__(
        self, root: str | None, scalars_dir: str | None = None, *, fsync_interval: float = 1.0
    ) -> None:
        self.root = root
        self.envs: dict[str, dict[str, dict[str, Any]]] = {}
        self.updated: dict[str, float] = {}
        self._logs: dict[str, EnvLog] = {}
        self._mirror = ScalarMirror(scalars_dir) if scalars_dir else None
        if root is not None:
            os.makedirs(root, exist_ok=True)
            self._load()
        self.envs.setdefault(DEFAULT_ENV, {})
        self._syncer = Syncer(self._logs, fsync_interval) if root is not None else None

    # -- loading ---------------------------------------------------------------

    def _load(self) -> None:
        assert self.root is not None
        for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
            path = os.path.join(entry.path, "log.jsonl")
            if entry.is_dir() and os.path.isfile(path):
                try:
                    self._replay(entry.path, path)
                except OSError:
                    log.exception("could not read the live env log %s", path)

    def _replay(self, directory: str, path: str) -> None:
        env: str | None = None
        records = 0
        for endpoint, message in iter_records(path):
            records += 1
            if endpoint == "env" and isinstance(message, dict):
                env = escape_env(message.get("eid"))
                self.envs.setdefault(env, {})
            elif endpoint == "snapshot" and env is not None:
                self.envs[env] = _snapshot_windows(path, message)
            elif not isinstance(message, dict):
                log.warning("%s: skipped a %s record that is not an object", path, endpoint)
            else:
                try:
                    self._apply(endpoint, message, replaying=True)
                except Exception as exc:  # any bad record costs itself, never the env
                    log.warning("%s: skipped a record that does not apply (%s)", path, exc)
        if env is None:
            log.warning("%s has no env header; ignored", path)
            return
        self._logs[env] = EnvLog(directory, env)
        self.updated[env] = os.path.getmtime(path)
        if self._mirror is not None:
            for window in self.envs[env].values():
                self._mirror.prime(env, window)
        if records > len(self.envs[env]) + 2:
            self._logs[env].compact(env, self.windows(env))

    # -- reading ---------------------------------------------------------------

    def env_names(self) -> list[str]:
        return sorted(self.envs)

    def windows(self, env: str) -> list[dict[str, Any]]:
        """The windows of ``env`` in creation order (Visdom's ``i``)."""
        return sorted(self.envs.get(env, {}).values(), key=lambda w: w.get("i", 0))

    def window(self, env: str, win: str) -> dict[str, Any] | None:
        return self.envs.get(env, {}).get(win)

    # -- operations ------------------------------------------------------------

    def apply(self, endpoint: str, message: Any) -> Outcome:
        """Apply one Visdom operation (``events``, ``update``, ``close``, ``win_data``)."""
        if not isinstance(message, dict):
            raise ProtocolError(f"a {endpoint} message must be a JSON object, got {message!r:.60}")
        return self._apply(endpoint, message, replaying=False)

    def _apply(self, endpoint: str, msg: dict[str, Any], *, replaying: bool) -> Outcome:
        if endpoint == "events":
            return self._post(msg, replaying)
        if endpoint == "update":
            return self._update(msg, replaying)
        if endpoint == "close":
            return self._close(msg, replaying)
        if endpoint == "win_data":
            return self._set_window_data(msg, replaying)
        raise ProtocolError(
            f"unknown operation {endpoint!r}; expected events, update, close or win_data"
        )

    def _record(
        self, env: str, endpoint: str | None, msg: dict[str, Any], replaying: bool
    ) -> Outcome:
        """Log an applied message (None: only open the env's log); the env-list event when
        the env is new on disk."""
        outcome = Outcome()
        if replaying:
            return outcome
        if env not in self._logs and self.root is not None:
            self._logs[env] = EnvLog(os.path.join(self.root, env_dirname(env)), env)
            outcome.events.append(self._envs_event())
        if env in self._logs and endpoint is not None:
            self._logs[env].write(endpoint, msg)
        self.updated[env] = time.time()
        return outcome

    def _post(self, msg: dict[str, Any], replaying: bool) -> Outcome:
        env = window_env(msg)
        if msg.get("win") is None:
            msg = {**msg, "win": new_window_id()}
        windows = self.envs.get(env, {})
        old = windows.get(str(msg["win"]))
        window = build_window(msg, old["i"] if old else len(windows))
        is_new_env = env not in self.envs
        self.envs.setdefault(env, {})[window["id"]] = window
        outcome = self._record(env, "events", msg, replaying)
        if is_new_env and not replaying and self.root is None:
            outcome.events.append(self._envs_event())
        if not replaying:
            if self._mirror is not None:
                self._mirror_window(env, window)
            outcome.events.append({"env": env, "kind": "window", "window": window})
        outcome.reply = window["id"]
        return outcome

    def _update(self, msg: dict[str, Any], replaying: bool) -> Outcome:
        env, win = window_env(msg), msg.get("win")
        window = self.envs.get(env, {}).get(str(win)) if win is not None else None
        if window is None:
            if not msg.get("append") or win is None:
                return Outcome("win does not exist")
            create = {**msg, "layout": msg.get("create_layout") or msg.get("layout") or {}}
            create.pop("create_layout", None)
            outcome = self._post(create, replaying=True)
            return self._finish_create(env, msg, outcome, replaying)
        refusal = _update_refusal(window)
        if refusal:
            return Outcome(refusal)
        change = apply_update(window, msg)
        outcome = self._record(env, "update", msg, replaying)
        outcome.reply = window["id"]
        if not replaying:
            self._push_change(env, window, change, outcome)
        return outcome

    def _finish_create(
        self, env: str, msg: dict[str, Any], created: Outcome, replaying: bool
    ) -> Outcome:
        outcome = self._record(env, "update", msg, replaying)
        outcome.reply = created.reply
        window = self.envs[env][created.reply]
        if not replaying:
            if self._mirror is not None:
                self._mirror_window(env, window)
            outcome.events.append({"env": env, "kind": "window", "window": window})
        return outcome

    def _push_change(
        self, env: str, window: dict[str, Any], change: Change, outcome: Outcome
    ) -> None:
        if change.kind == "none":
            return
        if change.kind == "append":
            traces = [{"index": index, **added} for index, added in change.appended]
            outcome.events.append(
                {"env": env, "kind": "append", "win": window["id"], "traces": traces}
            )
            if self._mirror is not None:
                for index, added in change.appended:
                    try:
                        self._mirror.appended(env, window, index, added)
                    except Exception:  # the copy into Scalars never fails the operation
                        log.exception("mirroring %s/%s into Scalars failed", env, window["id"])
            return
        outcome.events.append({"env": env, "kind": "window", "window": window})
        if self._mirror is not None:
            self._mirror_window(env, window)

    def _close(self, msg: dict[str, Any], replaying: bool) -> Outcome:
        env, win = window_env(msg), msg.get("win")
        windows = self.envs.get(env, {})
        closing = list(windows) if win is None else [str(win)] if str(win) in windows else []
        for win_id in closing:
            del windows[win_id]
        if not closing:
            return Outcome()
        outcome = self._record(env, "close", msg, replaying)
        outcome.events += [{"env": env, "kind": "close", "win": w} for w in closing]
        return outcome

    def _set_window_data(self, msg: dict[str, Any], replaying: bool) -> Outcome:
        env, win = window_env(msg), msg.get("win")
        data = msg.get("data")
        data = loads(data) if isinstance(data, str) else data
        if not isinstance(data, dict):
            raise ProtocolError("win_data needs data: the JSON of get_window_data")
        if win is None:  # data is the whole env: {window id: window}
            new = {str(k): check_window(v, f"data[{k!r}]") for k, v in data.items()}
            for key, window in new.items():
                if window["id"] != key:
                    raise ProtocolError(f"data[{key!r}].id is {window['id']!r}; expected {key!r}")
        elif not isinstance(win, str) or not win:
            raise ProtocolError(f"win must be a window id (a string) or null, got {win!r:.40}")
        else:
            window = check_window(data, "data")
            if window["id"] != win:
                raise ProtocolError(f"data.id is {window['id']!r}; expected the win {win!r}")
        windows = self.envs.setdefault(env, {})
        if win is None:
            windows.clear()
            windows.update(new)
        else:
            windows[win] = window
        outcome = self._record(env, "win_data", msg, replaying)
        outcome.events += [{"env": env, "kind": "window", "window": w} for w in self.windows(env)]
        return outcome

    def _mirror_window(self, env: str, window: dict[str, Any]) -> None:
        """Copy a window's line series into Scalars; a failure is logged, never raised."""
        assert self._mirror is not None
        try:
            self._mirror.window(env, window)
        except Exception:  # the copy into Scalars never fails the operation
            log.exception("mirroring %s/%s into Scalars failed", env, window["id"])

    # -- envs ------------------------------------------------------------------

    def _envs_event(self) -> dict[str, Any]:
        return {"kind": "envs", "envs": self.env_names()}

    def ensure_env(self, eid: Any) -> Outcome:
        """Create ``eid`` if missing (Visdom's ``POST /env/<eid>``)."""
        env = escape_env(eid)
        if env in self.envs and (env in self._logs or self.root is None):
            return Outcome()
        self.envs.setdefault(env, {})
        outcome = self._record(env, None, {}, replaying=False)
        if not outcome.events:
            outcome.events.append(self._envs_event())
        return outcome

    def delete_env(self, eid: Any) -> Outcome:
        env = escape_env(eid)
        if self.envs.pop(env, None) is None:
            raise ProtocolError(f"no env {env!r} to delete")
        env_log = self._logs.pop(env, None)
        if env_log is not None:
            env_log.close()
            shutil.rmtree(env_log.directory, ignore_errors=True)
        self.updated.pop(env, None)
        return Outcome("", [self._envs_event()])

    def fork_env(self, prev_eid: Any, eid: Any) -> Outcome:
        prev, env = escape_env(prev_eid), escape_env(eid)
        if prev not in self.envs:
            raise ProtocolError(f"no env {prev!r} to fork")
        self.envs[env] = copy.deepcopy(self.envs[prev])
        outcome = self._record(env, None, {}, replaying=False)
        if env in self._logs:
            self._logs[env].compact(env, self.windows(env))
        if self._mirror is not None:  # a copy: its points are not new training data
            for window in self.envs[env].values():
                self._mirror.prime(env, window)
        outcome.events = [self._envs_event()]
        outcome.reply = env
        return outcome

    def save(self, eids: Any) -> list[str]:
        """Visdom's save: everything is on disk already; fsync and compact these envs."""
        if not isinstance(eids, list) or not all(isinstance(e, str) for e in eids):
            raise ProtocolError(f"save needs data: a list of env names, got {eids!r:.60}")
        saved = [escape_env(e) for e in eids if escape_env(e) in self.envs]
        for env in saved:
            if env in self._logs:
                self._logs[env].compact(env, self.windows(env))
        return saved

    def flush(self) -> None:
        """Everything applied so far on disk (fsync), scalars included."""
        for env_log in list(self._logs.values()):
            env_log.sync()
        if self._mirror is not None:
            self._mirror.flush()

    def close(self) -> None:
        if self._syncer is not None:
            self._syncer.stop()
        for env_log in self._logs.values():
            env_log.close()
        if self._mirror is not None:
            self._mirror.close()


def _snapshot_windows(path: str, message: Any) -> dict[str, dict[str, Any]]:
    """The valid windows of a compacted log's snapshot record; others are skipped, logged."""
    windows: dict[str, dict[str, Any]] = {}
    listed = message.get("windows") if isinstance(message, dict) else None
    for n, window in enumerate(listed if isinstance(listed, list) else []):
        try:
            checked = check_window(window, f"windows[{n}]")
        except ProtocolError as exc:
            log.warning("%s: skipped a snapshot window (%s)", path, exc)
            continue
        windows[checked["id"]] = checked
    return windows


def _update_refusal(window: dict[str, Any]) -> str:
    """Visdom's reply for windows an update cannot change, else ''."""
    if window["type"] in ("text", "image_history", "embeddings"):
        return ""
    data = window["content"].get("data") if isinstance(window["content"], dict) else None
    if window["type"] == "plot" and isinstance(data, list):
        if not data or data[0].get("type", "scatter") in APPEND_TYPES:
            return ""
        kind = data[0].get("type")
    else:
        kind = window["type"]
    return f"win is not scatter, heatmap, custom, image_history, embeddings, or text; was {kind}"
