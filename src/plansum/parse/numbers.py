"""Find every quantity in plan text: value, unit, comparator, range and exact span.

One compiled regular expression scans the text once (alternation of "skip" shapes such as
dates, document numbers and index codes, then Chinese percentages, Arabic numbers and
Chinese numerals); a few cheap checks on the characters around each hit reject names and
ordinals (5G, 5A级, 第三章, 十四五, 一是 …).  Offsets always index the original text:
full-width characters are mapped one-to-one by `normalize_digits`, which never changes
the length.  See docs/numbers.md for the rules and the measured speed.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, overload

from .._lazyre import lazy_re
from ..models import Comparator, Mention, Quantity, Span, built

__all__ = [
    "SCALE",
    "UNITS",
    "LineStarts",
    "MentionRef",
    "Mentions",
    "cn_to_number",
    "find_mentions",
    "normalize_digits",
    "scan_mentions",
    "parse_quantity",
    "values_equal",
]

# --------------------------------------------------------------------------- data tables
# fmt: off

# A scale word is a grammar, not a list: an optional 百/千 before 万, 亿, 万亿 or 亿亿
# (1.2万, 3千亿, 0.6人/百亿元, 10.36百亿亿次/秒 = 1.036e19 per second).
#: Scale words and their factors.  A unit that starts with one of the scale words in
#: `_UNIT_SCALES` (1.2万人, 450亿元) has `Quantity.scaled = value * SCALE[word]`.
_BIG_SCALES: dict[str, float] = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "亿亿": 1e16}
SCALE: dict[str, float] = {
    "百": 1e2,
    "千": 1e3,
    **{p + w: f * m for w, f in _BIG_SCALES.items() for p, m in (("", 1), ("百", 1e2), ("千", 1e3))},
}

# Scale words recognised in front of a unit after a number (千/百 alone are not: 千瓦,
# 千米, 千伏 and 百分点 are units of their own).
_UNIT_SCALES: tuple[str, ...] = tuple(
    sorted((w for w in SCALE if w not in ("百", "千")), key=len, reverse=True)
)

#: Base units, matched after an optional scale word; the longest match wins.  Ratios like
#: 万元/人 are scale + base ("万" + "元/人").
UNITS: tuple[str, ...] = (
    # shares and growth
    "%", "‰", "个百分点", "百分点", "倍", "番",
    # money
    "元", "美元", "元/人", "元/平方米", "元/吨", "元/亩",
    # people and density
    "人", "人次", "人/万人", "人/平方公里", "名", "位", "户",
    # counts (classifiers)
    "个", "家", "所", "项", "座", "条", "处", "套", "件", "张", "张/千人", "床",
    "辆", "台", "台套", "次", "辆次", "架次", "场", "批", "种", "部", "册", "支", "艘",
    "株", "棵", "头", "只", "头只", "匹", "羽", "栋", "间", "眼", "孔", "宗", "笔",
    "块", "片", "段", "班", "分", "口", "列", "枚", "对", "例", "门",
    "班次", "批次", "车次", "航次", "艘次", "趟",
    # time and age
    "年", "个月", "天", "小时", "分钟", "秒", "周", "周年", "岁", "周岁", "个工作日", "工作日",
    # length, area, volume
    "公里", "千米", "米", "km", "㎞", "平方公里", "平方千米", "平方米", "平米", "㎡",
    "亩", "公顷", "立方米", "立方米/日", "立方米/秒", "m³",
    # mass and energy
    "吨", "吨/日", "吨标煤", "吨标准煤", "公斤", "千克", "克", "斤",
    "千瓦", "千瓦时", "瓦", "兆瓦", "吉瓦", "度", "千伏", "伏", "千伏安", "兆伏安",
    "MW", "GW", "kW", "KW", "kWh", "MWh", "GWh", "kV", "KV", "MVA", "Mbps", "Gbps",
    # environment
    "微克/立方米", "微克每立方米", "毫克/升", "毫克/立方米", "分贝", "摄氏度", "℃",
)

# After a Chinese numeral below ten with no scale word, only these units make a quantity
# (两个百分点, 一倍, 翻两番); "两个屏障", "三大", "一批", "五年" are words, not numbers.
_CN_SMALL_UNITS = frozenset({"%", "‰", "个百分点", "百分点", "倍", "番"})

_PREFIX_COMPARATORS: dict[str, Comparator] = {
    "约": Comparator.about, "大约": Comparator.about, "近": Comparator.about,
    "接近": Comparator.about, "将近": Comparator.about,
    "不低于": Comparator.at_least, "不少于": Comparator.at_least,
    "不小于": Comparator.at_least, "至少": Comparator.at_least,
    "超过": Comparator.more_than, "超": Comparator.more_than, "突破": Comparator.more_than,
    "高于": Comparator.more_than, "逾": Comparator.more_than, "多于": Comparator.more_than,
    "大于": Comparator.more_than,
    "不超过": Comparator.at_most, "不高于": Comparator.at_most, "不多于": Comparator.at_most,
    "控制在": Comparator.at_most, "最多": Comparator.at_most,
    "低于": Comparator.less_than, "不到": Comparator.less_than, "不足": Comparator.less_than,
    "少于": Comparator.less_than, "小于": Comparator.less_than,
}
_SUFFIX_COMPARATORS: dict[str, Comparator] = {
    "左右": Comparator.about, "上下": Comparator.about,
    "以上": Comparator.at_least, "及以上": Comparator.at_least,
    "以内": Comparator.at_most, "之内": Comparator.at_most,
    "以下": Comparator.at_most, "及以下": Comparator.at_most,
}
# A one-character comparator is a word ending after these characters (节约, 签约, 附近 …).
_PREFIX_BAD_BEFORE: dict[str, str] = {"约": "节制签预合契履违公条邀特集", "近": "附就最邻"}

# A bare number (no unit) followed by one of these is an identifier or a calendar part.
_BARE_STOP = frozenset("号版月日届章节篇款期时点")
# Words after 次 that make "十三次" an ordinal (十届十三次全会).
_ORDINAL_AFTER_CI = ("全会", "全体", "会议", "代表大会", "党代会", "人代会")
# A unit character that starts an ordinary word instead (千亿台阶, 3部分, 三分之一).
_UNIT_WORD_AFTER: dict[str, str] = {
    "台": "阶", "条": "件例约", "分": "之类别", "部": "分门署", "场": "所景地", "度": "假",
    "天": "然", "口": "径岸", "对": "口接外标于象话比照应", "门": "类户槛诊", "例": "外如会",
}
# Road numbers are names: 505国道, 省道305.
_ROADS = ("国道", "省道", "县道")
_OPEN_QUOTES = "“\"'「『"
_CLOSE_QUOTES = "”\"'」』"

# --------------------------------------------------------------------------- normalisation

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update(
    {
        ord("％"): ord("%"), ord("﹪"): ord("%"), ord("．"): ord("."), ord("～"): ord("~"),
        ord("〜"): ord("~"), ord("－"): ord("-"), ord("−"): ord("-"), ord("＋"): ord("+"),
        ord("／"): ord("/"), ord("："): ord(":"), ord("［"): ord("["), ord("］"): ord("]"),
    }
)
# fmt: on
_NEEDS_NORMALIZING = lazy_re("[" + "".join(map(chr, sorted(_FULLWIDTH))) + "]")


def normalize_digits(text: str) -> str:
    """Map full-width digits, letters and ％．～－＋／：［］ to ASCII, one char for one.

    The result has the same length as `text`, so offsets found in it index `text` too.
    The full-width comma "，" is kept: in Chinese text it separates clauses, not thousands.
    """
    if _NEEDS_NORMALIZING.search(text) is None:
        return text
    return text.translate(_FULLWIDTH)


def values_equal(a: float, b: float) -> bool:
    """Tolerant float comparison (relative 1e-9; values near zero compare absolutely)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# --------------------------------------------------------------------------- Chinese numerals

