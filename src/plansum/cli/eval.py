"""`plansum eval`, `schema` and `record`: scores, schemas and cassettes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import PlansumError
from ._shared import (
    ApiKeyOpt,
    BaseUrlOpt,
    ModelOpt,
    ModeOpt,
    cli_logging,
    fail,
)


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
    adversary: Annotated[
        str | None,
        typer.Option(
            help="Adversarial sweep with a model that reads only the request (no gold): it lies "
            "in ten ways at these rates (comma list, e.g. 0.3,1), in the full and the compact "
            "answer; prints, per kind, rate and answer, the corrupted items and sentences shown "
            "as verified, and what the checks refused of its honest answers (rate 0).  Exit 1 if "
            "any lie is shown as verified (docs/llm.md)."
        ),
    ] = None,
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
            hint = (
                ""
                if given
                else f" (the default is relative to a source checkout; run from its root or pass --{what} DIR)"
            )
            fail(f"{what} directory {d} does not exist{hint}")
    if adversary is not None:
        _adversary_sweep(corpus_dir, adversary, seed)
        return
    if simulate is not None:
        _simulate_sweep(corpus_dir, gold_dir, simulate, seed)
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
            fail(f"unknown mode {mode!r}; use auto, rules, llm, hybrid or all (or a comma list)")
        modes = wanted
    try:
        with cli_logging(False, None):
            report = evaluate(corpus_dir, gold_dir, modes, cassette_dir)
    except PlansumError as exc:
        fail(str(exc))
        return
    sys.stdout.write(report_json(report) if as_json else render_table(report))
    if min_f1 is not None:
        low = [
            f"{m.mode} {'n/a' if m.overall['f1'] is None else format(m.overall['f1'], '.3f')}"
            for m in report.modes
            if m.overall["f1"] is None or m.overall["f1"] < min_f1
        ]
        if low:
            fail(f"overall F1 below {min_f1}: {', '.join(low)}", 1)


def schema(
    out_dir: Annotated[
        Path, typer.Option("-o", "--output", "--out", help="Where to write the JSON Schemas.")
    ] = Path("schemas"),
    check: Annotated[
        bool, typer.Option("--check", help="Only compare; exit 1 saying what is missing or differs.")
    ] = False,
) -> None:
    """Write (or check) the JSON Schemas of the models."""
    from ..schema_export import schema_problems, write_schemas

    if check:
        problems = schema_problems(out_dir)
        if problems and not out_dir.is_dir():
            fail(problems[0], 1)
        if problems:
            fail("schemas drifted from the models: " + "; ".join(problems) + "; run `plansum schema`", 1)
        typer.echo("schemas are up to date")
        return
    for p in write_schemas(out_dir):
        typer.echo(f"wrote {p}")


def record(
    files: Annotated[list[Path], typer.Argument(help="Documents to record model traffic for.")],
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    out: Annotated[
        Path, typer.Option("-o", "--output", "--out", help="Cassette directory.")
    ] = Path("cassettes"),
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
    from ..settings import Settings

    try:
        with cli_logging(False, api_key):
            settings = Settings.from_env(
                model=model,
                base_url=base_url,
                api_key=api_key,
                chunk_chars=chunk_chars,
                max_tokens=max_tokens,
                mode=mode,  # type: ignore[arg-type]  # validated by Settings
                max_retries=max_retries,
                concurrency=workers,
            )
            record_documents(
                files,
                settings,
                out_dir=out,
                endpoint_note=endpoint_note,
                echo=lambda m: typer.echo(m, err=True),
            )
    except PlansumError as exc:
        fail(str(exc))


def _adversary_sweep(corpus_dir: Path, spec: str, seed: int) -> None:
    """`plansum eval --adversary RATES`: the request-only liar over the corpus."""
    from ..eval.adversary import render_sweep, sweep
    from ..parse.loading import load_file

    rates = _rates(spec, "--adversary")
    docs = {p.name: load_file(p).text for p in sorted(corpus_dir.glob("*.txt"))}
    if not docs:
        fail(f"no *.txt document in {corpus_dir}")
    with cli_logging(False, None):
        cells = sweep(docs, rates=[r for r in rates if r > 0], seed=seed)
    sys.stdout.write(f"{len(docs)} documents, seed {seed}\n\n" + render_sweep(cells))
    for c in cells:
        for r in c.refused:
            sys.stdout.write(f"refused at rate 0 ({c.answer}): {r}\n")
        for e in c.examples:
            sys.stdout.write(f"shown as verified ({c.answer}, {c.kind}, {c.rate:g}): {e}\n")
    if any(c.exposed_items or c.exposed_prose for c in cells):
        raise typer.Exit(1)


def _rates(spec: str, flag: str) -> list[float]:
    try:
        rates = [float(r) for r in spec.split(",") if r.strip()]
    except ValueError:
        rates = []
    if not rates or any(not 0 <= r <= 1 for r in rates):
        fail(f"{flag} takes rates between 0 and 1, comma-separated, not {spec!r}")
    return rates


def _simulate_sweep(corpus_dir: Path, gold_dir: Path, simulate: str, seed: int) -> None:
    """`plansum eval --simulate RATES`: the gold-driven liar over the corpus."""
    from ..eval.sweep import load_corpus, render_sweep, sweep

    rates = _rates(simulate, "--simulate")
    scored = load_corpus([(corpus_dir, gold_dir)])
    if not scored:
        fail(f"no document in {corpus_dir} has a gold file in {gold_dir}")
    with cli_logging(False, None):
        rows = sweep(scored, rates, seed=seed)
    sys.stdout.write(f"{len(scored)} documents, seed {seed}\n\n" + render_sweep(rows))
    for row in rows:
        if row.rate == 0:
            for r in row.refused:
                sys.stdout.write(f"refused at rate 0: {r}\n")
