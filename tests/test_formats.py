"""PDF, Word and web-page plans read as well as the same plan as text.

Every file is made here, at test time, from the fictional corpus (tests/formats_render.py):
reportlab's STSong-Light for the PDFs, python-docx for the Word files, a government CMS page
with its navigation, sidebar and footer for the web pages.  URL tests use a server on
127.0.0.1 started by the test.
"""

from __future__ import annotations

import http.server
import json
import threading
from functools import cache
from pathlib import Path

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")
pytest.importorskip("docx")
pytest.importorskip("lxml")

import formats_render as render  # noqa: E402
from plansum.document import Document  # noqa: E402
from plansum.errors import InputError  # noqa: E402
from plansum.eval.gold import load_gold  # noqa: E402
from plansum.formats import cleanup, detect  # noqa: E402
from plansum.formats.pagemap import PageMap  # noqa: E402
from plansum.parse.loading import load_bytes, load_file, load_source  # noqa: E402
from plansum.pipeline import summarize_document  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
GOLD = FIXTURES / "gold"
STEMS = sorted(p.stem for p in GOLD.glob("*.json"))
RENDERERS = {
    "pdf": (render.to_pdf, "plan.pdf"),
    "docx": (render.to_docx, "plan.docx"),
    "html": (render.to_gov_page, "plan.html"),
    "bare-html": (render.to_plain_page, "plan.htm"),
}
TABLE_STEMS = ["qinglan_outline", "lanxi_annual_2025", "yunxi_ecology_plan", "qiwu_outline_notice"]


@cache
def source(stem: str) -> str:
    return load_file(CORPUS / f"{stem}.txt").text


@cache
def rendered(stem: str, fmt: str) -> bytes:
    fn, _ = RENDERERS[fmt]
    return fn(source(stem))


@cache
def converted(stem: str, fmt: str) -> Document:
    _, name = RENDERERS[fmt]
    raw = load_bytes(rendered(stem, fmt), name)
    assert raw.format == ("html" if "html" in fmt else fmt)
    return Document.from_text(raw.text, name=name, pages=raw.pages, format=raw.format)


# ------------------------------------------------------------------------- the Done-when bar


@pytest.mark.parametrize("fmt", list(RENDERERS))
@pytest.mark.parametrize("stem", STEMS)
def test_indicators_as_good_as_text(stem: str, fmt: str) -> None:
    gold = load_gold(GOLD / f"{stem}.json")
    text_doc = Document.from_text(source(stem), name=stem)
    p0, r0, _ = render.score(text_doc, gold, source(stem))
    p, r, _ = render.score(converted(stem, fmt), gold, source(stem))
    assert abs(p - p0) <= 0.01 and abs(r - r0) <= 0.01, (stem, fmt, (p0, r0), (p, r))


def _table_rows(doc: Document) -> dict[str, str | None]:
    s = summarize_document(doc, engine="rules")
    return {
        cleanup.squeeze(i.name): i.attribute.value if i.attribute else None
        for i in s.indicators
        if i.attribute is not None
    }


@pytest.mark.parametrize("fmt", list(RENDERERS))
@pytest.mark.parametrize("stem", TABLE_STEMS)
def test_every_table_row_read_with_its_attribute(stem: str, fmt: str) -> None:
    want = _table_rows(Document.from_text(source(stem), name=stem))
    assert len(want) >= 5  # the fixture's table, read from the text
    got = _table_rows(converted(stem, fmt))
    missing = {k: v for k, v in want.items() if got.get(k) != v}
    assert not missing, missing


@pytest.mark.parametrize("stem", STEMS)
def test_every_cited_span_has_its_page(stem: str) -> None:
    doc = converted(stem, "pdf")
    s = summarize_document(doc, engine="rules")
    spans = [i.span for i in s.indicators] + [g.span for g in s.goals] + [p.span for p in s.projects]
    assert spans
    for sp in spans:
        page = doc.pages.page_of(sp.start)  # type: ignore[union-attr]
        assert page is not None and 1 <= page <= doc.pages.page_count  # type: ignore[union-attr]


