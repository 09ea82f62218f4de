"""Matching predictions to gold: indicators, headings, projects, and number faithfulness.

The rules are written out in `plansum.eval` (the package docstring).
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from ..models import Indicator, PlanSummary, Quantity, Section, Span
from .gold import GoldHeading, GoldIndicator

NAME_THRESHOLD = 0.5
VALUE_REL_TOL = 1e-6
PROJECT_MIN_CONTAINED = 4
_ROLES = ("target", "actual", "growth", "baseline")


# --------------------------------------------------------------------------- normalisation

_NAME_DROP = re.compile(r"[\s*#|·•“”‘’\"'（）()\[\]【】《》<>,，、。.;；:：!！?？\-—_~]+")


def normalize_name(s: str) -> str:
    return _NAME_DROP.sub("", unicodedata.normalize("NFKC", s)).lower()


def normalize_unit(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def name_similarity(a: str, b: str) -> float:
    """SequenceMatcher ratio of the normalised names (1.0 when both are equal)."""
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=VALUE_REL_TOL, abs_tol=1e-9)


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Pair:
    """One gold indicator paired with one prediction (indexes into the two lists)."""

    gold: int
    pred: int
    matched: bool  # value, unit and location fit (counts for P/R/F1)
    value_correct: bool  # value, upper, unit and comparator all as in the gold
    role_correct: bool  # the value stands in the field the gold's role names
    overlap: bool
    similarity: float
    # Only for matched pairs; None when the gold does not record the fact.
    name_exact: bool = False  # the normalised names are equal
    year_correct: bool | None = None  # year (and period, when the gold has one) as in the gold
    direction_correct: bool | None = None  # direction as in the gold
    headline_correct: bool | None = None  # in the gold's headline group, by its label
    kind_correct: bool = False  # target / actual as in the gold
    attribute_correct: bool | None = None  # 预期性 / 约束性 as in the gold, when it records one


@dataclass
class IndicatorMatch:
    pairs: list[Pair]

    @property
    def matched(self) -> list[Pair]:
        return [p for p in self.pairs if p.matched]

    @property
    def misread(self) -> list[Pair]:
        return [p for p in self.pairs if not p.matched]


def _spans_of(p: Indicator) -> list[Span]:
    return [p.span] + [q.span for q in p.quantities() if q.span is not None]


def _overlaps(p: Indicator, g: GoldIndicator) -> bool:
    if g.start is None or g.end is None:
        return False
    return any(s.start < g.end and g.start < s.end for s in _spans_of(p))


# A sentence ends at 。！？； or a line break: a table cell is a sentence of its own.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def sentence_ends(text: str) -> list[int]:
    """Offsets of the characters that end a sentence, in order (for `same_sentence`)."""
    return [m.start() for m in _SENTENCE_END.finditer(text)]


def _same_sentence(p: Indicator, q: Quantity | None, g: GoldIndicator, ends: list[int]) -> bool:
    if g.start is None:
        return False
    at = q.span.start if q is not None and q.span is not None else p.span.start
    return bisect_right(ends, at - 1) == bisect_right(ends, g.start - 1)


def _value_fits(q: Quantity, g: GoldIndicator) -> bool:
    mine = [v for v in (q.value, q.upper) if v is not None]
    theirs = [v for v in (g.value, g.upper) if v is not None]
    return any(_close(a, b) for a in mine for b in theirs)


def _unit_of(q: Quantity, p: Indicator) -> str:
    return normalize_unit(q.unit or p.unit)


def _reading(p: Indicator, g: GoldIndicator) -> tuple[Quantity | None, bool]:
    """The quantity of P that answers G, and whether its value and unit fit."""
    role_q: Quantity | None = getattr(p, g.role)
    head = p.headline()
    gu = normalize_unit(g.unit)
    for q in (role_q, head):
        if q is not None and _value_fits(q, g) and _unit_of(q, p) == gu:
            return q, True
    return (role_q or head), False


def _distance(p: Indicator, g: GoldIndicator) -> int:
    if g.start is None:
        return 0
    head = p.headline()
    start = head.span.start if head is not None and head.span is not None else p.span.start
    return abs(start - g.start)


def _facts(p: Indicator, g: GoldIndicator) -> dict[str, Any]:
    """Name, year, direction and headline group of a matched pair, as the gold has them."""
    year: bool | None = None
    if g.year is not None or g.period is not None:
        year = (g.year is None or p.year == g.year) and (g.period is None or p.period == g.period)
    return {
        "kind_correct": p.kind == g.kind,
        "attribute_correct": None if g.attribute is None else p.attribute == g.attribute,
        "name_exact": normalize_name(p.name) == normalize_name(g.name),
        "year_correct": year,
        "direction_correct": None if g.direction is None else p.direction == g.direction,
        "headline_correct": None if g.headline is None else p.headline_group == g.headline,
    }


def _located(
    p: Indicator, q: Quantity | None, g: GoldIndicator, overlap: bool, sim: float,
    ends: list[int] | None,
) -> bool:
    """Where P stands fits G: by position when the text and G's offsets are known."""
    if overlap:
        return True
    if ends is not None and g.start is not None:
        return _same_sentence(p, q, g, ends)
    return sim >= NAME_THRESHOLD  # no offsets to go by: the same name anywhere


