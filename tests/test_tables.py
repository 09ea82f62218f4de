"""Indicator tables in every layout: `|` rows, Markdown, tab-separated, one cell per line.

The fixture documents (tests/fixtures/corpus) are fictional; their gold lists every table row
with its attribute, category, baseline and target, so each layout is checked row by row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES
from plansum.eval.gold import load_gold
from plansum.parse.numbers import values_equal
from plansum.rules.tables import table_indicators

LAYOUTS = {
    "qiwu_outline_notice": "one cell per line, merged first column",
    "lanxi_annual_2025": "tab-separated, merged first column empty",
    "yunxi_ecology_plan": "Markdown pipe table",
}


def _text(name: str) -> str:
    return (CORPUS / f"{name}.txt").read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", sorted(LAYOUTS), ids=lambda n: LAYOUTS[n])
def test_every_row_is_read_with_its_attribute(name: str) -> None:
    gold = load_gold(FIXTURES / "gold" / f"{name}.json")
    rows = [g for g in gold.indicators if g.attribute is not None]
    assert len(rows) >= 5, "the fixture holds a whole table"
    text = _text(name)
    found, spans = table_indicators(text)
    by_name = {i.name: i for i in found}
    assert len(found) == len(rows), sorted(by_name)
    for g in rows:
        p = by_name.get(g.name)
        assert p is not None, g.name
        assert p.attribute == g.attribute, g.name
        assert p.category == g.category, g.name
        assert p.unit == g.unit, g.name
        assert p.target is not None and values_equal(p.target.value, g.value), g.name
        assert p.target.comparator == g.comparator, (g.name, p.target.raw)
        assert p.target_year == g.year, g.name
        assert p.target.span is not None and (p.target.span.start, p.target.span.end) == (g.start, g.end)
        assert text[p.target.span.start : p.target.span.end] == p.target.raw
        if g.baseline is None:
            assert p.baseline is None, g.name
        else:
            assert p.baseline is not None and values_equal(p.baseline.value, g.baseline.value), g.name
            assert p.baseline_year == g.baseline_year, g.name
    # The sentence reader is told to skip every value cell.
    for g in rows:
        assert any(s.start <= (g.start or 0) and (g.end or 0) <= s.end for s in spans), g.name


def test_a_footer_or_a_prose_line_with_pipes_is_not_a_row() -> None:
    table = "| 指标 | 单位 | 2025年 | 属性 |\n| --- | --- | --- | --- |\n| 森林覆盖率 | % | 40 | 约束性 |\n"
    footer = "来源：某某融媒 | 编辑：某某 | 2025年 | 分享\n"
    prose = "| 记者走访发现，新修的滨江步道上散步的人多了 | 不少商户说今年生意好做了 | 10 | 预期性 |\n"
    found, spans = table_indicators(table + footer + prose)
    assert [i.name for i in found] == ["森林覆盖率"]
    assert all(s.end <= len(table) for s in spans)
    alone, _ = table_indicators("澜溪县\n" + footer)
    assert alone == []
    # Straight after a table, a prose line with pipes neither becomes a row nor is skipped.
    found, spans = table_indicators(table + prose)
    assert [i.name for i in found] == ["森林覆盖率"]
    assert all(s.end <= len(table) for s in spans)


def test_layouts_agree() -> None:
    """One table written in the four layouts gives the same rows."""
    rows = [("经济", "地区生产总值", "亿元", "50", "60左右", "预期性"), ("", "人均预期寿命", "岁", "78", "≥79", "约束性")]
    header = ("类别", "指标", "单位", "2025年", "2030年", "属性")
    pipe = "\n".join(" | ".join(r) + " |" for r in [header, *rows])
    markdown = "\n".join("| " + " | ".join(r) + " |" for r in [header, ("---",) * 6, *rows])
    tab = "\n".join("\t".join(r) for r in [header, *rows])
    cells = "\n\n".join(c for r in [header, *rows] for c in r if c)
    got = {}
    for layout, text in {"pipe": pipe, "markdown": markdown, "tab": tab, "cells": cells}.items():
        found, _ = table_indicators(text)
        got[layout] = [
            (i.name, i.category, i.unit, i.attribute, i.baseline and i.baseline.raw, i.target and i.target.raw,
             i.target and i.target.comparator, i.target_year)
            for i in found
        ]
    assert got["markdown"] and len(got["markdown"]) == 2
    assert got["pipe"] == got["markdown"] == got["tab"] == got["cells"], got


def test_rows_without_attribute_column() -> None:
    text = "指标\t单位\t2025年\t2030年\n森林覆盖率\t%\t40\t42\n城镇化率\t%\t60\t65左右\n"
    found, _ = table_indicators(text)
    assert [(i.name, i.attribute, i.target and i.target.raw) for i in found] == [
        ("森林覆盖率", None, "42"),
        ("城镇化率", None, "65左右"),
    ]


def test_fixture_files_exist() -> None:
    for name in LAYOUTS:
        assert Path(CORPUS / f"{name}.txt").is_file()


def test_cells_with_serials_units_in_names_and_bracketed_totals() -> None:
    """One cell per line as a national-style table writes it: 1.名称（单位）, 〔14〕, a 年均/累计 column."""
    header = ["类别", "指标", "2025年", "2030年", "年均/累计", "属性"]
    rows = [
        ["经济发展", "1.地区生产总值增长（%）", "5.8", "—", "5左右", "预期性"],
        ["2.常住人口城镇化率（%）", "61.2", "65", "—", "预期性"],
        ["绿色生态", "3.单位地区生产总值能源消耗降低（%）", "—", "—", "〔14〕", "约束性"],
        ["4.森林覆盖率（%）", "24.1", "25", "—", "约束性"],
    ]
    text = "表1 主要指标\n\n" + "\n\n".join(c for r in [header, *rows] for c in r) + "\n\n注：〔 〕内为5年累计数。\n"
    found, _ = table_indicators(text)
    got = [
        (i.name, i.category, i.unit, i.attribute and i.attribute.value, i.target and i.target.raw, i.growth and i.growth.raw)
        for i in found
    ]
    assert got == [
        ("地区生产总值增长", "经济发展", "%", "expected", None, "5左右"),
        ("常住人口城镇化率", "经济发展", "%", "expected", "65", None),
        ("单位地区生产总值能源消耗降低", "绿色生态", "%", "binding", None, "〔14〕"),
        ("森林覆盖率", "绿色生态", "%", "binding", "25", None),
    ]


def test_an_empty_remark_cell_left_out_does_not_shift_the_rows() -> None:
    """One cell per line with a 备注 column that only some rows fill."""
    header = ["指标", "单位", "2025年", "2030年", "属性", "备注"]
    rows = [
        ["森林覆盖率", "%", "40", "42", "约束性"],
        ["城镇化率", "%", "60", "65左右", "预期性", "按常住人口计"],
        ["人均预期寿命", "岁", "78", "79", "预期性"],
    ]
    text = "\n\n".join(c for r in [header, *rows] for c in r) + "\n"
    found, _ = table_indicators(text)
    assert [(i.name, i.unit, i.baseline and i.baseline.raw, i.target and i.target.raw) for i in found] == [
        ("森林覆盖率", "%", "40", "42"),
        ("城镇化率", "%", "60", "65左右"),
        ("人均预期寿命", "岁", "78", "79"),
    ]


def test_one_cell_per_line_with_a_unit_column_named_and_merged_type_cells() -> None:
    # A fictional plan's annex table saved from Word: 指标单位 names the unit column, a merged
    # 类型 cell leaves later rows of its group one cell short, ">" bounds a value.
    rows = [
        "序号", "类型", "指标名称", "指标单位", "2030年目标值", "属性",
        "1", "保护修缮", "传统民居修缮面积", "万平方米", "12", "约束性",
        "2", "古桥修复", "座", "6", "预期性",
        "3", "社会参与", "志愿讲解员", "人", ">80", "预期性",
        "4", "民宿改造", "—", "基本完成", "约束性",
    ]
    text = "附件：青石镇风貌保护指标\n\n" + "\n\n".join(rows) + "\n\n附件2：项目清单\n"
    inds, spans = table_indicators(text)
    got = [
        (i.name, i.category, i.unit, i.target.value if i.target else i.target_text,
         i.target.comparator.value if i.target else None, i.attribute.value if i.attribute else None)
        for i in inds
    ]  # fmt: skip
    assert got == [
        ("传统民居修缮面积", "保护修缮", "万平方米", 12.0, "exact", "binding"),
        ("古桥修复", "保护修缮", "座", 6.0, "exact", "expected"),
        ("志愿讲解员", "社会参与", "人", 80.0, "more_than", "expected"),
        ("民宿改造", "社会参与", "", "基本完成", None, "binding"),
    ]
    for i in inds:
        if i.target is not None:
            assert i.target.span is not None
            assert text[i.target.span.start : i.target.span.end] == i.target.raw
    assert spans and text[spans[0].start : spans[0].start + 2] == "序号"
