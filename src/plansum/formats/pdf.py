"""PDF → text with pdfplumber (MIT; the `pdf` extra): ruled tables as rows, lines with boxes.

Per page: the ruled tables are found (only on pages that have ruling lines: finding tables is
the slow part, and a page of prose has none), the text outside them is read as lines with
their boxes, and tables and lines are put in reading order by their top.  Whether a line runs
on into the next is read from the geometry: a line that reaches the right margin of the text
runs on; an indented line, or one after a larger gap, starts a paragraph.  Page numbers and
running headers/footers are dropped (`cleanup.drop_page_furniture`) before lines are joined.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .cleanup import Block, Converted, Line, Table, assemble, drop_page_furniture
from .extras import need

Progress = Callable[[int, int], None]  # (pages done, pages in all)

# A PDF whose pages carry on average fewer characters than this has no text layer.
MIN_CHARS_PER_PAGE = 20
_SENTENCE_END = set("。！？!?；;：:”」』")
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def convert_pdf(data: bytes, name: str, progress: Progress | None = None) -> Converted:
    pdfplumber = need("pdfplumber", "pdf", "PDF")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        raise InputError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    raw_pages: list[tuple[list[dict[str, Any]], list[Table]]] = []
    chars = 0
    with pdf:
        total = len(pdf.pages)
        if total == 0:
            raise InputError(f"{name}: the PDF has no pages")
        if pdf.doc.encryption is not None and not pdf.doc.is_extractable:
            raise InputError(f"{name}: the PDF forbids text extraction; save an unprotected copy")
        for i, page in enumerate(pdf.pages, start=1):
            lines, tables, n = _page_content(page, i)
            chars += n
            raw_pages.append((lines, tables))
            page.close()  # frees the page's cached objects: memory stays flat on long files
            if progress is not None:
                progress(i, total)
    if chars < MIN_CHARS_PER_PAGE * total:
        raise InputError(
            f"{name}: the PDF has no text layer ({chars} characters on {total} page(s)); it is a "
            "scan.  Run OCR first (e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`) and give the result"
        )
    geometry = _geometry([ln for lines, _ in raw_pages for ln in lines])
    pages: list[list[Block]] = []
    for i, (lines, tables) in enumerate(raw_pages, start=1):
        placed: list[tuple[float, Block]] = [(ln.box[1] if ln.box else 0.0, ln)
                                             for ln in _lines(lines, i, geometry)]
        placed += [(t.box[1] if t.box else 0.0, t) for t in tables]
        placed.sort(key=lambda x: x[0])
        pages.append([b for _, b in placed])
    pages = drop_page_furniture(pages)
    blocks = _join_split_tables(pages)
    out = assemble(blocks, "pdf", paged=True)
    if out.pages is not None:
        out.pages.page_count = total
    return out


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _page_content(page: Any, number: int) -> tuple[list[dict[str, Any]], list[Table], int]:
    """The page's text lines (outside tables, as pdfplumber gives them) and its ruled tables."""
    n_chars = len(page.chars)
    if n_chars == 0:
        return [], [], 0
    tables: list[Table] = []
    boxes: list[tuple[float, float, float, float]] = []
    if page.lines or page.rects:
        for t in page.find_tables(_TABLE_SETTINGS):
            tables.append(Table(rows=t.extract(), page=number, box=tuple(t.bbox)))
            boxes.append(tuple(t.bbox))
    text_page = (
        page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
        if boxes
        else page
    )
    raw = [r for r in text_page.extract_text_lines(strip=True, return_chars=True) if r["text"].strip()]
    for r in raw:  # keep what the geometry needs, not every char object
        sizes = [c["size"] for c in r["chars"][:20] if c.get("size")]
        r["size"] = statistics.median(sizes) if sizes else 10.0
        del r["chars"]
    return raw, tables, n_chars


@dataclass(frozen=True)
class _Geometry:
    left: float  # the text block's left margin (a paragraph's first line is indented from it)
    right: float  # its right margin (a wrapped line reaches it)
    size: float  # the body font size
    gap: float  # the usual gap between lines of a paragraph


def _common(values: list[float], pick: Callable[[list[float]], float]) -> float:
    """`pick` (min/max) among values that recur on at least three lines, else among all."""
    counts: dict[float, int] = {}
    for v in values:
        counts[round(v)] = counts.get(round(v), 0) + 1
    common = [v for v in counts if counts[v] >= 3]
    return float(pick(common or list(counts)))


def _geometry(raw: list[dict[str, Any]]) -> _Geometry:
    """Margins, font size and line gap of the whole document: one page of one-line
    paragraphs has no line at the margin, the document has."""
    if not raw:
        return _Geometry(0.0, 0.0, 10.0, 5.0)
    size = statistics.median(r["size"] for r in raw)
    gaps = [b["top"] - a["bottom"] for a, b in zip(raw, raw[1:], strict=False)
            if 0 < b["top"] - a["bottom"] < 3 * size]
    return _Geometry(
        left=_common([r["x0"] for r in raw], min),
        right=_common([r["x1"] for r in raw], max),
        size=size,
        gap=statistics.median(gaps) if gaps else size * 0.5,
    )


def _lines(raw: list[dict[str, Any]], number: int, g: _Geometry) -> list[Line]:
    """Lines with runs_on / new_paragraph from their position against the text block."""
    out: list[Line] = []
    prev: dict[str, Any] | None = None
    for r in raw:
        indented = r["x0"] > g.left + 1.2 * g.size
        after_gap = prev is not None and r["top"] - prev["bottom"] > g.gap + 0.8 * g.size
        reaches_right = r["x1"] >= g.right - 1.5 * g.size
        ends_sentence = r["text"].rstrip()[-1:] in _SENTENCE_END
        out.append(
            Line(
                text=r["text"],
                page=number,
                box=(round(r["x0"], 1), round(r["top"], 1), round(r["x1"], 1), round(r["bottom"], 1)),
                # a line runs on unless it is centred (a title) or ends a sentence short of
                # the margin; a token too long for the line leaves a wrapped line short too
                runs_on=not centred(r, g) and (reaches_right or not ends_sentence),
                new_paragraph=indented or after_gap,
            )
        )
        prev = r
    return out


def centred(r: dict[str, Any], g: _Geometry) -> bool:
    """A centred line (a title) reaches neither margin; it never runs on."""
    return r["x0"] > g.left + 3 * g.size and r["x1"] < g.right - 0.5 * g.size


def _join_split_tables(pages: list[list[Block]]) -> list[Block]:
    """A table that goes on over a page break arrives as two tables; the second (first thing
    on its page, same number of columns) is appended to the first, without the header the
    PDF repeated on the new page."""
    out: list[Block] = []
    for blocks in pages:
        for i, b in enumerate(blocks):
            prev = out[-1] if out else None
            if (
                i == 0
                and isinstance(b, Table)
                and isinstance(prev, Table)
                and b.rows
                and prev.rows
                and len(b.rows[0]) == len(prev.rows[0])
            ):
                if not prev.row_pages:
                    prev.row_pages = [prev.page] * len(prev.rows)
                rows = b.rows[1:] if b.rows[0] == prev.rows[0] else b.rows  # a repeated header
                prev.rows.extend(rows)
                prev.row_pages.extend([b.page] * len(rows))
                continue
            out.append(b)
    return out
