"""`plansum track`: the ledger of targets against results, on the seeds and on small texts."""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import ROOT, seeds_dir
from plansum import summarize
from plansum.cli import app
from plansum.ledger import (
    TrackInput,
    TrackLedger,
    indicator_key,
    judge,
    load_inputs,
    render_ledger,
    track_inputs,
)
from plansum.ledger.align import stated_sign
from plansum.ledger.judge import _satisfied_region
from plansum.ledger.models import RULE, Cell
from plansum.models import CheckStatus, Comparator, Indicator, Span
from plansum.replay.cassettes import RecordingMeta, default_dir

GOLD = json.loads((ROOT / "tests" / "gold" / "track_seeds.json").read_text(encoding="utf-8"))
SCHEMA = json.loads((ROOT / "schemas" / "track_ledger.schema.json").read_text(encoding="utf-8"))


def _cells(cells: list[Cell]) -> list[tuple[float, str, str]]:
    return [(c.value, c.comparator.value, c.document[:3]) for c in cells]


def _gold_cells(cells: list[list[Any]]) -> list[tuple[float, str, str]]:
    return [(float(v), comp, doc) for v, comp, doc in cells]


def _annual(ledger: TrackLedger) -> dict[tuple[Any, ...], Any]:
    return {
        (rl.region, r.indicator, r.measure, r.unit, r.year): r
        for rl in ledger.regions
        for r in rl.rows
    }


def _periods(ledger: TrackLedger) -> dict[tuple[Any, ...], Any]:
    return {
        (rl.region, p.indicator, p.measure, p.start, p.end): p
        for rl in ledger.regions
        for p in rl.periods
    }


def assert_matches_gold(ledger: TrackLedger) -> None:
    annual = _annual(ledger)
    want = {
        (g["region"], g["indicator"], g["measure"], g["unit"], g["year"]): g for g in GOLD["annual"]
    }
    assert sorted(annual) == sorted(want), "rows differ from the gold ledger"
    for k, g in want.items():
        r = annual[k]
        assert _cells(r.targets) == _gold_cells(g["targets"]), k
        assert _cells(r.actuals) == _gold_cells(g["actuals"]), k
        assert r.status == g["status"], (k, r.status, [a.reason for a in r.assessments])
    periods = _periods(ledger)
    want_p = {
        (g["region"], g["indicator"], g["measure"], g["start"], g["end"]): g
        for g in GOLD["periods"]
    }
    assert sorted(periods) == sorted(want_p)
    for k, g in want_p.items():
        p = periods[k]
        assert _cells(p.targets) == _gold_cells(g["targets"]), k
        assert _cells(p.actuals) == _gold_cells(g["actuals"]), k
        assert p.status == g["status"], (k, p.status, p.reason)
        if "years_known" in g:
            assert p.years_known == g["years_known"], k


def assert_cells_hold(ledger: TrackLedger, texts: dict[str, str]) -> None:
    """Every figure stands in its document at its span, as written."""
    n = 0
    for rl in ledger.regions:
        for row in [*rl.rows, *rl.periods]:
            for c in [*row.targets, *row.actuals]:
                evidence = texts[c.document][c.span.start : c.span.end]
                number = re.search(r"-?\d+(\.\d+)?", c.raw)
                assert number and number.group(0) in evidence, (c.document, c.span, c.raw, evidence)
                assert c.check != CheckStatus.rejected
                n += 1
    assert n > 0


@pytest.fixture(scope="module")
def rules_inputs() -> list[TrackInput]:
    d = seeds_dir()
    if not d.is_dir() or not list(d.glob("*.txt")):
        pytest.skip(f"seed corpus not found at {d}")
    return load_inputs(d, offline=True)


def test_seed_ledger_from_the_rules_matches_the_hand_checked_gold(
    rules_inputs: list[TrackInput],
) -> None:
    ledger = track_inputs(rules_inputs)
    assert_matches_gold(ledger)
    assert_cells_hold(ledger, {i.name: i.text for i in rules_inputs})
    assert [d.mode for d in ledger.documents] == ["rules"] * 5


