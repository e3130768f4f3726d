"""``trainboard``: the command-line entry point.

Subcommands are defined in their own modules and imported only when run, so
``trainboard --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

__all__ = ["cli", "main"]

# name -> "module:attribute" of a click command
_SUBCOMMANDS = {
    "demo": "trainboard.cli.demo:demo",
    "export": "trainboard.cli.export:export",
    "serve": "trainboard.cli.serve:serve",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _SUBCOMMANDS:
            module, attribute = _SUBCOMMANDS[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trainboard")
def cli() -> None:
    """Fast, lossless training dashboards for PyTorch.

    ``trainboard --logdir DIR`` (TensorBoard's spelling) is ``trainboard serve --logdir DIR``;
    TensorBoard's other flags (--path_prefix, --inspect, ...) are listed by
    ``trainboard serve --help``.
    """


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI (the ``trainboard`` console script).

    ``trainboard --logdir runs`` (TensorBoard's spelling: options, no subcommand)
    means ``trainboard serve --logdir runs``.
    """
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0].startswith("-") and args[0] not in ("-h", "--help", "--version"):
        args.insert(0, "serve")
    return cli.main(args=args, prog_name="trainboard")
