"""``trainboard``: the command-line entry point.

Subcommands are defined in their own modules and imported only when run, so
``trainboard --help`` stays fast.
"""

from __future__ import annotations

import importlib
import os
import shlex
from typing import Any

import click

__all__ = ["cli", "main"]

# name -> "module:attribute" of a click command
_SUBCOMMANDS = {
    "demo": "trainboard.cli.demo:demo",
    "export": "trainboard.cli.export:export",
    "serve": "trainboard.cli.serve:serve",
    "upload": "trainboard.cli.upload:upload",
}

# serve's options that ``trainboard --help`` lists too (TensorBoard's usual command line)
_SERVE_OPTIONS_SHOWN = ("logdir", "logdir_spec", "host", "bind_all", "port", "reload_interval")


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _SUBCOMMANDS:
            module, attribute = _SUBCOMMANDS[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, but a logdir given as a command (``trainboard runs``) gets the fix."""
        name = args[0] if args else ""
        unknown = name and not name.startswith("-") and self.get_command(ctx, name) is None
        if unknown and not ctx.resilient_parsing:  # (completion asks quietly)
            fix = f"trainboard --logdir {shlex.quote(name)}"
            if os.path.isdir(name):
                ctx.fail(f"No such command {name!r}. {name!r} is a directory: to serve it, "
                         f"use {fix}")
            commands = ", ".join(self.list_commands(ctx))
            ctx.fail(f"No such command {name!r} (commands: {commands}). To serve a logdir "
                     f"named {name!r}: {fix}")
        return super().resolve_command(ctx, args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's options, then the board's main ones (``trainboard --logdir DIR``)."""
        super().format_options(ctx, formatter)
        serve = self.get_command(ctx, "serve")
        assert serve is not None
        records = [
            record
            for param in serve.get_params(ctx)
            if param.name in _SERVE_OPTIONS_SHOWN
            and (record := param.get_help_record(ctx)) is not None
        ]
        with formatter.section("Serve options (trainboard --logdir DIR [...]; all of them: "
                               "trainboard serve --help)"):
            formatter.write_dl(records)

    def invoke(self, ctx: click.Context) -> Any:
        """Runs the command; a missing optional package is one line naming its extra."""
        from trainboard.errors import MissingDependencyError

        try:
            return super().invoke(ctx)
        except MissingDependencyError as exc:
            raise click.ClickException(str(exc)) from None


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
