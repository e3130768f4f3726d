"""TensorBoard's own images and audio plugins over a logdir: what TensorBoard would serve."""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TensorBoardMedia", "TensorBoardPoint"]


@dataclass(frozen=True)
class TensorBoardPoint:
    step: int
    wall_time: float
    data: bytes


class TensorBoardMedia:
    """The images and audio plugins over a multiplexer of ``logdir``, keeping every step."""

    def __init__(self, logdir: Path) -> None:
        from tensorboard import context
        from tensorboard.backend.event_processing import data_provider
        from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
        from tensorboard.plugins import base_plugin
        from tensorboard.plugins.audio import audio_plugin
        from tensorboard.plugins.image import images_plugin

        multiplexer = pem.EventMultiplexer(tensor_size_guidance={"images": 0, "audio": 0})
        multiplexer.AddRunsFromDirectory(os.fspath(logdir))
        multiplexer.Reload()
        self._provider = data_provider.MultiplexerDataProvider(multiplexer, os.fspath(logdir))
        tb_context = base_plugin.TBContext(
            data_provider=self._provider,
            multiplexer=multiplexer,
            logdir=os.fspath(logdir),
            sampling_hints={"images": 10_000, "audio": 10_000},
        )
        self._images = images_plugin.ImagesPlugin(tb_context)
        self._audio = audio_plugin.AudioPlugin(tb_context)
        self._ctx = context.RequestContext()

    def _blob(self, query: str) -> bytes:
        key = urllib.parse.parse_qs(query)["blob_key"][0]
        data: bytes = self._provider.read_blob(self._ctx, blob_key=key)
        return data

    def images(self, run: str, tag: str, sample: int = 0) -> list[TensorBoardPoint]:
        entries: list[dict[str, Any]] = self._images._image_response_for_run(
            self._ctx, "", run, tag, sample
        )
        return [
            TensorBoardPoint(e["step"], e["wall_time"], self._blob(e["query"])) for e in entries
        ]

    def audio(self, run: str, tag: str, sample: int = 0) -> list[TensorBoardPoint]:
        entries: list[dict[str, Any]] = self._audio._audio_response_for_run(
            self._ctx, "", run, tag, sample
        )
        return [
            TensorBoardPoint(e["step"], e["wall_time"], self._blob(e["query"])) for e in entries
        ]
