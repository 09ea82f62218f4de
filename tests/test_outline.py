"""Tests for plansum.parse.outline: the heading tree with exact offsets.

Fixtures are self-written text about the fictional city 青岚市.  Seed tests read the
real documents from ../shared/seeds (or $PLANSUM_SEEDS) and are skipped without them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansum.models import Section
from plansum.parse.outline import KINDS, flatten, parse_outline, section_path

GOLD = Path(__file__).resolve().parent / "gold"


def _seeds_dir() -> Path:
    env = os.environ.get("PLANSUM_SEEDS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _seed(prefix: str) -> str:
    found = sorted(_seeds_dir().glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed {prefix} not found under {_seeds_dir()}")
    return found[0].read_text(encoding="utf-8")


def _heads(text: str, sections: list[Section]) -> list[tuple[int, str, str | None, str]]:
    return [(s.level, s.kind, s.number, s.title) for s in flatten(sections)]


def check_invariants(text: str, sections: list[Section]) -> None:
    """Offsets are exact and the tree is well nested (used by every test)."""
    n = len(text)

    def walk(level: list[Section], depth: int, lo: int, hi: int) -> None:
        prev_end = lo
        for s in level:
            assert s.level == depth
            assert s.kind in KINDS or s.kind == "box"
            assert 0 <= s.body.start <= s.span.start < s.span.end <= s.body.end <= n
            assert s.body.start == s.span.start
            assert lo <= s.body.start and s.body.end <= hi  # inside the parent's body
            assert s.body.start >= prev_end  # siblings ordered, not overlapping
            prev_end = s.body.end
            head = text[s.span.start : s.span.end]
            assert head == head.strip()
            assert not head.endswith("|")
            if s.kind == "box":
                assert s.children == []
            walk(s.children, depth + 1, s.body.start, s.body.end)

    walk(sections, 1, 0, n)


# A 纲要 of a fictional city, with the noise real ones have: broken numbering
# (第%1章, 第1节), a 专栏 with a one-line list, tables with "|" chrome, indents.
GANGYAO = """青岚市国民经济和社会发展第十四个五年规划纲要

第一篇 开启青岚现代化建设新征程
  过去五年，青岚市经济总量稳步提升。按照第三章的要求，全市各项工作有序推进。
第一章 发展基础
第一节 主要成就
  青岚港吞吐量增长较快，滨湖新区初具规模。
第%1节 面临形势
  外部环境仍有不确定性。
第二章 总体要求
　　第1节 指导思想
  坚持稳中求进工作总基调。
一、发展原则
  （一）坚持创新驱动。把创新摆在发展全局的核心位置，青岚科学城加快建设。
    1.建设创新平台。到2025年建成3个市级实验室。
      （1）实验室建设：新建青岚湖实验室。
      （2）人才引育：每年引进博士50名。
    2.优化创新生态。
  （二）坚持绿色发展。
专栏1 青岚市主要指标 |
序号 | 指标 | 单位 | 2020年 | 2025年 |
1 | 地区生产总值 | 亿元 | 800 | 1100 |
1.青岚湖生态修复工程 2.滨湖水厂扩建工程 3.环湖绿道工程 |
1.5万亩高标准农田全部建成。
第二篇 建设现代产业体系
第%1章 做强制造业
  一、二季度工业增速保持在8%左右。
第一节 壮大先进制造
  ——经济发展水平明显提高。
  围绕新能源装备布局产业链。
