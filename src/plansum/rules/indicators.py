"""Indicators found by rules in sentences: targets and result statements (tables: tables.py).

Everything here works from the number mentions (`numbers.find_mentions`), so a value can
only ever be a number that stands in the text, at its span.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from typing import Any

from .._lazyre import lazy_re
from ..models import (
    Check,
    CheckCause,
    CheckStatus,
    Direction,
    Indicator,
    IndicatorKind,
    Mention,
    Quantity,
    Span,
)
from ..models import built as _built
from ..parse.dating import Era, Timeline, averaged_before, plan_containing
from ..parse.numbers import LineStarts, MentionRef, Mentions, is_year

# ---------------------------------------------------------------------------------------
# Sentences and clauses

_SENTENCE_END = lazy_re(r"[。；;！!？?\n]")
_CLAUSE_SEP = lazy_re(r"[，,：:]")

# Verbs and adverbs that stand between an indicator's name and its number.
_TRAILING = lazy_re(
    r"(?:分别|年均|平均|累计|同比|比上年|较上年|全年|力争|争取|确保|预计|预期|"
    r"增长|增加|提高|提升|下降|降低|减少|达到|达|超过|突破|完成|实现|保持在|保持|稳定在|"
    r"控制在|控制|降至|降到|下降到|提高到|提升到|增至|增长到|为|约|近|在|至|到|了|是|由|从|"
    r"再|继续|持续|稳步|逐步|进一步|有望|将|翻|压减|缩减|上升|回落)+$"
)
_LEADING = lazy_re(
    r"^(?:其中|今年|明年|年内|全市|全旗|全县|全区|全省|全年|力争|争取|确保|预计|预期|同时|并且|并|和|及|以及|"
    r"主要目标是|主要预期目标是|目标是|(?:到|至)(?![位达])|在|实现|完成|推动|推进|使|让|新增(?=[^\d]{0,1}$))+"
)
_YEAR_PHRASE = lazy_re(
    r"(?:到|至|截至|截止)?(?:(?:19|20)\d{2}|[一二〇○零三四五六七八九]{4})年(?:底|末|前|度)?(?:[一-十\d]{1,2}月(?:份)?)?"
)
_GROWTH_VERBS = ("增长", "增加", "提高", "提升", "下降", "降低", "减少", "上升", "回落")
_TARGET_CUES = (
    "目标",
    "预期",
    "力争",
    "争取",
    "确保",
    "计划",
    "控制在",
    "到20",
    "到二",
    "将要",
    "要求",
    "以上",
    "以内",
    "左右",
    "不低于",
    "突破",
    "提出",
)
_ACTUAL_CUES = (
    "完成了",
    "实现了",
    "同比",
    "比上年",
    "较上年",
    "五年来",
    "过去",
    "累计完成",
    "取得",
    "建成",
    "达到了",
    "增长了",
    "创历年",
    "连续",
    "位居",
    "排名",
    "居全",
    "超额",
)
_NAME_MAX = 24


@dataclass(frozen=True)
class Context:
    """What the rules know about the document when they judge a sentence."""

    doc_year: int | None = None  # the year the document speaks from (e.g. 2023 for a 2023 plan)
    default_kind: IndicatorKind = IndicatorKind.target
    # Kind implied by the section an offset lies in (a 回顾/成绩 section reports results).
    section_kinds: tuple[tuple[int, int, IndicatorKind], ...] = ()
    # Time references of the document (years, periods, 今年, 十五五 …); None: no dating.
    timeline: Timeline | None = None
    doc_type: str = "other"
    region: str | None = (
        None  # the place the document is about ("云溪县地区生产总值" → 地区生产总值)
    )

    @cached_property
    def review_end(self) -> int | None:
        """In a work report, everything before the first target section reviews results."""
        if self.doc_type != "work_report":
            return None
        starts = [a for a, _, k in self.section_kinds if k is IndicatorKind.target]
        return min(starts) if starts else None

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
        kind = kinds[i] if i >= 0 else None
        if kind is None and self.doc_type == "news":
            # A news page's sub-headings are flat: "2025年…目标敲定" governs the ones after it.
            starts, by_start = self._by_start
            j = bisect.bisect_right(starts, offset) - 1
            kind = by_start[j] if j >= 0 else None
        return kind

    @cached_property
    def _by_start(self) -> tuple[list[int], list[IndicatorKind]]:
        """Section kinds by body start; of two at the same start, the later (inner) one."""
        last = {a: k for a, _, k in self.section_kinds}
        starts = sorted(last)
        return starts, [last[a] for a in starts]


_RESULT_PARAGRAPH = lazy_re(r"五年来|过去五年|一年来|过去一年|以来|回顾|成绩|成就|成效|取得")
_SECTION_RESULT = lazy_re(r"回顾|成绩|成就|成效|发展基础|工作回顾|过去|以来|亮眼|硕果")
_SECTION_TARGET = lazy_re(r"目标|任务|重点工作|展望|思路|安排|部署|再出发")


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


# "比2020年翻一番", "较上年增长": the subject stands before the baseline.
_BASELINE_WORD = lazy_re(
    r"(?:比|较|同比|与)(?=(?:19|20)\d{2}年|[〇○零一二三四五六七八九]{4}年|上年|去年|基期|上一年|"
    r"“?十[一二三四五六七八九]五)"
)
_EDGE = " \t\u3000“”\"'（）()【】[]—-·|*、，,；;：:。.！!？?…～~"
_PAIRS = (
    ("“", "”"),
    ("‘", "’"),
    ("《", "》"),
    ("（", "）"),
    ("(", ")"),
    ("【", "】"),
    ("「", "」"),
)


_PAIRED = frozenset("".join(a + b for a, b in _PAIRS) + '"')


def _balance(s: str) -> str:
    """Drop quote and bracket characters that have no partner in the name."""
    if _PAIRED.isdisjoint(s):
        return s
    for a, b in _PAIRS:
        if s.count(a) == s.count(b):
            continue
        keep: list[int] = []
        drop: set[int] = set()
        for i, ch in enumerate(s):
            if ch == a:
                keep.append(i)
            elif ch == b:
                if keep:
                    keep.pop()
                else:
                    drop.add(i)
        drop.update(keep)
        s = "".join(ch for i, ch in enumerate(s) if i not in drop)
    if s.count('"') % 2:
        s = s.replace('"', "")
    return s


_FROM = lazy_re(r"由|从")
_LIST_SEP = lazy_re(r"以及|[、和与及]")
_QUOTED_BEFORE = lazy_re(r"[“「][^”」，。；\d]{1,5}$")
_QUOTE_CLOSE = lazy_re(r"[^，。；、“”\"\n]{0,4}[”\"」]")
_COUNT_LEAD = lazy_re(r"^超?[\d.]+[^\d]?")
_INTENT = lazy_re(r"(?:将|力争|(?<!向上)争取|确保|努力)(?:实现|达到|使|让)?")
_INTENT_FIRST = lazy_re("[将力争确努]")


def _clean_name(prefix: str) -> str:
    if "|" in prefix:  # 来源：… | 编辑：… | 分享 全市地区生产总值…: the name is after the footer
        tail = prefix.rsplit("|", 1)[1].split()
        prefix = tail[-1] if tail else ""
    m = (
        _BASELINE_WORD.search(prefix)
        if ("比" in prefix or "较" in prefix or "与" in prefix)
        else None
    )
    if m is not None and len(prefix[: m.start()].strip(_EDGE)) >= 2:
        prefix = prefix[: m.start()]
    s = _YEAR_PHRASE.sub("", prefix) if "年" in prefix else prefix  # every year phrase has 年
    intents = list(_INTENT.finditer(s)) if _INTENT_FIRST.search(s) else []
    intent = intents[-1] if intents else None
    if intent is not None and len(s) - intent.end() >= 2:
        s = s[intent.end() :]  # "松桥将力争实现经济总量": the subject follows the intent
    head = _FROM.split(s, maxsplit=1)[0] if ("由" in s or "从" in s) else s
    if len(head.strip()) >= 2:
        s = head  # "森林覆盖率由…的17.34%提高到…": the subject stands before 由
    s = s.strip(_EDGE)
    for _ in range(3):
        s2 = _TRAILING.sub("", s)
        s2 = _LEADING.sub("", s2).strip(_EDGE)
        if s2 == s:
            break
        s = s2
    if len(s) > _NAME_MAX:
        # Long lead-ins: keep the tail, which is where the measured thing is named.
        cut = max(s.rfind(ch, 0, len(s) - 4) for ch in "的、和与及，,")
        s = s[cut + 1 :] if cut >= 0 and len(s) - cut - 1 >= 2 else s[-_NAME_MAX:]
    return _noun_phrase(_balance(s.strip(_EDGE)))


# Head nouns that a list of subjects shares ("城镇和农村居民人均可支配收入").
_HEAD_NOUNS = (
    "居民人均可支配收入",
    "人均可支配收入",
    "可支配收入",
    "居民收入",
    "增加值",
    "投资",
    "产值",
    "营业收入",
    "收入",
    "贷款",
    "总额",
    "产量",
    "规模",
    "面积",
    "人数",
    "数量",
    "比重",
    "占比",
)
# A part of a list that already names what it measures (…起数、死亡人数: not 起数人数).
_MEASURED = lazy_re(r"(?:数|量|率|额|值|比重|占比|比例|面积|规模|总额|收入|产量)$")
_RATE_TAIL = lazy_re(r"[\u4e00-\u9fff]{2}率$")  # 普及率, 覆盖率, 参保率
_INDUSTRIES = lazy_re(
    r"^(?P<pre>.*?)第?(?P<a>[一二三])(?:、?第?(?P<b>[一二三]))(?:、?第?(?P<c>[一二三]))?产业?(?P<post>.*)$"
)


def _list_part(p: str) -> str:
    """One item of a list of names, its edges stripped but a quote it closes kept
    (资质资格互认、“同事同标”事项 → “同事同标”事项, not 同事同标”事项)."""
    s = p.strip(_EDGE)
    for a, b in _PAIRS:
        if s.count(b) > s.count(a) and a + s in p:
            s = a + s
        elif s.count(a) > s.count(b) and s + b in p:
            s = s + b
    return _balance(s)


def _short_items(name: str, n: int) -> list[str] | None:
    """老旧供热、燃气、排水管网 (three or more parts, the middle ones short, of one length and
    measuring nothing of their own): the head after the last item goes to every item."""
    parts = name.split("、")
    if n < 3 or len(parts) != n:
        return None
    size = len(parts[1])
    if size > 3 or any(len(p) != size or _MEASURED.search(p) for p in parts[1:-1]):
        return None
    first, last = parts[0], parts[-1]
    if len(first) < size or len(last) < size + 2 or _MEASURED.search(first):
        return None
    head = last[size:]
    return [p + head for p in parts[:-1]] + [last]


def _subject_shared(parts: list[str]) -> list[str] | None:
    """肉牛出栏量、交易量、屠宰加工量: measures of one kind (one last character) after the first
    take the first's subject, what stands before its measure as long as the shortest of theirs."""
    first, rest = parts[0], parts[1:]
    size = min(len(p) for p in rest)
    if not 3 <= size <= max(map(len, rest)) <= 5 or len(first) < size + 2:
        return None
    if not _MEASURED.search(first) or any(p[-1] != first[-1] or first.startswith(p[:2]) for p in rest):
        return None
    subject = first[:-size]
    if any(subject.endswith(p[:2]) for p in rest):
        return None  # 生产安全死亡事故起数、死亡人数: the subject is not 生产安全死亡
    return [first] + [subject + p for p in rest]


