"""What every command shares: option types, settings from flags, logging, errors and exits."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import PlansumError

FileArg = Annotated[
    str,
    typer.Argument(
        help="A plan document: plain text (UTF-8, GB18030/GBK, UTF-16), a PDF, a Word .docx or "
        "a web page (.html), or an http(s) URL of one (the pdf/docx/html extras read them); "
        "- reads standard input."
    ),
]
# The same option for the same thing in every command.
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write here instead of stdout (- is stdout).")
]
RequestsOpt = Annotated[
    int | None,
    typer.Option("--requests", "--workers", help="Chunk requests in flight; env PLANSUM_CONCURRENCY."),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Say more; tracebacks of bugs.")]

STDIN = Path("-")


def output_path(output: Path | None) -> Path | None:
    """`-o -` is standard output, as no -o is."""
    return None if output is None or output == STDIN else output


def read_stdin() -> Any:
    """The Document read from standard input (`-` in place of a file)."""
    from ..document import Document
    from ..parse.loading import MAX_BYTES, decode

    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PlansumError(f"standard input is larger than the {MAX_BYTES // 2**20} MiB limit")
    raw = decode(data, name="<stdin>")
    return Document.from_text(raw.text, name="<stdin>", encoding=raw.encoding)


def load_document(source: str, *, progress: bool | None = None) -> Any:
    """The Document of a path or URL (or of standard input for `-`); a PDF's pages counted
    on a progress bar on stderr (when stderr is a terminal, or `progress` says so)."""
    from ..document import Document

    if source == "-":
        return read_stdin()

    show = sys.stderr.isatty() if progress is None else progress
    if not show:
        return Document.load(source)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("reading pages", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return Document.load(source, progress=tick)


# The model options, one definition each, shared by summarize, batch, record and track.
ModelOpt = Annotated[str | None, typer.Option(help="Model name; env PLANSUM_MODEL.")]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(help="OpenAI-compatible endpoint; env PLANSUM_BASE_URL / OPENAI_BASE_URL."),
]
ApiKeyOpt = Annotated[
    str | None, typer.Option(help="API key; env PLANSUM_API_KEY / OPENAI_API_KEY.")
]
ModeOpt = Annotated[str | None, typer.Option(help="instructor mode: json_schema | tools")]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="markdown | json | csv | html (default: from -o, else markdown)"),
]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Rules only; no model.")]
EngineOpt = Annotated[
    str,
    typer.Option(
        help="auto | rules | llm | hybrid.  auto: hybrid when a model is set, else rules."
    ),
]


def fail(msg: str, code: int = 2) -> None:
    typer.echo(f"plansum: error: {msg}", err=True)
    raise typer.Exit(code)


def stdout_lost() -> None:
    """After a failed write to stdout, point it at /dev/null, so that the interpreter's own
    flush at exit does not print a second error (the pattern the Python docs give for EPIPE)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. under CliRunner)
        pass


def write_stdout(text: str | Iterable[bytes]) -> None:
    """Write to stdout; a full disk or a closed pipe is one line and exit 2, not a traceback."""
    try:
        if isinstance(text, str):
            sys.stdout.write(text)
        else:
            sys.stdout.flush()
            for part in text:
                sys.stdout.buffer.write(part)
        sys.stdout.flush()
    except OSError as exc:
        stdout_lost()
        fail(f"cannot write to standard output: {exc.strerror or exc}")


def same_file(a: Path, b: Path) -> bool:
    """Whether `a` is `b`: the same path, a symlink to it, or a hard link to it."""
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:  # `a` does not exist yet (the usual case) or cannot be looked at
        return False


# Client libraries that log on their own; instructor logs every failed attempt at ERROR.
_THIRD_PARTY = {
    "instructor": logging.DEBUG,
    "openai": logging.INFO,
    "httpx": logging.INFO,
    "httpx2": logging.INFO,
    "httpcore": logging.INFO,
    "httpcore2": logging.INFO,
}


