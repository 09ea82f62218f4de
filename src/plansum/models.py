"""The data model of a plan summary (Pydantic v2).

Every number carries a `Span` into the decoded text the user sees, so that
`text[span.start:span.end]` is the evidence for it.  These models are exported
as JSON Schema into `schemas/` by `plansum schema`.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import FailureKind

SCHEMA_VERSION = "1"


# Empty defaults as Python functions, not the builtins `list` and `dict`: pydantic asks each
# default factory for its signature, and a builtin's is read by tokenizing its text signature
# (the tokenize module and its 950-character pattern: ~8 ms of every start-up, issue 22).
def _new_list() -> list[Any]:
    return []


def _new_dict() -> dict[str, Any]:
    return {}


class _Model(BaseModel):
    """Base of the summary models.

    Memory: pydantic gives every instance its own "fields set" (a `set` of the field names
    passed, ~700 bytes for a model of 8+ fields); a 50 MB plan makes millions of these
    models, and those sets were the largest single share of its memory (issue 13, item 10).
    Every instance here shares one set per class holding *all* its fields, so an assignment
    to a field never changes it.  The cost: `model_fields_set` names every field, and
    `model_dump(exclude_unset=True)` is the same as `model_dump()`; plansum uses neither.
    """

    model_config = ConfigDict(extra="forbid")

    def model_post_init(self, context: Any, /) -> None:
        cls = type(self)
        shared = _ALL_FIELDS.get(cls)
        if shared is None:
            shared = _ALL_FIELDS.setdefault(cls, set(cls.model_fields))
        object.__setattr__(self, "__pydantic_fields_set__", shared)


_ALL_FIELDS: dict[type, set[str]] = {}

_M = TypeVar("_M", bound=BaseModel)


def built(cls: type[_M], values: dict[str, Any]) -> _M:
    """A model made from values that are valid by construction (numbers read at their span,
    enum members, the rules' own strings), without running its validators (the caller's
    promise): what `model_construct` does, without its cost (issue 22: the rules make one
    per number; a `Quantity` with its `Span` validated took ~10 µs, this ~2 µs).
    Fields not given take their defaults (a factory's anew); the result compares, copies
    and dumps like a validated instance."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _plan_of(cls)
    defaults, factories, fields_set = plan
    state = defaults.copy()  # every field, in field order
    for name, factory in factories:
        if name not in values:
            state[name] = factory()
    state.update(values)
    obj = _new(cls)
    _set(obj, "__dict__", state)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    if fields_set is None:
        obj.model_post_init(None)
    else:
        _set(obj, "__pydantic_fields_set__", fields_set)  # what _Model.model_post_init sets
    return obj


_new = object.__new__  # what BaseModel's __new__ is (pydantic defines none)
_set = object.__setattr__
_Plan = tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...], "set[str] | None"]
_PLANS: dict[type, _Plan] = {}


def _plan_of(cls: type[BaseModel]) -> _Plan:
    """Each field's default in field order (None for a required field, which `built` is
    always given), the fields whose default comes from a factory, and the class's shared
    "fields set" when its `model_post_init` is `_Model`'s (None: call the class's own)."""
    defaults: dict[str, Any] = {}
    factories = []
    for name, info in cls.model_fields.items():
        if info.default_factory is not None:
            defaults[name] = None
            factories.append((name, cast(Callable[[], Any], info.default_factory)))
        else:
            defaults[name] = None if info.is_required() else info.default
    shared = None
    if cls.model_post_init is _Model.model_post_init:
        shared = _ALL_FIELDS.setdefault(cls, set(cls.model_fields))
    return defaults, tuple(factories), shared


class Span(_Model):
    """Half-open character offsets [start, end) into the decoded document text."""

    start: int = Field(ge=0, description="Offset of the first character, in characters of the decoded text.")
    end: int = Field(ge=0, description="Offset just past the last character (half-open).")

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

    raw: str = Field(description="The number as written, comparator words included (e.g. 7%左右).")
    value: float = Field(description="The value in the unit as written (1.2万人 → 1.2).")
    unit: str = Field(default="", description="The unit as written (%, 万人, 亿元, 个百分点 …); empty if none.")
    comparator: Comparator = Field(default=Comparator.exact, description="How the value bounds the real one.")
    upper: float | None = Field(default=None, description="Upper end of a range (8~10个 → 10).")
    aspirational: bool = Field(default=False, description="Written with 力争 / 争取 (a stretch target).")
    scaled: float | None = Field(default=None, description="The value with the unit's scale word applied (万 → ×1e4, 亿 → ×1e8).")
    span: Span | None = Field(default=None, description="Where the number stands in the text.")


