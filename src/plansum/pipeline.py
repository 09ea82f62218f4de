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
