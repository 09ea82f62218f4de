"""Verdicts: a target against an actual, read as intervals (the rule is `RULE` in ledger.models)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..models import (
    Comparator,
)
from .models import (
    ABOUT_TOLERANCE_PP,
    ABOUT_TOLERANCE_REL,
    Assessment,
    Cell,
    Status,
    Verdict,
)

# ---------------------------------------------------------------------------------------------
# Verdicts

_INF = math.inf


def _actual_interval(c: Cell) -> tuple[float, float]:
    if c.upper is not None:
        return c.value, c.upper
    if c.comparator in (Comparator.more_than, Comparator.at_least):
        return c.value, _INF
    if c.comparator in (Comparator.less_than, Comparator.at_most):
        return -_INF, c.value
    return c.value, c.value


def _tolerance(t: Cell) -> float:
    return ABOUT_TOLERANCE_PP if t.unit in ("%", "个百分点") else abs(t.value) * ABOUT_TOLERANCE_REL


def _satisfied_region(t: Cell, direction: str) -> tuple[float, float, bool, bool, str]:
    """(lo, hi, lo_strict, hi_strict, rule) of actual values that meet the target."""
    v, c = t.value, t.comparator
    if t.upper is not None:
        if direction == "down":
            return -_INF, t.upper, False, False, f"range: actual <= {t.upper:g}"
        return v, _INF, False, False, f"range: actual >= {v:g}"
    if c in (Comparator.at_most,):
        return -_INF, v, False, False, f"以内: actual <= {v:g}"
    if c == Comparator.less_than:
        return -_INF, v, False, True, f"低于: actual < {v:g}"
    if c == Comparator.more_than:
        return v, _INF, True, False, f"超过: actual > {v:g}"
    if c == Comparator.at_least:
        return v, _INF, False, False, f"以上: actual >= {v:g}"
    if direction == "down":
        if c == Comparator.about:
            tol = _tolerance(t)
            return -_INF, v + tol, False, False, f"左右, falling: actual <= {v + tol:g}"
        return -_INF, v, False, False, f"falling: actual <= {v:g}"
    if c == Comparator.about:
        tol = _tolerance(t)
        return v - tol, _INF, False, False, f"左右: actual >= {v - tol:g}"
    return v, _INF, False, False, f"actual >= {v:g}"


def _above(x: float, bound: float, strict: bool) -> bool:
    """x >= bound (x > bound when strict), with infinite ends."""
    if bound == -_INF:
        return True
    return x > bound if strict else x >= bound


def judge(target: Cell, actual: Cell, direction: str = "up") -> tuple[Verdict, str]:
    """Met, missed or not yet known for one target and one actual (see the module docstring)."""
    lo, hi, lo_s, hi_s, rule = _satisfied_region(target, direction)
    a_lo, a_hi = _actual_interval(actual)
    why = f"{actual.raw} vs {target.raw} ({rule})"
    inside = _above(a_lo, lo, lo_s) and _above(-a_hi, -hi, hi_s)
    if inside:
        return "met", why
    outside = (a_hi < lo or (a_hi == lo and lo_s)) or (a_lo > hi or (a_lo == hi and hi_s))
    if outside:
        return "missed", why
    return "not_yet_known", f"{actual.raw} is a bound; cannot tell against {target.raw} ({rule})"


def _same(a: Cell, b: Cell) -> bool:
    return (a.value, a.upper, a.comparator, a.unit) == (b.value, b.upper, b.comparator, b.unit)


def _conflicts(cells: Sequence[Cell], what: str) -> list[str]:
    distinct: list[Cell] = []
    for c in cells:
        if not any(_same(c, d) for d in distinct):
            distinct.append(c)
    if len(distinct) < 2:
        return []
    return [f"{what} differ: " + " | ".join(f"{c.raw} ({c.document})" for c in distinct)]


def _row_status(
    targets: list[Cell], actuals: list[Cell], direction: str, year: int | None = None,
    reach: int | None = None,
) -> tuple[Status, list[Assessment]]:
    assessments = [
        Assessment(target=i, actual=j, verdict=v, reason=r)
        for i, t in enumerate(targets)
        for j, a in enumerate(actuals)
        for v, r in [judge(t, a, direction)]
    ]
    if not targets:
        return "no_target", assessments
    if not actuals:
        if year is not None and reach is not None and year <= reach:
            return "no_result", assessments  # the documents go past the year, no result in them
        return "not_yet_known", assessments
    verdicts = {a.verdict for a in assessments}
    if len(verdicts) == 1:
        return next(iter(verdicts)), assessments
    return "disputed", assessments
