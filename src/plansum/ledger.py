"""Targets against results across documents and years: the ledger behind `plansum track`.

Each document is summarized on its own (rules, model or replayed model); every tracked number
of every indicator becomes a `Cell` that keeps its document, span, origin and check status.
Cells are aligned by region, a normalised indicator name, the measure (growth rate or level)
and the year (or the multi-year period) they are for.  Nothing is merged: two documents that
state different figures for the same slot stand side by side and the row says so.

How a target is judged against an actual (the rule `RULE` below is also written into every
ledger and into docs/track.md):

- An actual is read as an interval: a bare figure is a point, 超过/以上 an open upper end,
  低于/以内 an open lower end.  The verdict is *met* when the whole interval satisfies the
  target, *missed* when none of it does, otherwise *not yet known* (the bound cannot tell).
- For an indicator that should rise (most): 以上/不低于 (at_least) and a bare figure
  (exact) are floors: met when actual >= target; 超过/突破 (more_than) needs actual > target;
  a range 8~10 needs actual >= its lower end; 左右/约 (about) is met down to the target minus
  a tolerance, 0.5 percentage points for figures in % and 5 % of the target for other units;
  以内/以下/控制在 (at_most) and 低于 (less_than) are ceilings (actual <= / < target).
- For an indicator that should fall (失业率, 能耗, 排放, 浓度 …) the floors become ceilings:
  a bare figure or 以内 needs actual <= target, 左右 allows the tolerance above, 低于 needs
  actual < target; 以上 and 超过 stay floors.
- A change stated as a fall (下降3%) is negative, and its comparator turns with it
  (降低3%以上 is a change of at most -3 %).
- A target with no actual in the documents is *no result in the documents* when its year is
  one the documents could report on (up to the year before the latest document's), else *not
  yet known*; a slot whose sources disagree on the verdict is *disputed*.
- A five-year (period) growth target is held against the annual chain: the compounded average
  of the annual actuals of the years in the period.  It is met or missed only when every
  year is known; until then the ledger shows the average so far and the yearly growth the
  remaining years need.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ._version import __version__
from .dating import Era, averaged_before, own_era, plan_containing
from .docinfo import document_year
from .models import (
    CheckStatus,
    Comparator,
    DocumentInfo,
    Indicator,
    IndicatorKind,
    Origin,
    PlanSummary,
    Quantity,
    Span,
)

LEDGER_SCHEMA_VERSION = "1"

ABOUT_TOLERANCE_PP = 0.5  # 左右 on a figure in %: met down to target - 0.5 percentage points
ABOUT_TOLERANCE_REL = 0.05  # 左右 on other units: met down to 95 % of the target

RULE = (
    "actual read as an interval (超过/以上: open above, 低于/以内: open below); "
    "rising indicators: 以上/不低于 and a bare figure need actual >= target, 超过/突破 "
    f"actual > target, a range its lower end, 左右 actual >= target - {ABOUT_TOLERANCE_PP} "
    f"percentage points (figures in %) or - {ABOUT_TOLERANCE_REL:.0%} (other units), "
    "以内/以下 actual <= target, 低于 actual < target; falling indicators (失业率, 能耗, "
    "排放, 浓度 …) mirror this; no actual: no result in the documents for a year they could "
    "report on (up to the year before the latest document's), else not yet known; sources "
    "that disagree: disputed; "
    "a five-year growth target against the compounded average of the annual actuals, "
    "decided only when every year is known"
)

Role = Literal["target", "actual"]
Measure = Literal["growth", "level", "change"]
Verdict = Literal["met", "missed", "not_yet_known"]
# no_result: a target for a year the documents could have reported on (the latest document
# speaks from a later year) but hold no result for; not_yet_known: a year still to report.
Status = Literal["met", "missed", "not_yet_known", "disputed", "no_target", "no_result"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LedgerDocument(_Model):
    """One input document, named as the user gave it."""

    name: str
    title: str | None = None
    doc_type: str = "other"
    region: str | None = None
    period: str | None = None
    date: str | None = None
    mode: Literal["rules", "llm", "hybrid"] = "rules"
    chars: int = 0


class Cell(_Model):
    """One figure as one document states it, with where it stands."""

    document: str = Field(description="The document it stands in (LedgerDocument.name).")
    role: Role = Field(description="target: promised; actual: reported as achieved.")
    name: str = Field(description="The indicator name as extracted from that document.")
    raw: str = Field(description="The number as written, comparator words included (6%以上).")
    value: float
    upper: float | None = None
    unit: str = ""
    comparator: Comparator = Comparator.exact
    aspirational: bool = Field(default=False, description="Stated with 力争 / 争取.")
    span: Span = Field(description="Where the number stands in the document's decoded text.")
    origin: Origin = "rules"
    check: CheckStatus = Field(
        default=CheckStatus.verified, description="The check status it had in the summary."
    )
    dated_by: str = Field(
        description="How its year or period was read: context 2025年, target_year, document period …"
    )


class Assessment(_Model):
    """One target held against one actual."""

    target: int = Field(description="Index into the row's targets.")
    actual: int = Field(description="Index into the row's actuals.")
    verdict: Verdict
    reason: str


class LedgerRow(_Model):
    """An indicator in one year: what was promised, what was reported, and the verdict."""

    region: str
    indicator: str = Field(description="Normalised indicator key, e.g. gdp, industrial_va.")
    label: str
    measure: Measure
    unit: str
    direction: Literal["up", "down"] = "up"
    year: int
    targets: list[Cell] = Field(default_factory=list)
    actuals: list[Cell] = Field(default_factory=list)
    assessments: list[Assessment] = Field(default_factory=list)
    status: Status
    conflicts: list[str] = Field(
        default_factory=list, description="Figures for this slot that disagree, named side by side."
    )


class ChainLink(_Model):
    year: int
    actual: float | None = Field(default=None, description="The annual growth reported, in %.")
    document: str | None = None
    span: Span | None = None
    target: str | None = Field(default=None, description="The annual target as written, if any.")
    others: list[float] = Field(
        default_factory=list,
        description="Other actuals the documents give for this year (the row shows them all).",
    )


class PeriodRow(_Model):
    """A multi-year figure (e.g. 十四五 年均增长6%) and, for growth, the annual chain under it."""

    region: str
    indicator: str
    label: str
    measure: Literal["average_growth", "cumulative_growth", "level", "change"]
    unit: str
    direction: Literal["up", "down"] = "up"
    start: int
    end: int
    targets: list[Cell] = Field(default_factory=list)
    actuals: list[Cell] = Field(
        default_factory=list, description="Results stated for the whole period."
    )
    chain: list[ChainLink] = Field(default_factory=list)
    years_known: int = 0
    average_so_far: float | None = Field(
        default=None, description="Compounded average of the known annual actuals, in %."
    )
    needed_for_rest: float | None = Field(
        default=None, description="Yearly growth the unknown years need to meet the target, in %."
    )
    status: Status
    reason: str = ""
    conflicts: list[str] = Field(default_factory=list)


class RegionLedger(_Model):
    region: str
    rows: list[LedgerRow] = Field(default_factory=list)
    periods: list[PeriodRow] = Field(default_factory=list)


class LedgerProvenance(_Model):
    plansum_version: str
    schema_version: str = LEDGER_SCHEMA_VERSION
    about_tolerance_pp: float = ABOUT_TOLERANCE_PP
    about_tolerance_rel: float = ABOUT_TOLERANCE_REL


class TrackLedger(_Model):
    documents: list[LedgerDocument]
    regions: list[RegionLedger]
    rule: str = RULE
    headline: list[str] = Field(description="Indicator keys charted in HTML.")
    unplaced: int = Field(
        default=0, description="Figures left out because their year or period could not be read."
    )
    provenance: LedgerProvenance


# ---------------------------------------------------------------------------------------------
# Names

# Normalised name -> (key, label).  Scope variants that the documents use for one series are
# aligned (限额以上固定资产投资 with 固定资产投资); the cell keeps the name as written.
_SYNONYMS: dict[str, tuple[str, str]] = {}
_HEADLINE: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "gdp",
        "地区生产总值",
        # 经济增长5%左右 is GDP growth (the name keeps 经济 once 增长 is cut)
        ("地区生产总值", "生产总值", "GDP", "地区生产总值GDP", "国内生产总值", "经济", "经济增长"),
    ),
    ("gdp_per_capita", "人均地区生产总值", ("人均地区生产总值", "人均GDP", "人均生产总值")),
    ("industrial_va", "规模以上工业增加值", ("规模以上工业增加值", "规上工业增加值")),
    (
        "fixed_investment",
        "固定资产投资",
        ("固定资产投资", "限额以上固定资产投资", "全社会固定资产投资", "限上固定资产投资"),
    ),
    ("retail_sales", "社会消费品零售总额", ("社会消费品零售总额", "社零", "社零额", "社消零")),
    (
        "budget_revenue",
        "一般公共预算收入",
        ("一般公共预算收入", "地方一般公共预算收入", "一般公共财政预算收入"),
    ),
    (
        "urban_income",
        "城镇居民人均可支配收入",
        ("城镇居民人均可支配收入", "城镇常住居民人均可支配收入"),
    ),
    (
        "rural_income",
        "农村居民人均可支配收入",
        (
            "农村居民人均可支配收入",
            "农村常住居民人均可支配收入",
            "农村牧区常住居民人均可支配收入",
            "农村牧区居民人均可支配收入",
            "农牧民人均可支配收入",
        ),
    ),
    (
        "income",
        "居民人均可支配收入",
        ("全体居民人均可支配收入", "居民人均可支配收入", "城乡居民人均可支配收入"),
    ),
    ("urbanization", "常住人口城镇化率", ("常住人口城镇化率", "城镇化率")),
    ("new_urban_jobs", "城镇新增就业", ("城镇新增就业", "新增城镇就业", "城镇新增就业人数")),
    ("registered_unemployment", "城镇登记失业率", ("城镇登记失业率", "登记失业率")),
    ("surveyed_unemployment", "城镇调查失业率", ("城镇调查失业率", "调查失业率")),
    ("grain_output", "粮食产量", ("粮食产量", "粮食总产量", "粮食总产")),
]
for _key, _label, _names in _HEADLINE:
    for _n in _names:
        _SYNONYMS[_n] = (_key, _label)

HEADLINE_KEYS = [
    "gdp",
    "industrial_va",
    "fixed_investment",
    "retail_sales",
    "budget_revenue",
    "urban_income",
    "rural_income",
    "urbanization",
]

_PREFIXES = ("全市", "全旗", "全县", "全区", "全盟", "全省", "我市", "我旗", "我县", "实现", "全年")
_SUFFIXES = (
    "年均实际增长",
    "年均增长率",
    "年均增长",
    "年均增速",
    "年均实际",
    "实际增长",
    "增长率",
    "增长",
    "增速",
    "年均",
    "实际",
    "按可比口径",
    "可比口径",
    "总额累计",
    "累计",
)
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:自治县|自治州|市|县|旗|盟|州|区)")
_STRIP = re.compile(r"[\s“”\"'‘’（）()、,，:：；;|*]+")
_FALLING = re.compile(r"失业率|能耗|能源消耗|排放量|浓度|不良贷款率|发案率|死亡率")


def normalize_name(name: str) -> str:
    """The indicator name without region prefixes, growth words and punctuation."""
    n = _STRIP.sub("", name)
    changed = True
    while changed and n:
        changed = False
        for p in _PREFIXES:
            if n.startswith(p) and len(n) > len(p) + 1:
                n, changed = n[len(p) :], True
        for s in _SUFFIXES:
            if n.endswith(s) and len(n) > len(s) + 1:
                n, changed = n[: -len(s)], True
    return n


def indicator_key(name: str) -> tuple[str, str, bool]:
    """(key, label, headline) for an indicator name; unknown names key on their normal form."""
    n = normalize_name(name)
    if n not in _SYNONYMS:
        # a place name in front (云溪县地区生产总值, 通辽市GDP) when what follows is known
        m = _PLACE.match(n)
        if m and n[m.end() :] in _SYNONYMS:
            n = n[m.end() :]
    if n in _SYNONYMS:
        key, label = _SYNONYMS[n]
        return key, label, True
    return n, n, False


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
            return When(found.start, found.end, found.average, f"{found.how}; {declared.how} set aside")
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


# ---------------------------------------------------------------------------------------------
# The ledger


@dataclass
class TrackInput:
    """One document ready for the ledger: its summary and the text its spans index."""

    name: str
    summary: PlanSummary
    text: str
    region: str | None = None


def _order(c: Cell, docs: dict[str, int]) -> tuple[int, int]:
    return docs.get(c.document, 0), c.span.start


def _chain(
    region: str, key: str, start: int, end: int, rows: dict[tuple[Any, ...], LedgerRow]
) -> list[ChainLink]:
    links = []
    for y in range(start, end + 1):
        row = rows.get((region, key, "growth", "%", y))
        link = ChainLink(year=y)
        if row is not None:
            if row.actuals:
                a = row.actuals[0]
                link.actual, link.document, link.span = a.value, a.document, a.span
                link.others = list(
                    dict.fromkeys(c.value for c in row.actuals if c.value != a.value)
                )
            if row.targets:
                link.target = row.targets[0].raw
        links.append(link)
    return links


def _period_growth(p: PeriodRow, rows: dict[tuple[Any, ...], LedgerRow]) -> None:
    p.chain = _chain(p.region, p.indicator, p.start, p.end, rows)
    known = [lk.actual for lk in p.chain if lk.actual is not None]
    n = p.end - p.start + 1
    p.years_known = len(known)
    if known:
        prod = math.prod(1 + g / 100 for g in known)
        p.average_so_far = round((prod ** (1 / len(known)) - 1) * 100, 2)
    if p.actuals and not p.targets:
        p.status = "no_target"
        p.reason = "a result for the period, no target for it in these documents"
        return
    if not p.targets:
        p.status, p.reason = "no_target", "annual chain only"
        return
    verdicts = set()
    reasons = []
    distinct: list[Cell] = []
    for t in p.targets:
        if not any(_same(t, d) for d in distinct):
            distinct.append(t)
    for t in distinct:
        if p.actuals:
            for a in p.actuals:
                v, r = judge(t, a, p.direction)
                verdicts.add(v)
                reasons.append(r)
            continue
        if len(known) == n:
            avg = Cell.model_validate(
                {
                    **p.targets[0].model_dump(),
                    "value": p.average_so_far,
                    "raw": f"{p.average_so_far:g}%",
                    "comparator": Comparator.exact,
                    "upper": None,
                    "role": "actual",
                }
            )
            v, r = judge(t, avg, p.direction)
            verdicts.add(v)
            reasons.append(f"compounded annual average {r}")
        else:
            verdicts.add("not_yet_known")
            goal = (1 + t.value / 100) ** n
            if known:
                rest = n - len(known)
                need = ((goal / math.prod(1 + g / 100 for g in known)) ** (1 / rest) - 1) * 100
                p.needed_for_rest = round(need, 2)
                reasons.append(
                    f"{len(known)} of {n} years known, average so far {p.average_so_far:g}%; "
                    f"the other {rest} need {p.needed_for_rest:g}% a year to reach {t.raw}"
                )
            else:
                reasons.append(f"0 of {n} years known")
    p.status = next(iter(verdicts)) if len(verdicts) == 1 else "disputed"
    torn = [lk for lk in p.chain if lk.others]
    if torn:
        # the chain used each year's first actual; the others could change the verdict
        if p.status in ("met", "missed"):
            p.status = "disputed"
        reasons += [
            f"{lk.year} has differing actuals {lk.actual:g}% and "
            + ", ".join(f"{v:g}%" for v in lk.others)
            + f"; the chain uses {lk.actual:g}% ({lk.document})"
            for lk in torn
        ]
    p.reason = "; ".join(dict.fromkeys(reasons))


def track_inputs(inputs: Iterable[TrackInput], *, include_other: bool = False) -> TrackLedger:
    """The ledger of already summarized documents (any path: rules, model, replay).

    Headline indicators (GDP, industry, investment, retail, revenue, incomes, urbanisation,
    jobs, unemployment, grain) are always aligned; with `include_other` any other indicator
    whose normalised name two documents share is aligned too (noisier: names the rules cut
    from running text match less reliably).
    """
    items = list(inputs)
    docs = {it.name: i for i, it in enumerate(items)}
    placed: list[_Placed] = []
    unplaced = 0
    documents = []
    for it in items:
        p, u = cells_of(it.summary, it.text, it.name, it.region)
        placed += p
        unplaced += u
        info = it.summary.document
        documents.append(
            LedgerDocument(
                name=it.name,
                title=info.title,
                doc_type=info.doc_type,
                region=it.region or info.region,
                period=info.period,
                date=info.date,
                mode=it.summary.provenance.mode,
                chars=len(it.text),
            )
        )
    # The last year whose results the documents could hold: the year before the latest one
    # they speak from (a 2026 report reviews 2025).
    years = [y for it in items if (y := document_year(it.summary.document)) is not None]
    reach = max(years) - 1 if years else None
    # annual rows
    annual: dict[tuple[Any, ...], list[_Placed]] = defaultdict(list)
    period: dict[tuple[Any, ...], list[_Placed]] = defaultdict(list)
    for pl in placed:
        w = pl.when
        if w.start == w.end and not w.average:
            annual[(pl.region, pl.key, pl.measure, pl.unit, w.start)].append(pl)
        elif _end_of_period_level(pl):
            annual[(pl.region, pl.key, pl.measure, pl.unit, w.end)].append(pl)
        else:
            measure = (
                "average_growth"
                if pl.measure == "growth" and w.average
                else "cumulative_growth"
                if pl.measure == "growth"
                else pl.measure
            )
            period[(pl.region, pl.key, measure, pl.unit, w.start, w.end)].append(pl)
    keep = _worth_keeping(annual, period, include_other)
    rows: dict[tuple[Any, ...], LedgerRow] = {}
    for k, pls in annual.items():
        if (k[0], k[1]) not in keep:
            continue
        first = pls[0]
        targets = sorted(
            (p.cell for p in pls if p.cell.role == "target"), key=lambda c: _order(c, docs)
        )
        actuals = sorted(
            (p.cell for p in pls if p.cell.role == "actual"), key=lambda c: _order(c, docs)
        )
        status, assessments = _row_status(targets, actuals, first.direction, k[4], reach)
        rows[k] = LedgerRow(
            region=first.region,
            indicator=first.key,
            label=first.label,
            measure=first.measure,  # type: ignore[arg-type]
            unit=first.unit,
            direction=first.direction,
            year=k[4],
            targets=targets,
            actuals=actuals,
            assessments=assessments,
            status=status,
            conflicts=_conflicts(targets, "targets") + _conflicts(actuals, "actuals"),
        )
    periods: list[PeriodRow] = []
    for k, pls in period.items():
        if (k[0], k[1]) not in keep:
            continue
        first = pls[0]
        targets = sorted(
            (p.cell for p in pls if p.cell.role == "target"), key=lambda c: _order(c, docs)
        )
        actuals = sorted(
            (p.cell for p in pls if p.cell.role == "actual"), key=lambda c: _order(c, docs)
        )
        pr = PeriodRow(
            region=first.region,
            indicator=first.key,
            label=first.label,
            measure=k[2],
            unit=first.unit,
            direction=first.direction,
            start=k[4],
            end=k[5],
            targets=targets,
            actuals=actuals,
            status="not_yet_known",
            conflicts=_conflicts(targets, "targets") + _conflicts(actuals, "actuals"),
        )
        if pr.measure == "average_growth":
            _period_growth(pr, rows)
        else:
            st, assessments = _row_status(targets, actuals, first.direction)
            pr.status = st
            pr.reason = "; ".join(a.reason for a in assessments)
        periods.append(pr)
    rank = {k: i for i, k in enumerate(HEADLINE_KEYS)}
    by_region: dict[str, RegionLedger] = {}
    for r in sorted(
        rows.values(),
        key=lambda r: (rank.get(r.indicator, 99), r.indicator, r.measure, r.unit, r.year),
    ):
        by_region.setdefault(r.region, RegionLedger(region=r.region)).rows.append(r)
    for pr in sorted(
        periods, key=lambda x: (rank.get(x.indicator, 99), x.indicator, x.start, x.measure)
    ):
        by_region.setdefault(pr.region, RegionLedger(region=pr.region)).periods.append(pr)
    order = list(dict.fromkeys(d.region or "?" for d in documents))
    regions = sorted(
        by_region.values(), key=lambda rl: order.index(rl.region) if rl.region in order else 99
    )
    return TrackLedger(
        documents=documents,
        regions=regions,
        headline=HEADLINE_KEYS,
        unplaced=unplaced,
        provenance=LedgerProvenance(plansum_version=__version__),
    )


# Headline indicators counted over a period (新增就业 6.9万人 in five years), not a level at its end.
_FLOWS = {"new_urban_jobs"}


def _end_of_period_level(pl: _Placed) -> bool:
    """A headline level target set for a period (十五五 城镇化率 60%) is for its last year."""
    return (
        pl.headline
        and pl.measure == "level"
        and pl.cell.role == "target"
        and not pl.when.average
        and pl.key not in _FLOWS
    )


def _worth_keeping(
    annual: dict[tuple[Any, ...], list[_Placed]],
    period: dict[tuple[Any, ...], list[_Placed]],
    include_other: bool,
) -> set[tuple[str, str]]:
    """Headline indicators always; others when two documents state them (the rest is noise)."""
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    headline: set[tuple[str, str]] = set()
    for group in (annual, period):
        for k, pls in group.items():
            for p in pls:
                docs[(k[0], k[1])].add(p.cell.document)
                if p.headline:
                    headline.add((k[0], k[1]))
    if not include_other:
        return headline
    # very short names (投资, 项目) are cut from running text and say too little to align
    return headline | {k for k, d in docs.items() if len(d) >= 2 and len(k[1]) >= 4}


def _files(paths: Sequence[str | Path]) -> list[Path]:
    from .errors import PlansumError

    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.suffix.lower() == ".txt")
            if not found:
                raise PlansumError(
                    f"{p} holds no .txt documents; pass files or a directory of them"
                )
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise PlansumError(f"{p} does not exist")
    if not out:
        raise PlansumError("no documents given; pass files or a directory")
    unique = list({p.resolve(): p for p in out}.values())  # a file named twice counts once
    names = [p.name for p in unique]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise PlansumError(
            f"two documents share the name {twice[0]}; the ledger cites documents by file name"
        )
    return unique


def load_inputs(
    paths: str | Path | Sequence[str | Path],
    *,
    engine: str = "auto",
    settings: Any = None,
    offline: bool = False,
    replay: bool = False,
    cassette_dir: Path | None = None,
) -> list[TrackInput]:
    """Load and summarize each document (files, or directories of .txt files).

    engine as in `plansum.summarize` (auto: hybrid when `settings` names a model, else the
    rules); `offline=True` is engine "rules"; `replay=True` replays each document's recorded
    model answers from the cassettes (hybrid, no network).
    """
    from .document import Document
    from .pipeline import summarize_document

    files = _files([paths] if isinstance(paths, str | Path) else list(paths))
    inputs = []
    for f in files:
        doc = Document.load(f)
        if replay:
            from .replay import summarize_replay

            s = summarize_replay(doc, f.name, cassette_dir=cassette_dir)
        else:
            s = summarize_document(
                doc,
                engine="rules" if offline else engine,  # type: ignore[arg-type]
                settings=settings,
            )
        inputs.append(TrackInput(name=f.name, summary=s, text=doc.text))
    return inputs


def track(
    paths: str | Path | Sequence[str | Path],
    *,
    engine: str = "auto",
    settings: Any = None,
    offline: bool = False,
    replay: bool = False,
    cassette_dir: Path | None = None,
    include_other: bool = False,
) -> TrackLedger:
    """Summarize each document and build the ledger of targets against results.

    With no model configured (or `offline=True`) every document goes the rules path; with
    `settings` naming a model, the hybrid (or `engine=`); `replay=True` replays each
    document's recorded model answers from the cassettes (hybrid, no network).  See the
    module docstring for how targets are judged.
    """
    inputs = load_inputs(
        paths,
        engine=engine,
        settings=settings,
        offline=offline,
        replay=replay,
        cassette_dir=cassette_dir,
    )
    return track_inputs(inputs, include_other=include_other)
