"""Render the fictional fixtures as the files people get: PDF, DOCX and a government web page.

Built at test time (reportlab's STSong-Light is a CID font every PDF reader has, so nothing
is downloaded or committed).  A fixture's text is cut into blocks: headings, paragraphs and
tables (runs of `|`- or tab-separated lines).  A table row one cell short of the widest is a
row whose 类别 cell is merged with the group's first row: the renderers merge that cell
(a SPAN in the PDF, a merged cell in Word, a rowspan on the page), as real plans do.
The PDF has a running header and `- N -` page numbers, justified text with a first-line
indent, and table cells that wrap, so the converter has all of it to undo.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field

HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百]+[篇章节]|第\d+节|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|专栏)"
)


@dataclass
class TableBlock:
    rows: list[list[str]]
    spans: list[tuple[int, int]] = field(default_factory=list)  # (first row, last row) of merged 类别
    col: int = 0  # the column the spans merge


Block = tuple[str, str] | TableBlock  # ("h"|"p", text) or a table


def _cells(line: str) -> list[str] | None:
    if "\t" in line:
        cells = line.split("\t")
    elif "|" in line:
        s = line.strip()
        if s.startswith("|"):
            s = s[1:]
        cells = s.split("|")
    else:
        return None
    cells = [c.strip().strip("*").strip() for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells if len(cells) >= 3 else None


def blocks_of(text: str) -> list[Block]:
    lines = text.splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        run: list[list[str]] = []
        j = i
        while j < len(lines):
            if re.match(r"^\s*\|?\s*:?-{3,}", lines[j]):
                j += 1
                continue
            c = _cells(lines[j])
            if c is None:
                break
            run.append(c)
            j += 1
        if len(run) >= 2:
            out.append(_table(run))
            i = j
            continue
        cell_table = _cell_per_line(lines, i)
        if cell_table is not None:
            table, i = cell_table
            out.append(table)
            continue
        line = lines[i].strip()
        if line:
            out.append(("h" if HEADING.match(line) and len(line) < 40 else "p", line))
        i += 1
    return out


_ATTRS = ("预期性", "约束性")


def _cell_per_line(lines: list[str], i: int) -> tuple[TableBlock, int] | None:
    """A table saved one cell per line (blank lines between): a header that starts with
    类别/序号/指标 and ends with 属性, then rows that each end with an attribute cell; a row
    one cell short has its 类别 merged with the row above."""
    if lines[i].strip() not in ("类别", "序号", "指标"):
        return None
    cells: list[tuple[str, int]] = []
    j = i
    while j < len(lines) and len(cells) < 400:
        s = lines[j].strip()
        if s:
            if len(s) > 30:
                break
            cells.append((s, j))
        j += 1
    names = [c for c, _ in cells]
    if "属性" not in names[:10]:
        return None
    width = names.index("属性") + 1
    rows = [names[:width]]
    k, end = width, cells[width - 1][1] + 1
    spans: list[tuple[int, int]] = []
    start = None
    while k < len(names):
        nxt = [n for n in range(k, min(k + width, len(names))) if names[n] in _ATTRS]
        if not nxt:
            break
        row = names[k : nxt[0] + 1]
        if len(row) == width - 1:
            row.insert(0, "")
            if start is not None:
                spans = [s for s in spans if s[0] != start] + [(start, len(rows))]
        elif len(row) == width:
            start = len(rows)
        else:
            break
        rows.append(row)
        end = cells[nxt[0]][1] + 1
        k = nxt[0] + 1
    if len(rows) < 2:
        return None
    return TableBlock(rows, spans, 0), end


def _table(run: list[list[str]]) -> TableBlock:
    width = max(len(r) for r in run)
    rows: list[list[str]] = []
    inserted = False
    for k, r in enumerate(run):
        r = list(r)
        if (k == 0 and len(r) == width - 1) or (k > 0 and width >= 6 and len(r) < width and r[0].isdigit()):
            r.insert(1, "类别" if k == 0 else "")  # the merged 类别 cell of a `|` row
            inserted = inserted or k > 0
        if k > 0 and len(r) == width - 1 and len(r) > 4 and set(r[4]) <= set("—-"):
            # `2 | 全员劳动生产率增长 | % | —— | 6以上 | 预期性`: the dash spans both years
            r.insert(4, r[4])
        r += [""] * (width - len(r))
        rows.append(r)
    # the merged column: 1 where `|` rows lacked their 类别, 0 where tab rows start empty
    col = 1 if inserted else 0 if any(r[0] == "" for r in rows[1:]) else None
    spans: list[tuple[int, int]] = []
    if col is not None:
        start = None
        for k in range(1, len(rows)):
            if rows[k][col]:
                start = k
            elif start is not None:
                spans = [s for s in spans if s[0] != start] + [(start, k)]
    return TableBlock(rows, spans, col or 0)


def _merged_col(t: TableBlock) -> int:
    return t.col


# --------------------------------------------------------------------------------------- PDF


def to_pdf(text: str, title: str = "青岚市人民政府文件", repeat: int = 1) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=20,
                          firstLineIndent=24, alignment=TA_JUSTIFY, wordWrap="CJK")
    head = ParagraphStyle("h", parent=body, fontSize=14, leading=24, firstLineIndent=0,
                          alignment=TA_CENTER, spaceBefore=6, spaceAfter=6)
    cell = ParagraphStyle("c", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")

    story = []
    for _ in range(repeat):
        for b in blocks_of(text):
            if isinstance(b, TableBlock):
                data = [[Paragraph(html.escape(c), cell) for c in r] for r in b.rows]
                col = _merged_col(b)
                style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                         ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
                style += [("SPAN", (col, a), (col, z)) for a, z in b.spans]
                story.append(RLTable(data, repeatRows=1, style=style, hAlign="CENTER"))
                story.append(Spacer(1, 6))
            else:
                kind, line = b
                story.append(Paragraph(html.escape(line), head if kind == "h" else body))

    def furniture(canvas, doc):  # noqa: ANN001 - reportlab's callback
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, title)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {doc.page} -")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                            topMargin=25 * mm, bottomMargin=25 * mm)
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return buf.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF of pictures only, as a scanner makes: no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for p in range(pages):
        for k in range(40):  # grey bars where the lines of text would be
            c.setFillGray(0.2 + 0.01 * ((k + p) % 5))
            c.rect(70, 760 - k * 17, 450 - (k % 7) * 20, 9, stroke=0, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


# -------------------------------------------------------------------------------------- DOCX


def to_docx(text: str) -> bytes:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    for b in blocks_of(text):
        if isinstance(b, TableBlock):
            t = d.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            t.style = "Table Grid"
            for i, r in enumerate(b.rows):
                for j, c in enumerate(r):
                    t.cell(i, j).text = c
            col = _merged_col(b)
            for a, z in b.spans:
                keep = b.rows[a][col]
                t.cell(a, col).merge(t.cell(z, col))
                t.cell(a, col).text = keep
        else:
            kind, line = b
            p = d.add_heading(line, level=2) if kind == "h" else d.add_paragraph(line)
            if kind == "p":
                p.paragraph_format.first_line_indent = Pt(24)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# -------------------------------------------------------------------------------------- HTML


def _html_table(b: TableBlock) -> str:
    col = _merged_col(b)
    covered = {(k, col) for a, z in b.spans for k in range(a + 1, z + 1)}
    spans = {a: z - a + 1 for a, z in b.spans}
    out = ['<table border="1" cellspacing="0" style="width:100%">']
    for i, r in enumerate(b.rows):
        tds = []
        for j, c in enumerate(r):
            if (i, j) in covered:
                continue
            rs = f' rowspan="{spans[i]}"' if j == col and i in spans else ""
            tag = "th" if i == 0 else "td"
            tds.append(f"<{tag}{rs}><p>{html.escape(c)}</p></{tag}>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def article_html(text: str) -> tuple[str, str]:
    """(title, the article body as HTML paragraphs and tables)."""
    parts = []
    blocks = blocks_of(text)
    title = ""
    for b in blocks:
        if isinstance(b, TableBlock):
            parts.append(_html_table(b))
        else:
            kind, line = b
            if not title:
                title = line
            tag = "h3" if kind == "h" else "p"
            parts.append(f'<{tag} style="text-indent:2em">{html.escape(line)}</{tag}>')
    return title, "\n".join(parts)


def to_gov_page(text: str, charset: str = "utf-8") -> bytes:
    """The article inside a government CMS page: site navigation, a breadcrumb, the title
    above the `#zoom .TRS_Editor` container, share and print tools, related links and a
    footer, all with Chinese text of their own."""
    title, body = article_html(text)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>{html.escape(title)}_青岚市人民政府门户网站</title>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
<style>.TRS_Editor p {{ line-height: 2em; }}</style></head>
<body>
<div class="top-bar">无障碍浏览 | 长者模式 | 繁体版 | 登录</div>
<div class="header"><img src="logo.png" alt="青岚市人民政府"><div class="search">站内搜索</div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/zwfw">政务服务</a></li><li><a href="/hdjl">互动交流</a></li><li><a href="/zjql">走进青岚</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 规划计划</div>
<div class="main">
  <div class="article">
    <h1 class="article-title">{html.escape(title)}</h1>
    <div class="info">发布时间：2026-01-15 来源：青岚市发展和改革委员会 字号：[大 中 小] 浏览次数：1024</div>
    <div id="zoom"><div class="TRS_Editor">
{body}
    </div></div>
    <div class="share">分享到：微信 微博 QQ空间 【打印本页】【关闭窗口】</div>
  </div>
  <div class="sidebar"><h3>相关文章</h3><ul>
    <li><a href="/a1">青岚市召开全市经济工作会议部署明年重点任务</a></li>
    <li><a href="/a2">市政府常务会议研究推进重大项目建设和优化营商环境工作</a></li>
    <li><a href="/a3">我市举办新能源产业链招商推介会签约项目十二个</a></li></ul></div>
</div>
<div class="footer"><p>主办：青岚市人民政府办公室 承办：青岚市大数据发展中心</p>
<p>网站标识码：5204000001 备案号：黔ICP备00000000号 公安机关备案号：52040002000001</p></div>
</body></html>"""
    return page.encode(charset)