def test_seed_gdp_growth_chain_2023_to_2026(rules_inputs: list[TrackInput]) -> None:
    rows = _annual(track_inputs(rules_inputs))
    chain = {y: rows.get(("通辽市", "gdp", "growth", "%", y)) for y in range(2023, 2027)}
    assert chain[2023] is not None and _cells(chain[2023].targets) == [(7.0, "about", "004")]
    assert chain[2024] is None  # the seeds give 2024's level (1686亿元), no growth figure
    r25 = chain[2025]
    assert r25 is not None
    assert _cells(r25.targets) == [(6.0, "at_least", "003")]
    assert _cells(r25.actuals) == [(4.9, "exact", "001")]
    assert r25.status == "missed"
    assert chain[2026] is not None and chain[2026].status == "not_yet_known"


@pytest.mark.skipif(not (default_dir() / "meta.json").exists(), reason="no cassettes")
def test_seed_ledger_from_replayed_model_answers_matches_the_gold() -> None:
    d = seeds_dir()
    if not d.is_dir():
        pytest.skip("no seeds")
    meta = RecordingMeta.load(default_dir())
    names = sorted(p.name for p in d.glob("*.txt"))
    if not set(names) <= set(meta.documents):
        pytest.skip("not every seed has a cassette")
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    from plansum.replay import summarize_replay

    inputs = load_inputs(d, summarize=lambda doc: summarize_replay(doc, Path(doc.name).name))
    ledger = track_inputs(inputs)
    assert [doc.mode for doc in ledger.documents] == ["hybrid"] * 5
    assert_matches_gold(ledger)
    assert_cells_hold(ledger, {i.name: i.text for i in inputs})


def test_every_format_renders_and_json_validates(rules_inputs: list[TrackInput]) -> None:
    ledger = track_inputs(rules_inputs)
    texts = {i.name: i.text for i in rules_inputs}
    data = json.loads(render_ledger(ledger, "json"))
    jsonschema.validate(data, SCHEMA)
    assert TrackLedger.model_validate(data) == ledger
    md = render_ledger(ledger, "markdown")
    assert "| 地区生产总值 | growth % | 2025 | 6%以上 (D4@" in md and "| missed |" in md
    rows = list(csv.DictReader(io.StringIO(render_ledger(ledger, "csv").lstrip("\ufeff"))))
    gdp25 = [
        r
        for r in rows
        if r["indicator"] == "gdp" and r["year"] == "2025" and r["region"] == "通辽市"
    ]
    assert {(r["role"], r["raw"], r["status"]) for r in gdp25} == {
        ("target", "6%以上", "missed"),
        ("actual", "4.9%", "missed"),
    }
    page = render_ledger(ledger, "html", texts)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page
    assert page.count("<svg") >= 5  # one chart per headline indicator with growth figures
    # every linked figure has its anchor, and the anchor shows the cited characters
    links = set(re.findall(r'href="#([^"]+)"', page))
    anchors = set(re.findall(r'id="([^"]+)"', page))
    assert links and links <= anchors
    for a in links:
        doc_id, start, end = a.split("-")
        name = ledger.documents[int(doc_id[1:]) - 1].name
        marked = re.search(rf'id="{a}".*?<mark>(.*?)</mark>', page)
        assert marked and marked.group(1) == texts[name][int(start) : int(end)]


def _cell(raw: str, value: float, comparator: Comparator, upper: float | None = None) -> Cell:
    return Cell(
        document="d",
        role="target",
        name="x",
        raw=raw,
        value=value,
        upper=upper,
        unit="%",
        comparator=comparator,
        span=Span(start=0, end=1),
        dated_by="test",
    )


