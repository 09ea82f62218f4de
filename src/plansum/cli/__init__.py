"""Command line: a thin shell over the library, one module per group of commands.

Heavy imports stay inside the commands, so `plansum --help` starts quickly.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from . import batch, eval, summarize, track
from ._shared import os_error_line, stdout_lost

app = typer.Typer(
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    no_args_is_help=True,
    help="Structured, source-checked summaries of Chinese government development plans.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help text: rich's markdown/pygments imports cost ~0.3 s at start-up
)

def _version(value: bool) -> None:
    if value:
        from .._version import __version__

        typer.echo(f"plansum {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Structured, source-checked summaries of Chinese government development plans."""


app.command()(summarize.summarize)
app.command()(batch.batch)
app.command()(summarize.outline)
app.command()(summarize.indicators)
app.command()(eval.schema)
app.command()(eval.record)
app.command("eval")(eval.eval_command)
app.command()(track.track)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("plansum: interrupted; finished chunks are kept in the cache", err=True)
        sys.exit(130)
    except OSError as exc:
        if exc.filename is not None:  # a file of the command's, not stdout: name it
            typer.echo(f"plansum: error: {os_error_line(exc)}", err=True)
            sys.exit(2)
        # stdout lost outside write_stdout (e.g. a full disk on --help)
        stdout_lost()
        typer.echo(
            f"plansum: error: cannot write to standard output: {exc.strerror or exc}", err=True
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
