"""Per-field checks of what a model writes (issue 12): names, roles, kinds, years, numbers."""

from __future__ import annotations

import pytest

from plansum.models import CheckStatus, Quantity
from plansum.parse.numbers import find_mentions
from plansum.verify import (
    check_kind,
    check_name,
    check_role,
    check_year,
    numbers_in,
    place,
    role_cue,
    unsupported_numbers,
)

TARGETS = (
    "2026年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，规模以上工业增加值增长7.5%，"
    "城镇调查失业率控制在5.5%左右，森林覆盖率由2020年的45%提高到60%。"
)
RESULTS = (
    "2025年，全市地区生产总值实现4500亿元，比上年增长5.2%，城镇新增就业1.1万人，完成年度目标。"
)


def _q(text: str, raw: str) -> tuple[Quantity, list[Quantity]]:
    ms = [m.quantity for m in find_mentions(text)]
    return next(q for q in ms if q.raw == raw), ms


@pytest.mark.parametrize(
    "written,value",
    [
        ("九成", 90),
        ("两成", 20),
        ("三成半", 35),
        ("逾半", 50),
        ("过半", 50),
        ("三分之一", 33.3),
        ("①⑨%", 19),
        ("９９%", 99),
        ("٩٩%", 99),
        ("99pct", 99),
        ("99 percent", 99),
        ("1e3", 1000),
        ("1\u200b2%", 12),
        ("百分之九十", 90),
        ("八千亿元", 8000),
    ],
)
def test_numbers_in_model_text_are_read_in_every_form(written: str, value: float) -> None:
    assert value in [round(v, 1) for _, v, _u in numbers_in(f"目标完成{written}")]


def test_text_without_numbers_has_none() -> None:
    assert numbers_in("成本下降，成效明显，一成不变地推进") == []
    assert numbers_in("加快建设现代化产业体系") == []


def test_unsupported_numbers_compares_with_the_source_in_any_form() -> None:
    source = "全市90%的村通了5G，三分之一的企业完成改造，增长6%左右。"
    assert unsupported_numbers("九成村庄通5G，增长６%", source) == []
    assert unsupported_numbers("近半企业完成改造", source) == ["50%"]
    assert unsupported_numbers("增长1\u200b2%", source) != []
    assert unsupported_numbers("增长12%", "12月底前增长6%") == ["12%"]  # a share needs a share
    assert unsupported_numbers("增长6%，12月", "12月底前增长6%") == []


@pytest.mark.parametrize(
    "raw,name,status",
    [
        ("6%左右", "地区生产总值", CheckStatus.verified),
        ("7.5%", "规模以上工业增加值", CheckStatus.verified),
        ("7.5%", "地区生产总值", CheckStatus.rejected),  # written before another number
        ("6%左右", "财政赤字率", CheckStatus.rejected),
        ("60%", "森林覆盖率", CheckStatus.rejected),  # 45% stands between
    ],
)
def test_name_must_be_written_next_to_its_number(raw: str, name: str, status: CheckStatus) -> None:
    q, ms = _q(TARGETS, raw)
    assert check_name(name, TARGETS, place(TARGETS, q, ms)).status == status


def test_the_rules_name_is_accepted() -> None:
    q, ms = _q(TARGETS, "60%")
    assert (
        check_name("森林覆盖率", TARGETS, place(TARGETS, q, ms), ["森林覆盖率"]).status
        == "verified"
    )


@pytest.mark.parametrize(
    "raw,cue",
    [("6%左右", "growth"), ("控制在5.5%左右", "level"), ("45%", "baseline"), ("60%", "level")],
)
def test_role_cue(raw: str, cue: str) -> None:
    q, ms = _q(TARGETS, raw)
    assert role_cue(place(TARGETS, q, ms), q) == cue


@pytest.mark.parametrize(
    "raw,role,status",
    [
        ("6%左右", "growth", CheckStatus.verified),
        ("6%左右", "target", CheckStatus.rejected),
        ("6%左右", "baseline", CheckStatus.rejected),
        ("45%", "baseline", CheckStatus.verified),
        ("60%", "target", CheckStatus.verified),
        ("60%", "growth", CheckStatus.rejected),
    ],
)
def test_role_against_the_words_before_the_number(raw: str, role: str, status: CheckStatus) -> None:
    q, ms = _q(TARGETS, raw)
    assert check_role(role, place(TARGETS, q, ms), q).status == status


def test_role_is_unchecked_when_the_words_are_silent() -> None:
    text = "城乡居民基本医疗保险参保率95%。"
    q, ms = _q(text, "95%")
    assert check_role("actual", place(text, q, ms), q).status == CheckStatus.unverified
    assert check_role("growth", place(text, q, ms), q).status == CheckStatus.unverified


def test_a_count_with_no_word_of_change_is_a_level() -> None:
    q, ms = _q(RESULTS, "1.1万人")
    assert role_cue(place(RESULTS, q, ms), q) == "level"
    assert check_role("growth", place(RESULTS, q, ms), q).status == CheckStatus.rejected


@pytest.mark.parametrize(
    "text,raw,kind,path,status",
    [
        (TARGETS, "6%左右", "target", ["一、主要预期目标"], CheckStatus.verified),
        (TARGETS, "6%左右", "actual", ["一、主要预期目标"], CheckStatus.rejected),
        (RESULTS, "5.2%", "actual", ["一、2025年工作回顾"], CheckStatus.verified),
        (RESULTS, "5.2%", "target", ["一、2025年工作回顾"], CheckStatus.rejected),
        ("地区生产总值5000亿元。", "5000亿元", "target", [], CheckStatus.unverified),
    ],
)
def test_kind_against_sentence_and_passage(
    text: str, raw: str, kind: str, path: list[str], status: CheckStatus
) -> None:
    q, ms = _q(text, raw)
    assert check_kind(kind, text, place(text, q, ms), path).status == status


def test_year_against_the_sentence_then_the_headings() -> None:
    text = "2024年地区生产总值增长5.2%。2025年地区生产总值增长6%左右。城镇新增就业1.3万人。"
    ms = [m.quantity for m in find_mentions(text)]
    q6 = next(q for q in ms if q.raw == "6%左右")
    qj = next(q for q in ms if q.raw == "1.3万人")
    assert check_year(2025, text, place(text, q6, ms), ms).status == CheckStatus.verified
    assert check_year(2024, text, place(text, q6, ms), ms).status == CheckStatus.rejected
    assert check_year(2024, text, place(text, qj, ms), ms).status == CheckStatus.unverified
    assert check_year(2026, text, place(text, qj, ms), ms, ["2026年主要目标"]).status == "verified"


def test_a_number_is_not_a_name() -> None:
    text = "全年新建5G基站1000个。"
    q, ms = _q(text, "1000个")
    assert check_name("10", text, place(text, q, ms)).status == CheckStatus.rejected
    assert check_name("00个", text, place(text, q, ms)).status == CheckStatus.rejected
    assert check_name("新建5G基站", text, place(text, q, ms)).status == CheckStatus.verified