def _split_respectively(name: str, n: int) -> list[str]:
    """Names for "A、B分别增长6%和8%" and "城乡居民人均可支配收入分别增长…"."""
    if n < 2:
        return [name]
    at = name.find("分别")
    if at >= 2:
        name = name[:at].strip(_EDGE)  # “A标准”、“A品牌”分别新增: the verb is not a name's
        name = _list_part(name) if name.count("、") == 0 else name
    m = _INDUSTRIES.match(name)
    if m is not None:
        ords = [o for o in (m.group("a"), m.group("b"), m.group("c")) if o]
        if len(ords) == n:  # 一二三产增加值 → 第一产业增加值, 第二产业增加值, 第三产业增加值
            return [f"{m.group('pre')}第{o}产业{m.group('post')}" for o in ords]
    if name.startswith("城乡") and n == 2:
        rest = name[2:]
        return ["城镇" + rest, "农村" + rest]
    short = _short_items(name, n) if "、" in name else None
    if short is not None:
        return short
    parts = [q for p in _LIST_SEP.split(name) if (q := _list_part(p))]
    if len(parts) > n and "、" in name:
        # 和 inside an item (租赁和商务服务业、批发和零售业增加值): 、 is the list's own separator,
        # taken when a head noun written once at the end names what every item measures
        items = [q for p in name.split("、") if (q := _list_part(p))]
        rate = _RATE_TAIL.search(items[-1])
        if len(items) != n:
            pass
        elif any(items[-1].endswith(h) for h in _HEAD_NOUNS) or all(map(_MEASURED.search, items)):
            parts = items
        elif rate is not None and len(items[-1]) > 3 and not any(map(_MEASURED.search, items[:-1])):
            # 农村自来水、卫生户厕普及率: the rate written once at the end goes to every item
            return [p + rate.group(0) for p in items[:-1]] + items[-1:]
    if len(parts) == n and (shared := _subject_shared(parts)) is not None:
        return shared
    if len(parts) == n:
        # A head noun written once at the end goes to every part: 城镇和农村居民人均可支配收入,
        # 民营企业、普惠小微企业贷款.
        last = parts[-1]
        head = next((h for h in _HEAD_NOUNS if last.endswith(h) and len(last) > len(h)), "")
        if head:
            parts = [
                p if p.endswith(head) or head in p or _MEASURED.search(p) else p + head
                for p in parts
            ]
        elif (
            n == 2
            and len(parts[1]) - len(parts[0]) >= 2
            and len(parts[0]) >= 2
            and not _MEASURED.search(parts[0])  # 森林覆盖率和草原综合植被盖度: two whole names
            and _PAIRED.isdisjoint(parts[1][: len(parts[0])])  # “上海标准”、“上海品牌”: two names
        ):
            # 基本养老、基本医疗保险参保率: the first takes the words after the second's own
            parts = [parts[0] + parts[1][len(parts[0]) :], parts[1]]
        elif all(len(p) == 2 for p in parts[1:]) and len(parts[0]) >= 4:
            # 地方财政收入、支出: a two-character measure takes the first part's subject
            parts = parts[:1] + [
                p if parts[0].endswith(p) else parts[0][:-2] + p for p in parts[1:]
            ]
        return parts
    m = re.match(rf"^([\u4e00-\u9fff]{{{n}}})({'|'.join(_HEAD_NOUNS)})$", name)
    if m is not None:  # 肉蛋奶产量分别… → 肉产量, 蛋产量, 奶产量
        return [ch + m.group(2) for ch in m.group(1)]
    return [name] * n


_UP = "增长|增加|提高|提升|上升|扩大|增至|增长到|提高到|提升到|翻|净增"
_DOWN = (
    "下降|降低|减少|回落|压减|缩减|削减|减排|下调|降至|降到|下降到|收窄|缩小|缩短|压缩|净减|减量"
)
_DIRECTION = lazy_re(rf"(?P<down>{_DOWN})|(?P<up>{_UP})")
_LAST_DIRECTION = lazy_re(rf"(?s:.*)(?:(?P<down>{_DOWN})|(?P<up>{_UP}))")  # the last verb


def _verb_firsts(words: str) -> frozenset[str]:
    """The first characters of the words of an alternation ("增长|增加|…")."""
    return frozenset(w[0] for w in words.split("|") if w)


@lru_cache(maxsize=1)
def _direction_firsts() -> frozenset[str]:
    return _verb_firsts(f"{_UP}|{_DOWN}")


@lru_cache(maxsize=1)
def _growth_firsts() -> frozenset[str]:
    return _verb_firsts("|".join(_GROWTH_VERBS))


@lru_cache(maxsize=1)
def _doing_firsts() -> frozenset[str]:
    p = _DOING.pattern  # ^(?:实施|建设|…)(?=…)
    return _verb_firsts(p[p.index("(?:") + 3 : p.index(")")])


@lru_cache(maxsize=1)
def _change_firsts() -> frozenset[str]:
    p = _CHANGE_BEFORE.pattern  # (?:增加|增长|…)(?:了)?$
    return _verb_firsts(p[p.index("(?:") + 3 : p.index(")")])


