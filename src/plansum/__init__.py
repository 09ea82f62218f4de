"""plansum: structured, source-checked summaries of Chinese government development plans.

    import plansum
    summary = plansum.summarize_file("plan.txt")                       # rules path
    summary = plansum.summarize(text, engine="hybrid",
                                settings=plansum.Settings(model="deepseek-chat", ...))

The result is a `PlanSummary`; every number in it carries the `Span` where it stands in
the decoded text.
"""

from __future__ import annotations

from ._version import __version__
from .document import Document, Findings
from .errors import CassetteError, ConfigError, InputError, LLMError, PlansumError
from .models import (
    Check,
    CheckRecord,
    CheckStatus,
    DocumentInfo,
    Goal,
    Indicator,
    PlanSummary,
    Project,
    Quantity,
    Section,
    Span,
)
from .pipeline import Engine, summarize, summarize_document, summarize_file
from .settings import Settings

__all__ = [
    "CassetteError",
    "Check",
    "CheckRecord",
    "CheckStatus",
    "ConfigError",
    "Document",
    "DocumentInfo",
    "Engine",
    "Findings",
    "Goal",
    "Indicator",
    "InputError",
    "LLMError",
    "PlanSummary",
    "PlansumError",
    "Project",
    "Quantity",
    "Section",
    "Settings",
    "Span",
    "__version__",
    "summarize",
    "summarize_document",
    "summarize_file",
]
