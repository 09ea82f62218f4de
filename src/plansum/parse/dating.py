"""Which year or period each indicator is about, and whether it is a result or a target.

A number's time is read, nearest first, from the clause and sentence before it (到2030年,
今年, 过去五年, “十五五”时期), then from the paragraph it stands in, then from the headings
above it ("2026年重点工作", "“十五五”时期主要目标"), and last from the document itself: a
2026 work report sets 2026 targets and reports 2025 results; a 十四五 outline sets targets
for 2025 (period 2021-2025) and reports results of 2016-2020.

All time references are found by one scan of the text; each indicator then costs a binary
search, so the rules path keeps its speed.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .._lazyre import lazy_re
from ..models import IndicatorKind
from .numbers import normalize_digits

__all__ = [
    "Era",
    "Timeline",
    "averaged_before",
    "own_era",
    "plan_containing",
    "plan_label",
    "plan_period",
]

_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR_DIGIT = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4",
                  "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}


def plan_period(n: int) -> tuple[int, int]:
    """Years of the n-th five-year plan: 14 → (2021, 2025), 15 → (2026, 2030)."""
    start = 2006 + 5 * (n - 11)
    return start, start + 4


def plan_label(period: str | None) -> str | None:
    """"2026-2030" → "十五五" when the period is a five-year plan's, else None."""
    if not period or not re.fullmatch(r"\d{4}-\d{4}", period):
        return None
    a, b = int(period[:4]), int(period[5:])
    if b - a != 4 or (a - 2006) % 5:
        return None
    n = 11 + (a - 2006) // 5
    return "十" + "一二三四五六七八九"[n - 11] + "五" if 11 <= n <= 19 else None


@dataclass(frozen=True)
class Era:
    """A year, or a period of years (inclusive), that a number is about."""

    year: int | None = None
    period: tuple[int, int] | None = None

    @property
    def last(self) -> int | None:
        return self.year if self.year is not None else (self.period[1] if self.period else None)

    @property
    def period_text(self) -> str | None:
        return f"{self.period[0]}-{self.period[1]}" if self.period else None

    def kind(self, doc_year: int | None) -> IndicatorKind | None:
        """Past → actual, future → target, relative to the year the document speaks from."""
        if doc_year is None:
            return None
        if self.period is not None and self.year is None:
            a, b = self.period
            if b < doc_year:
                return IndicatorKind.actual
            if a >= doc_year:
                return IndicatorKind.target
            return None
        if self.year is None:
            return None
        if self.year < doc_year:
            return IndicatorKind.actual
        if self.year > doc_year:
            return IndicatorKind.target
        return None


_YEAR_CN = "〇○零一二三四五六七八九"
_TIME = lazy_re(
    # Every reference starts with one of these characters: a cheap test before the alternation.
    rf"(?=[12{_YEAR_CN}十今本年明去过刚上这近])(?:"
    r"(?P<range>(?:19|20)\d{2})\s*年?\s*(?:[-—–~～至到]|—{2})\s*(?P<range2>(?:19|20)\d{2})\s*年"
    rf"|(?P<year>(?:19|20)\d{{2}}|[{_YEAR_CN}]{{4}})\s*年(?![\d度]*[月日号])"
    r"|(?P<plan>十[一二三四五六七八九]五)(?![”\"]?(?:规划|时期规划|期间规划))"
    r"|(?P<five>五年来|过去五年|五年间|近五年|这五年)"
    r"|(?P<rel>今年|本年度|年内|明年|去年|过去一年|一年来|刚刚过去的一年|上一年)"
    r")"
)
# A year written right after these is a baseline (比2020年增长, 较上年), not the number's time.
_BASELINE_BEFORE = lazy_re(r"(?:比|较|与|同|从|由|相比|基期|对比)\s*[“\"]?\s*$")
# A plan named as a document to write ("制定“十五五”…方案") is not the time of a number.
_DOCUMENT_BEFORE = lazy_re(r"(?:制定|编制|谋划|出台|印发|研究|衔接|纳入)[^，。；]{0,4}[“\"]?$")
# A plan named with its first or last year: “十四五”收官之年 is 2025, “十五五”开局之年 2026.
_PLAN_END_BEFORE = lazy_re(r"收官[“\"]?$")
_PLAN_END_AFTER = lazy_re(r"[”\"]?(?:规划)?(?:的)?收官")
_PLAN_START_BEFORE = lazy_re(r"(?:开局|起步)[“\"]?$")
_PLAN_START_AFTER = lazy_re(r"[”\"]?(?:规划)?(?:的)?(?:良好)?开局")
# Words before a number that make it a figure over several years (an average or a total).
# 年均浓度 (PM2.5), 年平均气温: one year's mean level, not a figure over several years.
_AVERAGE_BEFORE = lazy_re(r"(?:年均|年平均)(?!浓度|气温|降水|降雨)|平均每年")
_WHOLE_YEAR = lazy_re(r"全年")
# A paragraph's start, and how much of it may open a part with a time.
_PARAGRAPH = lazy_re(r"(?m)^[ \t\u3000]*(?=\S)")
_PART_HEAD = 24
_PART_LEVEL = 2  # the index of the part's era in Timeline.era's levels
_ADDRESS = lazy_re(r"^(?:各位代表|同志们)[！!，,：:]\s*")  # 各位代表！刚刚过去的2025年，…
_SENTENCE_END = lazy_re(r"[。；;！!？?\n]")
_LINE_END = lazy_re(r"\n")
_TITLE_CHARS = 120


