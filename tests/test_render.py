"""Renderers: Markdown, CSV, JSON (against the schema) and the HTML view (without a browser)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansum.errors import PlansumError
from plansum.models import (
    Attribute,
    Check,
    CheckRecord,
    CheckStatus,
    Comparator,
    DocumentInfo,
    Goal,
    Indicator,
    IndicatorKind,
    PlanSummary,
    Project,
    Provenance,
    Quantity,
    Section,
    Span,
)
from plansum.render import CSV_COLUMNS, format_from_path, render

ROOT = Path(__file__).resolve().parents[1]

TEXT = (
    "青岚市国民经济和社会发展第十四个五年规划纲要\n"
    "\n"
    "第一章 发展基础\n"
    "“十三五”时期，全市地区生产总值达到1250亿元，年均增长7.2%。\n"
    "第二章 主要目标\n"
    "到2025年，地区生产总值突破1800亿元，年均增长6.5%左右；常住人口城镇化率达到68%；"
    "单位地区生产总值能耗下降13.5%。\n"
    "一、重点项目\n"
    "建设青岚湾跨海大桥，全长12.6公里。\n"
)


def sp(needle: str, text: str = TEXT, nth: int = 0) -> Span:
    """The span of the nth occurrence of needle (fails loudly when it is not there)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(start=start, end=start + len(needle))


def q(raw: str, value: float, unit: str, text: str = TEXT, **kw: object) -> Quantity:
    return Quantity(raw=raw, value=value, unit=unit, span=sp(raw, text), **kw)


def make_summary(text: str = TEXT) -> PlanSummary:
    """A hand-made summary of TEXT: nested, crossing and shared spans, every check status."""
    gdp_sentence = "地区生产总值突破1800亿元，年均增长6.5%左右"
    indicators = [
        Indicator(
            name="地区生产总值",
            unit="亿元",
            baseline=q("1250亿元", 1250, "亿元", text),
            baseline_year=2020,
            target=q("1800亿元", 1800, "亿元", text, comparator=Comparator.more_than),
            target_year=2025,
            growth=q("6.5%左右", 6.5, "%", text, comparator=Comparator.about),
            attribute=Attribute.expected,
            span=sp(gdp_sentence, text),
            section="第二章 主要目标",
        ),
        Indicator(
            name="常住人口城镇化率",
            unit="%",
            target=q("68%", 68, "%", text),
            target_year=2025,
            attribute=Attribute.expected,
            span=sp("常住人口城镇化率达到68%", text),
            check=Check(status=CheckStatus.corrected, reason="模型给出 70%，原文为 68%"),
        ),
        Indicator(
            name="单位地区生产总值能耗降低",
            unit="%",
            target=q("13.5%", 13.5, "%", text),
            target_year=2025,
            attribute=Attribute.binding,
            # crosses the goal span below: starts inside it, ends after it
            span=sp("单位地区生产总值能耗下降13.5%", text),
            check=Check(status=CheckStatus.unverified, reason="累计还是年均未说明"),
        ),
        Indicator(
            name="森林覆盖率",
            unit="%",
            target=Quantity(raw="45%", value=45, unit="%"),
            target_year=2025,
            attribute=Attribute.binding,
            span=sp("第二章 主要目标", text),
            origin="llm",
            check=Check(status=CheckStatus.rejected, reason="45% 不在原文中"),
        ),
        Indicator(
            name="“十三五”地区生产总值年均增长",
            unit="%",
            actual=q("7.2%", 7.2, "%", text),
            target_year=2020,
            kind=IndicatorKind.actual,
            span=sp("年均增长7.2%", text),
        ),
    ]
    heading2 = sp("第二章 主要目标", text)
    goal_start = text.index("常住人口城镇化率")
    goal_end = text.index("能耗") + 2
    outline = [
        Section(
            level=1,
            kind="zhang",
            number="第一章",
            title="发展基础",
            span=sp("第一章 发展基础", text),
            body=Span(start=text.index("第一章"), end=heading2.start),
        ),
        Section(
            level=1,
            kind="zhang",
            number="第二章",
            title="主要目标",
            span=heading2,
            body=Span(start=heading2.start, end=len(text)),
            children=[
                Section(
                    level=2,
                    kind="cn_item",
                    number="一、",
                    title="重点项目",
                    span=sp("一、重点项目", text),
                    body=Span(start=text.index("一、重点项目"), end=len(text)),
                )
            ],
        ),
    ]
    return PlanSummary(
        document=DocumentInfo(
            title="青岚市国民经济和社会发展第十四个五年规划纲要",
            issuer="青岚市人民政府",
            date="2021-03",
            doc_type="outline",
            period="2021-2025",
            region="青岚市",
            encoding="utf-8",
            chars=len(text),
        ),
        overview="青岚市“十四五”规划提出经济总量突破1800亿元。\n以跨海大桥带动湾区发展。",
        outline=outline,
        goals=[
            Goal(
                text="城镇化率与能耗双控",
                horizon_year=2025,
                span=Span(start=goal_start, end=goal_end),
            ),
            # the same span as the whole heading: two items start at one place
            Goal(text="主要目标", span=heading2),
        ],
        indicators=indicators,
        projects=[
            Project(
                name="青岚湾跨海大桥",
                category="交通",
                quantity=q("12.6公里", 12.6, "公里", text),
                status="新建",
                span=sp("建设青岚湾跨海大桥，全长12.6公里", text),
            )
        ],
        checks=[
            CheckRecord(item="indicator[1].target", status="corrected", reason="70% → 68%"),
            CheckRecord(item="indicator[3].target", status="rejected", reason="45% 不在原文中"),
            CheckRecord(
                item="chunk[1]",
                status="degraded",
                reason="模型超时，改用规则",
                span=Span(start=heading2.start, end=len(text)),
            ),
            CheckRecord(item="indicator[0].target", status="verified", reason="1800亿元 在原文"),
        ],
        provenance=Provenance(plansum_version="0.1.0", mode="hybrid", model="test-model"),
    )


