"""The heading hierarchy of a plan text, with exact offsets.

Chinese plans number their headings in a fixed order, outermost first::

    第X篇 > 第X章 > 第X节 > 一、 > （一） > 1. > （1）

and this module ranks heading kinds in that order (``KINDS``).  A heading becomes a
child of the nearest open heading of an outer rank, so levels are relative: a report
with only 一、/（一） has them at levels 1 and 2, a 纲要 has 篇=1, 章=2, 节=3 and an 一、
under a 节 at 4.  ``level`` is the depth in the tree, which equals that rank position
unless a document skips a rank somewhere (an 一、 straight under a 章 is at level 3).

Decisions, so that other modules can rely on them:

- A heading starts a line (leading spaces, full-width spaces and markdown ``#``/``**``
  are allowed).  A number in the middle of a line is never a heading, and neither is a
  line that lists several numbered items ("1.甲工程 2.乙工程").
- Run-in headings: "（一）决胜全面建成小康社会取得决定性成就。正文…" is a heading whose
  ``span`` ends after the first 。/！/？/：(within ``MAX_RUNIN`` characters) and whose
  ``title`` is that sentence without the number and the stop.  The paragraph goes on in
  the body.  A 1./（1）/（一） line with no stop near its start is a paragraph, not a heading.
- Broken numbering is kept as written: "第%1章", "第1节" are 章/节 with number "%1"/"1".
- A line starting with "专栏" is a ``box``.  Boxes are leaves: children of the innermost
  open section, their body runs to the next heading of any kind.  Inside a box, 1./（1）
  lines and bold run-ins are box content (project lists), not headings, unless they
  continue a list of the box's parent section.
- ``runin``: a paragraph that starts with a markdown-bold sentence ("**五年来,…。**",
  also after a leading "——") is a heading of the innermost rank.  Unbolded
  "——经济发展水平明显提高。" paragraphs are not headings.
- ``bare``: a short unnumbered line (sub-headings of news pages, like
  "2024年高质量发展成绩亮眼") is a heading *only* in documents with no numbered headings
  at all, and only when the next non-blank line is a real paragraph.  Lines with sentence
  punctuation, bylines (□…), photo captions ("…摄"), dates and page chrome
  (上一篇/下一版/往期阅读/标题导航 …) are never bare headings.  ``bare`` is not in the
  list of kinds in ``models.Section``'s comment; it is the one addition.
- ``span`` covers the heading text without surrounding whitespace and without trailing
  "|" table chrome; ``title`` also drops the number, markdown markers and the final stop.
  A heading line with a number and no text ("第一章" alone) takes the next short line as
  its title, and its span covers both lines.
- ``body`` starts at the heading and ends where the next heading of the same or an outer
  rank starts (for boxes: the next heading of any kind), or at the end of the text.
  Text before the first heading belongs to no section.

Limitations: the rank order is fixed (a document that nests 1. above （一） is read in
the standard order); unnumbered markdown ``#`` headings are only found in bare mode;
circled numbers (①) and lettered lists are not headings.

Speed: one pass over the lines with a cheap first-character filter and one compiled
regex per candidate line; the 204 KB 纲要 in the seed corpus parses in a few ms.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from .._lazyre import lazy_re
from ..models import Section, Span, built

__all__ = ["KINDS", "flatten", "iter_sections", "parse_outline", "section_path"]

#: Heading kinds from outermost to innermost rank ("box" has no rank: boxes are leaves).
KINDS: tuple[str, ...] = (
    "pian",
    "zhang",
    "jie",
    "cn_item",
    "cn_paren",
    "num_item",
    "num_paren",
    "bare",
    "runin",
)
_RANK = {kind: i for i, kind in enumerate(KINDS)}
_NUMBERED = frozenset(KINDS[:7])
# Kinds that always close an open 专栏 box (anything at 一、/（一） rank or above).
_ENDS_BOX = frozenset({"pian", "zhang", "jie", "cn_item", "cn_paren", "box"})

MAX_RUNIN = 60  # characters of a run-in heading sentence (number excluded)
MAX_LINE_TITLE = 100  # characters of a whole-line 一、/专栏 title with no stop
MAX_NEXT_LINE_TITLE = 40  # a title taken from the line after "第一章"
MAX_BARE = 30  # characters of an unnumbered sub-heading line

_WS = " \t\u3000\xa0\r\f\v\ufeff"
_HS = r"[ \t\u3000\xa0]"  # horizontal space inside a heading prefix
_CN = "一二三四五六七八九十"
_CN_BIG = _CN + "百零〇○两"
_STOPS = "。！？：:"
_TITLE_TRIM = _WS + "|丨*"
_FIRST = frozenset(_CN + "第专（(#*—-0123456789")

_HEAD = lazy_re(
    rf"""
    (?P<md>\#{{1,6}}{_HS}+)?
    (?P<bold>\*\*)?
    {_HS}*
    (?:
        第{_HS}*(?P<pzj_num>[{_CN_BIG}\d%]+){_HS}*(?P<pzj>[篇章节])
      | (?P<box>专栏){_HS}*
        (?P<box_num>\d+(?:[-－—.．]\d+)*|[{_CN}]+(?=[ \t\u3000\xa0:：、.．|]|$))?
      | [（(]{_HS}*(?P<cnp_num>[{_CN}]+){_HS}*[）)]
      | [（(]{_HS}*(?P<nump_num>\d{{1,3}}){_HS}*[）)]
      | (?P<cni_num>[{_CN}]+){_HS}*[、．.]
      | (?P<numi_num>\d{{1,3}}){_HS}*[、．.](?!\d)
    )
    [ \t\u3000\xa0:：、.．]*
    """,
    re.VERBOSE | re.MULTILINE,
)
_RUNIN = lazy_re(r"(?:——|—|--)?[ \t\u3000\xa0]*\*\*(?P<t>[^*\n]{1,120}?)\*\*")
# "一、二季度", "一、二、三产业": an enumeration of numerals, not a heading.
_CN_ENUM = lazy_re(rf"[{_CN}][、季产类级批期档线]")
# A second numbered item later on the same line: "1.甲工程 2.乙工程".
_MORE_ITEMS = lazy_re(r"[ \t\u3000\xa0](?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)])")
_BARE_BAD = lazy_re(r"[。！？!?；;，,:：|丨□■●◆★▲►→…]|摄$")
_CHROME = lazy_re(
    r"上一篇|下一篇|上一版|下一版|往期|标题导航|阅读原文|分享到|返回|打印|朗读|"
    r"责任编辑|编\s*辑|审\s*核|校\s*对|来源|^\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?$"
)
_CJK = lazy_re(r"[\u4e00-\u9fff]")
_SPACES = lazy_re(r"[ \t\u3000\xa0\r\f\v]+")


@dataclass
class _Head:
    kind: str
    number: str | None
    title: str
    start: int
    end: int


@dataclass
class _Node:
    head: _Head
    rank: int
    level: int
    parent: _Node | None
    body_end: int = -1
    children: list[_Node] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, int]]:
    """(first non-space offset, end without trailing space) of every non-blank line."""
    out: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        p, e = pos, nl
        while p < e and text[p] in _WS:
            p += 1
        while e > p and text[e - 1] in _WS:
            e -= 1
        if p < e:
            out.append((p, e))
        pos = nl + 1
    return out


def _clean_title(s: str) -> str:
    s = s.strip(_TITLE_TRIM).rstrip("。！？：:；;，," + _TITLE_TRIM).strip(_TITLE_TRIM)
    return _SPACES.sub(" ", s)


def _trim_end(text: str, p: int, e: int) -> int:
    """End of the heading text on a line, without trailing "|" chrome and spaces."""
    while e > p and text[e - 1] in _TITLE_TRIM and text[e - 1] != "*":
        e -= 1
    return e


def _kind_of(m: re.Match[str]) -> tuple[str, str | None]:
    if m.group("pzj"):
        return {"篇": "pian", "章": "zhang", "节": "jie"}[m.group("pzj")], m.group("pzj_num")
    if m.group("box"):
        return "box", m.group("box_num")
    for kind, grp in (
        ("cn_paren", "cnp_num"),
        ("num_paren", "nump_num"),
        ("cn_item", "cni_num"),
        ("num_item", "numi_num"),
    ):
        if m.group(grp) is not None:
            return kind, m.group(grp)
    raise AssertionError("unreachable")  # pragma: no cover


def _numbered(text: str, p: int, e: int) -> _Head | None:
    m = _HEAD.match(text, p, e)
    if m is None:
        return None
    kind, number = _kind_of(m)
    r0 = m.end()
    rest = text[r0:e]
    if kind == "cn_item" and _CN_ENUM.match(rest):
        return None
    if kind in ("num_item", "num_paren") and _MORE_ITEMS.search(text, r0, e):
        return None
    if m.group("bold"):
        j = rest.find("**")
        if 0 < j <= MAX_RUNIN + 2:
            return _Head(kind, number, _clean_title(rest[:j]), p, r0 + j + 2)
    whole = _clean_title(rest)
    if kind == "box":
        if len(whole) > MAX_LINE_TITLE or "。" in rest:
            return None
        return _Head(kind, number, whole, p, _trim_end(text, p, e))
    stops = "。！？" if kind in ("pian", "zhang", "jie") else _STOPS
    stop = min((i for i in (rest.find(c) for c in stops) if i >= 0), default=-1)
    if 0 < stop <= MAX_RUNIN:
        if rest[stop] in "：:" and not rest[stop + 1 :].strip(_TITLE_TRIM):
            # "一、主要任务：" is a whole-line title
            return _Head(kind, number, whole, p, _trim_end(text, p, e))
        end = r0 + stop + 1
        if text.startswith("**", end):
            end += 2
        return _Head(kind, number, _clean_title(rest[:stop]), p, end)
    if kind in ("pian", "zhang", "jie"):
        return _Head(kind, number, whole, p, _trim_end(text, p, e))
    limit = MAX_LINE_TITLE if kind == "cn_item" else MAX_RUNIN
    if stop < 0 and len(whole) <= limit:
        return _Head(kind, number, whole, p, _trim_end(text, p, e))
    return None


def _runin(text: str, p: int, e: int) -> _Head | None:
    m = _RUNIN.match(text, p, e)
    if m is None:
        return None
    title = _clean_title(m.group("t"))
    if not title:
        return None
    return _Head("runin", None, title, p, m.end())


def _paragraph_like(text: str, p: int, e: int) -> bool:
    s = text[p:e]
    return len(s) >= 30 and any(c in s for c in "。，,；")


def _bare(text: str, p: int, e: int) -> bool:
    if not 4 <= e - p <= MAX_BARE:
        return False  # before the slice: most lines are paragraphs
    s = text[p:e]
    return (
        4 <= len(s) <= MAX_BARE
        and len(_CJK.findall(s)) >= 2
        and _BARE_BAD.search(s) is None
        and _CHROME.search(s) is None
        and s[0] not in "（(【[<《“\"'-—*#"
    )


def _candidates(text: str) -> list[_Head]:
    lines = _lines(text)
    heads: list[_Head] = []
    bare: list[_Head] = []
    i, n = 0, len(lines)
    while i < n:
        p, e = lines[i]
        h: _Head | None = None
        if text[p] in _FIRST:
            h = _numbered(text, p, e) or _runin(text, p, e)
        if h is not None:
            if not h.title and h.kind != "runin" and i + 1 < n:
                # "第一章" alone on its line: the title is on the next line.
                p2, e2 = lines[i + 1]
                nxt = text[p2:e2].strip(_TITLE_TRIM)
                if (
                    nxt
                    and len(nxt) <= MAX_NEXT_LINE_TITLE
                    and not any(c in nxt for c in "。！？")
                    and (text[p2] not in _FIRST or _HEAD.match(text, p2, e2) is None)
                ):
                    h.title = _clean_title(nxt)
                    h.end = _trim_end(text, p2, e2)
                    i += 1
            heads.append(h)
        elif i + 1 < n and _bare(text, p, e) and _paragraph_like(text, *lines[i + 1]):
            bare.append(_Head("bare", None, _clean_title(text[p:e]), p, e))
        i += 1
    if len(bare) >= 2 and not any(h.kind in _NUMBERED for h in heads):
        heads = sorted(heads + bare, key=lambda h: h.start)
    return heads


def _build(heads: list[_Head], n: int) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    box: _Node | None = None
    for h in heads:
        if h.kind == "box":
            if box is not None:
                box.body_end = h.start
            parent = stack[-1] if stack else None
            box = _Node(h, -1, len(stack) + 1, parent)
            (parent.children if parent else roots).append(box)
            continue
        rank = _RANK[h.kind]
        if box is not None:
            if h.kind not in _ENDS_BOX:
                owner = box.parent
                continues = owner is not None and (
                    owner.rank >= rank or any(c.head.kind == h.kind for c in owner.children)
                )
                if not continues:
                    continue  # a numbered line inside a 专栏: box content
            box.body_end = h.start
            box = None
        while stack and stack[-1].rank >= rank:
            stack.pop().body_end = h.start
        parent = stack[-1] if stack else None
        node = _Node(h, rank, len(stack) + 1, parent)
        (parent.children if parent else roots).append(node)
        stack.append(node)
    for node in stack:
        node.body_end = n
    if box is not None:
        box.body_end = n
    return roots


def _to_section(node: _Node) -> Section:
    """The Section of a node, made with `built` (issue 22: ~13 µs validated, a few without):
    its level counts from 1, its heading's offsets are in order, and its body ends at a
    later heading's start or at the text's end (`_build` sets every node's `body_end`)."""
    h = node.head
    return built(
        Section,
        {
            "level": node.level,
            "kind": h.kind,
            "number": h.number,
            "title": h.title,
            "span": built(Span, {"start": h.start, "end": h.end}),
            "body": built(Span, {"start": h.start, "end": node.body_end}),
            "children": [_to_section(c) for c in node.children],
        },
    )


# Line ends other than \n and \r\n: a lone CR (old Mac files), NEL, U+2028/2029.  Each
# becomes one \n, so offsets do not move (`loading.clean_text` does the same, and more,
# for a whole Document; a caller may hand over raw text).
_OTHER_EOL = lazy_re(r"\r(?!\n)|[\x85\u2028\u2029]")


def parse_outline(text: str) -> list[Section]:
    """The heading tree of `text`: top-level sections, children nested."""
    # The pattern is tried at every position; each of its characters alone is found at memory speed.
    if ("\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text) and _OTHER_EOL.search(text):
        text = _OTHER_EOL.sub("\n", text)
    return [_to_section(node) for node in _build(_candidates(text), len(text))]


def iter_sections(sections: list[Section]) -> Iterator[Section]:
    """Pre-order walk over a section tree."""
    for s in sections:
        yield s
        yield from iter_sections(s.children)


def flatten(sections: list[Section]) -> list[Section]:
    """All sections in pre-order (document order)."""
    return list(iter_sections(sections))


def section_path(sections: list[Section], offset: int) -> list[Section]:
    """The sections whose body contains `offset`, outermost first (empty if none)."""
    path: list[Section] = []
    level = sections
    while level:
        i = bisect_right(level, offset, key=lambda s: s.body.start) - 1
        if i < 0 or not (level[i].body.start <= offset < level[i].body.end):
            break
        path.append(level[i])
        level = level[i].children
    return path
