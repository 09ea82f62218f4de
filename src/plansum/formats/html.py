"""HTML → text with lxml (BSD; the `html` extra): the article, not the site around it.

Government sites put the article in a handful of CMS containers (`#UCAP-CONTENT`, `.TRS_Editor`,
`#zoom` …); the first of those that holds Chinese text is the article.  A page without one
falls back to the element whose own paragraphs hold the most Chinese text.  Navigation,
scripts, forms and share bars are dropped; block elements are lines; a `<table>` is rows of
cells (a `colspan` cell written once, a `rowspan` cell left empty below its first row) written
in the Markdown layout the table reader knows.

The walk is written here rather than taken from trafilatura: its text output flattens a
table's empty and merged cells, and the columns are what the table reader needs.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from .cleanup import Block, Converted, Line, Table, assemble
from .extras import need

# Article containers of the CMSs government sites run on (TRS WCM, 开普云 UCAP, 大汉, 拓尔思 …),
# then generic ones.  Order matters: the most specific first.
CONTAINERS = (
    "#UCAP-CONTENT",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    "#Zoom",
    ".zoom",
    "#ContentRegion",
    ".pages_content",
    ".article-content",
    ".article_con",
    "#content",
    ".content",
    "article",
    "main",
)
_DROP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
         "button", "select", "input", "svg", "template", "head"}
_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
          "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "br", "hr", "tr", "table",
          "figure", "figcaption", "caption", "address", "body"}
_CHROME_CLASS = re.compile(r"(?:^|[\s_-])(?:nav|menu|breadcrumb|share|footer|header|sidebar|"
                           r"crumb|toolbar|print|related|pager|copyright)(?:$|[\s_-])", re.I)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_MIN_HAN = 30


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Text of an HTML page: the declared charset (HTTP header, then <meta>), else UTF-8,
    else GB18030 (what GB2312/GBK pages really use)."""
    m = _CHARSET.search(data[:4096])
    for enc in (declared, m.group(1).decode("ascii") if m else None):
        if not enc:
            continue
        enc = enc.lower()
        if enc in ("gb2312", "gbk", "gb_2312-80"):
            enc = "gb18030"
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            continue
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), "utf-8"


def convert_html(data: bytes, name: str, charset: str | None = None) -> Converted:
    lxml_html = need("lxml.html", "html", "web page (.html)")
    text, encoding = decode_html(data, charset)
    text = re.sub(r"^<\?xml[^>]*\?>", "", text.lstrip("\ufeff").lstrip())
    try:
        root = lxml_html.document_fromstring(text)
    except Exception as exc:  # lxml's ParserError for an empty or non-HTML document
        raise InputError(f"{name}: not a readable web page ({exc})") from exc
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in _DROP:
            if el.getparent() is not None:
                el.drop_tree()
    title = _title(root)
    article = _article(root)
    if article is None:
        raise InputError(f"{name}: the page holds no article text (no Chinese paragraphs found)")
    blocks: list[Block] = []
    heading = _heading_outside(root, article)
    _walk(article, blocks)
    first = next((b.text for b in blocks if isinstance(b, Line) and b.text.strip()), "")
    if heading and _compact(heading) != _compact(first):
        blocks.insert(0, Line(text=heading))  # the title, unless the article repeats it
    out = assemble(blocks, "html", paged=False)
    if not out.text.strip():
        raise InputError(f"{name}: the page holds no article text")
    out.encoding = encoding
    out.title = title
    return out


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _han(el: Any) -> int:
    return len(_HAN.findall(el.text_content()))


def _article(root: Any) -> Any:
    for sel in CONTAINERS:
        for el in _select(root, sel):
            if _han(el) >= _MIN_HAN:
                return el
    # no known container: the element whose own <p> children hold the most Chinese text
    best, best_n = None, 0
    for el in root.iter():
        if not isinstance(el.tag, str) or _chrome(el):
            continue
        n = sum(len(_HAN.findall(p.text_content())) for p in el if p.tag in ("p", "table", "div")
                and not _chrome(p) and _HAN.search(p.text_content() or "") and len(p) < 20)
        if n > best_n:
            best, best_n = el, n
    return best if best_n >= _MIN_HAN else None


def _select(root: Any, sel: str) -> list[Any]:
    """`#id`, `.class` and tag selectors as XPath (no cssselect dependency for three forms)."""
    if sel.startswith("#"):
        return root.xpath(f'//*[@id="{sel[1:]}"]')
    if sel.startswith("."):
        return root.xpath(f'//*[contains(concat(" ", normalize-space(@class), " "), " {sel[1:]} ")]')
    return root.xpath(f"//{sel}")


def _chrome(el: Any) -> bool:
    attrs = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('role') or ''}"
    return bool(_CHROME_CLASS.search(attrs)) or el.get("role") == "navigation"


def _title(root: Any) -> str | None:
    t = root.find(".//title")
    return t.text_content().strip() if t is not None and t.text_content().strip() else None


def _heading_outside(root: Any, article: Any) -> str | None:
    """The article's <h1> when the CMS puts it above the container (the usual layout)."""
    for h in root.iter("h1", "h2"):
        if _han(h) and not _contains(article, h) and not _chrome_ancestor(h):
            return h.text_content()
    return None


def _contains(a: Any, b: Any) -> bool:
    while b is not None:
        if b is a:
            return True
        b = b.getparent()
    return False


def _chrome_ancestor(el: Any) -> bool:
    while el is not None:
        if isinstance(el.tag, str) and _chrome(el):
            return True
        el = el.getparent()
    return False


def _walk(el: Any, blocks: list[Block]) -> None:
    """Lines of `el` in order: inline text gathered, a block element ends the line."""
    buf: list[str] = []

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(buf)).strip()
        buf.clear()
        if text:
            blocks.append(Line(text=text))

    def visit(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "table":
            flush()
            blocks.append(Table(rows=_table(node)))
        elif tag and _chrome(node) and node is not el:
            pass
        else:
            block = tag in _BLOCK
            if block:
                flush()
            if node.text and tag:
                buf.append(node.text)
            for child in node:
                visit(child)
                if child.tail:
                    buf.append(child.tail)
            if block:
                flush()

    visit(el)
    flush()


def _table(table: Any) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan above
    for tr in table.iter("tr"):
        if _enclosing_table(tr) is not table:
            continue  # a row of a nested table
        row: list[str | None] = []
        col = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while pending.get(col, 0) > 0:
                row.append(None)
                pending[col] -= 1
                col += 1
            text = _cell_text(cell)
            span = _int(cell.get("colspan"))
            rspan = _int(cell.get("rowspan"))
            for k in range(span):
                row.append(text if k == 0 else None)
                if rspan > 1:
                    pending[col] = rspan - 1
                col += 1
        while pending.get(col, 0) > 0:
            row.append(None)
            pending[col] -= 1
            col += 1
        rows.append(row)
    return rows


def _enclosing_table(el: Any) -> Any:
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _cell_text(cell: Any) -> str:
    parts: list[str] = []
    for br in cell.iter("br", "p", "div"):
        br.tail = "\n" + (br.tail or "")
    parts.append(cell.text_content())
    return "\n".join(p.strip() for p in "".join(parts).split("\n") if p.strip())


def _int(v: str | None) -> int:
    try:
        return max(1, min(int(v or 1), 50))
    except ValueError:
        return 1