@pytest.fixture
def summary() -> PlanSummary:
    return make_summary()


# --------------------------------------------------------------------------- format names


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("out.md", "markdown"),
        ("OUT.Markdown", "markdown"),
        ("a/b.json", "json"),
        ("x.CSV", "csv"),
        ("r.html", "html"),
        ("r.htm", "html"),
    ],
)
def test_format_from_path(path: str, fmt: str) -> None:
    assert format_from_path(path) == fmt
    assert format_from_path(Path(path)) == fmt


@pytest.mark.parametrize("path", ["report.docx", "report", "report.md.bak"])
def test_format_from_path_unknown_names_the_choices(path: str) -> None:
    with pytest.raises(PlansumError) as err:
        format_from_path(path)
    msg = str(err.value)
    assert path in msg and ".md" in msg and ".html" in msg


def test_render_unknown_format(summary: PlanSummary) -> None:
    with pytest.raises(PlansumError, match="unknown output format 'pdf'"):
        render(summary, TEXT, "pdf")
    assert render(summary, TEXT, "md") == render(summary, TEXT, "markdown")


# --------------------------------------------------------------------------- markdown


def test_markdown_has_sections_and_indicator_table(summary: PlanSummary) -> None:
    md = render(summary, TEXT, "markdown")
    assert isinstance(md, str)
    assert md.startswith("# 青岚市国民经济和社会发展第十四个五年规划纲要\n")
    for heading in ("## 概述", "## 大纲", "## 指标", "## 目标", "## 项目", "## 未通过的核查"):
        assert heading in md
    assert "**发布机关 (issuer)**: 青岚市人民政府" in md
    lines = md.splitlines()
    header = next(line for line in lines if line.startswith("| # |"))
    cols = [c.strip() for c in header.strip("|").split("|")]
    assert cols == [
        "#",
        "指标 (name)",
        "基期 (baseline)",
        "目标 (target)",
        "单位 (unit)",
        "年份 (year)",
        "增速 (growth)",
        "属性 (attribute)",
        "核实 (check)",
    ]
    start = lines.index(header)
    rows = lines[start + 2 : start + 2 + len(summary.indicators)]
    assert all(r.startswith("|") and r.count("|") == len(cols) + 1 for r in rows)
    gdp = [c.strip() for c in rows[0].strip("|").split("|")]
    assert gdp == [
        "1",
        "地区生产总值",
        "1250亿元 (2020)",
        "1800亿元",
        "亿元",
        "2025",
        "6.5%左右",
        "预期性 (expected)",
        "数值已对原文 (number at its span)",  # the rules checked the number at its span
    ]
    assert "约束性 (binding)" in rows[2] and "未核对 (unchecked)" in rows[2]
    assert "7.2% 实际 (actual)" in rows[4]


