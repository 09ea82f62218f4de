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


def named_near(name: str, text: str, q: Quantity, mentions: Sequence[Quantity] = ()) -> bool:
    """Whether `name` is the name of `q` in its clause (see `bound_name`)."""
    return check_name(name, text, place(text, q, mentions)).status == CheckStatus.verified


def correction(
    name: str, text: str, q: Quantity, reason: str, mentions: Sequence[Quantity] = (),
    rules_names: Iterable[str] = (),
) -> Check:
    """A corrected citation holds only if the model's name is the name of the number it was
    moved to; otherwise the value merely occurs elsewhere in the chunk (a coincidence)."""
    if check_name(name, text, place(text, q, mentions), rules_names).status == CheckStatus.verified:
        return Check(status=CheckStatus.corrected, reason=reason)
    return Check(
        status=CheckStatus.rejected,
        reason=f"{reason}, but {name[:20]!r} is not the name of that number; dropped",
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


# Ideographs Unicode gives a value that the number parser does not read: financial
# numerals and the old words for 20, 30, 40 (兆 and 京 stay: 兆瓦, 北京).
_IDEOGRAPH_NUMBERS = {
    "壹": "一", "贰": "二", "貳": "二", "叁": "三", "參": "三", "肆": "四", "伍": "五", "陆": "六",
    "陸": "六", "柒": "七", "捌": "八", "玖": "九", "拾": "十", "佰": "百", "仟": "千",
    "廿": "二十", "卄": "二十", "卅": "三十", "卌": "四十",
}
_ZHI = re.compile(rf"([十百千])之([{_CN_NUM}\d]{{1,3}})")


def _numeric_chars(s: str) -> str:
    """Every character Unicode gives a numeric value (any script: Ⅸ, ㈨, ❾, ½, ٩, ०) as the
    digits the number parser reads; ASCII digits and the parser's own ideographs stay."""
    out = []
    for ch in s:
        if ch.isascii() or ch in "〇○":
            out.append(ch)
        elif ch in _IDEOGRAPH_NUMBERS:
            out.append(_IDEOGRAPH_NUMBERS[ch])
        elif unicodedata.category(ch) in ("Nd", "Nl", "No") and unicodedata.numeric(ch, None) is not None:
            out.append(_num(unicodedata.numeric(ch)))
        else:
            out.append(ch)
    return "".join(out)


def normalize_model_text(text: str) -> str:
    """Write every number of `text` the way the number parser reads it (12%, 1000, 90%)."""
    s = _ZERO_WIDTH.sub("", text)
    s = _numeric_chars(s)  # before NFKC, which spells Ⅸ as IX and ㈨ as (九)
    s = unicodedata.normalize("NFKC", s)  # full-width digits, ％ → %
    s = _PCT_WORD.sub(r"\1%", s)
    s = _SCI.sub(lambda m: _num(float(m.group(1)) * 10 ** int(m.group(2))), s)

    def tenths(m: re.Match[str]) -> str:
        v = _cn_small(m.group(1))
        if v is None:
            return m.group(0)
        return f"{_num(v * 10 + (5 if m.group(2) else 0))}%"

    def zhi(m: re.Match[str]) -> str:  # 十之八九: eight or nine in ten
        d = _cn_small(m.group(1)) if m.group(1) != "百" else 100.0
        d = 1000.0 if m.group(1) == "千" else d
        parts = [p for p in (_cn_small(ch) for ch in m.group(2)) if p is not None]
        if not d or not parts:
            return m.group(0)
        vals = [_num(round(p / d * 100, 1)) for p in parts]
        return vals[0] + "%" if len(vals) == 1 else f"{vals[0]}%~{vals[-1]}%"

    s = _ZHI.sub(zhi, s)
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


_BIND_STOP = "，,、；;：:。！!？?\n（(）)“”|"


@dataclass(frozen=True)
class Place:
    """The words around one number: its sentence, and its own stretch of the sentence."""

    sentence: tuple[int, int]
    own: tuple[int, int]  # from the previous number of the sentence to the end of the clause
    before: str  # the words between the previous number (or the sentence start) and this one
    number: tuple[int, int] | None = None  # the number itself (a name is not part of it)
    clause: tuple[int, int] | None = None  # the number's clause: 、，；： and other numbers end it
    counts: str | None = None  # the words a counted number runs into (14条断头路 → 断头路)
    numbers: tuple[int, ...] = ()  # where the numbers of the sentence (years aside) start


# Characters that may follow a number without it counting what follows (增长, 左右, 以上,
# 和, 等, a mark); any other ideograph after it is the thing counted (14条断头路).
_AFTER_NUMBER = set("提增下降上达减扩缩翻同较比分大台目任水规左以和及与或等、，,。；;：:）)”\"！？!?|—-～~")
_COUNTED = re.compile(r"[^，,。；;、：:！!？?\s|\d（(）)“”]{1,16}")


def _counted(text: str, q: Quantity) -> str | None:
    """The words a number runs into, when it counts them (14条断头路 → 断头路), else None."""
    assert q.span is not None
    nxt = text[q.span.end : q.span.end + 1]
    if not nxt or not ("\u4e00" <= nxt <= "\u9fff") or nxt in _AFTER_NUMBER:
        return None
    m = _COUNTED.match(text, q.span.end)
    return m.group(0) if m else None


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
    c0 = max([prev] + [text.rfind(c, prev, q.span.start) + 1 for c in _BIND_STOP])
    stops = [i for i in (text.find(c, q.span.end, nxt) for c in _BIND_STOP) if i >= 0]
    c1 = min([nxt] + stops)
    return Place(
        sentence=(s0, s1),
        own=(prev, own_end),
        before=text[prev : q.span.start],
        number=(q.span.start, q.span.end),
        clause=(c0, c1),
        counts=_counted(text, q),
        numbers=tuple(
            sorted(
                m.span.start
                for m in mentions
                if m.span is not None and m.unit != "年" and s0 <= m.span.start < s1
            )
        ),
    )


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _ZERO_WIDTH.sub("", s)))