def to_plain_page(text: str) -> bytes:
    """A bare page with no CMS container: the converter's fallback finds the article."""
    title, body = article_html(text)
    return (f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
            f"<ul class='menu'><li>首页</li><li>新闻中心</li><li>信息公开</li><li>办事服务</li></ul>"
            f"<div class='wrap'>{body}</div><div class='copyright'>版权所有 青岚市人民政府</div>"
            "</body></html>").encode()


# ----------------------------------------------------------------------------------- scoring


def _stream(text: str) -> tuple[str, list[int]]:
    """The text without spaces and table rules, with each kept character's offset."""
    keep = [(c, i) for i, c in enumerate(text) if not c.isspace() and c not in "|*-"]
    return "".join(c for c, _ in keep), [i for _, i in keep]


def offset_map(source: str, converted: str) -> dict[int, int]:
    """Offsets of `source` → offsets of the same character in `converted` (where aligned)."""
    from difflib import SequenceMatcher

    a, ai = _stream(source)
    b, bi = _stream(converted)
    out: dict[int, int] = {}
    for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(blk.size):
            out[ai[blk.a + k]] = bi[blk.b + k]
    return out


def gold_for(gold, source: str, converted: str | None):  # noqa: ANN001, ANN201
    """The gold with its offsets moved onto the converted text (None where not aligned)."""
    if converted is None:
        return gold
    m = offset_map(source, converted)
    moved = []
    for g in gold.indicators:
        start = m.get(g.start) if g.start is not None else None
        last = m.get(g.end - 1) if g.end is not None else None
        ok = start is not None and last is not None and last >= start
        moved.append(g.model_copy(update={"start": start if ok else None,
                                          "end": last + 1 if ok else None}))
    return gold.model_copy(update={"indicators": moved})


def score(doc, gold, source: str) -> tuple[float, float, object]:  # noqa: ANN001
    """(precision, recall, summary) of the rules on `doc` against `gold` (moved if needed)."""
    from plansum.eval.metrics import score_document
    from plansum.pipeline import summarize_document

    summary = summarize_document(doc, engine="rules")
    g = gold_for(gold, source, None if doc.text == source else doc.text)
    r = score_document(summary, g, doc.text)
    p = r.matched / r.predicted_indicators if r.predicted_indicators else 1.0
    rc = r.matched / r.gold_indicators if r.gold_indicators else 1.0
    return p, rc, summary
