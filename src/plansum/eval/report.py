"""The evaluation report as JSON or as a table; byte-identical for identical runs."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict
from typing import Any

from .match import NAME_THRESHOLD, PROJECT_MIN_CONTAINED, VALUE_REL_TOL
from .metrics import metrics
from .run import EvalReport

# --------------------------------------------------------------------------- rendering


def _rounded(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


def report_dict(report: EvalReport) -> dict[str, Any]:
    modes: dict[str, Any] = {}
    for m in report.modes:
        docs = {}
        for r in m.documents:
            d = asdict(r)
            d.update({k: v for k, v in metrics([r]).items() if k not in d})
            docs[r.document] = d
        modes[m.mode] = {
            "model": m.model,
            "prompt": m.prompt,
            "overall": m.overall,
            "documents": docs,
        }
    return {
        "plansum_version": report.plansum_version,
        "corpus": report.corpus,
        "gold": report.gold,
        "documents": report.documents,
        "no_gold": report.no_gold,
        "no_document": report.no_document,
        "matching": {
            "located": "spans overlap the gold offsets, or the number stands in the same "
            "sentence; by name similarity only for gold without offsets",
            "name_similarity": "difflib.SequenceMatcher ratio of normalised names",
            "name_threshold": NAME_THRESHOLD,
            "value_rel_tol": f"{VALUE_REL_TOL:g}",
            "project_min_contained": PROJECT_MIN_CONTAINED,
        },
        "modes": modes,
    }


def report_json(report: EvalReport) -> str:
    return (
        json.dumps(_rounded(report_dict(report)), ensure_ascii=False, indent=2, sort_keys=True)
        + "\n"
    )


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int, right: bool = False) -> str:
    fill = " " * max(0, w - _width(s))
    return fill + s if right else s + fill


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


_COLUMNS = [
    "document",
    "gold",
    "pred",
    "match",
    "P",
    "R",
    "F1",
    "value",
    "role",
    "kind",
    "numbers (bad)",
    "head",
    "head~",
    "proj",
    "name=",
    "year",
    "dir",
    "hl",
    "attr",
]


def _row(name: str, mt: dict[str, Any]) -> list[str]:
    return [
        name,
        str(mt["gold_indicators"]),
        str(mt["predicted_indicators"]),
        str(mt["matched"]),
        _fmt(mt["precision"]),
        _fmt(mt["recall"]),
        _fmt(mt["f1"]),
        _fmt(mt["value_accuracy"]),
        _fmt(mt["role_agreement"]),
        _fmt(mt["kind_accuracy"]),
        f"{_fmt(mt['number_faithfulness'])} ({mt['unfaithful_numbers']})",
        _fmt(mt["heading_recall"]),
        _fmt(mt["heading_recall_by_title"]),
        _fmt(mt["project_recall"]),
        _fmt(mt["name_exactness"]),
        _fmt(mt["year_accuracy"]),
        _fmt(mt["direction_accuracy"]),
        _fmt(mt["headline_recall"]),
        _fmt(mt["attribute_accuracy"]),
    ]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for k, r in enumerate(rows):
        cells = [_pad(c, widths[i], right=i > 0) for i, c in enumerate(r)]
        out.append("  ".join(cells).rstrip())
        if k == 0 or k == len(rows) - 2:
            out.append("  ".join("-" * w for w in widths))
    return out


def render_table(report: EvalReport, max_listed: int = 10) -> str:
    lines = [
        f"plansum {report.plansum_version} eval: {len(report.documents)} documents "
        f"(corpus {report.corpus}/, gold {report.gold}/)"
    ]
    if report.no_gold:
        lines.append("not scored (no gold): " + ", ".join(report.no_gold))
    if report.no_document:
        lines.append("not scored (gold without document): " + ", ".join(report.no_document))
    for m in report.modes:
        lines.append("")
        head = f"mode {m.mode}"
        if m.model:
            head += f" (model {m.model}, prompt {m.prompt})"
        lines.append(head)
        rows = [_COLUMNS]
        for r in m.documents:
            rows.append(_row(r.document + ("" if r.indicators_complete else " *"), metrics([r])))
        rows.append(_row("overall", m.overall))
        lines.extend(_table(rows))
        bad = [f"{r.document}: {b}" for r in m.documents for b in r.unfaithful_number_items]
        bad += [f"{r.document}: {b}" for r in m.documents for b in r.unfaithful_span_items]
        if bad:
            lines.append(f"unfaithful numbers and spans ({len(bad)}):")
            lines.extend("  " + b for b in bad[:max_listed])
            if len(bad) > max_listed:
                lines.append(f"  … {len(bad) - max_listed} more (see --json)")
        wrong = [f"{r.document}: {b}" for r in m.documents for b in r.wrong_facts]
        if wrong:
            lines.append(
                f"matched but wrong year, direction, headline group, kind or attribute ({len(wrong)}):"
            )
            lines.extend("  " + b for b in wrong[:max_listed])
            if len(wrong) > max_listed:
                lines.append(f"  … {len(wrong) - max_listed} more (see --json)")
    lines.append("")
    lines.append(
        "gold/pred/match: indicators; P only where the gold lists every indicator "
        "(* = not, P n/a); value: value+unit+comparator right among located pairs; "
        "role: value in the gold's field; kind: target/actual as the gold's; numbers: share of reported numbers found at their "
        "span (unfaithful count); head/head~: heading recall by kind+title / title; "
        "proj: project recall; name=: matched names equal to the gold's (normalised); "
        "year / dir: year (and period) / direction right among matched indicators whose gold "
        "records it; hl: gold headline indicators found in the same headline group; attr: "
        "预期性/约束性 right among matched indicators whose gold records it.  "
        "Matching rule: docs/evaluation.md"
    )
    return "\n".join(lines) + "\n"