@contextmanager
def cli_logging(verbose: bool, secret: str | None) -> Iterator[None]:
    """Third-party loggers stay quiet unless --verbose; whatever is shown has the key masked.

    Set up per command and undone after, so that in-process callers (tests) keep their own
    logging; the handler writes to the sys.stderr of this invocation."""
    from ..redact import SecretFilter, guard_logs

    guard_logs(secret)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(SecretFilter([secret]))
    handler.setFormatter(logging.Formatter("plansum: %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in _THIRD_PARTY}
    plansum_log = logging.getLogger("plansum")
    saved_own = plansum_log.level
    for name, level in _THIRD_PARTY.items():
        lg = logging.getLogger(name)
        if verbose:
            lg.setLevel(level)
        else:
            lg.setLevel(logging.CRITICAL + 1)
            lg.propagate = False
    plansum_log.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        plansum_log.setLevel(saved_own)
        for name, (level, propagate) in saved.items():
            lg = logging.getLogger(name)
            lg.setLevel(level)
            lg.propagate = propagate


def llm_settings(
    model: str | None,
    base_url: str | None,
    api_key: str | None,
    mode: str | None,
    workers: int | None,
    offline: bool,
    cache_dir: Path | None = None,
    no_cache: bool = False,
) -> Any:
    if offline:
        return None
    from ..settings import Settings

    overrides: dict[str, Any] = {
        k: v
        for k, v in {
            "model": model,
            "base_url": base_url,
            "api_key": api_key,
            "mode": mode,
            "concurrency": workers,
            "cache_dir": cache_dir,
        }.items()
        if v is not None
    }
    if no_cache:
        overrides["cache"] = False
    s = Settings.from_env(**overrides)
    return s if s.model else None


def no_model_note(settings: Any, offline: bool, engine: str) -> None:
    """Say on stderr that the rules path runs because no model is configured."""
    if settings is None and not offline and engine == "auto":
        typer.echo(
            "plansum: no model configured (set PLANSUM_MODEL or --model); using the rules path",
            err=True,
        )


def check_engine(engine: str) -> None:
    from ..pipeline import ENGINES

    if engine not in ENGINES:
        fail(f"unknown engine {engine!r}; use {', '.join(ENGINES)}")


@contextmanager
def guarded(
    secret: Any,
    *,
    verbose: bool = False,
    interrupted: Callable[[], str] = lambda: "nothing was written",
) -> Iterator[None]:
    """The one error and exit policy of a command: a PlansumError is one masked line and exit
    2; Ctrl-C is exit 130 with what was kept; anything else is a bug, exit 1, one masked line
    (the traceback only with --verbose, masked too)."""
    try:
        yield
    except PlansumError as exc:
        fail(secret.scrub(str(exc)))
    except KeyboardInterrupt:
        typer.echo(f"plansum: interrupted; {interrupted()}", err=True)
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise  # click's exits are exceptions too (Exit is a RuntimeError)
    except OSError as exc:
        if exc.filename is None:
            _bug(exc, secret, verbose)
        fail(secret.scrub(os_error_line(exc)))
    except Exception as exc:  # noqa: BLE001 - a bug must not print a traceback with the key in it
        _bug(exc, secret, verbose)


def os_error_line(exc: OSError) -> str:
    """A file error as the file and what is wrong with it (`… -> …` for a rename)."""
    where = str(exc.filename) + (f" -> {exc.filename2}" if exc.filename2 is not None else "")
    return f"{where}: {exc.strerror or exc}"


def _bug(exc: BaseException, secret: Any, verbose: bool) -> None:
    if verbose:
        import traceback

        typer.echo(secret.scrub("".join(traceback.format_exception(exc))), err=True)
    fail(
        secret.scrub(f"unexpected {type(exc).__name__}: {exc}")[:400]
        + " — this is a bug in plansum; rerun with --verbose and report it",
        1,
    )


def write_output(parts: Iterable[bytes], output: Path | None, secret: Any) -> None:
    """Write the parts to `output` (or stdout, ending in a newline), the key masked in every
    part whatever the model or the text held; a failed write is one line and exit 2."""
    written = 0
    last = b"\n"

    def clean() -> Iterator[bytes]:
        nonlocal written, last
        for p in parts:
            p = secret.scrub_bytes(p)
            if p:
                written, last = written + len(p), p[-1:]
                yield p

    if output is not None:
        try:
            with output.open("wb") as f:
                for p in clean():
                    f.write(p)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror}")
        typer.echo(f"plansum: wrote {output} ({written} bytes)", err=True)
        return

    def with_newline() -> Iterator[bytes]:
        yield from clean()
        if last != b"\n":
            yield b"\n"

    write_stdout(with_newline())
