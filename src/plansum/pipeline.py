"""The one-call facade: text or file in, `PlanSummary` out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .loading import load_file
from .models import PlanSummary
from .rules import analyze, rules_summary


def summarize_text(
    text: str,
    *,
    settings: Any = None,
    offline: bool = False,
    encoding: str | None = None,
    progress: bool = False,
) -> PlanSummary:
    """Summarize plan text.  With no model configured (or `offline=True`) the rules path runs."""
    analysis = analyze(text, encoding=encoding)
    if offline or settings is None or not getattr(settings, "model", None):
        return rules_summary(analysis)
    from .llm_pipeline import llm_summary

    return llm_summary(analysis, settings, progress=progress)


def summarize_path(path: str | Path, **kwargs: Any) -> PlanSummary:
    doc = load_file(path)
    return summarize_text(doc.text, encoding=doc.encoding, **kwargs)


def summarize_replay(
    text: str,
    document: str,
    *,
    cassette_dir: Path | None = None,
    merge_mode: str = "hybrid",
    encoding: str | None = None,
) -> PlanSummary:
    """The LLM path with the model's answers replayed from the document's cassette (no network).

    Settings (model, chunk budget, token cap, mode) come from the cassettes' meta.json, so the
    requests are byte-identical to the recorded ones; a missing or stale cassette raises
    CassetteError naming the document and how to re-record.
    """
    from .cassettes import RecordingMeta, default_dir, replaying
    from .llm_pipeline import llm_summary
    from .settings import Settings

    d = cassette_dir or default_dir()
    meta = RecordingMeta.load(d)
    rec = meta.settings_for(document)
    settings = Settings(
        model=rec["model"],
        base_url="http://127.0.0.1:9/v1",  # never contacted: replay only
        api_key="replay",
        mode=rec["mode"],
        chunk_chars=rec["chunk_chars"],
        max_tokens=rec["max_tokens"],
        max_retries=rec["max_retries"],
        transport_retries=0,
        concurrency=1,
        cache=False,
    )
    analysis = analyze(text, encoding=encoding)
    with replaying(document, d):
        return llm_summary(analysis, settings, merge_mode=merge_mode)  # type: ignore[arg-type]