def match_indicators(
    predicted: list[Indicator], gold: list[GoldIndicator], text: str | None = None
) -> IndicatorMatch:
    """Pair predictions with gold indicators one-to-one by the module's matching rule.

    With `text`, a prediction is located at a gold item only by position (its spans overlap
    the gold's offsets, or its number stands in the same sentence); without it (or for gold
    without offsets) a similar name anywhere in the document also locates it.
    """
    ends = sentence_ends(text) if text is not None else None
    cands: list[tuple[tuple[Any, ...], Pair]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            q, fits = _reading(p, g)
            overlap = _overlaps(p, g)
            if not fits and not overlap:
                continue  # neither a match nor a misread: skip the name comparison
            sim = name_similarity(p.name, g.name)
            matched = fits and _located(p, q, g, overlap, sim, ends)
            if not matched and not overlap:
                continue
            value_correct = (
                matched
                and q is not None
                and _close(q.value, g.value)
                and _close(q.upper, g.upper)
                and q.comparator == g.comparator
            )
            role_q: Quantity | None = getattr(p, g.role)
            role_correct = matched and role_q is not None and _value_fits(role_q, g)
            pair = Pair(gi, pi, matched, value_correct, role_correct, overlap, round(sim, 6))
            if matched:
                pair = dataclasses.replace(pair, **_facts(p, g))
            key = (not matched, not overlap, -pair.similarity, _distance(p, g), gi, pi)
            cands.append((key, pair))
    cands.sort(key=lambda c: c[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[Pair] = []
    for _, pair in cands:
        if pair.gold in used_g or pair.pred in used_p:
            continue
        used_g.add(pair.gold)
        used_p.add(pair.pred)
        pairs.append(pair)
    pairs.sort(key=lambda p: p.gold)
    return IndicatorMatch(pairs)


# --------------------------------------------------------------------------- faithfulness


def _quantity_faithful(q: Quantity, fallback: Span, text: str) -> bool:
    from ..parse.numbers import parse_quantity

    span = q.span or fallback
    if not q.raw or q.raw not in text[span.start : span.end]:
        return False
    back = parse_quantity(q.raw)
    return back is not None and _close(back.value, q.value)


def check_numbers(summary: PlanSummary, text: str) -> tuple[int, list[str]]:
    """(numbers checked, descriptions of the unfaithful ones in text order)."""
    bad: list[tuple[int, str]] = []
    n = 0
    items: list[tuple[str, Quantity, Span]] = []
    for i, ind in enumerate(summary.indicators):
        for role in _ROLES:
            q = getattr(ind, role)
            if q is not None:
                items.append((f"indicator[{i}].{role} {ind.name}", q, ind.span))
    for i, pr in enumerate(summary.projects):
        if pr.quantity is not None:
            items.append((f"project[{i}].quantity {pr.name}", pr.quantity, pr.span))
    for label, q, span in items:
        n += 1
        if not _quantity_faithful(q, span, text):
            s = q.span or span
            bad.append((s.start, f"{label}: {q.raw!r} = {q.value:g} at {s.start}:{s.end}"))
    bad.sort()
    return n, [b for _, b in bad]


def check_spans(summary: PlanSummary, text: str) -> tuple[int, list[str]]:
    """Goal and project spans that do not hold their text (whitespace aside)."""
    bad: list[tuple[int, str]] = []
    items = [(f"goal[{i}]", g.text, g.span) for i, g in enumerate(summary.goals)]
    items += [(f"project[{i}]", p.name, p.span) for i, p in enumerate(summary.projects)]
    for label, s, span in items:
        if _compact(s) not in _compact(text[span.start : span.end]):
            bad.append((span.start, f"{label}: {s[:30]!r} not at {span.start}:{span.end}"))
    bad.sort()
    return len(items), [b for _, b in bad]


# --------------------------------------------------------------------------- headings, projects


def _flatten(sections: Iterable[Section]) -> list[Section]:
    out: list[Section] = []
    for s in sections:
        out.append(s)
        out.extend(_flatten(s.children))
    return out


def match_headings(predicted: list[Section], gold: list[GoldHeading]) -> tuple[int, int]:
    """(found by kind and title, found by title alone), one-to-one."""
    flat = _flatten(predicted)
    strict = Counter((s.kind, normalize_name(s.title)) for s in flat)
    loose = Counter(normalize_name(s.title) for s in flat)
    n_strict = n_loose = 0
    for h in gold:
        t = normalize_name(h.title)
        if strict[(h.kind, t)] > 0:
            strict[(h.kind, t)] -= 1
            n_strict += 1
    for h in gold:
        t = normalize_name(h.title)
        if loose[t] > 0:
            loose[t] -= 1
            n_loose += 1
    return n_strict, n_loose


def project_found(gold_name: str, predicted: list[str]) -> bool:
    g = _compact(gold_name)
    for name in predicted:
        p = _compact(name)
        if p == g:
            return True
        if min(len(p), len(g)) >= PROJECT_MIN_CONTAINED and (p in g or g in p):
            return True
    return False