def test_pages_are_the_pages_the_text_is_on() -> None:
    """The page a span maps to is the PDF page that prints it (checked with pdfplumber's own
    text of that page)."""
    import io

    import pdfplumber

    doc = converted("qinglan_outline", "pdf")
    assert doc.pages is not None and doc.pages.page_count >= 4
    with pdfplumber.open(io.BytesIO(rendered("qinglan_outline", "pdf"))) as pdf:
        page_text = ["".join(p.extract_text().split()) for p in pdf.pages]
    s = summarize_document(doc, engine="rules")
    checked = 0
    for i in s.indicators:
        q = i.headline()
        if q is None or q.span is None or "|" in doc.text[q.span.start - 3 : q.span.end + 3]:
            continue
        page = doc.pages.page_of(q.span.start)
        snippet = "".join(doc.text[max(0, q.span.start - 6) : q.span.end].split())
        if "\n" in doc.text[max(0, q.span.start - 6) : q.span.end]:
            continue
        assert snippet in page_text[page - 1] or snippet in page_text[page - 2] + page_text[page - 1], (
            i.name, page
        )
        checked += 1
    assert checked >= 20
    assert doc.page_label(0) == "第1页"
    last = doc.pages.page_of(len(doc.text) - 2)
    assert last == doc.pages.page_count


# ------------------------------------------------------------------------------- clean-up


def test_spaces_between_hanzi_go_and_stay_next_to_digits_and_latin() -> None:
    assert cleanup.squeeze("号 ， 邮 编 100 号") == "号，邮编 100 号"
    assert cleanup.squeeze("细颗粒物 (PM2.5) 浓 度 36 微克") == "细颗粒物 (PM2.5) 浓度 36 微克"
    assert cleanup.squeeze("第三章  做强 做优先进制造业") == "第三章 做强做优先进制造业"


def test_page_numbers_and_running_headers_dropped_before_lines_join() -> None:
    def page(n: int, first: str, last: str) -> list[cleanup.Block]:
        return [
            cleanup.Line("青岚市人民政府公报 第3期", page=n),
            cleanup.Line(first, page=n, runs_on=True, new_paragraph=False),
            cleanup.Line(last, page=n, runs_on=True, new_paragraph=False),
            cleanup.Line(f"- {n} -", page=n),
        ]

    pages = [page(1, "一、总体要求", "严格执行“分"), page(2, "级审核”制度，确", "保质量。")]
    pages.append(page(3, "二、主要目标", "到2030年，森林覆盖率达到35%。"))
    blocks = [b for p in cleanup.drop_page_furniture(pages) for b in p]
    out = cleanup.assemble(blocks, "pdf", paged=True)
    assert "严格执行“分级审核”制度，确保质量。" in out.text
    assert "公报" not in out.text and "- 2 -" not in out.text
    assert "\n二、主要目标" in out.text  # a heading is never joined onto the line before
    assert out.pages is not None
    assert out.pages.page_of(out.text.index("级审核")) == 2
    assert out.pages.page_of(out.text.index("严格")) == 1


def test_wrapped_table_cells_join_without_a_space() -> None:
    t = cleanup.Table(rows=[["指标", "单位", "属性"], ["单位地区生产总值\n二氧化碳排放降低", "%", "约束\n性"],
                            ["全体居民人均\n可支配收入", "元", "预期性"]])
    rows = cleanup.table_rows(t)
    assert rows is not None
    assert rows[1][0] == ["单位地区生产总值二氧化碳排放降低", "%", "约束性"]


def test_a_frame_around_prose_is_not_a_table() -> None:
    t = cleanup.Table(rows=[["本规划是全市今后五年发展的行动纲领。", None, None],
                            [None, None, None], ["各部门要认真组织实施。", None, None]])
    assert cleanup.table_rows(t) is None
    out = cleanup.assemble([t], "pdf", paged=True)
    assert "|" not in out.text and "行动纲领" in out.text


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_text_has_no_page_furniture_and_no_broken_lines(stem: str) -> None:
    doc = converted(stem, "pdf")
    assert doc.pages is not None
    assert "- 1 -" not in doc.text and "- 2 -" not in doc.text
    if doc.pages.page_count >= 2:  # one page cannot show that its top line is a running header
        assert "青岚市人民政府文件" not in doc.text
    src_lines = {"".join(ln.split()) for ln in source(stem).splitlines()}
    broken = [
        ln
        for ln in doc.text.splitlines()
        if "|" not in ln and "".join(ln.split()) not in src_lines
        and not any("".join(ln.split()) in s for s in src_lines if "|" in s or "\t" in s)
    ]
    assert not broken, broken  # every line is a whole line (paragraph) of the source


