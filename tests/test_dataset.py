"""The dataset's schema: docs/dataset.md, the SQLite tables and the Parquet files agree, and
every row's provenance (document id, span) points at its evidence in the source."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT
from plansum.batch.run import run_batch
from plansum.batch.store import TABLES, Store, arrow_schema
from plansum.parse.loading import load_file

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

QUANTITIES = {"indicators": ("baseline", "target", "actual", "growth"), "projects": ("quantity",)}


def documented() -> dict[str, list[tuple[str, str]]]:
    """(column, type) of each table, in order, from the Columns part of docs/dataset.md."""
    text = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    out: dict[str, list[tuple[str, str]]] = {}
    for m in re.finditer(r"^### `(\w+)`\n(.*?)(?=^### |\Z)", text, re.M | re.S):
        out[m.group(1)] = re.findall(r"^\| `(\w+)` \| (\w+) \| .+ \|$", m.group(2), re.M)
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ds")
    src = tmp / "in"
    src.mkdir()
    for p in CORPUS.glob("*.txt"):
        shutil.copy(p, src / p.name)
    (src / "broken.txt").write_bytes(b"%PDF-1.7 not text")
    out = tmp / "out"
    report = run_batch(src, out, runner="inline")
    assert report.parquet_error is None
    return out


def test_docs_list_every_column_with_its_type() -> None:
    docs = documented()
    assert list(docs) == list(TABLES)
    for table, cols in TABLES.items():
        assert docs[table] == [(c.name, c.kind) for c in cols], (
            f"docs/dataset.md is out of date for `{table}`: "
            f"undocumented {sorted({c.name for c in cols} - {n for n, _ in docs[table]})}, "
            f"gone {sorted({n for n, _ in docs[table]} - {c.name for c in cols})}"
        )


def test_parquet_and_sqlite_have_the_documented_schema(batch: Path) -> None:
    db = sqlite3.connect(batch / Store.FILENAME)
    for table, cols in TABLES.items():
        f = pq.ParquetFile(batch / f"{table}.parquet")
        assert f.schema_arrow.equals(arrow_schema(table)), table
        sqlite_cols = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
        assert sqlite_cols == [c.name for c in cols]
        n = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        assert f.metadata.num_rows == n
        if table != "checks":  # the rules path makes no checks
            assert n > 0, table


def test_duckdb_reads_and_joins_the_files(batch: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rows = con.execute(
        f"""SELECT d.source, count(*) FROM '{batch}/indicators.parquet' i
            JOIN '{batch}/documents.parquet' d USING (document_id)
            GROUP BY d.source ORDER BY d.source"""
    ).fetchall()
    db = sqlite3.connect(batch / Store.FILENAME)
    expect = db.execute(
        "SELECT source, n_indicators FROM documents WHERE status = 'ok' AND n_indicators > 0 ORDER BY source"
    ).fetchall()
    assert rows == expect
    failed = con.execute(f"SELECT source, error_kind FROM '{batch}/documents.parquet' WHERE status = 'failed'").fetchall()
    assert failed == [("broken.txt", "input")]


def test_every_span_points_at_its_evidence(batch: Path) -> None:
    docs = pq.read_table(batch / "documents.parquet").to_pylist()
    texts = {d["document_id"]: load_file(CORPUS / d["source"]).text for d in docs if d["status"] == "ok"}
    assert len(texts) == len(list(CORPUS.glob("*.txt")))
    for d in docs:
        if d["status"] == "ok":
            assert d["chars"] == len(texts[d["document_id"]])
    checked = 0
    for table in ("indicators", "projects"):
        for r in pq.read_table(batch / f"{table}.parquet").to_pylist():
            text = texts[r["document_id"]]
            assert 0 <= r["span_start"] < r["span_end"] <= len(text)
            for q in QUANTITIES[table]:
                if r[f"{q}_raw"] is not None and r[f"{q}_span_start"] is not None:
                    assert text[r[f"{q}_span_start"] : r[f"{q}_span_end"]] == r[f"{q}_raw"]
                    checked += 1
    assert checked > 100
    for r in pq.read_table(batch / "goals.parquet").to_pylist():
        assert texts[r["document_id"]][r["span_start"] : r["span_end"]] == r["text"]
    heads = pq.read_table(batch / "headings.parquet").to_pylist()
    for r in heads:
        assert r["title"] in texts[r["document_id"]][r["span_start"] : r["span_end"]]
        if r["parent"] is not None:
            parent = next(h for h in heads if h["document_id"] == r["document_id"] and h["ordinal"] == r["parent"])
            assert parent["level"] < r["level"]
            assert parent["body_start"] <= r["span_start"] < parent["body_end"]
