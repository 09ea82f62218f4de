"""The model as an extractor: chunk the document, send the chunks in parallel, and turn the
checked answers into `Findings`.  A chunk the model could not do is listed as failed, so
that the rules' findings stand in for it (see `merge`)."""

from __future__ import annotations

import logging
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from .chunking import Chunk
from .document import Document, Findings
from .errors import FailureKind, LLMError
from .llm import ChunkClient, ChunkOutcome
from .models import (
    Check,
    CheckRecord,
    CheckStatus,
    ChunkUsage,
    Goal,
    Indicator,
    IndicatorKind,
    Project,
    Quantity,
    Span,
)
from .settings import Settings
from .verify import correction, numbers_in_chunk, quotation, year_in_chunk


def run_chunks(
    chunks: list[Chunk], client: ChunkClient, workers: int, progress: bool = False
) -> list[ChunkOutcome]:
    """Extract every chunk with at most `workers` requests in flight; order kept."""
    results: dict[int, ChunkOutcome] = {}
    bar: Any = None
    task: Any = None
    if progress and len(chunks) > 1:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        bar.start()
        task = bar.add_task("chunks", total=len(chunks))
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    futures: dict[Any, int] = {}
    try:
        futures = {pool.submit(client.extract, c): c.index for c in chunks}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            if bar is not None:
                bar.advance(task)
    except BaseException as exc:
        # Ctrl-C or a run-stopping error: drop queued chunks; finished ones are in the cache,
        # and requests already in flight are let finish so that their answers are cached too.
        pool.shutdown(wait=False, cancel_futures=True)
        running = sum(1 for f in futures if f.running())
        if isinstance(exc, KeyboardInterrupt) and running:
            logging.getLogger("plansum").warning(
                "interrupted: waiting for %d request(s) in flight to finish (at most %.0f s) "
                "so that their answers are cached",
                running,
                client.settings.timeout,
            )
        raise
    finally:
        pool.shutdown(wait=True)
        if bar is not None:
            bar.stop()
    return [results[c.index] for c in chunks]


def _kind(role: str) -> IndicatorKind:
    return IndicatorKind.actual if role == "actual" else IndicatorKind.target


def chunk_findings(outcome: ChunkOutcome, chunk: Chunk, checks: list[CheckRecord]) -> Findings:
    """The model's checked items of one chunk; every refusal is appended to `checks`."""
    found = Findings()
    ex = outcome.extraction
    if ex is None:
        return found
    text = chunk.source

    def note(item: str, check: Check, span: Span | None = None) -> None:
        checks.append(
            CheckRecord(
                item=f"chunk[{chunk.index}].{item}",
                status=check.status,
                reason=check.reason,
                span=span or chunk.span,
            )
        )

    for k, item in enumerate(ex.indicators):
        rid = item._resolved
        if rid is None or rid not in outcome.ids:
            continue
        q: Quantity = outcome.ids[rid]
        assert q.span is not None
        status, reason = item._status, item._reason
        year = item.year
        year_check = year_in_chunk(year, chunk)
        if year_check.status == CheckStatus.rejected:
            note(f"indicators[{k}].year", year_check)
            year = None
        if status == CheckStatus.corrected:
            moved = correction(item.name, text, q, reason)
            note(f"indicators[{k}]", moved, q.span)
            if moved.status == CheckStatus.rejected:
                continue
        ind = Indicator(
            name=(item.name.strip() or "（未命名）")[:60],
            unit=q.unit,
            kind=_kind(item.role),
            target_year=year,
            span=Span(start=q.span.start, end=q.span.end),
            origin="llm",
            check=Check(status=status, reason=reason),
        )
        if item.role == "growth":
            ind.growth = q
        elif item.role == "baseline":
            ind.baseline = q
            ind.baseline_year = year
            ind.target_year = None
        elif item.role == "actual":
            ind.actual = q
        else:
            ind.target = q
        found.indicators.append(ind)
    for name in (n.strip() for n in ex.projects):
        span, check = quotation(name, chunk, 2, f"project name {name[:40]!r} is not in the source")
        if span is None:
            note("projects", check)
        else:
            found.projects.append(Project(name=name, span=span, origin="llm"))
    for g in (g.strip().rstrip("。") for g in ex.goals):
        span, check = quotation(g, chunk, 4, f"goal {g[:40]!r} is not quoted from the source")
        if span is None:
            note("goals", check)
        else:
            found.goals.append(Goal(text=g, span=span, origin="llm"))
    summary = ex.summary.strip() or None
    if summary:
        numbers = numbers_in_chunk(summary, chunk)
        if numbers.status == CheckStatus.rejected:
            note("summary", numbers)
        else:
            found.summaries.append(summary)
    return found


class LLMExtractor:
    """The model, chunk by chunk, behind the same interface as the rules."""

    name = "llm"

    def __init__(
        self, settings: Settings, client: ChunkClient | None = None, progress: bool = False
    ) -> None:
        self.settings = settings
        self.client = client
        self.progress = progress

    def extract(self, doc: Document) -> Findings:
        s = self.settings
        chunks = doc.chunks(s.chunk_chars)
        own = self.client is None
        client = self.client or ChunkClient(s)
        try:
            outcomes = run_chunks(chunks, client, s.concurrency, progress=self.progress)
        finally:
            if own:
                client.close()
        if outcomes and all(
            o.failure is not None and o.failure.kind == FailureKind.unreachable for o in outcomes
        ):
            raise LLMError(
                f"cannot reach the model endpoint {s.base_url or '(OpenAI default)'}: "
                f"{outcomes[0].degraded}; check PLANSUM_BASE_URL / --base-url, or use --offline"
            )
        out = Findings(prompt_version=client.prompt.tag)
        for chunk, oc in zip(chunks, outcomes, strict=True):
            out.chunks.append(
                ChunkUsage(
                    chunk=chunk.index,
                    span=chunk.span,
                    prompt_tokens=oc.prompt_tokens,
                    completion_tokens=oc.completion_tokens,
                    cached=oc.cached,
                    attempts=oc.attempts,
                    degraded=oc.degraded,
                    failure=oc.failure.kind if oc.failure else None,
                )
            )
            if oc.failure is not None:
                out.failed.append(chunk.span)
                out.checks.append(
                    CheckRecord(
                        item=f"chunk[{chunk.index}]",
                        status="degraded",
                        reason=f"fell back to the rules: {oc.failure.message}",
                        span=chunk.span,
                    )
                )
                out.checks += [
                    CheckRecord(item=f"chunk[{chunk.index}]", status=CheckStatus.rejected, reason=r, span=chunk.span)
                    for r in oc.rejected
                ]
                continue
            part = chunk_findings(oc, chunk, out.checks)
            out.indicators += part.indicators
            out.goals += part.goals
            out.projects += part.projects
            out.summaries += part.summaries
        return out
