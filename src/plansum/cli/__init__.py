"""Command line: a thin shell over the library.  Heavy imports stay inside the commands."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import PlansumError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Structured, source-checked summaries of Chinese government development plans.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help text: rich's markdown/pygments imports cost ~0.3 s at start-up
)

FileArg = Annotated[
    Path, typer.Argument(help="A plan document in plain text (UTF-8, GB18030/GBK, UTF-16).")
]


# The model options, one definition each, shared by summarize, batch, record and track.
ModelOpt = Annotated[str | None, typer.Option(help="Model name; env PLANSUM_MODEL.")]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(help="OpenAI-compatible endpoint; env PLANSUM_BASE_URL / OPENAI_BASE_URL."),
]
ApiKeyOpt = Annotated[str | None, typer.Option(help="API key; env PLANSUM_API_KEY / OPENAI_API_KEY.")]
ModeOpt = Annotated[str | None, typer.Option(help="instructor mode: json_schema | tools")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Rules only; no model.")]
EngineOpt = Annotated[
    str,
    typer.Option(help="auto | rules | llm | hybrid.  auto: hybrid when a model is set, else rules."),
]


def _fail(msg: str, code: int = 2) -> None:
    typer.echo(f"plansum: error: {msg}", err=True)
    raise typer.Exit(code)


def _stdout_lost() -> None:
    """After a failed write to stdout, point it at /dev/null, so that the interpreter's own
    flush at exit does not print a second error (the pattern the Python docs give for EPIPE)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. under CliRunner)
        pass


def _write_stdout(text: str | Iterable[bytes]) -> None:
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
        _stdout_lost()
        _fail(f"cannot write to standard output: {exc.strerror or exc}")


def _same_file(a: Path, b: Path) -> bool:
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
def _cli_logging(verbose: bool, secret: str | None) -> Iterator[None]:
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