def _direction(before: str, q: Quantity) -> Direction | None:
    """The direction of the change stated right before a number (its last verb wins)."""
    if q.value < 0:
        return "down"
    tail = before[-12:]
    if "增加值" in tail:
        tail = tail.replace("增加值", "")  # a noun (value added), not 增加
    if _direction_firsts().isdisjoint(tail):
        return None  # no character a verb starts with: no verb (most numbers)
    last = _LAST_DIRECTION.search(tail)
    if last is None:
        return None
    return "down" if last.group("down") else "up"


# Numbers that are not indicators: time slogans (15分钟生活圈, 24小时不打烊, 365天×24小时),
# hypotheticals ((比如30%)), and list numbering glued to a value (6.15分钟…).
_TIME_UNITS = frozenset({"分钟", "小时", "天", "周", "秒"})
_HYPOTHETICAL = lazy_re(
    r"(?:[（(]\s*(?:比如|例如|譬如|如)|比如|例如|譬如|假如|假设)[^，。；）)]{0,4}$"
    r"|每(?:增加|提高|增长|减少|下降)$"
)


def _not_an_indicator(text: str, q: Quantity) -> bool:
    assert q.span is not None
    a, b = q.span.start, q.span.end
    if q.unit == "年" and q.upper is not None and 1900 <= q.value <= 2100:
        return True  # (2026-2030年), 2020年到2025年: a year range
    nxt = text[b : b + 1]
    prev = text[a - 1 : a] if a > 0 else ""
    if q.unit in _TIME_UNITS and (
        nxt in ("×", "x", "X", "*")
        or prev in ("×", "x", "X", "*")
        or ("\u4e00" <= nxt <= "\u9fff" and nxt not in _AFTER_OK)
    ):
        return True
    window = text[max(0, a - 10) : a]
    if ("如" in window or "每" in window or "假" in window) and _HYPOTHETICAL.search(window):
        return True
    if prev in '“"「' and _QUOTE_CLOSE.match(text, b, b + 5):
        return True  # “9个新”: a slogan or a policy's name
    if _QUOTED_BEFORE.search(text, max(0, a - 6), a) and _QUOTE_CLOSE.match(text, b, b + 5):
        return True  # “房地产39条”: a number inside a quoted name
    if "." in q.raw and "\u4e00" <= nxt <= "\u9fff" and nxt not in _AFTER_OK:
        j = a - 1  # read back over blanks only: no copy of the line (issue 22)
        while j >= 0 and text[j] in " \t\u3000":
            j -= 1
        if j < 0 or text[j] == "\n":
            return True  # "6.15分钟生活圈": item 6 of a list, then a slogan
    return False


_RATE_NAMED = lazy_re(r"(?:增速|增幅|增长率)")


def _role_for(clause_before: str, q: Quantity) -> str:
    tail = clause_before[-6:]
    if q.unit in ("%", "个百分点") and _RATE_NAMED.search(tail):
        return "growth"  # 地区生产总值年均增速达到6%: a rate of growth, even after 达到
    if tail.endswith(("到", "至")):
        return "level"  # 提高到62%: the level reached, not the change
    if "增加值" in tail:
        tail = tail.replace("增加值", "")  # 增加值比重超过25%: a share, not an increase
    if (
        q.unit in ("%", "个百分点", "倍", "‰")
        and not _growth_firsts().isdisjoint(tail)
        and any(v in tail for v in _GROWTH_VERBS)
    ):
        return "growth"
    if _is_change(tail):
        return "growth"  # 增加1207元: a change, not a level
    return "level"


# Words that bound a number (以上, 突破 …) say "target" in a plan, but a news report uses them
# for results too ("产值突破60亿元").
_WEAK_TARGET_CUES = frozenset({"突破", "以上"})


_NEWS_TARGET_CUES = tuple(c for c in _TARGET_CUES if c not in _WEAK_TARGET_CUES)


def _memo(f: Callable[[], int]) -> Callable[[], int]:
    """`f` computed once, when first asked."""
    box: list[int] = []

    def get() -> int:
        if not box:
            box.append(f())
        return box[0]

    return get


def _cue_finder(cues: Sequence[str]) -> re.Pattern[str]:
    # A lookahead finds every cue at every position, overlapping ones included.
    return re.compile("(?=(" + "|".join(map(re.escape, sorted(cues, key=len, reverse=True))) + "))")


_ACTUAL_RE = _cue_finder(_ACTUAL_CUES)
_TARGET_RE = _cue_finder(_TARGET_CUES)
_NEWS_TARGET_RE = _cue_finder(_NEWS_TARGET_CUES)


def _cue_balance(sentence: str, news: bool = False) -> int:
    """Result cues minus target cues in a sentence (each cue counted once per sentence)."""
    targets = _NEWS_TARGET_RE if news else _TARGET_RE
    return len(set(_ACTUAL_RE.findall(sentence))) - len(set(targets.findall(sentence)))


def _sentence_cues(text: str, s_start: int, s_end: int, news: bool) -> int:
    return _cue_balance(text[s_start:s_end], news)


def _kind_for(
    cues: Callable[[], int],
    year: int | None,
    ctx: Context,
    paragraph_kind: IndicatorKind | None,
    offset: int,
    eras: tuple[Era | None, Era | None] = (None, None),
) -> IndicatorKind:
    """Result or target; `eras` are the sentence's and the paragraph's time, `cues` counts the
    sentence's result and target words (only called when nothing better decides)."""
    if ctx.doc_year is not None and year is not None:
        if year < ctx.doc_year:
            return IndicatorKind.actual
        if year > ctx.doc_year:
            return IndicatorKind.target
    tl = ctx.timeline
    if tl is not None:
        # 过去五年 / 去年 / “十五五”时期 / 到2030年 in the sentence or its paragraph
        for era in eras:
            if era is not None:
                k = era.kind(ctx.doc_year)
                if k is not None:
                    return k
                break
    section = ctx.kind_at(offset)
    if section is not None:
        return section  # a 发展基础 / 成绩 section reports results; a 目标 section sets targets
    if tl is not None:
        era = tl.section_era(offset)
        k = era.kind(ctx.doc_year) if era is not None else None
        if k is not None:
            return k
    if ctx.review_end is not None and offset < ctx.review_end:
        return IndicatorKind.actual  # a work report's review comes before its targets
    balance = cues()
    if balance > 0:
        return IndicatorKind.actual
    if balance < 0:
        return IndicatorKind.target
    return paragraph_kind or ctx.default_kind


# A number that runs straight into a noun is part of a name ("500千伏输变电工程",
# "14条断头路"), not a measured value; these may follow a value.
_AFTER_OK = set(
    '提增下降上达减扩缩翻同较比分大台目任水规左以和及与或等、，,。；;：:）)”"！？!?|—-～~ \t\r\n\u3000*'
)
_DURATION_BEFORE = lazy_re(r"(?:连续|近|延长|历时|用|经过|提前|上升|前移|第|创)$")


_NOT_COUNTERS = {
    "千伏",
    "kV",
    "KV",
    "MW",
    "GW",
    "兆瓦",
    "千瓦",
    "万千瓦",
    "岁",
    "年",
    "周年",
    "%",
    "‰",
}
_LEAD_NAME = lazy_re(r"[^，,。；;、：:！？!?\s|\d]{2,16}")
_LEAD_CUT = lazy_re(
    r"(?:建成|投产|获评|入选|受益|实现|就业(?!岗位|困难|人员|人数)|开工|完成|落地|签约|通过|设置了|部署了|加快).*$"
)


# Units that count things (as opposed to measures such as 万吨 or 亩).
_COUNTER = lazy_re(
    r"^[万千百]?(?:个|家|项|所|座|条|处|户|套|台|台套|辆|场|次|名|人|批|支|只|栋|张|件|种|类|款|部|本|册|篇|首"
    r"|列|枚|对|例|门|[班批车航艘]次|趟)$"
)
# "1000个和美乡村": 和 opens the noun, not a list of numbers (no digit before the clause ends).
_NOUN_AFTER_AND = lazy_re(r"[和与及][\u4e00-\u9fff][^\d，,。；;、]{1,12}(?=[，,。；;、]|$)")
_PROJECT_END = lazy_re(r"(?:工程|行动|计划|战略|攻坚战|项目)$")
_MAKING_BEFORE = lazy_re(
    r"(?:启动|完成|实施|新建|建设|建成|改造|修缮|新增|治理|修复|造林|种植|推广|开发|实现|打造|提升|"
    r"开工|新开工|整治|复垦|保护|恢复|营造|改善|发放|筹集|安置|培训|帮扶|带动|吸纳|解决|累计|共|"
    r"[达超破过至到在有]|以上|约|近)$"
)
# Places and facilities named with their size (千万亩示范区, 700万吨露天煤矿, 500公里风景大道).
_FACILITY = lazy_re(r"示范区|基地|大道|走廊|煤矿|矿井|电站|电厂|风电场|港区|园区")


