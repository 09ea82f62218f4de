"""PDF → text: lines from PDFium (pypdfium2), ruled tables from pdfplumber (the `pdf` extra).

PDFium reads a page's text runs with their boxes in C, some twenty times faster than
pdfminer (which pdfplumber runs on); pdfplumber, the only one of the two that finds ruled
tables (its `find_tables` returns rows of cells, a merged cell as None), is opened only for
pages that draw lines.  Text inside a table's box is left to the table.  Runs on one
baseline make a line; whether a line runs on into the next is read from the geometry of the
whole document: a line that reaches the right margin, or stops short without ending a
sentence, runs on; an indented line, or one after a larger gap, starts a paragraph.  Page
numbers and running headers/footers are dropped (`cleanup.drop_page_furniture`) before
lines are joined, and a table cut by a page break is joined again.
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
_SENTENCE_END = set("。！？!?；;：:")
_CLOSING = set("”」』）)")  # ends a sentence only after one of the marks above: `。”`
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


PageContent = tuple[list[dict[str, Any]], list[Table], int]
# A page with at least this many drawn paths may hold a ruled table: pdfplumber looks there.
TABLE_PATHS = 4


def convert_pdf(data: bytes, name: str, progress: Progress | None = None) -> Converted:
    """Text lines from PDFium (fast, C), ruled tables from pdfplumber on the pages that draw
    lines; page numbers, running headers and hard wraps undone; a scan refused."""
    pdfplumber = need("pdfplumber", "pdf", "PDF")
    pdfium = need("pypdfium2", "pdf", "PDF")
    try:
        doc = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError for a damaged or encrypted file
        raise InputError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    plumber: Any = None
    contents: list[PageContent] = []
    try:
        total = len(doc)
        if total == 0:
            raise InputError(f"{name}: the PDF has no pages")
        for i in range(total):
            page = doc[i]
            try:
                paths = _path_count(page)
                tables: list[Table] = []
                if paths >= TABLE_PATHS:
                    if plumber is None:
                        plumber = pdfplumber.open(io.BytesIO(data))
                    pp = plumber.pages[i]
                    tables = _tables(pp, i + 1)
                    pp.close()
                contents.append(_page_content(page, i + 1, tables))
            finally:
                page.close()
            if progress is not None:
                progress(i + 1, total)
    finally:
        if plumber is not None:
            plumber.close()
        doc.close()
    chars = sum(n for _, _, n in contents)
    raw_pages = [(lines, tables) for lines, tables, _ in contents]
    if chars < MIN_CHARS_PER_PAGE * total:
        raise InputError(
            f"{name}: the PDF has no text layer ({chars} characters on {total} page(s)); it is a "
            "scan.  Run OCR first (e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`) and give the result"
        )
    geometry = _geometry([ln for lines, _ in raw_pages for ln in lines])
    pages: list[list[Block]] = []
    for i, (lines, tables) in enumerate(raw_pages, start=1):
        lines = _small_type_edges(lines, geometry)
        placed: list[tuple[float, Block]] = [(ln.box[1] if ln.box else 0.0, ln)
                                             for ln in _lines(lines, i, geometry)]
        placed += [(t.box[1] if t.box else 0.0, t) for t in tables]
        placed.sort(key=lambda x: x[0])
        pages.append([b for _, b in placed])
    pages = drop_page_furniture(pages)
    _gaps(pages, geometry)
    blocks = _join_split_tables(pages)
    out = assemble(blocks, "pdf", paged=True)
    if out.pages is not None:
        out.pages.page_count = total
    return out


def _path_count(page: Any) -> int:
    """Drawn paths on the page, counted up to TABLE_PATHS (PDFium, no parsing in Python)."""
    import pypdfium2.raw as raw

    n = 0
    for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2):
        n += 1
        if n >= TABLE_PATHS:
            break
    return n


def _tables(page: Any, number: int) -> list[Table]:
    """pdfplumber's ruled tables of a page (a frame around prose is rejected later)."""
    return [Table(rows=t.extract(), page=number, box=tuple(t.bbox))
            for t in page.find_tables(_TABLE_SETTINGS)]


def _inside(box: tuple[float, float, float, float], boxes: list[Table]) -> bool:
    cx = (box[0] + box[2]) / 2
    cy = (box[1] + box[3]) / 2
    return any(
        t.box is not None and t.box[0] <= cx <= t.box[2] and t.box[1] <= cy <= t.box[3]
        for t in boxes
    )


def _page_content(page: Any, number: int, tables: list[Table]) -> PageContent:
    """The page's text lines outside its tables, each with its box (top-left origin, as
    pdfplumber's) and the width of its characters, and the tables."""
    height = page.get_height()
    tp = page.get_textpage()
    try:
        n_chars = tp.count_chars()
        segs = []
        for j in range(tp.count_rects()):
            left, bottom, right, top = tp.get_rect(j)
            text = tp.get_text_bounded(left, bottom, right, top)
            if not text.strip():
                continue
            box = (left, height - top, right, height - bottom)
            if tables and _inside(box, tables):
                continue
            segs.append({"x0": left, "x1": right, "top": box[1], "bottom": box[3],
                         "text": text.replace("\r", "").replace("\n", " ")})
    finally:
        tp.close()
    return _group_lines(segs), tables, n_chars


def _ems(text: str) -> float:
    """The width of a text in ems: a Hanzi or full-width mark one, an ASCII character half,
    so that width / ems is the font size whatever mix of digits a line holds."""
    t = text.strip()
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in t)


