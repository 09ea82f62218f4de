"""`plansum track`: targets against results across documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._shared import (
    ApiKeyOpt,
    BaseUrlOpt,
    EngineOpt,
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
    no_model_note,
    output_path,
    same_file,
    write_output,
    write_stdout,
)


def track(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Plan documents, directories of them (.txt, .pdf, .docx, .html), or http(s) URLs.",
            metavar="PATHS...",
        ),
    ],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    mode: ModeOpt = None,
    workers: RequestsOpt = None,
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
    verbose: VerboseOpt = False,
) -> None:
    """Targets against results across documents and years, per region (see docs/track.md)."""
    from ..formats import is_url
    from ..ledger import LEDGER_RENDERERS, load_inputs, render_ledger, track_inputs
    from ..redact import SecretFilter

    secret = SecretFilter([api_key])
    check_engine(engine)
    offline = offline or engine == "rules"
    output = output_path(output)
    paths: list[str | Path] = [s if is_url(s) else Path(s) for s in sources]
    if output is not None:
        local = [p for p in paths if isinstance(p, Path)]
        inputs_given = [f for p in local for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
        if any(same_file(output, f) for f in inputs_given):
            fail(f"-o {output} is one of the input documents; write the ledger to another file")
    with guarded(secret):
        out_fmt = LEDGER_RENDERERS.choose(fmt, output).name
    settings: Any = None
    with guarded(secret, verbose=verbose):
        summarize = None
        if replay:
            from ..replay import summarize_replay

            def summarize(doc: Any) -> Any:
                return summarize_replay(doc, Path(doc.name).name, cassette_dir=cassettes)

        else:
            settings = llm_settings(model, base_url, api_key, mode, workers, offline)
            no_model_note(settings, offline, engine)
            if settings is not None:
                secret.add(settings.api_key)
        with cli_logging(verbose, settings.api_key if settings is not None else api_key):
            inputs = load_inputs(
                paths,
                engine=engine,  # type: ignore[arg-type]  # checked by check_engine
                settings=settings,
                offline=offline,
                summarize=summarize,
            )
        ledger = track_inputs(inputs, include_other=all_indicators)
        result = render_ledger(ledger, out_fmt, {i.name: i.text for i in inputs})
    if output is None:
        write_stdout(secret.scrub(result))
    else:
        write_output([result.encode("utf-8")], output, secret)
