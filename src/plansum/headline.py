"""The headline block: a document's main targets and main results, grouped by year or period.

A reader of a plan first wants its 主要预期目标 / 主要目标 (and the 主要指标 table) and, in a
work report or a news digest, the main results of the year under review.  These passages are
found here; the indicators that stand in them are labelled with their group ("2025年完成",
"2026年目标", "十五五目标"), and the groups come first in every output and make the overview.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ._lazyre import lazy_re
from .models import CheckCause, HeadlineGroup, Indicator, IndicatorKind, Section
from .parse.dating import plan_label
from .parse.numbers import LineStarts

__all__ = ["find_passages", "headline_groups", "mark_headlines", "say"]

# A paragraph that announces the main targets: "今年经济社会发展的主要预期目标是：…".
_TARGET_CUE = lazy_re(r"主要预期目标|主要目标|主要指标|主要发展目标")
# A heading that is the main-targets section itself (not "主要目标任务和重点工作").
_TARGET_TITLE = lazy_re(r"^[^，,。]{0,24}(?:主要预期目标|主要目标|主要指标|发展目标)[^，,。任务工作]{0,6}$")
# The main results start with the economy's size or growth.
_RESULT_LEAD = lazy_re(
    r"^(?:全[市区旗县省盟州])?(?:地区生产总值|生产总值|GDP|经济总量|经济)(?:总量|增速|增长)?$"
)
# A cue on a line of its own, its sentence wrapped onto the next line ("主要预期目标⏎是：…").
_WRAPPED = lazy_re(r"[ \t\u3000]*\r?\n[ \t\u3000]*(?:是|为)[:：]")
_SECTION_MAX = 4000  # a longer "主要目标" section is a chapter of tasks, not the targets
_RESULT_MAX = 10  # indicators taken from one results passage
# Counted things (项目15个, 企业9家) are achievements, not the economy's main results.
_COUNT_UNITS = frozenset("个 家 项 所 条 处 座 套 户 件 部 批 名 人次 场 次 台 辆 栋".split())


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    kind: IndicatorKind


def _line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e


def _sentence_start(text: str, pos: int, line_start: int) -> int:
    # Searched within the line only: a mark the text never has made each call read the whole
    # text before pos (issue 22).
    return max(line_start - 1, *(text.rfind(ch, line_start, pos) for ch in "。；;！!？?")) + 1


def find_passages(
    text: str, sections: Sequence[Section], indicators: Sequence[Indicator]
) -> list[Passage]:
    """The main-targets passages and the main-results passages, in text order."""
    out: list[Passage] = []
    for sec in sections:
        if sec.kind == "box" or not _TARGET_TITLE.search(sec.title.strip()):
            continue
        if sec.body.end - sec.body.start <= _SECTION_MAX:
            out.append(Passage(sec.body.start, sec.body.end, IndicatorKind.target))
    line_of = LineStarts(text)  # offsets in increasing order: each stretch searched once
    for m in _TARGET_CUE.finditer(text):
        line_start = line_of(m.start())
        end = _line_end(text, m.end())
        wrapped = _WRAPPED.match(text, end)
        if wrapped:
            end = _line_end(text, wrapped.end())
        elif end - line_start < 30 and not re.search(r"[，,。；;：:]", text[line_start:end]):
            continue  # a heading or a table title: handled above and below
        stop = text.find("。", m.end(), end)
        out.append(Passage(m.start(), end if stop < 0 else stop + 1, IndicatorKind.target))
    # The main results: the paragraph where the economy's results are told, from that sentence.
    seen_lines: set[int] = set()
    line_of = LineStarts(text)
    for ind in indicators:
        if ind.kind is not IndicatorKind.actual or not _RESULT_LEAD.search(ind.name):
            continue
        line_start = line_of(ind.span.start)
        if line_start in seen_lines:
            continue
        seen_lines.add(line_start)
        start = _sentence_start(text, ind.span.start, line_start)
        out.append(Passage(start, _line_end(text, ind.span.start), IndicatorKind.actual))
    out.sort(key=lambda p: (p.start, p.end))
    return out


def _in_table(ind: Indicator) -> bool:
    return ind.check.cause is CheckCause.table_row or ind.attribute is not None


def label(ind: Indicator) -> str:
    """"2025年完成", "2026年目标", "十五五目标" …"""
    what = "完成" if ind.kind is IndicatorKind.actual else "目标"
    plan = plan_label(ind.period)
    if plan is not None and (ind.year is None or ind.period and ind.year == int(ind.period[-4:])):
        return plan + what
    if ind.year is not None:
        return f"{ind.year}年{what}"
    if ind.period:
        return f"{ind.period}年{what}"
    return "主要成绩" if ind.kind is IndicatorKind.actual else "主要目标"


def mark_headlines(
    text: str, sections: Sequence[Section], indicators: Sequence[Indicator]
) -> None:
    """Set `headline_group` on the indicators that stand in a headline passage."""
    passages = find_passages(text, sections, indicators)
    first = _FirstCover(passages)
    taken: dict[Passage, int] = {}
    for ind in indicators:
        if ind.headline_group is not None:
            ind.headline_group = None
        if ind.headline() is None:
            continue
        if _in_table(ind) and ind.kind is IndicatorKind.target:
            ind.headline_group = label(ind)  # the 主要指标 table
            continue
        head = ind.headline()
        if head is not None and head.unit in ("项", "个") and ind.name.endswith("指标"):
            continue  # 提出6项指标: how many indicators a plan sets, not one of them
        p = first(ind.span.start, ind.kind)  # the first passage of its kind that holds it
        if p is None:
            continue
        if p.kind is IndicatorKind.actual:
            head = ind.headline()
            if head is not None and head.unit in _COUNT_UNITS:
                continue
            if taken.get(p, 0) >= _RESULT_MAX:
                continue
            taken[p] = taken.get(p, 0) + 1
        ind.headline_group = label(ind)


class _FirstCover:
    """The first passage (in `passages` order, sorted by start) of a kind that holds an offset.

    One bisection per question instead of a walk over every passage of the document, which
    made marking the headlines quadratic (issue 22): among the passages of a kind that start at
    or before the offset, the first one ending after it is the first whose running maximum of
    ends passes the offset."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self._by_kind: dict[IndicatorKind, tuple[list[Passage], list[int]]] = {}
        for p in passages:
            ps, reach = self._by_kind.setdefault(p.kind, ([], []))
            ps.append(p)
            reach.append(max(reach[-1], p.end) if reach else p.end)

    def __call__(self, offset: int, kind: IndicatorKind) -> Passage | None:
        got = self._by_kind.get(kind)
        if got is None:
            return None
        ps, reach = got
        i = bisect.bisect_right(reach, offset)  # the first whose running max of ends > offset
        if i < len(ps) and ps[i].start <= offset:
            return ps[i]  # (reach[i] > offset first at i, so ps[i].end > offset)
        return None


