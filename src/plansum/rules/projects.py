"""Projects named in 专栏 boxes, in "推进A、B、C等项目" lists and in project tables.

A project is a phrase that ends in a project word (项目, 工程, 基地, 园区, 高速 …) inside a
clause that lists things to build or opens with a build verb; the list is split at 、 unless a
piece is too short to be a name of its own ("源、网、储示范项目" stays whole).  The items of a
list the text itself calls projects ("甲、乙等N个项目") need no project word; a lead-in is cut
at its last verb, a status phrase after the name (…工程主体完工) is dropped, and a phrase that
describes or aims (…为一体的…, 争创…) is not a name.  Nor is an achievement or a ranking (跻身…第三大…,
位居…), a deed (成功创建…, 获评…), an event (…音乐会, …之旅), a sum or a tally (…1327亿元…, 3家…, 30项…),
a fund (专项债, 预算内投资), a kind of project (…类项目, 百亿级项目) or a generic kind of place (零碳园区,
口袋公园); a lead verb (深化, 促进, 用好 …) is cut off the name it opens.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from .._lazyre import lazy_re
from ..models import Project, Section, Span

_SUFFIX = (
    "项目", "工程", "基地", "园区", "产业园", "中心", "平台", "小镇", "公园", "景区", "机场",
    "水库", "管道", "铁路", "公路", "一级路", "二级路", "高速", "电站", "电场", "风电场", "变电站",
    "物流园", "屠宰场", "馆", "厂", "站", "园", "村", "楼", "桥", "港", "院", "堂", "高铁",
    "涵养林", "防护林", "林场", "院区", "校区", "学校", "中学", "小学", "分校", "街区", "管道", "管网", "枢纽", "电厂", "露营地",
)
# A name does not open with a verb of policy ("完善…平台" is a task, not a project).
_NOT_START = lazy_re(
    r"^(?:完善|提高|提升|加快|深入|坚持|积极|支持|打通|依靠|开展|主动|使用|统筹|充实|守住|高质量|抓实|"
    r"坚定|进一步|顺利|发展|强化|加强|推广|鼓励|引导|探索|培育|健全|优化|融入|服务|创新|落实|针对|大抓|狠抓|累计|面向|"
    r"我们|全面|持续|一批|着力|做大|建立健全|推行|发挥|组织|"
    # a count opens a tally, not a name (3家…中心, 2—3家…, 6万户…, 千项…): not 十大…, 5G…, and a
    # numeral before 家 only in digits (三家子, 六家子 are places)
    r"[\d一二三四五六七八九十百千万]+(?:[—\-~～至][\d一二三四五六七八九十]+)?万?(?:个|项|户|座|所|条|处)|"
    r"\d+(?:[—\-~～至]\d+)?家)"
)
_CUE = lazy_re(r"项目|工程|建设|推进|实施|开工|续建|新建|建成|专栏")
# Words that open a list of things to build; stripped from the first name.
_OPENER = lazy_re(
    r"^(?:(?:全力|加快|重点|积极|持续|有序|着力|大力|稳步|扎实|超额)?(?:推进|推动|实施|建设|开工|续建|新建|"
    r"建成|启动|谋划|完成|打造|包括|依托|通过|围绕|确保|争取|引进|实现|力争|抓好|做好|深化|深度参与|参与|"
    r"保障(?!性)|促进|联动|增强|(?:一体)?布局|用好|争建|运行|守护|开展|开放(?!型|式|大学|共享)|更新)"
    r"(?:建设|实施)?|[\d]{1,2}[.．、]|[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]+[）)])+"
)
_TAIL = lazy_re(r"(?:等(?:一批|重点|重大)?(?:项目|工程)?(?:建设|前期工作)?|建设)$")
_CLAUSE_SPLIT = lazy_re(r"[，,。；;：:\n|！？!?]")  # what ends a clause (one character each)
_BUILD_START = lazy_re(
    r"^\s*(?:[\d]{1,2}[.．、])?(?:加快|全力|积极|大力|有序|稳步|重点|着力|持续)?"
    r"(?:新建|续建|开工建设|建成|启动建设|开工|建设|推进|推动|启动|实施)"
)
_BUILD_FIRST = frozenset("0123456789 \t\u3000加全积大有稳重着持新续开建启推实")
# What a clause says happens to a project after naming it ("…支线工程主体完工").
_STATUS_TAIL = lazy_re(
    r"(?:主体完工|全线通水|建成蓄水|建成投用|建成投产|建成运行|建成|投产|投用|通水|蓄水|通航|通车|开工|竣工|"
    r"落地|提质增效|达产达效|稳产达效|前期工作|前期|顺利实施|创建[^、]{0,8}|建成开园|开园|建设)$"
)
# Cheap pre-filter: a piece can only yield a name if a project word stands near its end.
_NEAR_END = lazy_re(
    r"(?:项目|工程|基地|园区?|中心|平台|小镇|公园|景区|机场|水库|管道|铁路|公路|路|高速|高铁|电站|"
    r"电场|站|场|馆|厂|村|楼|桥|港|院|堂|涵养林|防护林|院区|校区|学校|中学|小学|分校|街区|管网|枢纽|露营地)[^、]{0,12}$"
)
# A project word anywhere: an item without one has no piece that _NEAR_END can match.
_ANY_PROJECT_WORD = lazy_re(_NEAR_END.pattern[: _NEAR_END.pattern.rindex("[^、]")])
# Words a clause opens with before it names anything: stripped from the front of a piece.
_FUNCTION_LEAD = lazy_re(
    r"^(?:了|使|以|对|将|把|让|在|于|并|和|及|与|同时|继续|今年|明年|全年|基本|主要建设内容为|"
    r"[一-龥]{2,4}(?:市|县|区|旗)将|全力|集中力量|重点)+"
)
# Verbs after which the name begins, when a piece runs on from a lead-in
# ("今年某县将集中力量推进甲港二期工程" → 甲港二期工程).  新建 and 建设 are left out: they stand
# inside names (某医院新建传染病区…, 某小镇建设).
_MID_VERB = lazy_re(
    r"(?:推进|推动|加快|实施|启动|开工|建成|续建|谋划|争取|确保|力争|抓好|做好|加强|发挥|推行|落实|"
    r"打造|引进|组织实施|集中力量|重点建设|加快建设|启动建设|规划建设)"
)
# A piece that describes or aims, not a named project.
_NOT_A_NAME = lazy_re(
    r"成为|于一体|为一体|为主|为基础|为中心|为引领|为重点|之一|更多|具有|相互|带动作用|的|形成|进入|"
    r"争创|晋级|设立|补齐|构建|聚焦|一以贯之|一批|高地|世界一流|世界级|辐射中心|宜居宜业|走进|补贴|补助|[|。，,“”\"等或]|"
    # an achievement or a ranking (跻身…第三大…, 位居全国前列), a deed (成功创建…, 获评…)
    r"跻身|位居|位列|居全国|居全省|第[一二三四五六七八九十\d]+[大位名]|前列|首位|最大|首家|首个|首批|"
    r"成功|获评|荣获|获批|入选|"
    # money and a count of things: a sum or a tally, not a name (发行…资金1327亿元…)
    r"\d+(?:\.\d+)?(?:亿|万)?元|\d+个|资金|国债|专项债|债券|预算内投资|金融工具"
)
# What an event is called: a concert, a festival, a race or a tour is held, not built.
_EVENT_END = (
    "音乐会", "演唱会", "晚会", "音乐节", "艺术节", "文化节", "旅游节", "电影节", "嘉年华", "马拉松",
    "联赛", "锦标赛", "大赛", "展演", "巡演", "之旅",
)
# A kind of project, not one: 民生保障类项目, 百亿级项目, 标志性产业项目, 基地型项目.
_KIND_OF_PROJECT = lazy_re(r"(?:类|[\d百千万亿]级|[^\d]型|性)(?:产业)?(?:项目|工程)$")
# A piece cut inside brackets: it closes a bracket it never opened ("区）整县…").
_UNBALANCED = lazy_re(r"^[^（(]*[）)]")
_NOT_A_NAME_START = (
    "即", "结合", "高水平", "重点", "重大", "一批", "若干", "各类", "骨干", "全球", "世界",
)
_NOT_A_NAME_END = tuple(
    f"{a}{b}{c}" for a in ("重点", "重大", "骨干") for b in ("", "建设") for c in ("项目", "工程")
) + _EVENT_END
# Generic kinds of thing (产业园区, 旅游景区, 美丽乡村): a short name that opens with one of these
# words names no particular project.
_GENERIC_HEAD = lazy_re(
    r"^(?:绿色|低碳|美丽|法治|平安|智慧|现代|特色|农村|乡村|产业|旅游|市政|高效|生态|新型|重要|"
    r"\d+A级|科普|文化|民生|惠民|充电桩|天然气|信息|城市|城中村|保障性|老旧|储能|智能|区域|公共|共性|"
    r"中试|概念验证|学科|零碳|历史|通用|公立|幸福|新能源|新材料|生物|高速|城际|农业|海洋|土木|虚拟|"
    r"数字|算力|抽水蓄能|自然|郊野|体育|口袋|县域|国家级|省级|地下)"
)
# Everything a piece may open with before its name: particles, lead-ins, list openers.
_LEAD = lazy_re(f"^(?:{_FUNCTION_LEAD.pattern[1:-1]}|{_OPENER.pattern[1:-1]})+")
# "推进甲、乙、丙等项目": the names of a list that the text itself calls projects.
_LISTED = lazy_re(
    r"等(?:\d+个|[一二三四五六七八九十两几百]+个|一批)?[^，,。；;：:、等\n]{0,10}?(?:项目|工程)"
)
_LINE = lazy_re(r"[^\n]+")
_ITEM = lazy_re(r"(?:^|\s)(?:\d{1,2}[.．、])?([^\s]+)")
_CLAUSE_END = lazy_re(r"[，,。；;：:|！？!?]")


_STRIP = " \t\u3000“”\"'*"


def _clean(name: str) -> str:
    name = name.strip(_STRIP)
    # A lead-in that runs on into the name ends at its last verb ("…将集中力量推进甲港二期工程").
    verbs = _MID_VERB.findall(name)
    if verbs:
        end = name.rfind(verbs[-1]) + len(verbs[-1])
        if len(name) - end >= 4:
            name = name[end:].strip(_STRIP)
    if not name.endswith(_SUFFIX) or name.endswith("开园"):  # 开园 ends in 园 as a park does
        tail = _STATUS_TAIL.search(name, max(0, len(name) - 16))
        if tail and name[: tail.start()].endswith(_SUFFIX):
            name = name[: tail.start()]
    for _ in range(3):
        lead = _LEAD.match(name)  # the pattern is anchored: its one match, if any, is at 0
        new = name[lead.end() :] if lead else name
        if "等" in new or new.endswith("建设"):  # all _TAIL can remove
            new = _TAIL.sub("", new)
        new = new.strip(_STRIP)
        if new == name:
            break
        name = new
    return name


def _split_and(name: str) -> list[str]:
    """"甲产业园和乙基地": two projects when both sides end with a project word."""
    if "和" not in name and "及" not in name:
        return [name]
    for sep in ("和", "及"):
        left, found, right = name.partition(sep)
        if found and len(left) >= 4 and len(right) >= 4 and left.endswith(_SUFFIX):
            if _clean(right).endswith(_SUFFIX):
                return [left, right]
    return [name]


def _good(name: str, listed: bool = False, in_box: bool = False) -> bool:
    """Whether a cleaned piece names a project; `listed`: the text calls it a project."""
    return (
        (3 if listed else 4) <= len(name) <= 40
        and (listed or name.endswith(_SUFFIX))
        and not name.startswith(_NOT_A_NAME_START)
        and not name.endswith(_NOT_A_NAME_END)
        and not _KIND_OF_PROJECT.search(name)
        and not _UNBALANCED.match(name)
        and not _NOT_START.match(name)
        and not _NOT_A_NAME.search(name)
        and not (len(name) <= 6 and not in_box and _GENERIC_HEAD.match(name))
    )


def _pieces(clause: str) -> list[tuple[int, str]]:
    """(offset, piece) of a clause split at 、, re-joining pieces too short to be names."""
    if "、" not in clause:
        return [(0, clause)]
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


_CHROME = lazy_re(r"(?:来源|稿源|编辑|责任编辑|责编|作者|记者|分享|打印)[:：]?")
_CJK = lazy_re(r"[\u4e00-\u9fff]")
_NAME_HEADER = lazy_re(r"^(?:重大|重点)?(?:建设)?(?:项目|工程)(?:名称)?$")


def _row_cells(line: str, sep: str) -> list[tuple[str, int]]:
    """Stripped cells of a table row with their offsets in the line; a Markdown row's outer
    pipes do not make cells."""
    out = []
    pos = 0
    parts = line.split(sep)
    if sep == "|" and line.strip().startswith("|"):
        pos = len(parts[0]) + 1
        parts = parts[1:]
    for part in parts:
        raw = part.strip()
        stars = len(raw) - len(raw.lstrip("*"))
        out.append((raw.strip("*"), pos + len(part) - len(part.lstrip()) + stars))
        pos += len(part) + 1
    return out


# The separators of _CLAUSE_SPLIT as a character class, and every whole clause from a clause
# start up to the start of the clause that holds a given position (possessive: no backtracking).
_SEP = _CLAUSE_SPLIT.pattern[1:-1]
_WHOLE_CLAUSES = lazy_re(f"(?:[^{_SEP}]*+[{_SEP}])*+")


def _word_clauses(line: str) -> Iterator[tuple[int, str]]:
    """(start, clause) of the clauses of `line` (split at _CLAUSE_SPLIT) that hold a project
    word, in order: a clause without one yields no project, and skipping it in C (one search
    for the next word, one match back to its clause start) costs nothing per skipped clause."""
    pos = 0
    while True:
        word = _ANY_PROJECT_WORD.search(line, pos)
        if word is None:
            return
        start = _WHOLE_CLAUSES.match(line, pos, word.start()).end()  # type: ignore[union-attr]
        end_m = _CLAUSE_SPLIT.search(line, word.end())
        end = end_m.start() if end_m else len(line)
        yield start, line[start:end]
        pos = end + 1


def find_projects(text: str, boxes: list[Section] | None = None) -> list[Project]:
    out: list[Project] = []
    seen: set[str] = set()
    box_spans = sorted((b.body.start, b.body.end, b.title) for b in boxes or [])
    box_starts = [a for a, _, _ in box_spans]

    def box_at(pos: int) -> str | None:
        """The box whose body holds `pos` (box bodies do not overlap)."""
        i = bisect.bisect_right(box_starts, pos) - 1
        return box_spans[i][2] if i >= 0 and pos < box_spans[i][1] else None

    titles = {b.title.strip(" |*") for b in boxes or []}

    def add(name: str, start: int, listed: bool = False) -> None:
        if name in seen or name in titles:
            return
        section = box_at(start)
        if not _good(name, listed, section is not None):
            return
        seen.add(name)
        out.append(Project(name=name, span=Span(start=start, end=start + len(name)), section=section))

    name_col: int | None = None  # the 项目名称 column of the project table being read
    name_sep: str | None = None
    for line_m in _LINE.finditer(text):
        line = line_m.group(0)
        base = line_m.start()
        sep = "|" if line.count("|") >= 2 else "\t" if line.count("\t") >= 2 else None
        if sep is not None:
            # A project table (| 序号 | 项目名称 | 建设内容 |): its name column lists projects.
            cells = _row_cells(line, sep)
            header = next((k for k, (c, _) in enumerate(cells) if _NAME_HEADER.match(c)), None)
            if header is not None:
                name_col, name_sep = header, sep
            elif sep != name_sep or any(_CHROME.match(c) for c, _ in cells):
                name_col = None  # a footer or another table: the project table ended
            elif name_col is not None and name_col < len(cells):
                cell, at = cells[name_col]
                name = _clean(cell)
                if 3 <= len(name) <= 40 and _CJK.search(name) and _good(name, True, True):
                    if name not in seen:
                        seen.add(name)
                        start = base + at + cell.find(name)
                        out.append(Project(name=name, span=Span(start=start, end=start + len(name)), section=box_at(start)))
            continue
        if line.strip():
            name_col = None
        if not (_CUE.search(line) or box_at(base) is not None):
            continue
        if "等" in line:
            for lm in _LISTED.finditer(line):
                # The list runs back from 等 to the start of its clause.
                ends = [c.end() for c in _CLAUSE_END.finditer(line, max(0, lm.start() - 400), lm.start())]
                list_start = ends[-1] if ends else max(0, lm.start() - 400)
                if lm.start() - list_start < 2:
                    continue
                items = line[list_start : lm.start()].split("、")
                if len(items) < 2 and not _NEAR_END.search(items[0]):
                    continue  # one item that ends in no project word: too loose to trust
                pos = list_start
                for item in items:
                    name = _clean(item)
                    if name:
                        add(name, base + pos + item.find(name), listed=True)
                    pos += len(item) + 1
        # Numbered items on one line ("1.甲工程 2.乙工程") are separate clauses.
        in_box = box_at(base) is not None
        for seg_start, seg in _word_clauses(line):
            if not (
                in_box
                or "、" in seg
                or "项目" in seg
                or "工程" in seg
                or (seg[:1] in _BUILD_FIRST and _BUILD_START.match(seg))
            ):
                continue
            for num_m in _ITEM.finditer(seg):
                item = num_m.group(1)
                item_start = seg_start + num_m.start(1)
                if not _ANY_PROJECT_WORD.search(item):
                    continue  # no piece of it can end near a project word
                for off, piece in _pieces(item):
                    if not _NEAR_END.search(piece, max(0, len(piece) - 16)):  # words ≤ 4 + 12 after
                        continue
                    parts = _split_and(_clean(piece))
                    for part in parts:
                        name = part if len(parts) == 1 else _clean(part)
                        if not name:
                            continue
                        at = item_start + off + piece.find(name)
                        add(name, base + at)
    out.sort(key=lambda p: p.span.start)
    return out