# --------------------------------------------------------------------------- name
#
# A name is bound to its number: it must be the noun phrase that governs the number in the
# number's own clause (、，；： and the previous number end the clause on both sides), as the
# rules cut it: the words just before the number, less the verbs and adverbs between them
# and the number (增长, 达到, 控制在, 比上年 …).  Words of another item of the same sentence
# do not count, nor words after the number (unless the number counts what follows it:
# 14条断头路), nor a verb alone (推出, 加快推进).

_CUE_TAIL = re.compile(
    r"(?:分别|年均|平均|累计|同比|环比|比上年|较上年|比去年|全年|力争|争取|确保|预计|预期|有望|将|再|继续|持续|"
    r"稳步|逐步|进一步|增长|增加|增速|增幅|提高|提升|下降|降低|减少|上升|回落|扩大|缩小|翻|达到|达|超过|突破|"
    r"完成|实现|保持在|保持|稳定在|稳定|控制在|控制|降至|降到|下降到|提高到|提升到|增至|增长到|为|占比|约|近|在|"
    r"至|到|了|是|由|从|以上|不低于|不少于|不超过|低于|高于|超|共|总计|合计|其中|"
    r"(?:比|较|与)(?:19|20)\d\d年(?:的|底|末)?|(?:19|20)\d\d年(?:的|底|末)?)+$"
)
_VERBS_ONLY = re.compile(
    r"^(?:推出|推动|推进|加快|加快推进|加大|加强|实施|新建|建成|建设|开工|培育|引进|打造|新增|完成|实现|达到|"
    r"增长|增加|提高|提升|下降|降低|减少|突破|超过|累计|签约|落地|投产|开展|组织|举办|创建|争创|争取|力争|确保|"
    r"改造|提质|扩大|保持|稳定|控制|新开工|续建|竣工|启动|出台|制定|发放|安排|投入|支持|帮助|带动|吸引|"
    r"全年|其中|共|约|近|超|达|为|了|的|和|及|与|等|并|将|再|已|已经)+$"
)


