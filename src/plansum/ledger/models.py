"""The ledger as data: documents, cells, rows, period rows, regions; exported as JSON Schema."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import (
    CheckStatus,
    Comparator,
    Origin,
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
