"""Qualitative goals: the "——…。" lines and run-in sentences of 主要目标 / 远景目标 sections."""

from __future__ import annotations

import re

from ..models import Goal, Section, Span
from ..parse.numbers import find_mentions, is_year

_GOAL_SECTION = re.compile(r"(?:主要目标|发展目标|远景目标|目标任务|奋斗目标|预期目标)")
# A title that names goals only in passing: the closing "为实现…目标而奋斗" part, a 保障 part.
_NOT_GOAL_SECTION = re.compile(r"为实现|而奋斗|确保|领导|保障措施|实施保障")
# Sentences of a goal section that are not goals: transitions, notes, sub-headings, sources.
_NOT_GOAL = re.compile(
    r"^(?:注|备注|资料来源|说明)[:：]|^[（(][一二三四五六七八九十\d]+[）)]|^[一二三四五六七八九十]+、|"
    r"以下工作|上述目标|见下表|见表|如下[:：]?$|主要指标如下|^根据|表示|指出|强调|收官之年|开局之年|^围绕目标"
)
# A whole sentence (never the tail of one), up to a long 主要目标 sentence.
_RUNIN_SENTENCE = re.compile(r"(?<![^。\n])[^。\n]{6,400}。")
_DASH_ITEM = re.compile(r"(?m)^[ \t\u3000]*[—－-]{2}\s*(?:\*\*)?([^。\n]{4,120}?)(?:\*\*)?[。\n]")


def _year_in(s: str) -> int | None:
    """The first year written in `s` (Arabic or Chinese numerals), read by the number parser."""
    return next((int(m.quantity.value) for m in find_mentions(s) if is_year(m.quantity)), None)


def find_goals(text: str, sections: list[Section]) -> list[Goal]:
    """Goals from the body of every section whose title names goals."""
    out: list[Goal] = []
    seen: set[int] = set()
    said: set[str] = set()  # goals by their words: a dash item and its run-in twin count once

    def new(goal_text: str) -> bool:
        key = re.sub(r"[\s—－\-*]", "", goal_text)
        if _NOT_GOAL.search(goal_text) or key in said:
            return False
        said.add(key)
        return True

    for sec in sections:
        if not _GOAL_SECTION.search(sec.title) or _NOT_GOAL_SECTION.search(sec.title):
            continue
        horizon = _year_in(sec.title)
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
                    horizon_year=_year_in(goal_text) or horizon,
                    section=sec.title,
                    span=Span(start=start, end=start + len(m.group(1))),
                )
            )
        if not found:
            # Run-in goals: the sentences after the heading, one goal each, up to eight.
            head_end = sec.span.end
            rest = text[head_end : sec.body.end]
            sentences = [m for m in _RUNIN_SENTENCE.finditer(rest) if not aside(head_end + m.start())]
            for m in sentences[:8]:
                start = head_end + m.start()
                if start in seen:
                    continue
                seen.add(start)
                s = m.group(0).rstrip("。").strip()
                if not new(s):
                    continue
                lead = len(m.group(0)) - len(m.group(0).lstrip())
                out.append(
                    Goal(
                        text=s,
                        horizon_year=_year_in(s) or horizon,
                        section=sec.title,
                        span=Span(start=start + lead, end=start + lead + len(s)),
                    )
                )
    out.sort(key=lambda g: g.span.start)
    return out
