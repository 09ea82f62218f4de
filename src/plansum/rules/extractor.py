"""The rule-based extractor: no model, same output shape.

It is the offline path, the fallback for a chunk the model could not do, and the referee
whose number mentions every model answer is checked against.
"""

from __future__ import annotations

from bisect import bisect_left

from ..document import Document, Findings
from ..models import IndicatorKind, Section
from ..parse.dating import Timeline
from ..parse.docinfo import document_year
from .goals import find_goals
from .indicators import (
    Context,
    date_indicators,
    drop_repeats,
    section_kinds,
    sentence_indicators,
)
from .projects import find_projects
from .tables import table_indicators


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


def timeline_of(doc: Document) -> Timeline:
    """The time references of a parsed document, with its own year and period and its headings."""
    return Timeline(
        doc.text,
        doc_year=document_year(doc.info),
        doc_type=doc.info.doc_type,
        doc_period=doc.info.period,
        sections=[(s.body.start, s.body.end, s.title) for s in doc.sections if s.kind != "box"],
    )


class RulesExtractor:
    """The rule-based extractor (no model): indicators, goals and projects of a document."""

    name = "rules"

    def extract(self, doc: Document) -> Findings:
        text, sections = doc.text, doc.sections
        default_kind = IndicatorKind.actual if doc.info.doc_type == "news" else IndicatorKind.target
        timeline = timeline_of(doc)
        tables, row_spans = table_indicators(text)
        sentence = sentence_indicators(
            text,
            doc.mentions,
            Context(
                doc_year=document_year(doc.info),
                default_kind=default_kind,
                section_kinds=section_kinds(sections),
                timeline=timeline,
                doc_type=doc.info.doc_type,
                region=doc.info.region,
            ),
            skip=row_spans,
        )
        indicators = sorted(tables + sentence, key=lambda i: i.span.start)
        date_indicators(indicators, timeline)
        titles = _innermost_titles(sections, [i.span.start for i in indicators])
        for ind, title in zip(indicators, titles, strict=True):
            ind.section = title
        indicators = drop_repeats(indicators, text)
        boxes = [s for s in sections if s.kind == "box"]
        projects = find_projects(text, boxes)
        # The last box (in document order) that holds the project names its section.
        covers = _first_cover(boxes[::-1], [p.span.start for p in projects])
        for p, b in zip(projects, covers, strict=True):
            if b is not None:
                p.section = b.title
        return Findings(indicators=indicators, goals=find_goals(text, sections, document_year(doc.info)), projects=projects)
