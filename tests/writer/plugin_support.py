"""TensorBoard's own plugins over a log directory, for reading back what trainboard wrote."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass
class TBPlugins:
    """A loaded multiplexer, its data provider and a request context, as TensorBoard wires them."""

    context: Any  # base_plugin.TBContext
    request: Any  # tensorboard.context.RequestContext

    def plugin(self, cls: Any) -> Any:
        """An instance of the plugin class ``cls`` over this log directory."""
        return cls(self.context)

    def get(self, plugin: Any, route: str, query: str = "") -> Any:
        """Call one of ``plugin``'s HTTP routes through werkzeug; returns the response."""
        from werkzeug.test import Client

        return Client(plugin.get_plugin_apps()[route]).get("/?" + query)


def tb_plugins(logdir: str | os.PathLike[str]) -> TBPlugins:
    """Load ``logdir`` (every run under it) the way ``tensorboard --load_fast=false`` does."""
    from tensorboard import context
    from tensorboard.backend.event_processing import data_provider
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
    from tensorboard.plugins import base_plugin

    path = os.fspath(logdir)
    multiplexer = pem.EventMultiplexer(tensor_size_guidance={"pr_curves": 0, "mesh": 0})
    multiplexer.AddRunsFromDirectory(path)
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, path)
    tb_context = base_plugin.TBContext(logdir=path, data_provider=provider, multiplexer=multiplexer)
    return TBPlugins(tb_context, context.RequestContext())