# What may stand before a name without being part of it: the place, the scope, the time, a
# verb of doing (澜溪县, 全年, 到2025年, 新建, 力争).  Anything else before it is part of the
# name: 人均地区生产总值 is not 地区生产总值, 农村居民人均可支配收入 not 居民人均可支配收入.
_DROPPABLE = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,6}?[市县区旗省盟州乡镇](?=.)|全市|全县|全区|全旗|全省|全州|全盟|全镇|全乡|我市|我县|我区|"
    r"我旗|本市|全年|今年|明年|年内|当年|其中|同时|此外|另外|并|力争|争取|确保|预计|预期|努力|将|要|年均|平均|每年|"
    r"(?:到|至|截至|截止)?(?:19|20)\d\d年(?:底|末|前)?|“?十[一二三四五六七八九]五”?(?:时期|期间|期末)?|五年来|"
    r"新建|建成|新增|实施|建设|打造|培育|引进|完成|实现|开工|新开工|改造|创建|推动|推进|加快|加快推进|"
    r"谋划|谋划实施|规划|计划|推行|组建|牵头组建|投入|安排|现有|净增|开发|发展|培育发展|建成投运|完成投资|"
    r"累计|共|总计|合计|的)+$"
)


def _governs(n: str, pre: str) -> bool:
    """Whether `n` is the name at the end of the words `pre` before a number: the words
    from a clause mark up to the number, less verbs and adverbs after it and less a place,
    scope, time or verb of doing before it."""
    at = pre.rfind(n)
    if at < 0:
        return False
    tail = pre[at + len(n) :]
    if tail and not _CUE_TAIL.fullmatch(tail):
        return False
    head = pre[:at]
    return not head or bool(_DROPPABLE.fullmatch(head))


def _name_words(pre: str) -> str:
    """`pre` without the verbs and adverbs at its end: what names the number (may be empty)."""
    m = _CUE_TAIL.search(pre)
    return pre[: m.start()] if m else pre


_LIST_SPLIT = re.compile(r"以及|[、和与及]")


def _respectively(n: str, text: str, where: Place) -> bool | None:
    """A、B分别增长6%和8%: the i-th number after 分别 goes with the i-th subject before it
    (None: the number does not stand in such a list)."""
    assert where.number is not None
    s0 = where.sentence[0]
    at = text.rfind("分别", s0, where.number[0])
    if at < 0:
        return None
    start = max([s0] + [text.rfind(c, s0, at) + 1 for c in "，,；;：:。"])
    if any(start <= x < at for x in where.numbers):
        return None  # a number between the subjects and 分别: not a plain list
    subject = re.sub(r"\s+", "", text[start:at])
    subject = _HEAD_WORDS.sub("", subject)
    if subject.startswith("城乡") and len(subject) > 4:  # 城乡居民收入 → 城镇…, 农村…
        if n == subject:
            return True  # the text's own words for both
        parts = ["城镇" + subject[2:], "农村" + subject[2:]]
    else:
        parts = [p for p in _LIST_SPLIT.split(subject) if p]
    after = [x for x in where.numbers if at < x <= where.number[0]]
    if len(parts) < 2 or not after:
        return None
    i = len(after) - 1
    if i >= len(parts):
        return False
    own = parts[i]
    if n == own or _governs(n, own):
        return True
    # 城镇和农村居民人均可支配收入: the head noun written once, at the end, goes to every part
    return n.startswith(own) and len(n) > len(own) and parts[-1].endswith(n[len(own) :])


_HEAD_WORDS = re.compile(r"^(?:其中|全年|全市|全县|全区|全省|今年|力争|争取|确保|预计|(?:到|至)?(?:19|20)\d\d年(?:底|末)?)+")