_CLAUSE_START = lazy_re(r"[，,。；;：:\n]")


def _named_before(text: str, at: int) -> bool:
    """Whether the clause names something before offset `at`."""
    lo = max(0, at - 40)
    cut = max((m.end() for m in _CLAUSE_START.finditer(text, lo, at)), default=lo)
    return len(_clean_name(text[cut:at])) >= 2


def _counted_at_least(text: str, q: Quantity) -> bool:
    """ "实施1000个以上省重点项目": a bounded count of the things named after it (but not a
    threshold such as 150万吨以上的物流园区)."""
    assert q.span is not None
    return (
        (
            (q.comparator == "at_least" and (q.raw.endswith("以上") or q.raw.startswith("不少于")))
            # 7000多所学校: 多 stands before the measure word
            or (q.comparator == "more_than" and q.raw.removesuffix(q.unit).endswith(("多", "余")))
            # 超千场体育赛事、近百场演唱会: a round count in words of the things after it
            or (
                q.comparator in ("more_than", "about")
                and q.raw.startswith(("超", "近"))
                and not any(ch.isdigit() for ch in q.raw)
            )
        )
        and bool(_COUNTER.match(q.unit))
        and not q.unit.endswith(("户", "人"))  # 20户以上自然村: a threshold that defines a class
        and text[q.span.end : q.span.end + 1] != "的"
    )


# "70%村卫生室实现…管理", "60%以上的县级机构达标": a share of the things named after it.  Not
# a share followed by what it is for or what it reaches (20%用于…, 5%的目标, 5%的增长).
_SHARE_OF = lazy_re(r"的?([\u4e00-\u9fff“”]{2,20})")
_NOT_SHARED = lazy_re(
    r"(?:用于|作为|转化|来自|投向|目标|增长|增速|增幅|水平|幅度|速度|比例|要求|标准|预期|左右|以[上下内]"
    r"|逐步|[的为是由从到至在将于和与及或等比较并而且再还也])"
)
_SURVEY = lazy_re(r"抽样|调查|普查")  # 1%人口抽样调查: the name of a survey
_SHARE_VERB = lazy_re(r"实现|达到")
_SHARE_BY = lazy_re(r"^.*[向对为给在]")  # 向基层投放 → 基层投放


def _share_of(text: str, q: Quantity) -> str:
    """The name of a share written before its noun (as _number_first), or "skip"."""
    assert q.span is not None
    m = _SHARE_OF.match(text, q.span.end)
    if (
        m is None
        or _NOT_SHARED.match(m.group(1))
        or "增长" in m.group(1)
        or _SURVEY.search(m.group(1))
        or text[q.span.start - 1 : q.span.start] == "前"  # 前1%学科: a rank inside a name
        or _is_change(text[max(0, q.span.start - 4) : q.span.start])
    ):
        return "skip"
    noun = _balance(_SHARE_VERB.sub("", m.group(1), count=1).strip(_EDGE))
    if len(noun) > 3:
        return noun if len(noun) >= 4 else "skip"
    lo = max(0, q.span.start - 40)
    cut = max((c.end() for c in _CLAUSE_START.finditer(text, lo, q.span.start)), default=lo)
    words = _SHARE_BY.sub("", text[cut : q.span.start]).strip(_EDGE)
    by = _clean_name(words)
    if by and words.rfind(by) >= 0:  # 优质幼儿园覆盖95%乡镇: keep the verb that takes the share
        by = words[words.rfind(by) :].replace("了", "")
    return by + noun if len(by) >= 2 and len(by) + len(noun) <= _NAME_MAX else "skip"


# "210公里农村公路和120万平方米村内道路": a list of numbers each before its own noun.
_AFTER_A_LEAD = lazy_re(r"\d[^\d，,。；;、和与及]{3,18}[和与及、]$")
# "与39个国家缔结118对友城": the things counted, then a verb whose object is counted next.
_WITH_BEFORE = lazy_re(r"[与同跟和]$")
_OBJECT_COUNTED = lazy_re(r"[\d.]+[万千百]?[个对项家座条处所批次名]([\u4e00-\u9fff]{2,8})(?=[，,。；;、\s]|$)")


def _with_counted(text: str, lead: str, at: int) -> str:
    """The name of 39个 in "与39个国家缔结118对友城": 缔结友城的国家."""
    if len(lead) < 4:
        return lead
    obj = _OBJECT_COUNTED.match(text, at)
    return f"{lead[-2:]}{obj.group(1)}的{lead[:-2]}" if obj is not None else lead[:-2]


def _number_first(text: str, q: Quantity) -> str | None:
    """How a number that runs into a noun is used: None (a value), "skip" (part of a name, as
    in 500千伏输变电工程 or 连续3年), or the name that follows a counted number (14条断头路)."""
    assert q.span is not None
    if q.unit in ("年", "周年", "位", "个月") and _DURATION_BEFORE.search(
        text[max(0, q.span.start - 2) : q.span.start]
    ):
        return "skip"
    nxt = text[q.span.end : q.span.end + 1]
    if (
        not nxt
        or not ("\u4e00" <= nxt <= "\u9fff" or nxt == "“")
        or (nxt in _AFTER_OK and not text.startswith("大型", q.span.end))  # 近百场大型演唱会
    ):
        if not (
            nxt in "和与及" and _COUNTER.match(q.unit) and _NOUN_AFTER_AND.match(text, q.span.end)
        ):
            return None
    if q.upper is not None:
        return "skip"  # 1-5批优秀历史建筑: a range of batches or classes, not a count
    if q.unit == "%":
        return _share_of(text, q)
    if q.unit in _NOT_COUNTERS or not (q.comparator == "exact" or _counted_at_least(text, q)):
        return "skip"
    m = _LEAD_NAME.match(text, q.span.end)
    if not m:
        return "skip"
    if not _COUNTER.match(q.unit):
        if _PROJECT_END.search(m.group(0)) or _FACILITY.search(m.group(0)):
            return "skip"  # 百亿斤粮食产能提升工程, 500公里风景大道: a size inside a name
        if (
            not _MAKING_BEFORE.search(text, max(0, q.span.start - 6), q.span.start)
            and not _AFTER_A_LEAD.search(text, max(0, q.span.start - 24), q.span.start)
            and _named_before(text, q.span.start)
        ):
            return None  # 沿黄生态廊道1194公里全线贯通: a measure of what stands before it
    lead = m.group(0)
    if text[m.end() : m.end() + 1].isdigit() and _WITH_BEFORE.search(
        text, max(0, q.span.start - 1), q.span.start
    ):
        return _with_counted(text, lead, m.end())
    name = _balance((lead[:2] + _LEAD_CUT.sub("", lead[2:])).strip(_EDGE))
    name = name[:-1] if name.endswith(("和", "及", "与", "或", "等")) else name
    if len(name) <= 2:
        whole = _balance(m.group(0).strip(_EDGE))  # 32万户群众受益: not just 群众
        name = whole if len(name) >= 1 and 3 <= len(whole) <= 8 else name
    return name if len(name) >= 2 else "skip"


_SENTENCE_PUNCT = lazy_re(r"[，,。；;：:！!？?]")
_NON_SPACE = lazy_re(r"\S")


def _is_headline_line(text: str, start: int, end: int, ctx: Context) -> bool:
    """A title line: the document's first line, or in news a short line standing alone."""
    if start > 0 and text[start - 1] != "\n":
        return False
    if end < len(text) and text[end] != "\n":
        return False
    line = text[start:end].strip()
    if not line or len(line) > 40 or _SENTENCE_PUNCT.search(line):
        return False
    if _NON_SPACE.search(text, 0, start) is None:
        return True  # the first line of the document (no copy of the text before it: issue 22)
    return ctx.doc_type == "news" and not line[:1].isdigit()


