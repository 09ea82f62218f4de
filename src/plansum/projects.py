"""Projects named in 专栏 boxes and in "推进A、B、C等项目" lists.

A project is a phrase that ends in a project word (项目, 工程, 基地, 园区, 高速 …) inside a
clause that lists things to build; the list is split at 、 unless a piece is too short to be
a name of its own ("源、网、储示范项目" stays whole).
"""

from __future__ import annotations

import bisect
import re

from .models import Project, Section, Span

_SUFFIX = (
    "项目", "工程", "基地", "园区", "产业园", "中心", "平台", "小镇", "公园", "景区", "机场",
    "水库", "管道", "铁路", "公路", "一级路", "二级路", "高速", "电站", "电场", "风电场", "变电站",
    "物流园", "屠宰场", "馆", "厂", "站", "园", "村", "楼", "桥", "港", "院", "堂", "高铁",
)
# A name does not open with a verb of policy ("完善…平台" is a task, not a project).
_NOT_START = re.compile(
    r"^(?:完善|提高|提升|加快|深入|坚持|积极|支持|打通|依靠|开展|主动|使用|统筹|充实|守住|高质量|抓实|"
    r"坚定|进一步|顺利|发展|强化|加强|推广|鼓励|引导|探索|培育|健全|优化|融入|服务|创新|落实|"
    r"我们|全面|持续|一批|[\d一二三四五六七八九十百千万]+个)"
)
_CUE = re.compile(r"项目|工程|建设|推进|实施|开工|续建|新建|建成|专栏")
# Words that open a list of things to build; stripped from the first name.
_OPENER = re.compile(
    r"^(?:(?:全力|加快|重点|积极|持续|有序|着力|大力|稳步|扎实)?(?:推进|推动|实施|建设|开工|续建|新建|"
    r"建成|启动|谋划|完成|打造|包括|依托|通过|围绕|确保|争取|引进|实现|力争|抓好|做好)"
    r"(?:建设|实施)?|[\d]{1,2}[.．、]|[（(][一二三四五六七八九十\d]+[）)])+"
)
_TAIL = re.compile(r"(?:等(?:一批|重点|重大)?(?:项目|工程)?(?:建设|前期工作)?|建设)$")
_CLAUSE = re.compile(r"[^，,。；;：:\n|！？!?]+")
_LISTY = re.compile(r"项目|工程")
# Cheap pre-filter: a piece can only yield a name if a project word stands near its end.
_NEAR_END = re.compile(
    r"(?:项目|工程|基地|园区?|中心|平台|小镇|公园|景区|机场|水库|管道|铁路|公路|路|高速|高铁|电站|"
    r"电场|站|场|馆|厂|村|楼|桥|港|院|堂)[^、]{0,12}$"
)


def _clean(name: str) -> str:
    name = name.strip(" \t\u3000“”\"'*")
    for _ in range(3):
        new = _TAIL.sub("", _OPENER.sub("", name)).strip(" \t\u3000“”\"'*")
        if new == name:
            break
        name = new
    return name


def _good(name: str) -> bool:
    return (
        4 <= len(name) <= 40
        and name.endswith(_SUFFIX)
        and not _NOT_START.match(name)
        and not re.search(r"[|。，,“”\"等]", name)
    )


def _pieces(clause: str) -> list[tuple[int, str]]:
    """(offset, piece) of a clause split at 、, re-joining pieces too short to be names."""
    out: list[tuple[int, str]] = []
    pos = 0
    for part in clause.split("、"):
        if out and len(out[-1][1]) < 3:
            off, prev = out.pop()
            out.append((off, prev + "、" + part))
        else:
            out.append((pos, part))
        pos += len(part) + 1
    return out


def find_projects(text: str, boxes: list[Section] | None = None) -> list[Project]:
    out: list[Project] = []
    seen: set[str] = set()
    box_spans = sorted((b.body.start, b.body.end, b.title) for b in boxes or [])
    box_starts = [a for a, _, _ in box_spans]

    def box_at(pos: int) -> str | None:
        """The box whose body holds `pos` (box bodies do not overlap)."""
        i = bisect.bisect_right(box_starts, pos) - 1
        return box_spans[i][2] if i >= 0 and pos < box_spans[i][1] else None

    def add(name: str, start: int) -> None:
        if name in seen or not _good(name):
            return
        seen.add(name)
        section = box_at(start)
        out.append(Project(name=name, span=Span(start=start, end=start + len(name)), section=section))

    for line_m in re.finditer(r"[^\n]+", text):
        line = line_m.group(0)
        if not _CUE.search(line) or line.count("|") >= 3:
            continue
        base = line_m.start()
        # Numbered items on one line ("1.甲工程 2.乙工程") are separate clauses.
        segments = [(m.start(), m.group(0)) for m in _CLAUSE.finditer(line)]
        in_box = box_at(base) is not None
        for seg_start, seg in segments:
            if not (in_box or "、" in seg or _LISTY.search(seg)):
                continue
            for num_m in re.finditer(r"(?:^|\s)(?:\d{1,2}[.．、])?([^\s]+)", seg):
                item = num_m.group(1)
                item_start = seg_start + num_m.start(1)
                for off, piece in _pieces(item):
                    if not _NEAR_END.search(piece):
                        continue
                    name = _clean(piece)
                    if not name:
                        continue
                    at = item_start + off + piece.find(name)
                    add(name, base + at)
    out.sort(key=lambda p: p.span.start)
    return out