def _splits(n: str) -> list[tuple[str, str]]:
    """`n` as a leading part and a head noun, each of two characters or more."""
    return [(n[:i], n[i:]) for i in range(2, len(n) - 1)]


def _skips_only(a: str, before: str) -> bool:
    """Whether `a` stands in `before` and what it leaves out there is droppable (a place, a
    scope, a time, a verb of doing: 力争年均实现 → 年均)."""
    at = before.rfind(a)
    if at < 0:
        return False
    rest = before[:at] + before[at + len(a) :]
    return not rest or bool(_DROPPABLE.fullmatch(rest)) or bool(
        _DROPPABLE.fullmatch(before[at + len(a) :]) and _DROPPABLE.fullmatch(before[:at] or "的")
    )


def bound_name(name: str, text: str, where: Place) -> bool:
    """Whether `name` is the noun phrase of the number's clause (see above); where the clause
    before the number holds only verbs (…达到1280亿元，增长5.8%), the clauses before it in the
    sentence, back to the one that names something."""
    n = _compact(name)
    if where.clause is None or where.number is None:
        return False
    c0, c1 = where.clause
    n0, n1 = where.number
    pre = _compact(text[c0:n0])
    after = _compact(text[n1:c1])
    if where.counts is not None:
        # 14条断头路, 200万千瓦储能装备: the number runs into what it counts, and that names it
        if n == _compact(where.counts) or (after.startswith(n) and len(n) >= 2):
            return True
        return any(after.startswith(b) and _skips_only(a, pre) for a, b in _splits(n))
    respectively = _respectively(n, text, where)
    if respectively is not None:
        return respectively
    if _governs(n, pre):
        return True
    for a, b in _splits(n):  # 年均新签约项目 from 年均实现新签约项目: only droppable words left out
        at = pre.rfind(b)
        if at >= 0 and _governs(b, pre[at:]) and _skips_only(a, pre[:at]):
            return True
    if len(re.sub(r"[\d.%]", "", _name_words(pre))) >= 2:
        return False  # the clause names its own number, and not so
    # the clause only says how (增长5.8%): the name stands in an earlier clause of the sentence
    s0 = where.sentence[0]
    end = c0
    for _ in range(3):
        if end <= s0:
            return False
        start = max([s0] + [text.rfind(c, s0, end - 1) + 1 for c in _BIND_STOP])
        piece = _compact(text[start : end - 1])
        head = re.split(r"\d", piece, maxsplit=1)[0]
        if len(re.sub(r"[\d.%]", "", _name_words(head))) >= 2:
            return _governs(n, head)
        end = start
    return False


def check_name(name: str, text: str, where: Place, rules_names: Iterable[str] = ()) -> Check:
    n = _compact(name)
    if not n:
        return rejected("the model gave no name")
    if any(n == _compact(r) for r in rules_names if r):
        return verified("the rules read the same name for this number")
    if len(re.sub(r"[\d.%,，、\-~—]", "", n)) < 2:
        return rejected(f"name {name[:40]!r} is a number, not a name")
    if _VERBS_ONLY.fullmatch(n):
        return rejected(f"name {name[:40]!r} is a verb, not a name")
    if re.search(r"\d", normalize_model_text(n)) and (
        where.clause is None or n not in _compact(text[where.clause[0] : where.clause[1]])
    ):
        return rejected(f"name {name[:40]!r} holds numbers its clause does not")
    if bound_name(name, text, where):
        return verified("the name governs its number in the number's clause")
    return rejected(f"name {name[:40]!r} is not the name of this number in its clause")


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
    if where.counts is not None:
        return "level"  # 提升8.7万人饮水安全: the number counts what follows, it is no change
    if _RATE_NOUN_TAIL.search(tail) or q.unit in ("个百分点", "百分点", "倍", "番"):
        return "growth"
    bare = re.sub(r"(?:超过|突破|不低于|不少于|不超过|低于|高于|约|近|了|达)+$", "", tail)
    if bare != tail and _GROWTH_TAIL.search(bare):
        return "growth"  # 累计下降超过20%: a change, bounded
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


