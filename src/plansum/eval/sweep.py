"""The adversarial sweep: the simulated model of `corruptions` over a corpus at several rates.

`leaks` counts the corrupted facts that reached the summary shown as verified; `sweep` runs
each document at each rate and pools the counts with the usual scores; `render_sweep`
prints the table docs/llm.md keeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import CheckStatus, Indicator, PlanSummary
from .corruptions import (
    KINDS,
    Corruption,
    SimulatedModel,
)
from .gold import GoldDocument

# ---------------------------------------------------------------------------------------
# What got through


def field_status(ind: Indicator, fld: str) -> CheckStatus:
    """How the summary shows one field of an indicator: its own check where there is one,
    else the item's."""
    checks = getattr(ind, "field_checks", None) or {}
    own = checks.get(fld)
    if own is not None:
        return CheckStatus(getattr(own, "status", own))
    return ind.check.status


def _at(ind: Indicator, start: int) -> bool:
    return any(q.span is not None and q.span.start == start for q in ind.quantities())


def leaked(c: Corruption, summary: PlanSummary, *, any_origin: bool = False) -> bool:
    """Whether the corrupted fact stands in the summary shown as verified."""
    if c.field == "summary":
        return str(c.bad) in summary.overview
    for ind in summary.indicators:
        if (ind.origin != "llm" and not any_origin) or not _at(ind, c.start):
            continue
        if (
            c.field == "name"
            and ind.name == c.bad
            and field_status(ind, "name") == CheckStatus.verified
        ):
            return True
        if c.field == "role":
            q = getattr(ind, c.bad)
            if (
                q is not None
                and q.span is not None
                and q.span.start == c.start
                and (field_status(ind, "role") == CheckStatus.verified)
            ):
                return True
        if (
            c.field == "kind"
            and ind.kind.value == c.bad
            and field_status(ind, "kind") == CheckStatus.verified
        ):
            return True
        if (
            c.field == "year"
            and c.bad in (ind.target_year, ind.baseline_year)
            and (field_status(ind, "year") == CheckStatus.verified)
        ):
            return True
        if (
            c.kind == "value_elsewhere"
            and ind.name == c.name
            and field_status(ind, "value")
            in (
                CheckStatus.verified,
                CheckStatus.corrected,
            )
        ):
            return True
    if c.kind == "value_invented" and c.bad is None:
        return False  # a citation of a number that is not there has nothing to show
    if c.kind == "value_invented":
        # values come from the source's mentions, so the invented one shows only if it slipped through
        return any(
            ind.origin == "llm"
            and ind.name == c.name
            and any(abs(q.value - float(c.bad)) < 1e-9 for q in ind.quantities())
            for ind in summary.indicators
        )
    return False


def leaks(
    corruptions: Iterable[Corruption], summary: PlanSummary, rules: PlanSummary | None = None
) -> list[Corruption]:
    """The corruptions shown as verified.  Given the rules' summary of the same document, a
    fact the rules alone show too (the rules misread it the same way) is not the model's."""
    return [
        c
        for c in corruptions
        if leaked(c, summary) and (rules is None or not leaked(c, rules, any_origin=True))
    ]


# ---------------------------------------------------------------------------------------
# The sweep


@dataclass
class SweepRow:
    rate: float
    metrics: dict[str, Any]  # hybrid, pooled over the corpus (evaluation.metrics + agreement)
    rules: dict[str, Any]
    corrupted: int
    leaked: int
    leaked_by_kind: dict[str, int] = field(default_factory=dict)
    corrupted_by_kind: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    degraded_chunks: int = 0
    chunks: int = 0


def agreement(summary: PlanSummary, gold: GoldDocument) -> dict[str, int]:
    """Counts for name, year and kind agreement over the matched indicator pairs."""
    from .match import match_indicators, name_similarity

    scorable = [i for i in summary.indicators if i.headline() is not None]
    m = match_indicators(scorable, gold.indicators)
    out = Counter(pairs=0, names=0, years=0, years_gold=0, kinds=0)
    for p in m.matched:
        g, ind = gold.indicators[p.gold], scorable[p.pred]
        out["pairs"] += 1
        out["names"] += name_similarity(ind.name, g.name) >= 0.8
        out["kinds"] += ind.kind == g.kind
        if g.year is not None:
            out["years_gold"] += 1
            year = ind.baseline_year if g.role == "baseline" else ind.target_year
            out["years"] += year == g.year
    return dict(out)


def _pooled(results: list[Any], agree: list[dict[str, int]]) -> dict[str, Any]:
    from .metrics import metrics

    mt = metrics(results)
    tot: Counter[str] = Counter()
    for a in agree:
        tot.update(a)
    mt["name_agreement"] = tot["names"] / tot["pairs"] if tot["pairs"] else None
    mt["year_agreement"] = tot["years"] / tot["years_gold"] if tot["years_gold"] else None
    mt["kind_agreement"] = tot["kinds"] / tot["pairs"] if tot["pairs"] else None
    return mt