@pytest.mark.parametrize(
    ("target", "actual", "direction", "verdict"),
    [
        (("7%左右", 7, Comparator.about), ("6.5%", 6.5, Comparator.exact), "up", "met"),
        (("7%左右", 7, Comparator.about), ("6.4%", 6.4, Comparator.exact), "up", "missed"),
        (("6%以上", 6, Comparator.at_least), ("6%", 6, Comparator.exact), "up", "met"),
        (("6%以上", 6, Comparator.at_least), ("5.9%", 5.9, Comparator.exact), "up", "missed"),
        (("8%", 8, Comparator.exact), ("8.1%", 8.1, Comparator.exact), "up", "met"),
        (("超过20%", 20, Comparator.more_than), ("20%", 20, Comparator.exact), "up", "missed"),
        (("5%以内", 5, Comparator.at_most), ("5%", 5, Comparator.exact), "down", "met"),
        (("5%以内", 5, Comparator.at_most), ("5.2%", 5.2, Comparator.exact), "down", "missed"),
        (("5.5%左右", 5.5, Comparator.about), ("5.9%", 5.9, Comparator.exact), "down", "met"),
        (("5.5%左右", 5.5, Comparator.about), ("6.1%", 6.1, Comparator.exact), "down", "missed"),
        (
            ("低于31.4", 31.4, Comparator.less_than),
            ("31.4", 31.4, Comparator.exact),
            "down",
            "missed",
        ),
        (
            ("6%以上", 6, Comparator.at_least),
            ("超过5%", 5, Comparator.more_than),
            "up",
            "not_yet_known",
        ),
        (("6%以上", 6, Comparator.at_least), ("超过7%", 7, Comparator.more_than), "up", "met"),
        (
            ("5%以内", 5, Comparator.at_most),
            ("低于6%", 6, Comparator.less_than),
            "down",
            "not_yet_known",
        ),
    ],
)
def test_the_written_rule_for_comparators(
    target: tuple[str, float, Comparator],
    actual: tuple[str, float, Comparator],
    direction: str,
    verdict: str,
) -> None:
    t = _cell(*target)
    a = _cell(*actual).model_copy(update={"role": "actual"})
    got, reason = judge(t, a, direction)
    assert got == verdict, reason
    assert t.raw in reason


def test_the_rule_is_written_in_the_docs() -> None:
    doc = (ROOT / "docs" / "track.md").read_text(encoding="utf-8")
    for word in ("左右", "以上", "以内", "0.5 percentage points", "compounded"):
        assert word in doc and word in RULE


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("地区生产总值", "gdp"),
        ("GDP", "gdp"),
        ("全市地区生产总值", "gdp"),
        ("云溪县地区生产总值", "gdp"),
        ("通辽市规上工业增加值", "industrial_va"),
        ("地区生产总值年均实际", "gdp"),
        ("规上工业增加值", "industrial_va"),
        ("规模以上工业增加值", "industrial_va"),
        ("社零", "retail_sales"),
        ("社会消费品零售总额", "retail_sales"),
        ("一般公共预算收入按可比口径", "budget_revenue"),
        ("限额以上固定资产投资", "fixed_investment"),
        ("城镇常住居民人均可支配收入", "urban_income"),
        ("人均地区生产总值年均增速", "gdp_per_capita"),
    ],
)
def test_names_align(name: str, key: str) -> None:
    assert indicator_key(name)[0] == key


@pytest.mark.parametrize("name", ["单位地区生产总值能耗", "第三产业增加值占地区生产总值比重"])
def test_shares_and_intensities_are_not_the_level(name: str) -> None:
    assert indicator_key(name)[0] != "gdp"


PLAN_2026 = "青岚市2026年计划\n2026年主要目标:地区生产总值增长6%左右,社会消费品零售总额增长5%。\n"
REPORT_A = "青岚市2027年政府工作报告\n一、2026年工作回顾\n2026年,全市地区生产总值增长5.7%,社会消费品零售总额增长5.2%。\n"
REPORT_B = "青岚市2027年计划\n一、2026年计划执行情况\n2026年,全市地区生产总值增长5.4%。\n"


def _inputs(*texts: str) -> list[TrackInput]:
    out = []
    for i, t in enumerate(texts):
        s = summarize(t, engine="rules")
        s = s.model_copy(update={"document": s.document.model_copy(update={"region": "青岚市"})})
        out.append(TrackInput(name=f"doc{i}.txt", summary=s, text=t))
    return out


