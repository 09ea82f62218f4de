"""The cross-check in the response model: values must be numbers of the chunk."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from plansum.parse.chunking import chunk_text
from plansum.llm.answer import ChunkExtraction, build_messages, numbered_text
from plansum.parse.numbers import find_mentions
from plansum.parse.outline import flatten, parse_outline
from plansum.llm.prompts import load_prompt

TEXT = "青岚市2024年主要目标：地区生产总值增长6.5%左右，城镇新增就业1.5万人，粮食产量稳定在182亿斤以上。"


def _chunk():  # noqa: ANN202
    return chunk_text(TEXT, flatten(parse_outline(TEXT)), find_mentions(TEXT), 2000)[0]


def _ids() -> dict:
    return numbered_text(_chunk())[1]


def _answer(**ind: object) -> dict:
    return {"summary": "目标", "indicators": [ind], "goals": [], "projects": []}


def test_numbers_are_tagged_in_the_prompt() -> None:
    body, ids = numbered_text(_chunk())
    assert "【2】6.5%左右" in body and "【3】1.5万人" in body
    assert ids[3].raw == "1.5万人"
    messages, _ = build_messages(load_prompt(), _chunk())
    assert messages[0]["role"] == "system" and "地区生产总值增长【2】6.5%左右" in messages[1]["content"]


def test_value_at_its_mention_is_verified() -> None:
    ex = ChunkExtraction.model_validate(
        _answer(name="城镇新增就业", mention=3, value=1.5, role="target", year=2024),
        context={"mentions": _ids()},
    )
    ind = ex.indicators[0]
    assert ind._resolved == 3 and ind._status == "verified"


def test_value_at_another_mention_is_corrected() -> None:
    ex = ChunkExtraction.model_validate(
        _answer(name="地区生产总值", mention=3, value=6.5, role="growth", year=2024),
        context={"mentions": _ids()},
    )
    ind = ex.indicators[0]
    assert ind._resolved == 2 and ind._status == "corrected"
    assert "mention 2" in ind._reason


def test_value_not_in_the_chunk_is_refused_with_the_real_numbers() -> None:
    with pytest.raises(ValidationError) as err:
        ChunkExtraction.model_validate(
            _answer(name="地区生产总值", mention=2, value=30, role="growth", year=2024),
            context={"mentions": _ids()},
        )
    msg = str(err.value)
    assert "数值 30（地区生产总值）不在本段正文中" in msg
    # The re-ask lists the numbers that are there (years left out).
    assert "【2】6.5%左右、【3】1.5万人、【4】182亿斤以上" in msg
    assert "【1】" not in msg


def test_unknown_mention_and_year_are_refused() -> None:
    with pytest.raises(ValidationError, match="编号【9】不在本段中"):
        ChunkExtraction.model_validate(
            _answer(name="x", mention=9, value=None, role="target", year=None),
            context={"mentions": _ids()},
        )
    with pytest.raises(ValidationError, match="是年份"):
        ChunkExtraction.model_validate(
            _answer(name="x", mention=1, value=2024, role="target", year=None),
            context={"mentions": _ids()},
        )
