"""Recorded model traffic: record once against a real endpoint, replay offline (vcrpy).

Test and evaluation machinery, not needed to summarize: vcrpy is in the `replay` extra
(the `test` extra pulls it in).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..document import Document
from ..models import PlanSummary
from ..pipeline import summarize_document
from ..settings import Settings


def summarize_replay(
    doc: Document | str,
    document: str,
    *,
    cassette_dir: Path | None = None,
    engine: Literal["llm", "hybrid"] = "hybrid",
    encoding: str | None = None,
) -> PlanSummary:
    """The LLM path with the model's answers replayed from the document's cassette (no network).

    Settings (model, chunk budget, token cap, mode) come from the cassettes' meta.json, so the
    requests are byte-identical to the recorded ones; a missing or stale cassette raises
    CassetteError naming the document and how to re-record.
    """
    from ..llm.client import ChunkClient
    from .cassettes import RecordingMeta, default_dir, replay_client, replaying

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
        # cassettes from before these settings were recorded with a system message and
        # the full answer
        roles=rec.get("roles", "system"),
        answer=rec.get("answer", "full"),
        transport_retries=0,
        concurrency=1,
        cache=False,
    )
    if isinstance(doc, str):
        doc = Document.from_text(doc, name=document, encoding=encoding)
    with replaying(document, d):
        client = ChunkClient(settings, http_client=replay_client(document))
        try:
            return summarize_document(doc, engine=engine, settings=settings, client=client)
        finally:
            client.close()
