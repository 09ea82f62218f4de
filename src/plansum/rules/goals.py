"""Qualitative goals: the "——…。" lines and run-in sentences of 主要目标 / 远景目标 sections."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import accumulate

from .._lazyre import lazy_re
from ..models import Goal, Section, Span
from ..parse.dating import plan_containing
from ..parse.numbers import find_mentions, is_year

_GOAL_SECTION = lazy_re(r"(?:主要目标|发展目标|远景目标|目标任务|奋斗目标|预期目标)")
# A title that names goals only in passing: the closing "为实现…目标而奋斗" part, a 保障 part.
_NOT_GOAL_SECTION = lazy_re(r"为实现|而奋斗|确保|领导|保障措施|实施保障")
# Sentences of a goal section that are not goals: transitions, notes, sub-headings, sources.
_NOT_GOAL = lazy_re(
    r"^(?:注|备注|资料来源|说明)[:：]|^[（(][一二三四五六七八九十\d]+[）)]|^[一二三四五六七八九十]+、|"
    r"以下工作|上述目标|见下表|见表|如下[:：]?$|主要指标如下|^根据|表示|指出|强调|收官之年|开局之年|^围绕目标"
)
# A whole sentence (never the tail of one), up to a long 主要目标 sentence.
_RUNIN_SENTENCE = lazy_re(r"(?<![^。\n])[^。\n]{6,400}。")
# A run-in sentence of a goal section that only describes the time or the situation is not a
# goal: "“十五五”时期，是…的关键时期", "…处在…的关键节点，…", "发展环境面临深刻复杂变化…".
_STATEMENT = lazy_re(
    r"是[^，,；;]{0,60}(?:时期|阶段|之年|关键期|窗口期|攻坚期|机遇期|五年)$|"
    r"^[^，,；;]{0,12}(?:处在|处于|正处|面临)[^，,；;]{0,40}(?:节点|时期|阶段|变化|挑战|机遇)"
)
# Sentences that are no aim, wherever they stand in a goal section (a goal states a target or
# an aim): a review of the years past (过去五年，我们…; a deed told with 了 and no goal list
# after a colon: 编制了《纲要（草案）》，提请大会审查), the situation (既要看到…更要看到),
# a principle or a way of working (坚持…, 更加注重…), the gloss of a slogan (夯实基础，就是要…)
# and a maxim (…是兴国之要，只有…才能…).
_NOT_AIM = lazy_re(
    r"^(?:过去五年|这五年|五年来|过去一年|一年来|今年以来)|^[“\"]?十[三四]五[”\"]?时期是|"
    r"^[^：:]*(?<!为)了(?!解)[^：:]*$|既要看到|更要看到|^特别是|"
    r"^(?:坚持|更加注重)(?!.*(?:力争|到20\d\d年|\d%))|"
    r"^[^，,]{2,10}[，,]就是要|是[^，,；;]{0,20}之(?:要|本|基|道|策)[，,；;]|只有[^。]{0,60}才能"
)
# "“十四五”时期发展成就和“十五五”时期主要目标任务": a section that opens with the years past.
_REVIEW_FIRST = lazy_re(r"(?:成就|回顾|成绩)[^，。]*目标")
_NEXT_FIVE = lazy_re(r"今后五年|未来五年")
_THIS_YEAR = lazy_re(r"今年|本年度|全年")
_PERIOD_WORDS = lazy_re(r"年均|五年|十[三四五六]五")
# The main-targets sentence of a plan or report, wherever it stands ("2023年全市经济社会发展
# 主要目标是：…"): a goal even when no heading names goals.
_TARGETS_SENTENCE = lazy_re(r"(?<![^。\n])[^。\n]{0,60}主要(?:预期)?目标(?:是|为)[:：][^。\n]{4,400}。")
# What _GOALS_SENTENCE turns on, searched for alone (the engine skips to each 目标), and the
# first sentence stop after a point.
_GOALS_WORDS = lazy_re(r"(?:主要(?:预期)?目标(?:是|为)|(?:发展|奋斗)目标(?:是|为)?)[:：]")
_STOP = lazy_re(r"[。\n]")
# …, and the goals of a plan told in one sentence ("《纲要草案》明确了今后五年的发展目标：一是…").
_GOALS_SENTENCE = lazy_re(
    r"(?<![^。\n])[^。\n]{0,60}(?:主要(?:预期)?目标(?:是|为)|(?:发展|奋斗)目标(?:是|为)?)[:：][^。\n]{4,400}。"
)
_PLAN_PERIOD_END = {"十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}
_PLAN_PERIOD = lazy_re(r"十[三四五六]五")
_DASH_ITEM = lazy_re(r"(?m)^[ \t\u3000]*[—－-]{2}\s*(?:\*\*)?([^。\n]{4,120}?)(?:\*\*)?[。\n]")


def _horizon(s: str, year: int | None = None) -> int | None:
    """The year a goal is for: the first year or plan period (十五五 → 2030) it names; the
    document's year for 今年, and for a main-targets sentence that names no period."""
    found = [(m.quantity.span.start if m.quantity.span else 0, int(m.quantity.value))
             for m in find_mentions(s) if is_year(m.quantity)][:1]
    found += [(m.start(), _PLAN_PERIOD_END[m.group(0)]) for m in _PLAN_PERIOD.finditer(s)][:1]
    if found:
        return min(found)[1]
    if year is not None and _NEXT_FIVE.search(s):
        return plan_containing(year)[1]  # 今后五年的发展目标 in a 2026 report: 2030
    if year is not None and (
        _THIS_YEAR.search(s) or (_TARGETS_SENTENCE.search(s + "。") and not _PERIOD_WORDS.search(s))
    ):
        return year
    return None