class CheckStatus(StrEnum):
    verified = "verified"  # the value stands in the source at its span
    corrected = "corrected"  # the value was replaced by the source's number at the cited place
    unverified = "unverified"  # no number given, or could not be checked (shown as such)
    rejected = "rejected"  # the number is not in the source; never shown as fact
    degraded = "degraded"  # (check records) a chunk fell back to the rules
    info = "info"  # (check records) a note: the model's reading set aside for the rules'


# The statuses an item (indicator, goal, project, field) can have; the last two are only
# for the run's check records.
ITEM_STATUSES: tuple[CheckStatus, ...] = (
    CheckStatus.verified,
    CheckStatus.corrected,
    CheckStatus.unverified,
    CheckStatus.rejected,
)


class CheckCause(StrEnum):
    """Why a check came out as it did, for code to act on (the reason is for people)."""

    number_at_span = "number_at_span"  # rules: the number stands at its span in a sentence
    table_row = "table_row"  # rules: read from a row of an indicator table
    no_kind_from_model = "no_kind_from_model"  # the model gave no kind; the sentence decides


class Check(_Model):
    """The outcome of checking one item against the source."""

    status: CheckStatus = Field(description="verified, corrected, unverified or rejected.")
    reason: str = Field(default="", description="What was checked and what was found.")
    cause: CheckCause | None = Field(
        default=None, exclude=True, description="Why, as data (not serialized)."
    )


class Attribute(StrEnum):
    expected = "expected"  # 预期性
    binding = "binding"  # 约束性


class IndicatorKind(StrEnum):
    target = "target"  # a goal for a future year
    actual = "actual"  # a result already achieved


Origin = Literal["rules", "llm"]
Direction = Literal["up", "down"]


class Indicator(_Model):
    """A quantitative indicator: a named number (or several: baseline, target, actual, growth)."""

    name: str = Field(description="The indicator's name as the source words it.")
    category: str | None = Field(default=None, description="Group of a table row (经济发展, 民生福祉 …).")
    unit: str = Field(default="", description="Unit of the headline number.")
    baseline: Quantity | None = Field(default=None, description="The starting level (基期值).")
    baseline_year: int | None = Field(default=None, description="Year of the baseline.")
    target: Quantity | None = Field(default=None, description="The level or rate aimed at.")
    target_text: str | None = Field(default=None, description="A qualitative target as written (达到市里要求).")
    target_year: int | None = Field(default=None, description="Year of the target, or of the result for kind=actual.")
    actual: Quantity | None = Field(default=None, description="A level reached (kind=actual).")
    growth: Quantity | None = Field(default=None, description="Annual or total growth, when stated as such.")
    attribute: Attribute | None = Field(default=None, description="预期性 (expected) or 约束性 (binding), from a table.")
    kind: IndicatorKind = Field(default=IndicatorKind.target, description="target (a goal) or actual (a result).")
    span: Span = Field(description="The sentence or table row the indicator was read from.")
    section: str | None = Field(default=None, description="Title of the innermost heading above it.")
    origin: Origin = Field(default="rules", description="Which extractor found it: rules or llm.")
    check: Check = Field(
        default_factory=lambda: Check(status=CheckStatus.verified),
        description=(
            "The source check of the item: verified only when every shown field passed its check "
            "(for a model's item: value, name, role, kind, year); unverified names the fields "
            "that could not be checked."
        ),
    )
    field_checks: dict[str, Check] = Field(
        default_factory=_new_dict,
        description=(
            "For a model's item, the check of each field it gave (value, name, role, kind, year): "
            "verified, corrected, unverified (shown as unchecked) or the rules' reading kept."
        ),
    )
    year: int | None = Field(
        default=None,
        description="The year it is about: the year a target is set for or a result was reached "
        "(for a period, its last year).",
    )
    period: str | None = Field(
        default=None,
        description="The span of years it covers, e.g. 2026-2030 for 十五五 targets or 2021-2025 "
        "for 五年来 results.",
    )
    direction: Direction | None = Field(
        default=None,
        description="Direction of the change stated with the number: up (增长/提高) or down "
        "(下降/降低/减少); growth values stay unsigned as written, signed_growth() signs them.",
    )
    multiple: float | None = Field(
        default=None,
        description="翻一番/翻两番: the level as a multiple of the baseline (2, 4); the 番 number "
        "stays in growth as written.",
    )
    headline_group: str | None = Field(
        default=None,
        description="Label of the headline block it belongs to (2025年完成, 2026年目标, 十五五目标), "
        "when it stands in a main-targets or main-results passage.",
    )

    def quantities(self) -> list[Quantity]:
        return [
            q for q in (self.baseline, self.target, self.actual, self.growth) if q is not None
        ]

    def headline(self) -> Quantity | None:
        """The number a reader quotes: the target, else the level reached, else the growth."""
        return self.target or self.actual or self.growth or self.baseline

    def signed_growth(self) -> float | None:
        """The growth value with its direction as a sign (下降3% → -3.0)."""
        if self.growth is None:
            return None
        v = self.growth.value
        return -abs(v) if self.direction == "down" else v


