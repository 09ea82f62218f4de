"""Plans as people get them: PDF, Word (.docx) and web pages, converted to plan text.

One conversion step per format (`pdf`, `docx`, `html`), each to the same kind of text the rest
of plansum reads (tables in the Markdown layout `tables.py` knows, Chinese clean-up in
`cleanup`), with a `PageMap` from offsets back to the PDF page.  `detect` decides the format
from the name and the first bytes; `convert` runs the converter.  Old Word (.doc) and WPS
files are refused with the converter to use.  The libraries are extras (`pdf`, `docx`,
`html`, or all three as `formats`); a missing one is named in the error.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:  # the converters and their clean-up load when a converted format is read
    from .cleanup import Converted
    from .pagemap import PageMap
    from .pdf import Progress

__all__ = ["Converted", "PageMap", "Progress", "convert", "detect", "is_url", "CONVERTED"]



def __getattr__(name: str) -> Any:
    """Converted, PageMap and Progress, imported on first use: a plain-text file never loads
    the converters or their clean-up patterns (start-up, issue 22)."""
    if name == "Converted":
        from .cleanup import Converted

        return Converted
    if name == "PageMap":
        from .pagemap import PageMap

        return PageMap
    if name == "Progress":
        from .pdf import Progress

        return Progress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


CONVERTED = ("pdf", "docx", "html")  # the formats a converter turns into text
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html",
            ".shtml": "html", ".doc": "doc", ".wps": "wps", ".wpt": "wps", ".dot": "doc"}
_OLE = b"\xd0\xcf\x11\xe0"


def is_url(source: object) -> bool:
    """Whether a source is an http(s) URL (fetched by `url.fetch`, which imports httpx: the
    text path never does)."""
    return isinstance(source, str) and bool(re.match(r"^https?://", source, re.I))


def detect(data: bytes, name: str = "", hint: str | None = None) -> str:
    """pdf | docx | html | doc | wps | text, from the bytes first, then the hint and the suffix."""
    head = data[:1024].lstrip()
    suffix = SUFFIXES.get(PurePath(name.split("?")[0]).suffix.lower())
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_OLE):
        return "wps" if suffix == "wps" or hint == "wps" else "doc"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or suffix == "docx" or hint == "docx" else "zip"
    if hint in ("html", "docx", "pdf", "doc", "wps"):
        return hint
    low = head.lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or (
        suffix == "html" and b"<" in low[:200]
    ):
        return "html"
    if suffix in ("doc", "wps"):
        return suffix
    return "text"


def convert(data: bytes, name: str, fmt: str, *, progress: Progress | None = None,
            charset: str | None = None) -> Converted:
    """Convert the bytes of a `fmt` file (see `detect`) to plan text with its page map."""
    if fmt == "pdf":
        from .pdf import convert_pdf

        return convert_pdf(data, name, progress)
    if fmt == "docx":
        from .docx import convert_docx

        return convert_docx(data, name)
    if fmt == "html":
        from .html import convert_html

        return convert_html(data, name, charset)
    if fmt in ("doc", "wps"):
        what = "an old Word (.doc)" if fmt == "doc" else "a WPS (.wps)"
        raise InputError(
            f"{name}: {what} file cannot be read directly; save it as .docx or PDF (in Word or "
            "WPS: 另存为), or convert it with LibreOffice: "
            "`soffice --headless --convert-to docx FILE`"
        )
    raise InputError(f"{name}: no converter for {fmt} files")