def _goals_sentences(text: str) -> Iterator[tuple[int, int]]:
    """The spans `_GOALS_SENTENCE.finditer(text)` gives, found from the words it turns on.

    A match is the whole sentence (from after the last 。 or line break) that holds the words
    within its first 60 characters and ends at its first 。 4 to 400 characters after them.  The
    pattern tried at every position of the text; this reads only around each 主要目标是：,
    发展目标：, 奋斗目标为：…"""
    end = 0
    for w in _GOALS_WORDS.finditer(text):
        if w.start() < end:
            continue  # in the sentence just matched
        lo = max(0, w.start() - 61)
        start = max(text.rfind("。", lo, w.start()), text.rfind("\n", lo, w.start())) + 1
        if start == 0 and lo > 0 or w.start() - start > 60:
            continue  # the sentence starts more than 60 characters before the words
        stop = _STOP.search(text, w.end(), w.end() + 401)
        if stop is None or text[stop.start()] != "。" or stop.start() - w.end() < 4:
            continue
        end = stop.end()
        yield start, end


def _sentence_start(text: str, start: int, floor: int) -> int:
    """Where a sentence that a line break cut in two begins (a newspaper's column break:
    "到二〇三五年综合经济\n\n实力大幅跃升…"): the start of the cut line, when the text before
    the break ends without a stop.  Never before `floor` (the heading's end)."""
    i = start
    while i > floor and text[i - 1] in " \t\u3000\n":
        i -= 1
    if i == start or i <= floor or text[i - 1] in "。！？；：:;!?" or "\n" not in text[i:start]:
        return start
    line = text.rfind("\n", floor, i) + 1 or floor
    cut = max(line, floor, text.rfind("。", floor, i) + 1)
    return cut if i - cut >= 2 else start


