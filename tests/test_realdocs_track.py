"""`plansum track` on the real provincial work reports of ../shared/realdocs: each document's
region (a real division with its code and parent), type, date and period, and each province's
2026 GDP growth target and 2025 result, against the hand-checked tests/gold/realdocs/info.json.
Skipped where the folder is absent, as the seed tests are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT, realdocs_dir
from plansum.cli import app
from plansum.parse.docinfo import read_document_info
from plansum.parse.loading import load_file

REALDOCS = realdocs_dir()
INFO = json.loads((ROOT / "tests" / "gold" / "realdocs" / "info.json").read_text(encoding="utf-8"))
DOCS: dict[str, dict[str, Any]] = INFO["documents"]


@pytest.fixture(scope="module")
def realdocs() -> Path:
    if not REALDOCS.is_dir() or not list(REALDOCS.glob("*.txt")):
        pytest.skip(f"real documents not found at {REALDOCS}")
    return REALDOCS


@pytest.fixture(scope="module")
def ledger(realdocs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("realdocs") / "ledger.json"
    res = CliRunner().invoke(app, ["track", str(realdocs), "--format", "json", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_gold_covers_every_file(realdocs: Path) -> None:
    assert sorted(DOCS) == sorted(p.name for p in realdocs.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(DOCS))
def test_document_info(realdocs: Path, name: str) -> None:
    gold = DOCS[name]
    info = read_document_info(load_file(realdocs / name).text)
    keys = ("region", "region_code", "region_parent", "doc_type", "date", "period")
    got = {k: getattr(info, k) for k in keys}
    assert got == {k: gold[k] for k in got}


def _gdp_rows(ledger: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {
        (reg["region"], r["year"]): r
        for reg in ledger["regions"]
        for r in reg["rows"]
        if r["indicator"] == "gdp" and r["measure"] == "growth"
    }


@pytest.mark.parametrize("name", sorted(n for n, g in DOCS.items() if g["gdp_growth_target_2026"]))
def test_gdp_target_2026_and_result_2025(ledger: dict[str, Any], name: str) -> None:
    gold = DOCS[name]
    doc = next(d for d in ledger["documents"] if d["name"] == name)
    assert (doc["region"], doc["doc_type"]) == (gold["region"], gold["doc_type"])
    rows = _gdp_rows(ledger)
    want = gold["gdp_growth_target_2026"]
    target = rows[(gold["region"], 2026)]
    # one target, both ends of a range, no second figure from another part of the report
    assert {(t["value"], t["upper"]) for t in target["targets"]} == {(want["value"], want["upper"])}
    comparator = {"range": "exact"}.get(want["comparator"], want["comparator"])
    assert {t["comparator"] for t in target["targets"]} == {comparator}
    result = rows[(gold["region"], 2025)]
    assert {a["value"] for a in result["actuals"]} == {gold["gdp_growth_result_2025"]}
    assert not result["conflicts"]  # a five-year average never stands in for 2025
