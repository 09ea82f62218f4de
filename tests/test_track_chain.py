"""`plansum track` on six yearly work reports of one fictional county (tests/fixtures/chain):
each year's target in its own report, its result in the next year's, every verdict checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from plansum.cli import app

CHAIN = FIXTURES / "chain"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("chain") / "ledger.json"
    res = CliRunner().invoke(app, ["track", str(CHAIN), "--format", "json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return json.loads(Path(out).read_text(encoding="utf-8"))


def _rows(ledger: dict[str, Any], key: str, measure: str) -> dict[int, dict[str, Any]]:
    (region,) = ledger["regions"]
    return {r["year"]: r for r in region["rows"] if r["indicator"] == key and r["measure"] == measure}


def test_every_report_is_the_countys_work_report(ledger: dict[str, Any]) -> None:
    docs = ledger["documents"]
    assert len(docs) == 6
    for d in docs:
        year = int(d["name"][-8:-4])
        assert (d["region"], d["doc_type"], d["period"]) == ("岚桥县", "work_report", str(year))
        assert d["date"].startswith(f"{year}-01-")  # the venue line, not the file name


# year: (target value, upper end, comparator, actual, verdict)
GDP = {
    2021: (7.0, None, "about", 6.8, "met"),  # 左右: 6.8 >= 7 - 0.5
    2022: (6.5, None, "at_least", 3.2, "missed"),
    2023: (6.0, 6.5, "exact", 6.1, "met"),  # a range: met from its lower end
    2024: (5.5, None, "about", 4.8, "missed"),  # written 经济增长5.5%左右
    2025: (5.0, None, "exact", 5.3, "met"),
}


@pytest.mark.parametrize("year", sorted(GDP))
def test_gdp_growth_verdicts(ledger: dict[str, Any], year: int) -> None:
    row = _rows(ledger, "gdp", "growth")[year]
    value, upper, comparator, actual, verdict = GDP[year]
    assert [(t["value"], t["upper"], t["comparator"]) for t in row["targets"]] == [
        (value, upper, comparator)
    ]
    assert [a["value"] for a in row["actuals"]] == [actual]
    assert row["status"] == verdict
    # the result comes from the next year's report, the target from the year's own
    assert row["targets"][0]["document"] == f"lanqiao_gzbg_{year}.txt"
    assert row["actuals"][0]["document"] == f"lanqiao_gzbg_{year + 1}.txt"


def test_the_last_target_has_no_result_yet(ledger: dict[str, Any]) -> None:
    rows = _rows(ledger, "gdp", "growth")
    last = rows[2026]
    assert [(t["value"], t["upper"]) for t in last["targets"]] == [(5.0, 5.5)]
    assert last["actuals"] == [] and last["status"] == "not_yet_known"
    assert rows[2020]["status"] == "no_target"  # reviewed in the first report, no target for it


REVENUE = {2021: "met", 2022: "met", 2023: "missed", 2024: "met", 2025: "missed"}
UNEMPLOYMENT = {2021: "met", 2022: "missed", 2023: "met", 2024: "met", 2025: "met"}


def test_revenue_and_unemployment_verdicts(ledger: dict[str, Any]) -> None:
    revenue = _rows(ledger, "budget_revenue", "growth")
    assert {y: revenue[y]["status"] for y in REVENUE} == REVENUE
    jobless = _rows(ledger, "registered_unemployment", "level")
    assert {y: jobless[y]["status"] for y in UNEMPLOYMENT} == UNEMPLOYMENT
    assert all(jobless[y]["direction"] == "down" for y in UNEMPLOYMENT)


def test_five_year_averages_are_periods_never_a_single_year(ledger: dict[str, Any]) -> None:
    (region,) = ledger["regions"]
    periods = {
        (p["indicator"], p["start"], p["end"]): p
        for p in region["periods"]
        if p["measure"] == "average_growth"
    }
    p = periods[("gdp", 2021, 2025)]
    assert [t["value"] for t in p["targets"]] == [6.5] and [a["value"] for a in p["actuals"]] == [5.2]
    assert p["status"] == "missed"  # 5.2 against 6.5左右
    assert p["years_known"] == 5 and p["average_so_far"] == pytest.approx(5.23, abs=0.01)
    assert [a["value"] for a in periods[("gdp", 2016, 2020)]["actuals"]] == [6.9]
    assert [t["value"] for t in periods[("gdp", 2026, 2030)]["targets"]] == [5.0]
    # no single year holds an average: no row disagrees with itself
    for row in region["rows"]:
        assert not row["conflicts"], row


def test_a_target_the_documents_went_past_reads_no_result(ledger: dict[str, Any]) -> None:
    # 城镇化率 58% by 2025, set in the 2021 report: the 2026 report reviews 2025 but gives no
    # rate, so the documents hold no result (not "not yet known", which 2026 still is)
    row = _rows(ledger, "urbanization", "level")[2025]
    assert [t["value"] for t in row["targets"]] == [58.0] and row["actuals"] == []
    assert row["status"] == "no_result"