@dataclass(frozen=True)
class _Ref:
    start: int
    end: int
    era: Era


def _cn_year(s: str) -> int | None:
    if all(ch in _CN_YEAR_DIGIT for ch in s):
        y = int("".join(_CN_YEAR_DIGIT[ch] for ch in s))
        return y if 1900 <= y <= 2100 else None
    return None


def find_eras(
    text: str, doc_year: int | None, start: int = 0, end: int | None = None
) -> list[_Ref]:
    """Every time reference in `text[start:end]` that is not a baseline, in order (offsets
    into `text`)."""
    out: list[_Ref] = []
    part = normalize_digits(text[start:end])  # ２０２５年: same length, same offsets
    for m in _TIME.finditer(part):
        a = start + m.start()
        before = text[max(0, a - 8) : a]
        if _BASELINE_BEFORE.search(before[-4:]):
            continue
        if m.group("plan") and _DOCUMENT_BEFORE.search(before):
            continue
        era: Era | None = None
        if m.group("range"):
            a, b = int(m.group("range")), int(m.group("range2"))
            if a < b:
                era = Era(period=(a, b))
        elif m.group("year"):
            y = m.group("year")
            year = int(y) if y.isdigit() else _cn_year(y)
            if year is not None:
                era = Era(year=year)
        elif m.group("plan"):
            pa, pb = plan_period(10 + _CN_DIGIT[m.group("plan")[1]])
            pre, post = part[max(0, m.start() - 4) : m.start()], part[m.end() : m.end() + 6]
            if _PLAN_END_BEFORE.search(pre) or _PLAN_END_AFTER.match(post):
                era = Era(year=pb)  # “十四五”收官之年, 收官“十四五”: the plan's last year
            elif _PLAN_START_BEFORE.search(pre) or _PLAN_START_AFTER.match(post):
                era = Era(year=pa)  # “十五五”开局之年, 实现“十五五”良好开局: its first year
            else:
                era = Era(period=(pa, pb))
        elif doc_year is not None and m.group("five"):
            era = Era(period=(doc_year - 5, doc_year - 1))
        elif doc_year is not None and m.group("rel"):
            w = m.group("rel")
            era = Era(year=doc_year + (0 if w in ("今年", "本年度", "年内") else 1 if w == "明年" else -1))
        if era is not None:
            out.append(_Ref(a, start + m.end(), era))
    return out


@lru_cache(maxsize=4096)
def _title_era(title: str, doc_year: int | None) -> Era | None:
    """A heading's time: a single year wins over a period ("十五五…和2026年重点工作")."""
    eras = [r.era for r in find_eras(title, doc_year)]
    years = [e for e in eras if e.year is not None]
    return years[-1] if years else (eras[-1] if eras else None)


