"""The model as an extractor: chunk the document, send the chunks in parallel, and turn the
checked answers into `Findings`.  A chunk the model could not do is listed as failed, so
that the rules' findings stand in for it (see `merge`)."""

from __future__ import annotations

import logging
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from ..document import Document, Findings
from ..errors import FailureKind, LLMError
from ..models import (
    Check,
    CheckCause,
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
from ..parse.chunking import Chunk
from ..settings import Settings
from ..verify import (
    check_kind,
    check_name,
    check_role,
    check_year,
    correction,
    kind_cue,
    numbers_in_text,
    overall,
    place,
    quotation,
    role_cue,
    source_name,
)
from .client import ChunkClient, ChunkOutcome


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

    items: list[Any] = list(ex.indicators)  # full or compact answer: the same fields
    for k, item in enumerate(items):
        rid = item._resolved
        if rid is None or rid not in outcome.ids:
            continue
        q: Quantity = outcome.ids[rid]
        assert q.span is not None
        status, reason = item._status, item._reason
        if status == CheckStatus.corrected:
            moved = correction(item.name, text, q, reason)
            note(f"indicators[{k}]", moved, q.span)
            if moved.status == CheckStatus.rejected:
                continue
        ind = model_indicator(
            item.name, item.role, item.year, q, chunk, Check(status=status, reason=reason)
        )
        for fld, c in ind.field_checks.items():
            if c.status == CheckStatus.rejected or (
                fld == "name" and c.status == CheckStatus.corrected
            ):
                note(
                    f"indicators[{k}].{fld}",
                    Check(status=CheckStatus.rejected, reason=c.reason),
                    q.span,
                )
        # a refused field is not shown (a refused name stays, for merge to replace or drop)
        ind.field_checks = {
            f: c
            for f, c in ind.field_checks.items()
            if c.status != CheckStatus.rejected or f == "name"
        }
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
        numbers = numbers_in_text(summary, chunk)
        if numbers.status == CheckStatus.rejected:
            note("summary", numbers)
        else:
            found.summaries.append(summary)
    return found


_FIELD = {"growth": "growth", "baseline": "baseline", "actual": "actual", "target": "target"}


def model_indicator(
    name: str, role: str, year: int | None, q: Quantity, chunk: Chunk, value: Check
) -> Indicator:
    """A model's indicator with every field it gave checked against the source (`verify`).

    Shown as given: what passed (verified) and what the source does not decide (unverified,
    shown as unchecked).  A role or kind the source contradicts is replaced by the one its
    words give (corrected); a contradicted year is dropped; a rejected name stays on the item
    with its check, for `merge` to replace with the rules' name or to drop the item."""
    text = chunk.source
    mentions = [m.quantity for m in chunk.mentions]
    where = place(text, q, mentions)
    titles = chunk.titles_at(q.span.start) if q.span else chunk.section_path
    checks: dict[str, Check] = {"value": value}
    checks["name"] = check_name(name, text, where)
    if checks["name"].status == CheckStatus.rejected and (fallback := source_name(text, where)):
        # shown with the source's own words before the number (the rules' name wins in merge)
        checks["name"] = Check(
            status=CheckStatus.corrected,
            reason=f"{checks['name'].reason}; shown with the words before the number",
        )
        name = fallback
    # role: where the number goes (a level, a change, a starting level)
    role_check = check_role(role, where, q)
    if role_check.status == CheckStatus.rejected:
        cue = role_cue(where, q)
        role = {"growth": "growth", "baseline": "baseline"}.get(
            cue or "", "actual" if role == "actual" else "target"
        )
        role_check = Check(
            status=CheckStatus.corrected, reason=role_check.reason + f"; shown as {role}"
        )
    checks["role"] = role_check
    # kind: the model states one only through role actual / target
    said = "actual" if role == "actual" else "target"
    kind_check = check_kind(said, text, where, titles)
    cue_kind = kind_cue(text, where, titles)
    if role in ("growth", "baseline"):
        kind = cue_kind or "target"
        # the model gave no kind (a change or a starting level can be planned or achieved):
        # the sentence's, shown as corrected, and the rules' where they read this number
        kind_check = (
            Check(
                status=CheckStatus.corrected,
                reason=f"no kind from the model; the sentence and its passage make it a {kind}",
                cause=CheckCause.no_kind_from_model,
            )
            if cue_kind
            else Check(status=CheckStatus.unverified, reason=kind_check.reason)
        )
    elif kind_check.status == CheckStatus.rejected:
        kind = cue_kind or said
        if role in ("actual", "target"):
            role = kind
        kind_check = Check(
            status=CheckStatus.corrected, reason=kind_check.reason + f"; shown as {kind}"
        )
    else:
        kind = said
    checks["kind"] = kind_check
    if year is not None:
        year_check = check_year(year, text, where, mentions, titles)
        checks["year"] = year_check
        if year_check.status == CheckStatus.rejected:
            year = None
    ind = Indicator(
        name=(name.strip() or "（未命名）")[:60],
        unit=q.unit,
        kind=IndicatorKind(kind),
        span=Span(start=q.span.start, end=q.span.end) if q.span else chunk.span,
        origin="llm",
        field_checks=checks,
    )
    setattr(ind, _FIELD[role], q)
    if role == "baseline":
        ind.baseline_year = year
    else:
        ind.target_year = year
    ind.check = overall(ind)
    return ind


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
                        status=CheckStatus.degraded,
                        reason=f"fell back to the rules: {oc.failure.message}",
                        span=chunk.span,
                    )
                )
                out.checks += [
                    CheckRecord(
                        item=f"chunk[{chunk.index}]",
                        status=CheckStatus.rejected,
                        reason=r,
                        span=chunk.span,
                    )
                    for r in oc.rejected
                ]
                continue
            part = chunk_findings(oc, chunk, out.checks)
            out.indicators += part.indicators
            out.goals += part.goals
            out.projects += part.projects
            out.summaries += part.summaries
        return out
