"""Document information: title, issuer, date, type, period, region — read off the text."""

from __future__ import annotations

import re

from .models import DocType, DocumentInfo

_META = re.compile(r"(发布机构|成文日期|发布日期|发布时间)\s*[|:：]?\s*\|?\s*([^|\n]+)")
_ISO = re.compile(r"((?:19|20)\d{2})[-/.年]\s*(\d{1,2})(?:[-/.月]\s*(\d{1,2})日?)?")
_REGION = re.compile(r"([一-龥]{2,8}?(?:自治区|自治州|地区|省|市|盟|旗|县|区))(?![政场民容貌值域级])")
_FIVE_YEAR = {"十三": (2016, 2020), "十四": (2021, 2025), "十五": (2026, 2030), "十六": (2031, 2035)}
_TITLE_WORDS = ("规划", "计划", "报告", "建议", "纲要", "目标", "公报")
_CHROME = ("往期阅读", "当前版", "上一版", "下一版", "上一篇", "放大", "索 引 号", "分享到", "来源", "摄")


def _doc_type(title: str, text: str) -> DocType:
    if "纲要" in title or ("五年规划" in title and "建议" not in title):
        return "outline"
    if "建议" in title:
        return "proposal"
    if "政府工作报告" in title or "政府工作报告" in text[:200]:
        return "work_report"
    if "计划" in title:
        return "annual_plan"
    return "news"


def _title(text: str) -> str | None:
    lines = [ln.strip() for ln in text[:4000].splitlines()]
    lines = [ln for ln in lines if ln and "|" not in ln and not any(c in ln for c in _CHROME)]
    for ln in lines[:40]:
        if 6 <= len(ln) <= 80 and any(w in ln for w in _TITLE_WORDS) and not ln.endswith("。"):
            return ln.strip("*# ")
    for ln in lines[:12]:
        if 6 <= len(ln) <= 40 and not re.search(r"[。，,]", ln):
            return ln.strip("*# ")
    return None


def _norm_date(y: str, m: str | None, d: str | None) -> str:
    if m and d:
        return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
    if m:
        return f"{int(y):04d}-{int(m):02d}"
    return y


_VERB_STEMS = {
    "实施", "推进", "按照", "建设", "加快", "发展", "推动", "打造", "城乡", "完善", "提升", "优化",
    "支持", "促进", "加强", "围绕", "依托", "开展", "组织", "落实", "深化", "服务", "构建", "全面",
}
_NOT_REGION_START = ("全", "本", "我", "该", "各", "建成", "创建", "成为", "城", "县城", "一个")


def _region_candidates(s: str) -> list[str]:
    out = []
    for m in _REGION.finditer(s):
        r = re.sub(r"^[\d〇○零一二三四五六七八九十年度月日]+", "", m.group(1))
        r = re.sub(r"^(?:中共|关于|制定)", "", r)
        if (
            len(r) >= 2
            and not r.startswith(_NOT_REGION_START)
            and not r.endswith(("城市", "城区", "园区", "社区", "景区", "矿区", "片区", "新区", "功能区"))
            and r not in ("自治区", "地区")
        ):
            out.append(r)
    return out


def _region(title: str, text: str) -> str | None:
    """The place the plan is for: from the title, else the most frequent place name near the top."""
    cands = _region_candidates(title)
    if cands:
        return cands[0]
    from collections import Counter

    near_top = {
        c
        for c in _region_candidates(text[:20000])
        if len(c) <= 5 and "全" not in c and c[:2] not in _VERB_STEMS
    }
    # A place name recurs without its suffix (通辽 … 通辽市); score by how often the stem occurs.
    scored = Counter(
        {c: text.count(re.sub(r"(?:自治区|自治州|地区|省|市|盟|旗|县|区)$", "", c)) for c in near_top}
    )
    return scored.most_common(1)[0][0] if scored else None


def _speaking_year(text: str) -> str | None:
    """The year a report looks forward from: the latest year named at least twice."""
    from collections import Counter

    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", text))
    often = [y for y, n in years.items() if n >= 2] or list(years)
    return str(max(often)) if often else None


def read_document_info(text: str) -> DocumentInfo:
    head = text[:3000]
    title = _title(text)
    t = title or ""
    doc_type = _doc_type(t, text)
    info = DocumentInfo(title=title, doc_type=doc_type, chars=len(text))
    for m in _META.finditer(head):
        key, val = m.group(1), m.group(2).strip()
        if key == "发布机构" and not info.issuer:
            info.issuer = val
        elif key in ("成文日期", "发布日期", "发布时间") and not info.date:
            d = _ISO.search(val)
            if d:
                info.date = _norm_date(d.group(1), d.group(2), d.group(3))
    if not info.date:
        d = re.search(r"[(（]?((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日", head)
        if d:
            info.date = _norm_date(d.group(1), d.group(2), d.group(3))
    region = _region(t, text)
    info.region = region
    if not info.issuer and t:
        if t.startswith("中共") and "委" in t:
            info.issuer = t[: t.index("委") + 1]
        elif region and doc_type in ("annual_plan", "work_report", "outline"):
            info.issuer = f"{region}人民政府"
    if not info.period and doc_type in ("work_report", "news"):
        info.period = _speaking_year(text)
    fy = re.search(r"第(十[三四五六])个五年|[“\"]?(十[三四五六])五[”\"]?规划", t)
    if fy:
        a, b = _FIVE_YEAR[fy.group(1) or fy.group(2)]
        info.period = f"{a}-{b}"
    else:
        y = re.search(r"((?:19|20)\d{2})年", t)
        if y:
            info.period = y.group(1)
        elif info.date and doc_type in ("annual_plan", "work_report"):
            info.period = info.date[:4]
    return info


def document_year(info: DocumentInfo) -> int | None:
    """The year the document speaks from: its plan year, else its date's year."""
    if info.period and re.fullmatch(r"\d{4}", info.period):
        return int(info.period)
    if info.period and "-" in info.period:
        return int(info.period[:4])
    if info.date:
        return int(info.date[:4])
    return None
