"""What every format shares: labels, and numbers, quantities and years as text."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from .._lazyre import lazy_re
from ..models import (
    Attribute,
    CheckStatus,
    Indicator,
    PlanSummary,
    Quantity,
    Section,
    Span,
)

# The words a badge says, the same in every format and in docs/llm.md: what was checked.
CHECK_WORDS = {
    "span": "数值已对原文 (number at its span)",  # the rules: the number stands at its span
    "fields": "逐项已核对 (every field checked)",  # a model's item: every field against the source
    "corrected": "已按原文更正 (corrected from the source)",
    "unchecked": "未核对 (unchecked)",
    "refused": "未采信 (refused)",
}
# Chinese text needs a font with CJK glyphs; the pages load none (no network, CSP font-src
# 'none'), so they name the common ones of each system, and say what to do when none is there.
CJK_SANS = (
    '"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB",'
    '"Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif'
)
CJK_MONO = '"Noto Sans Mono CJK SC","Noto Sans CJK SC","WenQuanYi Micro Hei Mono","Sarasa Mono SC",ui-monospace,monospace'
FONT_NOTE = (
    "中文显示为方框？本页依次使用 Noto Sans CJK、思源黑体、苹方、微软雅黑、文泉驿字体，"
    "一种也没有时请安装（Debian/Ubuntu：apt-get install fonts-noto-cjk）。"
    " Chinese shown as boxes? This machine has no CJK font: install a CJK font "
    "(Debian/Ubuntu: apt-get install fonts-noto-cjk; Fedora: google-noto-sans-cjk-fonts)."
)

STATUS_LABEL = {
    CheckStatus.verified: "已核对 (checked)",
    CheckStatus.corrected: CHECK_WORDS["corrected"],
    CheckStatus.unverified: CHECK_WORDS["unchecked"],
    CheckStatus.rejected: CHECK_WORDS["refused"],
    "degraded": "降级 (degraded)",
    "info": "说明 (info)",
}


def badge_text(ind: Indicator) -> str:
    """What an indicator's badge says: for a verified item, what was checked (the rules check
    that the number stands at its span; a model's item had every field checked)."""
    st = ind.check.status
    if st is CheckStatus.verified:
        return CHECK_WORDS["fields"] if ind.origin == "llm" else CHECK_WORDS["span"]
    return STATUS_LABEL[st]


def point_text(status: CheckStatus) -> str:
    """The badge of a sentence the model wrote (a chunk summary)."""
    return CHECK_WORDS["fields"] if status is CheckStatus.verified else STATUS_LABEL[status]


def verdict_text(summary: PlanSummary) -> str | None:
    """The banner a run whose model was mostly refused carries in every output (else None)."""
    v = summary.provenance.verdict
    return v.message if v is not None and v.unreliable else None
ATTRIBUTE_LABEL = {Attribute.expected: "预期性 (expected)", Attribute.binding: "约束性 (binding)"}
DOC_TYPE_LABEL = {
    "outline": "规划纲要 (outline)",
    "proposal": "建议 (proposal)",
    "annual_plan": "年度计划 (annual plan)",
    "work_report": "工作报告 (work report)",
    "news": "新闻 (news)",
    "other": "其他 (other)",
}
# Checks worth a reader's attention in the short list at the end.
_FAILED = {CheckStatus.rejected.value, CheckStatus.corrected.value, "degraded"}
_FAILED_LIST_MAX = 20


def _num(value: float | None) -> str:
    """A number as a spreadsheet reads it: 7 not 7.0, shortest exact decimal otherwise."""
    if value is None or not math.isfinite(value):
        return ""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _qtext(q: Quantity | None) -> str:
    """A quantity as written in the source (its `raw`), else rebuilt from its parts."""
    if q is None:
        return ""
    if q.raw.strip():
        return q.raw.strip()
    body = _num(q.value)
    if q.upper is not None:
        body += f"~{_num(q.upper)}"
    return body + q.unit


def _one_line(s: str | None) -> str:
    return " ".join((s or "").split())


def _status(ind: Indicator) -> CheckStatus:
    return ind.check.status


def _year(y: int | None) -> str:
    return str(y) if y is not None else ""


def _when(ind: Indicator) -> str:
    """The indicator's year, with its period when it has one: "2030 (2026-2030)"."""
    year = ind.year if ind.year is not None else ind.target_year
    if ind.period:
        return f"{year} ({ind.period})" if year is not None else ind.period
    return _year(year)


_ARROW = {"up": "↑", "down": "↓"}


def _growth_text(ind: Indicator) -> str:
    """The growth as written, with its direction (↑ 增长 / ↓ 下降) and a 翻番 multiple."""
    s = _qtext(ind.growth)
    if not s:
        return ""
    if ind.multiple is not None:
        s += f" (×{_num(ind.multiple)})"
    return _ARROW.get(ind.direction or "", "") + s


def _say(ind: Indicator) -> str:
    """One line of the headline block: name, value and growth with its direction."""
    parts = [ind.name]
    level = ind.target or ind.actual
    if level is not None:
        parts.append(_qtext(level))
    if ind.growth is not None:
        parts.append(_growth_text(ind))
    if level is None and ind.growth is None and ind.baseline is not None:
        parts.append(_qtext(ind.baseline))
    return " ".join(parts)


def _clamp(span: Span, n: int) -> tuple[int, int]:
    start = min(max(span.start, 0), n)
    return start, min(max(span.end, start), n)


def _walk(
    sections: Iterable[Section], path: tuple[int, ...] = ()
) -> Iterator[tuple[tuple[int, ...], Section]]:
    for i, sec in enumerate(sections):
        here = (*path, i)
        yield here, sec
        yield from _walk(sec.children, here)


def _section_title(sec: Section) -> str:
    """ "第二章 主要目标", "一、重点项目", "（二）…": a space only after a number that needs one."""
    number = (sec.number or "").strip()
    sep = "" if not number or number[-1] in "、）)】]" else " "
    return _one_line(f"{number}{sep}{sec.title}")


_ITEM_REF = lazy_re(r"^(indicator|goal|project)s?\[(\d+)\]")


def _item_ref(item: str) -> str | None:
    """Map a check's item ("indicator[3].target") to the summary item it is about."""
    m = _ITEM_REF.match(item)
    return f"{m.group(1)[0]}{m.group(2)}" if m else None
