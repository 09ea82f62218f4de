"""Converters measured: speed of a long PDF, libraries compared, quality against the text.

    python bench/formats.py [--pages 100] [--quality] [--libraries]

- speed: the fictional fixtures rendered to a PDF of at least --pages pages (reportlab,
  STSong-Light), converted with a progress bar; prints pages, seconds, pages/s.
- --libraries: the same PDF through pdfplumber alone (text + tables on every page), pypdfium2
  alone (text only) and plansum's converter (PDFium lines, pdfplumber tables on ruled pages):
  seconds, spaces left between Hanzi, table rows found with their 属性 cell; and the
  government page through trafilatura (if installed) and plansum's HTML converter: chrome
  text leaked, table rows kept.
- --real: the real documents of ../shared (seeds against their gold; realdocs, which have
  no indicator gold, item by item against the same document read as text).
- --quality: every gold fixture as text, PDF, DOCX, government page and bare page: indicator
  precision / recall of the rules (the test's scoring).
Figures depend on load: the script prints `uptime` first.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import formats_render as render  # noqa: E402
from plansum.document import Document  # noqa: E402
from plansum.parse.loading import load_bytes, load_file  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
LONG = ["qinglan_outline", "qinglan_work_report_2025", "qinglan_proposal", "qiwu_outline_notice"]
_HAN_SPACE = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff，。、；：]")
_HEADING_SPACE = re.compile(r"(第[一二三四五六七八九十\d]{1,3}[篇章节]) ")


def han_spaces(text: str) -> int:
    """Spaces between two Hanzi (or a Hanzi and CJK punctuation), the one after a chapter
    number (`第三章 做强…`, kept on purpose) not counted."""
    return len(_HAN_SPACE.findall(_HEADING_SPACE.sub(r"\1", text)))
TRAILING_ATTR = re.compile(r"(预期性|约束性)\s*\|?\s*$", re.M)
ATTR_ROW = re.compile(r"^\|.*\|\s*(预期性|约束性)\s*\|", re.M)


def long_pdf(pages: int) -> tuple[bytes, int]:
    text = "".join(load_file(CORPUS / f"{s}.txt").text for s in LONG)
    repeat = 1
    while True:
        pdf = render.to_pdf(text, repeat=repeat)
        import pypdfium2

        n = len(pypdfium2.PdfDocument(pdf))
        if n >= pages:
            return pdf, repeat
        repeat = max(repeat + 1, int(repeat * pages / n) + 1)


def speed(pdf: bytes) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("converting", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        task = bar.add_task("pdf", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        t = time.perf_counter()
        raw = load_bytes(pdf, "long.pdf", progress=tick)
        dt = time.perf_counter() - t
    n = raw.pages.page_count if raw.pages else 0
    print(f"speed: {n} pages, {len(pdf) / 2**20:.1f} MiB, {len(raw.text):,} characters: "
          f"{dt:.1f} s ({n / dt:.1f} pages/s)")


def libraries(pdf: bytes, repeat: int) -> None:
    import io

    import pdfplumber
    import pypdfium2

    text = "".join(load_file(CORPUS / f"{s}.txt").text for s in LONG)
    per_copy = sum(
        1
        for b in render.blocks_of(text)
        if isinstance(b, render.TableBlock)
        for r in b.rows
        if r[-1] in ("预期性", "约束性")
    )
    print(f"table rows with 属性 drawn in the PDF: {per_copy * repeat} ({repeat} copies)")
    print("| PDF reader | s | s/page | spaces between Hanzi | table rows with 属性 |")
    print("|---|---|---|---|---|")
    t = time.perf_counter()
    texts, rows = [], 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        n = len(doc.pages)
        for p in doc.pages:
            texts.append(p.extract_text() or "")
            for tb in p.extract_tables():
                rows += sum(1 for r in tb if r and (r[-1] or "").strip() in ("预期性", "约束性"))
            p.close()
    dt = time.perf_counter() - t
    print(f"| pdfplumber (text + tables, every page) | {dt:.1f} | {dt / n:.3f} | "
          f"{han_spaces(''.join(texts))} | {rows} |")
    t = time.perf_counter()
    doc = pypdfium2.PdfDocument(pdf)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    dt = time.perf_counter() - t
    print(f"| pypdfium2 (text only) | {dt:.1f} | {dt / n:.3f} | {han_spaces(text)} | 0 (no tables) |")
    t = time.perf_counter()
    raw = load_bytes(pdf, "long.pdf")
    dt = time.perf_counter() - t
    print(f"| plansum (PDFium lines + pdfplumber tables on ruled pages) | {dt:.1f} | {dt / n:.3f} | "
          f"{han_spaces(raw.text)} | {len(ATTR_ROW.findall(raw.text))} |")

    page = render.to_gov_page(load_file(CORPUS / "qinglan_outline.txt").text)
    chrome = ["政务公开", "相关文章", "网站标识码", "分享到", "当前位置", "无障碍"]
    print("\n| HTML reader | s | chrome phrases leaked (of 6) | table rows with 属性 |")
    print("|---|---|---|---|")
    try:
        import trafilatura

        t = time.perf_counter()
        out = trafilatura.extract(page, include_tables=True, output_format="markdown") or ""
        dt = time.perf_counter() - t
        kept = len(TRAILING_ATTR.findall(out))
        print(f"| trafilatura markdown | {dt:.2f} | {sum(c in out for c in chrome)} | {kept} |")
    except ImportError:
        print("| trafilatura | not installed | | |")
    t = time.perf_counter()
    raw = load_bytes(page, "page.html")
    dt = time.perf_counter() - t
    print(f"| plansum (CMS container, lxml) | {dt:.2f} | {sum(c in raw.text for c in chrome)} | "
          f"{len(ATTR_ROW.findall(raw.text))} |")


def quality() -> None:
    from plansum.eval.gold import load_gold

    gold_dir = ROOT / "tests" / "fixtures" / "gold"
    fmts = [("pdf", render.to_pdf, "x.pdf"), ("docx", render.to_docx, "x.docx"),
            ("gov page", render.to_gov_page, "x.html"), ("bare page", render.to_plain_page, "x.htm")]
    print("\n| fixture | text P/R | " + " | ".join(f"{f} P/R" for f, _, _ in fmts) + " |")
    print("|---" * (2 + len(fmts)) + "|")
    worst = 0.0
    for g in sorted(gold_dir.glob("*.json")):
        gold = load_gold(g)
        text = load_file(CORPUS / f"{g.stem}.txt").text
        p0, r0, _ = render.score(Document.from_text(text, name=g.stem), gold, text)
        cells = [f"{p0:.3f}/{r0:.3f}"]
        for _, fn, name in fmts:
            raw = load_bytes(fn(text), name)
            doc = Document.from_text(raw.text, name=name, pages=raw.pages)
            p, r, _ = render.score(doc, gold, text)
            worst = max(worst, abs(p - p0), abs(r - r0))
            cells.append(f"{p:.3f}/{r:.3f}")
        print(f"| {g.stem} | " + " | ".join(cells) + " |")
    print(f"\nlargest difference from the text, precision or recall: {worst:.3f}")


def _key(i: object) -> tuple[str, float | None]:
    from plansum.formats.cleanup import squeeze

    q = i.headline()  # type: ignore[attr-defined]
    return squeeze(i.name).replace(" ", ""), (q.value if q is not None else None)  # type: ignore[attr-defined]


def real(seeds: Path, realdocs: Path) -> None:
    """The real documents (never committed): seeds scored against their gold, realdocs (no
    indicator gold) compared item by item with the same document read as text."""
    from collections import Counter

    from plansum.eval.gold import load_gold
    from plansum.pipeline import summarize_document

    gold_dir = ROOT / "tests" / "gold" / "seeds"
    fmts = [("pdf", render.to_pdf, "x.pdf"), ("docx", render.to_docx, "x.docx"),
            ("gov page", render.to_gov_page, "x.html")]
    print("\n| real document | text P/R or items | " + " | ".join(f"{f}" for f, _, _ in fmts)
          + " | PDF pages, s |")
    print("|---" * (3 + len(fmts)) + "|")
    worst = 0.0
    files = sorted(seeds.glob("[0-9]*.txt")) + sorted(realdocs.glob("*.txt"))
    for f in files:
        text = load_file(f).text
        gold_path = gold_dir / f"{f.stem}.json"
        base = Document.from_text(text, name=f.name)
        cells: list[str] = []
        pdf_note = ""
        if gold_path.exists():
            gold = load_gold(gold_path)
            p0, r0, _ = render.score(base, gold, text)
            cells.append(f"{p0:.3f}/{r0:.3f}")
        else:
            want = Counter(_key(i) for i in summarize_document(base, engine="rules").indicators)
            cells.append(f"{sum(want.values())} indicators")
        for fmt, fn, name in fmts:
            data = fn(text)
            t = time.perf_counter()
            raw = load_bytes(data, name)
            dt = time.perf_counter() - t
            if fmt == "pdf" and raw.pages is not None:
                pdf_note = f"{raw.pages.page_count}, {dt:.1f}"
            doc = Document.from_text(raw.text, name=name, pages=raw.pages)
            if gold_path.exists():
                p, r, _ = render.score(doc, gold, text)
                worst = max(worst, abs(p - p0), abs(r - r0))
                cells.append(f"{p:.3f}/{r:.3f}")
            else:
                got = Counter(_key(i) for i in summarize_document(doc, engine="rules").indicators)
                same = sum((want & got).values())
                cells.append(f"{same}/{sum(want.values())} same, {sum(got.values()) - same} other")
        print(f"| {f.name[:24]} | " + " | ".join(cells) + f" | {pdf_note} |", flush=True)
    print(f"\nseeds with gold: largest difference from the text, precision or recall: {worst:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--libraries", action="store_true")
    ap.add_argument("--quality", action="store_true")
    ap.add_argument("--real", action="store_true", help="the real documents in ../shared")
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--realdocs", type=Path, default=ROOT.parent / "shared" / "realdocs")
    a = ap.parse_args()
    print("load:", os.getloadavg())
    pdf, repeat = long_pdf(a.pages)
    speed(pdf)
    if a.libraries:
        libraries(pdf, repeat)
    if a.quality:
        quality()
    if a.real:
        real(a.seeds, a.realdocs)


if __name__ == "__main__":
    main()
