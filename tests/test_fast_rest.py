"""Issue 22, the rest of the rules path: each fast form against the plain one it replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from plansum.models import Quantity, Span
from plansum.parse.numbers import _scan_through_zero_width, scan_mentions

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