def test_conflicting_actuals_stand_side_by_side_and_the_verdict_is_disputed() -> None:
    ledger = track_inputs(_inputs(PLAN_2026, REPORT_A, REPORT_B))
    rows = _annual(ledger)
    gdp = rows[("青岚市", "gdp", "growth", "%", 2026)]
    assert [c.raw for c in gdp.targets] == ["6%左右"]
    assert [(c.raw, c.document) for c in gdp.actuals] == [
        ("5.7%", "doc1.txt"),
        ("5.4%", "doc2.txt"),
    ]
    assert [a.verdict for a in gdp.assessments] == ["met", "missed"]  # 5.7 >= 5.5; 5.4 < 5.5
    assert gdp.status == "disputed"
    assert gdp.conflicts and "5.7%" in gdp.conflicts[0] and "5.4%" in gdp.conflicts[0]
    retail = rows[("青岚市", "retail_sales", "growth", "%", 2026)]
    assert retail.status == "met" and not retail.conflicts


def _report(year: int, growth: float) -> str:
    return f"青岚市{year + 1}年政府工作报告\n一、{year}年工作回顾\n{year}年,全市地区生产总值增长{growth:g}%。\n"


def test_a_five_year_target_against_the_annual_chain() -> None:
    plan = "青岚市十四五规划纲要\n“十四五”时期,地区生产总值年均增长6%。\n"
    years = [(2021, 7.0), (2022, 6.0), (2023, 5.0), (2024, 4.0)]
    reports = [_report(y, g) for y, g in years]
    p = _periods(track_inputs(_inputs(plan, *reports)))[
        ("青岚市", "gdp", "average_growth", 2021, 2025)
    ]
    assert [lk.actual for lk in p.chain] == [7.0, 6.0, 5.0, 4.0, None]
    assert p.years_known == 4 and p.status == "not_yet_known"
    assert p.average_so_far == pytest.approx(5.5, abs=0.01)
    assert p.needed_for_rest == pytest.approx(8.0, abs=0.1)  # 1.06^5 / (1.07*1.06*1.05*1.04) - 1
    full = [*reports, _report(2025, 8.5)]
    done = _periods(track_inputs(_inputs(plan, *full)))[
        ("青岚市", "gdp", "average_growth", 2021, 2025)
    ]
    assert done.years_known == 5 and done.status == "met"
    short = [*reports, _report(2025, 7.5)]
    miss = _periods(track_inputs(_inputs(plan, *short)))[
        ("青岚市", "gdp", "average_growth", 2021, 2025)
    ]
    assert miss.status == "missed"


