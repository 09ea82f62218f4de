"""Chunks cover the document without gaps, respect the budget and never cut a number."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plansum.parse.chunking import chunk_text
from plansum.parse.numbers import find_mentions
from plansum.parse.outline import flatten, parse_outline

PIECES = [
    "第一章 总体要求\n",
    "第二节 主要目标\n",
    "一、稳增长\n",
    "地区生产总值增长6.5%左右，",
    "城镇新增就业1.5万人。",
    "粮食产量稳定在182亿斤以上；",
    "新建5G基站8~10个",
    "1 | 森林覆盖率 | % | 22.89 | 26 | 2.58 | 约束性 |\n",
    "青岚市坚持生态优先",
    "\n",
    "，",
    "推进白石水库工程、云溪物流园区等项目建设。",
    "x" * 120,
]


def _check(text: str, budget: int) -> None:
    mentions = find_mentions(text)
    chunks = chunk_text(text, flatten(parse_outline(text)), mentions, budget)
    assert chunks[0].span.start == 0 and chunks[-1].span.end == len(text)
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.span.end == b.span.start  # no gap, no overlap
    for c in chunks:
        assert c.text == text[c.span.start : c.span.end]
        assert 0 < len(c.text) <= budget
        for m in c.mentions:
            span = m.quantity.span
            assert span is not None and c.span.start <= span.start and span.end <= c.span.end
    # every mention lands in exactly one chunk: none was cut
    assert sum(len(c.mentions) for c in chunks) == len(mentions)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=60), st.integers(50, 400))
def test_chunks_tile_the_text(parts: list[str], budget: int) -> None:
    _check("".join(parts), budget)


def test_prefers_headings_and_line_ends() -> None:
    body = "地区生产总值增长6.5%左右。" * 6
    text = f"第一章 发展基础\n{body}\n第二章 主要目标\n{body}\n"
    chunks = chunk_text(text, flatten(parse_outline(text)), find_mentions(text), 120)
    assert chunks[1].text.startswith("第二章")
    assert chunks[1].section_path == ["第二章 主要目标"]


def test_one_long_line_without_punctuation_is_cut_outside_numbers() -> None:
    text = ("青岚市新增就业12345人" * 50).replace("，", "")
    _check(text, 97)
