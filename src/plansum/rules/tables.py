"""Indicator tables (主要指标表) however they were saved as text.

Four layouts reach us:

- `|`-flattened rows copied from web pages (``1 | 经济 发展 | 地区生产总值 | 亿元 | 54 | …``),
  where a merged category cell is written into the first row of its group only;
- Markdown pipe tables (``| 指标 | 单位 | … |`` with a ``|---|`` rule);
- tab-separated rows;
- one cell per line (Word or HTML tables saved as text): each cell on its own line, blank
  lines between, and a merged first column that leaves later rows of a group one cell short.

Each layout is cut into rows of cells that keep their offsets; a row is read against the
columns its header names (序号, 类别, 指标, 单位, years, 年均增长, 属性).  A value is only
ever the text of its cell, at the cell's span.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .._lazyre import lazy_re
from ..models import (
    Attribute,
    Check,
    CheckCause,
    CheckStatus,
    Comparator,
    Indicator,
    IndicatorKind,
    Quantity,
    Span,
)
from ..parse.numbers import parse_quantity

Cell = tuple[str, int, int]  # stripped text, start, end

_ATTR = {"预期性": Attribute.expected, "约束性": Attribute.binding}
_EMPTY_CELL = lazy_re(r"^[—\-－–/／\s]*$")
_SERIAL = lazy_re(r"^\d{1,3}$")
_HEADER_YEAR = lazy_re(r"((?:19|20)\d{2})")
# A line that carries `|` but is page chrome or prose, not a table row.
_CHROME_CELL = lazy_re(
    r"^(?:来源|稿源|编辑|责任编辑|责编|审核|校对|作者|记者|通讯员|分享|打印|关闭|浏览|阅读|点击|"
    r"发布时间|字号|【|首页|上一篇|下一篇)"
)
_PROSE_CELL = 60  # a cell this long is a sentence, not a table cell
_PROSE_END = lazy_re(r"[。！？!?]")
_SIGNS = {
    "≥": Comparator.at_least, "＞": Comparator.more_than, ">": Comparator.more_than,
    "≤": Comparator.at_most, "＜": Comparator.less_than, "<": Comparator.less_than,
}


def _attribute(cell: str) -> Attribute | None:
    s = _norm_cell(cell).removesuffix("指标")
    return _ATTR.get(s if s.endswith("性") else s + "性")


def _norm_cell(cell: str) -> str:
    return re.sub(r"\s+", "", cell).strip("*")


# ---------------------------------------------------------------------------------------
# Cutting lines into cells


def _split(line: str, line_start: int, sep: str) -> list[Cell]:
    """Cells of a row separated by `sep`, with their offsets (stripped), empty cells kept."""
    out = []
    pos = 0
    for part in line.split(sep):
        raw_start = line_start + pos
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        out.append((stripped, raw_start + lead, raw_start + lead + len(stripped)))
        pos += len(part) + len(sep)
    while out and not out[-1][0]:
        out.pop()
    return out


def _is_row(cells: list[Cell]) -> bool:
    """Whether split cells can be a table row: not a news footer, not a prose line (a row has no
    sentence end: a footer inline with the text, or a file with its newlines removed, is prose)."""
    filled = [c for c, _, _ in cells if c]
    if any(_PROSE_END.search(c) for c in filled):
        return False
    if len(filled) < 2:
        return False
    return not any(
        _CHROME_CELL.match(c) or len(c) > _PROSE_CELL or (len(c) > 20 and "，" in c)
        for c in filled
    )


_MD_RULE = lazy_re(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _markdown_cells(body: str, start: int) -> list[Cell]:
    lead = len(body) - len(body.lstrip())
    inner = body.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return _split(inner, start + lead + 1, "|")


# ---------------------------------------------------------------------------------------
# Headers


@dataclass
class _Column:
    role: str  # serial | category | name | unit | attribute | baseline | target | growth | other
    year: int | None = None


_COLUMN_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("serial", lazy_re(r"^(?:序号|编号|序)$")),
    ("attribute", lazy_re(r"属性|^性质$")),
    ("unit", lazy_re(r"^(?:计量|指标)?单位")),
    ("category", lazy_re(r"^(?:指标)?(?:类别|类型|领域|分类|方面|维度|板块)$")),
    ("name", lazy_re(r"^指标(?:名称|名|项目|内容)?$")),
    ("growth", lazy_re(r"年均|增长|增速|增幅|累计")),
    ("year", _HEADER_YEAR),
    ("baseline", lazy_re(r"基期|现状|基数|实际|[末底]$")),
    ("target", lazy_re(r"目标|规划值|预期值")),
    ("other", lazy_re(r"^(?:备注|说明|责任单位)$")),
)


def _column(cell: str) -> _Column | None:
    """The column a header cell names, or None if it is not a header word."""
    c = _norm_cell(cell)
    if not c or len(c) > 16:
        return None
    for role, pattern in _COLUMN_WORDS:
        m = pattern.search(c)
        if m:
            if role == "year":
                return _Column("year", int(m.group(1)))
            return _Column(role)
    return None


def _columns(cells: list[str]) -> list[_Column] | None:
    """Columns of a header row; None unless it names an indicator column and a value column."""
    cols = [_column(c) or _Column("other") for c in cells]
    roles = [c.role for c in cols]
    if roles.count("name") != 1 or not {"year", "growth", "baseline", "target"} & set(roles):
        return None
    years = sorted({c.year for c in cols if c.role == "year" and c.year is not None})
    for c in cols:
        if c.role == "year":
            first = len(years) > 1 and c.year == years[0]
            c.role = "baseline" if first and "baseline" not in roles else "target"
    return cols


# ---------------------------------------------------------------------------------------
# What a cell can be

_NUMERIC = lazy_re(r"^[〔\[【（(]?[<>≤≥＜＞约~]?\s*[-+－]?[\d.．０-９]")
_QUALITATIVE = lazy_re(
    r"要求|下达|任务|完成|确保|控制|持续|稳定|保持|不低于|不高于|以上|以内|逐年|高于|低于|同步|合理区间|视情|"
    r"基本|逐步|稳步|明显"
)
# A serial number written into the name cell ("1.地区生产总值增长（%）").
_NAME_SERIAL = lazy_re(r"^(?:\d{1,3}[.．、]|[（(]\d{1,3}[）)])\s*")
_UNITISH = lazy_re(
    r"^(?:[万亿千百]?(?:元|美元|人|个|家|户|件|项|张|床|岁|年|天|日|吨|公顷|亩|千米|公里|米|平方米|"
    r"立方米|千瓦|瓦|千瓦时|标煤|吨标煤|斤|头|只|所|座|辆|套|台|条|次|册|部|分|小时)(?:/[^\d]{1,6})?|"
    r"%|‰|[A-Za-z/³²]+|个百分点|百分点)$"
)


def _is_empty(s: str) -> bool:
    return bool(_EMPTY_CELL.match(s))


def _is_value(s: str) -> bool:
    return (
        _is_empty(s)
        or bool(_NUMERIC.match(s))
        or (len(s) <= 16 and bool(_QUALITATIVE.search(s)) and _attribute(s) is None)
    )


def _is_text(s: str) -> bool:
    return bool(s) and not _is_empty(s) and not _NUMERIC.match(s) and _attribute(s) is None


def _fits(role: str, s: str) -> bool:
    if role == "serial":
        return not s or bool(_SERIAL.match(s))
    if role == "category":
        return not s or (_is_text(s) and len(s) <= 16 and not _UNITISH.match(_norm_cell(s)))
    if role == "name":
        s = _NAME_SERIAL.sub("", s)
        n = _norm_cell(s)
        return _is_text(s) and len(n) >= 2 and not (len(n) <= 4 and _UNITISH.match(n))
    if role == "unit":
        n = _norm_cell(s)
        return _is_empty(s) or (len(n) <= 10 and not _NUMERIC.match(n) and _attribute(n) is None
                                and not _QUALITATIVE.search(n))
    if role == "attribute":
        return not s or _attribute(s) is not None
    if role in ("baseline", "target", "growth"):
        return _is_value(s)
    return True  # other


def _subsets(cols: list[_Column]) -> Iterator[list[_Column]]:
    """Column lists a row may fill: all, then without merged leading or category columns."""
    seen: list[list[str]] = []
    cands = [cols, [c for c in cols if c.role != "category"]]
    cands += [cols[k:] for k in (1, 2)]
    cands += [[c for c in cols[k:] if c.role != "category"] for k in (1, 2)]
    # A 备注 cell left empty is not written at all when a table is saved one cell per line.
    cands += [[c for c in cand if c.role != "other"] for cand in list(cands)]
    for cand in cands:
        roles = [c.role for c in cand]
        if "name" in roles and roles not in seen:
            seen.append(roles)
            yield cand


def _align(cols: list[_Column], cells: list[Cell]) -> list[tuple[_Column, Cell]] | None:
    """Pair the cells of one row with the columns they fill; None if they fit no way."""
    while len(cells) > len(cols) and not cells[-1][0]:
        cells = cells[:-1]
    for cand in _subsets(cols):
        if len(cand) == len(cells) and all(_fits(c.role, s) for c, (s, _, _) in zip(cand, cells, strict=True)):
            return list(zip(cand, cells, strict=True))
    return None


# ---------------------------------------------------------------------------------------
# Reading a row


@dataclass
class _State:
    category: str | None = None
    category_hint: str | None = None
    spans: list[Span] = field(default_factory=list)


_NAME_UNIT = lazy_re(r"^(.{2,}?)[（(]([^（）()]{1,10})[）)]$")


def _quantity(cell: Cell, unit: str) -> Quantity | None:
    text, start, end = cell
    q = parse_quantity(text)
    if q is None:
        return None
    update: dict[str, object] = {"span": Span(start=start, end=end), "unit": q.unit or unit, "raw": text}
    sign = text.lstrip()[:1]
    if q.comparator == Comparator.exact and sign in _SIGNS:
        update["comparator"] = _SIGNS[sign]
    return q.model_copy(update=update)


def _read_row(pairs: list[tuple[_Column, Cell]], state: _State, layout: str) -> Indicator | None:
    by_role: dict[str, Cell] = {}
    for col, cell in pairs:
        if col.role in ("serial", "category", "name", "unit", "attribute"):
            by_role.setdefault(col.role, cell)
    if "category" in by_role and by_role["category"][0]:
        state.category = _norm_cell(by_role["category"][0])
    name_cell = by_role.get("name")
    if name_cell is None or not name_cell[0]:
        return None
    name = _NAME_SERIAL.sub("", _norm_cell(name_cell[0]))
    unit = ""
    if "unit" in by_role and not _is_empty(by_role["unit"][0]):
        unit = _norm_cell(by_role["unit"][0])
    else:
        m = _NAME_UNIT.match(name)
        if m and _UNITISH.match(m.group(2)):
            name, unit = m.group(1), m.group(2)
    attribute = _attribute(by_role["attribute"][0]) if "attribute" in by_role else None
    first, last = pairs[0][1], pairs[-1][1]
    ind = Indicator(
        name=name,
        category=state.category or state.category_hint,
        unit=unit,
        attribute=attribute,
        kind=IndicatorKind.target,
        span=Span(start=first[1], end=last[2]),
        check=Check(
            status=CheckStatus.verified,
            reason=f"rules: table row ({layout})",
            cause=CheckCause.table_row,
        ),
    )
    for col, cell in pairs:
        if col.role not in ("baseline", "target", "growth") or _is_empty(cell[0]):
            continue
        q = _quantity(cell, "%" if col.role == "growth" else unit)
        if q is None:
            if col.role == "target":
                ind.target_text, ind.target_year = cell[0], col.year
            continue
        if col.role == "baseline":
            ind.baseline, ind.baseline_year = q, col.year
        elif col.role == "target":
            ind.target, ind.target_year = q, col.year
        else:
            ind.growth = q
    if ind.quantities() or ind.target_text:
        return ind
    return None


# ---------------------------------------------------------------------------------------
# `|` rows flattened from web pages, with a serial number first (the legacy layout)


@dataclass
class _Header:
    name: int
    unit: int | None
    value_cols: list[tuple[str, int | None]]  # (role, year) in column order
    attribute: bool
    columns: list[_Column] | None = None


def _parse_header(cells: list[str]) -> _Header | None:
    if not any("指标" in c for c in cells):
        return None
    name_i = next(i for i, c in enumerate(cells) if "指标" in c)
    unit_i = next((i for i, c in enumerate(cells) if c == "单位" or c.startswith("单位")), None)
    value_cols: list[tuple[str, int | None]] = []
    years: list[int] = []
    for c in cells[name_i + 1 :]:
        m = _HEADER_YEAR.search(c)
        if "增长" in c or "增速" in c or "年均" in c:
            value_cols.append(("growth", None))
        elif m:
            y = int(m.group(1))
            years.append(y)
            value_cols.append(("year", y))
    if not value_cols:
        return None
    first_year = min(years) if years else None
    resolved: list[tuple[str, int | None]] = []
    for role, col_year in value_cols:
        if role == "year":
            resolved.append(
                ("baseline" if (col_year == first_year and len(years) > 1) else "target", col_year)
            )
        else:
            resolved.append((role, None))
    return _Header(
        name=name_i,
        unit=unit_i,
        value_cols=resolved,
        attribute=any("属性" in c for c in cells),
        columns=_columns(cells),
    )


def _looks_like_value(cell: str) -> bool:
    return bool(_EMPTY_CELL.match(cell)) or bool(re.match(r"^[<>≤≥＜＞]?-?[\d.．０-９]+", cell)) or (
        "达到" in cell or "要求" in cell or "以上" in cell
    )


def _looks_like_unit(cell: str) -> bool:
    return 0 < len(cell) <= 8 and not _looks_like_value(cell) and not re.search(r"[\d]", cell)


def _serial_row(header: _Header, cells: list[Cell], span: Span, state: _State) -> Indicator | None:
    """A flattened row that starts with its serial number; merged category cells inline."""
    cells = cells[1:]
    attribute: Attribute | None = None
    if cells and _attribute(cells[-1][0]) is not None:
        attribute = _attribute(cells[-1][0])
        cells = cells[:-1]
    # Unit: the first cell after the name that looks like a unit.
    unit_idx = None
    for i in range(1, min(len(cells), 4)):
        if _looks_like_unit(cells[i][0]) and all(_looks_like_value(c[0]) for c in cells[i + 1 :]):
            unit_idx = i
            break
    if unit_idx is None:
        # No unit column in this row: the name is the last non-value cell.
        unit_idx = next((i for i in range(len(cells)) if _looks_like_value(cells[i][0])), len(cells))
        name_idx = unit_idx - 1
        unit = ""
        values = cells[unit_idx:]
    else:
        name_idx = unit_idx - 1
        unit = _norm_cell(cells[unit_idx][0])
        values = cells[unit_idx + 1 :]
    if name_idx < 0:
        return None
    if name_idx >= 1:
        state.category = _norm_cell(" ".join(c[0] for c in cells[:name_idx]))
    ind = Indicator(
        name=_norm_cell(cells[name_idx][0]),
        category=state.category or state.category_hint,
        unit=unit,
        attribute=attribute,
        kind=IndicatorKind.target,
        span=span,
        check=Check(
            status=CheckStatus.verified, reason="rules: table row", cause=CheckCause.table_row
        ),
    )
    notes: list[str] = []
    cols = header.value_cols
    if len(values) < len(cols):
        # A cell is missing.  A row named for its growth (…增长) keeps its growth cell,
        # so its values are read from the right; any other row is read from the left.
        growth_named = ind.name.endswith(("增长", "增速", "增长率")) and cols[-1][0] == "growth"
        if growth_named:
            cols = cols[len(cols) - len(values) :]
        notes.append(
            f"row has {len(values)} of {len(header.value_cols)} value cells; read from the "
            + ("right (a growth indicator)" if growth_named else "left")
        )
    for (role, year), cell in zip(cols, values, strict=False):
        if _EMPTY_CELL.match(cell[0]):
            continue
        q = _quantity(cell, "%" if role == "growth" else unit)
        if q is None:
            if role == "target":
                ind.target_text = cell[0]
                ind.target_year = year
            continue
        if role == "baseline":
            ind.baseline = q
            ind.baseline_year = year
        elif role == "target":
            ind.target = q
            ind.target_year = year
        else:
            ind.growth = q
    if notes:
        ind.check = Check(
            status=CheckStatus.verified,
            reason="rules: table row; " + "; ".join(notes),
            cause=CheckCause.table_row,
        )
    return ind


# ---------------------------------------------------------------------------------------
# One cell per line

_CELL_LINE_MAX = 30
_HEADER_OPENERS = lazy_re(r"^(?:序号|编号|类别|类型|领域|分类|指标(?:名称)?|指标类别)$")


def _lines_from(text: str, pos: int) -> Iterator[tuple[str, int]]:
    """(line without its newline, start offset) from offset `pos` (a line start) on."""
    n = len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end < 0 else end
        yield text[pos:end].rstrip("\r"), pos
        pos = end + 1


def _cell_lines(text: str, pos: int) -> Iterator[tuple[int, Cell]]:
    """(end of line, cell) of the short lines from offset `pos` on, blank lines skipped; stops
    at the first line that is prose or another layout."""
    for body, start in _lines_from(text, pos):
        s = body.strip()
        if not s:
            continue
        if len(s) > _CELL_LINE_MAX or "。" in s or "|" in s or "\t" in s or s.startswith(("注", "备注：")):
            return
        lead = len(body) - len(body.lstrip())
        yield start + len(body), (s, start + lead, start + lead + len(s))


def _cell_table(text: str, pos: int, state: _State, out: list[Indicator]) -> int:
    """Read a one-cell-per-line table whose header opens at offset `pos`; the offset after it
    (or after its first line when there is no table)."""
    stream = list(_cell_lines(text, pos))
    first_end = stream[0][0] if stream else pos
    header: list[Cell] = []
    j = 0
    while j < len(stream) and _column(stream[j][1][0]) is not None:
        header.append(stream[j][1])
        j += 1
    cols = _columns([c[0] for c in header]) if len(header) >= 3 else None
    if cols is None:
        return first_end
    rows = 0
    end_line = stream[j - 1][0]
    end_off = header[-1][2]
    cells_all = [c for _, c in stream]

    def fitting(at: int) -> list[list[tuple[_Column, Cell]]]:
        """Every way the cells from `at` on can make one row, longest column list first."""
        cells = cells_all[at : at + len(cols)]
        return [
            list(zip(cand, cells[: len(cand)], strict=True))
            for cand in _subsets(cols)
            if len(cand) <= len(cells)
            and all(_fits(c.role, s) and s for c, (s, _, _) in zip(cand, cells[: len(cand)], strict=True))
        ]

    while j < len(stream):
        ways = fitting(j)
        if not ways:
            break
        # Prefer the reading after which the next cells make a row too (or the table ends):
        # a cell taken for an empty 备注 may be the next row's name.
        pairs = next(
            (w for w in ways if j + len(w) >= len(stream) or fitting(j + len(w))), ways[0]
        )
        ind = _read_row(pairs, state, "one cell per line")
        if ind is None:
            break
        out.append(ind)
        rows += 1
        end_line = stream[j + len(pairs) - 1][0]
        end_off = pairs[-1][1][2]
        j += len(pairs)
    if not rows:
        return first_end
    state.spans.append(Span(start=header[0][1], end=end_off))
    return end_line


# ---------------------------------------------------------------------------------------
# The reader


# A header opener at the start of a line (checked whole by _HEADER_OPENERS).
_OPENER_AT_LINE = lazy_re(r"\n[ \u3000]*(?:序号|编号|类别|类型|领域|分类|指标)")


def _interesting(text: str) -> Iterator[int]:
    """Offsets of the lines where a table can start or go on, in order: lines with a `|` or a
    tab, and lines that open with a header word.  Found with str.find and one literal-led
    regex, so the text is scanned a few times at C speed, not line by line in Python."""
    n = len(text)
    big = n + 1

    def nxt(found: int) -> int:
        return big if found < 0 else found

    pipe, tab = nxt(text.find("|")), nxt(text.find("\t"))
    m = _OPENER_AT_LINE.search(text)
    opener = m.start() + 1 if m else big
    if text.startswith(("序号", "编号", "类别", "类型", "领域", "分类", "指标")):
        opener = 0
    pos = 0
    while True:
        hit = min(pipe, tab, opener)
        if hit >= big:
            return
        start = text.rfind("\n", 0, hit) + 1
        if start >= pos:
            yield start
        end = text.find("\n", hit)
        pos = n if end < 0 else end + 1
        if pipe < pos:
            pipe = nxt(text.find("|", pos))
        if tab < pos:
            tab = nxt(text.find("\t", pos))
        if opener < pos:
            m = _OPENER_AT_LINE.search(text, pos - 1)
            opener = m.start() + 1 if m else big


def table_indicators(text: str, category_hint: str | None = None) -> tuple[list[Indicator], list[Span]]:
    """Indicators from the indicator tables in `text`, in any of the four layouts; also the
    spans of table rows (for the sentence reader to skip)."""
    out: list[Indicator] = []
    state = _State(category_hint=category_hint)
    legacy: _Header | None = None  # header of a serial-numbered `|` table
    cols: list[_Column] | None = None  # header of a Markdown, tab or plain `|` table
    pos = 0  # lines before pos are read
    n = len(text)
    for start in _interesting(text):
        if start < pos:
            continue  # inside a one-cell-per-line table already read
        end = text.find("\n", start)
        end = n if end < 0 else end
        if text[pos:start].strip():
            legacy = cols = None  # a line of another kind ended the table
        body = text[start:end].rstrip("\r")
        pos = min(n, end + 1)
        stripped = body.strip()
        cells: list[Cell] | None = None
        layout = ""
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            if _MD_RULE.match(body):
                state.spans.append(Span(start=start, end=start + len(body)))
                continue
            cells, layout = _markdown_cells(body, start), "markdown"
        elif body.count("|") >= 2:
            cells, layout = _split(body, start, "|"), "|"
        elif body.count("\t") >= 2:
            cells, layout = _split(body, start, "\t"), "tab"
        if cells is None or not _is_row(cells):
            legacy = cols = None  # any other line ends a table
            if cells is None and len(stripped) <= 8 and _HEADER_OPENERS.match(_norm_cell(stripped)):
                pos = min(n, _cell_table(text, start, state, out) + 1)
            continue
        span = Span(start=start, end=start + len(body))
        state.spans.append(span)
        texts = [c[0] for c in cells]
        if layout == "|" and _parse_header(texts) is not None:
            legacy, cols, state.category = _parse_header(texts), None, None
            continue
        header_cols = _columns(texts) if any("指标" in c for c in texts) else None
        if header_cols is not None:
            cols, legacy, state.category = header_cols, None, None
            continue
        if legacy is not None and texts and _SERIAL.match(texts[0]):
            ind = _serial_row(legacy, cells, span, state)
        else:
            use = cols or (legacy.columns if legacy is not None else None)
            pairs = _align(use, cells) if use is not None else None
            ind = _read_row(pairs, state, layout) if pairs is not None else None
        if ind is not None:
            out.append(ind)
    return out, state.spans
