"""Every "is this in the source" check, in one place; each returns a `Check`.

The model never states a fact on its own authority: a value must be the number at the place
it cites (or at least a number of its chunk), a year must be written in the chunk or its
headings, a quoted goal or project must stand in the chunk verbatim, and a sentence the
model wrote may hold only numbers of the chunk.  The instructor validator in `llm` calls
`cited_value` so that a failed check is re-asked with the chunk's real numbers; the other
checks run when the model's items are turned into findings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .models import Check, CheckStatus, Indicator, Quantity, Span
from .parse.chunking import Chunk
from .parse.numbers import find_mentions, is_year, values_equal

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
        return _reject(
            f"【{cited}】{q.raw} 是年份，不是指标数值；请改用 year 字段",
            f"本段的数字有：{listing(mentions)}",
        )
    if q is not None and (value is None or _matches(value, q)):
        return ValueCheck(
            Check(status=_OK, reason=f"value is the number at mention {cited}"), cited
        )
    if value is not None:
        same = [
            i
            for i, m in mentions.items()
            if m.unit != "年"
            and (
                values_equal(m.value, value)
                or (m.scaled is not None and values_equal(m.scaled, value))
            )
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


# =======================================================================================
# Per-field checks of what a model writes besides a value (issue 12)
#
# Checks of what a model writes besides a value: names, roles, kinds, years, numbers in text.
#
# A value is checked by where it stands (the mention it cites).  Everything else the model
# says about that number is checked against the words around it in the source:
#
# - a name must be written next to its number (between the previous number of the sentence
#   and this one, or up to the end of this clause), or be the rules' name for it;
# - a role against the words just before the number (增长/提高/下降 → a change; 到/达到/控制在
#   → a level; 由/从 → a starting level);
# - a kind (target or result) against the sentence (目标/力争/预期 vs 实现/完成/比上年) and the
#   passage it stands in (a 回顾 section reports results, a 目标 section sets targets);
# - a year against the years written in the sentence, then the headings;
# - numbers in any text the model writes, in every form the number parser reads and the
#   forms it does not (九成, 两成, 逾半, 三分之一, ①⑨%, full-width and Arabic-Indic digits,
#   99pct, 1e3, digits split by zero-width characters), against the numbers of the source.
#
# Each check says verified (the source supports it), rejected (the source contradicts it) or
# unverified (the source does not say; shown as unchecked, never as verified).

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")


def verified(reason: str) -> Check:
    return Check(status=CheckStatus.verified, reason=reason)


def rejected(reason: str) -> Check:
    return Check(status=CheckStatus.rejected, reason=reason)


def unchecked(reason: str) -> Check:
    return Check(status=CheckStatus.unverified, reason=reason)


# --------------------------------------------------------------------------- numbers in text

_CN_NUM = "零〇一二两三四五六七八九十"
_CN_VAL = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_TENTHS = re.compile(rf"([{_CN_NUM}]|\d+(?:\.\d+)?)成(半?)(?![本功为果效绩熟立长员交不])")
_HALF = re.compile(r"(逾半|过半|超半|近半|一半|大半|半数|多半)")
_FRACTION = re.compile(rf"([{_CN_NUM}\d]+)分之([{_CN_NUM}\d]+(?:\.\d+)?)")
_PCT_WORD = re.compile(r"(\d)\s*(?:pct|percent|per\s?cent|pp)(?![A-Za-z])", re.IGNORECASE)
_SCI = re.compile(r"(?<![0-9A-Za-z.])(\d+(?:\.\d+)?)[eE]([+-]?\d{1,3})(?![0-9A-Za-z.])")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _cn_small(s: str) -> float | None:
    if s.replace(".", "", 1).isdigit():
        return float(s)
    if s == "十":
        return 10.0
    if len(s) == 2 and s[0] == "十":
        return 10.0 + _CN_VAL.get(s[1], 0)
    if len(s) >= 2 and s[1] == "十":
        return _CN_VAL.get(s[0], 0) * 10.0 + (_CN_VAL.get(s[2], 0) if len(s) > 2 else 0)
    if len(s) == 1 and s in _CN_VAL:
        return float(_CN_VAL[s])
    return None


def _num(x: float) -> str:
    return f"{x:.6g}" if x != int(x) else str(int(x))


def normalize_model_text(text: str) -> str:
    """Write every number of `text` the way the number parser reads it (12%, 1000, 90%)."""
    s = _ZERO_WIDTH.sub("", text)
    s = unicodedata.normalize("NFKC", s)  # full-width digits, ①⑨ → 19, ％ → %
    s = "".join(
        str(unicodedata.digit(ch))
        if not ch.isascii() and unicodedata.digit(ch, None) is not None
        else ch
        for ch in s
    )  # Arabic-Indic, Devanagari … digits; ❶ and other circled forms NFKC leaves alone
    s = _PCT_WORD.sub(r"\1%", s)
    s = _SCI.sub(lambda m: _num(float(m.group(1)) * 10 ** int(m.group(2))), s)

    def tenths(m: re.Match[str]) -> str:
        v = _cn_small(m.group(1))
        if v is None:
            return m.group(0)
        return f"{_num(v * 10 + (5 if m.group(2) else 0))}%"

    s = _TENTHS.sub(tenths, s)
    s = _HALF.sub("50%", s)

    def fraction(m: re.Match[str]) -> str:
        d, n = _cn_small(m.group(1)), _cn_small(m.group(2))
        if d in (None, 0) or n is None or d in (100.0, 1000.0):
            return m.group(0)  # 百分之/千分之 are read by the number parser
        return f"{_num(round(n / d * 100, 1))}%"

    return _FRACTION.sub(fraction, s)


def numbers_in(text: str) -> list[tuple[str, float, str]]:
    """(as written after normalising, value, unit) for every number in `text`, in any form."""
    norm = normalize_model_text(text)
    out: list[tuple[str, float, str]] = []
    covered: list[tuple[int, int]] = []
    for m in find_mentions(norm):
        q = m.quantity
        out += [(q.raw, v, q.unit) for v in (q.value, q.upper, q.scaled) if v is not None]
        if q.span is not None:
            covered.append((q.span.start, q.span.end))
    for d in _DIGITS.finditer(norm):  # digits the parser leaves alone (5G, 十四五 aside)
        if not any(a <= d.start() < b for a, b in covered):
            out.append((d.group(0), float(d.group(0)), ""))
    return out


def source_values(text: str, mentions: Iterable[Quantity] = ()) -> list[tuple[float, str]]:
    vals = [(v, u) for _, v, u in numbers_in(text)]
    for q in mentions:
        vals += [(v, q.unit) for v in (q.value, q.upper, q.scaled) if v is not None]
    return vals


_SHARE_UNITS = ("%", "‰")
_HIDDEN_IN_NUMBER = re.compile(r"[0-9０-９][\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]+[0-9０-９.．%％]")


def unsupported_numbers(written: str, source: Sequence[tuple[float, str]] | str) -> list[str]:
    """The numbers of a model-written text that are not numbers of the source.

    A share (%, ‰) must be a share of the source; a number with an invisible character
    inside it is never accepted from a model (it reads differently than it shows)."""
    vals = source_values(source) if isinstance(source, str) else source
    bad = [m.group(0) for m in _HIDDEN_IN_NUMBER.finditer(written)]
    for raw, v, unit in numbers_in(written):
        share = unit in _SHARE_UNITS
        ok = any(values_equal(v, x) and (not share or u == unit) for x, u in vals)
        if not ok and raw not in bad:
            bad.append(raw)
    return bad


# --------------------------------------------------------------------------- where a number stands

_SENTENCE_END = "。；;！!？?\n"
_CLAUSE_END = "，,。；;！!？?\n"


@dataclass(frozen=True)
class Place:
    """The words around one number: its sentence, and its own stretch of the sentence."""

    sentence: tuple[int, int]
    own: tuple[int, int]  # from the previous number of the sentence to the end of the clause
    before: str  # the words between the previous number (or the sentence start) and this one
    number: tuple[int, int] | None = None  # the number itself (a name is not part of it)


def place(text: str, q: Quantity, mentions: Sequence[Quantity]) -> Place:
    assert q.span is not None
    s0 = max((text.rfind(c, 0, q.span.start) for c in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (text.find(c, q.span.end) for c in _SENTENCE_END) if i >= 0]
    s1 = min(ends) if ends else len(text)
    prev = s0
    nxt = s1
    for m in mentions:
        if m.span is None or m.unit == "年" or m.span == q.span:
            continue
        if s0 <= m.span.end <= q.span.start:
            prev = max(prev, m.span.end)
        if q.span.end <= m.span.start < nxt:
            nxt = m.span.start
    clause = [i for i in (text.find(c, q.span.end) for c in _CLAUSE_END) if i >= 0]
    own_end = min([nxt] + [i for i in clause if i < nxt])
    return Place(
        sentence=(s0, s1),
        own=(prev, own_end),
        before=text[prev : q.span.start],
        number=(q.span.start, q.span.end),
    )


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _ZERO_WIDTH.sub("", s)))


# --------------------------------------------------------------------------- name


def check_name(name: str, text: str, where: Place, rules_names: Iterable[str] = ()) -> Check:
    n = _compact(name)
    if not n:
        return rejected("the model gave no name")
    if any(n == _compact(r) for r in rules_names if r):
        return verified("the rules read the same name for this number")
    if len(re.sub(r"[\d.%,，、\-~—]", "", n)) < 2:
        return rejected(f"name {name[:40]!r} is a number, not a name")
    own0, own1 = where.own
    if where.number is not None and (
        n in _compact(text[own0 : where.number[0]]) or n in _compact(text[where.number[1] : own1])
    ):
        return verified("the name is written next to its number")
    return rejected(f"name {name[:40]!r} is not written next to its number")


# --------------------------------------------------------------------------- role

_LEVEL_TAIL = re.compile(
    r"(到|至|达到|达|为|在|突破|超过|不低于|不少于|不超过|低于|高于|保持|稳定|控制)(在|到)?(约|近|超过|了)?$"
)
_GROWTH_TAIL = re.compile(
    r"(增长|增速|增幅|增加|提高|提升|下降|降低|减少|上升|上涨|涨幅|降幅|回落|扩大|缩小|年均|翻)(了|约|近|超过|达|为|分别)*$"
)
_RATE_NOUN_TAIL = re.compile(r"(增速|增幅|涨幅|降幅|增长率|增长速度)(为|达|达到|保持在|在)?(约|近)?$")
_BASE_TAIL = re.compile(r"(由|从)(约|近)?$")


def role_cue(where: Place, q: Quantity) -> str | None:
    """What the words just before the number make it: growth, level or baseline (None: silent)."""
    lead = re.split(r"[0-9０-９一二三四五六七八九十两〇零百千万亿]", q.raw, maxsplit=1)[0]
    tail = re.sub(r"\s+|(?:19|20)\d\d年(?:的|底|末)?", "", where.before + lead)[-8:]
    if _BASE_TAIL.search(tail):
        return "baseline"
    if _RATE_NOUN_TAIL.search(tail) or q.unit in ("个百分点", "百分点", "倍", "番"):
        return "growth"
    if _LEVEL_TAIL.search(tail):
        return "level"
    if _GROWTH_TAIL.search(tail):
        return "growth"
    if q.unit and q.unit not in ("%", "‰"):
        return "level"  # a count or an amount with no word of change before it
    return None


def check_role(role: str, where: Place, q: Quantity) -> Check:
    cue = role_cue(where, q)
    said = "level" if role in ("target", "actual") else role
    if cue is None:
        return unchecked("the words before the number do not say whether it is a level or a change")
    if cue == said:
        return verified(f"the words before the number make it a {cue}")
    return rejected(f"role {role!r}: the words before the number make it a {cue}")


# --------------------------------------------------------------------------- kind

# Words that make a sentence report a result on their own, and words that do only inside a
# results passage (实现/完成/达到 set targets too: 到2025年达到80%).
_RESULT_WORDS = re.compile(r"(比上年|同比|较上年|比上年末|上年|去年|累计|已经|实际|比20\d\d年|现有|目前|截至|截止|现已)")
_RESULT_WEAK = re.compile(r"(实现|完成|达到)")
_TARGET_WORDS = re.compile(r"(目标|力争|争取(?!到)|预期|预计|计划|确保|规划|到20\d\d年|展望)")
_RESULT_PASSAGE = re.compile(r"(回顾|过去|成就|成绩|成效|完成情况|执行情况|进展|取得|发展基础|现状|总结)")
_TARGET_PASSAGE = re.compile(r"(目标|任务|安排|计划|展望|思路|指标|重点|要求|举措)")


def kind_cue(text: str, where: Place, section_path: Sequence[str] = ()) -> str | None:
    """target or actual as the sentence and its passage say (None: they do not say)."""
    sentence = text[where.sentence[0] : where.sentence[1]]
    titles = " ".join(section_path)
    r_pass = bool(_RESULT_PASSAGE.search(titles))
    t_pass = bool(_TARGET_PASSAGE.search(titles)) and not r_pass
    result = bool(_RESULT_WORDS.search(sentence)) or (r_pass and bool(_RESULT_WEAK.search(sentence)))
    target = bool(_TARGET_WORDS.search(sentence))
    if result and not target:
        return None if t_pass else "actual"
    if target and not result:
        return None if r_pass else "target"
    if not result and not target:
        return "actual" if r_pass else ("target" if t_pass else None)
    return "actual" if r_pass else ("target" if t_pass else None)


def check_kind(kind: str, text: str, where: Place, section_path: Sequence[str] = ()) -> Check:
    cue = kind_cue(text, where, section_path)
    if cue is None:
        return unchecked(
            "neither the sentence nor its passage says whether this is a target or a result"
        )
    if cue == kind:
        return verified(f"the sentence and its passage make it a {cue}")
    return rejected(f"kind {kind!r}: the sentence and its passage make it a {cue}")


# --------------------------------------------------------------------------- year


def check_year(
    year: int,
    text: str,
    where: Place,
    mentions: Sequence[Quantity],
    section_path: Sequence[str] = (),
) -> Check:
    s0, s1 = where.sentence
    in_sentence = {
        int(v)
        for m in mentions
        if m.unit == "年" and m.span is not None and s0 <= m.span.start < s1
        for v in (m.value, m.upper)
        if v is not None and 1900 <= v <= 2100
    }
    # 较2020年 / 比上年 / 由2015年的: a year of comparison, not the year the fact is about
    compared = {
        int(m.value)
        for m in mentions
        if m.unit == "年"
        and m.span is not None
        and s0 <= m.span.start < s1
        and re.search(r"(比|较|由|从|与|同|相比)$", text[max(s0, m.span.start - 2) : m.span.start])
    }
    if year in in_sentence - compared:
        return verified("the year is written in the sentence of the number")
    if year in compared:
        return unchecked(f"year {year} is written in the sentence as a year of comparison")
    if in_sentence - compared:
        return rejected(
            f"year {year}: the sentence of the number says {', '.join(map(str, sorted(in_sentence)))}"
        )
    if any(str(year) in p for p in section_path):
        return verified("the year is written in the heading of the passage")
    return unchecked(f"year {year} is not written in the sentence of the number")


def numbers_in_text(written: str, chunk: Chunk) -> Check:
    """Every number in a text the model wrote, in any form, must be a number of the chunk."""
    bad = unsupported_numbers(
        written, source_values(chunk.text, [m.quantity for m in chunk.mentions])
    )
    if bad:
        return Check(
            status=CheckStatus.rejected,
            reason=f"the model's text holds numbers that are not in the chunk ({', '.join(bad[:3])}); dropped",
        )
    return Check(status=_OK, reason="every number is a number of the chunk")


def same_name(a: str, b: str) -> bool:
    """Two names for one thing as written (whitespace and width aside)."""
    return bool(_compact(a)) and _compact(a) == _compact(b)


def overall(ind: Indicator) -> Check:
    """The item's badge from its shown fields: verified only if every one passed."""
    shown = {f: c for f, c in ind.field_checks.items() if c.status != CheckStatus.rejected}
    if (
        ind.field_checks.get("name", Check(status=CheckStatus.verified)).status
        == CheckStatus.rejected
    ):
        return Check(status=CheckStatus.rejected, reason=ind.field_checks["name"].reason)
    open_ = [f for f, c in shown.items() if c.status == CheckStatus.unverified]
    if open_:
        return Check(
            status=CheckStatus.unverified,
            reason="not checked against the source: " + ", ".join(open_),
        )
    fixed = [f for f, c in shown.items() if c.status == CheckStatus.corrected]
    if fixed:
        return Check(
            status=CheckStatus.corrected, reason="corrected from the source: " + ", ".join(fixed)
        )
    value = ind.field_checks.get("value")
    return Check(
        status=CheckStatus.verified, reason=value.reason if value else "every field checked"
    )


_TAIL_WORDS = re.compile(
    r"(增长|增速|增幅|增加|提高|提升|下降|降低|减少|上升|达到|达|突破|超过|控制在|稳定在|保持在|保持|"
    r"稳定|控制|为|在|到|至|约|近|年均|分别|了|的)$"
)


def source_name(text: str, where: Place) -> str | None:
    """The words written just before a number, as a name (for a model item whose own name
    the source does not support): from the last clause mark, without the verb before it."""
    before = re.sub(r"\s+", "", where.before)
    before = re.split(r"[，,：:；;、（(）)。“”\"]", before)[-1]
    for _ in range(4):
        cut = _TAIL_WORDS.sub("", before)
        if cut == before:
            break
        before = cut
    before = re.sub(r"^(?:19|20)\d\d年(?:全[市省区县旗])?", "", before)[-20:]
    return before if len(re.sub(r"[\d.%]", "", before)) >= 2 else None
