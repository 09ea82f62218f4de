"""Render for people: one registry of formats, used for a `PlanSummary` and for the track ledger.

A `Renderers` table maps a format name (and its aliases and file extensions) to a function;
`plansum summarize`, `plansum indicators` and `plansum track` all pick their format through
one, so an unknown name or extension is an error everywhere, never a silent fall-back.

Rules shared by every summary format (render/markdown, json, csv, html):
- a rejected number is never shown as fact: Markdown and HTML strike it through and label
  it "未核实/rejected", the CSV leaves its numeric cells empty (the `*_raw` text stays);
- everything taken from the document is escaped for the target format.

Only the standard library and the models are imported, so rendering starts quickly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..errors import PlansumError
from ..models import PlanSummary
from .json import json_parts, render_json
from .markdown import indicator_table_markdown, render_markdown

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "INDICATOR_RENDERERS",
    "RENDERERS",
    "Renderer",
    "Renderers",
    "format_from_path",
    "indicator_table_markdown",
    "render",
    "render_parts",
    "renderer",
]

T = TypeVar("T")
C = TypeVar("C")


@dataclass(frozen=True)
class Renderer(Generic[T, C]):
    """One output format: its name, the file extensions and aliases that select it, the
    function (the thing rendered, and its context: the document text, or the texts of a
    ledger's documents), and optionally the same bytes made in parts."""

    name: str
    suffixes: tuple[str, ...]
    aliases: tuple[str, ...]
    render: Callable[[T, C], str]
    parts: Callable[[T], Iterator[bytes]] | None = None


class Renderers(Generic[T, C]):
    """The formats of one kind of output, looked up by name, alias or file extension."""

    def __init__(self, what: str, renderers: Iterable[Renderer[T, C]]) -> None:
        self.what = what
        self.table: dict[str, Renderer[T, C]] = {r.name: r for r in renderers}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.table)

    def get(self, fmt: str) -> Renderer[T, C]:
        """The renderer named `fmt` (a name or an alias such as md, htm); PlansumError if none."""
        key = fmt.strip().lower()
        for r in self.table.values():
            if key == r.name or key in r.aliases:
                return r
        raise PlansumError(
            f"unknown output format '{fmt}' for {self.what}: choose one of {', '.join(self.names)}"
        )

    def from_path(self, path: str | Path) -> Renderer[T, C]:
        """The renderer named by a file's extension; an error naming the known ones if none."""
        suffix = Path(path).suffix.lower()
        for r in self.table.values():
            if suffix in r.suffixes:
                return r
        known = ", ".join(s for r in self.table.values() for s in r.suffixes)
        what = f"extension '{suffix}'" if suffix else "no extension"
        raise PlansumError(
            f"cannot tell the output format of '{path}' ({what}): "
            f"name the file with one of {known}, or give the format explicitly "
            f"({', '.join(self.names)})"
        ) from None

    def choose(
        self, fmt: str | None, path: str | Path | None, default: str = "markdown"
    ) -> Renderer[T, C]:
        """The format asked for, else the one the output file's extension names, else `default`."""
        if fmt:
            return self.get(fmt)
        if path is not None and str(path) != "-":
            return self.from_path(path)
        return self.get(default)

    def values(self) -> Iterable[Renderer[T, C]]:
        return self.table.values()

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __getitem__(self, name: str) -> Renderer[T, C]:
        return self.table[name]


def render_csv(summary: PlanSummary, text: str) -> str:
    """`render.csv.render_csv`, imported when a CSV is asked for (start-up, issue 22)."""
    from .csv import render_csv

    return render_csv(summary, text)


def render_html(summary: PlanSummary, text: str) -> str:
    """`render.html.render_html`, imported when an HTML page is asked for."""
    from .html import render_html

    return render_html(summary, text)


def __getattr__(name: str) -> Any:
    if name == "CSV_COLUMNS":  # the csv module (and the stdlib's) only when asked for
        from .csv import CSV_COLUMNS

        return CSV_COLUMNS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


RENDERERS: Renderers[PlanSummary, str] = Renderers(
    "a summary",
    (
        Renderer("markdown", (".md", ".markdown"), ("md",), render_markdown),
        Renderer("json", (".json",), (), lambda summary, _text: render_json(summary), json_parts),
        Renderer("csv", (".csv",), (), render_csv),
        Renderer("html", (".html", ".htm"), ("htm",), render_html),
    ),
)
FORMATS: tuple[str, ...] = RENDERERS.names


def _indicators_json(summary: PlanSummary, _text: str) -> str:
    import json

    return json.dumps(
        [i.model_dump(mode="json", exclude_none=True) for i in summary.indicators],
        ensure_ascii=False,
        indent=2,
    )


# `plansum indicators`: the indicator table alone.
INDICATOR_RENDERERS: Renderers[PlanSummary, str] = Renderers(
    "an indicator table",
    (
        Renderer(
            "markdown",
            (".md", ".markdown"),
            ("md",),
            lambda s, _t: indicator_table_markdown(s.indicators, s.document),
        ),
        Renderer("json", (".json",), (), _indicators_json),
        Renderer("csv", (".csv",), (), render_csv),
    ),
)


def renderer(fmt: str) -> Renderer[PlanSummary, str]:
    """The summary renderer named `fmt`; PlansumError if there is none."""
    return RENDERERS.get(fmt)


def format_from_path(path: str | Path) -> str:
    """The summary format named by a file's extension (.md/.markdown, .json, .csv, .html/.htm)."""
    return RENDERERS.from_path(path).name


def render(summary: PlanSummary, text: str, fmt: str) -> str:
    """Render `summary` of the document `text` as markdown, json, csv or html (all `str`).

    `text` is the decoded document the spans point into; the CSV quotes evidence from it
    and the HTML shows it beside the summary.
    """
    return RENDERERS.get(fmt).render(summary, text)


def render_parts(summary: PlanSummary, text: str, fmt: str) -> Iterator[bytes]:
    """The same bytes as `render(...).encode()`, in parts, to be written as they come: the
    JSON of a 50 MB document is some 350 MB (twice that as a `str` of Chinese), and is
    made one list item at a time."""
    r = RENDERERS.get(fmt)
    if r.parts is not None:
        yield from r.parts(summary)
    else:
        yield r.render(summary, text).encode("utf-8")
