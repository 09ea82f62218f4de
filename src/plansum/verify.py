"""Every "is this in the source" check, in one place; each returns a `Check`.

The model never states a fact on its own authority: a value must be the number at the place
it cites (or at least a number of its chunk), a year must be written in the chunk or its
headings, a quoted goal or project must stand in the chunk verbatim, and a sentence the
model wrote may hold only numbers of the chunk.  The instructor validator in `llm` calls
`cited_value` so that a failed check is re-asked with the chunk's real numbers; the other
checks run when the model's items are turned into findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from .chunking import Chunk
from .models import Check, CheckStatus, Quantity, Span
from .numbers import find_mentions, is_year, values_equal

_OK = CheckStatus.verified


def listing(mentions: dict[int, Quantity], limit: int = 40) -> str:
    """The chunk's numbers as the model sees them (【n】raw), for a re-ask.

    Mentions in 年 (years and durations alike) are left out: neither is an indicator value."""
    items = [f"【{i}】{q.raw}" for i, q in sorted(mentions.items()) if q.unit != "年"][:limit]
    return "、".join(items) if items else "（本段没有数字）"


@dataclass(frozen=True)
class ValueCheck:
    """The outcome of checking one cited value.

    On success `resolved` is the mention the value stands at.  On failure `problem` is the
    finding in one sentence (kept in the summary's checks) and `reask` the message the
    model gets back, which lists the numbers that really are there."""

    check: Check
    resolved: int | None = None
    problem: str = ""
    reask: str = ""

    @property
    def ok(self) -> bool:
        return self.check.status != CheckStatus.rejected


def _reject(problem: str, tail: str) -> ValueCheck:
    return ValueCheck(
        check=Check(status=CheckStatus.rejected, reason=problem),
        problem=problem,
        reask=problem + "。" + tail,
    )


def _matches(value: float, q: Quantity) -> bool:
    return (
        values_equal(value, q.value)
        or (q.upper is not None and values_equal(value, q.upper))
        or (q.scaled is not None and values_equal(value, q.scaled))
    )


def cited_value(
    name: str, cited: int | None, value: float | None, mentions: dict[int, Quantity]
) -> ValueCheck:
    """Check a value the model gave for mention `cited` against the chunk's `mentions`.

    The value counts when it is the number at the cited mention (its lower or upper bound,
    or its scaled form), or, failing that, a number at another mention of the chunk — then
    the citation is `corrected` to the nearest such mention.  A year is never a value."""
    q = mentions.get(cited) if cited is not None else None
    if q is not None and is_year(q) and (value is None or values_equal(value, q.value)):
        return _reject(f"【{cited}】{q.raw} 是年份，不是指标数值；请改用 year 字段", f"本段的数字有：{listing(mentions)}")
    if q is not None and (value is None or _matches(value, q)):
        return ValueCheck(Check(status=_OK, reason=f"value is the number at mention {cited}"), cited)
    if value is not None:
        same = [
            i
            for i, m in mentions.items()
            if m.unit != "年"
            and (values_equal(m.value, value) or (m.scaled is not None and values_equal(m.scaled, value)))
        ]
        if same:
            near = min(same, key=lambda i: abs(i - (cited or i)))
            if cited is not None and near != cited:
                reason = f"cited mention {cited} but the value {value:g} stands at mention {near}"
                return ValueCheck(Check(status=CheckStatus.corrected, reason=reason), near)
            return ValueCheck(Check(status=_OK, reason=f"value found at mention {near}"), near)
        return _reject(
            f"数值 {value:g}（{name}）不在本段正文中",
            f"本段的数字只有：{listing(mentions)}。请只使用这些编号和数值。",
        )
    if cited is not None:
        return _reject(f"编号【{cited}】不在本段中", f"本段的数字只有：{listing(mentions)}。")
    return _reject(f"指标“{name}”缺少数值编号 mention", f"本段的数字有：{listing(mentions)}。")


def year_in_chunk(year: int | None, chunk: Chunk) -> Check:
    """A year from the model counts only if that year is written in the chunk or its headings."""
    if year is None:
        return Check(status=_OK, reason="no year given")
    for m in chunk.mentions:
        q = m.quantity
        if is_year(q) and values_equal(q.value, year):
            return Check(status=_OK, reason=f"year {year} is written in the chunk")
    if any(str(year) in p for p in chunk.section_path):
        return Check(status=_OK, reason=f"year {year} is written in a heading")
    return Check(
        status=CheckStatus.rejected,
        reason=f"year {year} given by the model is not written in the chunk; dropped",
    )


def numbers_in_chunk(sentence: str, chunk: Chunk) -> Check:
    """Every number in a model-written sentence must be a number of the chunk."""
    for m in find_mentions(sentence):
        q = m.quantity
        if not any(
            values_equal(q.value, c.quantity.value)
            or (c.quantity.upper is not None and values_equal(q.value, c.quantity.upper))
            for c in chunk.mentions
        ):
            return Check(
                status=CheckStatus.rejected,
                reason="the chunk summary holds a number that is not in the chunk; dropped",
            )
    return Check(status=_OK, reason="every number is a number of the chunk")


def named_near(name: str, text: str, q: Quantity, window: int = 40) -> bool:
    """Whether some two characters of `name` stand in the `window` characters before `q`."""
    assert q.span is not None
    before = text[max(0, q.span.start - window) : q.span.start]
    name = name.strip()
    return len(name) >= 2 and any(name[i : i + 2] in before for i in range(len(name) - 1))


def correction(name: str, text: str, q: Quantity, reason: str) -> Check:
    """A corrected citation holds only if the model's name is written next to the number it
    was moved to; otherwise the value merely occurs elsewhere in the chunk (a coincidence)."""
    if named_near(name, text, q):
        return Check(status=CheckStatus.corrected, reason=reason)
    return Check(
        status=CheckStatus.rejected,
        reason=f"{reason}, but {name[:20]!r} is not written next to it; dropped",
    )


def quoted(s: str, chunk: Chunk, min_len: int) -> Span | None:
    """Where a name or sentence the model gave stands, verbatim, in the chunk."""
    pos = chunk.text.find(s) if len(s) >= min_len else -1
    if pos < 0:
        return None
    return Span(start=chunk.span.start + pos, end=chunk.span.start + pos + len(s))


def quotation(s: str, chunk: Chunk, min_len: int, missing: str) -> tuple[Span | None, Check]:
    """A goal or project name the model quoted: where it stands, or a rejection saying `missing`."""
    span = quoted(s, chunk, min_len)
    if span is None:
        return None, Check(status=CheckStatus.rejected, reason=f"{missing}; dropped")
    return span, Check(status=_OK, reason="quoted verbatim from the chunk")
