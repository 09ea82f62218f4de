"""The committed test corpus: each gold file is valid and its offsets point at its numbers.

The corpus (tests/fixtures/corpus) is fictional plan text about 青岚市 / 云溪县; the gold
files (tests/fixtures/gold) are what a careful reader finds in it.  These tests keep the two
in step: if a document is edited, the offsets in its gold file must be recomputed.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from plansum.eval.gold import GoldDocument, GoldIndicator, load_gold

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
GOLD = FIXTURES / "gold"
GOLD_FILES = sorted(GOLD.glob("*.json"))
DOCUMENTS = sorted(CORPUS.glob("*.txt"))

NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A headline span is one number with its unit and comparator words: never a clause.
CLAUSE_PUNCTUATION = set("，,。；;、：:！？\n")


def encoding_of(name: str) -> str:
    return "gb18030" if Path(name).stem.endswith("_gbk") else "utf-8"


def read_document(name: str) -> str:
    # Decode the bytes ourselves: read_text() would translate newlines and shift offsets.
    return (CORPUS / name).read_bytes().decode(encoding_of(name))


CN_TIMES = re.compile(r"([一二两三四])番")  # 翻一番: the 番 number, written in Chinese


def numbers_in(s: str) -> list[float]:
    """The numbers written in `s`, with full-width digits (６．５％) read as ASCII."""
    found = [float(m) for m in NUMBER.findall(unicodedata.normalize("NFKC", s))]
    return found + [float("一二三四".find(m) + 1 or 2) for m in CN_TIMES.findall(s)]


def line_around(text: str, start: int, end: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : _line_end(text, end)]


def _line_end(text: str, end: int) -> int:
    i = text.find("\n", end)
    return len(text) if i < 0 else i


def row_around(text: str, start: int, end: int) -> str:
    """The table row a value stands in: its line, or for a table written one cell per line
    (the value alone on its line) the cells up to four non-blank lines either side."""
    line = line_around(text, start, end)
    if line.strip() != text[start:end]:
        return line
    lines = text.splitlines()
    at = text.count("\n", 0, start)
    before = [ln for ln in lines[:at] if ln.strip()][-4:]
    after = [ln for ln in lines[at + 1 :] if ln.strip()][:4]
    return "\n".join([*before, line, *after])


def is_table_row(row: str) -> bool:
    return row.count("|") >= 5 or row.count("\t") >= 3 or "\n" in row


@pytest.fixture(scope="module", params=GOLD_FILES, ids=lambda p: p.stem)
def gold_and_text(request: pytest.FixtureRequest) -> tuple[GoldDocument, str]:
    gold = load_gold(request.param)
    return gold, read_document(gold.document)


def test_corpus_is_not_empty() -> None:
    assert len(DOCUMENTS) >= 7
    assert len(GOLD_FILES) == len(DOCUMENTS)


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file_validates_and_names_its_document(path: Path) -> None:
    gold = GoldDocument.model_validate_json(path.read_text(encoding="utf-8"))
    assert gold.document == f"{path.stem}.txt"
    assert (CORPUS / gold.document).is_file()
    assert gold.info.doc_type != "other"
    assert gold.info.title and gold.info.date and gold.info.period and gold.info.region
    assert set(gold.complete) == {"indicators", "headings", "projects", "info"}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_every_document_has_gold(path: Path) -> None:
    assert (GOLD / f"{path.stem}.json").is_file()


def test_indicator_spans_hold_their_values(gold_and_text: tuple[GoldDocument, str]) -> None:
    gold, text = gold_and_text
    assert gold.indicators, "every document in this corpus has indicators"
    for ind in gold.indicators:
        assert ind.start is not None and ind.end is not None, ind.name
        assert 0 <= ind.start < ind.end <= len(text), ind.name
        raw = text[ind.start : ind.end]
        assert raw == raw.strip(), f"{ind.name}: span has surrounding space {raw!r}"
        assert not CLAUSE_PUNCTUATION & set(raw), f"{ind.name}: span is not one number {raw!r}"
        found = numbers_in(raw)
        assert ind.value in found, f"{ind.name}: {ind.value} not in {raw!r}"
        if ind.upper is not None:
            assert ind.upper in found, f"{ind.name}: upper {ind.upper} not in {raw!r}"


def test_indicators_are_in_text_order_and_do_not_overlap(
    gold_and_text: tuple[GoldDocument, str],
) -> None:
    gold, _ = gold_and_text
    spans = [(i.start or 0, i.end or 0) for i in gold.indicators]
    assert spans == sorted(spans)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start


def test_baseline_and_growth_stand_on_the_same_line(
    gold_and_text: tuple[GoldDocument, str],
) -> None:
    gold, text = gold_and_text
    for ind in gold.indicators:
        line = numbers_in(row_around(text, ind.start or 0, ind.end or 0))
        for q in (ind.baseline, ind.growth):
            if q is not None:
                assert q.value in line, f"{ind.name}: {q.value} not on the line of its span"
        if ind.baseline is not None:
            assert ind.baseline_year is not None, ind.name


def test_table_rows_carry_their_attribute(gold_and_text: tuple[GoldDocument, str]) -> None:
    gold, text = gold_and_text
    for ind in gold.indicators:
        line = row_around(text, ind.start or 0, ind.end or 0)
        if is_table_row(line):  # a flattened, tab-separated or one-cell-per-line table row
            assert ind.attribute is not None, ind.name
            want = "约束性" if ind.attribute.value == "binding" else "预期性"
            assert want in line, ind.name
        else:
            assert ind.attribute is None, ind.name


def test_roles_and_kinds_agree(gold_and_text: tuple[GoldDocument, str]) -> None:
    gold, _ = gold_and_text
    for ind in gold.indicators:
        if ind.role == "actual":
            assert ind.kind.value == "actual", ind.name
        if ind.role == "target":
            assert ind.kind.value == "target", ind.name


def test_headings_and_projects_are_verbatim(gold_and_text: tuple[GoldDocument, str]) -> None:
    gold, text = gold_and_text
    for h in gold.headings:
        assert h.title in text, h.title
        if h.number is not None:
            assert h.number in text, h.number
    for name in gold.projects:
        assert name in text, name
        assert not name.endswith("等"), name
    assert len(set(gold.projects)) == len(gold.projects)


def test_loader_fixtures_are_what_they_claim() -> None:
    gbk = (CORPUS / "qinglan_annual_gbk.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert "云溪县" in gbk.decode("gb18030")
    full = read_document("qinglan_fullwidth.txt")
    assert "６．５％左右" in full and "％" in full
    assert not re.search(r"\d%", full), "percentages there are written in full width"


def _headline(ind: GoldIndicator) -> str:
    return f"{ind.name} {ind.value:g}{ind.unit}"


def test_known_tricky_items_are_annotated() -> None:
    """A few deliberate traps, pinned so that the corpus keeps them."""
    outline = load_gold(GOLD / "qinglan_outline.json")
    heads = {(h.kind, h.number) for h in outline.headings}
    assert ("zhang", "%1") in heads and ("jie", "2") in heads
    table = [i for i in outline.indicators if i.attribute is not None]
    assert 12 <= len(table) <= 15
    assert "达到省里要求" in (outline.notes or "")
    ranges = {_headline(i) for i in outline.indicators if i.upper is not None}
    assert ranges == {"产值超百亿元的产业集群 8个", "国家级绿色工厂 1个"}

    annual = load_gold(GOLD / "qinglan_annual_2024.json")
    names = [i.name for i in annual.indicators]
    assert "城镇居民人均可支配收入" in names and "农村居民人均可支配收入" in names
