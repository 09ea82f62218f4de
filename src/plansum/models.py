"""The data model of a plan summary (Pydantic v2).

Every number carries a `Span` into the decoded text the user sees, so that
`text[span.start:span.end]` is the evidence for it.  These models are exported
as JSON Schema into `schemas/` by `plansum schema`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """Half-open character offsets [start, end) into the decoded document text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self

    def slice(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class Comparator(StrEnum):
    """How a stated value bounds the real one (左右 / 以上 / 以内 …)."""

    exact = "exact"
    about = "about"  # 左右, 约, 近
    at_least = "at_least"  # 以上, 不低于, 不少于, 达到…以上
    more_than = "more_than"  # 超过, 突破, 高于, 逾
    at_most = "at_most"  # 以内, 以下, 不超过, 控制在
    less_than = "less_than"  # 低于, 不到


class Quantity(_Model):
    """One number as written in the source.

    `value` is in the unit as written (1.2万人 → value 1.2, unit "万人"), so that it
    can be compared with the text; `scaled` applies the scale word of the unit
    (万 → 1e4, 亿 → 1e8) for arithmetic.  `upper` is set for ranges (8~10个).
    """

    raw: str
    value: float
    unit: str = ""
    comparator: Comparator = Comparator.exact
    upper: float | None = None
    aspirational: bool = False  # 力争 / 争取
    scaled: float | None = None
    span: Span | None = None


class CheckStatus(StrEnum):
    verified = "verified"  # the value stands in the source at its span
    corrected = "corrected"  # the value was replaced by the source's number at the cited place
    unverified = "unverified"  # no number given, or could not be checked (shown as such)
    rejected = "rejected"  # the number is not in the source; never shown as fact


class Check(_Model):
    status: CheckStatus
    reason: str = ""


class Attribute(StrEnum):
    expected = "expected"  # 预期性
    binding = "binding"  # 约束性


class IndicatorKind(StrEnum):
    target = "target"  # a goal for a future year
    actual = "actual"  # a result already achieved


Origin = Literal["rules", "llm"]


class Indicator(_Model):
    name: str
    category: str | None = None
    unit: str = ""
    baseline: Quantity | None = None
    baseline_year: int | None = None
    target: Quantity | None = None
    target_text: str | None = None  # a qualitative target as written, e.g. 达到市里要求
    target_year: int | None = None
    actual: Quantity | None = None  # a level reached (kind=actual); year in target_year
    growth: Quantity | None = None  # annual / total growth, when stated as such
    attribute: Attribute | None = None
    kind: IndicatorKind = IndicatorKind.target
    span: Span
    section: str | None = None
    origin: Origin = "rules"
    check: Check = Field(default_factory=lambda: Check(status=CheckStatus.verified))

    def quantities(self) -> list[Quantity]:
        return [
            q for q in (self.baseline, self.target, self.actual, self.growth) if q is not None
        ]

    def headline(self) -> Quantity | None:
        """The number a reader quotes: the target, else the level reached, else the growth."""
        return self.target or self.actual or self.growth or self.baseline


class Goal(_Model):
    text: str
    horizon_year: int | None = None
    section: str | None = None
    span: Span
    origin: Origin = "rules"


class Project(_Model):
    name: str
    category: str | None = None
    quantity: Quantity | None = None
    status: str | None = None
    span: Span
    section: str | None = None
    origin: Origin = "rules"


class Section(_Model):
    """A heading and the text it governs.

    `span` covers the heading line; `body` runs from the heading to the start of the
    next heading of the same or a higher level (or the end of the text).
    """

    level: int = Field(ge=1)
    kind: str  # pian | zhang | jie | cn_item | cn_paren | num_item | num_paren | bare | runin | box
    number: str | None = None
    title: str
    span: Span
    body: Span
    summary: str | None = None
    children: list[Section] = Field(default_factory=list)


DocType = Literal["outline", "proposal", "annual_plan", "work_report", "news", "other"]


class DocumentInfo(_Model):
    title: str | None = None
    issuer: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd or yyyy-mm or yyyy
    doc_type: DocType = "other"
    period: str | None = None  # e.g. "2021-2025" or "2023"
    region: str | None = None
    encoding: str | None = None
    chars: int = 0


class CheckRecord(_Model):
    """One check made on the summary, listed so that a reader can audit it."""

    item: str  # e.g. "indicator[3].target" or "chunk[2]"
    status: CheckStatus | Literal["degraded", "info"]
    reason: str
    span: Span | None = None


class ChunkUsage(_Model):
    chunk: int
    span: Span
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False
    attempts: int = 0
    degraded: str | None = None  # why this chunk fell back to the rules path


class Provenance(_Model):
    plansum_version: str
    schema_version: str = SCHEMA_VERSION
    mode: Literal["rules", "llm", "hybrid"] = "rules"
    model: str | None = None
    prompt_version: str | None = None
    chunks: list[ChunkUsage] = Field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0


class PlanSummary(_Model):
    document: DocumentInfo
    overview: str = ""
    outline: list[Section] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    checks: list[CheckRecord] = Field(default_factory=list)
    provenance: Provenance


class Mention(_Model):
    """A number found in the text by the rules parser; `id` is its index in the document."""

    id: int
    quantity: Quantity
