"""The rule-based extractor: no model, same output shape.

It is the offline path, the fallback for a chunk the model could not do, and the referee
whose number mentions every model answer is checked against.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from . import __version__
from .docinfo import document_year, read_document_info
from .goals import find_goals
from .indicators import Context, section_kinds, sentence_indicators, table_indicators
from .models import (
    DocumentInfo,
    Goal,
    Indicator,
    IndicatorKind,
    Mention,
    PlanSummary,
    Project,
    Provenance,
    Section,
)
from .numbers import find_mentions
from .outline import flatten, parse_outline
from .projects import find_projects


@dataclass
class Analysis:
    """Everything the rules know about one text; shared by the rules and the LLM path."""

    text: str
    info: DocumentInfo
    outline: list[Section]
    sections: list[Section]  # pre-order
    mentions: list[Mention]
    indicators: list[Indicator] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)


def _first_cover(ranked: list[Section], offsets: list[int]) -> list[Section | None]:
    """For each offset, the first section in `ranked` whose body contains it (else None).

    Sections are painted onto the sorted offsets in rank order and each offset keeps the first
    one it gets, skipping painted offsets through a next-unpainted pointer: O((S + N) log N),
    not the O(S x N) of testing every section for every offset (seconds on a long outline).
    """
    order = sorted(range(len(offsets)), key=offsets.__getitem__)
    sorted_offs = [offsets[i] for i in order]
    n = len(sorted_offs)
    painted: list[Section | None] = [None] * n
    nxt = list(range(n + 1))  # nxt[i]: a step towards the first unpainted index >= i

    def first_free(i: int) -> int:
        root = i
        while nxt[root] != root:
            root = nxt[root]
        while nxt[i] != root:
            nxt[i], i = root, nxt[i]
        return root

    for s in ranked:
        hi = bisect_left(sorted_offs, s.body.end)
        i = first_free(bisect_left(sorted_offs, s.body.start))
        while i < hi:
            painted[i] = s
            nxt[i] = i + 1
            i = first_free(i + 1)
    out: list[Section | None] = [None] * n
    for k, i in enumerate(order):
        out[i] = painted[k]
    return out


def _innermost_titles(sections: list[Section], offsets: list[int]) -> list[str | None]:
    """Title of the innermost section containing each offset (offsets in any order).

    Innermost = highest level; on a tie, the later section in pre-order.  Boxes do not count.
    """
    ranked = [
        s
        for _, _, s in sorted(
            ((s.level, k, s) for k, s in enumerate(sections) if s.kind != "box"),
            key=lambda t: (t[0], t[1]),
            reverse=True,
        )
    ]
    return [s.title if s else None for s in _first_cover(ranked, offsets)]


def analyze(text: str, encoding: str | None = None) -> Analysis:
    info = read_document_info(text)
    info.encoding = encoding
    outline = parse_outline(text)
    sections = flatten(outline)
    mentions = find_mentions(text)
    year = document_year(info)
    default_kind = (
        IndicatorKind.actual if info.doc_type == "news" else IndicatorKind.target
    )
    tables, row_spans = table_indicators(text)
    sentence = sentence_indicators(
        text,
        mentions,
        Context(doc_year=year, default_kind=default_kind, section_kinds=section_kinds(sections)),
        skip=row_spans,
    )
    indicators = sorted(tables + sentence, key=lambda i: i.span.start)
    titles = _innermost_titles(sections, [i.span.start for i in indicators])
    for ind, title in zip(indicators, titles, strict=True):
        ind.section = title
    boxes = [s for s in sections if s.kind == "box"]
    projects = find_projects(text, boxes)
    # The last box (in document order) that holds the project names its section.
    for p, b in zip(projects, _first_cover(boxes[::-1], [p.span.start for p in projects]), strict=True):
        if b is not None:
            p.section = b.title
    goals = find_goals(text, sections)
    return Analysis(text, info, outline, sections, mentions, indicators, goals, projects)


def overview(a: Analysis) -> str:
    """A short overview written from the extracted facts (no sentence is copied)."""
    info = a.info
    kinds = {
        "outline": "五年规划纲要", "proposal": "规划建议", "annual_plan": "年度计划",
        "work_report": "政府工作报告", "news": "新闻报道", "other": "文件",
    }
    parts = [f"《{info.title}》" if info.title else "本文件"]
    parts.append(f"（{kinds[info.doc_type]}" + (f"，{info.period}" if info.period else "") + "）")
    top = [i for i in a.indicators if i.kind == IndicatorKind.target and i.headline()][:5]
    bits = []
    for i in top:
        q = i.headline()
        assert q is not None
        bits.append(f"{i.name}{q.raw}")
    s = "".join(parts) + f"：共{len(a.sections)}个标题、{len(a.indicators)}项量化指标、{len(a.projects)}个项目。"
    if bits:
        s += "主要目标包括" + "、".join(bits) + "。"
    return s


def rules_summary(a: Analysis) -> PlanSummary:
    return PlanSummary(
        document=a.info,
        overview=overview(a),
        outline=a.outline,
        goals=a.goals,
        indicators=a.indicators,
        projects=a.projects,
        checks=[],
        provenance=Provenance(plansum_version=__version__, mode="rules"),
    )