def find_goals(text: str, sections: list[Section], year: int | None = None) -> list[Goal]:
    """Goals from the body of every section whose title names goals, and the main-targets
    sentence (主要目标是：…) wherever it stands."""
    out: list[Goal] = []
    seen: set[int] = set()
    said: set[str] = set()  # goals by their words: a dash item and its run-in twin count once

    def new(goal_text: str) -> bool:
        key = re.sub(r"[\s—－\-*]", "", goal_text)
        if _NOT_GOAL.search(goal_text) or _NOT_AIM.search(key) or key in said:
            return False
        said.add(key)
        return True

    for sec in sections:
        if not _GOAL_SECTION.search(sec.title) or _NOT_GOAL_SECTION.search(sec.title):
            continue
        horizon = _horizon(sec.title)
        # Child sections speak for themselves (a 基本原则 child of a "…和发展目标" chapter
        # holds principles, not goals); a goal child is read in its own turn.
        # Run-in children ("——经济发展取得新成效") belong to the goal list.
        away = [(c.span.start, c.body.end) for c in sec.children if c.kind not in ("runin", "bare")]

        def aside(pos: int, away: list[tuple[int, int]] = away) -> bool:
            return any(a <= pos < b for a, b in away)

        body = text[sec.body.start : sec.body.end]
        found = False
        for m in _DASH_ITEM.finditer(body):
            start = sec.body.start + m.start(1)
            if start in seen or aside(start):
                continue
            seen.add(start)
            found = True
            goal_text = m.group(1).strip().strip("*")
            if not new(goal_text):
                continue
            out.append(
                Goal(
                    text=goal_text,
                    horizon_year=_horizon(goal_text) or horizon,
                    section=sec.title,
                    span=Span(start=start, end=start + len(m.group(1))),
                )
            )
        if not found:
            # Run-in goals: the sentences after the heading, one goal each, up to eight.
            head_end = sec.span.end
            rest = text[head_end : sec.body.end]
            sentences = [m for m in _RUNIN_SENTENCE.finditer(rest) if not aside(head_end + m.start())]
            if _REVIEW_FIRST.search(sec.title):
                sentences = []  # its first sentences tell the years past; 目标：… is read below
            for m in sentences[:8]:
                start = head_end + m.start()
                if start in seen:
                    continue
                seen.add(start)
                lead = len(m.group(0)) - len(m.group(0).lstrip())
                begin = _sentence_start(text, start + lead, head_end)
                end = head_end + m.end() - 1  # without the final 。
                s = text[begin:end].strip()
                begin += len(text[begin:end]) - len(text[begin:end].lstrip())
                flat = re.sub(r"\s+", "", s)
                if _STATEMENT.search(flat) or not new(s):
                    continue
                out.append(
                    Goal(
                        text=s,
                        horizon_year=_horizon(s, year) or horizon,
                        section=sec.title,
                        span=Span(start=begin, end=begin + len(s)),
                    )
                )
    taken = _Taken([(g.span.start, g.span.end) for g in out])
    for m_start, m_end in _goals_sentences(text):
        whole = text[m_start:m_end]
        s = whole.rstrip("。").strip()
        begin = m_start + len(whole) - len(whole.lstrip())
        if taken.overlaps(begin, len(s)):
            continue
        if not new(s):
            continue
        sec = _innermost(sections, begin)  # type: ignore[assignment]
        out.append(
            Goal(
                text=s,
                horizon_year=_horizon(s, year) or (_horizon(sec.title) if sec else None),
                section=sec.title if sec else None,
                span=Span(start=begin, end=begin + len(s)),
            )
        )
    out.sort(key=lambda g: g.span.start)
    return out


class _Taken:
    """Spans (start, end) by start, with the furthest end up to each: whether one of them
    overlaps a sentence is two bisections, not a pass over all of them per sentence."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.reach = list(accumulate((b for _, b in spans), max))

    def overlaps(self, begin: int, length: int) -> bool:
        """Some span holds `begin` (start <= begin < end), or starts in [begin, begin + length)."""
        k = bisect_right(self.starts, begin)  # the spans that start at or before begin: [0, k)
        if k and self.reach[k - 1] > begin:
            return True
        return bisect_left(self.starts, begin + length) > bisect_left(self.starts, begin)


def _innermost(sections: list[Section], pos: int) -> Section | None:
    for sec in sections:
        if sec.body.start <= pos < sec.body.end:
            return _innermost(sec.children, pos) or sec
    return None
