"""Chinese clean-up after extraction, and the one way every converter writes its text.

A converter hands over blocks in reading order: `Line`s (a printed line of a PDF, a paragraph of
a Word file or a web page) and `Table`s (rows of cell strings).  `assemble` turns them into the
text the rest of plansum reads, with a `PageMap` back to the original:

- spaces between two Hanzi / CJK punctuation marks go (`号 ， 邮 编` → `号，邮编`); a space next
  to a digit or a Latin letter stays (`PM2.5 浓度`, `2025 年` keep theirs);
- hard-wrapped lines are joined when the converter says the line runs on (a PDF line that
  reaches the right margin), unless the next one starts a heading;
- page numbers and running headers/footers are dropped per page *before* lines are joined
  (`drop_page_furniture`), so `严格执行“分` / `- 2 -` / `级审核` becomes one sentence;
- a table is written as a Markdown pipe table (header, `| --- |` rule, one line per row), the
  layout `tables.py` reads, every column kept (the 属性 column too); a cell's own line breaks
  are joined by the same rule as wrapped lines (no space between Hanzi).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .._lazyre import lazy_re
from .pagemap import Box, PageMap

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef“”‘’—…·"
_SPACE_IN_CJK = lazy_re(rf"(?<=[{_CJK}])[ \t\u00a0\u3000\u2002\u2003\u2009]+(?=[{_CJK}])")
_SPACES = lazy_re(r"[ \t\u00a0\u2002\u2003\u2009]+")
_LATIN = lazy_re(r"[A-Za-z]")

# A line that starts a heading is never joined onto the line before it.
HEADING_START = lazy_re(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[篇章节部分条]|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|专栏|附[件表录]|——|[■●◆▲]"
    r"|[一二三四五六七八九十]是)"
)

# Page numbers as plans print them: `- 2 -`, `— 12 —`, `第3页`, `第3页 共40页`, `3/40`, `3`.
PAGE_NUMBER = lazy_re(
    r"^\s*(?:[-—–－_]\s*\d{1,4}\s*[-—–－_]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.IGNORECASE,
)


# The space after a chapter number is the one between Hanzi that means something:
# `第三章 做强做优先进制造业` keeps it (the outline reads number and title apart).
_HEADING_NUMBER = lazy_re(r"^(\s*第[一二三四五六七八九十百零〇\d]+[篇章节部分])[ \t\u00a0\u3000]+(?=\S)")


def squeeze(text: str) -> str:
    """Spaces between CJK characters removed, other runs of spaces made one, ends stripped."""
    m = _HEADING_NUMBER.match(text)
    if m:
        return f"{m.group(1).strip()} {squeeze(text[m.end():])}"
    return _SPACES.sub(" ", _SPACE_IN_CJK.sub("", text)).strip()


def join_wrapped(left: str, right: str) -> str:
    """Two pieces of one sentence split by a line break: a space only between two Latin
    letters (a number wrapped mid-way, `3260` / `0`, is one number again)."""
    if not left or not right:
        return left + right
    if _LATIN.match(left[-1]) and _LATIN.match(right[0]):
        return f"{left} {right}"
    return left + right


@dataclass
class Line:
    """One line of text as extracted (a printed line, or a whole paragraph)."""

    text: str
    page: int | None = None
    box: Box | None = None
    runs_on: bool = False  # the line was wrapped: the next line continues it
    new_paragraph: bool = True  # the line starts a paragraph (indented, or after a gap)


@dataclass
class Table:
    """A table as rows of cells; None or '' for an empty or merged-over cell."""

    rows: list[list[str | None]]
    page: int | None = None
    box: Box | None = None
    row_pages: list[int | None] = field(default_factory=list)  # page of each row, if it differs


Block = Line | Table


def _norm_furniture(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def drop_page_furniture(pages: Sequence[list[Block]], edge: int = 2) -> list[list[Block]]:
    """Page numbers, and headers/footers repeated on many pages, removed from each page.

    Only the first and last `edge` lines of a page are candidates: a running header is at the
    top, a page number or footer at the bottom.  A text counts as repeated (digits ignored,
    so `青岚市人民政府公报 第3期` repeats) when it stands at a page edge on at least three pages
    (on every page of a two-page file) and on at least 40% of them.  A one-page file keeps
    its header: nothing shows it is one."""
    counts: Counter[str] = Counter()
    for blocks in pages:
        seen = set()
        for b in _edges(blocks, edge):
            seen.add(_norm_furniture(b.text))
        counts.update(seen)
    least = min(3, len(pages)) if len(pages) >= 2 else 2
    repeated = {t for t, n in counts.items() if t and n >= least and n >= 0.4 * len(pages)}
    out = []
    for blocks in pages:
        edges = {id(b) for b in _edges(blocks, edge)}
        out.append(
            [
                b
                for b in blocks
                if not (
                    isinstance(b, Line)
                    and id(b) in edges
                    and (PAGE_NUMBER.match(b.text) or _norm_furniture(b.text) in repeated)
                )
            ]
        )
    return out


def _edges(blocks: list[Block], edge: int) -> list[Line]:
    lines = [b for b in blocks if isinstance(b, Line) and b.text.strip()]
    if len(lines) <= 2 * edge:
        return lines
    return lines[:edge] + lines[-edge:]


def _cell(text: str | None) -> str:
    if not text:
        return ""
    parts = [squeeze(p) for p in re.split(r"[\r\n]+", text)]
    out = ""
    for p in parts:
        out = join_wrapped(out, p)
    return out.replace("|", "｜")


def table_rows(table: Table) -> list[tuple[list[str], int | None]] | None:
    """The table's rows as clean cells with each row's page, or None for a 'table' that is
    not one: fewer than two rows or columns, or most cells empty (a ruled box around prose,
    a layout frame)."""
    pages = table.row_pages if len(table.row_pages) == len(table.rows) else [table.page] * len(table.rows)
    pairs = [([_cell(c) for c in r], p) for r, p in zip(table.rows, pages, strict=True)]
    pairs = [(r, p) for r, p in pairs if any(r)]
    if len(pairs) < 2:
        return None
    width = max(len(r) for r, _ in pairs)
    # drop columns empty in every row (a ruled gap reads as a column)
    keep = [j for j in range(width) if any(j < len(r) and r[j] for r, _ in pairs)]
    pairs = [([r[j] if j < len(r) else "" for j in keep], p) for r, p in pairs]
    cells = sum(len(r) for r, _ in pairs)
    filled = sum(1 for r, _ in pairs for c in r if c)
    if len(keep) < 2 or filled < 0.5 * cells:
        return None
    return pairs


def _table_lines(rows: list[list[str]]) -> list[str]:
    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    return [line(rows[0]), line("---" for _ in rows[0]), *(line(r) for r in rows[1:])]


@dataclass
class Converted:
    """The text of a converted file and where each offset came from."""

    text: str
    format: str  # pdf | docx | html | text
    pages: PageMap | None = None
    encoding: str | None = None
    title: str | None = None


def assemble(blocks: Iterable[Block], fmt: str, paged: bool) -> Converted:
    """Blocks in reading order → one text (lines joined, tables as Markdown) and its page map."""
    out: list[str] = []  # finished lines
    pos = 0  # length of the text so far (finished lines and their \n)
    pmap = PageMap() if paged else None
    cur = ""  # the paragraph being built
    cur_start = 0
    open_line = False  # whether `cur` may be continued by the next line

    def flush() -> None:
        nonlocal cur, pos, open_line
        if cur:
            out.append(cur)
            pos += len(cur) + 1
        cur = ""
        open_line = False

    for b in blocks:
        if isinstance(b, Table):
            rows = table_rows(b)
            if rows is None:
                # not a table: its cells read as lines of text
                for r in b.rows:
                    text = squeeze(" ".join(_cell(c) for c in r if c))
                    if text:
                        flush()
                        if pmap is not None and b.page is not None:
                            pmap.add(pos, b.page, b.box)
                        cur = text
                        flush()
                continue
            flush()
            lines = _table_lines([r for r, _ in rows])
            line_pages = [rows[0][1], rows[0][1], *(p for _, p in rows[1:])]
            for text, page in zip(lines, line_pages, strict=True):
                if pmap is not None and page is not None:
                    pmap.add(pos, page, b.box)
                cur = text
                flush()
            continue
        text = squeeze(b.text)
        if not text:
            continue
        joins = open_line and not b.new_paragraph and not HEADING_START.match(text)
        if joins:
            if pmap is not None and b.page is not None:
                pmap.add(pos + len(cur), b.page, b.box)
            cur = join_wrapped(cur, text)
        else:
            flush()
            if pmap is not None and b.page is not None:
                pmap.add(pos, b.page, b.box)
            cur, cur_start = text, pos
        open_line = b.runs_on
    flush()
    del cur_start
    text = "\n".join(out) + ("\n" if out else "")
    return Converted(text=text, format=fmt, pages=pmap)
