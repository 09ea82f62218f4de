"""Document information: title, issuer, date, type, period, region — read off the text."""

from __future__ import annotations

import re
import unicodedata

from .._lazyre import lazy_re
from ..models import DocType, DocumentInfo
from .gazetteer import resolve

_META = lazy_re(r"(发布机构|成文日期|发布日期|发布时间)\s*[|:：]?\s*\|?\s*([^|\n]+)")
_ISO = lazy_re(r"((?:19|20)\d{2})[-/.年]\s*(\d{1,2})(?:[-/.月]\s*(\d{1,2})日?)?")
_REGION = lazy_re(r"([一-龥]{2,8}?(?:自治区|自治州|地区|省|市|盟|旗|县|区))(?![政场民容貌值域级])")
_FIVE_YEAR = {"十三": (2016, 2020), "十四": (2021, 2025), "十五": (2026, 2030), "十六": (2031, 2035)}
_TITLE_WORDS = ("规划", "计划", "报告", "建议", "纲要", "目标", "公报")
_CHROME = ("往期阅读", "当前版", "上一版", "下一版", "上一篇", "放大", "索 引 号", "分享到", "来源", "摄")


# A 印发通知: "…人民政府关于印发《…规划纲要》的通知" wraps the plan it publishes (the
# brackets are sometimes left out: 关于印发××区…“十四五”规划的通知).
_NOTICE = lazy_re(
    r"^(?:(?P<issuer>(?!关于).{2,40}?))?(?:关于)?印发(?:[《<](?P<plan>[^》>]{4,80})[》>]"
    r"|(?P<bare>[^《》<>]{4,80}?(?:规划|纲要|计划|方案)))(?:的)?通知$"
)
# The venue line of a report to a people's congress: ——2026年1月26日在××省第十四届人民代表大会
# 第四次会议上 (the dash may be missing, the line may wrap).
_SP = r"[ \t\u3000\r\n]*"
_VENUE = lazy_re(
    rf"(?P<y>(?:19|20)\d{{2}}){_SP}年{_SP}(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日{_SP}在{_SP}"
    rf"(?P<place>[一-龥]{{2,24}}?){_SP}第{_SP}[一二三四五六七八九十\d]{{1,4}}{_SP}届{_SP}"
    rf"(?:人民代表大会|人大){_SP}(?:常务委员会{_SP})?第{_SP}[一二三四五六七八九十\d]{{1,4}}{_SP}次{_SP}会议上"
)
# The speaker line under it: ××省人民政府省长 姓名 / 北京市市长 殷勇 / 省长　王予波 / 自治区主席 姓名.
_SPEAKER = lazy_re(
    r"(?m)^[ \t\u3000]*(?:(?P<place>[一-龥]{2,20}?)(?:人民政府)?)?"
    r"(?:代理?)?(?P<office>省长|市长|县长|区长|旗长|州长|盟长|主席)[ \t\u3000]*[一-龥·]{1,2}[ \t\u3000]?[一-龥·]{1,3}[ \t\u3000]*$"
)
# Lines of a web page's frame around the text (download/print buttons, font size, breadcrumbs).
_PAGE_CHROME = lazy_re(
    r"^(?:下载|打印|全屏|收藏|分享[:：]?|加大|还原|减小|大|中|小|】|【字号[:：]?|【字体[:：]?|首页|>|"
    r"您的位置[:：]?|来源[:：]?|时间[:：]?|发布时间[:：]?|[【\[]?关闭[】\]]?)$"
)
# A title written with spaces between its characters: 政 府 工 作 报 告.
_SPACED = lazy_re(r"^[一-龥](?:[ \t\u3000]+[一-龥]){3,}$")
# Signs of a news page: a byline, a photo credit, a source or editor line, a masthead.
_NEWS_WORDS = ("本报记者", "本报讯", "通讯员", "往期阅读", "当前版")
# A photo credit (… 摄), a source or editor line, a reporter's byline: each pattern is led by
# a literal character so that the scan is quick (the text is given with a leading newline).
_NEWS_LINES = (
    lazy_re(r"(?m)(?<=\s)摄[ \t\u3000]*$"),
    lazy_re(r"\n[ \t\u3000]*(?:来源|编辑|责任编辑|责编)[:：]"),
    lazy_re(r"\n[ \t\u3000]*记者[ \t\u3000]"),
)
_MASTHEAD = lazy_re(r"^\s*(\S{2,12}(?:日报|晚报|新闻网))\s+(?:19|20)\d{2}年")
_SOURCE = lazy_re(r"(?:^|[|\s])(?:来源|稿源)[:：]\s*([^|\s]{2,20})")
# The signature of an official document: the issuing body on its own line, the date below.
_SIGNATURE = lazy_re(
    r"(?m)^[ \t\u3000]*([一-龥]{2,30}(?:人民政府|人民政府办公室|政府办公室|委员会|委员会办公室|局|厅))"
    r"[ \t\u3000]*\r?\n(?:[ \t\u3000]*\r?\n)?[ \t\u3000]*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日[ \t\u3000]*$"
)


