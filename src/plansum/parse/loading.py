"""Bytes to text.

The decoded text is the one the user sees, and every offset plansum reports indexes it.
So loading decodes and strips a byte-order mark, and nothing else: full-width digits and
punctuation stay as they are (the number parser reads them through a same-length mapping),
line ends stay as they are.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._lazyre import lazy_re
from ..errors import InputError
from ..formats import CONVERTED, convert, detect, is_url

if TYPE_CHECKING:  # types only: a plain-text file never loads the converters
    from ..formats import PageMap, Progress

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
    """Decoded text and how it was decoded; `document.Document` parses it.  For a PDF, Word
    file or web page the text is the converted one and `pages` maps its offsets to pages."""

    text: str
    encoding: str | None
    name: str = "<text>"
    format: str = "text"
    pages: PageMap | None = None


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    bad += sample.count("\ufffd")
    return bad / len(sample)


_CJK = lazy_re(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def _cjk_share(text: str) -> float:
    """Share of CJK ideographs and CJK/full-width punctuation among the visible characters
    of a sample: near 1 for Chinese decoded right, low for the same bytes decoded wrong."""
    sample = "".join(text[:20000].split())
    return len(_CJK.findall(sample)) / len(sample) if sample else 0.0


def _utf16_guess(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte-order mark, if one byte order reads as Chinese."""
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        share = _cjk_share(text)
        if share >= 0.3 and _control_ratio(text) <= 0.01 and (best is None or share > best[0]):
            best = (share, text, enc)
    return (best[1], best[2]) if best else None


def _utf8_after_utf16_bom(rest: bytes) -> str | None:
    """UTF-8 text behind a UTF-16 byte-order mark (an editor that added the wrong mark):
    valid UTF-8 with multi-byte characters is no accident, UTF-16 Chinese never is."""
    if not any(b >= 0x80 for b in rest[:4096]):
        return None
    try:
        return rest.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode(data: bytes, name: str = "<bytes>") -> Decoded:
    """Decode plan text from bytes: BOMs first, then UTF-8, then GB18030 (a superset of GBK/GB2312),
    then whatever charset-normalizer judges best.  Raises InputError for empty or binary input."""
    if not data:
        raise InputError(f"{name}: the file is empty; give a plan document in plain text")
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(
                f"{name}: this is {what}, not plain text; give it as a file with its own "
                "suffix (.pdf, .docx) or convert it to a .txt file first"
            )
    text: str | None = None
    encoding = ""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            if enc == "utf-16":
                stray = _utf8_after_utf16_bom(data[len(bom) :])
                if stray is not None:
                    text, encoding = stray, "utf-8"
                    break
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: starts with a {enc} byte-order mark but does not decode: {exc.reason}") from exc
            text = text.lstrip("\ufeff")
            encoding = {"utf-8-sig": "utf-8-sig"}.get(enc, enc)
            break
    if text is None:
        head = data[:4096]
        if b"\x00" in head and (guess := _utf16_guess(data)) is not None:
            # NUL bytes without a BOM: UTF-16 without a mark (Chinese in UTF-16 has NULs on
            # both sides: 一 is U+4E00, digits are U+003x).  Otherwise a stray NUL in a text
            # file is read as a space like any control character, and binary data is refused
            # below by its share of control characters.
            text, encoding = guess
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
            if text is None:
                # GB18030 decodes almost any byte string; UTF-16 without a mark (and without
                # ASCII, so without NULs) wins when it reads as clearly more Chinese.
                utf16 = _utf16_guess(data) if len(data) % 2 == 0 else None
                try:
                    text, encoding = data.decode("gb18030"), "gb18030"
                    if utf16 is not None and _cjk_share(utf16[0]) > _cjk_share(text) + 0.2:
                        text, encoding = utf16
                except UnicodeDecodeError:
                    if utf16 is not None:
                        text, encoding = utf16
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


def _too_large(p: Path, size: int) -> InputError:
    return InputError(
        f"{p}: {size / 2**20:.0f} MiB is larger than the {MAX_BYTES / 2**20:.0f} MiB limit; "
        "split the document"
    )


# Same-length replacements, so that offsets into the cleaned text are offsets into the
# decoded one: control characters (NUL …) would go into every output, and line ends the
# outline and the chunker do not know (a lone CR, NEL, U+2028/2029) would hide the headings.
_CONTROLS = {c: " " for c in [*range(0, 9), *range(14, 32), 127]}
_LINE_ENDS = {0x85: "\n", 0x2028: "\n", 0x2029: "\n"}
_ODD = lazy_re(r"[\x00-\x08\x0e-\x1f\x7f\x85\u2028\u2029]|\r(?!\n)")
_TABLE = str.maketrans({**_CONTROLS, **_LINE_ENDS})


def clean_text(text: str) -> str:
    """Text as plansum reads it: control characters as spaces, every line end a \\n (a CRLF
    stays: its CR is not a line end of its own).  Never changes the length."""
    # A search for each odd character alone runs at memory speed; the pattern (an alternation,
    # tried at every position) only when one of them is there.
    if "\r" not in text and not any(chr(c) in text for c in _TABLE):
        return text
    if not _ODD.search(text):
        return text
    return re.sub(r"\r(?!\n)", "\n", text.translate(_TABLE))


def load_file(path: str | Path, *, progress: Progress | None = None) -> Decoded:
    """Read a regular file of at most MAX_BYTES.  A FIFO, a device (/dev/zero, /dev/urandom)
    or a socket is refused before it is read: opened without blocking, checked with fstat,
    and read with a cap all the same (a file that grows while read is cut off and refused)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory; give one plan text file")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                what = (
                    "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode)
                    else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                    else "a socket" if stat.S_ISSOCK(st.st_mode)
                    else "not a regular file"
                )
                raise InputError(f"{p}: is {what}, not a regular file; save the plan text to a file first")
            if st.st_size > MAX_BYTES:
                raise _too_large(p, st.st_size)
            # read what fstat said (not a 200 MiB buffer up front), then whatever it grew by
            data = f.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += f.read(MAX_BYTES + 1 - len(data))
        if len(data) > MAX_BYTES:
            raise _too_large(p, len(data))
    except PermissionError as exc:
        raise InputError(f"{p}: cannot be read (permission denied)") from exc
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror})") from exc
    return load_bytes(data, str(p), progress=progress)


def load_bytes(data: bytes, name: str, *, hint: str | None = None, charset: str | None = None,
               progress: Progress | None = None) -> Decoded:
    """Bytes of any supported format → text: a PDF, .docx or web page through its converter
    (`formats`), plain text through `decode`; .doc/.wps refused with the converter to use."""
    fmt = detect(data, name, hint)
    if fmt in CONVERTED or fmt in ("doc", "wps"):
        out = convert(data, name, fmt, progress=progress, charset=charset)
        return Decoded(text=out.text, encoding=out.encoding, name=name, format=fmt, pages=out.pages)
    return decode(data, name=name)


def load_source(source: str | Path, *, progress: Progress | None = None) -> Decoded:
    """A path, or an http(s) URL of a page or file (fetched with a size cap and a timeout)."""
    if isinstance(source, str) and is_url(source):
        from ..formats.url import fetch  # httpx only when a URL is given

        got = fetch(source)
        return load_bytes(got.data, source, hint=got.format, charset=got.charset, progress=progress)
    return load_file(source, progress=progress)
