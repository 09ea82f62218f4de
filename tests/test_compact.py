"""The compact structures of the speed work (issue 22) give what the plain ones gave.

`numbers.Mentions` (columns instead of a pydantic object per number), `numbers.LineStarts`
(line starts without a scan back per offset), the backward blank test, the 力争 clause marks,
the zero-width remap and the headline passage lookup are each checked against the plain
definition they replace, on fixed cases and on random text.
"""

from __future__ import annotations

import random

import pytest

from plansum.document import Document
from plansum.headline import Passage, _FirstCover
from plansum.models import IndicatorKind
from plansum.parse.numbers import (
    LineStarts,
    Mentions,
    _line_is_blank_before,
    find_mentions,
    is_year,
    scan_mentions,
)

TEXT = (
    "青禾县2026年国民经济和社会发展计划\n"
    "一、主要目标\n"
    "地区生产总值增长6%左右，力争全年增长6.5%；城镇新增就业1.2万人以上。\n"
    "到2030年，森林覆盖率由41.5%提高到43%，建成5G基站800个、充电桩1—2万个。\n"
    "1、粮食产量稳定在30万吨；二〇三五年人均收入翻一番。\n"
)
ALPHABET = list("0123456789.%，。；\n 　力争达到增长亿元万人年左右以上、1、(（）)|第十五一二\u200b\ufeff\xa0约近")


def _random_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 50))) for _ in range(n)]


def test_mentions_give_the_same_mentions_as_the_list() -> None:
    listed = find_mentions(TEXT)
    compact = scan_mentions(TEXT)
    assert isinstance(compact, Mentions)
    assert len(compact) == len(listed) > 8
    assert list(compact) == listed
    assert compact == listed
    assert compact[-1] == listed[-1]
    assert compact[2:5] == listed[2:5]
    with pytest.raises(IndexError):
        compact[len(listed)]
    for k, m in enumerate(listed):
        assert m.quantity.span is not None
        assert (compact.starts[k], compact.ends[k]) == (m.quantity.span.start, m.quantity.span.end)
        assert compact.is_year(k) == is_year(m.quantity)
        assert compact.unit(k) == m.quantity.unit
        assert compact.quantity(k) == m.quantity
        assert compact.ref(k) == (m.id, m.quantity)


def test_mentions_match_on_random_text() -> None:
    for text in _random_texts(400):
        assert scan_mentions(text) == find_mentions(text)


def test_document_keeps_compact_mentions() -> None:
    doc = Document.from_text(TEXT)
    assert isinstance(doc.mentions, Mentions)
    assert list(doc.mentions) == find_mentions(doc.text)
    assert sum(len(c.mentions) for c in doc.chunks(60)) == len(doc.mentions)


def test_line_starts_equal_rfind_in_any_order() -> None:
    rng = random.Random(3)
    text = "".join(rng.choice("ab\n") for _ in range(500))
    line_of = LineStarts(text)
    rising = sorted(rng.randrange(len(text) + 1) for _ in range(200))
    mixed = [rng.randrange(len(text) + 1) for _ in range(200)]
    for pos in rising + mixed:
        assert line_of(pos) == text.rfind("\n", 0, pos) + 1


def test_blank_before_reads_back_only_over_blanks() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        s = "".join(rng.choice(" \t\u3000\xa0\r|a\n") for _ in range(rng.randint(0, 12)))
        for pos in range(len(s) + 1):
            for also in ("", "|"):
                line_start = s.rfind("\n", 0, pos) + 1
                plain = s[line_start:pos].strip(" \t\r\u3000\xa0" + also) == ""
                assert _line_is_blank_before(s, pos, also) == plain


def test_lizheng_marks_its_own_clause_only() -> None:
    ms = find_mentions("力争全年增长8%，出口增长5%；争取达到3%。力争\n增长4%")
    assert [(m.quantity.raw, m.quantity.aspirational) for m in ms] == [
        ("8%", True),
        ("5%", False),
        ("争取达到3%", True),
        ("4%", False),
    ]


def test_zero_width_inside_numbers_maps_back_to_the_source() -> None:
    text = "增长1\u200b2%，投资3\u200b\u200c4.\u200b5亿元，人口56万人"
    ms = find_mentions(text)
    assert [(m.quantity.value, m.quantity.unit) for m in ms] == [(12.0, "%"), (34.5, "亿元"), (56.0, "万人")]
    for m in ms:
        assert m.quantity.span is not None
        assert text[m.quantity.span.start : m.quantity.span.end] == m.quantity.raw


def test_first_cover_is_the_first_passage_that_holds_the_offset() -> None:
    rng = random.Random(11)
    kinds = (IndicatorKind.actual, IndicatorKind.target)
    for _ in range(500):
        ps = []
        for _ in range(rng.randint(0, 10)):
            a = rng.randint(0, 40)
            ps.append(Passage(a, a + rng.randint(0, 25), rng.choice(kinds)))
        ps.sort(key=lambda p: (p.start, p.end))
        first = _FirstCover(ps)
        for off in range(70):
            for kind in kinds:
                plain = next((p for p in ps if p.start <= off < p.end and p.kind is kind), None)
                assert first(off, kind) == plain


def test_one_line_document_reads_like_the_same_text_with_lines() -> None:
    """Without any newline (issue 25 item 12) the numbers are the same and nothing fails."""
    body = TEXT.replace("\n", "") * 50
    doc = Document.from_text(body)
    assert len(doc.mentions) == 50 * len(find_mentions(TEXT.replace("\n", "")))
    from plansum.pipeline import summarize_document

    summary = summarize_document(doc, engine="rules")
    assert summary.indicators
    for ind in summary.indicators:
        assert 0 <= ind.span.start < ind.span.end <= len(body)


def test_a_finished_batch_keeps_its_parquet_without_exporting_again(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Resuming a finished batch does not load pyarrow and every row again (issue 22); a
    document written since, or a Parquet file gone, makes the export run again."""
    pytest.importorskip("pyarrow")
    from conftest import CORPUS
    from plansum.batch.run import run_batch
    from plansum.batch.store import Store

    src = tmp_path / "in"
    src.mkdir()
    for name in ("lanxi_news_2026.txt", "yunxi_ecology_plan.txt"):
        (src / name).write_bytes((CORPUS / name).read_bytes())
    out = tmp_path / "out"
    first = run_batch(src, out, runner="inline")
    parquet = [p for p in first.files if p.suffix == ".parquet"]
    assert parquet and all(p.is_file() for p in parquet)

    calls: list[int] = []
    real = Store.export_parquet

    def counting(self, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self, *a, **k)

    monkeypatch.setattr(Store, "export_parquet", counting)
    again = run_batch(src, out, runner="inline")
    assert again.skipped == 2 and calls == []
    assert [p for p in again.files if p.suffix == ".parquet"] == parquet

    (src / "lanxi_news_2026.txt").write_text("青禾县今年新增就业1.5万人。\n", encoding="utf-8")
    run_batch(src, out, runner="inline")
    assert calls == [1]  # a document changed: exported again
    parquet[0].unlink()
    run_batch(src, out, runner="inline")
    assert calls == [1, 1]  # a file is gone: exported again
