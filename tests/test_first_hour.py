"""What a new user meets in the first hour (issue 24): display titles, goals that are goals,
the dataset's region and indicator-key columns, Datasette's metadata, the lazy public API."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

import plansum
from conftest import CORPUS
from plansum.batch.store import TABLES, column_descriptions, datasette_metadata
from plansum.parse.docinfo import read_document_info


def test_generic_titles_become_region_year_type_and_the_raw_title_is_kept() -> None:
    info = read_document_info((CORPUS / "qinglan_work_report_2025.txt").read_text(encoding="utf-8"))
    assert info.title == "政府工作报告"
    assert info.display_title == "青岚市2025年政府工作报告"
    own = read_document_info((CORPUS / "qinglan_annual_2024.txt").read_text(encoding="utf-8"))
    assert own.display_title == own.title == "2024年青岚市国民经济和社会发展计划"
    bare = read_document_info("2026年政府工作报告\n\n今年全市地区生产总值增长5%左右。\n")
    assert bare.display_title == bare.title  # no region read: nothing is made up
    s = plansum.summarize((CORPUS / "qinglan_work_report_2025.txt").read_text(encoding="utf-8"))
    md = plansum.render.render(s, "", "markdown")
    assert md.startswith("# 青岚市2025年政府工作报告") and "原标题 (title as written)**: 政府工作报告" in md


TARGETS = (
    "澜溪县2027年国民经济和社会发展计划\n"
    "一、2026年工作回顾\n全县地区生产总值增长5.1%。\n"
    "二、2027年主要任务\n"
    "2027年全县经济社会发展主要目标是：地区生产总值增长6%左右，城镇新增就业3000人。\n"
    "（一）扩大有效投资\n实施澜溪大道改造工程。\n"
)
VISION = (
    "三、“十五五”时期主要目标\n"
    "“十五五”时期，是澜溪县全面转型的关键时期。\n"
    "按照县委部署，“十五五”时期要确保地区生产总值年均增长5.5%左右。在此基础上再奋斗五年，到二〇三五年综合经济\n\n"
    "实力大幅跃升，基本实现社会主义现代化。\n"
    "四、保障措施\n加强组织领导。\n"
)


def test_the_main_targets_sentence_is_a_goal_wherever_it_stands() -> None:
    s = plansum.summarize(TARGETS)
    goals = [g for g in s.goals if "主要目标是" in g.text]
    assert len(goals) == 1 and goals[0].horizon_year == 2027
    assert TARGETS[goals[0].span.start : goals[0].span.end] == goals[0].text


def test_goals_are_goals_with_their_own_horizon() -> None:
    s = plansum.summarize(VISION)
    texts = {g.text.replace("\n", ""): g.horizon_year for g in s.goals}
    assert not [t for t in texts if t.endswith("关键时期")]  # a statement about the time
    five = [y for t, y in texts.items() if "年均增长5.5%" in t]
    vision = [y for t, y in texts.items() if "二〇三五年综合经济" in t and "实力大幅跃升" in t]
    assert five == [2030] and vision == [2035]  # the sentence cut by a line break is whole
    for g in s.goals:
        assert VISION[g.span.start : g.span.end] == g.text


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from plansum.batch.run import run_batch

    src = tmp_path_factory.mktemp("in")
    for p in CORPUS.glob("*.txt"):
        shutil.copy(p, src / p.name)
    out = tmp_path_factory.mktemp("out")
    run_batch(src, out, runner="inline", parquet=False)
    return out


def test_indicator_rows_carry_source_region_key_and_growth_rate(batch_out: Path) -> None:
    db = sqlite3.connect(batch_out / "plansum.sqlite")
    rows = db.execute(
        "SELECT i.source, d.source, i.region, d.region, i.name, i.indicator_key, i.rate_raw, "
        "i.growth_raw, i.target_raw FROM indicators i JOIN documents d USING (document_id)"
    ).fetchall()
    assert rows and all(r[0] == r[1] and r[2] == r[3] for r in rows)
    gdp = [r for r in rows if r[5] == "gdp"]
    assert {r[4] for r in gdp} >= {"地区生产总值"}
    rated = [r for r in gdp if r[6] is not None]
    assert len(rated) >= 10 and all(r[6] in (r[7], r[8]) for r in rated)
    assert all(r[5] != "gdp" for r in rows if r[4].startswith("人均"))


def test_datasette_metadata_describes_every_column(batch_out: Path) -> None:
    meta = json.loads((batch_out / "datasette.json").read_text(encoding="utf-8"))
    assert meta == json.loads(json.dumps(datasette_metadata()))
    tables = meta["databases"]["plansum"]["tables"]
    described = column_descriptions()
    for table, cols in TABLES.items():
        assert list(tables[table]["columns"]) == [c.name for c in cols]
        assert all(tables[table]["columns"][c.name] for c in cols), table
        assert tables[table]["columns"] == described[table]
    assert {"region", "year", "kind"} <= set(tables["indicators"]["facets"])
    q = meta["databases"]["plansum"]["queries"]["gdp_growth"]
    assert q["title"] == "GDP growth target and result by region and year"
    db = sqlite3.connect(batch_out / "plansum.sqlite")
    assert len(db.execute(q["sql"]).fetchall()) >= 10


def test_dir_shows_the_lazy_api() -> None:
    names = dir(plansum)
    for n in ("summarize", "summarize_file", "track", "render", "Settings", "PlanSummary", "Document"):
        assert n in names
    assert not [n for n in names if n in ("Any", "TYPE_CHECKING", "import_module", "annotations")]
    assert callable(plansum.render.render) and "render" in plansum.__all__