class HeadlineGroup(_Model):
    """A headline block: the document's main targets or main results for one year or period."""

    label: str = Field(description="The group's label: 2025年完成, 2026年目标, 十五五目标 ….")
    kind: IndicatorKind = Field(description="actual (main results) or target (main targets).")
    year: int | None = Field(default=None, description="The year the group is about.")
    period: str | None = Field(default=None, description="The five-year plan period, e.g. 2026-2030.")
    indicators: list[int] = Field(
        default_factory=_new_list, description="Indexes into PlanSummary.indicators, in text order."
    )


class Goal(_Model):
    """A qualitative goal, quoted from the source."""

    text: str = Field(description="The goal as written.")
    horizon_year: int | None = Field(default=None, description="The year it is set for, if written.")
    section: str | None = Field(default=None, description="Title of the heading it stands under.")
    span: Span = Field(description="Where it stands in the text.")
    origin: Origin = Field(default="rules", description="Which extractor found it: rules or llm.")


class Project(_Model):
    """A named project, programme or facility (工程, 项目, 基地, 园区 …)."""

    name: str = Field(description="The project's name as written.")
    category: str | None = Field(default=None, description="Its group, when the source gives one.")
    quantity: Quantity | None = Field(default=None, description="A number attached to it (capacity, investment).")
    status: str | None = Field(default=None, description="新建, 续建, 建成 … when written.")
    span: Span = Field(description="Where the name stands in the text.")
    section: str | None = Field(default=None, description="Title of the 专栏 box or heading it stands in.")
    origin: Origin = Field(default="rules", description="Which extractor found it: rules or llm.")


class Section(_Model):
    """A heading and the text it governs.

    `span` covers the heading line; `body` runs from the heading to the start of the
    next heading of the same or a higher level (or the end of the text).
    """

    level: int = Field(ge=1, description="Depth in the outline, 1 for the top.")
    kind: str = Field(
        description="pian | zhang | jie | cn_item | cn_paren | num_item | num_paren | bare | runin | box"
    )
    number: str | None = Field(default=None, description="The heading's number as written (三, 2, （一）).")
    title: str = Field(description="The heading's text without its number.")
    span: Span = Field(description="The heading line.")
    body: Span = Field(description="The heading and the text it governs.")
    summary: str | None = Field(default=None, description="A one-line summary, when one was made.")
    children: list[Section] = Field(default_factory=_new_list, description="Headings one level down.")


DocType = Literal["outline", "proposal", "annual_plan", "work_report", "news", "other"]


class DocumentInfo(_Model):
    """What the document says about itself; unknown fields stay empty, never guessed."""

    title: str | None = Field(default=None, description="The document's title, as written.")
    display_title: str | None = Field(
        default=None,
        description="The title to show: the document's own, or region + year + type when its own "
        "names no place or year (政府工作报告 → 通辽市2026年政府工作报告).",
    )
    issuer: str | None = Field(default=None, description="Who issued it (人民政府, 发展和改革委员会 …).")
    date: str | None = Field(default=None, description="ISO yyyy-mm-dd, yyyy-mm or yyyy.")
    doc_type: DocType = Field(default="other", description="What kind of document it is.")
    period: str | None = Field(default=None, description='The years it covers: "2021-2025" or "2023".')
    region: str | None = Field(default=None, description="The place it is about.")
    region_code: str | None = Field(
        default=None, description="The place's 行政区划代码 (six digits), when the gazetteer knows it."
    )
    region_parent: str | None = Field(
        default=None, description="The division the place belongs to (北京市 for 朝阳区), when known."
    )
    encoding: str | None = Field(default=None, description="How the file was decoded.")
    chars: int = Field(default=0, description="Length of the decoded text in characters.")
    format: str = Field(
        default="text", description="What the file was: text, pdf, docx or html (converted to text)."
    )
    pages: list[tuple[int, int]] | None = Field(
        default=None,
        description="Where each page of the original begins in the text: [offset, page] pairs "
        "in text order (a PDF, or a .docx with page breaks); null when the file has no pages.",
    )

    def page_of(self, offset: int) -> int | None:
        """The page of the original the character at `offset` is on; None without pages."""
        if not self.pages:
            return None
        from bisect import bisect_right

        i = bisect_right([o for o, _ in self.pages], offset) - 1
        return self.pages[max(i, 0)][1]


class CheckRecord(_Model):
    """One check made on the summary, listed so that a reader can audit it."""

    item: str = Field(description='What was checked, e.g. "chunk[2].indicators[0]" or "chunk[2]".')
    status: CheckStatus = Field(
        description="The check's outcome; degraded = the chunk fell back to the rules."
    )
    reason: str = Field(description="What was found.")
    span: Span | None = Field(default=None, description="Where in the text it applies.")


