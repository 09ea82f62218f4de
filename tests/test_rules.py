"""The rules path end to end: seed acceptance figures and the span guarantee."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plansum import summarize, summarize_file
from plansum.eval.gold import GoldDocument
from plansum.models import Comparator, PlanSummary
from plansum.parse.numbers import values_equal

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT / "tests" / "gold" / "seeds"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def _gold(name: str) -> GoldDocument:
    return GoldDocument.model_validate(json.loads((SEED_GOLD / name).read_text(encoding="utf-8")))


def _same(q, value: float | None) -> bool:  # noqa: ANN001
    if value is None:
        return q is None
    return q is not None and values_equal(q.value, value)


def assert_spans_hold(summary: PlanSummary, text: str) -> int:
    """Every number in the summary stands in the text at its span; returns how many were checked."""
    n = 0
    for ind in summary.indicators:
        for q in ind.quantities():
            assert q.span is not None, (ind.name, q.raw)
            assert q.raw in text[q.span.start : q.span.end], (ind.name, q.raw, q.span)
            n += 1
        assert 0 <= ind.span.start <= ind.span.end <= len(text)
    for p in summary.projects:
        assert text[p.span.start : p.span.end] == p.name
    for g in summary.goals:
        assert text[g.span.start : g.span.end] == g.text
    return n


def test_seed002_indicator_table(seeds: Path) -> None:
    """Every row of seed 002's 主要指标 table with a numeric 2025 target comes out whole."""
    gold = _gold("002_3e4f07611e85fb5a.json")
    rows = [g for g in gold.indicators if g.attribute is not None]
    assert len(rows) >= 15
    s = summarize_file(seeds / "002_3e4f07611e85fb5a.txt")
    table = {i.name: i for i in s.indicators if i.attribute is not None}
    assert len(table) == 20  # all 20 rows, the qualitative ones with target_text
    for g in rows:
        p = table.get(g.name)
        assert p is not None, g.name
        assert p.attribute == g.attribute, g.name
        assert p.category == g.category, g.name
        headline = {"target": p.target, "growth": p.growth}[g.role]
        assert headline is not None and headline.unit == g.unit, g.name
        assert p.baseline_year == g.baseline_year, g.name
        assert _same(p.baseline, g.baseline.value if g.baseline else None), g.name
        if g.role != "growth":
            assert _same(p.growth, g.growth.value if g.growth else None), g.name
        if g.role == "target":
            assert p.target_year == g.year, g.name
            assert _same(headline, g.value), g.name
            assert headline is not None and headline.comparator == g.comparator, g.name
    qualitative = [i for i in table.values() if i.target is None and i.target_text]
    assert len(qualitative) == 4 and all("要求" in (i.target_text or "") for i in qualitative)
    assert "能源综合生产能力" in {i.name for i in qualitative}


def test_seed004_headline_targets(seeds: Path) -> None:
    """All targets of seed 004's first 主要目标 sentence: name, value, unit, comparator."""
    text = (seeds / "004_c779884c0705ecb1.txt").read_text(encoding="utf-8")
    gold = _gold("004_c779884c0705ecb1.json")
    first = text.index("主要目标是")
    end = text.index("。", first)
    headline = [g for g in gold.indicators if g.start is not None and first <= g.start < end]
    assert len(headline) >= 9
    s = summarize(text)
    for g in headline:
        match = [
            i
            for i in s.indicators
            if i.headline() is not None
            and i.headline().span.start <= g.start < i.headline().span.end  # type: ignore[union-attr]
        ]
        assert match, g.name
        p = match[0]
        q = p.headline()
        assert q is not None
        assert p.name == g.name
        assert values_equal(q.value, g.value) and q.unit == g.unit, g.name
        assert q.comparator == g.comparator, g.name
        assert p.target_year == 2023
    cmp = {i.name: i.headline().comparator for i in s.indicators if i.headline()}  # type: ignore[union-attr]
    assert cmp["地区生产总值"] == Comparator.about
    assert cmp["城镇登记失业率"] == Comparator.at_most


def test_every_seed_number_stands_at_its_span(seed_texts: dict[str, str]) -> None:
    checked = 0
    for text in seed_texts.values():
        checked += assert_spans_hold(summarize(text), text)
    assert checked > 300


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_fixture_numbers_stand_at_their_spans(path: Path) -> None:
    from plansum.parse.loading import load_file

    doc = load_file(path)
    s = summarize(doc.text)
    assert_spans_hold(s, doc.text)
    assert s.indicators, "every fixture has indicators"


def test_respectively_and_ranges() -> None:
    text = (
        "2024年青岚市经济社会发展主要目标是：地区生产总值增长6.5%左右，"
        "城乡居民人均可支配收入分别增长6%和7%，新建5G基站8~10个，城镇登记失业率控制在5.5%以内。"
    )
    s = summarize(text)
    by_name = {i.name: i for i in s.indicators}
    assert by_name["城镇居民人均可支配收入"].growth.value == 6  # type: ignore[union-attr]
    assert by_name["农村居民人均可支配收入"].growth.value == 7  # type: ignore[union-attr]
    base = [i for i in s.indicators if i.unit == "个"]
    assert len(base) == 1 and base[0].headline().upper == 10  # type: ignore[union-attr]
    assert "5G" not in {i.headline().raw for i in s.indicators}  # type: ignore[union-attr]
    assert all(i.target_year == 2024 for i in s.indicators)


def test_actual_versus_target_by_year() -> None:
    text = "2024年全市地区生产总值达到1280亿元，增长5.8%。2025年地区生产总值增长6%左右。"
    s = summarize(text)
    kinds = [(i.headline().raw, i.kind.value) for i in s.indicators]  # type: ignore[union-attr]
    # The text speaks from 2025: the 2024 figures are results, the 2025 one a target;
    # a level and its growth stated together are one indicator.
    assert kinds == [("1280亿元", "actual"), ("6%左右", "target")]
    assert s.indicators[0].growth is not None and s.indicators[0].growth.raw == "5.8%"
