"""DOCX → text with python-docx (MIT; the `docx` extra).

`Document.iter_inner_content()` gives paragraphs and tables in document order
(`doc.paragraphs` alone would drop every table).  A paragraph is one line; a table is rows of
cells, a cell merged across columns written once.  Word has no pages until it lays a file
out; where Word saved its last layout (`w:lastRenderedPageBreak`) or the author put page
breaks, those give the page map, otherwise the document has none.
"""

from __future__ import annotations

import io
from typing import Any

from ..errors import InputError
from .cleanup import Block, Converted, Line, Table, assemble
from .extras import need


def convert_docx(data: bytes, name: str) -> Converted:
    docx = need("docx", "docx", "Word (.docx)")
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a damaged zip, a .xlsx renamed …
        raise InputError(f"{name}: not a readable .docx file ({type(exc).__name__}: {exc})") from exc
    blocks: list[Block] = []
    page = 1
    paged = False
    from docx.table import Table as DocxTable

    for item in doc.iter_inner_content():
        if isinstance(item, DocxTable):
            blocks.append(Table(rows=_rows(item), page=page))
            continue
        breaks = _page_breaks(item)
        if breaks:
            paged = True
        # a break before any text moves the whole paragraph to the next page
        text = item.text
        lead = breaks and _break_first(item)
        if lead:
            page += 1
            breaks -= 1
        for part in text.split("\n"):
            blocks.append(Line(text=part, page=page))
        page += breaks
    out = assemble(blocks, "docx", paged=paged)
    if out.pages is not None:
        out.pages.page_count = page
    return out


def _rows(table: Any) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    for row in table.rows:
        cells: list[str | None] = []
        last = None
        for cell in row.cells:
            # a cell merged across columns comes back once per grid column: keep it once
            cells.append(None if cell._tc is last else cell.text)
            last = cell._tc
        rows.append(cells)
    return rows


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _page_breaks(paragraph: Any) -> int:
    el = paragraph._p
    n = len(el.findall(f".//{_W}lastRenderedPageBreak"))
    n += sum(1 for br in el.iter(f"{_W}br") if br.get(f"{_W}type") == "page")
    return n


def _break_first(paragraph: Any) -> bool:
    """Whether a page break comes before the paragraph's first text."""
    for el in paragraph._p.iter():
        if el.tag == f"{_W}t" and el.text:
            return False
        if el.tag == f"{_W}lastRenderedPageBreak" or (
            el.tag == f"{_W}br" and el.get(f"{_W}type") == "page"
        ):
            return True
    return False
