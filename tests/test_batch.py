"""plansum batch: engines, resume, failures, manifests, the CLI."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import CORPUS
from plansum.batch.run import (
    Job,
    RunOptions,
    content_id,
    discover,
    process_document,
    run_batch,
    settings_key,
)
from plansum.cli import app
from plansum.settings import Settings

VOLATILE = {"seconds", "processed_at"}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The fixture corpus plus two files that must fail: a PNG and an empty file."""
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    for p in sorted(CORPUS.glob("*.txt")):
        shutil.copy(p, d / ("sub" if "gbk" in p.name else "") / p.name)
    (d / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (d / "empty.txt").write_bytes(b"")
    return d


def _table(db: Path, table: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [
        {k: r[k] for k in r.keys() if k not in VOLATILE}
        for r in conn.execute(f'SELECT * FROM "{table}" ORDER BY document_id, rowid')
    ]
    conn.close()
    return rows


def test_failures_are_rows_and_the_batch_goes_on(corpus: Path, tmp_path: Path) -> None:
    report = run_batch(corpus, tmp_path / "out", runner="inline", parquet=False)
    n_good = len(list(CORPUS.glob("*.txt")))
    assert report.total == n_good + 2 and report.done == n_good
    assert sorted((s, k) for s, k, _ in report.failed) == [("empty.txt", "input"), ("scan.txt", "input")]
    docs = {d["source"]: d for d in _table(tmp_path / "out" / "plansum.sqlite", "documents")}
    assert "sub/qinglan_annual_gbk.txt" in docs  # recursive, named relative to the input
    assert docs["scan.txt"]["status"] == "failed" and "PNG" in docs["scan.txt"]["error"]
    assert docs["empty.txt"]["error_kind"] == "input"
    ok = [d for d in docs.values() if d["status"] == "ok"]
    assert all(d["n_indicators"] > 0 and d["mode"] == "rules" for d in ok)
    # Each document's rows in the item tables match its own counts.
    ind = _table(tmp_path / "out" / "plansum.sqlite", "indicators")
    for d in ok:
        assert sum(1 for r in ind if r["document_id"] == d["document_id"]) == d["n_indicators"]


def test_resume_skips_what_is_done(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_batch(corpus, out, runner="inline", parquet=False)
    before = _table(out / "plansum.sqlite", "indicators")
    again = run_batch(corpus, out, runner="inline", parquet=False)
    assert again.done == 0 and again.skipped == first.done
    assert len(again.failed) == 2  # failures are tried again
    assert _table(out / "plansum.sqlite", "indicators") == before

    # A changed file is done again under its new id; its old rows go.
    p = corpus / "qinglan_annual_2024.txt"
    old_id, _ = content_id(p.read_bytes())
    p.write_text(p.read_text(encoding="utf-8") + "\n全年新建5G基站1200个。\n", encoding="utf-8")
    third = run_batch(corpus, out, runner="inline", parquet=False)
    assert third.done == 1 and third.skipped == first.done - 1
    docs = _table(out / "plansum.sqlite", "documents")
    assert old_id not in {d["document_id"] for d in docs}
    assert len(docs) == first.total

    # Other settings: everything is done again.
    conn = sqlite3.connect(out / "plansum.sqlite")
    with conn:
        conn.execute("UPDATE documents SET settings_key = 'older'")
    conn.close()
    assert run_batch(corpus, out, runner="inline", parquet=False).done == first.done


def test_settings_key_follows_what_changes_results(tmp_path: Path) -> None:
    rules = settings_key(RunOptions())
    a = Settings(model="m", base_url="http://127.0.0.1:9/v1", cache_dir=tmp_path)
    assert settings_key(RunOptions(settings=a)) != rules
    assert settings_key(RunOptions(settings=a.with_(chunk_chars=1000))) != settings_key(RunOptions(settings=a))
    # Not what only changes speed.
    assert settings_key(RunOptions(settings=a.with_(concurrency=8))) == settings_key(RunOptions(settings=a))


def test_duplicates_are_done_once(corpus: Path, tmp_path: Path) -> None:
    shutil.copy(corpus / "yunxi_news_2025.txt", corpus / "copy.txt")
    report = run_batch(corpus, tmp_path / "out", runner="inline", parquet=False)
    assert report.duplicates == [("yunxi_news_2025.txt", "copy.txt")]


def test_process_pool_gives_the_same_rows(corpus: Path, tmp_path: Path) -> None:
    run_batch(corpus, tmp_path / "a", runner="inline", parquet=False)
    report = run_batch(corpus, tmp_path / "b", runner="processes", workers=2, parquet=False)
    assert len(report.failed) == 2
    for table in ("documents", "headings", "indicators", "goals", "projects"):
        assert _table(tmp_path / "b" / "plansum.sqlite", table) == _table(
            tmp_path / "a" / "plansum.sqlite", table
        ), table


def test_process_document_never_raises(tmp_path: Path) -> None:
    r = process_document(Job("x", "gone.txt", str(tmp_path / "gone.txt")), RunOptions())
    assert not r.ok and r.error_kind == "input" and "no such file" in (r.error or "")
    r = process_document(Job("y", "dir", str(tmp_path)), RunOptions())
    assert not r.ok and r.error_kind == "input"
    # A bug in the pipeline is a failed document too, with the exception named.
    text = (CORPUS / "yunxi_news_2025.txt").read_bytes()
    key = "sk-test-in-the-url-0000"
    bad = RunOptions(
        settings=Settings(
            model="m", base_url=f"http://127.0.0.1:9/{key}/v1", api_key=key, cache=False,
            transport_retries=0, timeout=1,
        )
    )
    r = process_document(Job("z", "n.txt", "", data=text), bad)
    assert not r.ok and r.error_kind == "llm" and r.rows["documents"][0]["status"] == "failed"
    assert "cannot reach" in (r.error or "") and key not in (r.error or "")  # the key is masked


def test_manifests(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "list.txt").write_text("# two plans\nin/qinglan_outline.txt\n\nin/missing.txt\n", encoding="utf-8")
    assert [s for s, _ in discover(tmp_path / "list.txt")] == ["in/qinglan_outline.txt", "in/missing.txt"]
    (tmp_path / "m.csv").write_text("path,region\nin/yunxi_news_2025.txt,云溪\n", encoding="utf-8")
    assert discover(tmp_path / "m.csv") == [("in/yunxi_news_2025.txt", tmp_path / "in" / "yunxi_news_2025.txt")]
    (tmp_path / "m.jsonl").write_text('{"path": "in/qinglan_proposal.txt"}\n', encoding="utf-8")
    assert [s for s, _ in discover(tmp_path / "m.jsonl")] == ["in/qinglan_proposal.txt"]
    report = run_batch(tmp_path / "list.txt", tmp_path / "out", runner="inline", parquet=False)
    assert report.done == 1 and [(s, k) for s, k, _ in report.failed] == [("in/missing.txt", "input")]


def test_cli_batch(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    args = ["batch", str(corpus), "-o", str(out), "--offline", "--workers", "1", "--progress"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "failed: scan.txt [input]" in res.stderr
    assert "docs/s" in res.stderr and "tokens" in res.stderr  # the progress bar
    assert (out / "indicators.parquet").is_file()
    res = CliRunner().invoke(app, [*args, "--strict"])
    assert res.exit_code == 3 and "0 summarized" in res.stderr
    res = CliRunner().invoke(app, ["batch", str(corpus), "-o", str(out), "--engine", "spark"])
    assert res.exit_code == 2 and "unknown engine" in res.stderr
    # The summarize engine needs a model for llm / hybrid, and says so before any work.
    res = CliRunner().invoke(app, ["batch", str(corpus), "-o", str(tmp_path / "o2"), "--engine", "llm"])
    assert res.exit_code == 2 and "needs a model" in res.stderr
    assert not (tmp_path / "o2" / "plansum.sqlite").exists()


class _KillsTheWorker:
    """Unpickled in a pool worker, it ends that process at once (a segfault, an OOM kill)."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        import os

        return (os._exit, (3,))


def test_a_dead_worker_fails_only_its_own_document(tmp_path: Path) -> None:
    from plansum.batch.run import run_processes

    text = (CORPUS / "yunxi_news_2025.txt").read_bytes()
    jobs = [Job("boom", "boom.txt", "", data=_KillsTheWorker())]  # type: ignore[arg-type]
    jobs += [Job(f"d{k}", f"d{k}.txt", "", data=text + f"\n{k}".encode()) for k in range(20)]
    results = list(run_processes(jobs, RunOptions(), workers=2))
    assert sorted(r.source for r in results) == sorted(j.source for j in jobs)
    by_source = {r.source: r for r in results}
    assert by_source["boom.txt"].error_kind == "crash" and not by_source["boom.txt"].ok
    assert "died on this document" in (by_source["boom.txt"].error or "")
    # The documents that were in flight with it were run again, alone: only it fails.
    assert all(by_source[f"d{k}.txt"].ok for k in range(20))


def test_bench_generator_makes_new_readable_documents(tmp_path: Path) -> None:
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_batch", ROOT / "bench" / "batch.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    paths = mod.generate(16, tmp_path / "gen")
    assert len({content_id(p.read_bytes())[0] for p in paths}) == 16
    report = run_batch(tmp_path / "gen", tmp_path / "out", runner="inline", parquet=False)
    assert report.done == 16 and not report.failed
    docs = _table(tmp_path / "out" / "plansum.sqlite", "documents")
    assert all("青岚" not in (d["title"] or "") for d in docs)
    assert len({d["n_indicators"] for d in docs}) > 3


def test_a_dead_endpoint_stops_the_batch_and_keeps_what_is_done(corpus: Path, tmp_path: Path) -> None:
    from plansum.errors import LLMError

    dead = Settings(model="m", base_url="http://127.0.0.1:9/v1", cache=False, transport_retries=0, timeout=1)
    out = tmp_path / "out"
    with pytest.raises(LLMError, match="3 documents in a row"):
        run_batch(corpus, out, options=RunOptions(settings=dead), runner="inline", parquet=False)
    docs = _table(out / "plansum.sqlite", "documents")
    llm_failed = [d for d in docs if d["error_kind"] == "llm"]
    assert len(llm_failed) == 3 and len(docs) < len(list(corpus.rglob("*.txt")))
    # The same collection, offline: the documents that failed are done now.
    report = run_batch(corpus, out, runner="inline", parquet=False)
    assert report.done == len(list(CORPUS.glob("*.txt")))


def test_old_engine_flag_for_where_documents_run_names_runner(tmp_path: Path) -> None:
    """`--engine processes` was where documents ran; it is now `--runner`, and says so."""
    res = CliRunner().invoke(app, ["batch", str(CORPUS), "-o", str(tmp_path / "o"), "--engine", "processes"])
    assert res.exit_code == 2
    assert "--runner processes" in res.output
    assert not (tmp_path / "o").exists()


def test_settings_key_follows_the_answer_format_roles_and_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resumed batch redoes documents when the answer it asks for changes: the format
    (full/compact), where instructions go (system/user), or the prompt of that format."""
    import dataclasses

    import plansum.llm.prompts as prompts

    base = dict(model="m", base_url="http://127.0.0.1:9/v1", api_key="k")

    def key(**kw: Any) -> str:
        return settings_key(RunOptions(settings=Settings(**{**base, **kw}), engine="llm"))

    assert key(answer="compact") != key(answer="full")
    assert key(answer="full", roles="user") != key(answer="full", roles="system")
    before = key(answer="compact")
    real = prompts.load_prompt.__wrapped__  # the uncached loader

    def edited(name: str = "extract_chunk") -> Any:
        p = real(name)
        return dataclasses.replace(p, sha="f" * 64) if name == "extract_compact" else p

    monkeypatch.setattr("plansum.llm.prompts.load_prompt", edited)
    monkeypatch.setattr("plansum.llm.answer.load_prompt", edited)
    assert key(answer="compact") != before  # the compact prompt was edited
