"""plansum: structured, source-checked summaries of Chinese government development plans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .ledger import TrackLedger
    from .models import PlanSummary

__all__ = ["__version__", "summarize", "summarize_file", "track"]


def summarize(text: str, **kwargs: Any) -> PlanSummary:
    """Summarize plan text; see `plansum.pipeline.summarize_text`."""
    from .pipeline import summarize_text

    return summarize_text(text, **kwargs)


def summarize_file(path: Any, **kwargs: Any) -> PlanSummary:
    """Load a file (any common Chinese encoding) and summarize it."""
    from .pipeline import summarize_path

    return summarize_path(path, **kwargs)


def track(paths: Any, **kwargs: Any) -> TrackLedger:
    """Targets against results across documents and years; see `plansum.ledger.track`."""
    from .ledger import track as _track

    return _track(paths, **kwargs)
