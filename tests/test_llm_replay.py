"""The LLM path, replayed from cassettes recorded against a real model (Gemma 3 270M)."""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path

import pytest

from conftest import CORPUS, seeds_dir
from plansum.llm import prompts
from plansum.errors import CassetteError
from plansum.parse.loading import load_file
from plansum.models import CheckStatus
from plansum.pipeline import summarize
from plansum.replay import summarize_replay
from plansum.replay.cassettes import RecordingMeta, default_dir, scan_for_secrets
from test_rules import assert_spans_hold

CASSETTES = default_dir()
META = RecordingMeta.load(CASSETTES) if (CASSETTES / "meta.json").exists() else None
RECORDED = sorted(META.documents) if META else []


def _source(name: str) -> Path | None:
    for d in (CORPUS, seeds_dir()):
        if (d / name).exists():
            return d / name
    return None


@pytest.fixture(autouse=True)
def _quiet() -> None:
    logging.getLogger("instructor").setLevel(logging.CRITICAL)


def test_cassettes_cover_the_fixture_corpus() -> None:
    assert META is not None, "cassettes/meta.json missing: run scripts/record_cassettes.sh"
    fixtures = {p.name for p in CORPUS.glob("*.txt")}
    assert fixtures <= set(RECORDED), sorted(fixtures - set(RECORDED))


@pytest.mark.parametrize("name", RECORDED)
def test_replayed_summary_reports_no_number_absent_from_the_source(name: str) -> None:
    path = _source(name)
    if path is None:
        pytest.skip(f"{name} is not here (seeds live in ../shared/seeds)")
    doc = load_file(path)
    s = summarize_replay(doc.text, name, engine="hybrid")
    assert_spans_hold(s, doc.text)
    prov = s.provenance
    assert prov.mode == "hybrid" and prov.model == META.model  # type: ignore[union-attr]
    assert len(prov.chunks) == META.documents[name]["chunks"]  # type: ignore[union-attr]
    assert prov.prompt_tokens == META.documents[name]["prompt_tokens"]  # type: ignore[union-attr]
    # Everything the model said that failed the check is listed, never shown as a value.
    for c in prov.chunks:
        if c.degraded:
            assert any(r.status == "degraded" and r.item == f"chunk[{c.chunk}]" for r in s.checks)
    for ind in s.indicators:
        assert ind.check.status != CheckStatus.rejected
        if ind.origin == "llm":
            # verified only if every shown field passed; an unchecked field says so
            shown = {f: c.status for f, c in ind.field_checks.items()}
            assert CheckStatus.rejected not in shown.values()
            if ind.check.status == CheckStatus.verified:
                assert set(shown.values()) == {CheckStatus.verified}
            else:
                assert ind.check.status in (CheckStatus.corrected, CheckStatus.unverified)


def test_llm_mode_keeps_only_model_items_and_fallbacks() -> None:
    name = "qinglan_annual_2024.txt"
    if name not in RECORDED:
        pytest.skip("not recorded")
    doc = load_file(CORPUS / name)
    hybrid = summarize_replay(doc.text, name, engine="hybrid")
    llm = summarize_replay(doc.text, name, engine="llm")
    assert llm.provenance.mode == "llm"
    degraded = [c.span for c in llm.provenance.chunks if c.degraded]
    for ind in llm.indicators:
        # rules items appear in llm mode only where a chunk fell back
        assert ind.origin == "llm" or any(d.start <= ind.span.start < d.end for d in degraded)
    assert len(llm.indicators) <= len(hybrid.indicators)


def test_a_changed_prompt_misses_the_cassette(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "qinglan_annual_2024.txt"
    if name not in RECORDED:
        pytest.skip("not recorded")
    real = prompts.load_prompt()
    changed = dataclasses.replace(real, system=real.system + "\n请认真。", sha="0" * 64)
    monkeypatch.setattr("plansum.llm.answer.load_prompt", lambda name="extract_chunk": changed)
    doc = load_file(CORPUS / name)
    with pytest.raises(CassetteError, match="re-record"):
        summarize_replay(doc.text, name)


def test_missing_cassette_names_the_document(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text((CASSETTES / "meta.json").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CassetteError, match="nope.txt"):
        summarize_replay("青岚市地区生产总值增长6%。", "nope.txt", cassette_dir=tmp_path)


def test_cassettes_hold_no_secrets_and_no_documents() -> None:
    files = sorted(CASSETTES.glob("*.yaml"))
    assert files
    assert scan_for_secrets(CASSETTES) == []
    sources = [p for p in (_source(n) for n in RECORDED) if p is not None]
    for f in files:
        blob = f.read_text(encoding="utf-8")
        assert "authorization" not in blob.lower()
        assert "body: sha256:" in blob  # request bodies are digests only
        for src in sources:
            text = load_file(src).text
            # No 40-character run of any source document is stored.
            for i in range(0, max(1, len(text) - 40), 997):
                piece = text[i : i + 40]
                if piece.strip() and "\n" not in piece:
                    assert piece not in blob, (f.name, src.name)
    assert os.environ.get("PLANSUM_API_KEY") is None


@pytest.mark.parametrize("name", [n for n in RECORDED if META.settings_for(n).get("answer") == "compact"])  # type: ignore[union-attr]
def test_recorded_compact_answers_show_only_what_the_source_supports(name: str) -> None:
    """Gemma 3 270M with the compact answer: it can cite only the chunk's numbers (an enum
    in the schema), and what it says about them (names such as 'green tea' or '10', roles,
    years) is shown only where the source supports it."""
    path = _source(name)
    if path is None:
        pytest.skip(f"{name} is not here (seeds live in ../shared/seeds)")
    doc = load_file(path)
    s = summarize_replay(doc.text, name, engine="hybrid")
    flat = "".join(doc.text.split())
    rules = summarize(doc.text, engine="rules")
    rules_names = {(i.span.start, i.name) for i in rules.indicators}
    assert not any("不在本段正文中" in c.reason or "不在本段中" in c.reason for c in s.checks)
    for ind in s.indicators:
        if ind.origin != "llm":
            continue
        # A name of the source, or the rules' name for the same number (which the rules clean:
        # 园区(基地) → 园区基地), never the model's own.
        assert "".join(ind.name.split()) in flat or (ind.span.start, ind.name) in rules_names, ind.name
        shown = [c.status for c in ind.field_checks.values()]
        assert CheckStatus.rejected not in shown
        assert (ind.check.status == CheckStatus.verified) == all(x == CheckStatus.verified for x in shown)
    assert_spans_hold(s, doc.text)