def simulate_document(
    text: str,
    gold: GoldDocument,
    rate: float,
    *,
    seed: int = 0,
    kinds: Sequence[str] = KINDS,
    mode: str = "tools",
    chunk_chars: int = 3000,
    max_retries: int = 1,
    settings_overrides: dict[str, Any] | None = None,
) -> tuple[PlanSummary, SimulatedModel]:
    """The hybrid LLM path on one document against the simulated model."""
    from ..document import Document
    from ..llm.client import ChunkClient
    from ..pipeline import summarize_document
    from ..settings import Settings

    sim = SimulatedModel(text, gold, rate=rate, seed=seed, kinds=kinds)
    values: dict[str, Any] = dict(
        model="simulated",
        base_url="http://simulated.invalid/v1",
        api_key="simulated",
        mode=mode,
        chunk_chars=chunk_chars,
        max_retries=max_retries,
        transport_retries=0,
        concurrency=1,
        cache=False,
    )
    values.update(settings_overrides or {})
    settings = Settings(**values)
    client = ChunkClient(settings, http_client=sim.client())
    try:
        summary = summarize_document(
            Document.from_text(text), engine="hybrid", settings=settings, client=client
        )
    finally:
        client.close()
    return summary, sim


def sweep(
    documents: dict[str, tuple[str, GoldDocument]],
    rates: Sequence[float] = (0.0, 0.1, 0.3, 0.6, 1.0),
    *,
    seed: int = 0,
    kinds: Sequence[str] = KINDS,
    mode: str = "tools",
    settings_overrides: dict[str, Any] | None = None,
) -> list[SweepRow]:
    """For each rate: hybrid scores, and how many corrupted facts were shown as verified."""
    import logging

    from ..document import Document
    from ..pipeline import summarize_document
    from .metrics import score_document

    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    rules_results, rules_agree = [], []
    rules_summaries = {}
    for name, (text, gold) in documents.items():
        rs = summarize_document(Document.from_text(text), engine="rules")
        rules_summaries[name] = rs
        rules_results.append(score_document(rs, gold, text))
        rules_agree.append(agreement(rs, gold))
    rules = _pooled(rules_results, rules_agree)
    rows = []
    for rate in rates:
        results, agree, corrupted, got = [], [], [], []
        requests = degraded = chunks = 0
        for name, (text, gold) in documents.items():
            summary, sim = simulate_document(
                text,
                gold,
                rate,
                seed=seed,
                kinds=kinds,
                mode=mode,
                settings_overrides=settings_overrides,
            )
            results.append(score_document(summary, gold, text))
            agree.append(agreement(summary, gold))
            corrupted += sim.corruptions
            got += leaks(sim.corruptions, summary, rules_summaries[name])
            requests += sim.requests
            chunks += len(summary.provenance.chunks)
            degraded += sum(1 for c in summary.provenance.chunks if c.degraded)
        rows.append(
            SweepRow(
                rate=rate,
                metrics=_pooled(results, agree),
                rules=rules,
                corrupted=len(corrupted),
                leaked=len(got),
                leaked_by_kind=dict(Counter(c.kind for c in got)),
                corrupted_by_kind=dict(Counter(c.kind for c in corrupted)),
                requests=requests,
                degraded_chunks=degraded,
                chunks=chunks,
            )
        )
    return rows


def load_corpus(dirs: Iterable[tuple[Path, Path]]) -> dict[str, tuple[str, GoldDocument]]:
    """(corpus dir, gold dir) pairs → {document: (text, gold)} for documents with both."""
    from ..parse.loading import load_file
    from .gold import load_gold_dir

    out: dict[str, tuple[str, GoldDocument]] = {}
    for corpus, gold_dir in dirs:
        if not Path(corpus).is_dir() or not Path(gold_dir).is_dir():
            continue
        golds = load_gold_dir(Path(gold_dir))
        for name, g in sorted(golds.items()):
            p = Path(corpus) / name
            if p.is_file():
                out[name] = (load_file(p).text, g)
    return out


_METRIC_COLUMNS = (
    ("F1", "f1"),
    ("P", "precision"),
    ("R", "recall"),
    ("value", "value_accuracy"),
    ("role", "role_agreement"),
    ("name", "name_agreement"),
    ("year", "year_agreement"),
    ("kind", "kind_agreement"),
)


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def render_sweep(rows: list[SweepRow]) -> str:
    """A Markdown table: one row for the rules, one per rate."""
    head = (
        ["run"]
        + [c for c, _ in _METRIC_COLUMNS]
        + ["corrupted facts", "shown verified", "degraded chunks"]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    if rows:
        r = rows[0].rules
        lines.append(
            "| rules | " + " | ".join(_f(r[k]) for _, k in _METRIC_COLUMNS) + " | – | – | – |"
        )
    for row in rows:
        m = row.metrics
        cells = [f"hybrid, rate {row.rate:g}"] + [_f(m[k]) for _, k in _METRIC_COLUMNS]
        cells += [str(row.corrupted), str(row.leaked), f"{row.degraded_chunks}/{row.chunks}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
