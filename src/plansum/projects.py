"""Projects named in 专栏 boxes and in "推进A、B、C等项目" lists."""

from __future__ import annotations

import re

from .models import Project, Section, Span

_SUFFIX = (
    "项目", "工程", "基地", "园区", "产业园", "中心", "平台", "小镇", "公园", "景区", "机场",
    "水库", "管道", "铁路", "公路", "高速", "电站", "电场", "风电场", "变电站", "场", "馆", "厂",
    "站", "园", "村", "区", "楼", "线",
)
# "推进A、B、C等(重点)项目(建设)" — the list runs back to the verb that opens it.
_LIST_END = re.compile(r"等(?:一批|重点|重大|建设)?(?:项目|工程)")
_LIST_START = re.compile(
    r"(?:加快推进|加快推动|重点推进|积极推进|推进建设|推进|推动|实施|通过|加快|建设|启动|开工|"
    r"续建|新建|谋划|包括|依托|围绕|完成|[：:，,；;。\n])"
)
_NUMBERED = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.．、]\s*([^\s\d][^。；;]*?)(?=\s+\d{1,2}[.．、]|\s*$|[。；;])")
_SPLIT = re.compile(r"[、，,]")
_TRIM = re.compile(r"^(?:和|及|以及|与|等|推进|加快|建设|实施)+|(?:等|等项目)$")


def _good_name(name: str) -> bool:
    return 4 <= len(name) <= 40 and name.endswith(_SUFFIX) and "|" not in name


def _add(out: list[Project], seen: set[str], name: str, start: int, section: str | None) -> None:
    if name in seen or not _good_name(name):
        return
    seen.add(name)
    out.append(Project(name=name, span=Span(start=start, end=start + len(name)), section=section))


def find_projects(text: str, boxes: list[Section] | None = None) -> list[Project]:
    out: list[Project] = []
    seen: set[str] = set()
    for m in _LIST_END.finditer(text):
        # Walk back to the opening verb, at most 400 characters.
        lo = max(0, m.start() - 400)
        window = text[lo : m.start()]
        starts = list(_LIST_START.finditer(window))
        if not starts:
            continue
        # The last opener that leaves at least one 、 after it, or the last one.
        opener = starts[-1]
        for s in reversed(starts):
            if "、" in window[s.end() :]:
                opener = s
                break
        base = lo + opener.end()
        seg = text[base : m.start()]
        pos = 0
        for part in _SPLIT.split(seg):
            p_start = base + seg.index(part, pos) if part else base + pos
            pos = p_start - base + len(part)
            name = part.strip()
            trimmed = _TRIM.sub("", name)
            offset = p_start + (len(part) - len(part.lstrip())) + name.find(trimmed)
            _add(out, seen, trimmed, offset, None)
    for box in boxes or []:
        body = text[box.body.start : box.body.end]
        for m in _NUMBERED.finditer(body):
            name = m.group(2).strip().rstrip("等")
            _add(out, seen, name, box.body.start + m.start(2), box.title)
    out.sort(key=lambda p: p.span.start)
    return out