_ONE_YEAR_CHANGE = lazy_re(r"(?:增长|增速|下降|降低|提高|上升|回落)[了为达到]?$")
_SPAN_WORDS = lazy_re(r"年均|平均|五年|累计|期间|以来|十[一二三四五六]五")


@dataclass
class Timeline:
    """Time references of one document, and the document's own time."""

    text: str
    doc_year: int | None = None
    doc_type: str = "other"
    doc_period: str | None = None
    # (body start, body end, heading title) for the headings, in pre-order.
    sections: Sequence[tuple[int, int, str]] = ()

    def __post_init__(self) -> None:
        if self.doc_year is None:
            # No year from the document info: the first year in its title lines.
            head = find_eras(self.text[:_TITLE_CHARS], None)
            self.doc_year = next((r.era.year for r in head if r.era.year is not None), None)
        # Time references are read one paragraph at a time, when a number there asks.
        self._by_line: dict[int, tuple[list[int], list[_Ref]]] = {}
        self._by_line_ends: dict[int, Sequence[int]] = {}  # sentence ends in a line, by its start

    @cached_property
    def _painted(self) -> tuple[list[int], list[Era | None]]:
        eras = [(a, b, _title_era(t, self.doc_year)) for a, b, t in self.sections]
        eras = [(a, b, e) for a, b, e in eras if e is not None]
        points = sorted({p for a, b, _ in eras for p in (a, b)})
        painted: list[Era | None] = [None] * len(points)
        for a, b, e in eras:  # pre-order: inner sections paint over outer
            for i in range(bisect.bisect_left(points, a), bisect.bisect_left(points, b)):
                painted[i] = e
        return points, painted

    @cached_property
    def _parts(self) -> tuple[list[int], list[Era], list[int]]:
        """Paragraphs that open a part of a section with a time (过去五年，… / 2025年，… /
        今年是…): the era each opens, and the section starts that close a part."""
        starts: list[int] = []
        eras: list[Era] = []
        if self.doc_type != "work_report":
            return starts, eras, []  # a report's review and targets; a plan's parts are headed
        for m in _PARAGRAPH.finditer(self.text):
            a = m.start()
            head = _ADDRESS.sub("", self.text[a : a + _PART_HEAD + 8])[:_PART_HEAD]
            cut = re.search(r"[，,。：:；;！!\n]", head)
            clause = head[: cut.start()] if cut else head
            refs = find_eras(clause, self.doc_year)
            if refs and refs[0].start <= 6 and not clause.startswith("到"):
                starts.append(a)
                eras.append(refs[0].era)
        bodies = sorted({a for a, _, _ in self.sections})
        return starts, eras, bodies

    def part_era(self, offset: int) -> Era | None:
        """The era of the part (within its section) a number stands in, if a paragraph before
        it opened one with a time."""
        starts, eras, bodies = self._parts
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return None
        j = bisect.bisect_right(bodies, offset) - 1
        if j >= 0 and bodies[j] > starts[i]:
            return None  # a heading since: the part ended with its section
        return eras[i]

    def section_era(self, offset: int) -> Era | None:
        points, painted = self._painted
        i = bisect.bisect_right(points, offset) - 1
        era = painted[i] if i >= 0 else None
        if era is None and self.doc_type == "news":
            # Flat sub-headings of a news page: the last dated one before the offset governs.
            while i >= 0 and painted[i] is None:
                i -= 1
            era = painted[i] if i >= 0 else None
        return era

    def _line_refs(self, offset: int) -> tuple[list[int], list[_Ref]]:
        line = self._start(self._lines, offset)  # no scan back over a long line (issue 22)
        hit = self._by_line.get(line)
        if hit is None:
            end = self.text.find("\n", offset)
            refs = find_eras(self.text, self.doc_year, line, None if end < 0 else end)
            hit = self._by_line[line] = ([r.start for r in refs], refs)
        return hit

    def nearest(self, offset: int, lo: int) -> Era | None:
        """The last time reference that ends in [lo, offset) (lo is in offset's paragraph)."""
        starts, refs = self._line_refs(offset)
        i = bisect.bisect_left(starts, offset) - 1
        while i >= 0 and refs[i].start >= lo:
            if refs[i].end <= offset:
                return refs[i].era
            i -= 1
        return None

    def nearest_two(self, offset: int, s_start: int, line_start: int) -> tuple[Era | None, Era | None]:
        """`(nearest(offset, s_start), nearest(offset, line_start))` from one walk back over the
        line's references (issue 22): the paragraph's is the last that ends before `offset`,
        and it is the sentence's too when it starts at `s_start` or later (a reference that
        started earlier and ends before `offset` stops the sentence's walk with None)."""
        starts, refs = self._line_refs(offset)
        i = bisect.bisect_left(starts, offset) - 1
        while i >= 0 and refs[i].start >= line_start:
            r = refs[i]
            if r.end <= offset:
                return (r.era if r.start >= s_start else None), r.era
            i -= 1
        return None, None

    def _sentence_start(self, offset: int) -> int:
        """Just after the last sentence end before `offset` (0 if none).  Every line end is a
        sentence end, so the search stays in offset's line; a line's sentence ends are found
        the first time a number there asks (most lines hold no indicator)."""
        lines = self._lines
        i = bisect.bisect_right(lines, offset)
        line = lines[i - 1] if i > 0 else 0
        ends = self._by_line_ends.get(line)
        if ends is None:
            stop = lines[i] - 1 if i < len(lines) else len(self.text)  # the line's \n, or the end
            ends = array("q", [m.end() for m in _SENTENCE_END.finditer(self.text, line, stop)])
            self._by_line_ends[line] = ends
        return self._start(ends, offset) if ends and ends[0] <= offset else line

    @cached_property
    def _lines(self) -> Sequence[int]:
        return array("q", [m.end() for m in _LINE_END.finditer(self.text)])

    @staticmethod
    def _start(bounds: Sequence[int], offset: int) -> int:
        i = bisect.bisect_right(bounds, offset) - 1
        return bounds[i] if i >= 0 else 0

    def sentence_era(self, offset: int) -> Era | None:
        return self.nearest(offset, self._sentence_start(offset))

    def paragraph_era(self, offset: int) -> Era | None:
        return self.nearest(offset, self._start(self._lines, offset))

    @cached_property
    def doc_plan(self) -> tuple[int, int] | None:
        p = self.doc_period
        if p and re.fullmatch(r"\d{4}-\d{4}", p):
            return int(p[:4]), int(p[5:])
        return None

    def default(self, kind: IndicatorKind) -> Era | None:
        """The document's own time for a target or a result."""
        if self.doc_plan is not None:
            a, b = self.doc_plan
            if kind is IndicatorKind.target:
                return Era(year=b, period=(a, b))
            return Era(year=a - 1, period=(a - 5, a - 1))
        if self.doc_year is None:
            return None
        if kind is IndicatorKind.target:
            return Era(year=self.doc_year)
        return Era(year=self.doc_year - 1)

    def era(
        self,
        offset: int,
        kind: IndicatorKind,
        near: tuple[Era | None, Era | None] | None = None,
        s_start: int | None = None,
    ) -> Era | None:
        """The time of a number at `offset` whose kind is `kind` (sentence, paragraph,
        heading, then the document).  `near`: the sentence's and paragraph's, if known;
        `s_start`: where the number's sentence starts (`_sentence_start(offset)`), if known.
        The sentence before the number is searched in place, never copied (issue 22)."""
        s_era, p_era = near if near is not None else (
            self.sentence_era(offset), self.paragraph_era(offset)
        )
        start = self._sentence_start(offset) if s_start is None else s_start
        if s_era is None and self.doc_plan is None and self.doc_year is not None:
            # 全年 in a report's review is the year reviewed, in its targets the year ahead.
            if _WHOLE_YEAR.search(self.text, start, offset):
                s_era = Era(year=self.doc_year - (1 if kind is IndicatorKind.actual else 0))
        levels = (s_era, p_era, self.part_era(offset), self.section_era(offset))
        era = self._era(offset, kind, levels, start)
        if (
            era is not None
            and era.period is None
            and era.year is not None
            and averaged_before(self.text, offset, start)
        ):
            # 年均增长4.7%: an average over years, dated by the five-year plan it falls in.
            plan = self._plan_of(era.year)
            era = Era(year=plan[1], period=plan)
        return era

    def _plan_of(self, year: int) -> tuple[int, int]:
        if self.doc_plan is not None and self.doc_plan[0] <= year <= self.doc_plan[1]:
            return self.doc_plan
        return plan_containing(year)

    def _era(
        self, offset: int, kind: IndicatorKind, levels: tuple[Era | None, ...], s_start: int
    ) -> Era | None:
        for n, e in enumerate(levels):
            if e is None:
                continue
            k = e.kind(self.doc_year)
            if k is None or k is kind:
                if e.period is None and e.year is not None and not self._one_year_rate(offset, kind, s_start):
                    # 到2030年 inside a “十五五” passage: the year ends the period.
                    for m, outer in enumerate(levels[n + 1 :], start=n + 1):
                        if m == _PART_LEVEL and kind is IndicatorKind.actual:
                            continue  # a year's result told inside a five-year review keeps its year
                        if outer is not None and outer.period and outer.period[1] == e.year:
                            return Era(year=e.year, period=outer.period)
                return self.complete(e, kind)
        return self.default(kind)

    def _one_year_rate(self, offset: int, kind: IndicatorKind, start: int) -> bool:
        """A result written as one year's change ("2025年…地区生产总值增长4.9%") with no word
        of a multi-year span before it in its sentence: under a 五年回顾 heading it is still
        that year's rate, not the period's (a level reached in 2020 does end 十三五)."""
        if kind is not IndicatorKind.actual:
            return False
        text = self.text  # searched in place: `$` holds at `offset` (the search's end)
        return (
            _ONE_YEAR_CHANGE.search(text, max(start, offset - 8), offset) is not None
            and _SPAN_WORDS.search(text, start, offset) is None
        )

    def complete(self, e: Era, kind: IndicatorKind) -> Era:
        """A target year that ends the document's plan period gets the period too."""
        if e.period is None and e.year is not None and self.doc_plan is not None:
            a, b = self.doc_plan
            if e.year == b and kind is IndicatorKind.target:
                return Era(year=b, period=(a, b))
        if e.year is None and e.period is not None:
            return Era(year=e.period[1], period=e.period)
        return e


