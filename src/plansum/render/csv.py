"""The summary as CSV: one row per indicator, numbers as a spreadsheet reads them, no formulas."""

from __future__ import annotations

import csv
import io

from ..models import (
    CheckStatus,
    PlanSummary,
    Quantity,
)
from ..parse.names import indicator_key
from ._common import (
    _clamp,
    _num,
    _one_line,
    _status,
    _year,
    badge_text,
    verdict_text,
)

_QUANTITY_FIELDS = ("baseline", "target", "actual", "growth")
_QUANTITY_COLUMNS = ("", "_upper", "_unit", "_comparator", "_raw")

CSV_COLUMNS: tuple[str, ...] = (
    "index",
    "name",
    "category",
    "section",
    "kind",
    "attribute",
    "unit",
    *(f"{q}{c}" for q in ("baseline",) for c in _QUANTITY_COLUMNS),
    "baseline_year",
    *(f"{q}{c}" for q in ("target",) for c in _QUANTITY_COLUMNS),
    "target_year",
    *(f"{q}{c}" for q in ("actual", "growth") for c in _QUANTITY_COLUMNS),
    "check_status",
    "check_reason",
    "origin",
    "span_start",
    "span_end",
    "evidence",
    "year",
    "period",
    "direction",
    "growth_signed",
    "multiple",
    "headline",
    "check_label",
    "model_verdict",
    "document",
    "region",
    "region_code",
    "indicator_key",
    "indicator_label",
)
"""The CSV header.  Append new columns at the end only: analysts' sheets refer to these."""

NUMERIC_COLUMNS = frozenset(
    {f"{q}{c}" for q in _QUANTITY_FIELDS for c in ("", "_upper")}
    | {"index", "baseline_year", "target_year", "span_start", "span_end", "year", "growth_signed"}
    | {"multiple"}
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(s: str | None) -> str:
    """Document text for a spreadsheet: one line, and never read as a formula."""
    s = _one_line(s)
    return "'" + s if s.startswith(_FORMULA_START) else s


def render_csv(summary: PlanSummary, text: str = "") -> str:
    """One row per indicator, UTF-8 with a BOM (returned as the leading "\\ufeff")."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    n = len(text)
    # The headline block first (in its group order), then every other indicator in text order.
    first = [i for g in summary.headlines for i in g.indicators if 0 <= i < len(summary.indicators)]
    order = list(dict.fromkeys(first + list(range(len(summary.indicators)))))
    verdict = _cell(verdict_text(summary))
    info = summary.document
    document = _cell(info.display_title or info.title)
    region = _cell(info.region)
    region_code = _cell(getattr(info, "region_code", None))  # DocumentInfo gets it in issue 19
    for i in order:
        ind = summary.indicators[i]
        rejected = _status(ind) is CheckStatus.rejected
        start, end = _clamp(ind.span, n)
        key, label, _headline = indicator_key(ind.name)
        row: dict[str, str] = {
            "index": str(i),
            "name": _cell(ind.name),
            "category": _cell(ind.category),
            "section": _cell(ind.section),
            "kind": ind.kind.value,
            "attribute": ind.attribute.value if ind.attribute else "",
            "unit": _cell(ind.unit),
            "baseline_year": _year(ind.baseline_year),
            "target_year": _year(ind.target_year),
            "check_status": _status(ind).value,
            "check_reason": _cell(ind.check.reason),
            "origin": ind.origin,
            "span_start": str(ind.span.start),
            "span_end": str(ind.span.end),
            "evidence": _cell(text[start:end]),
            "year": _year(ind.year),
            "period": _cell(ind.period),
            "direction": ind.direction or "",
            "growth_signed": "" if rejected else _num(ind.signed_growth()),
            "multiple": _num(ind.multiple),
            "headline": _cell(ind.headline_group),
            "check_label": badge_text(ind),
            "model_verdict": verdict,
            "document": document,
            "region": region,
            "region_code": region_code,
            "indicator_key": _cell(key),
            "indicator_label": _cell(label),
        }
        for field in _QUANTITY_FIELDS:
            q: Quantity | None = getattr(ind, field)
            row[f"{field}_raw"] = _cell(q.raw) if q else ""
            row[f"{field}_unit"] = _cell(q.unit) if q else ""
            row[f"{field}_comparator"] = q.comparator.value if q else ""
            row[field] = "" if q is None or rejected else _num(q.value)
            row[f"{field}_upper"] = "" if q is None or rejected else _num(q.upper)
        writer.writerow([row[c] for c in CSV_COLUMNS])
    return "\ufeff" + buf.getvalue()