def test_markdown_rejected_is_struck_and_labelled(summary: PlanSummary) -> None:
    md = render(summary, TEXT, "markdown")
    row = next(line for line in md.splitlines() if "森林覆盖率" in line)
    assert "~~45%~~" in row
    assert "未采信 (refused)" in row
    assert "| 45% |" not in row


def test_markdown_outline_is_indented(summary: PlanSummary) -> None:
    md = render(summary, TEXT, "markdown")
    assert "\n- 第一章 发展基础\n- 第二章 主要目标\n  - 一、重点项目\n" in md


def test_markdown_failed_checks(summary: PlanSummary) -> None:
    md = render(summary, TEXT, "markdown")
    tail = md.split("## 未通过的核查", 1)[1]
    assert "(failed checks): 3 / 4" in tail
    assert "`indicator[3].target` 未采信 (refused): 45% 不在原文中" in tail
    assert "`chunk[1]` 降级 (degraded)" in tail
    assert "indicator[0].target" not in tail  # verified checks are not failures


def test_markdown_escapes_document_text(summary: PlanSummary) -> None:
    bad = summary.model_copy(deep=True)
    bad.indicators[0].name = "A|B <script>x</script> *y*"
    bad.outline[0].number = "1."
    md = render(bad, TEXT, "markdown")
    row = next(line for line in md.splitlines() if "A\\|B" in line)
    assert row.count("|") - row.count("\\|") == 10  # the table still has its 9 cells
    assert "<script>" not in md
    assert "\\<script\\>" in md and "\\*y\\*" in md
    assert "\n- 1\\. 发展基础\n" in md  # not read as a nested ordered list


# --------------------------------------------------------------------------- csv


def read_csv(out: str) -> list[dict[str, str]]:
    assert out.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(out[1:], newline="")))