_ENDS = "。；;！!？?\n"


def sentence_start(text: str, offset: int) -> int:
    """Just after the last sentence end before `offset` (0 if none).

    Searched in windows growing back from the offset: a mark the text never has (`!`) made
    each call read the whole text before the offset, quadratic on a long document (issue 22)."""
    width = 256
    lo = offset
    while lo > 0:
        lo = max(0, offset - width)
        last = max(text.rfind(ch, lo, offset) for ch in _ENDS)
        if last >= 0:
            return last + 1
        width *= 4
    return 0


def own_era(text: str, offset: int, doc_year: int | None, kind: IndicatorKind) -> Era | None:
    """The time a number's own sentence names before it (2025年, 今年, 过去五年, “十五五”时期,
    “十四五”收官之年), or, for 全年, the year the part is about: the year reviewed for a result,
    the year ahead for a target.  None when the sentence names no time."""
    start = sentence_start(text, offset)
    refs = [r for r in find_eras(text, doc_year, start, offset) if r.end <= offset]
    if refs:
        return refs[-1].era
    if doc_year is not None and _WHOLE_YEAR.search(text, start, offset):
        return Era(year=doc_year - (1 if kind is IndicatorKind.actual else 0))
    return None


_CLAUSE_MARKS = "，,；;：:"


def averaged_before(text: str, offset: int, s_start: int | None = None) -> bool:
    """年均 / 平均每年 in the number's own clause: a figure over several years.  `s_start`:
    where the number's sentence starts (`sentence_start(text, offset)`), if known."""
    if s_start is None:
        s_start = sentence_start(text, offset)
    window = text[max(s_start, offset - 30) : offset]  # at most 30 characters
    clause = window[max(map(window.rfind, _CLAUSE_MARKS)) + 1 :]  # after its last mark, if any
    return _AVERAGE_BEFORE.search(clause) is not None


def plan_containing(year: int) -> tuple[int, int]:
    """The five-year plan a year falls in: 2025 → (2021, 2025), 2026 → (2026, 2030)."""
    return plan_period(11 + (year - 2006) // 5)