def _share_comparator(
    text: str, values: Sequence[Mention | MentionRef], quantity: dict[int, Quantity]
) -> None:
    """分别增长5%、6.5%左右: a comparator written once after a list applies to all of it."""
    last = values[-1].quantity
    assert last.span is not None
    if last.comparator == "exact" or not last.raw.endswith(
        ("左右", "以上", "以内", "以下", "上下")
    ):
        return
    for a, b in zip(values, values[1:], strict=False):
        qa, qb = a.quantity, b.quantity
        assert qa.span is not None and qb.span is not None
        if text[qa.span.end : qb.span.start].strip() not in ("、", "和", "及", "与", ",", "，"):
            return
    for m in values[:-1]:
        if m.quantity.comparator == "exact":
            quantity[m.id] = m.quantity.model_copy(update={"comparator": last.comparator})


# Counted things that are not indicators by themselves (遵循6项原则, 完成10项重点任务).
_GENERIC = frozenset(
    "原则 任务 重点任务 目标 主要目标 方面 举措 措施 行动 领域 环节 要求 内容 意见 工作 问题 "
    "群众 个数 次数 方式 路径 机制 体系 板块 指标 主要指标 维度 任务举措".split()
)
_VERB_LEAD = lazy_re(r"^(?:实施|新建|建成|开工|培育|引进|加快推进|推进|建设|打造|新增|完成)")
# Verbs of doing that are not part of what is counted (实施重点项目520个 → 重点项目).
_DOING = lazy_re(r"^(?:实施|建设|打造|创建|培育)(?=[^\d]{4,})")


# ---------------------------------------------------------------------------------------
# Names as noun phrases (docs/evaluation.md, "Indicator names"): what the number measures,
# without a leading function word or verb of doing and without the tail of the sentence.

# Function words that do not open a noun phrase; the lookaheads keep real words that start
# with the same character (对外贸易, 在校生, 和美乡村, 就业, 再生水, 达标率, 从业人员 …).
_LEAD_FUNCTION = lazy_re(
    r"^(?:我[市县旗区省州盟]|全[市区县省旗州盟](?!级)|(?:近|过去)?五年(?:来)?|每年|“?十[一二三四五六七八九]五”?(?:时期|期间|期末|末)?|年均|目前|"
    r"的|了|着|之|为|将|把|对(?!外)|在(?!校|建|职|岗|册|园|线)|被|向(?!上)|从(?!业)|由|于|与|"
    r"和(?!美|谐)|及(?!时)|并(?!购|网)|而|且|或|即|则|已|均|都(?!市|会)|也|还|又|仍|才|"
    r"再(?!生|就业|制造|贷款)|就(?!业|医|学|近)|达(?!标)|较|比(?!重|例)|使(?!用)|让|给(?!水)|"
    r"共(?!享|同|建|性|有产权|济)|其中|分别|以及|同时|并且)"
)
# Verbs of doing or reaching that are not part of what is counted (累计接待游客 → 接待游客,
# 建成美丽庭院 → 美丽庭院).  Verbs that define the count (新建, 新增, 改造, 接待) stay.
_LEAD_DOING = lazy_re(
    r"^(?:累计|共计|合计|全年|完成|实现|达到|突破|超过|建成(?!区)|开展|引进(?:和培育|培育)?|培育|"
    r"落实|发放|启动|获批|加快|预计|预期|争取|力争|确保|推进|推动|打造|拥有|现有|落地|创作|创建|"
    r"争创|(?:计划|谋划|规划)(?:实施)?|投入(?=[^\d]{2,})|举办|认定|运行|继续|持续|进一步|发行|"
    r"提升|提高|增加(?!值)|降低|减少)"
)
# Tails of the sentence after the noun phrase: a state reached, a time, a bound, a particle.
_TAIL_WORDS = lazy_re(
    r"(?:全部上线运行|上线运行|投入使用|建成投用|投用|启用|投运|试运行|取得突破|获得突破|深入推进|"
    r"显著提升|叫好又叫座|全线贯通|基本完工|完工|全面|首次|实际|连续[\d一二三四五六七八九十]+年|"
    r"建成投产|开工建设|启动建设|获得批复|颁布实施|全部兑现|全部竣工|按?可比口径|年均增速|增速|"
    r"净增|净减|减量|扩容|(?<!违法)建设|工作|实施进度|两位数增长|增长|下降|提高|逐步提升|降低|"
    r"(?:跨过|跨越|跨上|迈上|站上)[^，,。；;]{0,6}(?:大关|台阶)|连续|跨过|跨越|站上|"
    r"突破|跨上|迈上|贯通|惠及|覆盖|累计|达|为|年均|平均|(?<!人)均|等|和|及|与|的|以|了|占)$"
)
# "新能源汽车等7大产业集群": the examples before 等 are not part of the name.
_EXAMPLES = lazy_re(r"^[^“”\"（）()]{2,}?等(?=[^级同]{2,}$)")


_NOT_A_NAME = lazy_re(
    r"^(?:合计|共计|总计|累计|全年|年均增速|年均增长|增速|增幅|建成投产|投产|开工|完成|实现|其中)$"
)
_RANGE_GLUED = lazy_re(r"^.*\d\s*[-—~～至]\s*\d+\s*[批期类级届]")  # 1-5批优秀历史建筑
_YEARS_RUN = lazy_re(r"连续[\d一二三四五六七八九十]+年")
_ERA_ONLY = lazy_re(r"^[较比与]?“?十[一二三四五六七八九]五”?(?:时期|期间|期末|末)?$")
_HAVE_LEAD = lazy_re(r"^目前(?:全[市区县省旗州盟])?(?:共)?(?:拥)?有")


def _cut_tail(s: str) -> str:
    # Tail words are at most 11 characters (跨过两个万亿元大关): search the end only.
    end = s[-12:]
    m = _TAIL_WORDS.search(end)
    return s[: len(s) - len(end) + m.start()] if m is not None else s


@lru_cache(maxsize=8192)
def _noun_phrase(name: str) -> str:
    """The name without a leading function word or verb of doing and without a sentence tail;
    the name as it was when nothing of two characters or more would be left."""
    if _ERA_ONLY.match(name) or _NOT_A_NAME.match(name) or _TAIL_WORDS.fullmatch(name):
        return ""  # 较“十三五”(翻一番), 合计, 年均增速: no subject here, the sentence's holds
    s = name
    if any(ch.isdigit() for ch in s):
        s = _RANGE_GLUED.sub("", s)
    if "连续" in s:
        s = _YEARS_RUN.sub("", s)
    if s.startswith("目前"):
        s = _HAVE_LEAD.sub("", s)
    for _ in range(4):
        t = _cut_tail(s).strip(_EDGE)
        for lead in (_LEAD_FUNCTION, _LEAD_DOING):
            m = lead.match(t)
            if m is not None and len(t) - m.end() >= 2:
                t = t[m.end() :].strip(_EDGE)
        m = _EXAMPLES.match(t)
        if m is not None:
            t = t[m.end() :]
        if t == s:
            break
        s = t
    return _balance(s) if len(s) >= 2 else name


# 从A提高到B: "…到2025年的" before B, "从2020年的" before A.
_TO_LEVEL = lazy_re(
    r"(?:提高|提升|增加|增长|扩大|上升|下降|降低|减少|降|增|升)?(?:到|至)"
    r"(?:(?:19|20)\d{2}年(?:底|末)?的?)?\s*$"
)
# "从A和B分别提高到C和D": the second pair's level stands after the first pair's (see _pair_from_to).
_PAIRED_TO = lazy_re(r"分别(?:提高|提升|增加|增长|扩大|上升|下降|降低|减少)?(?:到|至)")
_FROM_YEAR = lazy_re(
    r"(?:从|由)((?:19|20)\d{2})年(?:底|末)?的?(?:[^，,。；;从由到至]{1,12}?[和、及与])*\s*$"
)  # the year of every baseline in "从2020年的A和B分别提高到…"


def _from_to(text: str, c_start: int, first_at: int, first_end: int, second_at: int) -> bool:
    """Whether two numbers of one clause read 由/从 A … 到/至 B."""
    before = text[c_start:first_at]
    return ("由" in before or "从" in before) and bool(
        _TO_LEVEL.search(text[first_end:second_at]) or _PAIRED_TO.search(text, first_end, second_at)
    )


def _from_year(text: str, c_start: int, first_at: int) -> int | None:
    m = _FROM_YEAR.search(text, c_start, first_at)
    return int(m.group(1)) if m else None


# Verbs of making that open a list and count for every item of it (新建农村公路1647公里、
# 供水工程601处 → 新建供水工程).
_MAKING = lazy_re(r"^(?:新建改造|新改扩建|新改建|改扩建|新建|新增|新培育|新设|新开通|改造)")