def test_csv_header_is_stable(summary: PlanSummary) -> None:
    out = render(summary, TEXT, "csv")
    assert isinstance(out, str)
    header = next(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    # Analysts' sheets refer to these columns: extend only at the end.
    assert header == list(CSV_COLUMNS)
    assert header == [
        "index", "name", "category", "section", "kind", "attribute", "unit",
        "baseline", "baseline_upper", "baseline_unit", "baseline_comparator", "baseline_raw",
        "baseline_year",
        "target", "target_upper", "target_unit", "target_comparator", "target_raw",
        "target_year",
        "actual", "actual_upper", "actual_unit", "actual_comparator", "actual_raw",
        "growth", "growth_upper", "growth_unit", "growth_comparator", "growth_raw",
        "check_status", "check_reason", "origin", "span_start", "span_end", "evidence",
        "year", "period", "direction", "growth_signed", "multiple", "headline",
        "check_label", "model_verdict",
        "document", "region", "region_code", "indicator_key", "indicator_label",
    ]  # fmt: skip


def test_csv_rows_carry_the_key_track_aligns_on(summary: PlanSummary) -> None:
    # One filter on indicator_key finds a series under each of its names across documents.
    rows = read_csv(render(summary, TEXT, "csv"))
    by_name = {r["name"]: r for r in rows}
    assert by_name["地区生产总值"]["indicator_key"] == "gdp"
    assert by_name["地区生产总值"]["indicator_label"] == "地区生产总值"
    assert by_name["常住人口城镇化率"]["indicator_key"] == "urbanization"
    # energy per unit of GDP is its own series, not GDP
    assert by_name["单位地区生产总值能耗降低"]["indicator_key"] not in ("gdp", "")
    assert all(r["indicator_key"] for r in rows)


def test_csv_rows_numbers_and_bom(summary: PlanSummary) -> None:
    out = render(summary, TEXT, "csv")
    assert out.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = read_csv(out)
    assert len(rows) == len(summary.indicators)
    numeric = (
        "index", "baseline", "baseline_upper", "baseline_year", "target", "target_upper",
        "target_year", "actual", "actual_upper", "growth", "growth_upper", "span_start",
        "span_end",
    )  # fmt: skip
    for row in rows:
        for col in numeric:
            if row[col] != "":
                float(row[col])  # numbers as numbers, no units or comparators mixed in
    gdp = rows[0]
    assert gdp["name"] == "地区生产总值"
    assert gdp["baseline"] == "1250" and gdp["baseline_year"] == "2020"
    assert gdp["target"] == "1800" and gdp["target_comparator"] == "more_than"
    assert gdp["growth"] == "6.5" and gdp["growth_raw"] == "6.5%左右"
    assert gdp["evidence"] == "地区生产总值突破1800亿元，年均增长6.5%左右"
    assert gdp["check_status"] == "verified"
    assert rows[4]["kind"] == "actual" and float(rows[4]["actual"]) == 7.2


def test_csv_rejected_number_is_not_a_number(summary: PlanSummary) -> None:
    rejected = read_csv(render(summary, TEXT, "csv"))[3]
    assert rejected["check_status"] == "rejected"
    assert rejected["target"] == ""  # never offered as a figure to compute with
    assert rejected["target_raw"] == "45%"


def test_csv_text_cannot_become_a_formula(summary: PlanSummary) -> None:
    bad = summary.model_copy(deep=True)
    bad.indicators[0].name = '=HYPERLINK("http://x","y")'
    bad.indicators[1].unit = "@SUM(A1)"
    rows = read_csv(render(bad, TEXT, "csv"))
    assert rows[0]["name"].startswith("'=")
    assert rows[1]["unit"].startswith("'@")


# --------------------------------------------------------------------------- json


def test_json_validates_against_schema_and_round_trips(summary: PlanSummary) -> None:
    out = render(summary, TEXT, "json")
    assert isinstance(out, str)
    data = json.loads(out)
    schema = PlanSummary.model_json_schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)
    jsonschema.validate(data, schema)
    assert PlanSummary.model_validate_json(out) == summary
    assert "青岚市" in out  # Chinese stays readable, not \u-escaped


def test_json_validates_against_exported_schemas(summary: PlanSummary) -> None:
    """When schemas/ holds an exported PlanSummary schema, the output obeys it too."""
    exported = [
        p
        for p in sorted((ROOT / "schemas").glob("*.json"))
        if json.loads(p.read_text(encoding="utf-8")).get("title") == "PlanSummary"
    ]
    if not exported:
        pytest.skip("schemas/ has no exported PlanSummary schema yet (plansum schema writes it)")
    data = json.loads(render(summary, TEXT, "json"))
    for path in exported:
        jsonschema.validate(data, json.loads(path.read_text(encoding="utf-8")))


def test_json_schema_rejects_a_broken_summary(summary: PlanSummary) -> None:
    data = json.loads(render(summary, TEXT, "json"))
    data["indicators"][0]["check"]["status"] = "probably"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, PlanSummary.model_json_schema())


# --------------------------------------------------------------------------- html


