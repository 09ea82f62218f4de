"""The Batch API path against a local fake endpoint: submit, poll, collect, resume."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import CORPUS
from fake_batch_server import BAD_VALUE, FakeBatchEndpoint
from plansum.batch.run import RunOptions, run_batch
from plansum.llm.batch_api import cache_filler
from plansum.errors import ConfigError, PlansumError
from plansum.settings import Settings

DOCS = ["qinglan_annual_2024.txt", "yunxi_news_2025.txt"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for name in DOCS:
        shutil.copy(CORPUS / name, d / name)
    return d


def _settings(base_url: str, tmp_path: Path) -> Settings:
    return Settings(
        model="fake-model",
        base_url=base_url,
        api_key="sk-test-batch-0000",
        chunk_chars=1200,
        max_tokens=512,
        max_retries=1,
        transport_retries=0,
        concurrency=1,
        timeout=10,
        cache_dir=tmp_path / "cache",
        # The fake stands in for a hosted provider (local servers have no Batch API): the full
        # answer, instructions as a system message, as a remote endpoint gets by default.
        answer="full",
        roles="system",
    )


def _run(corpus: Path, out: Path, settings: Settings, **filler: object) -> object:
    notes: list[str] = []
    report = run_batch(
        corpus,
        out,
        options=RunOptions(settings=settings),
        runner="inline",
        parquet=False,
        before=cache_filler(settings, poll_seconds=0, sleep=lambda s: None, echo=notes.append, **filler),  # type: ignore[arg-type]
    )
    return report, notes


def test_submit_poll_collect_resume(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with FakeBatchEndpoint(polls_to_complete=2) as fake:
        s = _settings(fake.base_url, tmp_path)
        # 1st run: the batch is submitted, then still running when the wait is over.
        with pytest.raises(PlansumError, match="rerun"):
            _run(corpus, out, s, max_wait=0)
        assert (fake.uploads, fake.batch_creates, fake.live_requests) == (1, 1, 0)
        # Every request is the live path's request: model, messages, answer cap, schema.
        db = sqlite3.connect(out / "plansum.sqlite")
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
        assert db.execute("SELECT status FROM llm_batches").fetchall() == [("submitted",)]

        # 2nd run: collects the same batch (no new upload), then summarizes from the cache.
        report, notes = _run(corpus, out, s)
        assert (fake.uploads, fake.batch_creates) == (1, 1)
        n_requests = len(fake.bodies)
        assert n_requests >= 3
        for body in fake.bodies:
            assert body["model"] == "fake-model" and body["max_tokens"] == 512
            assert body["response_format"]["type"] == "json_schema"
            assert "【1】" in body["messages"][-1]["content"]
        # The one answer with a number that is not in the text failed the check and went live.
        assert fake.live_requests == 1
        assert report.done == len(DOCS) and not report.failed  # type: ignore[attr-defined]
        assert any("1 failed the check" in n for n in notes)
        rows = db.execute(
            "SELECT origin, target_value FROM indicators WHERE origin = 'llm'"
        ).fetchall()
        assert rows and all(v != BAD_VALUE for _, v in rows)
        chunks, prompt_tokens = db.execute(
            "SELECT sum(chunks), sum(prompt_tokens) FROM documents"
        ).fetchone()
        assert chunks == n_requests
        assert prompt_tokens == 100 * n_requests  # batch usage, kept with each cached answer
        assert db.execute("SELECT status FROM llm_batches").fetchall() == [("completed",)]

        # 3rd run: nothing to do, nothing sent.
        report, _ = _run(corpus, out, s)
        assert report.skipped == len(DOCS) and report.done == 0  # type: ignore[attr-defined]
        assert (fake.uploads, fake.batch_creates, fake.live_requests) == (1, 1, 1)


def test_endpoint_without_batch_api_goes_live(corpus: Path, tmp_path: Path) -> None:
    with FakeBatchEndpoint(has_batches=False) as fake:
        s = _settings(fake.base_url, tmp_path)
        report, notes = _run(corpus, tmp_path / "out", s)
        assert fake.uploads == 0 and fake.live_requests >= 3
        assert report.done == len(DOCS)  # type: ignore[attr-defined]
        assert any("no Batch API" in n for n in notes)
        with pytest.raises(ConfigError, match="no Batch API"):
            _run(corpus, tmp_path / "out2", s.with_(cache_dir=tmp_path / "c2"), required=True)


def test_cli_batch_through_the_batch_api(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    monkeypatch.setenv("PLANSUM_ANSWER", "full")  # as for a hosted provider (see _settings)
    monkeypatch.setenv("PLANSUM_ROLES", "system")

    from plansum.cli import app

    with FakeBatchEndpoint(polls_to_complete=2) as fake:
        args = [
            "batch", str(corpus), "-o", str(tmp_path / "out"), "--model", "fake-model",
            "--base-url", fake.base_url, "--api-key", "sk-test-batch-0000", "--llm-batch", "on",
            "--poll", "0", "--workers", "1", "--no-parquet", "--no-progress",
        ]
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 0, res.output
        assert "submitted batch batch-1" in res.stderr and "answers cached" in res.stderr
        assert (fake.uploads, fake.live_requests) == (1, 1)
        assert "sk-test-batch-0000" not in res.output
        assert f"{len(DOCS)} summarized" in res.stderr


def test_batches_are_split_within_the_provider_limits() -> None:
    from plansum.llm.batch_api import Pending, _line, split

    reqs = [Pending(f"k{i:03d}", {"messages": [{"role": "user", "content": "字" * (i % 7 * 40)}]}, {}) for i in range(50)]
    assert [len(p) for p in split(reqs, max_requests=20)] == [20, 20, 10]
    limit = 2000
    parts = split(reqs, max_bytes=limit)
    assert [r for p in parts for r in p] == reqs  # all of them, in order
    assert all(sum(len(_line(r)) for r in p) <= limit for p in parts) and len(parts) > 1
