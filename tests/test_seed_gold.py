"""The hand-made gold annotations of the seed corpus are well formed and point at real text.

Every file in tests/gold/seeds must validate as a `GoldDocument`; when the seed texts are
available (env PLANSUM_SEEDS, else ../shared/seeds next to the repository), every recorded
offset must slice the seed text to a string that holds the indicator's number.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pytest

from plansum.eval.gold import GoldDocument, load_gold

GOLD_DIR = Path(__file__).resolve().parent / "gold" / "seeds"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))


def _seeds_dir() -> Path:
    env = os.environ.get("PLANSUM_SEEDS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "seeds"


SEEDS = _seeds_dir()

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed corpus not found at {SEEDS}")

_ARABIC = re.compile(r"-?\d+(?:\.\d+)?")
_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_SCALES = {"十": 10, "百": 100, "千": 1000}
# longest first, so that 不低于 goes before 低于
_COMPARATOR_WORDS = (
    "不低于 不少于 不超过 超过 突破 高于 低于 不到 超 逾 近 约 左右 以上 以内 以下 多 余".split()
)


def _cn_number(s: str) -> float | None:
    """A small Chinese numeral (百 → 100, 三千 → 3000, '' → 1 as in 突破万元); None if not one."""
    if s == "":
        return 1.0
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SCALES:
            total += (1 if digit is None else digit) * _CN_SCALES[ch]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


def _numbers_in(evidence: str, unit: str) -> list[float]:
    found = [float(x) for x in _ARABIC.findall(evidence)]
    if found:
        return found
    # No Arabic digit: the number is written in Chinese (超百亿元, 百家, 突破万元, 千亿).
    rest = evidence.replace(unit, "", 1) if unit else evidence
    for word in _COMPARATOR_WORDS:
        rest = rest.replace(word, "")
    value = _cn_number(rest)
    return [] if value is None else [value]


def _load(path: Path) -> GoldDocument:
    return load_gold(path)


def _seed_text(gold: GoldDocument) -> str:
    return (SEEDS / gold.document).read_text(encoding="utf-8")


def test_gold_files_exist() -> None:
    assert GOLD_FILES, f"no gold files in {GOLD_DIR}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_schema_valid(path: Path) -> None:
    gold = _load(path)
    assert gold.document == path.stem + ".txt"
    assert gold.indicators or gold.headings, "an empty annotation says nothing"
    for ind in gold.indicators:
        assert ind.name.strip() == ind.name and ind.name
        assert (ind.start is None) == (ind.end is None), f"{ind.name}: start and end go together"
        if ind.start is not None:
            assert ind.end is not None and 0 <= ind.start < ind.end, ind.name
        if ind.upper is not None:
            assert ind.upper > ind.value, ind.name
        if ind.baseline is not None and ind.baseline_year is not None and ind.year is not None:
            assert ind.baseline_year < ind.year, ind.name
    for h in gold.headings:
        assert h.title.strip() and h.title == h.title.strip(), h
    assert len(set(gold.projects)) == len(gold.projects), "projects are listed once"


@needs_seeds
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_offsets_slice_the_number(path: Path) -> None:
    gold = _load(path)
    text = _seed_text(gold)
    for ind in gold.indicators:
        if ind.start is None or ind.end is None:
            continue
        assert ind.end <= len(text), f"{ind.name}: span beyond the text"
        evidence = text[ind.start : ind.end]
        numbers = _numbers_in(evidence, ind.unit)
        assert any(math.isclose(ind.value, n) for n in numbers), (
            f"{ind.name}: {ind.value} not in {evidence!r} [{ind.start}:{ind.end}]"
        )
        if ind.upper is not None:
            assert any(math.isclose(ind.upper, n) for n in numbers), (ind.name, evidence)


@needs_seeds
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_headings_stand_in_the_text(path: Path) -> None:
    gold = _load(path)
    text = _seed_text(gold)
    for h in gold.headings:
        assert h.title in text, h


@needs_seeds
def test_every_seed_has_gold() -> None:
    documents = {_load(p).document for p in GOLD_FILES}
    seeds = {p.name for p in SEEDS.glob("*.txt")}
    assert seeds <= documents, f"seeds without gold: {sorted(seeds - documents)}"
    assert documents <= seeds, f"gold without a seed: {sorted(documents - seeds)}"
