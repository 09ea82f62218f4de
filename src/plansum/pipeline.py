"""The one-call facade: text, file or `Document` in, `PlanSummary` out."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ._version import __version__
from .assemble import assemble, rules_provenance
from .document import Document, Extractor, paused_gc
from .errors import ConfigError
from .models import PlanSummary, Provenance

if TYPE_CHECKING:
    from .settings import Settings

# The extractors, by name, imported on first use: the rules path never imports the model's
# libraries (openai, instructor).  Each entry is "module:factory"; a factory takes the
# settings (None for the rules) and keyword options and returns an `Extractor`.
EXTRACTORS: dict[str, str] = {
    "rules": "plansum.rules.extractor:RulesExtractor",
    "llm": "plansum.llm.extractor:LLMExtractor",
}


def extractor(name: str) -> Callable[..., Extractor]:
    """The factory registered under `name` in `EXTRACTORS`."""
    try:
        module, _, attr = EXTRACTORS[name].partition(":")
    except KeyError:
        raise ConfigError(f"no extractor named {name!r}: {', '.join(EXTRACTORS)}") from None
    factory: Callable[..., Extractor] = getattr(importlib.import_module(module), attr)
    return factory


Engine = Literal["auto", "rules", "llm", "hybrid"]
ENGINES: tuple[str, ...] = ("auto", "rules", "llm", "hybrid")


def resolve_engine(engine: Engine, settings: Settings | None) -> Literal["rules", "llm", "hybrid"]:
    """`auto` is the hybrid when a model is configured, else the rules."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "hybrid" if settings is not None and settings.model else "rules"
    if engine != "rules" and (settings is None or not settings.model):
        raise ConfigError(
            f"engine {engine!r} needs a model: pass settings=Settings(model=...) "
            "(or set PLANSUM_MODEL), or use engine='rules'"
        )
    return engine


def summarize_document(
    doc: Document,
    *,
    engine: Engine = "auto",
    settings: Settings | None = None,
    progress: bool = False,
    client: Any = None,
    model: Extractor | None = None,
) -> PlanSummary:
    """Summarize a parsed document with the chosen engine (see `summarize`).

    `model` replaces the model's extractor (any `Extractor`: a test double, another
    provider); `client` is handed to the registered one (a `llm.client.ChunkClient`)."""
    chosen = resolve_engine(engine, settings)
    with paused_gc():  # see document.paused_gc: linear time on large documents
        rules = extractor("rules")().extract(doc)
        if chosen == "rules":
            return assemble(doc, rules, rules_provenance())
    assert settings is not None and settings.model is not None
    from .merge import merge

    if model is None:
        model = extractor("llm")(settings, client=client, progress=progress)
    llm = model.extract(doc)
    merged = merge(rules, llm, chosen)
    prov = Provenance(
        plansum_version=__version__,
        mode=chosen,
        model=settings.model,
        prompt_version=llm.prompt_version,
        chunks=llm.chunks,
        prompt_tokens=sum(u.prompt_tokens for u in llm.chunks),
        completion_tokens=sum(u.completion_tokens for u in llm.chunks),
    )
    return assemble(doc, merged, prov, referee=rules)


def summarize(
    text: str,
    *,
    engine: Engine = "auto",
    settings: Settings | None = None,
    name: str = "<text>",
    encoding: str | None = None,
    progress: bool = False,
) -> PlanSummary:
    """Summarize plan text.

    engine: "rules" (no model), "llm" (the model's findings, the rules only where a chunk
    failed), "hybrid" (the model's findings over the rules'), or "auto" (hybrid when
    `settings` names a model, else rules).  settings: how to reach the model
    (`plansum.Settings.from_env()` reads PLANSUM_* variables).  name and encoding are
    recorded in the summary's document info.
    """
    doc = Document.from_text(text, name=name, encoding=encoding)
    return summarize_document(doc, engine=engine, settings=settings, progress=progress)


def summarize_file(
    path: str | Path,
    *,
    engine: Engine = "auto",
    settings: Settings | None = None,
    progress: bool = False,
) -> PlanSummary:
    """Load a file (UTF-8, GB18030/GBK, UTF-16; see `loading`) and summarize it."""
    return summarize_document(
        Document.load(path), engine=engine, settings=settings, progress=progress
    )
