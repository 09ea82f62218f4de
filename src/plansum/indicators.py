"""Indicators found by rules in sentences: targets and result statements (tables: tables.py).

Everything here works from the number mentions (`numbers.find_mentions`), so a value can
only ever be a number that stands in the text, at its span.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from .models import (
    Check,
    CheckStatus,
    Indicator,
    IndicatorKind,
    Mention,
    Quantity,
    Span,
)
from .numbers import is_year

# ---------------------------------------------------------------------------------------
# Sentences and clauses

_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_CLAUSE_SEP = re.compile(r"[，,：:]")

# Verbs and adverbs that stand between an indicator's name and its number.
_TRAILING = re.compile(
    r"(?:分别|年均|平均|累计|同比|比上年|较上年|全年|力争|争取|确保|预计|预期|"
    r"增长|增加|提高|提升|下降|降低|减少|达到|达|超过|突破|完成|实现|保持在|保持|稳定在|"
    r"控制在|控制|降至|降到|下降到|提高到|提升到|增至|增长到|为|占比|约|近|在|至|到|了|是|由|从)+$"
)
_LEADING = re.compile(
    r"^(?:其中|全市|全旗|全县|全区|全省|全年|力争|争取|确保|预计|预期|同时|并且|并|和|及|以及|"
    r"主要目标是|主要预期目标是|目标是|到|至|在|实现|完成|推动|推进|使|让|新增(?=[^\d]{0,1}$))+"
)
_YEAR_PHRASE = re.compile(
    r"(?:到|至|截至|截止)?(?:(?:19|20)\d{2}|[一二〇○零三四五六七八九]{4})年(?:底|末|前|度)?(?:[一-十\d]{1,2}月(?:份)?)?"
)
_GROWTH_VERBS = ("增长", "增加", "提高", "提升", "下降", "降低", "减少", "上升", "回落")
_TARGET_CUES = (
    "目标", "预期", "力争", "争取", "确保", "计划", "控制在", "到20", "到二", "将要", "要求",
    "以上", "以内", "左右", "不低于", "突破",
)
_ACTUAL_CUES = (
    "完成了", "实现了", "同比", "比上年", "较上年", "五年来", "过去", "累计完成", "取得",
    "建成", "达到了", "增长了", "创历年", "连续", "位居", "排名", "居全", "超额",
)
_NAME_MAX = 24


@dataclass(frozen=True)
class Context:
    """What the rules know about the document when they judge a sentence."""

    doc_year: int | None = None  # the year the document speaks from (e.g. 2023 for a 2023 plan)
    default_kind: IndicatorKind = IndicatorKind.target
    # Kind implied by the section an offset lies in (a 回顾/成绩 section reports results).
    section_kinds: tuple[tuple[int, int, IndicatorKind], ...] = ()

    @cached_property
    def _painted(self) -> tuple[list[int], list[IndicatorKind | None]]:
        """Elementary segments between section boundaries, each with its innermost kind."""
        points = sorted({p for a, b, _ in self.section_kinds for p in (a, b)})
        kinds: list[IndicatorKind | None] = [None] * len(points)
        for a, b, kind in self.section_kinds:  # pre-order: inner sections paint over outer
            for i in range(bisect.bisect_left(points, a), bisect.bisect_left(points, b)):
                kinds[i] = kind
        return points, kinds

    def kind_at(self, offset: int) -> IndicatorKind | None:
        points, kinds = self._painted
        i = bisect.bisect_right(points, offset) - 1
        return kinds[i] if i >= 0 else None


_RESULT_PARAGRAPH = re.compile(r"五年来|过去五年|一年来|过去一年|以来|回顾|成绩|成就|成效|取得")
_SECTION_RESULT = re.compile(r"回顾|成绩|成就|成效|发展基础|工作回顾|过去|以来|亮眼|硕果")
_SECTION_TARGET = re.compile(r"目标|任务|重点工作|展望|思路|安排|部署|再出发")


def section_kinds(sections: Sequence[object]) -> tuple[tuple[int, int, IndicatorKind], ...]:
    """(start, end, kind) for each section whose title says it reports results or sets targets."""
    out = []
    for sec in sections:
        title = getattr(sec, "title", "")
        body = getattr(sec, "body", None)
        if body is None or getattr(sec, "kind", "") == "box":
            continue
        if _SECTION_TARGET.search(title):
            out.append((body.start, body.end, IndicatorKind.target))
        elif _SECTION_RESULT.search(title):
            out.append((body.start, body.end, IndicatorKind.actual))
    return tuple(out)


def _clean_name(prefix: str) -> str:
    if "|" in prefix:  # 来源：… | 编辑：… | 分享 全市地区生产总值…: the name is after the footer
        tail = prefix.rsplit("|", 1)[1].split()
        prefix = tail[-1] if tail else ""
    s = _YEAR_PHRASE.sub("", prefix)
    head = re.split(r"由|从", s, maxsplit=1)[0]
    if len(head.strip()) >= 2:
        s = head  # "森林覆盖率由…的17.34%提高到…": the subject stands before 由
    s = s.strip(" \t\u3000“”\"'（）()【】[]—-·|*")
    for _ in range(3):
        s2 = _TRAILING.sub("", s)
        s2 = _LEADING.sub("", s2).strip(" \t\u3000“”\"'（）()*")
        if s2 == s:
            break
        s = s2
    if len(s) > _NAME_MAX:
        # Long lead-ins: keep the tail, which is where the measured thing is named.
        cut = max(s.rfind(ch, 0, len(s) - 4) for ch in "的、和与及")
        s = s[cut + 1 :] if cut >= 0 and len(s) - cut - 1 >= 2 else s[-_NAME_MAX:]
    return s


def _split_respectively(name: str, n: int) -> list[str]:
    """Names for "A、B分别增长6%和8%" and "城乡居民人均可支配收入分别增长…"."""
    if n < 2:
        return [name]
    if name.startswith("城乡") and n == 2:
        rest = name[2:]
        return ["城镇" + rest, "农村" + rest]
    parts = [p for p in re.split(r"[、和与及]", name) if p]
    if len(parts) == n:
        # A shared tail ("城镇和农村居民收入") goes to every part.
        return parts
    return [name] * n


def _role_for(clause_before: str, q: Quantity) -> str:
    tail = clause_before[-6:]
    if re.search(r"(?:到|至)$", tail):
        return "level"  # 提高到62%: the level reached, not the change
    if q.unit in ("%", "个百分点", "倍", "‰") and any(v in tail for v in _GROWTH_VERBS):
        return "growth"
    return "level"


def _cue_balance(sentence: str) -> int:
    """Result cues minus target cues in a sentence (counted once per sentence)."""
    return sum(c in sentence for c in _ACTUAL_CUES) - sum(c in sentence for c in _TARGET_CUES)


def _kind_for(
    cues: int, year: int | None, ctx: Context, paragraph_kind: IndicatorKind | None, offset: int
) -> IndicatorKind:
    if ctx.doc_year is not None and year is not None:
        if year < ctx.doc_year:
            return IndicatorKind.actual
        if year > ctx.doc_year:
            return IndicatorKind.target
    section = ctx.kind_at(offset)
    if section is not None:
        return section  # a 发展基础 / 成绩 section reports results; a 目标 section sets targets
    if cues > 0:
        return IndicatorKind.actual
    if cues < 0:
        return IndicatorKind.target
    return paragraph_kind or ctx.default_kind


# A number that runs straight into a noun is part of a name ("500千伏输变电工程",
# "14条断头路"), not a measured value; these may follow a value.
_AFTER_OK = set("提增下降上达减扩缩翻同较比分大台目任水规左以和及与或等、，,。；;：:）)”\"！？!?|—-～~ \t\r\n\u3000*")
_DURATION_BEFORE = re.compile(r"(?:连续|近|延长|历时|用|经过|提前|上升|前移|第|创)$")


_NOT_COUNTERS = {"千伏", "kV", "KV", "MW", "GW", "兆瓦", "千瓦", "万千瓦", "岁", "年", "周年", "%", "‰"}
_LEAD_NAME = re.compile(r"[^，,。；;、：:！？!?\s|]{2,16}")
_LEAD_CUT = re.compile(r"(?:建成|投产|获评|入选|受益|实现|就业|开工|完成|落地|签约|通过).*$")


def _number_first(text: str, q: Quantity) -> str | None:
    """How a number that runs into a noun is used: None (a value), "skip" (part of a name, as
    in 500千伏输变电工程 or 连续3年), or the name that follows a counted number (14条断头路)."""
    assert q.span is not None
    if q.unit in ("年", "周年", "位", "个月") and _DURATION_BEFORE.search(
        text[max(0, q.span.start - 2) : q.span.start]
    ):
        return "skip"
    nxt = text[q.span.end : q.span.end + 1]
    if not nxt or not ("\u4e00" <= nxt <= "\u9fff") or nxt in _AFTER_OK:
        return None
    if q.unit in _NOT_COUNTERS or q.comparator != "exact":
        return "skip"
    m = _LEAD_NAME.match(text, q.span.end)
    if not m:
        return "skip"
    name = _LEAD_CUT.sub("", m.group(0)).strip("“”\"")
    return name if len(name) >= 2 else "skip"


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _overlaps(spans: list[tuple[int, int]], starts: list[int], lo: int, hi: int) -> bool:
    """Whether [lo, hi) meets one of the sorted, disjoint `spans`."""
    i = bisect.bisect_left(starts, hi) - 1
    return i >= 0 and spans[i][1] > lo


def sentence_indicators(
    text: str,
    mentions: Sequence[Mention],
    ctx: Context,
    skip: Sequence[Span] = (),
) -> list[Indicator]:
    """One indicator per quantity with a unit in a sentence, named by the words before it."""
    starts = [m.quantity.span.start for m in mentions if m.quantity.span]
    skip_sorted = sorted((s.start, s.end) for s in skip)
    skip_starts = [s for s, _ in skip_sorted]
    out: list[Indicator] = []
    carry = ""
    prev_span_end = 0
    for s_start, s_end in _sentences(text):
        lo = bisect.bisect_left(starts, s_start)
        hi = bisect.bisect_left(starts, s_end)
        if lo == hi:
            continue
        i = bisect.bisect_right(skip_starts, s_start) - 1
        if i >= 0 and skip_sorted[i][1] >= s_end:
            continue  # inside a table
        sentence = text[s_start:s_end]
        if sentence.count("|") >= 2 and _overlaps(skip_sorted, skip_starts, s_start, s_end):
            continue  # a sentence running into a table row; `|` alone (a footer) is not a table
        ms = [mentions[k] for k in range(lo, hi)]
        sentence_year: int | None = None
        for m in ms:
            if is_year(m.quantity):
                sentence_year = int(m.quantity.value)
                break
        cues = _cue_balance(sentence)
        sentence_name = carry if s_start > 0 and text[s_start - 1] != "\n" else ""
        line_start = text.rfind("\n", 0, s_start) + 1
        paragraph_kind = (
            IndicatorKind.actual if _RESULT_PARAGRAPH.search(text[line_start : line_start + 40]) else None
        )
        # Group the number mentions by clause.
        clause_bounds = [s_start]
        clause_bounds += [s_start + c.end() for c in _CLAUSE_SEP.finditer(sentence)]
        groups: dict[int, list[Mention]] = {}
        for m in ms:
            assert m.quantity.span is not None
            ci = bisect.bisect_right(clause_bounds, m.quantity.span.start) - 1
            groups.setdefault(ci, []).append(m)
        for ci, cms in sorted(groups.items()):
            c_start = clause_bounds[ci]
            year = sentence_year
            lead: dict[int, str] = {}
            values = []
            for m in cms:
                if is_year(m.quantity) or m.quantity.unit in ("", "date"):
                    continue
                how = _number_first(text, m.quantity)
                if how == "skip":
                    continue
                if how is not None:
                    lead[m.id] = how
                values.append(m)
            for m in cms:
                if is_year(m.quantity):
                    year = int(m.quantity.value)
            if not values:
                continue
            first_span = values[0].quantity.span
            assert first_span is not None
            base_name = _clean_name(text[c_start : first_span.start])
            if len(base_name) < 2:
                base_name = sentence_name  # "…达到1280亿元，增长5.8%": the name carries over
            else:
                sentence_name = base_name
            respectively = "分别" in text[c_start : first_span.start]
            names = (
                _split_respectively(base_name, len(values))
                if respectively
                else [base_name] * len(values)
            )
            shared: list[str] = []
            if respectively and len(values) == 1 and "、" in base_name:
                # "民营企业、普惠小微企业贷款分别增长10%以上": one value, several subjects.
                parts = [p for p in base_name.split("、") if len(p) >= 2]
                shared = parts[1:]
                names = parts[:1] or names
            first_role = _role_for(text[c_start : first_span.start], values[0].quantity)
            prev_end = c_start
            last_name = base_name
            for idx, m in enumerate(values):
                q = m.quantity
                assert q.span is not None
                if not respectively and idx > 0:
                    own = _clean_name(text[prev_end : q.span.start])
                    if len(own) >= 2:
                        last_name = own
                    names[idx] = last_name
                name = lead.get(m.id, names[idx])
                prev_end = q.span.end
                if len(name) < 2:
                    continue
                before = text[c_start : q.span.start]
                kind = _kind_for(cues, year, ctx, paragraph_kind, q.span.start)
                role = first_role if respectively else _role_for(before, q)
                prev = out[-1] if out and out[-1].span.start >= c_start else None
                if (
                    prev is not None
                    and idx > 0
                    and prev.name == name
                    and prev.baseline is None
                    and "由" in text[c_start : prev.span.start]
                    and re.search(r"(?:到|至)$", text[prev_span_end : q.span.start].strip())
                ):
                    # "由17.34%提高到22.89%": the first number was the baseline.
                    prev.baseline = prev.target or prev.actual
                    prev.target, prev.actual = (None, q) if kind == IndicatorKind.actual else (q, None)
                    if prev.growth is not None and prev.growth.span == q.span:
                        prev.growth = None
                    prev.span = Span(start=q.span.start, end=q.span.end)
                    prev_span_end = q.span.end
                    continue
                prev_span_end = q.span.end
                prev = out[-1] if out and out[-1].span.start >= s_start else None
                if (
                    role == "growth"
                    and prev is not None
                    and prev.name == name
                    and prev.growth is None
                    and (prev.target or prev.actual) is not None
                ):
                    prev.growth = q  # "达到1280亿元，增长5.8%": one indicator, level and growth
                    continue
                ind = Indicator(
                    name=name,
                    unit=q.unit,
                    kind=kind,
                    target_year=year,
                    span=Span(start=q.span.start, end=q.span.end),
                    check=Check(status=CheckStatus.verified, reason="rules: number at its span"),
                )
                if role == "growth":
                    ind.growth = q
                elif kind == IndicatorKind.actual:
                    ind.actual = q
                else:
                    ind.target = q
                out.append(ind)
                for other in shared:
                    out.append(ind.model_copy(update={"name": other}, deep=True))
            if sentence_name:
                carry = sentence_name
    return out
