"""Quality on real documents, with floors at the measured figures (issue 20).

The texts are not in the repository: ../shared/realdocs and ../shared/seeds next to the checkout
(env PLANSUM_REALDOCS / PLANSUM_SEEDS), as CI lays them out.  Without them the tests skip, except
under CI=true, where a missing corpus is a failure: these floors are the guard that a change which
loses quality on real documents does not land.

The figures are pooled over the documents whose gold is complete (`"complete": true`: every
indicator annotated); the rules path, matched by position (docs/evaluation.md).  Raise a floor when
the figure rises; lower one only with a reason in the commit.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from plansum.eval.metrics import metrics
from plansum.eval.names import name_problems
from plansum.eval.run import evaluate
from plansum.models import CheckCause

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"

FLOORS: dict[str, dict[str, float]] = {
    # measured: realdocs P 0.998 R 0.989 name= 0.933 role 0.988 kind 1.000 year 0.998 dir 0.974
    # hl 1.000 attr 1.000; recall over every gold file, the headline-only ones included
    # (recall_all): 0.990 (issue 20: R 0.973, recall_all 0.977, hl 0.962, dir 0.961)
    "realdocs": {
        "recall_all": 0.995,  # names2: 1.000 (every realdocs gold figure found)
        "precision": 0.99,
        "recall": 0.995,
        "direction_accuracy": 0.97,
        "headline_recall": 1.0,
        "name_exactness": 0.93,
        "role_agreement": 0.98,
        "kind_accuracy": 1.0,
        "year_accuracy": 0.99,
        "attribute_accuracy": 1.0,
        "number_faithfulness": 1.0,
    },
    # measured on the four complete seeds (002's gold is partial): P 0.986 R 0.983 name= 0.900
    # role 0.988 kind 0.997 year 0.997; recall_all (with 002) 0.985
    "seeds": {
        "recall_all": 0.98,
        "precision": 0.98,
        "recall": 0.98,
        "name_exactness": 0.90,
        "role_agreement": 0.98,
        "kind_accuracy": 0.99,
        "year_accuracy": 0.99,
        "number_faithfulness": 1.0,
    },
}


# Read at import: the suite's autouse fixture clears PLANSUM_* variables around each test.
_DIRS = {
    name: Path(os.environ.get(f"PLANSUM_{name.upper()}") or ROOT.parent / "shared" / name)
    for name in ("realdocs", "seeds")
}
_CI = bool(os.environ.get("CI"))


def _corpus(name: str) -> Path:
    d = _DIRS[name]
    if not d.is_dir() or not any(d.glob("*.txt")):
        if _CI:
            pytest.fail(f"{name} corpus not found at {d}: CI must have ../shared/{name}")
        pytest.skip(f"{name} corpus not found at {d}")
    return d


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any], Any]:
    name = request.param
    report = evaluate(_corpus(name), GOLD / name, ["rules"])
    mode = report.mode("rules")
    complete = [r for r in mode.documents if r.indicators_complete]
    assert complete, f"no complete gold in tests/gold/{name}"
    got = metrics(complete)
    got["recall_all"] = metrics(mode.documents)["recall"]
    return name, got, mode


def test_quality_on_real_documents_stays_above_the_floors(
    scored: tuple[str, dict[str, Any], Any],
) -> None:
    name, got, _ = scored
    low = {
        k: (round(got[k], 4) if got[k] is not None else None, floor)
        for k, floor in FLOORS[name].items()
        if got[k] is None or got[k] < floor
    }
    assert not low, f"{name}: below the floor (figure, floor): {low}"


@pytest.mark.parametrize("scored", ["realdocs"], indirect=True)
def test_every_table_row_of_the_huangpu_plan_is_read_with_its_attribute(
    scored: tuple[str, dict[str, Any], Any],
) -> None:
    _, _, mode = scored
    (doc,) = [r for r in mode.documents if r.document == "huangpu_fengmao_14th.txt"]
    # The gold gives 预期性/约束性 to the ten numeric rows of its 附件1 table, and only to them.
    assert doc.gold_attributes == 10 and doc.attributes_correct == 10, doc.missed_indicators


def test_no_sentence_name_breaks_the_naming_convention() -> None:
    from plansum.parse.loading import load_file
    from plansum.pipeline import summarize

    bad = []
    for corpus in ("seeds", "realdocs"):
        for path in sorted(_corpus(corpus).glob("*.txt")):
            doc = load_file(path)
            s = summarize(doc.text, engine="rules", name=path.name, encoding=doc.encoding)
            bad += [
                f"{path.name}: {i.name} {name_problems(i.name)}"
                for i in s.indicators
                if i.check.cause is not CheckCause.table_row and name_problems(i.name)
            ]
    assert not bad, bad


def _in_table_row(text: str, at: int | None) -> bool:
    if at is None:
        return False
    line = text[text.rfind("\n", 0, at) + 1 : text.find("\n", at) % (len(text) + 1)]
    return line.count("|") >= 2 or "\t" in line or len(line.strip()) <= 30 and "，" not in line


def test_gold_names_keep_the_convention_and_offsets_hold_their_numbers() -> None:
    from plansum.eval.gold import load_gold_dir
    from plansum.parse.numbers import find_mentions

    for corpus in ("seeds", "realdocs"):
        d = _corpus(corpus)
        for stem, gold in load_gold_dir(GOLD / corpus).items():
            text = (d / stem).read_text(encoding="utf-8")
            # A table row keeps its 指标 cell as written (地区生产总值增长): only sentence names
            # are held to the convention.
            sentence_names = [g.name for g in gold.indicators if not _in_table_row(text, g.start)]
            assert not [n for n in sentence_names if name_problems(n)], stem
            mentions = [m.quantity for m in find_mentions(text)]
            for g in gold.indicators:
                if g.start is None or g.end is None:
                    continue
                held = any(
                    q.span is not None
                    and q.span.start < g.end
                    and g.start < q.span.end
                    and (abs(q.value - g.value) < 1e-6 or abs((q.upper or -1) - g.value) < 1e-6)
                    for q in mentions
                )
                # 超万亿元, 百家: a number without a digit the parser does not read (yet)
                digits = any(ch.isdigit() for ch in text[g.start : g.end])
                assert held or not digits, (stem, g.name, g.value, g.start)