class ChunkUsage(_Model):
    """One chunk's trip to the model."""

    chunk: int = Field(description="The chunk's index.")
    span: Span = Field(description="The text the chunk covers.")
    prompt_tokens: int = Field(default=0, description="Prompt tokens, re-asks included.")
    completion_tokens: int = Field(default=0, description="Completion tokens, re-asks included.")
    cached: bool = Field(default=False, description="Answered from the response cache.")
    attempts: int = Field(default=0, description="Requests sent (transport retries included).")
    degraded: str | None = Field(default=None, description="Why the chunk fell back to the rules path.")
    failure: FailureKind | None = Field(default=None, description="The kind of that failure, to act on.")


class Verdict(_Model):
    """What the source check made of the model on this run: how much of what it said was
    refused.  A model whose share of refused fields or chunks passes the threshold is
    unreliable: every output says so, and the command line exits with status 3."""

    fields_given: int = Field(default=0, description="Fields the model gave (per item: name, value, role, kind, year; each summary sentence).")
    fields_refused: int = Field(default=0, description="Of those, how many the source check refused.")
    chunks: int = Field(default=0, description="Chunks sent to the model.")
    chunks_refused: int = Field(default=0, description="Chunks that fell back to the rules, or most of whose items were refused a field.")
    refused_share: float = Field(default=0.0, description="fields_refused / fields_given (0 when none given).")
    chunks_refused_share: float = Field(default=0.0, description="chunks_refused / chunks (0 when none).")
    threshold: float = Field(default=0.5, description="The share above which the model is called unreliable.")
    unreliable: bool = Field(default=False, description="Whether either share passes the threshold.")
    message: str = Field(default="", description="The verdict in one sentence, as shown in every output.")


class Provenance(_Model):
    """How the summary was made."""

    plansum_version: str = Field(description="The plansum version that made it.")
    schema_version: str = Field(default=SCHEMA_VERSION, description="Version of this schema.")
    mode: Literal["rules", "llm", "hybrid"] = Field(default="rules", description="The engine used.")
    model: str | None = Field(default=None, description="The model's name (llm, hybrid).")
    prompt_version: str | None = Field(default=None, description="name@version+digest of the prompt.")
    chunks: list[ChunkUsage] = Field(default_factory=_new_list, description="Per-chunk accounting.")
    prompt_tokens: int = Field(default=0, description="Prompt tokens of the whole run.")
    completion_tokens: int = Field(default=0, description="Completion tokens of the whole run.")
    verdict: Verdict | None = Field(default=None, description="The source check's verdict on the model (llm, hybrid).")


class Point(_Model):
    """A sentence the model wrote about one chunk, with its check against the source."""

    text: str = Field(description="The sentence as the model wrote it.")
    chunk: int | None = Field(default=None, description="The chunk it is about.")
    span: Span | None = Field(default=None, description="The text of that chunk.")
    check: Check = Field(description="verified, or unverified (shown as unchecked); refused ones are in checks.")


class PlanSummary(_Model):
    """A structured, source-checked summary of one plan document."""

    document: DocumentInfo = Field(description="What the document says about itself.")
    headlines: list[HeadlineGroup] = Field(
        default_factory=_new_list,
        description="The headline block: main results and main targets grouped by year or period.",
    )
    overview: str = Field(default="", description="A short overview written from the findings.")
    overview_check: Check = Field(
        default_factory=lambda: Check(
            status=CheckStatus.verified, reason="written by plansum from the numbers at their spans"
        ),
        description="How the overview was checked: verified when it holds only facts written from "
        "checked findings and model sentences that passed the prose check.",
    )
    points: list[Point] = Field(
        default_factory=_new_list,
        description="The model's one-line chunk summaries that were not refused, each with its "
        "check: verified (every name, number, unit, direction and year in it checked against "
        "the source) or unverified (nothing in it could be checked; shown as unchecked).",
    )
    outline: list[Section] = Field(default_factory=_new_list, description="The heading tree.")
    goals: list[Goal] = Field(default_factory=_new_list, description="Qualitative goals, in text order.")
    indicators: list[Indicator] = Field(default_factory=_new_list, description="Quantitative indicators, in text order.")
    projects: list[Project] = Field(default_factory=_new_list, description="Named projects, in text order.")
    checks: list[CheckRecord] = Field(default_factory=_new_list, description="What the source check refused or corrected.")
    provenance: Provenance = Field(description="How the summary was made.")


class Mention(_Model):
    """A number found in the text by the rules parser; `id` is its index in the document."""

    id: int
    quantity: Quantity