# =======================================================================================
# The model's prose (issue 21): a sentence is checked like an item.
#
# Every number in it (in any script or wording: `normalize_model_text`) must be a number of
# the chunk with the same unit; the words the sentence puts around it must be true of that
# number in the source: the name before it must be the number's own name in its clause
# (`check_name`), a direction word (增长/下降 …) the source's, a level or a change as the
# source has it, a result or a target as the source's sentence makes it, and every year the
# same as `check_year` finds.  A year with no number must be written in the chunk.  A
# sentence with no fact to check is unverified (shown as unchecked), unless it is quoted.

_PROSE_UP = re.compile(r"(增长|增加|提高|提升|上升|扩大|增至|上涨)")
_PROSE_DOWN = re.compile(r"(下降|降低|减少|回落|压减|缩减|削减|降至|降到|收窄|缩小|下滑|下跌)")
_PROSE_RESULT = re.compile(r"(已经|已|完成了|实现了|比上年|同比|较上年|上年|去年|累计完成|达到了|增长了)")
_PROSE_TARGET = re.compile(r"(目标|力争|争取|预期|预计|计划|将要|要求|确保)")
_PROSE_YEAR = re.compile(r"((?:19|20)\d\d)年")
_NAME_HEAD = re.compile(
    r"^(?:其中|全年|全市|全县|全区|全省|全旗|今年|明年|力争|争取|确保|预计|预期|目标|计划|主要目标|本段|"
    r"(?:到|至|截至)?(?:19|20)\d\d年(?:底|末|的)?)+"
)


def _direction_of(words: str) -> str | None:
    down = [m.end() for m in _PROSE_DOWN.finditer(words)]
    up = [m.end() for m in _PROSE_UP.finditer(words)]
    if not down and not up:
        return None
    return "down" if max(down, default=-1) > max(up, default=-1) else "up"


def _base_unit(unit: str) -> str:
    return re.sub(r"^[万亿千百]+", "", unit)


def _same_quantity(p: Quantity, c: Quantity) -> bool:
    """The prose's number `p` is the source's `c`: same value in the same unit (1.3万人 is
    13000人), a range bound, and a share never a count of percentage points."""
    if p.unit in ("%", "‰", "个百分点", "百分点") or c.unit in ("%", "‰", "个百分点", "百分点"):
        if p.unit.replace("百分点", "个百分点").replace("个个", "个") != c.unit.replace(
            "百分点", "个百分点"
        ).replace("个个", "个"):
            return False
    elif _base_unit(p.unit) != _base_unit(c.unit) and p.unit and c.unit:
        return False
    if p.upper is not None:  # a range (1-2个) is only the same range
        return c.upper is not None and values_equal(p.value, c.value) and values_equal(p.upper, c.upper)
    if p.unit == c.unit:
        return _matches(p.value, c)
    ps, cs = p.scaled if p.scaled is not None else p.value, c.scaled if c.scaled is not None else c.value
    return values_equal(ps, cs)


def _prose_claims(
    norm: str, pm: Quantity, prose: Sequence[Quantity], carry: str
) -> tuple[str, str | None, str | None, list[int], str]:
    """What a sentence says about its number `pm`: (name, direction, kind, years, name to carry)."""
    assert pm.span is not None
    where = place(norm, pm, prose)
    c0 = where.clause[0] if where.clause else where.own[0]
    pre = _compact(norm[c0 : pm.span.start])
    words = _name_words(pre)
    years = [int(y) for y in _PROSE_YEAR.findall(norm[where.sentence[0] : pm.span.start])]
    name = _NAME_HEAD.sub("", re.sub(r"(?:19|20)\d\d年(?:底|末|的)?", "", words))
    name = re.sub(r"^[的是为]", "", name)
    if len(name) < 2:
        name = carry
    sentence = norm[where.sentence[0] : where.sentence[1]]
    kind = None
    if _PROSE_RESULT.search(sentence):
        kind = "actual"
    elif _PROSE_TARGET.search(sentence):
        kind = "target"
    return name, _direction_of(pre[len(words) :] or pre), kind, years, name


