"""plansum: structured, source-checked summaries of Chinese government development plans.

    import plansum
    summary = plansum.summarize_file("plan.txt")                       # rules path
    summary = plansum.summarize(text, engine="hybrid",
                                settings=plansum.Settings(model="deepseek-chat", ...))

The result is a `PlanSummary`; every number in it carries the `Span` where it stands in
the decoded text.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from . import render
    from .document import Document, Findings
    from .errors import CassetteError, ConfigError, InputError, LLMError, PlansumError
    from .ledger import TrackLedger, track
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

# Where each public name lives.  They are imported on first use, so that `plansum --help`
# and `import plansum` stay quick (pydantic and the parsers load only when needed).
_HOME = {
    "Document": "document", "Findings": "document",
    "CassetteError": "errors", "ConfigError": "errors", "InputError": "errors",
    "LLMError": "errors", "PlansumError": "errors",
    "Check": "models", "CheckRecord": "models", "CheckStatus": "models",
    "DocumentInfo": "models", "Goal": "models", "Indicator": "models", "PlanSummary": "models",
    "Project": "models", "Quantity": "models", "Section": "models", "Span": "models",
    "Engine": "pipeline", "summarize": "pipeline", "summarize_document": "pipeline",
    "summarize_file": "pipeline",
    "Settings": "settings",
    "TrackLedger": "ledger", "track": "ledger",
}
# Public subpackages, also loaded on first use: `plansum.render.render(summary, text, "html")`.
_MODULES = {"render"}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return import_module(f".{name}", __name__)
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'plansum' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API too, though its names load on first use (`dir(plansum)`, completion)."""
    return sorted(set(__all__) | {n for n in globals() if n.startswith("__")})


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
    "TrackLedger",
    "__version__",
    "render",
    "summarize",
    "summarize_document",
    "summarize_file",
    "track",
]