def test_cli_track_writes_every_format(tmp_path: Path) -> None:
    d = seeds_dir()
    if not d.is_dir():
        pytest.skip("no seeds")
    runner = CliRunner()
    for ext in ("md", "csv", "html", "json"):
        out = tmp_path / f"ledger.{ext}"
        r = runner.invoke(app, ["track", str(d), "--offline", "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 1000
    data = json.loads((tmp_path / "ledger.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    r = runner.invoke(app, ["track", str(tmp_path / "missing")])
    assert r.exit_code == 2 and "does not exist" in r.output


def test_model_answers_feed_the_same_ledger(tmp_path: Path) -> None:
    """The LLM path (an in-process fake endpoint): the model's figures carry origin and check."""
    from fake_llm import TEXT, FakeLLM, document, run_llm

    _, chunks = document()
    summary, _ = run_llm(tmp_path, FakeLLM(chunks))
    assert summary.provenance.mode != "rules"
    summary = summary.model_copy(
        update={"document": summary.document.model_copy(update={"region": "青岚市"})}
    )
    ledger = track_inputs([TrackInput("plan.txt", summary, TEXT), *_inputs(REPORT_A)[0:1]])
    gdp = _annual(ledger)[("青岚市", "gdp", "growth", "%", 2026)]
    assert [(c.raw, c.origin, c.check) for c in gdp.targets] == [
        ("6%左右", "llm", CheckStatus.verified)
    ]
    assert [c.raw for c in gdp.actuals] == ["5.7%"] and gdp.status == "met"


def test_cli_track_replays_the_cassettes(tmp_path: Path) -> None:
    d = seeds_dir()
    names = ["001_6ed63c3a093e4c62.txt", "003_f80d7eaeb07b7d9b.txt"]
    if not all((d / n).exists() for n in names):
        pytest.skip("no seeds")
    out = tmp_path / "l.json"
    r = CliRunner().invoke(app, ["track", *(str(d / n) for n in names), "--replay", "-o", str(out)])
    assert r.exit_code == 0, r.output
    ledger = TrackLedger.model_validate_json(out.read_text(encoding="utf-8"))
    assert {doc.mode for doc in ledger.documents} == {"hybrid"}
    gdp = _annual(ledger)[("通辽市", "gdp", "growth", "%", 2025)]
    assert _cells(gdp.targets) == [(6.0, "at_least", "003")]
    assert _cells(gdp.actuals) == [(4.9, "exact", "001")] and gdp.status == "missed"


def test_fixture_corpus_ledger() -> None:
    """The fictional fixture corpus (always present): two places, a chain across documents."""
    from conftest import CORPUS

    files = sorted([*CORPUS.glob("qinglan_*.txt"), *CORPUS.glob("yunxi_*.txt")])
    ledger = track_inputs(load_inputs(files, engine="rules"))
    assert [r.region for r in ledger.regions] == ["青岚市", "云溪县"]
    rows = _annual(ledger)
    qinglan = rows[("青岚市", "gdp", "growth", "%", 2024)]
    assert [(c.raw, c.document) for c in qinglan.targets] == [
        ("6.5%左右", "qinglan_annual_2024.txt")
    ]
    assert [(c.raw, c.document) for c in qinglan.actuals] == [
        ("5.8%", "qinglan_work_report_2025.txt")
    ]
    assert qinglan.status == "missed"  # 5.8 < 6.5 - 0.5
    yunxi = rows[("云溪县", "gdp", "growth", "%", 2024)]  # GBK plan against a news page
    assert _cells(yunxi.targets) == [(7.0, "about", "qin")]
    assert _cells(yunxi.actuals) == [(6.2, "exact", "yun")] and yunxi.status == "missed"
    assert rows[("云溪县", "budget_revenue", "growth", "%", 2024)].status == "met"  # 5.6 vs 5
    five = _periods(ledger)[("青岚市", "gdp", "average_growth", 2021, 2025)]
    assert {(c.value, c.comparator.value) for c in five.targets} == {(6.0, "about")}
    assert len({c.document for c in five.targets}) == 2  # outline and proposal agree
    assert [lk.year for lk in five.chain if lk.actual is not None] == [2024]
    assert five.status == "not_yet_known" and five.needed_for_rest == pytest.approx(6.05, abs=0.01)


@given(
    t=st.floats(min_value=-20, max_value=200, allow_nan=False),
    a=st.floats(min_value=-20, max_value=200, allow_nan=False),
    d=st.floats(min_value=0, max_value=50, allow_nan=False),
    comparator=st.sampled_from(list(Comparator)),
    direction=st.sampled_from(["up", "down"]),
)
def test_a_better_actual_never_turns_met_into_missed(
    t: float, a: float, d: float, comparator: Comparator, direction: str
) -> None:
    """Monotone: moving the actual the way the target points keeps a met target met."""
    target = _cell(f"{t:g}%", t, comparator)
    got, _ = judge(target, _cell(f"{a:g}%", a, Comparator.exact), direction)
    lo, hi, _, _, _ = _satisfied_region(target, direction)
    better = a + d if hi == math.inf else a - d if lo == -math.inf else a
    moved, _ = judge(target, _cell(f"{better:g}%", better, Comparator.exact), direction)
    assert got in ("met", "missed")  # a point actual is always decided
    if got == "met":
        assert moved == "met"


def test_a_stated_fall_is_a_negative_change() -> None:
    plan = "青岚市2026年计划\n2026年主要目标:社会消费品零售总额增长5%,单位地区生产总值能耗降低3%以上。\n"
    report = (
        "青岚市2027年政府工作报告\n一、2026年工作回顾\n"
        "2026年,社会消费品零售总额下降1.5%,单位地区生产总值能耗下降3.2%。\n"
    )
    rows = _annual(track_inputs(_inputs(plan, report), include_other=True))
    retail = rows[("青岚市", "retail_sales", "growth", "%", 2026)]
    assert [c.value for c in retail.actuals] == [-1.5] and retail.status == "missed"
    energy = next(r for k, r in rows.items() if "能耗" in k[1] and k[4] == 2026)
    assert [(c.value, c.comparator) for c in energy.targets] == [(-3.0, Comparator.at_most)]
    assert [c.value for c in energy.actuals] == [-3.2]
    assert energy.status == "met"  # a fall of 3.2 % is at least the 3 % asked for


def test_the_year_period_and_direction_fields_are_read_first() -> None:
    """When the indicator model carries year, period and direction (issue 11), they win."""
    from plansum.ledger import when_of

    class Dated(Indicator):
        year: int | None = None
        period: str | None = None
        direction: str | None = None

    text = "青岚市2026年计划\n主要目标:地区生产总值增长6%。\n"
    s = summarize(text, engine="rules")
    ind = s.indicators[0]
    q = ind.growth
    assert q is not None
    assert when_of(ind, q, "target", s.document, text).start == 2026  # from the document
    dated = Dated(**{**ind.model_dump(), "year": 2027})
    w = when_of(dated, dated.growth, "target", s.document, text)  # type: ignore[arg-type]
    assert (w.start, w.end, w.how) == (2027, 2027, "year field")
    spanned = Dated(**{**ind.model_dump(), "year": 2030, "period": "2026-2030"})
    w = when_of(spanned, spanned.growth, "target", s.document, text)  # type: ignore[arg-type]
    assert (w.start, w.end) == (2026, 2030)
    falling = Dated(**{**ind.model_dump(), "direction": "down"})
    assert stated_sign(falling, falling.growth, text) == -1  # type: ignore[arg-type]
    assert stated_sign(ind, q, text) == 1
    # the words next to the number win over a declared field, and the cell says so
    report = "青岚市2026年政府工作报告\n一、五年回顾\n刚刚过去的2025年,地区生产总值增长4.9%。\n"
    r = summarize(report, engine="rules").indicators[0]
    tagged = Dated(**{**r.model_dump(), "year": 2025, "period": "2021-2025"})
    w = when_of(tagged, tagged.growth, "actual", s.document, report)  # type: ignore[arg-type]
    assert (w.start, w.end) == (2025, 2025) and "period field 2021-2025 set aside" in w.how


def test_cli_track_refuses_to_write_over_an_input(tmp_path: Path) -> None:
    from conftest import CORPUS

    doc = tmp_path / "plan.txt"
    doc.write_bytes((CORPUS / "qinglan_annual_2024.txt").read_bytes())
    before = doc.read_bytes()
    for args in (["track", str(doc), "-o", str(doc)], ["track", str(tmp_path), "-o", str(doc)]):
        r = CliRunner().invoke(app, args)
        assert r.exit_code == 2 and "one of the input documents" in r.output
    assert doc.read_bytes() == before


def test_doubling_is_not_a_growth_rate() -> None:
    text = "青岚市十五五规划纲要\n到2030年,人均地区生产总值比2025年翻一番,地区生产总值年均增长5.5%左右。\n"
    ledger = track_inputs(_inputs(text))
    rows = [*_annual(ledger).items(), *_periods(ledger).items()]
    growth = [
        (k, [c.raw for c in r.targets]) for k, r in rows if k[2] in ("growth", "average_growth")
    ]
    assert all("番" not in raw for _, raws in growth for raw in raws), growth
    doubling = [r for k, r in rows if k[1] == "gdp_per_capita" and k[2] == "change"]
    assert [c.raw for r in doubling for c in r.targets] == ["一番"]