_PLAN_TITLE_ENDS = ("纲要", "规划", "计划", "建议", "报告", "公报", "（摘要）", "(摘要)", "摘要")


# The byline under a title: the issuing body, with the month of issue on its line or the next
# (青岚市发展和改革委员会　２０２５年１月 / 青岚市人民政府 ⏎ 二〇二一年三月).
_BODY = r"[一-龥]{2,30}?(?:人民政府办公室|人民政府|政府办公室|发展和改革委员会|发展和改革局|委员会|局|厅)"
_BYLINE = lazy_re(rf"^(?P<body>{_BODY})(?:[ \t\u3000]+(?P<date>\S+年\S*月)(?:\S*日)?)?$")
_CN_DIGIT = dict(zip("〇○零一二三四五六七八九", "0001234567 89".replace(" ", ""), strict=False))
_MONTH_DATE = lazy_re(r"^((?:19|20)\d{2})年(\d{1,2})月(?:(\d{1,2})日)?$")


def _cn_date(s: str) -> str | None:
    """二〇二一年三月 / ２０２５年１月 / 2024年2月 → 2021-03 / 2025-01 / 2024-02 (a day kept if given)."""
    s = unicodedata.normalize("NFKC", s.strip())
    year, sep, rest = s.partition("年")
    year = "".join(_CN_DIGIT.get(c, c) for c in year)
    months = {"十": "10", "十一": "11", "十二": "12"}
    month, sep2, day = rest.partition("月")
    month = months.get(month) or "".join(_CN_DIGIT.get(c, c) for c in month)
    m = _MONTH_DATE.match(f"{year}{sep}{month}{sep2}{day}")
    return _norm_date(m.group(1), m.group(2), m.group(3)) if m else None


def _byline(text: str) -> tuple[str | None, str | None]:
    """(issuer, date) from the lines just under the title, when they name a body."""
    lines = [ln.strip(" \t\u3000") for ln in text[:600].splitlines()]
    lines = [ln for ln in lines if ln][:6]
    for k, ln in enumerate(lines[1:4], start=1):
        m = _BYLINE.match(ln)
        if not m:
            continue
        date = m.group("date") or (lines[k + 1] if k + 1 < len(lines) else "")
        return m.group("body"), _cn_date(date) if len(date) <= 12 else None
    return None, None


def _is_news(text: str) -> bool:
    """Two signs of a news page near the top (byline, photo credit, masthead, 来源 line), or a
    source or editor line in the footer."""
    head = text[:3000]
    lines = "\n" + head
    signs = sum(w in head for w in _NEWS_WORDS) + sum(len(r.findall(lines)) for r in _NEWS_LINES)
    signs += bool(_MASTHEAD.match(head))
    tail = "\n" + text[-600:]
    return signs >= 2 or any(r.search(tail) for r in _NEWS_LINES)


def _doc_type(title: str, text: str, news: bool) -> DocType:
    if "纲要" in title or ("五年规划" in title and "建议" not in title):
        return "outline"
    if re.search(r"十[三四五六]五[”\"]?.{0,16}规划$", title):
        return "outline"  # a 十五五 专项规划: a five-year plan of one field
    if "建议" in title:
        return "proposal"
    if news and not title.endswith(_PLAN_TITLE_ENDS):
        return "news"  # a headline about a report or a plan is news, whatever it names
    if "政府工作报告" in title or ("政府工作报告" in text[:200] and not news):
        return "work_report"
    if "计划" in title:
        return "annual_plan"
    return "news"


def _unspace(line: str) -> str:
    return re.sub(r"[ \t\u3000]+", "", line) if _SPACED.match(line) else line