def _group_lines(segs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Text runs on one baseline made one line (PDFium cuts a line at wide gaps), top to
    bottom; each line knows the width of its characters (the font size, for CJK)."""
    for sg in segs:
        n = _ems(sg["text"]) or 1
        sg["size"] = (sg["x1"] - sg["x0"]) / n
    segs.sort(key=lambda sg: (round(sg["bottom"], 0), sg["x0"]))
    lines: list[dict[str, Any]] = []
    for sg in segs:
        cur = lines[-1] if lines else None
        tol = 0.5 * max(sg["size"], 4.0)
        if cur is not None and abs(cur["bottom"] - sg["bottom"]) <= tol:
            gap = sg["x0"] - cur["x1"]
            cur["text"] += (" " if gap > 0.5 * sg["size"] else "") + sg["text"]
            cur["x1"] = max(cur["x1"], sg["x1"])
            cur["top"] = min(cur["top"], sg["top"])
            cur["n"] += _ems(sg["text"])
            cur["w"] += sg["x1"] - sg["x0"]
        else:
            lines.append({**sg, "n": _ems(sg["text"]), "w": sg["x1"] - sg["x0"]})
    for ln in lines:
        ln["text"] = ln["text"].strip()
        ln["size"] = ln["w"] / ln["n"] if ln["n"] else 10.0
    return [ln for ln in lines if ln["text"]]


@dataclass(frozen=True)
class _Geometry:
    left: float  # the text block's left margin (a paragraph's first line is indented from it)
    right: float  # its right margin (a wrapped line reaches it)
    size: float  # the body font size
    gap: float  # the usual gap between lines of a paragraph


def _common(values: list[float], pick: Callable[[list[float]], float]) -> float:
    """`pick` (min/max) among values that recur on at least two lines (a stray mark is not
    the margin), else among all."""
    counts: dict[float, int] = {}
    for v in values:
        counts[round(v)] = counts.get(round(v), 0) + 1
    common = [v for v in counts if counts[v] >= 2] if len(values) >= 20 else []
    return float(pick(common or list(counts)))


def _geometry(raw: list[dict[str, Any]]) -> _Geometry:
    """Margins, font size and line gap of the whole document: one page of one-line
    paragraphs has no line at the margin, the document has."""
    if not raw:
        return _Geometry(0.0, 0.0, 10.0, 5.0)
    size = statistics.median(r["size"] for r in raw)
    gaps = [b["top"] - a["bottom"] for a, b in zip(raw, raw[1:], strict=False)
            if 0 < b["top"] - a["bottom"] < 3 * size]
    # body lines only (a page number's or a header's small type is not the text block)
    body = [r for r in raw if 0.8 * size <= r["size"] <= 1.3 * size] or raw
    return _Geometry(
        left=_common([r["x0"] for r in body], min),
        right=_common([r["x1"] for r in body], max),
        size=size,
        gap=statistics.median(gaps) if gaps else size * 0.5,
    )


def _lines(raw: list[dict[str, Any]], number: int, g: _Geometry) -> list[Line]:
    """Lines with runs_on / new_paragraph from their position against the text block.  A
    centred line under a full-width one that does not end a sentence is the second line of
    a wrapped title, not a paragraph of its own."""
    out: list[Line] = []
    width = max(g.right - g.left, 1.0)
    for k, r in enumerate(raw):
        indented = r["x0"] > g.left + 1.2 * g.size
        if indented and k > 0 and centred(r, g):
            above = raw[k - 1]
            full = above["x1"] - above["x0"] >= 0.85 * width
            if full and not _ends_sentence(above["text"]) and r["top"] - above["bottom"] < 2 * g.size:
                indented = False
                out[-1].runs_on = True
        reaches_right = r["x1"] >= g.right - 1.5 * g.size
        ends_sentence = _ends_sentence(r["text"])
        out.append(
            Line(
                text=r["text"],
                page=number,
                box=(round(r["x0"], 1), round(r["top"], 1), round(r["x1"], 1), round(r["bottom"], 1)),
                # a line runs on unless it is centred (a title) or ends a sentence short of
                # the margin; a token too long for the line leaves a wrapped line short too
                runs_on=not centred(r, g) and (reaches_right or not ends_sentence),
                new_paragraph=indented,  # and after a larger gap: `_gaps`, once furniture is gone
            )
        )
    return out


def _small_type_edges(raw: list[dict[str, Any]], g: _Geometry) -> list[dict[str, Any]]:
    """The page's first and last line dropped when set in small type, apart from the text
    block: a running header or footer, which a one-page file cannot show by repeating it."""
    def furniture(r: dict[str, Any], other: dict[str, Any]) -> bool:
        apart = max(other["top"] - r["bottom"], r["top"] - other["bottom"]) > 1.5 * g.size
        return r["size"] < 0.85 * g.size and apart and len(r["text"]) <= 40

    if len(raw) >= 2 and furniture(raw[0], raw[1]):
        raw = raw[1:]
    if len(raw) >= 2 and furniture(raw[-1], raw[-2]):
        raw = raw[:-1]
    return raw


def _gaps(pages: list[list[Block]], g: _Geometry) -> None:
    """A line after a larger gap than the usual line gap starts a paragraph.  Run after the
    running headers are dropped: the gap below a header is no paragraph break."""
    for blocks in pages:
        prev: Line | None = None
        for b in blocks:
            if not isinstance(b, Line):
                prev = None
                continue
            if prev is not None and prev.box and b.box and b.box[1] - prev.box[3] > g.gap + 0.8 * g.size:
                b.new_paragraph = True
            prev = b


def _ends_sentence(text: str) -> bool:
    t = text.rstrip()
    while t and t[-1] in _CLOSING:
        t = t[:-1]
        if t[-1:] in _SENTENCE_END:
            return True
    return t[-1:] in _SENTENCE_END and t == text.rstrip()


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