_LIST_JOIN = lazy_re(r"\s*[和、及与]\s*")


def _respectively(text: str, before_first: str, base_name: str, values: list[Any]) -> bool:
    """Whether each subject of the clause's list has its own number: 分别, one bound for all
    (均达…), or as many subjects as numbers written one after the other ("战略性新兴产业和高技术
    制造业增加值分别…" without 分别: "…增加值增长8%、7.2%")."""
    if "分别" in before_first or _shared_bound(before_first, base_name):
        return True
    n = len(values)
    parts = _LIST_SEP.split(base_name)
    if n < 2 or len(parts) != n:
        return False
    if min(len(p.strip(_EDGE)) for p in parts) < 4 and _short_items(base_name, n) is None:
        return False  # 供热、燃气、排水管网, 新三样、集成电路出口: a short part's head is not read here
    sp = [v.quantity.span for v in values]
    return all(_LIST_JOIN.fullmatch(text[sp[i].end : sp[i + 1].start]) for i in range(n - 1))


def _pair_from_to(
    text: str, c_start: int, values: list[Any], base_name: str, lead: dict[int, str]
) -> list[Any]:
    """ "城乡居民收入从2020年的A元和B元分别提高到C元和D元": n baselines, then their n levels.
    The values come back paired (A, C, B, D), each pair named by its subject in `lead`, so that
    each level folds its own baseline."""
    n = len(values) // 2
    if n < 2 or len(values) != 2 * n:
        return values
    sp = [v.quantity.span for v in values]
    if "分别" not in text[sp[n - 1].end : sp[n].start] or not _from_to(
        text, c_start, sp[0].start, sp[n - 1].end, sp[n].start
    ):
        return values
    joins = [text[sp[i].end : sp[i + 1].start] for i in range(2 * n - 1) if i != n - 1]
    if not all(_LIST_JOIN.fullmatch(j) for j in joins):
        return values
    for i, name in enumerate(_split_respectively(base_name, n)):
        lead[values[i].id] = lead[values[n + i].id] = name
    return [v for i in range(n) for v in (values[i], values[n + i])]


def _carry_verb(first: str, item: str) -> str:
    m = _MAKING.match(first)
    if m is None or _MAKING.match(item) or _LEAD_DOING.match(item):
        return item
    return m.group(0) + item


def _sub_item(own: str, parent: str) -> str:
    """The name of a 其中 item: one character names a part of the parent's measure (牲畜存栏…，
    其中牛 → 牛存栏); a refinement of the parent's head keeps its subject (农牧民转移就业…，其中
    稳定转移就业 → 农牧民稳定转移就业)."""
    own = own.strip(_EDGE)
    if len(own) == 1 and len(parent) >= 3:
        return own + parent[-2:]
    common = 0
    while common < min(len(own), len(parent)) and own[-1 - common] == parent[-1 - common]:
        common += 1
    if common >= 2 and len(parent) > common and not own.startswith(parent[: len(parent) - common]):
        return parent[: len(parent) - common] + own
    return own


# "合格率、供电可靠率均达99%以上": one bound for several subjects.
_SHARED_BOUND = lazy_re(r"均(?:达到|达|为|在|保持在|稳定在|保持|超过|突破|高于|低于)?\s*$")


def _shared_bound(before: str, name: str) -> bool:
    """Several subjects for one number: "A、B均达99%", or a measure written once after the list
    (基本养老、基本医疗保险参保率稳定在95%以上)."""
    if "、" not in name:
        return False
    if _SHARED_BOUND.search(before):
        return True
    parts = name.split("、")
    return (
        len(parts) == 2
        and not _MEASURED.search(parts[0])
        and bool(_SHARED_MEASURE.search(parts[1]))
    )


_SHARED_MEASURE = lazy_re(r"(?:参保率|覆盖率|合格率|达标率|普及率|率)$")


# A number that is part of a phrase, not a measured value: a milestone (迈上5万亿台阶), a record
# (全球最高10米), a population class (百万人口城市).
_MILESTONE_AFTER = lazy_re(r"[^，,。；;]{0,8}[两二三四五六七八九几多]个大?(?:台阶|大关|关口)")
_MILESTONE_BEFORE = lazy_re(r"(?:跨越|跨过|迈上|跨上|站上)[两二三四五六七八九几多]个$")
# A number right after a counted number modifies the counted noun (5个百万亩示范园区).
_AFTER_COUNT = lazy_re(r"\d\s*[个项家座条处所]$")
# A comparison with a benchmark (高于全国0.4个百分点) or a radius (50米内) is not an indicator.
_BENCHMARK_BEFORE = lazy_re(
    r"(?:高于|低于|快于|慢于|高出|低出)(?:全国|全省|全市|全区|平均|“?十[一二三四五六七八九]五”?)"
    r"[^，,。；;\d]{0,4}$"
)
_OWN_PARTS = lazy_re(r"(?:任务举措|重点任务|项任务|方面工作|个方面|大任务|条措施|项措施|项举措)")
_RECORD_BEFORE = lazy_re(r"(?:最高|最大|最长|最深|最快|最多|最小)$")


def _milestone_subject(text: str, c_start: int, cks: list[int], get: Callable[[int], Any]) -> str:
    """The subject of a clause whose numbers are all milestones passed (全省生产总值连续跨越
    7万亿、8万亿两个台阶), for the clauses after it (，年均增长5.9%)."""
    first, last = get(cks[0]).quantity.span, get(cks[-1]).quantity.span
    if not _MILESTONE_AFTER.match(text, last.end, last.end + 14):
        return ""
    return _noun_phrase(_clean_name(text[c_start : first.start]))


def _part_of_phrase(text: str, q: Quantity) -> bool:
    assert q.span is not None
    a, b = q.span.start, q.span.end
    if q.unit == "周年":
        return True  # an anniversary
    if _MILESTONE_AFTER.match(text, b, b + 14) or _RECORD_BEFORE.search(text, max(0, a - 2), a):
        return True  # 迈上4万亿、5万亿两个台阶; 全球最高10米
    if _MILESTONE_BEFORE.search(text, max(0, a - 4), a) or _AFTER_COUNT.search(
        text, max(0, a - 3), a
    ):
        return True
    if text[b : b + 1] == "内" or _BENCHMARK_BEFORE.search(text, max(0, a - 10), a):
        return True
    if _OWN_PARTS.match(text, b, b + 8):
        return True  # 部署了13项任务举措, 做好十个方面工作: the document's own outline
    return q.unit.endswith("人") and text[b : b + 1] == "口"


# Verbs right before a number that make it a change, whatever its unit (增加1207元, 净增212万亩,
# 压减18.2亿元); followed by 到/至 they name the level reached instead.
_CHANGE_BEFORE = lazy_re(
    r"(?:增加|增长|提高|提升|减少|下降|降低|压减|缩减|削减|净增|净减|减量|上涨|下调)(?:了)?$"
)


def _is_change(before: str) -> bool:
    tail = before[-6:]
    if _change_firsts().isdisjoint(tail):
        return False  # none of the verbs' first characters (most numbers)
    return bool(_CHANGE_BEFORE.search(tail))


def _drop_region(name: str, region: str | None) -> str:
    """The document's own place is not part of a name (云溪县地区生产总值, 云溪县实施…项目)."""
    if (
        region
        and region[-1] in "市县旗盟区"
        and not region.endswith("地区")
        and name.startswith(region)
        and len(name) - len(region) >= 3
    ):
        return _LEADING.sub("", name[len(region) :]).strip(_EDGE) or name
    return name


def _number_name(name: str, region: str | None) -> str:
    """A number's name without the document's place, a verb of doing, a function word."""
    name = _drop_region(name, region)
    if name[:1] in _doing_firsts():  # (_DOING starts with one of these or does nothing)
        name = _DOING.sub("", name)
    return _noun_phrase(name)


def _qualify(name: str, before: str) -> str:
    """A name of two characters (投资, 产值) takes the subject named before it in the sentence."""
    if len(name) > 2 or not before:
        return name
    subject = _VERB_LEAD.sub("", before)
    subject = _COUNT_LEAD.sub("", subject)  # 56个超十亿元项目 → 超十亿元项目
    if name + "的" in subject:
        return name  # 缔结友城的国家 39个, then 友城 118对: the subject is described by the name
    twin = _TWIN_MEASURES.get(name)
    if twin:  # 外贸进出口总额…，其中出口 → 外贸出口: the subject names both sides in one word
        at = max(subject.find(twin[0] + name[0]), subject.find(name[0] + twin[0]))
        if at >= 0:
            return subject[:at] + name
    if twin and subject.endswith(twin) and len(subject) > 2:
        return subject[:-2] + name  # 一般公共预算收入…、支出 → 一般公共预算支出
    if 2 <= len(subject) and len(subject) + len(name) <= _NAME_MAX and not subject.endswith(name):
        return subject + name
    return name