# fmt: off
_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
# fmt: on


@lru_cache(maxsize=4096)
def cn_to_number(s: str) -> int | None:
    """Value of a Chinese numeral, or None when it is not a well-formed number.

    Digit-by-digit readings (二〇三五, 一一〇) and positional ones (一百五十, 三万五千,
    一亿二千万, colloquial 一百五 = 150) are read; 十四五 and other run-ons give None.
    """
    if not s:
        return None
    if not any(ch in _CN_SMALL or ch in _CN_BIG for ch in s):
        if "两" in s and len(s) > 1:
            return None
        digits = [_CN_DIGITS.get(ch) for ch in s]
        if any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    total = 0  # finished 亿/万 groups
    section = 0  # the group being read (below 万)
    pending: int | None = None  # a digit not yet multiplied
    last = 0  # multiplier of the last unit character, for 一百五 = 150
    prev_small = 10**9  # units inside a section must decrease (千 > 百 > 十)
    zero = False
    for i, ch in enumerate(s):
        if ch in _CN_DIGITS:
            d = _CN_DIGITS[ch]
            if d == 0:
                if pending is not None or i == 0:
                    return None
                zero = True
                continue
            if pending is not None:
                return None
            pending = d
        elif ch in _CN_SMALL:
            u = _CN_SMALL[ch]
            if u >= prev_small:
                return None
            if pending is None:
                if section != 0 or zero or (i != 0 and not (s[i - 1] in _CN_BIG and u == 10)):
                    return None
                pending = 1  # leading 十 / 百 / 千 means one of it
            section += pending * u
            pending, last, prev_small, zero = None, u, u, False
        elif ch in _CN_BIG:
            b = _CN_BIG[ch]
            if pending is not None:
                section += pending
                pending = None
            if b == 100_000_000:
                if section == 0 and total == 0:
                    return None
                total = (total + section) * b  # 一万亿: the 万 group is multiplied again
            elif section == 0:
                return None  # 一亿万, 万 with nothing before it
            else:
                total += section * b
            section, last, prev_small, zero = 0, b, 10**9, False
        else:
            return None
    if zero and pending is None:
        return None  # a trailing 零 (十零)
    if pending is not None:
        if zero or last < 100:
            section += pending
        else:
            section += pending * (last // 10)
    return total + section


# --------------------------------------------------------------------------- the pattern


def _alt(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_NUM = r"(?:(?<![0-9A-Za-z.])-)?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_SCALES = rf"[百千]?(?:{_alt(list(_BIG_SCALES))})"  # the words of _UNIT_SCALES, as one grammar
_BASES = _alt(UNITS)
# A ratio unit stays whole: 克/千克, 件/万人, 平方米/人 (the part after "/" may carry a scale).
_PER = rf"(?:/(?:{_SCALES})?(?:{_BASES}))?"
_UNIT = rf"(?:(?:{_SCALES})[余多]?(?:(?:{_BASES}){_PER})?|[余多]?(?:{_BASES}){_PER}|[余多])"
_SEP = r"(?:~|-|—{1,2}|–|至|到)"
_CN_D = "零〇○一二三四五六七八九两"
_CN_RUN = (
    rf"(?:[{_CN_D}十][{_CN_D}十百千]*|[百千](?=[万亿]))"
    rf"(?:[万亿]+[{_CN_D}十][{_CN_D}十百千]*)*"
)
# A bare 百, 千 or 万 after a comparator is a round number: 超千场 (1000场), 近百家, 超万亿元 and
# 突破万元 (1 万亿元, 1 万元: the c1 group is empty and the scale goes into the unit).  Without a
# comparator it is a name (千家万户, 百万亩造林工程 is read by _CN_RUN only before 万/亿).
_CN_BARE = r"(?=[百千万])(?:(?<=[超近逾])|(?<=突破)|(?<=超过))(?:[百千](?![万亿])|(?=万))"
_CN_DATE_DIGIT = "〇○零一二三四五六七八九"
_SUFFIX = _alt(list(_SUFFIX_COMPARATORS))

_SKIP = "|".join(
    [
        r"(?:https?://|www\.)[!-~]+",  # URLs
        r"\d{9,}(?:[/\-]\d+)*",  # index codes, ID and phone numbers
        r"0\d{2,3}-\d{7,8}(?!\d)",  # phone numbers with area code
        r"\d{3,4}-\d{3,4}-\d{4}(?!\d)",  # 400-888-8888
        # full dates: 2023-02-09, 2023/2/9, 2023.2.9, 2023年2月9日
        r"(?:1[89]|20)\d\d(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|\.\d{1,2}\.\d{1,2}"
        r"|年\d{1,2}月\d{1,2}[日号])(?!\d)",
        r"(?:1[89]|20)\d\d[-/](?:0[1-9]|1[0-2])(?![\d\-/年]|,\d{3})",  # 2023-02, not 1800-10,000
        r"\d{1,2}月\d{1,2}[日号]",  # 2月9日
        r"\d{1,2}:\d\d(?::\d\d)?(?!\d)",  # 11:40
        r"\d{1,2}时\d{1,2}分",  # 11时40分
        rf"[{_CN_DATE_DIGIT}]{{4}}年[一二三四五六七八九十]{{1,2}}月[一二三四五六七八九十]{{1,3}}[日号]",
        r"[〔【\[]\d{4}[〕】\]](?:\s*\d+\s*号)?",  # 通政发〔2023〕21 号
    ]
)

_PATTERN = lazy_re(
    rf"(?=[0-9\-〔【\[hw百千万{_CN_D}十])(?:"
    rf"(?:{_SKIP})"
    rf"|(?:(?P<pct>百分之|千分之)(?P<pn>{_NUM}|{_CN_RUN})"
    rf"|(?P<n1>{_NUM})(?:(?P<u1>{_UNIT})?(?P<sep>{_SEP})(?P<n2>{_NUM})(?(u1)(?P=u1)(?P<u3>{_BASES})?|(?P<u2>{_UNIT})?)"
    rf"|(?:[ \xa0]?(?P<u0>{_UNIT}))?)"
    rf"|(?P<c1>{_CN_RUN}|{_CN_BARE})(?:(?P<csep>至|到|~|—|-)(?P<c2>{_CN_RUN}))?(?P<cu>{_UNIT}))"
    rf"(?P<suf>{_SUFFIX})?"
    r")"
)

_PREFIX = lazy_re(
    rf"(?P<asp>(?:力争|争取)(?:达到|实现)?)?(?P<cmp>{_alt(list(_PREFIX_COMPARATORS))})?$"
)
# The characters a prefix word can end with (and "\n", before which `$` also matches): before
# any other character _PREFIX finds nothing, and the search is skipped.
_PREFIX_LAST = frozenset(w[-1] for w in [*_PREFIX_COMPARATORS, "力争", "争取", "达到", "实现"]) | {"\n"}
_CLAUSE_END = lazy_re(r"[，,。；;：:！!？?\n]")
_PREFIX_WINDOW = 7  # len("力争达到不低于")


@lru_cache(maxsize=1024)
def _split_unit(unit: str) -> tuple[str, str, str]:
    """`unit` as (scale word, 余/多, base unit)."""
    scale = next((s for s in _UNIT_SCALES if unit.startswith(s)), "")
    rest = unit[len(scale) :]
    more = rest[:1] if rest[:1] in ("余", "多") and rest not in UNITS else ""
    return scale, more, rest[len(more) :]


def _arabic(s: str) -> float:
    return float(s.replace(",", ""))


def _is_ascii_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    value: float
    unit: str
    comparator: Comparator
    upper: float | None
    aspirational: bool
    scaled: float


_BLANK = " \t\r\u3000\xa0"


def _line_is_blank_before(norm: str, pos: int, also: str = "") -> bool:
    """Only whitespace (and the characters in `also`) stand between the line start and pos.

    Read backwards from pos: the cost is the blank run, not the line (a text of one long line
    made this quadratic, issue 22)."""
    blank = _BLANK + also
    j = pos - 1
    while j >= 0 and norm[j] in blank:
        j -= 1
    return j < 0 or norm[j] == "\n"


class LineStarts:
    """The start of the line an offset stands in, for offsets asked in increasing order.

    Each stretch of text is searched once (a text of one 50 MB line made `rfind("\n", 0, pos)`
    per number quadratic, issue 22); an offset before the last one asked is searched from 0."""

    __slots__ = ("_text", "_pos", "_start")

    def __init__(self, text: str) -> None:
        self._text, self._pos, self._start = text, 0, 0

    def __call__(self, pos: int) -> int:
        if pos < self._pos:
            self._pos, self._start = 0, 0
        nl = self._text.rfind("\n", self._pos, pos)
        if nl >= 0:
            self._start = nl + 1
        self._pos = pos
        return self._start


def _representable(hit: _Hit) -> bool:
    """A value a float can hold: a grouped number of 310 digits reads as inf, which JSON
    writes as null and the schema refuses; such a string is not a quantity of a plan."""
    isfinite = math.isfinite
    return isfinite(hit.value) and isfinite(hit.scaled) and (hit.upper is None or isfinite(hit.upper))


def _scan(text: str) -> list[_Hit]:
    norm = normalize_digits(text)
    hits: list[_Hit] = []
    prev_end = 0
    n = len(norm)
    for m in _PATTERN.finditer(norm):
        start, end = m.span()
        groups = m.group(*_GROUPS)  # one call for every group _read_match reads
        if groups[_N1] is None and groups[_C1] is None and groups[_PCT] is None:
            prev_end = end  # a skipped shape (date, code, URL …)
            continue
        hit = _read_match(norm, start, end, groups, n)
        if hit is None or not _representable(hit):
            prev_end = end
            continue
        # comparator / aspiration words written right before the number
        lo = max(prev_end, start - _PREFIX_WINDOW)
        pm = _PREFIX.search(norm, lo, start) if start > lo and norm[start - 1] in _PREFIX_LAST else None
        if pm is not None and pm.start() < start:
            cmp_word = pm.group("cmp")
            asp_word = pm.group("asp")
            if cmp_word and not asp_word and len(cmp_word) == 1:
                before = norm[pm.start() - 1] if pm.start() > 0 else "\0"
                if before and before in _PREFIX_BAD_BEFORE.get(cmp_word, ""):
                    cmp_word = None
            if cmp_word == "近" and not asp_word and hit.unit == "年":
                cmp_word = None  # 近3年 = "the last three years"
            if cmp_word or asp_word:
                new_start = start - (len(cmp_word or "") + len(asp_word or ""))
                hit.start = new_start
                if asp_word:
                    hit.aspirational = True
                if cmp_word:
                    pre = _PREFIX_COMPARATORS[cmp_word]
                    suf_word = groups[_SUF]
                    if not (suf_word and cmp_word == "控制在"):
                        hit.comparator = pre
        hits.append(hit)
        prev_end = end
    if hits and "力争" in norm:
        _mark_aspirational(norm, hits)
    return hits


def _mark_aspirational(norm: str, hits: list[_Hit]) -> None:
    """力争 earlier in the same clause makes the number a stretch goal (力争全年增长8%).

    A number is marked when no clause end stands between the last 力争 before it and it.  The
    first clause end after each 力争 is searched for only up to the next 力争, so the text is
    read once, whatever its length (no list of every clause end of the document)."""
    marks: list[int] = []
    i = norm.find("力争")
    while i >= 0:
        marks.append(i)
        i = norm.find("力争", i + 2)
    if not marks:
        return
    n = len(norm)
    first_end = [n] * len(marks)  # the first clause end at or after each mark
    for k in range(len(marks) - 1, -1, -1):
        limit = marks[k + 1] if k + 1 < len(marks) else n
        m = _CLAUSE_END.search(norm, marks[k], limit)
        first_end[k] = m.start() if m is not None else (first_end[k + 1] if k + 1 < len(marks) else n)
    for hit in hits:
        if hit.aspirational:
            continue
        j = bisect_left(marks, hit.start) - 1
        if j >= 0 and first_end[j] >= hit.start:
            hit.aspirational = True


# The groups of _PATTERN that _read_match reads, fetched with one `Match.group` call per match.
_GROUPS = ("pct", "pn", "n1", "n2", "u1", "u2", "u3", "u0", "c1", "c2", "cu", "suf")
_PCT, _PN, _N1, _N2, _U1, _U2, _U3, _U0, _C1, _C2, _CU, _SUF = range(len(_GROUPS))


def _read_match(norm: str, start: int, end: int, g: tuple[str | None, ...], n: int) -> _Hit | None:
    """The quantity of one match of _PATTERN (span start:end, groups `g` in _GROUPS order)."""
    before = norm[start - 1] if start > 0 else "\0"  # NUL: never in a character set below
    after = norm[end] if end < n else "\0"
    suf = g[_SUF] or ""
    j = start - 1
    while j >= 0 and norm[j] in " \xa0%":
        j -= 1
    if j >= 0 and norm[j] == "第":
        return None  # ordinals: 第三章, 第 5 次, "第%1章"
    if after in "级+·" or before in "+·":
        return None  # 5A级 (via the letter), 千亿级, 8+N, 1+3, 12·18
    upper: float | None = None
    pct = g[_PCT]
    n1 = g[_N1]
    if pct is not None:
        raw_num = g[_PN]
        assert raw_num is not None  # pn is required after pct
        value = (
            _arabic(raw_num) if raw_num[0].isdigit() or raw_num[0] == "-" else cn_to_number(raw_num)
        )
        if value is None:
            return None
        unit = "%" if pct == "百分之" else "‰"
        scale = more = ""
        base = unit
    elif n1 is not None:
        if _is_ascii_letter(before) or before in "/_@#.":
            return None  # PM2.5, G111, CO2, 2023/…
        if _is_ascii_letter(after):
            return None  # 5G, 4A级, 3D打印
        digits = n1[1:] if n1[0] == "-" else n1
        if len(digits) > 1 and digits[0] == "0" and digits[1] != ".":
            return None  # 06版, 028000 (postcodes, page numbers)
        value = float(n1.replace(",", "")) if "," in n1 else float(n1)
        n2 = g[_N2]
        if n2 is not None:
            upper = _arabic(n2)
            # 1万—2万人: a scale word on both ends, the base unit only after the second
            unit = (g[_U1] or g[_U2] or "") + (g[_U3] or "")
        else:
            unit = g[_U0] or ""
        if not unit and not suf:
            if after in _BARE_STOP:
                return None  # 21号, 3月, 06版, 第5章
            if after in ".．" and not (end + 1 < n and norm[end + 1].isdigit()):
                return None  # list numbering "1." and URLs like 123.com
            if after in "、.)）" and _line_is_blank_before(norm, start):
                return None  # "1、" "1)" at the start of a line
            if before in "(（" and after in ")）":
                return None  # (1) / （1）
            if before and before in _OPEN_QUOTES and after and after in _CLOSE_QUOTES:
                return None  # “1571”工作部署, “801”矿: names
            if norm.startswith(_ROADS, end) or norm[max(0, start - 2) : start] in _ROADS:
                return None  # 505国道
            if (
                "." not in n1
                and _line_is_blank_before(norm, start, "|")
                and (norm[end : end + 3].lstrip(" \xa0").startswith("|"))
            ):
                return None  # the 序号 cell of a flattened table row
        scale, more, base = _split_unit(unit)
    else:
        c1, cu = g[_C1], g[_CU]
        assert c1 is not None and cu is not None  # the third shape: c1 and its unit
        unit = cu
        scale, more, base = _split_unit(unit)
        value = cn_to_number(c1) if c1 else 1  # 超万亿元: one of the scale word
        if value is None:
            return None  # 十四五 and other run-ons
        if len(c1) == 2 and not any(ch in _CN_SMALL or ch in _CN_BIG for ch in c1):
            return None  # 三五年: "three or five", not 35
        c2 = g[_C2]
        if c2 is not None:
            upper_val = cn_to_number(c2)
            if upper_val is None:
                return None
            upper = float(upper_val)
        elif value < 10 and not scale and base not in _CN_SMALL_UNITS:
            return None  # 一批, 两个屏障, 五年, 三大, 九个方面
        if _is_ascii_letter(after) or before in "几数若":
            return None  # 几十年, 数百万
        if not base:
            return None  # 千万工程, 百亿级, 十万大学生: scale words alone are names here
        value = float(value)
    if base == "次" and norm.startswith(_ORDINAL_AFTER_CI, end):
        return None  # 十届十三次全会
    if base and not suf and after and after in _UNIT_WORD_AFTER.get(base[-1], ""):
        return None  # 千亿台阶, 3部分
    if more:
        unit = scale + base
    comparator = Comparator.exact
    if suf:
        comparator = _SUFFIX_COMPARATORS[suf]
    elif more:
        comparator = Comparator.more_than  # 300余个, 5万多人
    scaled = value * SCALE[scale] if scale else value
    return _Hit(start, end, float(value), unit, comparator, upper, False, scaled)


# --------------------------------------------------------------------------- public API


def _quantity(text: str, hit: _Hit, *, with_span: bool = True) -> Quantity:
    return Quantity(
        raw=text[hit.start : hit.end],
        value=hit.value,
        unit=hit.unit,
        comparator=hit.comparator,
        upper=hit.upper,
        aspirational=hit.aspirational,
        scaled=hit.scaled,
        span=Span(start=hit.start, end=hit.end) if with_span else None,
    )


# Invisible characters that web copies leave inside numbers (1\u200b2% is 12%, not 1 and 2%).
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZW_IN_NUMBER = lazy_re(rf"(?<=[0-9０-９.．])[{_ZERO_WIDTH}]+(?=[0-9０-９.．%％])")


def _scan_through_zero_width(text: str) -> list[_Hit]:
    """`_scan` with zero-width characters inside numbers read through; spans index `text`."""
    # Each zero-width character alone is looked for at memory speed; the pattern (a lookbehind
    # first: tried at every position) only when one is there.
    if not any(ch in text for ch in _ZERO_WIDTH) or _ZW_IN_NUMBER.search(text) is None:
        return _scan(text)
    # Where each run of dropped characters falls in the shortened text, and how many characters
    # were dropped up to its end: a shortened offset maps back by one bisection (no table of
    # every offset of the text, which was 8 bytes and an int object per character).
    at: list[int] = []
    dropped: list[int] = []
    total = 0
    for m in _ZW_IN_NUMBER.finditer(text):
        at.append(m.start() - total)
        total += m.end() - m.start()
        dropped.append(total)

    def back(p: int) -> int:
        r = bisect_right(at, p) - 1
        return p + (dropped[r] if r >= 0 else 0)

    hits = _scan(_ZW_IN_NUMBER.sub("", text))
    for h in hits:
        h.start, h.end = back(h.start), back(h.end - 1) + 1
    return hits


_NO_UPPER = math.nan  # `upper` is None (a range's upper end is always finite: _representable)


class Mentions(Sequence[Mention]):
    """Every number mention of one text, kept as columns: offsets, values, units.

    A 50 MB plan has some 400,000 mentions; as pydantic objects (a Mention, its Quantity and
    its Span) each took about 1.5 KB and the document 34 times its size in memory (issue 22).
    Here a mention costs about 60 bytes, and a `Mention` is made only when one is asked for
    (`mentions[i]`); the rules read the columns directly (`start`, `unit`, `is_year` …).
    Each access makes a new object: nothing downstream changes a mention in place.
    """

    __slots__ = ("_text", "starts", "ends", "_value", "_scaled", "_upper", "_unit", "_cmp", "_asp")

    def __init__(self, text: str, hits: Sequence[_Hit] = ()) -> None:
        self._text = text
        self.starts = array("q", [h.start for h in hits])
        self.ends = array("q", [h.end for h in hits])
        self._value = array("d", [h.value for h in hits])
        self._scaled = array("d", [h.scaled for h in hits])
        self._upper = array("d", [_NO_UPPER if h.upper is None else h.upper for h in hits])
        self._unit = [sys.intern(h.unit) for h in hits]  # a few dozen distinct strings, shared
        self._cmp = [h.comparator for h in hits]  # enum members, shared
        self._asp = bytes(h.aspirational for h in hits)

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, i: int) -> Mention: ...
    @overload
    def __getitem__(self, i: slice) -> list[Mention]: ...
    def __getitem__(self, i: int | slice) -> Mention | list[Mention]:
        if isinstance(i, slice):
            return [self._mention(k) for k in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("mention index out of range")
        return self._mention(i)

    def __iter__(self) -> Iterator[Mention]:
        return (self._mention(k) for k in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mentions | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def _mention(self, k: int) -> Mention:
        return Mention(id=k, quantity=self.quantity(k))

    def quantity(self, k: int) -> Quantity:
        """The `Quantity` of mention k, as `find_mentions` gives it."""
        # Made with `built`, not validated: every column holds what the scan read (ints for
        # offsets with start <= end, floats, an enum member, the unit as a str), the types the
        # fields take; validation cost ~10 µs of the ~12 per number (issue 22).
        start, end = self.starts[k], self.ends[k]
        upper = self._upper[k]
        return built(
            Quantity,
            {
                "raw": self._text[start:end],
                "value": self._value[k],
                "unit": self._unit[k],
                "comparator": self._cmp[k],
                "upper": None if upper != upper else upper,  # NaN: no upper end
                "aspirational": bool(self._asp[k]),
                "scaled": self._scaled[k],
                "span": built(Span, {"start": start, "end": end}),
            },
        )

    def ref(self, k: int) -> MentionRef:
        """Mention k as (id, quantity), with the same Quantity `self[k].quantity` gives."""
        return MentionRef(k, self.quantity(k))

    def unit(self, k: int) -> str:
        return self._unit[k]

    def is_year(self, k: int) -> bool:
        """`is_year(self[k].quantity)` without making the objects."""
        upper = self._upper[k]
        return (
            self._unit[k] == "年"
            and self._cmp[k] == Comparator.exact
            and 1900 <= self._value[k] <= 2100
            and upper != upper
        )


class MentionRef(NamedTuple):
    """A mention's id and Quantity without the `Mention` model around them (one pydantic
    validation fewer per number, where the caller only reads `.id` and `.quantity`)."""

    id: int
    quantity: Quantity


def scan_mentions(text: str) -> Mentions:
    """Every quantity in `text`, in order, as a compact `Mentions` (what a Document keeps)."""
    return Mentions(text, _scan_through_zero_width(text))


def find_mentions(text: str) -> list[Mention]:
    """Every quantity in `text`, in order; `text[q.span.start:q.span.end] == q.raw`."""
    return list(scan_mentions(text))


_CN_ONLY = lazy_re(rf"[{_CN_D}十百千万亿]+")


def parse_quantity(raw: str) -> Quantity | None:
    """Parse one quantity string ("7%左右", "1.2万人", "二〇三五年", "8~10个").

    Words around a single quantity are ignored ("增长7%左右" → 7 %); a string with no
    quantity or with more than one gives None, and so does one that is not a quantity
    in the text sense (5G, 第三章, 十四五).  A bare Chinese numeral (三百) is read too.
    The returned Quantity has no span: it is not located in a document.
    """
    s = raw.strip()
    if not s:
        return None
    hits = _scan_through_zero_width(s)
    if len(hits) == 1:
        return _quantity(s, hits[0], with_span=False)
    if not hits and _CN_ONLY.fullmatch(s):
        value = cn_to_number(s)
        if value is not None:
            return Quantity(raw=s, value=float(value), scaled=float(value))
    return None


def is_year(q: Quantity) -> bool:
    """A plain year mention (2025年, 二〇三五年), as opposed to a duration (3年) or a range.

    The one definition of "is this a year" in plansum: the rules, the model check and the
    goals all ask it here."""
    return q.unit == "年" and q.comparator == "exact" and 1900 <= q.value <= 2100 and q.upper is None
