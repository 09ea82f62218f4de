"""Command line: a thin shell over the library, one module per group of commands.

Heavy imports stay inside the commands, so `plansum --help` starts quickly.  `plansum NAME …`
with NAME a command builds a group that holds that command alone (typer turns every
registered command's signature into click parameters on each run: for `summarize` the other
seven cost ~20 ms and their modules' imports); everything else — `plansum`, `--help`, an
unknown name, shell completion — gets the whole `app`.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import Annotated, Any

import typer

from ._shared import os_error_line, stdout_lost

# The commands in the order `plansum --help` lists them: name → (module, function).
COMMANDS: dict[str, tuple[str, str]] = {
    "summarize": ("summarize", "summarize"),
    "batch": ("batch", "batch"),
    "outline": ("summarize", "outline"),
    "indicators": ("summarize", "indicators"),
    "schema": ("eval", "schema"),
    "record": ("eval", "record"),
    "eval": ("eval", "eval_command"),
    "track": ("track", "track"),
}


def _version(value: bool) -> None:
    if value:
        from .._version import __version__

        typer.echo(f"plansum {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Structured, source-checked summaries of Chinese government development plans."""


def make_app(names: tuple[str, ...] = tuple(COMMANDS)) -> typer.Typer:
    """The command group with the commands `names` (all of them by default)."""
    group = typer.Typer(
        add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
        no_args_is_help=True,
        help="Structured, source-checked summaries of Chinese government development plans.",
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help text: rich's markdown/pygments imports cost ~0.3 s at start-up
    )
    group.callback()(_root)
    for name in names:
        module, function = COMMANDS[name]
        group.command(name)(getattr(import_module(f".{module}", __name__), function))
    return group


_APP: typer.Typer | None = None


def __getattr__(name: str) -> Any:
    """`app`, the whole group, made on first use (tests and CliRunner import it by name)."""
    global _APP
    if name == "app":
        if _APP is None:
            _APP = make_app()
        return _APP
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _for_argv(argv: list[str]) -> typer.Typer:
    """The group for this command line: the named command alone when the first argument
    names one (and no shell completion is asked for), else the whole app."""
    completing = any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ)
    if len(argv) > 1 and argv[1] in COMMANDS and not completing:
        return make_app((argv[1],))
    app: typer.Typer = __getattr__("app")
    return app


def main() -> None:
    # No pydantic plugins in the command (the entry-point scan of every installed package
    # costs ~20 ms of each start-up, issue 22); a user who runs one sets the variable to
    # something else (an empty value loads them all). The library never sets it.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        _for_argv(sys.argv)()
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