def test_a_sentence_across_a_page_break_is_one_line() -> None:
    """Under a running header, the first line of a page goes on with the last of the page
    before (the gap below the header is no paragraph break)."""
    text = "第一章 总体要求\n" + "".join(
        f"第{k}项任务要求各部门按照既定分工稳步推进，确保到2030年完成{k}个重点工程，"
        "并且逐年开展监测评估和动态调整工作。" for k in range(1, 60)
    ) + "\n第二章 保障措施\n"
    raw = load_bytes(render.to_pdf(text), "long.pdf")
    assert raw.pages is not None and raw.pages.page_count >= 2
    assert raw.text.splitlines() == text.splitlines()
    assert raw.pages.page_of(raw.text.index("第59项")) == raw.pages.page_count


def test_gov_page_keeps_the_article_and_drops_the_site() -> None:
    doc = converted("qinglan_outline", "html")
    for chrome in ("政务公开", "相关文章", "网站标识码", "分享到", "统计代码", "当前位置"):
        assert chrome not in doc.text, chrome
    assert doc.text.startswith("青岚市国民经济和社会发展第十四个五年规划")
    assert doc.text.count("青岚市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要\n") == 1


def test_gbk_page_without_a_charset_header() -> None:
    page = render.to_gov_page(source("qinglan_annual_2024"), charset="gb2312")
    raw = load_bytes(page.replace(b'charset="gb2312"', b""), "page.html")
    assert "青岚市" in raw.text and raw.encoding == "gb18030"


def test_docx_with_page_breaks_has_a_page_map() -> None:
    import io

    import docx

    d = docx.Document()
    d.add_paragraph("第一章 总体要求")
    d.add_paragraph("到2030年，地区生产总值达到1500亿元。")
    d.add_page_break()
    d.add_paragraph("第二章 主要任务")
    d.add_paragraph("新增城镇就业1.2万人。")
    buf = io.BytesIO()
    d.save(buf)
    raw = load_bytes(buf.getvalue(), "plan.docx")
    assert raw.pages is not None
    assert raw.pages.page_of(raw.text.index("1500")) == 1
    assert raw.pages.page_of(raw.text.index("1.2万")) == 2


# --------------------------------------------------------------------------------- refusals


def test_scanned_pdf_is_refused_with_advice() -> None:
    with pytest.raises(InputError, match="no text layer.*OCR"):
        load_bytes(render.scanned_pdf(), "scan.pdf")