# The other side of a two-sided measure: a 支出 after a 收入 takes the 收入's subject, not its name.
_TWIN_MEASURES = {"收入": "支出", "支出": "收入", "出口": "进口", "进口": "出口", "存款": "贷款", "贷款": "存款"}


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _mention_sentences(
    text: str, starts: Sequence[int]
) -> Iterator[tuple[int, int, int, int]]:
    """(start, end, lo, hi) of each sentence that holds number mentions lo..hi-1, in order:
    the sentences `_sentences` gives that hold a mention, found from the mentions (issue 22:
    a document has several times more sentences without a number than with one).  Each
    stretch of text is searched once, forwards for the end, backwards for the start."""
    ends = _SENTENCE_END
    last_end = re.compile(r"(?s:.*)" + _SENTENCE_END.pattern)  # after the last end before a point
    n, k, floor = len(starts), 0, 0
    while k < n:
        p = starts[k]
        m = ends.search(text, p)
        s_end = len(text) if m is None else m.start()
        if s_end == p:  # a mention on a sentence mark belongs to no sentence
            k += 1
            continue
        back = last_end.match(text, floor, p)
        s_start = floor if back is None else back.end()
        hi = bisect.bisect_left(starts, s_end, k)
        yield s_start, s_end, k, hi
        k, floor = hi, s_end


def _overlaps(spans: list[tuple[int, int]], starts: list[int], lo: int, hi: int) -> bool:
    """Whether [lo, hi) meets one of the sorted, disjoint `spans`."""
    i = bisect.bisect_left(starts, hi) - 1
    return i >= 0 and spans[i][1] > lo


def _mention_access(
    mentions: Sequence[Mention],
) -> tuple[Sequence[int], Callable[[int], bool], Callable[[int], Mention | MentionRef]]:
    """Start offsets of the mentions; whether mention k is a year or has no unit (never an
    indicator); mention k as (id, quantity).  A Document's `Mentions` answers from its columns,
    so objects are made only for the candidates (issue 22)."""
    if isinstance(mentions, Mentions):
        return (
            mentions.starts,
            lambda k: mentions.is_year(k) or mentions.unit(k) in ("", "date"),
            mentions.ref,
        )

    def plain(k: int) -> bool:
        q = mentions[k].quantity
        return is_year(q) or q.unit in ("", "date")

    starts = [m.quantity.span.start for m in mentions if m.quantity.span]
    return starts, plain, mentions.__getitem__


def _clause_values(
    text: str, cks: list[int], plain: Callable[[int], bool], get: Callable[[int], Any]
) -> tuple[list[Any], dict[int, str]]:
    """The clause's mentions that can be indicators, and the names of those that lead
    their own words (a number first: "1194公里廊道")."""
    lead: dict[int, str] = {}
    values = []
    for k in cks:
        if plain(k):
            continue
        m = get(k)
        if _not_an_indicator(text, m.quantity) or _part_of_phrase(text, m.quantity):
            continue
        how = _number_first(text, m.quantity)
        if how == "skip":
            continue
        if how is not None:
            lead[m.id] = how
        values.append(m)
    return values, lead


def _own_name(between: str, after_lead: bool) -> str:
    """The name written between a clause's numbers; after a number that led its own words
    (50%号源、转诊量增长), those words are the last number's, the rest names this one."""
    own = "" if _TO_LEVEL.search(between) else _clean_name(between)
    if after_lead and "、" in own:
        head, rest = own.split("、", 1)
        return rest if between.startswith(head) and len(rest) >= 2 else own
    return own


def _clause_names(base_name: str, n: int, respectively: bool) -> tuple[list[str], list[str]]:
    """A name for each of the clause's `n` values, and the extra subjects that share one value."""
    names = _split_respectively(base_name, n) if respectively else [base_name] * n
    shared: list[str] = []
    if respectively and n == 1 and "、" in base_name:
        # "民营企业、普惠小微企业贷款分别增长10%以上": one value, several subjects.
        parts = [p for p in base_name.split("、") if len(p) >= 2]
        parts = _split_respectively("、".join(parts), len(parts)) if parts else parts
        shared = parts[1:]
        names = parts[:1] or names
    return names, shared


def _fold_baseline(
    prev: Indicator, q: Quantity, kind: IndicatorKind, direction: Direction | None, year: int | None
) -> None:
    """ "由17.34%提高到22.89%", "从2020年的5.2万元提高到2025年的7.4万元": the first number was
    the baseline; the indicator now stands on the second."""
    assert q.span is not None
    prev.baseline = prev.target or prev.actual
    prev.baseline_year = year
    prev.target, prev.actual = (None, q) if kind == IndicatorKind.actual else (q, None)
    if prev.growth is not None and prev.growth.span == q.span:
        prev.growth = None
    prev.span = Span(start=q.span.start, end=q.span.end)
    prev.direction = direction or prev.direction


def _growth_owner(out: list[Indicator], s_start: int, name: str) -> Indicator | None:
    """ "达到1280亿元，增长5.8%", "分别达到43200元和19800元，分别增长5.1%和7.4%": the level of
    this sentence that a growth rate belongs to (one indicator, level and growth)."""
    for cand in reversed(out):
        if cand.span.start < s_start:
            break
        if cand.name == name and cand.growth is None and (cand.target or cand.actual) is not None:
            return cand
    return None


def _attach_growth(
    owner: Indicator, q: Quantity, direction: Direction | None, text: str | None
) -> None:
    owner.growth = q
    owner.direction = direction
    assert q.span is not None
    if (
        text is not None
        and owner.period is None
        and owner.year is not None
        and averaged_before(text, q.span.start)
    ):
        # 突破3万亿元、年均增长4.7%: the level ends the plan the average is over
        a, b = plan_containing(owner.year)
        owner.year, owner.period = b, f"{a}-{b}"


def _rules_check() -> Check:
    """The check of an indicator the rules read at its number."""
    return _built(
        Check,
        {
            "status": CheckStatus.verified,
            "reason": "rules: number at its span",
            "cause": CheckCause.number_at_span,
        },
    )


def _new_indicator(
    name: str,
    q: Quantity,
    kind: IndicatorKind,
    role: str,
    direction: Direction | None,
    era: Era | None,
    check: Check,
) -> Indicator:
    """The indicator of one number.  Its span is the number's own `Span` object and `check`
    is shared by the document's sentence indicators (nothing changes either in place; a
    new span or check is assigned, never edited), which saves two models a number."""
    assert q.span is not None
    times = q.unit == "番"
    values: dict[str, Any] = {
        "name": name,
        "unit": q.unit,
        "kind": kind,
        "target_year": era.last if era is not None and kind is IndicatorKind.target else None,
        "span": q.span,
        "check": check,
        "direction": "up" if times else direction,
        "multiple": 2.0**q.value if times else None,
        "year": era.last if era is not None else None,
        "period": era.period_text if era is not None else None,
    }
    if role == "growth":
        values["growth"] = q
    elif kind == IndicatorKind.actual:
        values["actual"] = q
    else:
        values["target"] = q
    return _built(Indicator, values)


def _not_prose(
    text: str,
    s_start: int,
    s_end: int,
    skip_sorted: list[tuple[int, int]],
    skip_starts: list[int],
    ctx: Context,
) -> bool:
    """A sentence inside a table, running into a table row, or a headline/title line."""
    i = bisect.bisect_right(skip_starts, s_start) - 1
    if i >= 0 and skip_sorted[i][1] >= s_end:
        return True  # inside a table
    if text.count("|", s_start, s_end) >= 2 and _overlaps(skip_sorted, skip_starts, s_start, s_end):
        return True  # a sentence running into a table row; `|` alone (a footer) is not a table
    return _is_headline_line(text, s_start, s_end, ctx)  # a news headline or the title line


