"""Reader-grade indicators (issue 11, items 2-6): time, direction, names, non-indicators, headline.

Texts here are fictional (松桥市 and friends); the facts asserted are read off the text by eye.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest

from conftest import CORPUS
from plansum import summarize, summarize_file
from plansum.models import Comparator, Indicator, IndicatorKind, PlanSummary
from plansum.render import render

WORK_REPORT = CORPUS / "songqiao_work_report_2026.txt"
NEWS = CORPUS / "songqiao_news_2026.txt"


@pytest.fixture(scope="module")
def report() -> PlanSummary:
    return summarize_file(WORK_REPORT)


@pytest.fixture(scope="module")
def report_text() -> str:
    return WORK_REPORT.read_text(encoding="utf-8")


def _find(s: PlanSummary, name: str, raw: str) -> Indicator:
    hits = [i for i in s.indicators if i.name == name and any(q.raw == raw for q in i.quantities())]
    assert len(hits) == 1, (name, raw, [(i.name, [q.raw for q in i.quantities()]) for i in s.indicators])
    return hits[0]


# --------------------------------------------------------------------------- item 2: time


@pytest.mark.parametrize(
    ("name", "raw", "kind", "year", "period"),
    [
        ("地区生产总值", "865亿元", "actual", 2025, None),  # 2025年，… in a 2026 report
        ("固定资产投资", "2.5%", "actual", 2025, None),
        ("单位地区生产总值能耗", "3.1%", "actual", 2025, None),  # 一年来
        ("地区生产总值", "5.9%", "actual", 2025, "2021-2025"),  # 五年来
        ("全员劳动生产率", "13.8万元/人", "actual", 2025, "2021-2025"),
        ("地区生产总值", "5.5%左右", "target", 2030, "2026-2030"),  # “十五五”时期 … 年均
        ("常住人口城镇化率", "68%", "target", 2030, "2026-2030"),  # 到2030年 in the 十五五 passage
        ("一般公共预算收入", "4%", "target", 2026, None),  # 今年 … 主要预期目标
        ("新增规模以上工业企业", "40户", "target", 2026, None),  # heading: 2026年…重点工作
    ],
)
def test_every_indicator_says_its_year_and_kind(
    report: PlanSummary, name: str, raw: str, kind: str, year: int, period: str | None
) -> None:
    found = [
        (i.kind.value, i.year, i.period)
        for i in report.indicators
        if i.name == name and any(q.raw == raw for q in i.quantities())
    ]
    assert (kind, year, period) in found


def test_targets_of_2026_and_2030_are_told_apart(report: PlanSummary) -> None:
    gdp = [i for i in report.indicators if i.name == "地区生产总值" and i.growth and i.growth.raw == "5.5%左右"]
    assert sorted((i.year, i.period) for i in gdp) == [(2026, None), (2030, "2026-2030")]


def test_every_indicator_of_the_fixtures_has_a_year() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        s = summarize_file(path)
        undated = [i.name for i in s.indicators if i.year is None and i.period is None]
        assert not undated, (path.name, undated)


def test_identical_rows_are_shown_once() -> None:
    text = "今年主要目标：粮食产量稳定在42万吨以上。\n\n今年主要目标：粮食产量稳定在42万吨以上。\n"
    s = summarize(text)
    assert [i.name for i in s.indicators] == ["粮食产量"]


def test_baseline_year_is_not_the_indicators_year() -> None:
    s = summarize("松桥市2026年计划\n\n到2030年，人均地区生产总值比2025年翻一番。\n")
    (ind,) = s.indicators
    assert ind.name == "人均地区生产总值" and ind.year == 2030


# --------------------------------------------------------------------------- item 3: direction


@pytest.mark.parametrize(
    ("name", "raw", "direction", "signed"),
    [
        ("固定资产投资", "2.5%", "down", -2.5),  # 下降2.5%
        ("单位地区生产总值能耗", "3.1%", "down", -3.1),  # 降低3.1%
        ("化学需氧量排放量", "4.2%", "down", -4.2),  # 减少4.2%
        ("单位地区生产总值能耗", "超过16%", "down", -16.0),  # 累计下降超过16%
        ("地区生产总值", "865亿元", "up", 5.4),  # 达到865亿元，增长5.4%
    ],
)
def test_declines_keep_their_direction(
    report: PlanSummary, name: str, raw: str, direction: str, signed: float
) -> None:
    ind = _find(report, name, raw)
    assert ind.direction == direction
    assert ind.signed_growth() == pytest.approx(signed)


def test_levels_are_not_growth(report: PlanSummary) -> None:
    for name, raw in (("常住人口城镇化率", "68%"), ("研究与试验发展经费投入强度", "2.6%")):
        ind = _find(report, name, raw)  # 提高到68%, 上升至2.6%
        assert ind.growth is None and ind.target is not None and ind.target.raw == raw


def test_doubling_is_times_two(report: PlanSummary) -> None:
    ind = _find(report, "人均地区生产总值", "一番")
    assert ind.multiple == 2.0 and ind.direction == "up"


def test_direction_reaches_every_output(report: PlanSummary, report_text: str) -> None:
    md = render(report, report_text, "markdown")
    assert isinstance(md, str)
    row = next(line for line in md.splitlines() if line.startswith("|") and "化学需氧量排放量" in line)
    assert "↓4.2%" in row
    html = render(report, report_text, "html")
    assert isinstance(html, str) and "↓4.2%" in html
    data = json.loads(str(render(report, report_text, "json")))
    cod = next(i for i in data["indicators"] if i["name"] == "化学需氧量排放量")
    assert cod["direction"] == "down"
    rows = list(csv.DictReader(io.StringIO(str(render(report, report_text, "csv")).lstrip("\ufeff"))))
    cod_row = next(r for r in rows if r["name"] == "化学需氧量排放量")
    assert cod_row["direction"] == "down" and float(cod_row["growth_signed"]) == -4.2


# --------------------------------------------------------------------------- item 4: names


def test_paired_lists_name_each_value(report: PlanSummary) -> None:
    assert _find(report, "城镇居民人均可支配收入", "4.3%").kind is IndicatorKind.actual
    assert _find(report, "农村居民人均可支配收入", "6.1%").kind is IndicatorKind.actual
    for ordinal, raw in (("一", "3.8%"), ("二", "6.9%"), ("三", "4.7%")):
        _find(report, f"第{ordinal}产业增加值", raw)
    for sector, raw in (("农业", "42.6亿元"), ("工业", "158.3亿元"), ("服务业", "97.5亿元")):
        _find(report, f"{sector}投资", raw)


def test_comparator_written_once_follows_the_list(report: PlanSummary) -> None:
    town = _find(report, "城镇居民人均可支配收入", "5%")  # 分别增长5%、6.5%左右
    country = _find(report, "农村居民人均可支配收入", "6.5%左右")
    assert town.growth is not None and town.growth.comparator is Comparator.about
    assert country.growth is not None and country.growth.comparator is Comparator.about


@pytest.mark.parametrize("unit", ["件/万人", "平方米/人", "千克/亩"])
def test_ratio_units_stay_whole(report: PlanSummary, unit: str) -> None:
    assert any(i.unit == unit for i in report.indicators), unit


def test_names_from_a_list_of_subjects() -> None:
    s = summarize("2026年计划\n\n民营企业、科技型企业贷款分别增长12%和15%。\n")
    assert [(i.name, i.growth.raw if i.growth else None) for i in s.indicators] == [
        ("民营企业贷款", "12%"),
        ("科技型企业贷款", "15%"),
    ]


def test_names_are_clean_on_every_fixture() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        names = [i.name for i in summarize_file(path).indicators]
        bad = [n for n in names if unicodedata.category(n[0]).startswith(("P", "S"))]
        assert not bad, (path.name, bad)
        unbalanced = [n for n in names if n.count("“") != n.count("”") or n.count("（") != n.count("）")]
        assert not unbalanced, (path.name, unbalanced)


def test_list_items_after_a_pause_mark_are_named_without_it() -> None:
    s = summarize("2025年工作回顾\n\n建成绿色工厂12家、智能车间30个。\n")
    assert [i.name for i in s.indicators] == ["绿色工厂", "智能车间"]


# --------------------------------------------------------------------------- item 5: non-indicators


def test_slogans_ranges_and_hypotheticals_stay_out(report: PlanSummary) -> None:
    raws = {q.raw for i in report.indicators for q in i.quantities()}
    for raw in ("15分钟", "24小时", "365天", "2026-2030年", "2020年到2025年", "6.15分钟", "30%"):
        assert raw not in raws, raw


def test_news_items_keep_ranges_and_drop_slogans(report: PlanSummary) -> None:
    ind = _find(report, "国家级专精特新“小巨人”企业", "1-2家")
    assert ind.target is not None and (ind.target.value, ind.target.upper) == (1, 2)
    assert not any(q.unit == "分钟" for i in report.indicators for q in i.quantities())


def test_news_headlines_are_not_indicators() -> None:
    s = summarize_file(NEWS)
    raws = {q.raw for i in s.indicators for q in i.quantities()}
    assert "860亿元" not in raws and "5.5%左右" not in raws
    assert "865亿元" in raws


# --------------------------------------------------------------------------- item 6: headline


def test_headline_block_groups_results_and_targets(report: PlanSummary) -> None:
    labels = [g.label for g in report.headlines]
    assert labels == ["2025年完成", "十四五完成", "2026年目标", "十五五目标"]
    by_label = {g.label: [report.indicators[i] for i in g.indicators] for g in report.headlines}
    assert {i.name for i in by_label["2026年目标"]} >= {
        "地区生产总值", "一般公共预算收入", "规模以上工业增加值", "固定资产投资", "城镇调查失业率",
    }  # fmt: skip
    assert all(i.kind is IndicatorKind.target and i.year == 2026 for i in by_label["2026年目标"])
    assert all(i.kind is IndicatorKind.actual for i in by_label["2025年完成"])
    # work items (重点项目260个) are not main targets
    assert not any(i.name == "实施市级重点项目" for i in by_label["2026年目标"])


def test_overview_is_built_from_the_headline(report: PlanSummary) -> None:
    ov = report.overview
    assert "2026年目标：地区生产总值增长5.5%左右" in ov
    assert "固定资产投资下降2.5%" in ov
    assert "十五五目标" in ov and "、、" not in ov
    assert ov.index("2025年完成") < ov.index("2026年目标") < ov.index("十五五目标")


def test_headline_comes_first_in_every_output(report: PlanSummary, report_text: str) -> None:
    md = str(render(report, report_text, "markdown"))
    assert md.index("## 要点") < md.index("## 概述") < md.index("## 指标")
    assert md.index("### 2025年完成") < md.index("### 2026年目标") < md.index("### 十五五目标")
    html = str(render(report, report_text, "html"))
    assert html.index("要点 (headline figures)") < html.index("概述 (overview)")
    data = json.loads(str(render(report, report_text, "json")))
    assert list(data)[:2] == ["document", "headlines"]
    assert data["headlines"][0]["label"] == "2025年完成"
    rows = list(csv.DictReader(io.StringIO(str(render(report, report_text, "csv")).lstrip("\ufeff"))))
    first = rows[0]
    assert first["headline"] == "2025年完成" and first["name"] == "地区生产总值"
    assert first["year"] == "2025"


def test_last_years_growth_under_a_five_year_review_is_that_years_not_the_periods() -> None:
    """A work report reviews five years and then "刚刚过去的2025年": that year's growth rates
    are 2025's (headline 2025年完成); a level reached in 2025, or a 年均 rate, ends the period."""
    import plansum

    text = (
        "梧川市2026年政府工作报告\n一、过去五年工作回顾\n"
        "五年来，全市地区生产总值年均增长5.6%，2025年达到820亿元。\n"
        "刚刚过去的2025年，全市地区生产总值增长5.1%，一般公共预算收入增长6.3%。\n"
        "二、2026年工作安排\n2026年主要预期目标是：地区生产总值增长5%左右。\n"
    )
    got = {
        (i.headline().raw if i.headline() else ""): (i.year, i.period)  # type: ignore[union-attr]
        for i in plansum.summarize(text, engine="rules").indicators
    }
    assert got["5.1%"] == (2025, None) and got["6.3%"] == (2025, None)
    assert got["5.6%"] == (2025, "2021-2025")