def _source_direction(text: str, where: Place) -> str | None:
    c0 = where.clause[0] if where.clause else where.own[0]
    assert where.number is not None
    pre = _compact(text[c0 : where.number[0]])
    return _direction_of(pre[len(_name_words(pre)) :] or pre[-4:])


def check_prose(
    sentence: str,
    chunk: Chunk,
    rules_names: dict[int, list[str]] | None = None,
) -> Check:
    """The model's sentence about `chunk`, checked like an item (see above)."""
    names = rules_names or {}
    bad = _HIDDEN_IN_NUMBER.findall(sentence)
    if bad:
        return rejected(f"the model's text hides characters inside a number ({bad[0]!r}); dropped")
    text = chunk.source
    src = [m.quantity for m in chunk.mentions]
    missing = unsupported_numbers(sentence, source_values(chunk.text, src))
    if missing:
        return rejected(
            f"the model's text holds numbers that are not in the chunk ({', '.join(missing[:3])}); dropped"
        )
    norm = normalize_model_text(sentence)
    prose = [m.quantity for m in find_mentions(norm)]
    values = [q for q in prose if q.unit != "年" and not is_year(q)]
    checked = 0
    nameless = 0
    carry = ""
    for pm in values:
        name, direction, kind, years, carry = _prose_claims(norm, pm, prose, carry)
        nameless += not name
        candidates = [c for c in src if c.span is not None and not is_year(c) and _same_quantity(pm, c)]
        if not candidates:
            return rejected(
                f"the model's text gives {pm.raw} in a unit or form the chunk does not have; dropped"
            )
        why = ""
        for c in candidates:
            assert c.span is not None
            where = place(text, c, src)
            titles = chunk.titles_at(c.span.start)
            if name and check_name(name, text, where, names.get(c.span.start, ())).status != _OK:
                why = f"{name[:20]!r} is not the name of {c.raw} in the source"
                continue
            sd = _source_direction(text, where)
            if direction is not None and direction != sd:
                why = f"the source does not say {c.raw} went {direction}"
                continue
            p_role = role_cue(place(norm, pm, prose), pm)
            s_role = role_cue(where, c)
            if p_role is not None and s_role is not None and p_role != s_role:
                why = f"the text makes {c.raw} a {p_role}, the source a {s_role}"
                continue
            s_kind = kind_cue(text, where, titles)
            if kind is not None and s_kind is not None and kind != s_kind:
                why = f"the text makes {c.raw} a {kind}, the source a {s_kind}"
                continue
            if any(check_year(y, text, where, src, titles).status != _OK for y in years):
                why = f"the year {', '.join(map(str, years))} is not the year of {c.raw} in the source"
                continue
            why = ""
            break
        if why:
            return rejected(f"the model's text misstates the source: {why}; dropped")
        checked += 1
    # years said with no number of their own
    for y in (int(v) for v in _PROSE_YEAR.findall(norm)):
        if year_in_chunk(y, chunk).status != _OK:
            return rejected(f"the model's text gives the year {y}, which the chunk does not; dropped")
    if checked and nameless:
        return unchecked("the model's text gives a number without saying what it is of")
    if checked:
        return verified("every number, name, unit, direction and year in it checked against the source")
    words = re.sub(r"(?:19|20)\d\d年(?:的|底|末|度)?", "", _compact(norm)).strip("。，,：:")
    if words and (words in _compact(chunk.text) or any(words in _compact(p) for p in chunk.section_path)):
        return verified("quoted from the chunk or its headings (its years are the chunk's)")
    if _direction_of(words) is not None or any(ch.isdigit() for ch in words):
        return rejected("the model's text states a change or a number the check cannot tie to the source; dropped")
    return unchecked("written by the model; nothing in it could be checked against the source")
