"""Issue 22, the rest of the rules path: each fast form against the plain one it replaced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plansum.models import IndicatorKind, Quantity, Section, Span
from plansum.parse import dating as D
from plansum.parse.numbers import _scan_through_zero_width, scan_mentions
from plansum.parse.outline import flatten, parse_outline
from plansum.rules import indicators as I

CORPUS = sorted((Path(__file__).parent / "fixtures" / "corpus").glob("*.txt"))
EXTRA = "力争达到8~10亿元，约5.5%左右，300余个，不低于1.2万人，1\u200b2%，-3.5个百分点，２０２５年。"


def _texts() -> list[str]:
    out = [EXTRA]
    for p in CORPUS:
        try:
            out.append(p.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue
    return out


@pytest.mark.parametrize("text", _texts(), ids=lambda t: str(len(t)))
def test_mention_quantities_are_the_validated_ones(text: str) -> None:
    """`Mentions.quantity` is built without validation; it equals what validation made."""
    mentions = scan_mentions(text)
    hits = _scan_through_zero_width(text)
    assert len(mentions) == len(hits) > 0
    for k, h in enumerate(hits):
        valid = Quantity(
            raw=text[h.start : h.end],
            value=h.value,
            unit=h.unit,
            comparator=h.comparator,
            upper=h.upper,
            aspirational=h.aspirational,
            scaled=h.scaled,
            span=Span(start=h.start, end=h.end),
        )
        made = mentions.quantity(k)
        assert made == valid and repr(made) == repr(valid)
        assert made.model_dump_json() == valid.model_dump_json()
        assert made.model_fields_set == valid.model_fields_set
        assert list(made.__dict__) == list(valid.__dict__)
        assert mentions.ref(k).quantity == valid
        assert made.model_copy(deep=True) == valid


# --------------------------------------------------------------------------- dating

DATED = (
    "关于2025年工作。2025年全年地区生产总值增长5.2%，“十四五”期间年均增长6.1%；过去五年累计增长30%。\n"
    "2026年主要预期目标：全年增长5%左右，居民收入年平均增长6%，2030年达到1.5万亿元。\n"
    "“十五五”时期，平均每年新增就业1.2万人：到2030年，研发投入增长8%，2028年增速回落到4%。\n"
)


def _old_averaged(text: str, offset: int) -> bool:
    start = max(D.sentence_start(text, offset), offset - 30)
    clause = re.split(r"[，,；;：:]", text[start:offset])[-1]
    return bool(D._AVERAGE_BEFORE.search(clause))


def _old_one_year_rate(tl: D.Timeline, offset: int, kind: IndicatorKind) -> bool:
    if kind is not IndicatorKind.actual:
        return False
    before = tl.text[tl._sentence_start(offset) : offset]
    return bool(D._ONE_YEAR_CHANGE.search(before[-8:])) and not D._SPAN_WORDS.search(before)


@pytest.mark.parametrize("text", [DATED, *_texts()], ids=lambda t: str(len(t)))
@pytest.mark.parametrize("doc_year", [None, 2026])
def test_dating_with_the_sentence_start_given(text: str, doc_year: int | None) -> None:
    """`era`, `averaged_before`, `_one_year_rate` and `nearest_two` with the sentence start
    passed in give what the forms that found it (and copied the sentence) gave."""
    tl = D.Timeline(text, doc_year=doc_year)
    mentions = scan_mentions(text)
    starts = list(mentions.starts)
    from_sentences = {}
    for s_start, _, lo, hi in I._mention_sentences(text, starts):
        for k in range(lo, hi):
            from_sentences[starts[k]] = s_start
    assert from_sentences
    for offset in starts:
        s = D.sentence_start(text, offset)
        assert tl._sentence_start(offset) == s
        assert from_sentences.get(offset, s) == s
        line = text.rfind("\n", 0, offset) + 1
        assert D.averaged_before(text, offset, s) == D.averaged_before(text, offset) == _old_averaged(text, offset)
        for lo in {s, line, (s + offset) // 2}:
            assert tl.nearest_two(offset, lo, line) == (tl.nearest(offset, lo), tl.nearest(offset, line))
        near = (tl.nearest(offset, s), tl.nearest(offset, line))
        for kind in IndicatorKind:
            assert tl._one_year_rate(offset, kind, s) == _old_one_year_rate(tl, offset, kind)
            assert tl.era(offset, kind, near, s) == tl.era(offset, kind)


def test_the_dated_text_reaches_each_branch() -> None:
    tl = D.Timeline(DATED, doc_year=2026)
    starts = list(scan_mentions(DATED).starts)
    assert sum(D.averaged_before(DATED, o) for o in starts) >= 3
    assert sum(_old_one_year_rate(tl, o, IndicatorKind.actual) for o in starts) >= 2


# --------------------------------------------------------------------------- outline


def _validated(s: Section) -> Section:
    return Section.model_validate(s.model_dump())


@pytest.mark.parametrize("text", _texts(), ids=lambda t: str(len(t)))
def test_outline_sections_are_the_validated_ones(text: str) -> None:
    """`_to_section` builds without validation; every section equals its validated copy."""
    sections = flatten(parse_outline(text))
    for made in sections:
        valid = _validated(made)
        assert made == valid and repr(made) == repr(valid)
        assert made.model_dump_json() == valid.model_dump_json()
        assert made.model_fields_set == valid.model_fields_set
        assert list(made.__dict__) == list(valid.__dict__)
        assert made.body.start <= made.body.end and made.level >= 1


def test_some_fixture_has_nested_sections() -> None:
    assert any(s.children for t in _texts() for s in flatten(parse_outline(t)))
