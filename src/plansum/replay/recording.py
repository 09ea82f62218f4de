"""Record model traffic for a set of documents into cassettes, with the settings used."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..document import Document
from ..errors import PlansumError
from ..llm.prompts import load_prompt
from ..pipeline import summarize_document
from ..settings import Settings
from .cassettes import RecordingMeta, cassette_name, recording, scan_for_secrets


def record_documents(
    files: list[Path],
    settings: Settings,
    *,
    out_dir: Path,
    endpoint_note: str = "",
    echo: Callable[[str], None] = print,
) -> RecordingMeta:
    """Run the LLM path on each file against the live endpoint `settings` name, and write one
    cassette per document (no response cache: every request reaches the endpoint)."""
    settings = settings.with_(cache=False)
    settings.require_endpoint()
    assert settings.model is not None
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        meta = RecordingMeta.load(out_dir)
        if (meta.model, meta.chunk_chars, meta.max_tokens, meta.mode) != (
            settings.model, settings.chunk_chars, settings.max_tokens, settings.mode
        ):
            meta = _new_meta(settings, endpoint_note)
    except PlansumError:
        meta = _new_meta(settings, endpoint_note)
    meta.prompt = load_prompt("extract_compact" if settings.compact else "extract_chunk").tag
    meta.max_retries = settings.max_retries
    if endpoint_note:
        meta.endpoint = endpoint_note
    for f in files:
        doc = Document.load(f)
        t0 = time.perf_counter()
        # the key in use, from a flag or the environment, whatever its shape (gsk_…, AIza…)
        with recording(Path(f).name, out_dir, [settings.api_key] if settings.api_key else None):
            summary = summarize_document(doc, engine="hybrid", settings=settings)
        wall = time.perf_counter() - t0
        prov = summary.provenance
        degraded = sum(1 for c in prov.chunks if c.degraded)
        meta.documents[Path(f).name] = {
            "chars": len(doc.text),
            "chunks": len(prov.chunks),
            "degraded_chunks": degraded,
            "prompt_tokens": prov.prompt_tokens,
            "completion_tokens": prov.completion_tokens,
            "record_seconds": round(wall, 1),
            "cassette": cassette_name(Path(f).name),
            # What replay must repeat exactly for the requests to match.
            "settings": {
                "chunk_chars": settings.chunk_chars,
                "max_tokens": settings.max_tokens,
                "max_retries": settings.max_retries,
                "mode": settings.mode,
                "model": settings.model,
                "roles": "user" if settings.user_roles else "system",
                "answer": "compact" if settings.compact else "full",
            },
        }
        meta.save(out_dir)
        echo(
            f"recorded {Path(f).name}: {len(prov.chunks)} chunks ({degraded} degraded), "
            f"{prov.prompt_tokens}+{prov.completion_tokens} tokens, {wall:.1f} s"
        )
    bad = scan_for_secrets(out_dir, [settings.api_key] if settings.api_key else None)
    if bad:
        raise PlansumError(f"cassettes hold what looks like a secret: {bad}; delete them")
    return meta


def _new_meta(s: Settings, note: str) -> RecordingMeta:
    assert s.model is not None
    return RecordingMeta(
        model=s.model,
        mode=s.mode,
        chunk_chars=s.chunk_chars,
        max_tokens=s.max_tokens,
        max_retries=s.max_retries,
        prompt=load_prompt().tag,
        endpoint=note or "OpenAI-compatible endpoint",
    )
