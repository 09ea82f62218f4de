"""`plansum summarize`, `outline` and `indicators`: one document."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import PlansumError
from ._shared import (
    ApiKeyOpt,
    BaseUrlOpt,
    EngineOpt,
    FileArg,
    FormatOpt,
    ModelOpt,
    ModeOpt,
    OfflineOpt,
    OutputOpt,
    RequestsOpt,
    VerboseOpt,
    check_engine,
    cli_logging,
    fail,
    guarded,
    llm_settings,
    load_document,
    no_model_note,
    output_path,
    read_stdin,
    same_file,
    write_output,
    write_stdout,
)


def summarize(
    file: FileArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = None,
    workers: RequestsOpt = None,
    offline: OfflineOpt = False,
    engine: EngineOpt = "auto",
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 3 if any chunk fell back to rules.")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the response cache.")
    ] = False,
    refusal_threshold: Annotated[
        float | None,
        typer.Option(
            "--refusal-threshold",
            min=0.0,
            max=1.0,
            help="Exit 5 when the source check refused more than this share of the model's "
            "fields or chunks (default 0.5; PLANSUM_REFUSAL_THRESHOLD).",
        ),
    ] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Summarize one plan document (- reads it from stdin)."""
    from ..pipeline import summarize_document
    from ..redact import SecretFilter
    from ..render import RENDERERS, render_parts

    secret = SecretFilter([api_key])
    settings: Any = None
    output = output_path(output)
    if output is not None and same_file(output, Path(file)):
        fail(f"-o {output} is the input document itself; write the summary to another file")

    def interrupted() -> str:
        if settings is not None and settings.cache:
            return "finished chunks are kept in the cache: rerun to resume"
        return "nothing was written"

    with guarded(secret, verbose=verbose, interrupted=interrupted):
        out_fmt = RENDERERS.choose(fmt, output).name
        check_engine(engine)
        offline = offline or engine == "rules"
        doc = load_document(file, progress=True if verbose else None)
        settings = llm_settings(model, base_url, api_key, mode, workers, offline, no_cache=no_cache)
        no_model_note(settings, offline, engine)
        if settings is not None:
            secret.add(settings.api_key)
            if refusal_threshold is not None:
                settings = settings.with_(refusal_threshold=refusal_threshold)
        with cli_logging(verbose, settings.api_key if settings is not None else api_key):
            summary = summarize_document(
                doc,
                engine="rules" if offline else engine,  # type: ignore[arg-type]
                settings=settings,
                progress=sys.stderr.isatty() or verbose,
            )
        parts = render_parts(summary, doc.text, out_fmt)
    write_output(parts, output, secret)
    report_chunks(summary, verbose=verbose, strict=strict)


def report_chunks(summary: Any, *, verbose: bool, strict: bool) -> None:
    """Say which chunks fell back to the rules; exit 4 when the model did none, 5 when the
    source check refused most of what it said (the verdict), 3 with --strict when it missed any."""
    chunks = summary.provenance.chunks
    degraded = [c for c in chunks if c.degraded]
    if verbose or degraded:
        for c in degraded:
            typer.echo(f"plansum: chunk {c.chunk} fell back to rules: {c.degraded}", err=True)
    if chunks and len(degraded) == len(chunks):
        fail(
            f"the model did none of the {len(chunks)} chunk(s): every one fell back to the rules "
            f"({degraded[0].degraded}); the summary written is the rules path's",
            4,
        )
    verdict = summary.provenance.verdict
    if verdict is not None and verdict.unreliable:
        # the summary is written (the rules' findings stand); the exit status says the
        # model was not to be trusted on this run
        fail(
            f"the model is unreliable on this run: the source check refused "
            f"{verdict.fields_refused}/{verdict.fields_given} of its fields and "
            f"{verdict.chunks_refused}/{verdict.chunks} chunks (threshold {verdict.threshold:g}); "
            "the summary was written, with this verdict in it",
            5,
        )
    if strict and degraded:
        raise typer.Exit(3)


def outline(file: FileArg) -> None:
    """Print the heading outline with character offsets (and 第N页 for a PDF)."""
    from ..parse.loading import load_source
    from ..parse.outline import flatten, parse_outline

    try:
        doc = read_stdin() if file == "-" else load_source(file)
    except PlansumError as exc:
        fail(str(exc))
        return
    lines = []
    for s in flatten(parse_outline(doc.text)):
        indent = "  " * (s.level - 1)
        num = f"{s.number} " if s.number else ""
        page = f" 第{doc.pages.page_of(s.span.start)}页" if doc.pages is not None else ""
        lines.append(f"{indent}{num}{s.title}  [{s.span.start}:{s.span.end}]{page}\n")
    write_stdout("".join(lines))


def indicators(
    file: FileArg,
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown | csv | json")] = "markdown",
) -> None:
    """Print the indicators the rules find (no model)."""
    from ..pipeline import summarize_document
    from ..render import INDICATOR_RENDERERS

    try:
        r = INDICATOR_RENDERERS.get(fmt)
        doc = load_document(file)
        out = r.render(summarize_document(doc, engine="rules"), doc.text)
    except PlansumError as exc:
        fail(str(exc))
        return
    write_stdout(out if out.endswith("\n") else out + "\n")
