"""Counts per document and the rates derived from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import Indicator, PlanSummary
from .gold import GoldDocument
from .match import (
    Pair,
    _flatten,
    check_numbers,
    check_spans,
    match_headings,
    match_indicators,
    project_found,
)

# --------------------------------------------------------------------------- one document


@dataclass
class DocResult:
    """Counts for one document in one mode; the rates are derived from them."""

    document: str
    indicators_complete: bool
    gold_indicators: int = 0
    predicted_indicators: int = 0  # with a number; qualitative ones are counted apart
    qualitative_indicators: int = 0
    matched: int = 0
    misread: int = 0
    values_correct: int = 0
    roles_correct: int = 0
    numbers: int = 0
    unfaithful_number_items: list[str] = field(default_factory=list)
    spans: int = 0
    unfaithful_span_items: list[str] = field(default_factory=list)
    gold_headings: int = 0
    predicted_headings: int = 0
    headings_found: int = 0
    headings_found_by_title: int = 0
    gold_projects: int = 0
    predicted_projects: int = 0
    projects_found: int = 0
    missed_indicators: list[str] = field(default_factory=list)
    names_exact: int = 0  # matched pairs whose normalised names are equal
    gold_years: int = 0  # matched pairs whose gold records a year or period
    years_correct: int = 0
    gold_directions: int = 0  # matched pairs whose gold records a direction
    directions_correct: int = 0
    gold_headline: int = 0  # gold indicators in a headline group
    headline_found: int = 0  # … matched to a prediction in the same group
    predicted_headline: int = 0  # predicted indicators in a headline group
    wrong_facts: list[str] = field(default_factory=list)  # matched, but year/direction/group wrong
    kinds_correct: int = 0  # matched pairs whose kind (target / actual) is the gold's
    gold_attributes: int = 0  # matched pairs whose gold records 预期性 / 约束性
    attributes_correct: int = 0


def score_document(summary: PlanSummary, gold: GoldDocument, text: str) -> DocResult:
    # An indicator with no number (a qualitative target such as 达到省里要求) is outside what
    # the gold records, so it is neither a hit nor a false positive; its numbers, if any, are
    # still checked for faithfulness.
    scorable = [i for i in summary.indicators if i.headline() is not None]
    m = match_indicators(scorable, gold.indicators, text)
    n_numbers, bad_numbers = check_numbers(summary, text)
    n_spans, bad_spans = check_spans(summary, text)
    h_strict, h_loose = match_headings(summary.outline, gold.headings)
    pred_names = [p.name for p in summary.projects]
    paired = {p.gold for p in m.matched}
    missed = [
        f"{g.name} {g.value:g}{g.unit}" + (f" at {g.start}:{g.end}" if g.start is not None else "")
        for i, g in enumerate(gold.indicators)
        if i not in paired
    ]
    facts = _fact_counts(m.matched, scorable, gold)
    return DocResult(
        **facts,  # type: ignore[arg-type]
        document=gold.document,
        indicators_complete="indicators" in gold.complete,
        gold_indicators=len(gold.indicators),
        predicted_indicators=len(scorable),
        qualitative_indicators=len(summary.indicators) - len(scorable),
        matched=len(m.matched),
        misread=len(m.misread),
        values_correct=sum(p.value_correct for p in m.pairs),
        roles_correct=sum(p.role_correct for p in m.matched),
        numbers=n_numbers,
        unfaithful_number_items=bad_numbers,
        spans=n_spans,
        unfaithful_span_items=bad_spans,
        gold_headings=len(gold.headings),
        predicted_headings=len(_flatten(summary.outline)),
        headings_found=h_strict,
        headings_found_by_title=h_loose,
        gold_projects=len(gold.projects),
        predicted_projects=len(summary.projects),
        projects_found=sum(project_found(g, pred_names) for g in gold.projects),
        missed_indicators=missed,
    )


def _fact_counts(
    matched: list[Pair], predicted: list[Indicator], gold: GoldDocument
) -> dict[str, object]:
    wrong: list[str] = []
    for p in matched:
        g, ind = gold.indicators[p.gold], predicted[p.pred]
        what = f"{g.name} {g.value:g}{g.unit}"
        if p.year_correct is False:
            wrong.append(
                f"{what}: year {ind.year} {ind.period or ''} (gold {g.year} {g.period or ''})"
            )
        if p.direction_correct is False:
            wrong.append(f"{what}: direction {ind.direction} (gold {g.direction})")
        if p.headline_correct is False:
            wrong.append(f"{what}: headline {ind.headline_group} (gold {g.headline})")
        if not p.kind_correct:
            wrong.append(f"{what}: kind {ind.kind.value} (gold {g.kind.value})")
        if p.attribute_correct is False:
            got = ind.attribute.value if ind.attribute is not None else None
            wrong.append(f"{what}: attribute {got} (gold {g.attribute.value if g.attribute else None})")
    return {
        "kinds_correct": sum(p.kind_correct for p in matched),
        "gold_attributes": sum(p.attribute_correct is not None for p in matched),
        "attributes_correct": sum(p.attribute_correct is True for p in matched),
        "names_exact": sum(p.name_exact for p in matched),
        "gold_years": sum(p.year_correct is not None for p in matched),
        "years_correct": sum(p.year_correct is True for p in matched),
        "gold_directions": sum(p.direction_correct is not None for p in matched),
        "directions_correct": sum(p.direction_correct is True for p in matched),
        "gold_headline": sum(g.headline is not None for g in gold.indicators),
        "headline_found": sum(p.headline_correct is True for p in matched),
        "predicted_headline": sum(i.headline_group is not None for i in predicted),
        "wrong_facts": wrong,
    }


# --------------------------------------------------------------------------- metrics


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def metrics(results: list[DocResult]) -> dict[str, Any]:
    """Rates and pooled counts over one or more documents (micro averages)."""
    complete = [r for r in results if r.indicators_complete]
    tp_c = sum(r.matched for r in complete)
    pred_c = sum(r.predicted_indicators for r in complete)
    gold_c = sum(r.gold_indicators for r in complete)
    if not complete:
        precision = None
    elif pred_c:
        precision = tp_c / pred_c
    else:
        precision = 1.0 if gold_c == 0 else 0.0
    tp = sum(r.matched for r in results)
    recall = _ratio(tp, sum(r.gold_indicators for r in results))
    pairs = sum(r.matched + r.misread for r in results)
    numbers = sum(r.numbers for r in results)
    unfaithful = sum(len(r.unfaithful_number_items) for r in results)
    spans = sum(r.spans for r in results)
    bad_spans = sum(len(r.unfaithful_span_items) for r in results)
    gh = sum(r.gold_headings for r in results)
    gp = sum(r.gold_projects for r in results)
    return {
        "gold_indicators": sum(r.gold_indicators for r in results),
        "predicted_indicators": sum(r.predicted_indicators for r in results),
        "qualitative_indicators": sum(r.qualitative_indicators for r in results),
        "matched": tp,
        "misread": sum(r.misread for r in results),
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "value_accuracy": _ratio(sum(r.values_correct for r in results), pairs),
        "role_agreement": _ratio(sum(r.roles_correct for r in results), tp),
        "numbers": numbers,
        "unfaithful_numbers": unfaithful,
        "number_faithfulness": _ratio(numbers - unfaithful, numbers),
        "spans": spans,
        "unfaithful_spans": bad_spans,
        "span_faithfulness": _ratio(spans - bad_spans, spans),
        "gold_headings": gh,
        "predicted_headings": sum(r.predicted_headings for r in results),
        "heading_recall": _ratio(sum(r.headings_found for r in results), gh),
        "heading_recall_by_title": _ratio(sum(r.headings_found_by_title for r in results), gh),
        "gold_projects": gp,
        "predicted_projects": sum(r.predicted_projects for r in results),
        "project_recall": _ratio(sum(r.projects_found for r in results), gp),
        "name_exactness": _ratio(sum(r.names_exact for r in results), tp),
        "kind_accuracy": _ratio(sum(r.kinds_correct for r in results), tp),
        "attribute_accuracy": _ratio(
            sum(r.attributes_correct for r in results), sum(r.gold_attributes for r in results)
        ),
        "year_accuracy": _ratio(
            sum(r.years_correct for r in results), sum(r.gold_years for r in results)
        ),
        "direction_accuracy": _ratio(
            sum(r.directions_correct for r in results), sum(r.gold_directions for r in results)
        ),
        "gold_headline": sum(r.gold_headline for r in results),
        "predicted_headline": sum(r.predicted_headline for r in results),
        "headline_recall": _ratio(
            sum(r.headline_found for r in results), sum(r.gold_headline for r in results)
        ),
    }
