"""Bytes to text.

The decoded text is the one the user sees, and every offset plansum reports indexes it.
So loading decodes and strips a byte-order mark, and nothing else: full-width digits and
punctuation stay as they are (the number parser reads them through a same-length mapping),
line ends stay as they are.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

# Signatures of formats people mistake for text.
_BINARY_MAGIC: dict[bytes, str] = {
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (or .docx/.xlsx)",
    b"\xd0\xcf\x11\xe0": "an old Office document (.doc/.xls)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip file",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\x7fELF": "an executable",
}

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how it was decoded; `document.Document` parses it."""

    text: str
    encoding: str
    name: str = "<text>"


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    bad += sample.count("\ufffd")
    return bad / len(sample)


def decode(data: bytes, name: str = "<bytes>") -> Decoded:
    """Decode plan text from bytes: BOMs first, then UTF-8, then GB18030 (a superset of GBK/GB2312),
    then whatever charset-normalizer judges best.  Raises InputError for empty or binary input."""
    if not data:
        raise InputError(f"{name}: the file is empty; give a plan document in plain text")
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(
                f"{name}: this is {what}, not plain text; convert it to a .txt file first "
                "(e.g. pdftotext for a PDF)"
            )
    text: str | None = None
    encoding = ""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: starts with a {enc} byte-order mark but does not decode: {exc.reason}") from exc
            text = text.lstrip("\ufeff")
            encoding = {"utf-8-sig": "utf-8-sig"}.get(enc, enc)
            break
    if text is None:
        head = data[:4096]
        if b"\x00" in head:
            # NUL bytes without a BOM: UTF-16 without a mark (NULs on one side), or binary.
            even, odd = head[0::2].count(0), head[1::2].count(0)
            if min(even, odd) > 0 or max(even, odd) < len(head) // 8:
                raise InputError(
                    f"{name}: looks like binary data, not text; give a plain-text plan document"
                )
            text, encoding = _decode_guess(data, name)
        else:
            for enc in ("utf-8", "gb18030"):
                try:
                    text = data.decode(enc)
                    encoding = enc
                    break
                except UnicodeDecodeError:
                    continue
            if text is None:
                text, encoding = _decode_guess(data, name)
    if _control_ratio(text) > 0.01:
        raise InputError(
            f"{name}: looks like binary data, not text (decoded as {encoding} it is full of "
            "control characters); give a plain-text plan document"
        )
    if not text.strip():
        raise InputError(f"{name}: the file holds only whitespace; nothing to summarize")
    return Decoded(text=text, encoding=encoding, name=name)


def _decode_guess(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise InputError(
            f"{name}: looks like binary data or an unknown encoding (not UTF-8, UTF-16 or "
            "GB18030/GBK); give a plain-text file saved as UTF-8"
        )
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(
            f"{name}: does not decode as {best.encoding}; re-save the file as UTF-8"
        ) from exc


def load_file(path: str | Path) -> Decoded:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory; give one plan text file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{p}: {size / 2**20:.0f} MiB is larger than the {MAX_BYTES / 2**20:.0f} MiB limit; "
                "split the document"
            )
        data = p.read_bytes()
    except PermissionError as exc:
        raise InputError(f"{p}: cannot be read (permission denied)") from exc
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror})") from exc
    return decode(data, name=str(p))