"""


def test_gangyao_tree() -> None:
    secs = parse_outline(GANGYAO)
    check_invariants(GANGYAO, secs)
    assert _heads(GANGYAO, secs) == [
        (1, "pian", "一", "开启青岚现代化建设新征程"),
        (2, "zhang", "一", "发展基础"),
        (3, "jie", "一", "主要成就"),
        (3, "jie", "%1", "面临形势"),
        (2, "zhang", "二", "总体要求"),
        (3, "jie", "1", "指导思想"),
        (4, "cn_item", "一", "发展原则"),
        (5, "cn_paren", "一", "坚持创新驱动"),
        (6, "num_item", "1", "建设创新平台"),
        (7, "num_paren", "1", "实验室建设"),
        (7, "num_paren", "2", "人才引育"),
        (6, "num_item", "2", "优化创新生态"),
        (5, "cn_paren", "二", "坚持绿色发展"),
        (6, "box", "1", "青岚市主要指标"),
        (1, "pian", "二", "建设现代产业体系"),
        (2, "zhang", "%1", "做强制造业"),
        (3, "jie", "一", "壮大先进制造"),
    ]


def test_spans_slice_to_heading_text() -> None:
    secs = {(s.kind, s.number): s for s in flatten(parse_outline(GANGYAO))}

    def head(kind: str, number: str) -> str:
        return secs[(kind, number)].span.slice(GANGYAO)

    assert head("pian", "一") == "第一篇 开启青岚现代化建设新征程"
    assert head("jie", "1") == "第1节 指导思想"  # indented with full-width spaces
    assert head("cn_paren", "一") == "（一）坚持创新驱动。"  # run-in: heading sentence only
    assert head("num_paren", "1") == "（1）实验室建设："
    assert head("box", "1") == "专栏1 青岚市主要指标"  # without the "|" chrome
    assert head("zhang", "%1") == "第%1章 做强制造业"


def test_bodies_run_to_next_heading_of_same_or_higher_level() -> None:
    text = GANGYAO
    secs = parse_outline(text)
    flat = flatten(secs)
    by = {(s.kind, s.number): s for s in flat}
    pian1, pian2 = by[("pian", "一")], by[("pian", "二")]
    assert pian1.body.end == pian2.span.start
    assert pian2.body.end == len(text)
    # 第二章's body ends at the next 篇, since no 章 follows it in 第一篇
    assert by[("zhang", "二")].body.end == pian2.span.start
    # the box runs to the next heading; the one-line project list and the "1.5万亩"
    # line inside it are not headings
    box = by[("box", "1")]
    assert box.body.end == pian2.span.start
    assert "2.滨湖水厂扩建工程" in box.body.slice(text)
    # the run-in paragraph continues in the body of its heading
    assert "青岚科学城加快建设" in by[("cn_paren", "一")].body.slice(text)
    # 1. ends at 2., （1） at （2）
    assert by[("num_item", "1")].body.end == by[("num_item", "2")].span.start
    assert by[("num_paren", "1")].body.end == by[("num_paren", "2")].span.start


def test_not_headings() -> None:
    secs = flatten(parse_outline(GANGYAO))
    titles = " ".join(s.title for s in secs)
    assert "第三章的要求" not in titles  # numbers in mid-line
    assert "二季度" not in titles  # "一、二季度" is an enumeration
    assert "经济发展水平" not in titles  # "——…。" without bold is a paragraph
    assert "青岚湖生态修复工程" not in titles  # one-line list in a box
    assert not any(s.kind == "num_item" and s.number == "1" and "万亩" in s.title for s in secs)


# An annual report: only 一、 and （一）/(一), mixed widths, run-in headings, a bold
# run-in review paragraph, and a 专栏 under a (二).
REPORT = """青岚市2024年政府工作报告

——**五年来，我们坚持创新引领，产业结构持续优化。**青岚科学城建成投用，新增高新技术企业120家。

——**五年来，我们坚持生态优先，城乡面貌明显改善。**

一、2023年工作回顾
(一)经济运行稳中有进。全市地区生产总值增长6%左右。
（二）改革开放持续深化。
  专栏一：重点改革事项
  1.要素市场化配置改革
  2.国有企业改革深化提升
（三）民生福祉不断增进。

二、2024年主要任务
（一）扩大有效需求：实施重点项目200个。
"""


def test_report_levels_are_relative() -> None:
    secs = parse_outline(REPORT)
    check_invariants(REPORT, secs)
    assert _heads(REPORT, secs) == [
        (1, "runin", None, "五年来，我们坚持创新引领，产业结构持续优化"),
        (1, "runin", None, "五年来，我们坚持生态优先，城乡面貌明显改善"),
        (1, "cn_item", "一", "2023年工作回顾"),
        (2, "cn_paren", "一", "经济运行稳中有进"),
        (2, "cn_paren", "二", "改革开放持续深化"),
        (3, "box", "一", "重点改革事项"),
        (2, "cn_paren", "三", "民生福祉不断增进"),
        (1, "cn_item", "二", "2024年主要任务"),
        (2, "cn_paren", "一", "扩大有效需求"),
    ]
    runin = parse_outline(REPORT)[0]
    assert runin.span.slice(REPORT) == "——**五年来，我们坚持创新引领，产业结构持续优化。**"
    assert runin.body.end == REPORT.index("——**五年来，我们坚持生态")


NEWS = """往期阅读
当前版: 06版 上一版  下一版
上一篇    下一篇
放大 缩小 默认   朗读