class SourceParser(HTMLParser):
    """Collects the text of <pre id="source"> and, per ref, the text of its segments."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 while inside the source <pre>
        self.classes: list[list[str]] = []
        self.text: list[str] = []
        self.by_ref: dict[str, list[str]] = {}
        self.ids: list[str] = []
        self.in_source_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "pre" and a.get("id") == "source":
            self.depth = 1
            return
        if self.depth:
            self.in_source_tags.append(tag)
            self.classes.append((a.get("class") or "").split())
            if a.get("id"):
                self.ids.append(a["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "pre":
            self.depth = 0
        elif self.depth:
            self.classes.pop()

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        self.text.append(data)
        for cls in self.classes[-1] if self.classes else []:
            if cls.startswith("r-"):
                self.by_ref.setdefault(cls[2:], []).append(data)

    def source(self) -> str:
        s = "".join(self.text)
        return s[1:] if s.startswith("\n") else s  # the newline a browser drops after <pre>


def parse_source(page: str) -> SourceParser:
    p = SourceParser()
    p.feed(page)
    p.close()
    return p


def test_html_source_text_is_exact_and_every_item_is_linked(summary: PlanSummary) -> None:
    page = render(summary, TEXT, "html")
    assert isinstance(page, str)
    parsed = parse_source(page)
    assert parsed.source() == TEXT
    assert set(parsed.in_source_tags) == {"span"}
    refs = {
        **{f"i{i}": x.span for i, x in enumerate(summary.indicators)},
        **{f"g{i}": x.span for i, x in enumerate(summary.goals)},
        **{f"p{i}": x.span for i, x in enumerate(summary.projects)},
        "s0": summary.outline[0].span,
        "s1": summary.outline[1].span,
        "s1-0": summary.outline[1].children[0].span,
        "c2": summary.checks[2].span,
    }
    for ref, span in refs.items():
        assert span is not None
        assert "".join(parsed.by_ref[ref]) == span.slice(TEXT), ref
        assert f"src-{ref}" in parsed.ids, ref
        assert f'href="#src-{ref}" data-ref="{ref}"' in page, ref
    for ref in ("i0", "i3", "g0", "p0", "s1-0"):
        assert f'id="item-{ref}"' in page
    assert len(set(parsed.ids)) == len(parsed.ids)


def test_html_status_colours_and_rejected(summary: PlanSummary) -> None:
    page = render(summary, TEXT, "html")
    rows = dict(re.findall(r'<tr id="item-(i\d+)" class="st-(\w+)">', page))
    assert rows == {
        "i0": "verified",
        "i1": "corrected",
        "i2": "unverified",
        "i3": "rejected",
        "i4": "verified",
    }
    rejected_row = re.search(r'<tr id="item-i3".*?</tr>', page)
    assert rejected_row
    assert "<del>45%</del>" in rejected_row.group(0)
    assert "未采信 (refused)" in rejected_row.group(0)
    assert re.search(r"tr\.st-rejected[^{]*\{[^}]*line-through", page)
    for var in ("--ok:", "--fix:", "--unk:", "--bad:"):
        assert var in page


def _csp(page: str) -> str:
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert m, "no CSP meta"
    return m.group(1).replace("&#x27;", "'")


def _sha(s: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()


def test_html_is_self_contained_with_hashed_script_and_style(summary: PlanSummary) -> None:
    page = render(summary, TEXT, "html")
    csp = _csp(page)
    assert "default-src 'none'" in csp and "img-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    assert f"script-src '{_sha(scripts[0])}'" in csp
    assert f"style-src '{_sha(styles[0])}'" in csp
    assert page.index("Content-Security-Policy") < page.index("<title>")
    assert not re.search(r"""\s(src|href)=["']?(https?:|//)""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert " style=" not in page and " on" not in re.sub(r"<pre.*?</pre>", "", page, flags=re.S)


INJECTED = (
    '青岚市<script>window.__pwned=1</script>规划\n<img src=x onerror="window.__pwned=2">'
    "</pre></title><!-- & \"'\n"
)


def test_html_escapes_everything_from_the_document(summary: PlanSummary) -> None:
    text = INJECTED + TEXT
    bad = make_summary(text)
    bad.document.title = "</title><script>window.__pwned=3</script>"
    bad.overview = "<b>粗体</b>"
    bad.indicators[0].name = "<img src=x onerror=alert(1)>"
    bad.goals.append(Goal(text="</a><script>x()</script>", span=sp("<script>", text)))
    bad.projects[0].category = '" onclick="x()'
    # a span that starts inside a tag of the document
    bad.goals.append(Goal(text="tag", span=Span(start=text.index("src=x"), end=len(INJECTED))))
    page = render(bad, text, "html")
    assert isinstance(page, str)
    assert page.count("<script") == 1
    assert "<img" not in page and "<b>" not in page and "</title><script" not in page
    assert "window.__pwned" in page  # present, as text
    assert "<title>&lt;/title&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt;</title>" in page
    assert '" onclick="' not in page
    parsed = parse_source(page)
    assert parsed.source() == text
    assert set(parsed.in_source_tags) == {"span"}
    assert "".join(parsed.by_ref["g3"]) == text[text.index("src=x") : len(INJECTED)]


def test_html_handles_empty_text_and_out_of_range_spans(summary: PlanSummary) -> None:
    assert "无原文" in render(summary, "", "html")
    odd = summary.model_copy(deep=True)
    odd.indicators[0].span = Span(start=len(TEXT) - 3, end=len(TEXT) + 50)  # runs past the end
    odd.indicators[1].span = Span(start=len(TEXT) + 10, end=len(TEXT) + 20)  # wholly outside
    odd.indicators[2].span = Span(start=5, end=5)  # empty: an anchor only
    page = render(odd, TEXT, "html")
    parsed = parse_source(page)
    assert parsed.source() == TEXT
    assert "".join(parsed.by_ref["i0"]) == TEXT[-3:]
    assert 'title="无原文位置 (no source span)">常住人口城镇化率' in page
    assert '<span class="anchor" id="src-i2"></span>' in page


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(alphabet="青岚市<>&\"' \n。1%", min_size=1, max_size=40),
    data=st.data(),
)
def test_html_overlapping_spans_property(text: str, data: st.DataObject) -> None:
    """Whatever the overlaps, the source reads as the text and each item's segments as its span."""
    n = len(text)
    pairs = data.draw(
        st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), min_size=1, max_size=8)
    )
    spans = [Span(start=min(a, b), end=max(a, b)) for a, b in pairs]
    summary = PlanSummary(
        document=DocumentInfo(),
        indicators=[Indicator(name=f"x{i}", span=s) for i, s in enumerate(spans)],
        provenance=Provenance(plansum_version="0"),
    )
    page = render(summary, text, "html")
    assert isinstance(page, str)
    parsed = parse_source(page)
    assert parsed.source() == text
    for i, s in enumerate(spans):
        assert "".join(parsed.by_ref.get(f"i{i}", [])) == s.slice(text)
        assert f"src-i{i}" in parsed.ids
    assert len(set(parsed.ids)) == len(parsed.ids)


def test_indicators_command_refuses_a_format_it_cannot_write(tmp_path: Path) -> None:
    """`plansum indicators -f html` once printed Markdown with exit 0; formats come from one registry."""
    from typer.testing import CliRunner

    from plansum.cli import app

    doc = Path(__file__).parent / "fixtures" / "corpus" / "qinglan_annual_2024.txt"
    r = CliRunner().invoke(app, ["indicators", str(doc), "-f", "html"])
    assert r.exit_code == 2 and "unknown output format 'html'" in r.output
    ok = CliRunner().invoke(app, ["indicators", str(doc), "-f", "json"])
    assert ok.exit_code == 0 and ok.output.lstrip().startswith("[")
