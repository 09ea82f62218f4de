"""Qualitative goals: the "——…。" lines and run-in sentences of 主要目标 / 远景目标 sections."""

from __future__ import annotations

import re

from .models import Goal, Section, Span
from .numbers import find_mentions, is_year

_GOAL_SECTION = re.compile(r"(?:主要目标|发展目标|远景目标|目标任务|奋斗目标|预期目标)")
_DASH_ITEM = re.compile(r"(?m)^[ \t\u3000]*[—－-]{2}\s*(?:\*\*)?([^。\n]{4,120}?)(?:\*\*)?[。\n]")


def _year_in(s: str) -> int | None:
    """The first year written in `s` (Arabic or Chinese numerals), read by the number parser."""
    return next((int(m.quantity.value) for m in find_mentions(s) if is_year(m.quantity)), None)


def find_goals(text: str, sections: list[Section]) -> list[Goal]:
    """Goals from the body of every section whose title names goals."""
    out: list[Goal] = []
    seen: set[int] = set()
    for sec in sections:
        if not _GOAL_SECTION.search(sec.title):
            continue
        horizon = _year_in(sec.title)
        body = text[sec.body.start : sec.body.end]
        found = False
        for m in _DASH_ITEM.finditer(body):
            start = sec.body.start + m.start(1)
            if start in seen:
                continue
            seen.add(start)
            found = True
            goal_text = m.group(1).strip().strip("*")
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
            for m in list(re.finditer(r"[^。\n]{6,160}。", rest))[:8]:
                start = head_end + m.start()
                if start in seen:
                    continue
                seen.add(start)
                s = m.group(0).rstrip("。").strip()
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
