"""Shared measures for the benchmarks; standard library only (runs in any interpreter)."""

from __future__ import annotations

import re
from functools import lru_cache

_FW = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_NUM = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def normalize(s: str) -> str:
    """Full-width digits to ASCII, thousands separators dropped."""
    s = s.translate(_FW)
    return re.sub(r"(?<=\d),(?=\d{3})", "", s)


def _number_forms(tok: str) -> list[str]:
    forms = [tok]
    try:
        x = float(tok)
    except ValueError:
        return forms
    if x == int(x):
        forms.append(str(int(x)))
    g = f"{x:g}"
    if g not in forms and "e" not in g:
        forms.append(g)
    return forms


@lru_cache(maxsize=8)
def _normalized_source(source: str) -> str:
    return normalize(source)


def value_in_source(value: str | None, source: str) -> bool:
    """Does an extracted value occur in the source?

    The first number in the value (e.g. "1.2" of "1.2万人", "6" of "6.0") must stand in the
    source as a whole number token (not inside "60" or "16.5"); a value without digits
    (二〇三五) must occur as a substring.  Empty values count as not found.
    """
    if value is None:
        return False
    v = normalize(str(value)).strip()
    if not v:
        return False
    src = _normalized_source(source)
    m = _NUM.search(v)
    if m is None:
        return v in src
    for form in _number_forms(m.group(0)):
        if re.search(r"(?<![\d.])" + re.escape(form) + r"(?![\d]|\.\d)", src):
            return True
    return False