def _title(text: str, news: bool = False) -> str | None:
    lines = [_unspace(ln.strip()) for ln in text[:4000].splitlines()]
    lines = [
        ln
        for ln in lines
        if ln and "|" not in ln and not _PAGE_CHROME.match(ln) and not any(c in ln for c in _CHROME)
    ]
    if news:
        # A news page: the headline is the first short line after the masthead and the
        # place line, whatever words it uses.
        for ln in lines[:12]:
            if 6 <= len(ln) <= 40 and not re.search(r"[。，,：:；;]", ln) and not _MASTHEAD.match(ln) and not (
                re.match(r"^\s*(?:19|20)\d{2}[-年]", ln)
            ):
                return ln.strip("*# ")
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
        r = re.sub(r"^(?:中共|关于|制定|今年|去年|明年|全年|本报讯)", "", r)
        if r.endswith("地区") and s.startswith("生产总值", m.end()):
            continue  # 深圳地区生产总值: the indicator 地区生产总值, not a place 深圳地区
        if (
            len(r) >= 2
            and not r.startswith(_NOT_REGION_START)
            and not r.endswith(("城市", "城区", "园区", "社区", "景区", "矿区", "片区", "新区", "功能区"))
            and r not in ("自治区", "地区")
        ):
            out.append(r)
    return out


_PLACE_JUNK = lazy_re(r"关于|制定|印发|的|委|和|与|及")


def _title_places(title: str) -> list[str]:
    """The first run of adjacent place names in a title (青岚市栖梧区 → [青岚市, 栖梧区])."""
    chain: list[str] = []
    end = -1
    for m in _REGION.finditer(title):
        r = _region_candidates(m.group(1))
        if not r or len(r[0]) > 8 or _PLACE_JUNK.search(r[0]):
            continue
        if r[0].endswith("地区") and title.startswith("生产总值", m.end()):
            continue
        if chain and m.start() != end:
            break
        chain.append(r[0])
        end = m.end()
    return chain


def _region(title: str, text: str) -> str | None:
    """The place the plan is for: from the title, else the most frequent place name near the top."""
    chain = _title_places(title)
    if chain:
        return chain[-1]  # 青岚市栖梧区…: the plan is the district's, not the city's
    from collections import Counter

    # In order of first appearance (a dict, not a set): a tie goes to the earlier place, the
    # same on every run whatever the hash seed.
    near_top = dict.fromkeys(
        c
        for c in _region_candidates(text[:20000])
        if len(c) <= 5 and "全" not in c and c[:2] not in _VERB_STEMS
    )
    # A place name recurs without its suffix (通辽 … 通辽市); score by how often the stem occurs.
    scored = Counter(
        {c: text.count(re.sub(r"(?:自治区|自治州|地区|省|市|盟|旗|县|区)$", "", c)) for c in near_top}
    )
    # A district plan speaks of 全区, a county's of 全县: prefer places of the level it speaks for.
    head = text[:20000]
    level = max("市区县旗盟州省", key=lambda ch: head.count("全" + ch))
    if level != "市" and head.count("全" + level) >= max(5, 3 * head.count("全市")):
        # (全区 may mean an autonomous region: only a clear majority counts)
        own = Counter({c: n for c, n in scored.items() if c.endswith(level)})
        scored = own or scored
    return scored.most_common(1)[0][0] if scored else None


def _speaking_year(text: str) -> str | None:
    """The year a report looks forward from: the latest year named at least twice."""
    from collections import Counter

    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", text))
    often = [y for y, n in years.items() if n >= 2] or list(years)
    return str(max(often)) if often else None


def _venue(head: str) -> re.Match[str] | None:
    """The venue line of a report to a people's congress, if the top of the text has one."""
    return _VENUE.search(head)


def _place(name: str | None, text: str) -> tuple[str | None, str | None, str | None]:
    """(region, code, parent): a place name made a real division where the gazetteer knows
    it (a fragment such as 在北京市 is cut to 北京市); a place it does not know keeps its name."""
    if not name:
        return None, None, None
    d = resolve(name, text)
    if d is None:
        return name, None, None
    return d.name, d.code, d.parent


def _known(name: str | None) -> bool:
    return bool(name) and resolve(name) is not None  # type: ignore[arg-type]


