"""`plansum batch`: a collection into a dataset."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ._shared import (
    ApiKeyOpt,
    BaseUrlOpt,
    EngineOpt,
    ModelOpt,
    ModeOpt,
    OfflineOpt,
    check_engine,
    cli_logging,
    fail,
    guarded,
    llm_settings,
    no_model_note,
)


def _choices(engine: str, summarize_engine: str | None, runner: str, llm_batch: str) -> str:
    """The summarize engine, after every choice-type option is checked."""
    if engine in ("processes", "inline", "ray"):
        fail(
            f"--engine {engine} is now --runner {engine} (--engine is auto, rules, llm or hybrid, as in summarize)"
        )
    if summarize_engine is not None:
        engine = summarize_engine
    if runner not in ("processes", "inline", "ray"):
        fail(f"unknown runner {runner!r}; use processes, inline or ray")
    check_engine(engine)
    if llm_batch not in ("auto", "on", "off"):
        fail(f"unknown --llm-batch {llm_batch!r}; use auto, on or off")
    return engine


def _numbers(workers: int | None, poll: float, batch_wait: float | None) -> None:
    """--workers, --poll and --batch-wait, checked before anything is made."""
    from ..batch.run import check_workers
    from ..errors import PlansumError
    from ..llm.batch_api import check_timing

    try:
        check_workers(workers)
        check_timing(poll, batch_wait)
    except PlansumError as exc:
        fail(str(exc))


def batch(
    target: Annotated[
        Path,
        typer.Argument(
            help="A directory of plan texts, or a manifest (one path a line, or .csv/.jsonl with a 'path' column)."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--output", "--out", help="Output directory: plansum.sqlite and one .parquet per table."
        ),
    ],
    runner: Annotated[
        str, typer.Option(help="Where documents run: processes | inline | ray.")
    ] = "processes",
    workers: Annotated[
        int | None, typer.Option(help="Processes (or Ray tasks) at once; default: the CPU count.")
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster address (with --runner ray); default: start a local Ray."),
    ] = None,
    pattern: Annotated[
        str,
        typer.Option("--glob", help="Files to take from a directory (patterns, comma-separated)."),
    ] = "*.txt,*.pdf,*.docx,*.html,*.htm",
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
        typer.Option(
            help="Stop waiting for a Batch API batch after this many seconds (rerun to collect it)."
        ),
    ] = None,
    engine: EngineOpt = "auto",
    summarize_engine: Annotated[
        str | None, typer.Option(hidden=True, help="The old name of --engine.")
    ] = None,
    offline: OfflineOpt = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not use the response cache.")
    ] = False,
    no_parquet: Annotated[
        bool, typer.Option("--no-parquet", help="Write only the SQLite file.")
    ] = False,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 3 if any document failed.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Summarize a collection into a dataset (resumable; failures are listed, never fatal)."""
    import os

    from ..batch.run import RunOptions, run_batch
    from ..redact import SecretFilter

    secret = SecretFilter([api_key])
    engine = _choices(engine, summarize_engine, runner, llm_batch)
    _numbers(workers, poll, batch_wait)
    offline = offline or engine == "rules"
    with guarded(
        secret, verbose=verbose, interrupted=lambda: "finished documents are kept: rerun to resume"
    ):
        settings = llm_settings(
            model, base_url, api_key, mode, requests, offline, no_cache=no_cache
        )
        no_model_note(settings, offline, engine)
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
        with cli_logging(verbose, settings.api_key if settings is not None else api_key):
            report = run_batch(
                target,
                out,
                options=RunOptions(
                    settings=settings, engine="rules" if offline else engine, verbose=verbose
                ),
                runner=runner,  # type: ignore[arg-type]
                workers=workers if workers is not None else (os.cpu_count() or 1),
                address=address,
                pattern=pattern,
                progress=sys.stderr.isatty() if progress is None else progress,
                parquet=not no_parquet,
                before=before,
            )
    _say_report(report, secret, strict)


def _say_report(report: Any, secret: Any, strict: bool) -> None:
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
