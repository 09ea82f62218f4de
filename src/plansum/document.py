"""One parsed document, and the findings an extractor returns about it.

`Document` is built once per text: the decoded text, where it came from, the document
info, the outline and every number mention.  Every later step reads it and none changes
it; chunks are views on it (spans), not copies.  `Findings` is what any extractor returns —
the rules, the model, or a merge of the two — so the steps after extraction never ask
which extractor ran.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .models import (
    CheckRecord,
    ChunkUsage,
    DocumentInfo,
    Goal,
    Indicator,
    Point,
    Project,
    Section,
    Span,
)
from .parse.chunking import Chunk, chunk_text
from .parse.docinfo import read_document_info
from .parse.loading import clean_text, load_source
from .parse.numbers import Mentions, scan_mentions
from .parse.outline import flatten, parse_outline

if TYPE_CHECKING:  # types only: a plain-text document never loads the converters
    from .formats import PageMap, Progress


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a document's many small objects are made.

    Parsing makes hundreds of thousands of models (a 50 MB plan: some 400,000 number
    mentions) and none of them in a reference cycle; each full collection walks all of
    them, so with the collector on the time grows faster than the input (issue 13).
    Reference counting still frees everything; the collector is restored afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass(frozen=True)
class Document:
    text: str
    name: str
    encoding: str | None
    info: DocumentInfo
    outline: list[Section]
    sections: list[Section]  # the outline flattened in pre-order
    mentions: Mentions  # compact columns; doc.mentions[i] makes the Mention (numbers.Mentions)
    # For a converted PDF (or a .docx with page breaks): offsets → pages of the original.
    pages: PageMap | None = None
    format: str = "text"

    @classmethod
    def from_text(
        cls,
        text: str,
        name: str = "<text>",
        encoding: str | None = None,
        pages: PageMap | None = None,
        format: str = "text",
    ) -> Document:
        text = clean_text(text)  # same length: offsets still index the caller's text
        with paused_gc():
            info = read_document_info(text)
            info.encoding = encoding
            info.format = format
            info.pages = pages.page_starts() if pages is not None else None
            outline = parse_outline(text)
            return cls(
                text=text,
                name=name,
                encoding=encoding,
                info=info,
                outline=outline,
                sections=flatten(outline),
                mentions=scan_mentions(text),
                pages=pages,
                format=format,
            )

    @classmethod
    def load(cls, path: str | Path, progress: Progress | None = None) -> Document:
        """Read a text file in any common Chinese encoding, a PDF, .docx or web page, or an
        http(s) URL of one (see `loading` and `formats`), and parse it."""
        raw = load_source(path, progress=progress)
        return cls.from_text(
            raw.text, name=raw.name, encoding=raw.encoding, pages=raw.pages, format=raw.format
        )

    def page_label(self, start: int, end: int | None = None) -> str | None:
        """第N页 for a span of a converted PDF; None for plain text."""
        return self.pages.label(start, end) if self.pages is not None else None

    def chunks(self, budget: int) -> list[Chunk]:
        """Section-aligned views of at most `budget` characters (see `chunking`)."""
        return chunk_text(self.text, self.sections, self.mentions, budget)


@dataclass
class Findings:
    """What an extractor found in a document.

    `failed` lists the spans the extractor could not do (a model chunk that fell back);
    there another extractor's findings stand in.  `chunks` and `summaries` are the model's
    per-chunk accounting and one-line chunk summaries (empty for the rules).
    """

    indicators: list[Indicator] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    checks: list[CheckRecord] = field(default_factory=list)
    failed: list[Span] = field(default_factory=list)
    chunks: list[ChunkUsage] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)  # the summaries with their prose checks
    fields_given: int = 0  # what the model said (see models.Verdict), for the run's verdict
    fields_refused: int = 0
    chunks_refused: int = 0
    prompt_version: str | None = None

    def covers(self, span: Span) -> bool:
        """Whether `span` starts outside every failed span (the findings there are this extractor's)."""
        return not any(d.start <= span.start < d.end for d in self.failed)


class Extractor(Protocol):
    """The one interface every extractor implements: the rules, the model, a test double."""

    name: str

    def extract(self, doc: Document) -> Findings: ...
