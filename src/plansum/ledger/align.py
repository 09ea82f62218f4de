"""Aligning figures across documents: normalised names and keys, the measure, the year or period a figure is for, cells."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..models import (
    CheckStatus,
    Comparator,
    DocumentInfo,
    Indicator,
    IndicatorKind,
    PlanSummary,
    Quantity,
)
from ..parse.dating import Era, averaged_before, own_era, plan_containing
from ..parse.docinfo import document_year
from ..parse.names import _FALLING, _STRIP, indicator_key
from .models import (
    Cell,
    Role,
)


def direction_of(ind: Indicator, label: str) -> Literal["up", "down"]:
    """Whether less is better (失业率, 能耗 …): what a target on it asks for.

    Not the direction of the change a sentence states (增长 / 下降): that one signs the
    figure (see `stated_sign`), this one decides which side of the target meets it."""
    return "down" if _FALLING.search(label) or _FALLING.search(ind.name) else "up"


_DECLINE = re.compile(r"(下降|降低|减少|下滑|回落|压减|降幅|减少了|下降了)[了到至为达]?$")


def stated_sign(ind: Indicator, q: Quantity, text: str) -> int:
    """-1 when the sentence states the change as a fall (下降3% is a change of -3 %).

    Reads the indicator's direction field (issue 11) when it has one, else the words just
    before the number."""
    if q is not ind.growth:
        return 1
    declared = getattr(ind, "direction", None)
    if declared in ("up", "down"):
        return -1 if declared == "down" else 1
    start = q.span.start if q.span else ind.span.start
    before = re.split(r"[,，;；。、]", text[max(0, start - 8) : start])[-1]
    return -1 if _DECLINE.search(before) else 1


_FLIP = {
    Comparator.at_least: Comparator.at_most,
    Comparator.at_most: Comparator.at_least,
    Comparator.more_than: Comparator.less_than,
    Comparator.less_than: Comparator.more_than,
}


# ---------------------------------------------------------------------------------------------
# When a figure is for


@dataclass(frozen=True)
class When:
    start: int
    end: int  # == start for a single year
    average: bool  # 年均: an average annual rate over start..end
    how: str


def _doc_years(info: DocumentInfo) -> tuple[int, int] | None:
    if not info.period:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", info.period)
    if not m:
        return None
    a = int(m.group(1))
    return a, int(m.group(2) or a)


def _declared(ind: Indicator, averaged: bool) -> When | None:
    """The year or period the indicator model states (the fields of issue 11)."""
    period = getattr(ind, "period", None)
    m = re.fullmatch(r"(\d{4})-(\d{4})", period) if isinstance(period, str) else None
    if m and int(m.group(1)) < int(m.group(2)):
        return When(int(m.group(1)), int(m.group(2)), averaged, f"period field {period}")
    year = getattr(ind, "year", None)
    if isinstance(year, int) and not averaged:
        return When(year, year, False, "year field")
    return None


def when_of(ind: Indicator, q: Quantity, role: Role, info: DocumentInfo, text: str) -> When | None:
    """The year or period a figure is for.

    Reads, in order: the columns of a plan table (baseline_year, target_year, the 年均 growth
    column); the time the number's own sentence names before it (2025年, 今年, 去年, 全年 —
    the year reviewed for a result, the year ahead for a target —, “十四五”收官之年, 十五五,
    五年来); the year and period fields of the indicator, which the rules read from the
    paragraph, then the part of the document it stands in (review, this year's targets, the
    new plan's targets); the document's own period.  年均 in the name or in the number's clause
    makes it an average over a period, never one year: the period named, else the five-year
    plan the year falls in.  Where a declared field disagrees with the sentence, `how` says so.
    """
    pos = q.span.start if q.span else ind.span.start
    doc = _doc_years(info)
    doc_year = document_year(info)
    average = "年均" in ind.name
    averaged = average or averaged_before(text, pos)
    table = bool(ind.baseline_year and ind.target_year)
    if q is ind.baseline and ind.baseline_year:
        return When(ind.baseline_year, ind.baseline_year, False, "baseline_year")
    if q is ind.growth and table:
        # the growth column of a plan table: average over baseline_year+1 .. target_year
        # (for an indicator that is itself a rate, a change; see _measure)
        return When(ind.baseline_year + 1, ind.target_year, True, "table growth column")  # type: ignore[operator, arg-type]
    kind = IndicatorKind.actual if role == "actual" else IndicatorKind.target
    declared = None if q is ind.baseline or table else _declared(ind, averaged)
    era = own_era(text, pos, doc_year, kind)
    if era is not None:
        found = _when_of_era(era, averaged, doc, "sentence")
        if declared is not None and (declared.start, declared.end) != (found.start, found.end):
            return When(
                found.start, found.end, found.average, f"{found.how}; {declared.how} set aside"
            )
        return found
    if averaged:
        # an average with no time in its sentence: the indicator's period, else the plan
        # its year (or the document's) falls in
        period = getattr(ind, "period", None)
        m = re.fullmatch(r"(\d{4})-(\d{4})", period) if isinstance(period, str) else None
        if m and int(m.group(1)) < int(m.group(2)):
            return When(int(m.group(1)), int(m.group(2)), True, f"period field {period} 年均")
        if doc and doc[0] < doc[1]:
            return When(doc[0], doc[1], True, "document period 年均")
        year = ind.year if isinstance(ind.year, int) else ind.target_year or doc_year
        if year is None:
            return None
        a, b = plan_containing(year)
        return When(a, b, True, f"年均: the plan {year} falls in")
    if declared is not None:
        return declared
    if ind.target_year:
        return When(ind.target_year, ind.target_year, False, "target_year")
    if doc and doc[0] == doc[1]:
        if role == "target":
            return When(doc[0], doc[0], False, "document period")
        return When(doc[0] - 1, doc[0] - 1, False, "document period, results of the year before")
    if doc and role == "target":
        # an undated target in a multi-year plan is for the end of its period
        return When(doc[1], doc[1], False, "document period end")
    return None


def _when_of_era(era: Era, averaged: bool, doc: tuple[int, int] | None, how: str) -> When:
    if era.period is not None and era.year is None:
        a, b = era.period
        return When(a, b, averaged, f"{how} {a}-{b}")
    y = era.year if era.year is not None else 0
    if averaged:
        a, b = doc if doc and doc[0] < doc[1] and doc[1] == y else plan_containing(y)
        return When(a, b, True, f"{how} {y}年 年均, plan period")
    return When(y, y, False, f"{how} {y}年")


# ---------------------------------------------------------------------------------------------
# Cells


@dataclass(frozen=True)
class _Placed:
    region: str
    key: str
    label: str
    headline: bool
    measure: str
    unit: str
    direction: Literal["up", "down"]
    when: When
    cell: Cell


_GROWTH_NAME = re.compile(r"(增长|增速|增长率|年均增速)$")


def _role(ind: Indicator, q: Quantity) -> Role:
    if q is ind.baseline or q is ind.actual:
        return "actual"
    if q is ind.target:
        return "target"
    return "actual" if ind.kind == IndicatorKind.actual else "target"


def _measure(ind: Indicator, q: Quantity) -> tuple[str, str]:
    unit = q.unit or ind.unit
    if q is ind.growth:
        if "番" in q.raw or unit == "番":  # 翻一番: a multiple of the baseline, not a rate
            return "change", "番"
        if unit in ("个百分点", "百分点", "倍"):
            return "change", unit
        if ind.baseline_year and ind.target_year and ind.unit == "%":
            # a plan table's 年均增长 column on a rate (城镇化率 3左右): points, not growth
            return "change", ""
        return "growth", "%"
    if unit == "%" and _GROWTH_NAME.search(_STRIP.sub("", ind.name)):
        return "growth", "%"
    return "level", unit


def cells_of(
    summary: PlanSummary, text: str, document: str, region: str | None = None
) -> tuple[list[_Placed], int]:
    """Every tracked figure of a summary, placed in time; and how many could not be placed."""
    info = summary.document
    reg = region or info.region or "?"
    placed: list[_Placed] = []
    unplaced = 0
    seen: set[tuple[str, int, int]] = set()  # one figure at one span is one cell
    for ind in summary.indicators:
        if ind.check.status == CheckStatus.rejected:
            continue
        key, label, headline = indicator_key(ind.name)
        if not key:
            continue
        direction = direction_of(ind, label)
        for q in (ind.baseline, ind.target, ind.actual, ind.growth):
            if q is None or q.span is None:
                continue
            if q is ind.baseline and ind.baseline_year is None:
                continue
            role = _role(ind, q)
            if (role, q.span.start, q.span.end) in seen:
                continue
            seen.add((role, q.span.start, q.span.end))
            when = when_of(ind, q, role, info, text)
            if when is None:
                unplaced += 1
                continue
            measure, unit = _measure(ind, q)
            value, upper, comparator = q.value, q.upper, q.comparator
            if stated_sign(ind, q, text) < 0:  # 下降3%以上: a change of at most -3
                value = -abs(q.value)
                upper = None if q.upper is None else -abs(q.upper)
                if upper is not None:
                    value, upper = upper, value
                comparator = _FLIP.get(q.comparator, q.comparator)
            cell = Cell(
                document=document,
                role=role,
                name=ind.name,
                raw=q.raw,
                value=value,
                upper=upper,
                unit=unit,
                comparator=comparator,
                aspirational=q.aspirational,
                span=q.span,
                origin=ind.origin,
                check=ind.check.status,
                dated_by=when.how,
            )
            placed.append(_Placed(reg, key, label, headline, measure, unit, direction, when, cell))
    return placed, unplaced