@pytest.mark.parametrize("suffix,magic", [(".doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), (".wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")])
def test_doc_and_wps_name_a_converter(tmp_path: Path, suffix: str, magic: bytes) -> None:
    f = tmp_path / f"plan{suffix}"
    f.write_bytes(magic + b"\0" * 600)
    with pytest.raises(InputError, match=r"\.docx.*soffice --headless --convert-to docx"):
        load_file(f)


def test_damaged_pdf_is_an_input_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.pdf"
    f.write_bytes(b"%PDF-1.7\n garbage")
    with pytest.raises(InputError, match="not a readable PDF"):
        load_file(f)


def test_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # import fails as if not installed
    with pytest.raises(InputError, match=r"plansum\[pdf\]"):
        load_bytes(rendered("lanxi_annual_2025", "pdf"), "plan.pdf")


def test_detect() -> None:
    assert detect(b"%PDF-1.4", "x.txt") == "pdf"
    assert detect(b"<!DOCTYPE html><html>", "x") == "html"
    assert detect("到2030年".encode(), "plan.txt") == "text"
    assert detect(rendered("lanxi_annual_2025", "docx"), "x.bin") == "docx"


def test_page_map_labels() -> None:
    m = PageMap()
    m.add(0, 1)
    m.add(100, 2)
    m.add(250, 3)
    assert m.page_of(99) == 1 and m.page_of(100) == 2 and m.page_of(10_000) == 3
    assert m.label(90, 120) == "第1–2页" and m.label(120, 130) == "第2页"
    with pytest.raises(ValueError):
        m.add(50, 4)


# --------------------------------------------------------------------------------------- URL


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():  # noqa: ANN201
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    _Handler.routes = {
        "/plan.html": (200, {"Content-Type": "text/html; charset=utf-8"},
                       rendered("yunxi_ecology_plan", "html")),
        "/plan.pdf": (200, {"Content-Type": "application/pdf"}, rendered("yunxi_ecology_plan", "pdf")),
        "/download?id=7": (200, {"Content-Type": "application/octet-stream"},
                           rendered("yunxi_ecology_plan", "docx")),
        "/moved": (302, {"Location": "/plan.html"}, b""),
        "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/image.png": (200, {"Content-Type": "image/png"}, b"\x89PNG...."),
        "/huge": (200, {"Content-Type": "text/html"}, b"<p>" + "青".encode() * 400_000),
    }
    yield base
    srv.shutdown()


@pytest.mark.parametrize("path", ["/plan.html", "/plan.pdf", "/download?id=7", "/moved"])
def test_url_of_a_page_or_file(server: str, path: str) -> None:
    raw = load_source(server + path)
    doc = Document.from_text(raw.text, name=raw.name, pages=raw.pages)
    s = summarize_document(doc, engine="rules")
    names = {cleanup.squeeze(i.name) for i in s.indicators}
    assert "森林覆盖率" in names and "湿地保护率" in names


def test_url_redirect_to_another_scheme_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="redirects to a file: address"):
        load_source(server + "/to-file")


def test_url_content_type_checked(server: str) -> None:
    with pytest.raises(InputError, match="image/png"):
        load_source(server + "/image.png")


def test_url_size_cap_and_timeout(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from plansum.formats import url

    with pytest.raises(InputError, match="larger than"):
        url.fetch(server + "/huge", max_bytes=100_000)
    with pytest.raises(InputError, match="HTTP 404"):
        url.fetch(server + "/nothing")
    # a server that accepts and never answers
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    try:
        with pytest.raises(InputError, match="no answer within"):
            url.fetch(f"http://127.0.0.1:{sock.getsockname()[1]}/slow", timeout=0.5)
    finally:
        sock.close()


# ------------------------------------------------------------------------------------- batch


def test_batch_reads_a_folder_of_pdf_docx_and_pages(tmp_path: Path) -> None:
    import sqlite3

    from plansum.batch.run import run_batch

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.pdf").write_bytes(rendered("lanxi_annual_2025", "pdf"))
    (src / "b.docx").write_bytes(rendered("yunxi_ecology_plan", "docx"))
    (src / "c.html").write_bytes(rendered("qiwu_outline_notice", "html"))
    (src / "d.txt").write_text(source("songqiao_news_2026"), encoding="utf-8")
    (src / "e.pdf").write_bytes(render.scanned_pdf())
    (src / "f.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)  # not globbed by default
    report = run_batch(src, tmp_path / "out", runner="inline", parquet=False)
    assert report.total == 5 and report.done == 4
    assert [(s, k) for s, k, _ in report.failed] == [("e.pdf", "input")]
    conn = sqlite3.connect(tmp_path / "out" / "plansum.sqlite")
    n = dict(conn.execute("SELECT source, n_indicators FROM documents WHERE status = 'ok'").fetchall())
    conn.close()
    assert set(n) == {"a.pdf", "b.docx", "c.html", "d.txt"} and all(v > 0 for v in n.values())


def test_a_line_ending_in_a_closing_quote_runs_on_unless_a_sentence_ends() -> None:
    from plansum.formats.pdf import _ends_sentence

    assert not _ends_sentence("新增国家级专精特新“小巨人”")  # wrapped before 企业50户以上
    assert _ends_sentence("加快建设“美丽青岚”。”") and _ends_sentence("主要指标如下：")
    assert not _ends_sentence("（2025年）") and not _ends_sentence("地区生产总值")


# --------------------------------------------------------------------------------------- CLI


def _cli(*args: str):  # noqa: ANN202
    from typer.testing import CliRunner

    from plansum.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("pdf") / "qinglan_outline.pdf"
    p.write_bytes(rendered("qinglan_outline", "pdf"))
    return p


def test_cli_summary_of_a_pdf_cites_pages(plan_pdf: Path, tmp_path: Path) -> None:
    import json
    import re

    r = _cli("summarize", str(plan_pdf), "--offline")
    assert r.exit_code == 0, r.output
    rows = [ln for ln in r.stdout.splitlines() if ln.startswith("| ") and "页" in ln]
    assert "页码 (page)" in r.stdout
    pages = [int(m) for ln in rows for m in re.findall(r"\| 第(\d+)页 \|$", ln)]
    assert len(pages) >= 40 and min(pages) >= 1 and max(pages) >= 4  # every indicator row
    assert "- **原文 (original)**: pdf," in r.stdout

    out = tmp_path / "s.html"
    assert _cli("summarize", str(plan_pdf), "--offline", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('class="page" href="#page-') >= 40
    marks = re.findall(r'<span class="page-mark" id="page-(\d+)">第\1页</span>', page)
    assert [int(m) for m in marks] == list(range(1, len(marks) + 1)) and len(marks) >= 4

    js = tmp_path / "s.json"
    assert _cli("summarize", str(plan_pdf), "--offline", "-o", str(js)).exit_code == 0
    info = json.loads(js.read_text(encoding="utf-8"))["document"]
    assert info["format"] == "pdf" and info["pages"][0] == [0, 1] and len(info["pages"]) >= 4


def test_cli_text_output_has_no_page_column(tmp_path: Path) -> None:
    r = _cli("summarize", str(CORPUS / "yunxi_ecology_plan.txt"), "--offline")
    assert r.exit_code == 0 and "页码" not in r.stdout and "第1页" not in r.stdout


def test_cli_outline_and_indicators_of_files_and_urls(plan_pdf: Path, server: str) -> None:
    import re

    r = _cli("outline", str(plan_pdf))
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert len(lines) >= 20 and all(re.search(r"\] 第\d+页$", ln) for ln in lines)
    assert any(ln.startswith("二 构建现代产业体系") for ln in lines), lines
    pages = [int(re.search(r"第(\d+)页$", ln)[1]) for ln in lines]  # type: ignore[index]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] >= 6
    r = _cli("indicators", server + "/plan.html", "-f", "json")
    assert r.exit_code == 0, r.output
    assert "湿地保护率" in r.stdout
    r = _cli("indicators", server + "/to-file")
    assert r.exit_code == 2 and "only http(s) redirects" in r.output


def test_cli_track_reads_urls_beside_files(tmp_path: Path, server: str) -> None:
    # A URL is fetched like summarize fetches it and cited by the whole URL (was: "https:/…
    # does not exist", the double slash folded by Path).
    doc = tmp_path / "songqiao_work_report_2026.txt"
    doc.write_text((CORPUS / "songqiao_work_report_2026.txt").read_text("utf-8"), "utf-8")
    r = _cli("track", str(doc), server + "/plan.html", "--offline", "-f", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    cited = json.dumps(data, ensure_ascii=False)
    assert server + "/plan.html" in cited and "songqiao_work_report_2026.txt" in cited
    r = _cli("track", server + "/to-file", "--offline")
    assert r.exit_code == 2 and "only http(s) redirects" in r.output


def test_batch_manifest_lists_urls(tmp_path: Path, server: str) -> None:
    # URLs in a manifest are fetched once by the planner; one that cannot be had is a failed
    # document with the fetch's own reason, and the rest of the batch goes on.
    from plansum.batch.run import run_batch

    local = tmp_path / "songqiao_work_report_2026.txt"
    local.write_text((CORPUS / "songqiao_work_report_2026.txt").read_text("utf-8"), "utf-8")
    manifest = tmp_path / "list.txt"
    manifest.write_text(
        f"{local.name}\n{server}/plan.html\n{server}/download?id=7\n{server}/to-file\n", "utf-8"
    )
    report = run_batch(manifest, tmp_path / "out", runner="inline")
    assert report.done == 3, report.failed
    assert [(src, kind) for src, kind, _ in report.failed] == [(f"{server}/to-file", "input")]
    assert "only http(s) redirects" in report.failed[0][2]
    again = run_batch(manifest, tmp_path / "out", runner="inline")
    assert again.skipped == 3 and again.done == 0
    r = _cli("batch", server + "/plan.html", "-o", str(tmp_path / "o2"), "--offline")
    assert r.exit_code == 2 and "list URLs in a manifest" in r.output


def test_cli_track_reads_a_folder_of_pdfs(tmp_path: Path) -> None:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "songqiao_work_report_2026.pdf").write_bytes(rendered("songqiao_work_report_2026", "pdf"))
    (d / "yunxi_news_2025.docx").write_bytes(rendered("yunxi_news_2025", "docx"))
    r = _cli("track", str(d), "--offline", "-f", "json")
    assert r.exit_code == 0, r.output
    assert "songqiao_work_report_2026.pdf" in r.stdout and "yunxi_news_2025.docx" in r.stdout


def test_cli_doc_file_names_a_converter(tmp_path: Path) -> None:
    f = tmp_path / "plan.doc"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    r = _cli("summarize", str(f), "--offline")
    assert r.exit_code == 2 and "soffice --headless --convert-to docx" in r.output
