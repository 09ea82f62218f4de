"""The LLM path: chunk, extract in parallel, verify every number, merge with the rules."""

from __future__ import annotations

import logging
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Literal

from . import __version__
from .chunking import Chunk, chunk_text
from .errors import LLMError
from .headline import headline_groups, mark_headlines
from .indicators import date_indicators
from .llm import ChunkOutcome, Extractor
from .models import (
    Check,
    CheckRecord,
    CheckStatus,
    ChunkUsage,
    Goal,
    Indicator,
    IndicatorKind,
    PlanSummary,
    Project,
    Provenance,
    Quantity,
    Span,
)
from .numbers import find_mentions, values_equal
from .rules import Analysis, overview
from .settings import Settings

Merge = Literal["llm", "hybrid"]


def run_chunks(
    chunks: list[Chunk], extractor: Extractor, workers: int, progress: bool = False
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
        futures = {pool.submit(extractor.extract, c): c.index for c in chunks}
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
                extractor.settings.timeout,
            )
        raise
    finally:
        pool.shutdown(wait=True)
        if bar is not None:
            bar.stop()
    return [results[c.index] for c in chunks]


def _kind(role: str) -> IndicatorKind:
    return IndicatorKind.actual if role == "actual" else IndicatorKind.target


def _year_ok(year: int | None, chunk: Chunk, text: str) -> bool:
    """A year from the model counts only if that year is written in the chunk or its headings."""
    if year is None:
        return True
    for m in chunk.mentions:
        q = m.quantity
        if q.unit == "年" and values_equal(q.value, year):
            return True
    return any(str(year) in p for p in chunk.section_path)


def _numbers_in_source(sentence: str, chunk: Chunk) -> bool:
    """Every number in a model-written sentence must be a number of the chunk."""
    for m in find_mentions(sentence):
        q = m.quantity
        if not any(
            values_equal(q.value, c.quantity.value)
            or (c.quantity.upper is not None and values_equal(q.value, c.quantity.upper))
            for c in chunk.mentions
        ):
            return False
    return True


def _named_near(name: str, text: str, q: Quantity, window: int = 40) -> bool:
    """Whether some two characters of `name` stand in the `window` characters before `q`."""
    assert q.span is not None
    before = text[max(0, q.span.start - window) : q.span.start]
    name = name.strip()
    return len(name) >= 2 and any(name[i : i + 2] in before for i in range(len(name) - 1))


def _llm_items(
    outcome: ChunkOutcome, chunk: Chunk, text: str, checks: list[CheckRecord]
) -> tuple[list[Indicator], list[Goal], list[Project], str | None]:
    inds: list[Indicator] = []
    goals: list[Goal] = []
    projects: list[Project] = []
    ex = outcome.extraction
    if ex is None:
        return inds, goals, projects, None

    def note(item: str, status: CheckStatus, reason: str, span: Span | None = None) -> None:
        checks.append(
            CheckRecord(
                item=f"chunk[{chunk.index}].{item}",
                status=status,
                reason=reason,
                span=span or chunk.span,
            )
        )

    def quoted(s: str, min_len: int) -> Span | None:
        """Where a name or sentence the model gave stands, verbatim, in the chunk."""
        pos = chunk.text.find(s) if len(s) >= min_len else -1
        return (
            None
            if pos < 0
            else Span(start=chunk.span.start + pos, end=chunk.span.start + pos + len(s))
        )

    for k, item in enumerate(ex.indicators):
        rid = item._resolved
        if rid is None or rid not in outcome.ids:
            continue
        q: Quantity = outcome.ids[rid]
        assert q.span is not None
        status, reason = item._status, item._reason
        year = item.year
        if not _year_ok(year, chunk, text):
            note(
                f"indicators[{k}].year",
                CheckStatus.rejected,
                f"year {year} given by the model is not written in the chunk; dropped",
            )
            year = None
        if status == CheckStatus.corrected:
            if not _named_near(item.name, text, q):
                # The value occurs in the chunk, but not where the model pointed and not next
                # to the name it gave: a coincidence, not a correction.
                note(
                    f"indicators[{k}]",
                    CheckStatus.rejected,
                    f"{reason}, but {item.name[:20]!r} is not written next to it; dropped",
                    q.span,
                )
                continue
            note(f"indicators[{k}]", CheckStatus.corrected, reason, q.span)
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
        inds.append(ind)
    for name in (n.strip() for n in ex.projects):
        span = quoted(name, 2)
        if span is None:
            note(
                "projects",
                CheckStatus.rejected,
                f"project name {name[:40]!r} is not in the source; dropped",
            )
            continue
        projects.append(Project(name=name, span=span, origin="llm"))
    for g in (g.strip().rstrip("。") for g in ex.goals):
        span = quoted(g, 4)
        if span is None:
            note(
                "goals",
                CheckStatus.rejected,
                f"goal {g[:40]!r} is not quoted from the source; dropped",
            )
            continue
        goals.append(Goal(text=g, span=span, origin="llm"))
    summary = ex.summary.strip() or None
    if summary and not _numbers_in_source(summary, chunk):
        note(
            "summary",
            CheckStatus.rejected,
            "the chunk summary holds a number that is not in the chunk; dropped",
        )
        summary = None
    return inds, goals, projects, summary


def _headline_span(ind: Indicator) -> tuple[int, int]:
    q = ind.headline()
    if q is not None and q.span is not None:
        return (q.span.start, q.span.end)
    return (ind.span.start, ind.span.end)