青岚湖畔春潮涌

青岚新港全景。林一舟 摄
  □本报记者 林一舟

  青岚市坚持稳中求进，去年经济运行总体平稳、稳中向好，各项指标好于预期。

  2024年发展成绩亮眼

  全年地区生产总值达到1200亿元，增长6.5%，高于全省平均水平。

  产业转型步伐加快\xa0创新动能持续增强

  新增规模以上工业企业80家，高新技术企业突破500家，研发投入强度提高到2.6%。

上一篇    下一篇
   标题导航
   第01版:要闻
"""


def test_news_bare_headings_and_chrome() -> None:
    secs = parse_outline(NEWS)
    check_invariants(NEWS, secs)
    assert [(s.kind, s.title) for s in secs] == [
        ("bare", "2024年发展成绩亮眼"),
        ("bare", "产业转型步伐加快 创新动能持续增强"),
    ]
    # a numbered document never gets bare headings
    numbered = "一、总体要求\n" + NEWS
    assert {s.kind for s in flatten(parse_outline(numbered))} == {"cn_item"}


def test_title_on_next_line_and_crlf() -> None:
    text = "第一章\r\n总 则\r\n  青岚市制定本规划。\r\n第二章　发展目标\r\n  到2025年，青岚市…\r\n"
    secs = parse_outline(text)
    check_invariants(text, secs)
    assert [(s.number, s.title) for s in secs] == [("一", "总 则"), ("二", "发展目标")]
    assert secs[0].span.slice(text) == "第一章\r\n总 则"
    assert secs[1].span.slice(text) == "第二章　发展目标"


def test_markdown_marked_headings() -> None:
    text = "## 一、总体要求\n正文。\n**（一）指导思想**\n正文。\n"
    secs = flatten(parse_outline(text))
    assert [(s.level, s.kind, s.title) for s in secs] == [
        (1, "cn_item", "总体要求"),
        (2, "cn_paren", "指导思想"),
    ]
    assert secs[1].span.slice(text) == "**（一）指导思想**"


def test_empty_and_headingless() -> None:
    assert parse_outline("") == []
    assert parse_outline("青岚市今年经济平稳增长。\n全年粮食产量保持稳定。\n") == []
    assert section_path([], 3) == []


def test_section_path_and_flatten() -> None:
    text = GANGYAO
    secs = parse_outline(text)
    off = text.index("每年引进博士")
    path = section_path(secs, off)
    assert [(s.kind, s.number) for s in path] == [
        ("pian", "一"),
        ("zhang", "二"),
        ("jie", "1"),
        ("cn_item", "一"),
        ("cn_paren", "一"),
        ("num_item", "1"),
        ("num_paren", "2"),
    ]
    assert [s.kind for s in section_path(secs, text.index("滨湖水厂"))][-1] == "box"
    assert section_path(secs, 0) == []  # the document title is before any heading
    assert section_path(secs, len(text)) == []
    flat = flatten(secs)
    assert [s.span.start for s in flat] == sorted(s.span.start for s in flat)
    for s in flat:  # a heading's own offset lands on that heading
        assert section_path(secs, s.span.start)[-1] is s


def test_repeated_document_repeats_its_outline() -> None:
    """A document pasted 40 times has 40 times the headings (speed is measured in bench/)."""
    one = len(flatten(parse_outline(GANGYAO)))
    assert len(flatten(parse_outline(GANGYAO * 40))) == 40 * one


# ---------------------------------------------------------------- property tests

_BLOCKS = [
    "第一篇 青岚篇",
    "第%1章 青岚章",
    "第二节 青岚节",
    "一、青岚事项",
    "（一）青岚分项。正文继续。",
    "(二)青岚分项",
    "1.青岚条目。正文",
    "（1）青岚细目",
    "专栏2 青岚工程 |",
    "1.甲工程 2.乙工程",
    "——**青岚五年成就。**正文",
    "——经济发展水平明显提高。",
    "青岚市坚持稳中求进，经济运行总体平稳，各项指标好于预期。",
    "青岚发展成绩亮眼",
    "上一篇    下一篇",
    "按照第三章要求推进。",
    "第一章",
    "",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_BLOCKS),
            st.sampled_from(["", "  ", "\u3000\u3000", "\t"]),
            st.sampled_from(["\n", "\r\n", "\n\n"]),
        ),
        max_size=40,
    )
)
def test_property_block_documents(blocks: list[tuple[str, str, str]]) -> None:
    text = "".join(indent + line + end for line, indent, end in blocks)
    secs = parse_outline(text)
    check_invariants(text, secs)
    for s in flatten(secs):
        assert section_path(secs, s.span.start)[-1] is s


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="第一二十%1篇章节专栏（）()、.。:*—|\n 　青岚x", max_size=200))
def test_property_arbitrary_text(text: str) -> None:
    check_invariants(text, parse_outline(text))


# ---------------------------------------------------------------- seed documents


def test_seed002_gold_recall() -> None:
    text = _seed("002")
    gold = json.loads((GOLD / "outline_seed002.json").read_text(encoding="utf-8"))
    secs = parse_outline(text)
    check_invariants(text, secs)
    found = [
        (s.kind, s.number, s.title) for s in flatten(secs) if s.kind in ("pian", "zhang", "jie")
    ]
    want = [(g["level_kind"], g["number"], g["title"]) for g in gold]
    missing = [w for w in want if w not in found]
    assert not missing, missing
    assert found == want
    level = {"pian": 1, "zhang": 2, "jie": 3}
    for s in flatten(secs):
        if s.kind in level:
            assert s.level == level[s.kind]
            head = s.span.slice(text)
            assert head.startswith("第") and head.endswith(s.title)
            line_start = text.rfind("\n", 0, s.span.start) + 1
            line_end = text.find("\n", s.span.end)
            assert text[line_start:line_end].strip() == head


def test_seed002_boxes() -> None:
    text = _seed("002")
    flat = flatten(parse_outline(text))
    counts = Counter(s.kind for s in flat)
    assert counts["box"] == 21
    assert set(counts) == {"pian", "zhang", "jie", "box"}  # box lists are not headings
    for s in flat:
        if s.kind == "box":
            assert s.span.slice(text).startswith("专栏")
            assert "|" not in s.title




def test_seed000_runin_headings() -> None:
    text = _seed("000")
    secs = parse_outline(text)
    check_invariants(text, secs)
    counts = Counter(s.kind for s in flatten(secs))
    assert counts == {"cn_item": 8, "cn_paren": 15}
    assert all(s.level == 1 for s in secs)
    first = secs[0].children[0]
    assert first.kind == "cn_paren" and first.number == "一"
    assert first.title == "决胜全面建成小康社会取得决定性成就"
    assert first.span.slice(text) == first.span.slice(text).strip()
    assert first.span.slice(text).endswith("。")
    assert first.body.end > first.span.end + 100  # the paragraph goes on in the body


def test_seed001_bold_runin() -> None:
    text = _seed("001")
    secs = parse_outline(text)
    check_invariants(text, secs)
    counts = Counter(s.kind for s in flatten(secs))
    assert counts == {"runin": 3, "cn_item": 1, "cn_paren": 9}
    assert all(s.title.startswith("五年来") for s in secs if s.kind == "runin")


def test_seed003_page_chrome() -> None:
    text = _seed("003")
    secs = parse_outline(text)
    check_invariants(text, secs)
    flat = flatten(secs)
    assert len(flat) >= 10 and {s.kind for s in flat} == {"bare"}
    for s in flat:
        assert not any(w in s.title for w in ("往期", "上一", "下一", "导航", "版", "摄"))
    assert flat[0].title.startswith("2024年")


def test_seed004_items() -> None:
    text = _seed("004")
    secs = parse_outline(text)
    check_invariants(text, secs)
    assert [s.number for s in secs] == list("一二三四五六七八九")
    assert {s.kind for s in secs} == {"cn_item"}