def _clauses(
    text: str, s_start: int, starts: Sequence[int], lo: int, hi: int
) -> list[tuple[int, list[int]]]:
    """The number mentions lo..hi-1 of the sentence that starts at `s_start`, grouped by clause
    in order, each group with its clause's start.  One walk over the mentions and the clause
    marks before the last of them (no copy of the sentence, no search after its last number)."""
    groups: list[tuple[int, list[int]]] = []
    c_start = s_start
    ks: list[int] = []
    seps = _CLAUSE_SEP.finditer(text, s_start, starts[hi - 1])
    sep = next(seps, None)
    for k in range(lo, hi):
        p = starts[k]
        if sep is not None and sep.end() <= p:
            if ks:
                groups.append((c_start, ks))
                ks = []
            while sep is not None and sep.end() <= p:
                c_start = sep.end()
                sep = next(seps, None)
        ks.append(k)
    groups.append((c_start, ks))
    return groups


def _eras(tl: Timeline | None, at: int, s_start: int, line_start: int) -> tuple[Era | None, Era | None]:
    """The time the number's sentence and its paragraph speak of, nearest first."""
    if tl is None:
        return (None, None)
    return tl.nearest_two(at, s_start, line_start)


def sentence_indicators(
    text: str,
    mentions: Sequence[Mention],
    ctx: Context,
    skip: Sequence[Span] = (),
) -> list[Indicator]:
    """One indicator per quantity with a unit in a sentence, named by the words before it."""
    starts, plain, get = _mention_access(mentions)
    skip_sorted = sorted((s.start, s.end) for s in skip)
    skip_starts = [s for s, _ in skip_sorted]
    out: list[Indicator] = []
    carry = ""
    prev_span_end = 0
    line_of = LineStarts(text)
    check = _rules_check()
    for s_start, s_end, lo, hi in _mention_sentences(text, starts):
        # Only years and bare numbers (no candidate): nothing here, and nothing carried on.
        if all(map(plain, range(lo, hi))) or _not_prose(
            text, s_start, s_end, skip_sorted, skip_starts, ctx
        ):
            continue
        cues = _memo(partial(_sentence_cues, text, s_start, s_end, ctx.doc_type == "news"))
        sentence_name = carry if s_start > 0 and text[s_start - 1] != "\n" else ""
        line_start = line_of(s_start)
        paragraph_kind = (
            IndicatorKind.actual
            if _RESULT_PARAGRAPH.search(text[line_start : line_start + 40])
            else None
        )
        for c_start, cks in _clauses(text, s_start, starts, lo, hi):
            year: int | None = None  # the time comes from the timeline (sentence, heading, doc)
            values, lead = _clause_values(text, cks, plain, get)
            if not values:  # 生产总值跨越…三个台阶，年均增长5.9%: the next clause's subject
                sentence_name = _milestone_subject(text, c_start, cks, get) or sentence_name
                continue
            first_span = values[0].quantity.span
            assert first_span is not None
            before_first = text[c_start : first_span.start]
            base_name = _clean_name(before_first)
            if before_first.lstrip().startswith("其中") and sentence_name:
                base_name = _sub_item(base_name, sentence_name)  # 其中牛370万头 → 牛存栏
            if len(base_name) < 2:
                # "…达到1280亿元，增长5.8%": the name carries over (the last indicator's, when
                # the sentence named it after its number: 启动30万平方米…修缮，较“十三五”翻一番)
                last = out[-1] if out and out[-1].span.start >= s_start else None
                own_list = "分别" in before_first or len(values) > 1
                base_name = last.name if last is not None and not own_list else sentence_name
            else:
                sentence_name = base_name
            respectively = _respectively(text, before_first, base_name, values)
            names, shared = _clause_names(base_name, len(values), respectively)
            values = _pair_from_to(text, c_start, values, base_name, lead)
            quantity = {m.id: m.quantity for m in values}
            if respectively and len(values) >= 2:
                _share_comparator(text, values, quantity)
            list_direction = _direction(before_first, values[0].quantity)
            first_role = _role_for(before_first, values[0].quantity)
            prev_end = c_start
            last_name = base_name
            for idx, m in enumerate(values):
                q = quantity[m.id]
                assert q.span is not None
                if not respectively and idx > 0:
                    between = text[prev_end : q.span.start]
                    own = _own_name(between, values[idx - 1].id in lead)
                    if len(own) >= 2:
                        listed = between.startswith("、") and "其中" not in between
                        last_name = _carry_verb(base_name, own) if listed else own
                    names[idx] = last_name
                name = lead.get(m.id, names[idx])
                prev_end = q.span.end
                name = _number_name(name, ctx.region)
                if m.id in lead and _TAIL_WORDS.fullmatch(lead[m.id]):
                    name = names[idx]  # "廊道1194公里全线贯通": the name stands before the number
                if name in _GENERIC:
                    continue
                if len(name) <= 2:
                    subject = out[-1].name if out and out[-1].span.start >= s_start else ""
                    name = _qualify(name, subject)
                if len(name) < 2:
                    continue
                # the clause's words before the number: its last 12 are all that is read
                before = text[max(c_start, q.span.start - 12) : q.span.start]
                eras = _eras(tl := ctx.timeline, q.span.start, s_start, line_start)
                kind = _kind_for(cues, year, ctx, paragraph_kind, q.span.start, eras)
                role = first_role if respectively else _role_for(before, q)
                if q.unit == "番":
                    role = "growth"  # 翻一番: a doubling, not "1 番"
                direction = (
                    list_direction
                    if respectively
                    else _direction(text[max(c_start, prev_span_end) : q.span.start] or before, q)
                )
                prev = out[-1] if out and out[-1].span.start >= c_start else None
                if (
                    prev is not None
                    and idx > 0
                    and prev.name == name
                    and prev.baseline is None
                    and _from_to(text, c_start, prev.span.start, prev_span_end, q.span.start)
                ):
                    _fold_baseline(
                        prev, q, kind, direction, _from_year(text, c_start, prev.span.start)
                    )
                    prev_span_end = q.span.end
                    continue
                prev_span_end = q.span.end
                owner = _growth_owner(out, s_start, name) if role == "growth" else None
                if owner is not None:
                    _attach_growth(owner, q, direction, text if tl is not None else None)
                    continue
                era = tl.era(q.span.start, kind, eras, s_start) if tl is not None else None
                ind = _new_indicator(name, q, kind, role, direction, era, check)
                out.append(ind)
                for other in shared:
                    out.append(ind.model_copy(update={"name": other}, deep=True))
            if sentence_name:
                carry = sentence_name
    return out


# ---------------------------------------------------------------------------------------
# Time and duplicates: for every indicator, whichever path found it


def date_indicators(indicators: Sequence[Indicator], timeline: Timeline) -> None:
    """Set `year` and `period` on every indicator that has none (sentence, heading, document)."""
    for ind in indicators:
        if ind.year is not None or ind.period is not None:
            continue
        era: Era | None
        if ind.target_year is not None:
            era = timeline.complete(Era(year=ind.target_year), ind.kind)
        else:
            head = ind.headline()
            offset = (
                head.span.start if head is not None and head.span is not None else ind.span.start
            )
            era = timeline.era(offset, ind.kind)
        if era is None:
            continue
        ind.year = era.last
        ind.period = era.period_text
        if ind.target_year is None and ind.kind is IndicatorKind.target:
            ind.target_year = ind.year
        if ind.direction is None and ind.growth is not None:
            ind.direction = _direction(ind.name, ind.growth)  # a table row named 能耗降低


def _numbers_key(x: Quantity | None) -> tuple[object, ...] | None:
    return None if x is None else (x.value, x.upper, x.unit, x.comparator)


def _row_key(ind: Indicator) -> tuple[object, ...]:
    d = ind.__dict__  # the fields, read without an attribute lookup each
    q = _numbers_key
    return (
        d["name"],
        d["section"],
        d["kind"],
        d["year"],
        d["period"],
        d["direction"],
        d["attribute"],
        q(d["baseline"]),
        q(d["target"]),
        q(d["actual"]),
        q(d["growth"]),
    )


def drop_repeats(indicators: list[Indicator], text: str) -> list[Indicator]:
    """Identical rows (same name, section, time, kind and numbers) restated in another
    paragraph are shown once, at the first place.  Within one paragraph a repeat is left
    alone: there it is the text's own list, not a restatement."""
    seen: dict[tuple[object, ...], int] = {}
    out = []
    line_of = LineStarts(text)
    for ind in indicators:
        key = _row_key(ind)
        line = line_of(ind.span.start) - 1  # the newline before it (-1: the first line)
        first = seen.setdefault(key, line)
        if first != line:
            continue
        out.append(ind)
    return out