def _order(g: HeadlineGroup) -> tuple[int, int, int]:
    last = g.year if g.year is not None else int(g.period[-4:]) if g.period else 9999
    span = 1 if g.period else 0  # a year before the period that ends with it
    return (0 if g.kind is IndicatorKind.actual else 1, last, span)


def headline_groups(indicators: Sequence[Indicator]) -> list[HeadlineGroup]:
    """The headline block: groups in order (results before targets, earlier years first)."""
    groups: dict[str, HeadlineGroup] = {}
    for i, ind in enumerate(indicators):
        if ind.headline_group is None:
            continue
        g = groups.get(ind.headline_group)
        if g is None:
            g = groups[ind.headline_group] = HeadlineGroup(
                label=ind.headline_group,
                kind=ind.kind,
                year=ind.year,
                period=ind.period if plan_label(ind.period) else None,
            )
        g.indicators.append(i)
    return sorted(groups.values(), key=_order)


def say(ind: Indicator) -> str:
    """One indicator as a reader says it: 地区生产总值增长5.5%左右, 单位GDP能耗下降3%."""
    parts = [ind.name]
    level = ind.target or ind.actual
    if level is not None:
        reach = (
            ind.kind is IndicatorKind.target
            and level.raw[:1].isdigit()
            and not ind.name.endswith(("增速", "增长", "增长率", "下降", "达到"))
        )
        parts.append(("达到" if reach else "") + level.raw)
    if ind.growth is not None:
        verb = "下降" if ind.direction == "down" else "翻" if ind.growth.unit == "番" else "增长"
        if ind.name.endswith(verb) or ind.name.endswith(("增速", "增长率")):
            verb = ""
        parts.append(("，" if level is not None else "") + verb + ind.growth.raw)
    if level is None and ind.growth is None and ind.baseline is not None:
        parts.append(ind.baseline.raw)
    return "".join(parts)