def merge(
    analysis: Analysis,
    chunks: list[Chunk],
    outcomes: list[ChunkOutcome],
    settings: Settings,
    merge_mode: Merge = "hybrid",
) -> PlanSummary:
    text = analysis.text
    checks: list[CheckRecord] = []
    llm_inds: list[Indicator] = []
    llm_goals: list[Goal] = []
    llm_projects: list[Project] = []
    summaries: list[str] = []
    degraded_spans: list[Span] = []
    usage: list[ChunkUsage] = []
    for chunk, oc in zip(chunks, outcomes, strict=True):
        usage.append(
            ChunkUsage(
                chunk=chunk.index,
                span=chunk.span,
                prompt_tokens=oc.prompt_tokens,
                completion_tokens=oc.completion_tokens,
                cached=oc.cached,
                attempts=oc.attempts,
                degraded=oc.degraded,
            )
        )
        if oc.degraded:
            degraded_spans.append(chunk.span)
            checks.append(
                CheckRecord(
                    item=f"chunk[{chunk.index}]",
                    status="degraded",
                    reason=f"fell back to the rules: {oc.degraded}",
                    span=chunk.span,
                )
            )
            for r in oc.rejected:
                checks.append(
                    CheckRecord(
                        item=f"chunk[{chunk.index}]",
                        status=CheckStatus.rejected,
                        reason=r,
                        span=chunk.span,
                    )
                )
            continue
        i, g, p, s = _llm_items(oc, chunk, text, checks)
        llm_inds += i
        llm_goals += g
        llm_projects += p
        if s:
            summaries.append(s)

    def in_degraded(span: Span) -> bool:
        return any(d.start <= span.start < d.end for d in degraded_spans)

    rules_inds = analysis.indicators
    table_rows = [r for r in rules_inds if r.attribute is not None or r.baseline is not None]
    if merge_mode == "hybrid":
        keep_rules = rules_inds
    else:
        keep_rules = [r for r in rules_inds if in_degraded(r.span)]
    # Rules items are keyed by number and name: one number may serve two subjects
    # ("民营企业、普惠小微企业贷款分别增长10%以上").  A model item takes the place of the rules
    # items on its number, once.
    merged: dict[tuple[tuple[int, int], str], Indicator] = {}
    at_span: dict[tuple[int, int], list[tuple[tuple[int, int], str]]] = {}
    for rule_ind in keep_rules:
        key = (_headline_span(rule_ind), rule_ind.name)
        if key not in merged:
            merged[key] = rule_ind
            at_span.setdefault(key[0], []).append(key)
    rule_rows = [(r.span.start, r.span.end) for r in table_rows]
    for ind in llm_inds:
        hs = _headline_span(ind)
        if any(a <= hs[0] < b for a, b in rule_rows):
            continue  # a table row: the rules read its columns
        keys = at_span.get(hs, [])
        if any(merged[k].origin == "llm" for k in keys):
            continue  # another chunk's model item already stands on this number
        for k in keys:
            if merged[k].section and not ind.section:
                ind.section = merged[k].section
            del merged[k]
        at_span[hs] = [(hs, ind.name)]
        merged[(hs, ind.name)] = ind
    indicators = sorted(merged.values(), key=lambda x: (x.span.start, x.span.end))
    if analysis.timeline is not None:
        date_indicators(indicators, analysis.timeline)
    mark_headlines(analysis.text, analysis.sections, indicators)

    goals = {(x.span.start, x.span.end): x for x in llm_goals}
    projects = {x.name: x for x in llm_projects}
    if merge_mode == "hybrid":
        rule_goals = analysis.goals
        rule_projects = analysis.projects
    else:
        rule_goals = [x for x in analysis.goals if in_degraded(x.span)]
        rule_projects = [x for x in analysis.projects if in_degraded(x.span)]
    for goal in rule_goals:
        if not any(goal.span.overlaps(y.span) for y in goals.values()):
            goals[(goal.span.start, goal.span.end)] = goal
    for proj in rule_projects:
        projects.setdefault(proj.name, proj)

    ov = overview(analysis, indicators)
    if summaries:
        ov += "要点：" + "；".join(summaries[:3])
    prov = Provenance(
        plansum_version=__version__,
        mode="hybrid" if merge_mode == "hybrid" else "llm",
        model=settings.model,
        prompt_version=None,
        chunks=usage,
        prompt_tokens=sum(u.prompt_tokens for u in usage),
        completion_tokens=sum(u.completion_tokens for u in usage),
    )
    return PlanSummary(
        document=analysis.info,
        headlines=headline_groups(indicators),
        overview=ov,
        outline=analysis.outline,
        goals=sorted(goals.values(), key=lambda x: x.span.start),
        indicators=indicators,
        projects=sorted(projects.values(), key=lambda x: x.span.start),
        checks=checks,
        provenance=prov,
    )


def llm_summary(
    analysis: Analysis,
    settings: Settings,
    *,
    progress: bool = False,
    merge_mode: Merge = "hybrid",
    extractor: Extractor | None = None,
) -> PlanSummary:
    chunks = chunk_text(analysis.text, analysis.sections, analysis.mentions, settings.chunk_chars)
    own = extractor is None
    ex = extractor or Extractor(settings)
    try:
        outcomes = run_chunks(chunks, ex, settings.concurrency, progress=progress)
    finally:
        if own:
            ex.close()
    if outcomes and all(
        o.degraded and ("connection failed" in o.degraded or "timed out" in o.degraded)
        for o in outcomes
    ):
        raise LLMError(
            f"cannot reach the model endpoint {settings.base_url or '(OpenAI default)'}: "
            f"{outcomes[0].degraded}; check PLANSUM_BASE_URL / --base-url, or use --offline"
        )
    summary = merge(analysis, chunks, outcomes, settings, merge_mode)
    summary.provenance.prompt_version = ex.prompt.tag
    return summary