def read_document_info(text: str) -> DocumentInfo:
    head = text[:3000]
    venue = _venue(head)
    # A report delivered to a congress is no news page, whatever the page around it shows
    # (a photo credit, a 来源 line, a newspaper's masthead).
    news = _is_news(text) and venue is None
    title = _title(text, news)
    notice_issuer: str | None = None
    notice = _NOTICE.match(title or "")
    if notice:
        # The document is the plan the notice publishes: its title, type and period.
        title = (notice.group("plan") or notice.group("bare")).strip()
        notice_issuer = notice.group("issuer")
    t = title or ""
    doc_type = _doc_type(t, text, news)
    if venue is not None and doc_type in ("news", "other"):
        doc_type = "work_report"
    news = news or doc_type == "news"
    info = DocumentInfo(title=title, doc_type=doc_type, chars=len(text))
    info.issuer = notice_issuer
    if venue is not None:
        info.date = _norm_date(venue.group("y"), venue.group("m"), venue.group("d"))
    for m in _META.finditer(head):
        key, val = m.group(1), m.group(2).strip()
        if key == "发布机构" and not info.issuer:
            info.issuer = val
        elif key in ("成文日期", "发布日期", "发布时间") and not info.date:
            d = _ISO.search(val)
            if d:
                info.date = _norm_date(d.group(1), d.group(2), d.group(3))
    if not info.date:
        d = re.search(r"[(（]?((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日", head) or re.search(
            r"(?m)^\s*((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?![\d-])", head
        )
        if d:
            info.date = _norm_date(d.group(1), d.group(2), d.group(3))
    # The place: the congress the report was delivered to, else the title, else the speaker's
    # office, else the place the text names most.
    speaker = _SPEAKER.search(head) if venue is not None or doc_type == "work_report" else None
    chain = _title_places(t)
    region: str | None = None
    if venue is not None and _known(venue.group("place")):
        region = venue.group("place")
    elif chain:
        region = chain[-1]  # 青岚市栖梧区…: the plan is the district's, not the city's
    elif venue is not None:
        region = venue.group("place")
    elif speaker is not None and speaker.group("place") and _known(speaker.group("place")):
        region = speaker.group("place")
    else:
        region = _region(t, text)
    region, info.region_code, info.region_parent = _place(region, text)
    info.region = region
    if not info.issuer and not news:
        body, when = _byline(text)
        info.issuer = body
        info.date = info.date or when
    if not info.issuer:
        sig = _SIGNATURE.search(text[:4000]) or _SIGNATURE.search(text[-1500:])
        if sig and not news:
            info.issuer = sig.group(1)
    if not info.issuer and news:
        # A news page names its paper (masthead) or its source; nothing else is its issuer.
        paper = _MASTHEAD.match(text) or _SOURCE.search(text[-1500:])
        info.issuer = paper.group(1) if paper else None
    elif not info.issuer and t:
        if t.startswith("中共") and "委" in t:
            info.issuer = t[: t.index("委") + 1]
        elif region and doc_type in ("annual_plan", "work_report", "outline") and (
            region in t or t == "政府工作报告" or venue is not None
        ):
            # A plan or report is issued by the government of the place it is for.
            info.issuer = f"{region}人民政府"
    if not info.period and doc_type in ("work_report", "news") and venue is None:
        info.period = _speaking_year(text)
    fy = re.search(r"第(十[三四五六])个五年|[“\"]?(十[三四五六])五[”\"]?.{0,16}规划", t)
    if fy:
        a, b = _FIVE_YEAR[fy.group(1) or fy.group(2)]
        info.period = f"{a}-{b}"
    else:
        y = re.search(r"((?:19|20)\d{2})年", unicodedata.normalize("NFKC", t))
        if y:
            info.period = y.group(1)
        elif info.date and doc_type in ("annual_plan", "work_report"):
            info.period = info.date[:4]
    info.display_title = display_title(info)
    return info


_TYPE_TITLE = {
    "work_report": "政府工作报告",
    "annual_plan": "国民经济和社会发展计划",
    "outline": "规划纲要",
    "proposal": "规划建议",
}
# A title that only names the kind of document: 政府工作报告, 2026年政府工作报告, 计划（摘要）.
_GENERIC_TITLE = lazy_re(
    r"(?:(?:19|20)\d{2}年)?(?:政府工作报告|(?:国民经济和社会发展)?(?:年度)?计划(?:报告)?|规划纲要)"
    r"(?:[（(]摘要[）)])?"
)


def display_title(info: DocumentInfo) -> str | None:
    """The title to show.  The document's own, unless it names only the kind of document
    (a newspaper prints 政府工作报告 for every city): then region + year + kind, built from
    what was read off the text; when the region or the year is unknown, the title as written."""
    title = info.title
    t = unicodedata.normalize("NFKC", title or "").strip()
    if title and not _GENERIC_TITLE.fullmatch(t):
        return title
    kind = _TYPE_TITLE.get(info.doc_type)
    year = document_year(info)
    if not (kind and info.region and year):
        return title
    if info.doc_type in ("outline", "proposal") and info.period and "-" in info.period:
        return f"{info.region}{info.period.replace('-', '—')}年{kind}"
    return f"{info.region}{year}年{kind}"


def document_year(info: DocumentInfo) -> int | None:
    """The year the document speaks from: its plan year, else its date's year."""
    if info.period and re.fullmatch(r"\d{4}", info.period):
        return int(info.period)
    if info.period and "-" in info.period:
        return int(info.period[:4])
    if info.date:
        return int(info.date[:4])
    return None