def _llm_settings(
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


@app.command()
def summarize(
    file: FileArg,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="markdown | json | csv | html (default: from -o, else markdown)"
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = None,
    workers: Annotated[int | None, typer.Option(help="Chunks sent at once.")] = None,
    offline: OfflineOpt = False,
    engine: EngineOpt = "auto",
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 3 if any chunk fell back to rules.")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the response cache.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Summarize one plan document."""
    from ..document import Document
    from ..pipeline import ENGINES, summarize_document
    from ..redact import SecretFilter
    from ..render import format_from_path, render_parts, renderer

    secret = SecretFilter([api_key])
    settings: Any = None
    if output is not None and _same_file(output, file):
        _fail(f"-o {output} is the input document itself; write the summary to another file")
    try:
        out_fmt = renderer(fmt).name if fmt else (format_from_path(output) if output else "markdown")
        if engine not in ENGINES:
            _fail(f"unknown engine {engine!r}; use {', '.join(ENGINES)}")
        offline = offline or engine == "rules"
        doc = Document.load(file)
        settings = _llm_settings(
            model, base_url, api_key, mode, workers, offline, no_cache=no_cache
        )
        if settings is None and not offline and engine == "auto":
            typer.echo(
                "plansum: no model configured (set PLANSUM_MODEL or --model); using the rules path",
                err=True,
            )
        if settings is not None:
            secret.add(settings.api_key)
        with _cli_logging(verbose, settings.api_key if settings is not None else api_key):
            summary = summarize_document(
                doc,
                engine="rules" if offline else engine,  # type: ignore[arg-type]
                settings=settings,
                progress=sys.stderr.isatty() or verbose,
            )
        parts = render_parts(summary, doc.text, out_fmt)
    except PlansumError as exc:
        _fail(secret.scrub(str(exc)))
        return
    except KeyboardInterrupt:
        kept = settings is not None and settings.cache
        typer.echo(
            "plansum: interrupted; "
            + (
                "finished chunks are kept in the cache: rerun to resume"
                if kept
                else "nothing was written"
            ),
            err=True,
        )
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise  # click's exits are exceptions too (Exit is a RuntimeError)
    except Exception as exc:  # noqa: BLE001 - a bug must not print a traceback with the key in it
        if verbose:
            import traceback

            typer.echo(secret.scrub("".join(traceback.format_exception(exc))), err=True)
        _fail(
            secret.scrub(f"unexpected {type(exc).__name__}: {exc}")[:400]
            + " — this is a bug in plansum; rerun with --verbose and report it",
            1,
        )
        return
    written = 0
    last = b"\n"

    def clean() -> Iterator[bytes]:
        nonlocal written, last
        for p in parts:  # the key never reaches a file, whatever the model or the text held
            p = secret.scrub_bytes(p)
            if p:
                written, last = written + len(p), p[-1:]
                yield p

    if output:
        try:
            with output.open("wb") as f:
                for p in clean():
                    f.write(p)
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror}")
        typer.echo(f"plansum: wrote {output} ({written} bytes)", err=True)
    else:

        def with_newline() -> Iterator[bytes]:
            yield from clean()
            if last != b"\n":
                yield b"\n"

        _write_stdout(with_newline())
    chunks = summary.provenance.chunks
    degraded = [c for c in chunks if c.degraded]
    if verbose or degraded:
        for c in degraded:
            typer.echo(f"plansum: chunk {c.chunk} fell back to rules: {c.degraded}", err=True)
    if chunks and len(degraded) == len(chunks):
        _fail(
            f"the model did none of the {len(chunks)} chunk(s): every one fell back to the rules "
            f"({degraded[0].degraded}); the summary written is the rules path's",
            4,
        )
    if strict and degraded:
        raise typer.Exit(3)


@app.command()
def batch(
    target: Annotated[
        Path, typer.Argument(help="A directory of plan texts, or a manifest (one path a line, or .csv/.jsonl with a 'path' column).")
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output directory: plansum.sqlite and one .parquet per table.")],
    engine: Annotated[str, typer.Option(help="processes | inline | ray")] = "processes",
    workers: Annotated[
        int | None, typer.Option(help="Processes (or Ray tasks) at once; default: the CPU count.")
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (with --engine ray); default: start a local Ray.")
    ] = None,
    pattern: Annotated[str, typer.Option("--glob", help="Files to take from a directory.")] = "*.txt",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = None,
    requests: Annotated[
        int | None, typer.Option(help="Chunk requests in flight per document (live requests).")
    ] = None,
    llm_batch: Annotated[
        str,
        typer.Option(
            help="auto | on | off: send the chunks through the endpoint's Batch API "
            "(/v1/files + /v1/batches) first; auto uses it when the endpoint has one."
        ),
    ] = "auto",
    poll: Annotated[float, typer.Option(help="Seconds between Batch API status polls.")] = 30.0,
    batch_wait: Annotated[
        float | None,
        typer.Option(help="Stop waiting for a Batch API batch after this many seconds (rerun to collect it)."),
    ] = None,
    summarize_engine: Annotated[
        str,
        typer.Option(
            help="auto | rules | llm | hybrid, as `summarize --engine`: auto is hybrid when a "
            "model is set, else rules."
        ),
    ] = "auto",
    offline: OfflineOpt = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the response cache.")] = False,
    no_parquet: Annotated[bool, typer.Option("--no-parquet", help="Write only the SQLite file.")] = False,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 3 if any document failed.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Summarize a collection into a dataset (resumable; failures are listed, never fatal)."""
    import os

    from ..batch.run import RunOptions, run_batch
    from ..pipeline import ENGINES
    from ..redact import SecretFilter

    secret = SecretFilter([api_key])
    if engine not in ("processes", "inline", "ray"):
        _fail(f"unknown engine {engine!r}; use processes, inline or ray")
    if summarize_engine not in ENGINES:
        _fail(f"unknown --summarize-engine {summarize_engine!r}; use {', '.join(ENGINES)}")
    offline = offline or summarize_engine == "rules"
    if llm_batch not in ("auto", "on", "off"):
        _fail(f"unknown --llm-batch {llm_batch!r}; use auto, on or off")
    try:
        settings = _llm_settings(
            model, base_url, api_key, mode, requests, offline, no_cache=no_cache
        )
        if settings is None and not offline and summarize_engine == "auto":
            typer.echo(
                "plansum: no model configured (set PLANSUM_MODEL or --model); using the rules path",
                err=True,
            )
        if settings is not None:
            settings.require_endpoint()
            secret.add(settings.api_key)
        before = None
        if settings is not None and llm_batch != "off":
            from ..llm.batch_api import cache_filler

            before = cache_filler(
                settings,
                required=llm_batch == "on",
                poll_seconds=poll,
                max_wait=batch_wait,
                echo=lambda m: typer.echo(secret.scrub(m), err=True),
            )
        with _cli_logging(verbose, settings.api_key if settings is not None else api_key):
            report = run_batch(
                target,
                out,
                options=RunOptions(
                    settings=settings, engine="rules" if offline else summarize_engine
                ),
                engine=engine,  # type: ignore[arg-type]
                workers=workers or os.cpu_count() or 1,
                address=address,
                pattern=pattern,
                progress=sys.stderr.isatty() if progress is None else progress,
                parquet=not no_parquet,
                before=before,
            )
    except PlansumError as exc:
        _fail(secret.scrub(str(exc)))
        return
    except KeyboardInterrupt:
        typer.echo("plansum: interrupted; finished documents are kept: rerun to resume", err=True)
        raise typer.Exit(130) from None
    for source, kind, reason in report.failed:
        typer.echo(secret.scrub(f"plansum: failed: {source} [{kind}] {reason}"), err=True)
    for source, first in report.duplicates:
        typer.echo(f"plansum: skipped {source}: same content as {first}", err=True)
    typer.echo(
        f"plansum: {report.total} document(s): {report.done} summarized, {report.skipped} already "
        f"done, {len(report.failed)} failed, {len(report.duplicates)} duplicate(s); "
        f"{report.docs_per_second:.1f} docs/s overall; tokens {report.prompt_tokens:,} in / "
        f"{report.completion_tokens:,} out",
        err=True,
    )
    if report.parquet_error:
        typer.echo(f"plansum: no Parquet files: {report.parquet_error}", err=True)
    typer.echo(f"plansum: wrote {', '.join(str(p) for p in report.files)}", err=True)
    if strict and report.failed:
        raise typer.Exit(3)


@app.command()
def outline(file: FileArg) -> None:
    """Print the heading outline with character offsets."""
    from ..parse.loading import load_file
    from ..parse.outline import flatten, parse_outline

    try:
        doc = load_file(file)
    except PlansumError as exc:
        _fail(str(exc))
        return
    lines = []
    for s in flatten(parse_outline(doc.text)):
        indent = "  " * (s.level - 1)
        num = f"{s.number} " if s.number else ""
        lines.append(f"{indent}{num}{s.title}  [{s.span.start}:{s.span.end}]\n")
    _write_stdout("".join(lines))


@app.command()
def indicators(
    file: FileArg,
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown | csv | json")] = "markdown",
) -> None:
    """Print the indicators the rules find (no model)."""
    from ..document import Document
    from ..pipeline import summarize_document
    from ..render import render

    try:
        doc = Document.load(file)
        summary = summarize_document(doc, engine="rules")
        if fmt == "json":
            import json

            out = json.dumps(
                [i.model_dump(mode="json", exclude_none=True) for i in summary.indicators],
                ensure_ascii=False,
                indent=2,
            )
        elif fmt == "csv":
            out = str(render(summary, doc.text, "csv"))
        else:
            from ..render import indicator_table_markdown

            out = indicator_table_markdown(summary.indicators)
    except PlansumError as exc:
        _fail(str(exc))
        return
    _write_stdout(out if out.endswith("\n") else out + "\n")


@app.command()
def schema(
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the JSON Schemas.")] = Path(
        "schemas"
    ),
    check: Annotated[bool, typer.Option("--check", help="Only compare; exit 1 on drift.")] = False,
) -> None:
    """Write (or check) the JSON Schemas of the models."""
    from ..schema_export import check_schemas, write_schemas

    if check:
        drift = check_schemas(out_dir)
        if drift:
            _fail(
                "schemas drifted from the models: " + ", ".join(drift) + "; run `plansum schema`", 1
            )
        typer.echo("schemas are up to date")
        return
    for p in write_schemas(out_dir):
        typer.echo(f"wrote {p}")


@app.command()
def record(
    files: Annotated[list[Path], typer.Argument(help="Documents to record model traffic for.")],
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Cassette directory.")] = Path("cassettes"),
    chunk_chars: Annotated[int | None, typer.Option(help="Chunk budget in characters.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Cap on answer tokens.")] = None,
    mode: ModeOpt = None,
    max_retries: Annotated[int | None, typer.Option(help="Re-asks after a failed check.")] = None,
    workers: Annotated[int, typer.Option(help="Requests in flight.")] = 1,
    endpoint_note: Annotated[
        str, typer.Option(help="How the endpoint was served (for meta.json).")
    ] = "",
) -> None:
    """Record cassettes: run the LLM path on each file against a live endpoint."""
    from ..replay.recording import record_documents

    try:
        with _cli_logging(False, api_key):
            record_documents(
                files,
                out_dir=out,
                model=model,
                base_url=base_url,
                api_key=api_key,
                chunk_chars=chunk_chars,
                max_tokens=max_tokens,
                mode=mode,
                max_retries=max_retries,
                workers=workers,
                endpoint_note=endpoint_note,
                echo=lambda m: typer.echo(m, err=True),
            )
    except PlansumError as exc:
        _fail(str(exc))


@app.command("eval")
def eval_command(
    corpus: Annotated[
        Path | None,
        typer.Option(help="Directory of *.txt documents (default: the fixture corpus)."),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(help="Directory of gold *.json files (default: the fixture gold)."),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            help="auto | rules | llm | hybrid | all (or a comma list).  auto = rules, plus llm "
            "and hybrid when every document has a cassette."
        ),
    ] = "auto",
    cassettes: Annotated[
        Path | None, typer.Option(help="Cassette directory for llm/hybrid replay.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    min_f1: Annotated[
        float | None, typer.Option("--min-f1", help="Exit 1 if a mode's overall F1 is below this.")
    ] = None,
    simulate: Annotated[
        str | None,
        typer.Option(
            help="Adversarial sweep instead: a simulated model answers from the gold, corrupted "
            "at these rates (comma list, e.g. 0,0.1,0.3,0.6,1); prints F1 and the corrupted facts "
            "shown as verified (docs/llm.md)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the simulated model's corruptions.")] = 0,
) -> None:
    """Score the pipeline against gold annotations (see docs/evaluation.md)."""
    from ..eval.report import render_table, report_json
    from ..eval.run import (
        MODES,
        corpus_documents,
        default_corpus_dir,
        default_gold_dir,
        evaluate,
        missing_cassettes,
    )
    from ..replay.cassettes import default_dir

    corpus_dir = corpus or default_corpus_dir()
    gold_dir = gold or default_gold_dir()
    for what, d, given in (("corpus", corpus_dir, corpus), ("gold", gold_dir, gold)):
        if not d.is_dir():
            hint = "" if given else f" (the default is relative to a source checkout; run from its root or pass --{what} DIR)"
            _fail(f"{what} directory {d} does not exist{hint}")
    if simulate is not None:
        from ..eval.simulate import load_corpus, render_sweep, sweep

        try:
            rates = [float(r) for r in simulate.split(",") if r.strip()]
        except ValueError:
            _fail(f"--simulate takes rates between 0 and 1, comma-separated, not {simulate!r}")
            return
        if not rates or any(not 0 <= r <= 1 for r in rates):
            _fail(f"--simulate takes rates between 0 and 1, comma-separated, not {simulate!r}")
        scored = load_corpus([(corpus_dir, gold_dir)])
        if not scored:
            _fail(f"no document in {corpus_dir} has a gold file in {gold_dir}")
        with _cli_logging(False, None):
            rows = sweep(scored, rates, seed=seed)
        sys.stdout.write(f"{len(scored)} documents, seed {seed}\n\n" + render_sweep(rows))
        return
    cassette_dir = cassettes or default_dir()
    wanted = [m.strip() for m in mode.split(",") if m.strip()]
    if wanted == ["auto"]:
        docs = [p.name for p in corpus_documents(corpus_dir)]
        missing = missing_cassettes(docs, cassette_dir) if docs else []
        modes = list(MODES) if docs and not missing else ["rules"]
        if missing and len(missing) < len(docs):
            typer.echo(
                f"plansum: llm and hybrid skipped: no cassette for {len(missing)} of {len(docs)} "
                f"documents ({', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}); "
                "use --mode all to require them",
                err=True,
            )
    elif wanted == ["all"]:
        modes = list(MODES)
    else:
        bad = [m for m in wanted if m not in MODES]
        if bad or not wanted:
            _fail(f"unknown mode {mode!r}; use auto, rules, llm, hybrid or all (or a comma list)")
        modes = wanted
    try:
        with _cli_logging(False, None):
            report = evaluate(corpus_dir, gold_dir, modes, cassette_dir)
    except PlansumError as exc:
        _fail(str(exc))
        return
    sys.stdout.write(report_json(report) if as_json else render_table(report))
    if min_f1 is not None:
        low = [
            f"{m.mode} {'n/a' if m.overall['f1'] is None else format(m.overall['f1'], '.3f')}"
            for m in report.modes
            if m.overall["f1"] is None or m.overall["f1"] < min_f1
        ]
        if low:
            _fail(f"overall F1 below {min_f1}: {', '.join(low)}", 1)


@app.command()
def track(
    paths: Annotated[
        list[Path], typer.Argument(help="Plan documents, or directories of .txt documents.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="markdown | json | csv | html (default: from -o, else markdown)"
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = None,
    offline: OfflineOpt = False,
    engine: EngineOpt = "auto",
    replay: Annotated[
        bool,
        typer.Option(
            "--replay", help="Replay each document's recorded model answers (hybrid, no network)."
        ),
    ] = False,
    cassettes: Annotated[Path | None, typer.Option(help="Cassette directory for --replay.")] = None,
    all_indicators: Annotated[
        bool,
        typer.Option("--all", help="Also align non-headline indicators that two documents share."),
    ] = False,
) -> None:
    """Targets against results across documents and years, per region (see docs/track.md)."""
    from ..ledger.build import load_inputs, track_inputs
    from ..ledger.render import FORMATS, ledger_format_from_path, render_ledger
    from ..pipeline import ENGINES
    from ..redact import SecretFilter

    secret = SecretFilter([api_key])
    out_fmt = fmt or (ledger_format_from_path(str(output)) if output else "markdown")
    if out_fmt == "md":
        out_fmt = "markdown"
    if out_fmt not in FORMATS:
        _fail(f"unknown format {out_fmt!r}; use markdown, json, csv or html")
    if engine not in ENGINES:
        _fail(f"unknown engine {engine!r}; use {', '.join(ENGINES)}")
    offline = offline or engine == "rules"
    if output is not None:
        inputs_given = [f for p in paths for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
        if any(_same_file(output, f) for f in inputs_given):
            _fail(f"-o {output} is one of the input documents; write the ledger to another file")
    settings: Any = None
    try:
        if not replay:
            settings = _llm_settings(model, base_url, api_key, mode, None, offline)
            if settings is None and not offline and engine == "auto":
                typer.echo(
                    "plansum: no model configured (set PLANSUM_MODEL or --model); "
                    "using the rules path",
                    err=True,
                )
            if settings is not None:
                secret.add(settings.api_key)
        with _cli_logging(False, settings.api_key if settings is not None else api_key):
            inputs = load_inputs(
                paths,
                engine=engine,
                settings=settings,
                offline=offline,
                replay=replay,
                cassette_dir=cassettes,
            )
        ledger = track_inputs(inputs, include_other=all_indicators)
        result = render_ledger(ledger, out_fmt, {i.name: i.text for i in inputs})
    except PlansumError as exc:
        _fail(secret.scrub(str(exc)))
        return
    except KeyboardInterrupt:
        typer.echo("plansum: interrupted; nothing was written", err=True)
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # noqa: BLE001 - a bug must not print a traceback with the key in it
        _fail(
            secret.scrub(f"unexpected {type(exc).__name__}: {exc}")[:400]
            + " — this is a bug in plansum; report it",
            1,
        )
        return
    result = secret.scrub(result)
    if output:
        data = result.encode("utf-8")
        try:
            output.write_bytes(data)
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror}")
        typer.echo(f"plansum: wrote {output} ({len(data)} bytes)", err=True)
    else:
        _write_stdout(result)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("plansum: interrupted; finished chunks are kept in the cache", err=True)
        sys.exit(130)
    except OSError as exc:  # stdout lost outside _write_stdout (e.g. a full disk on --help)
        _stdout_lost()
        typer.echo(f"plansum: error: cannot write to standard output: {exc.strerror or exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
