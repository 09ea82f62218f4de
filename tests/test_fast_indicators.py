"""The faster shapes of the indicator stage (issue 22) against the plain forms they replace:
the same sentences, clauses, verbs and models on random and edge-case inputs."""

from __future__ import annotations

import bisect
import random

from plansum.models import Check, CheckCause, CheckStatus, Indicator, IndicatorKind, Quantity, Span
from plansum.rules import indicators as I  # noqa: N812


def _sentences_with_numbers(text: str, starts: list[int]) -> list[tuple[int, int, int, int]]:
    """Every sentence of `_sentences`, with the mentions it holds, as the loop read them."""
    out = []
    for a, b in I._sentences(text):
        lo, hi = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        if lo != hi:
            out.append((a, b, lo, hi))
    return out


def test_mention_sentences_are_the_sentences_that_hold_a_number() -> None:
    rng = random.Random(1)
    for _ in range(5000):
        text = "".join(rng.choice("ab1。；;\n!?！？ ") for _ in range(rng.randint(0, 30)))
        # with repeats, and some on a sentence mark (those belong to no sentence)
        starts = sorted(rng.choices(range(len(text)), k=rng.randint(0, 6))) if text else []
        assert list(I._mention_sentences(text, starts)) == _sentences_with_numbers(text, starts)


def test_mention_sentences_on_one_long_line_without_marks() -> None:
    text = "数" * 10_000 + "增长5%" + "数" * 10_000
    assert list(I._mention_sentences(text, [10_002])) == [(0, len(text), 0, 1)]


def _clauses_by_bisection(text: str, s_start: int, s_end: int, starts: list[int], lo: int, hi: int):
    sentence = text[s_start:s_end]
    bounds = [s_start] + [s_start + m.end() for m in I._CLAUSE_SEP.finditer(sentence)]
    groups: dict[int, list[int]] = {}
    for k in range(lo, hi):
        groups.setdefault(bisect.bisect_right(bounds, starts[k]) - 1, []).append(k)
    return [(bounds[ci], ks) for ci, ks in sorted(groups.items())]


def test_clauses_group_the_numbers_as_a_bisection_over_all_clause_marks() -> None:
    rng = random.Random(2)
    for _ in range(5000):
        text = "".join(rng.choice("ab1，,:：") for _ in range(rng.randint(1, 25)))
        a = rng.randint(0, len(text) - 1)
        e = rng.randint(a + 1, len(text))
        before = sorted(rng.choices(range(0, a + 1), k=rng.randint(0, 2)))
        starts = before + sorted(rng.choices(range(a, e), k=rng.randint(1, 5)))
        lo, hi = len(before), len(starts)
        assert I._clauses(text, a, starts, lo, hi) == _clauses_by_bisection(text, a, e, starts, lo, hi)


def test_verbs_looked_for_only_where_their_first_characters_stand() -> None:
    """_direction, _role_for and _is_change skip the regular expression when no verb can
    start in the words; the answers are those of the expressions alone."""
    rng = random.Random(3)
    chars = "增长加值提高升下降低减少回落压缩削收窄小短净量翻上扩大至到了调涨排发展率速幅的和年"
    qs = [
        Quantity(raw="5", value=v, unit=u, span=Span(start=0, end=1))
        for v in (5.0, -1.0)
        for u in ("%", "亿元", "个百分点", "倍")
    ]
    for _ in range(20000):
        t = "".join(rng.choice(chars) for _ in range(rng.randint(0, 14)))
        q = rng.choice(qs)
        tail = t[-12:].replace("增加值", "") if "增加值" in t[-12:] else t[-12:]
        last = I._LAST_DIRECTION.search(tail)
        want = "down" if q.value < 0 else None if last is None else "down" if last.group("down") else "up"
        assert I._direction(t, q) == want
        assert I._is_change(t) == bool(I._CHANGE_BEFORE.search(t[-6:]))
        role_tail = t[-6:].replace("增加值", "")
        growth = any(v in role_tail for v in I._GROWTH_VERBS)
        if q.unit in ("%", "倍") and not t[-6:].endswith(("到", "至")) and growth:
            assert I._role_for(t, q) == "growth"
    assert I._doing_firsts() == frozenset("实建打创培")


def test_built_models_are_the_validated_ones() -> None:
    q = Quantity(raw="5.5%", value=5.5, unit="%", span=Span(start=3, end=7))
    check = I._rules_check()
    made = I._new_indicator("地区生产总值", q, IndicatorKind.target, "growth", "up", None, check)
    valid = Indicator(
        name="地区生产总值",
        unit="%",
        kind=IndicatorKind.target,
        span=Span(start=3, end=7),
        check=Check(
            status=CheckStatus.verified,
            reason="rules: number at its span",
            cause=CheckCause.number_at_span,
        ),
        direction="up",
        growth=q,
    )
    assert made == valid and repr(made) == repr(valid)
    assert made.model_dump_json() == valid.model_dump_json()
    assert made.model_fields_set == valid.model_fields_set
    assert list(made.__dict__) == list(valid.__dict__)
    assert made.field_checks == {} and made.field_checks is not I._new_indicator(
        "x", q, IndicatorKind.target, "level", None, None, check
    ).field_checks  # a factory's default is made anew
    assert made.span is q.span  # shared with its number (nothing edits a span in place)
    copy = made.model_copy(deep=True)
    assert copy == made and copy.span is not made.span
