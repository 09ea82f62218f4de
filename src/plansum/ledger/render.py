"""The ledger as Markdown, CSV, self-contained HTML (inline SVG charts) or JSON.

Every figure names its document and character span; in HTML each one links to the cited
passage, shown with a little context in the page itself (no network, no scripts).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Mapping

from ..models import Comparator
from ..render import Renderer, Renderers
from ..render._common import CJK_SANS, FONT_NOTE
from .models import (
    ABOUT_TOLERANCE_PP,
    ABOUT_TOLERANCE_REL,
    Cell,
    LedgerRow,
    PeriodRow,
    RegionLedger,
    TrackLedger,
)

STATUS_TEXT = {
    "met": "met",
    "missed": "missed",
    "not_yet_known": "not yet known",
    "disputed": "disputed",
    "no_target": "no target",
    "no_result": "no result in the documents",
}


def _doc_ids(ledger: TrackLedger) -> dict[str, str]:
    return {d.name: f"D{i + 1}" for i, d in enumerate(ledger.documents)}


def _anchor(ids: Mapping[str, str], c: Cell) -> str:
    return f"{ids[c.document]}-{c.span.start}-{c.span.end}"


def _measure_text(measure: str, unit: str) -> str:
    return {
        "growth": "growth %",
        "average_growth": "average annual growth %",
        "cumulative_growth": "cumulative growth %",
        "change": f"change {unit}".strip(),
    }.get(measure, f"level {unit}".strip())


# ------------------------------------------------------------------------------ Markdown


def _md_cells(cells: list[Cell], ids: Mapping[str, str]) -> str:
    if not cells:
        return "—"
    out = []
    for c in cells:
        flag = "" if c.check == "verified" else f", {c.check}"
        origin = "" if c.origin == "rules" else f", {c.origin}"
        out.append(f"{c.raw} ({ids[c.document]}@{c.span.start}{origin}{flag})")
    return "<br>".join(out)


def _md_esc(s: str) -> str:
    return s.replace("|", "\\|")


def _md_row(r: LedgerRow, ids: Mapping[str, str]) -> str:
    cols = [
        r.label,
        _measure_text(r.measure, r.unit),
        str(r.year),
        _md_cells(r.targets, ids),
        _md_cells(r.actuals, ids),
        STATUS_TEXT[r.status],
        "; ".join(a.reason for a in r.assessments),
    ]
    return "| " + " | ".join(_md_esc(c) for c in cols) + " |"


def _chain_text(p: PeriodRow) -> str:
    if p.measure != "average_growth":
        return "—"
    parts = [f"{lk.year}: {'?' if lk.actual is None else f'{lk.actual:g}%'}" for lk in p.chain]
    return ", ".join(parts)


def _md_period(p: PeriodRow, ids: Mapping[str, str]) -> str:
    cols = [
        p.label,
        _measure_text(p.measure, p.unit),
        f"{p.start}–{p.end}",
        _md_cells(p.targets, ids),
        _md_cells(p.actuals, ids),
        _chain_text(p),
        STATUS_TEXT[p.status],
        p.reason or "",
    ]
    return "| " + " | ".join(_md_esc(c) for c in cols) + " |"


def _md_region(rl: RegionLedger, ids: Mapping[str, str]) -> list[str]:
    out = [f"## {rl.region}", ""]
    if rl.rows:
        out += [
            "| indicator | measure | year | target | actual | status | why |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        out += [_md_row(r, ids) for r in rl.rows]
        out.append("")
    if rl.periods:
        out += [
            "Multi-year figures (five-year targets against the annual chain):",
            "",
            "| indicator | measure | period | target | stated result | annual chain | status | note |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        out += [_md_period(p, ids) for p in rl.periods]
        out.append("")
    conflicts = [f"- {r.label} {r.year}: {c}" for r in rl.rows for c in r.conflicts] + [
        f"- {p.label} {p.start}–{p.end}: {c}" for p in rl.periods for c in p.conflicts
    ]
    if conflicts:
        out += ["Figures that disagree (shown side by side above, not merged):", "", *conflicts, ""]
    return out


def render_markdown(ledger: TrackLedger) -> str:
    ids = _doc_ids(ledger)
    out = [
        "# Targets against results",
        "",
        "| id | document | title | type | region | period | extraction |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for d in ledger.documents:
        out.append(
            f"| {ids[d.name]} | {d.name} | {_md_esc(d.title or '')} | {d.doc_type} | {d.region or ''} | {d.period or ''} | {d.mode} |"
        )
    out += [
        "",
        "A figure reads `value (document@offset)`: the offset is where the number starts in that "
        "document's text.",
        "",
        f"Rule: {ledger.rule}.",
        "",
    ]
    for rl in ledger.regions:
        out += _md_region(rl, ids)
    if ledger.unplaced:
        out.append(
            f"{ledger.unplaced} figures could not be placed in a year or period and are left out."
        )
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------------------ CSV

CSV_FIELDS = [
    "region",
    "indicator",
    "label",
    "measure",
    "unit",
    "year",
    "period_end",
    "role",
    "raw",
    "value",
    "upper",
    "comparator",
    "document",
    "span_start",
    "span_end",
    "origin",
    "check",
    "dated_by",
    "status",
]


def render_csv(ledger: TrackLedger) -> str:
    """One line per figure (long form): slots repeat, so a spreadsheet can pivot them."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for rl in ledger.regions:
        slots: list[tuple[LedgerRow | PeriodRow, int, int | None]] = [
            (r, r.year, None) for r in rl.rows
        ]
        slots += [(p, p.start, p.end) for p in rl.periods]
        for row, year, end in slots:
            for c in [*row.targets, *row.actuals]:
                w.writerow(
                    {
                        "region": rl.region,
                        "indicator": row.indicator,
                        "label": row.label,
                        "measure": row.measure,
                        "unit": row.unit,
                        "year": year,
                        "period_end": end if end is not None else "",
                        "role": c.role,
                        "raw": c.raw,
                        "value": f"{c.value:g}",
                        "upper": "" if c.upper is None else f"{c.upper:g}",
                        "comparator": c.comparator.value,
                        "document": c.document,
                        "span_start": c.span.start,
                        "span_end": c.span.end,
                        "origin": c.origin,
                        "check": c.check.value,
                        "dated_by": c.dated_by,
                        "status": row.status,
                    }
                )
    return "\ufeff" + buf.getvalue()  # BOM: spreadsheet programs then read UTF-8


# ------------------------------------------------------------------------------ JSON


def render_json(ledger: TrackLedger) -> str:
    return ledger.model_dump_json(indent=2) + "\n"


# ------------------------------------------------------------------------------ HTML

_CSS = """
body{font-family:""" + CJK_SANS + """;margin:2em;max-width:72em;color:#222}
.fontnote{color:#666;font-size:.8em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
th{background:#f3f3f3}.met{color:#1a7f37}.missed{color:#b42318}.disputed{color:#9a6700}
.not_yet_known,.no_target,.no_result{color:#666}a.cell{text-decoration:none;border-bottom:1px dotted #888}
.charts{display:flex;flex-wrap:wrap;gap:1em}.chart{border:1px solid #ddd;padding:.5em}
.src{font-size:.9em;margin:.3em 0}.src:target{background:#fff8c5}mark{background:#ffe08a}
small{color:#666}
"""


def _esc(s: object) -> str:
    return html.escape(str(s), quote=True)


def _html_cells(cells: list[Cell], ids: Mapping[str, str]) -> str:
    if not cells:
        return "—"
    out = []
    for c in cells:
        note = "" if c.check == "verified" else f" <small>{_esc(c.check.value)}</small>"
        if c.origin != "rules":
            note += f" <small>{_esc(c.origin)}</small>"
        out.append(
            f'<a class="cell" href="#{_anchor(ids, c)}" title="{_esc(c.name)} · {_esc(c.document)} '
            f'[{c.span.start}:{c.span.end}] · {_esc(c.dated_by)}">{_esc(c.raw)}</a> '
            f"<small>{ids[c.document]}</small>{note}"
        )
    return "<br>".join(out)


def _band(t: Cell, direction: str) -> tuple[float, float]:
    """The band of values that meet a target, clipped later to the chart."""
    tol = ABOUT_TOLERANCE_PP if t.unit == "%" else abs(t.value) * ABOUT_TOLERANCE_REL
    big = 1e9
    if t.upper is not None:
        return t.value, t.upper
    if t.comparator in (Comparator.at_most, Comparator.less_than):
        return -big, t.value
    if t.comparator == Comparator.about:
        return t.value - tol, t.value + tol
    if direction == "down":
        return -big, t.value
    return t.value, big


def chart_svg(rows: list[LedgerRow], periods: list[PeriodRow], ids: Mapping[str, str]) -> str:
    """Target band against actual over the years, for one indicator's growth rows."""
    spans = {r.year for r in rows} | {y for p in periods for y in range(p.start, p.end + 1)}
    years = list(range(min(spans), max(spans) + 1)) if spans else []
    if not years:
        return ""
    values = [c.value for r in rows for c in (*r.targets, *r.actuals)]
    values += [c.value for p in periods for c in p.targets]
    lo = min([0.0, *values])
    hi = max([1.0, *values]) * 1.15
    w, h, left, top, bottom = 60 * len(years) + 60, 190, 40, 12, 30
    plot_h = h - top - bottom

    def x(y: int) -> float:
        return left + 30 + 60 * years.index(y)

    def yv(v: float) -> float:
        v = max(lo, min(hi, v))
        return top + plot_h * (hi - v) / (hi - lo)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img">',
        f'<line x1="{left}" y1="{yv(0):.1f}" x2="{w - 5}" y2="{yv(0):.1f}" stroke="#999"/>',
    ]
    step = 2 if hi - lo <= 20 else 5 if hi - lo <= 50 else 10
    t = 0.0
    while t <= hi:
        parts.append(
            f'<text x="{left - 4}" y="{yv(t) + 4:.1f}" font-size="10" text-anchor="end" fill="#666">{t:g}</text>'
        )
        t += step
    for p in periods:
        for c in p.targets[:1]:
            a, b = _band(c, p.direction)
            x0, x1 = x(p.start) - 25, x(min(p.end, years[-1])) + 25
            parts.append(
                f'<a href="#{_anchor(ids, c)}"><rect x="{x0:.1f}" y="{yv(b):.1f}" width="{x1 - x0:.1f}" '
                f'height="{max(1.0, yv(a) - yv(b)):.1f}" fill="#8fb3ff" fill-opacity=".18" stroke="#4a7bd0" '
                f'stroke-dasharray="4 3"><title>{_esc(p.label)} {p.start}–{p.end} {_esc(c.raw)} (five-year)</title></rect></a>'
            )
    for r in rows:
        for c in r.targets:
            a, b = _band(c, r.direction)
            parts.append(
                f'<a href="#{_anchor(ids, c)}"><rect x="{x(r.year) - 18:.1f}" y="{yv(b):.1f}" width="36" '
                f'height="{max(2.0, yv(a) - yv(b)):.1f}" fill="#4a7bd0" fill-opacity=".35">'
                f"<title>{r.year} target {_esc(c.raw)} ({ids[c.document]})</title></rect></a>"
            )
            parts.append(
                f'<line x1="{x(r.year) - 18:.1f}" y1="{yv(c.value):.1f}" x2="{x(r.year) + 18:.1f}" '
                f'y2="{yv(c.value):.1f}" stroke="#1f4fa0" stroke-width="2"/>'
            )
        for c in r.actuals:
            color = {"met": "#1a7f37", "missed": "#b42318", "disputed": "#9a6700"}.get(
                r.status, "#444"
            )
            parts.append(
                f'<a href="#{_anchor(ids, c)}"><circle cx="{x(r.year):.1f}" cy="{yv(c.value):.1f}" r="5" '
                f'fill="{color}"><title>{r.year} actual {_esc(c.raw)} ({ids[c.document]}): '
                f"{STATUS_TEXT[r.status]}</title></circle></a>"
            )
    for yr in years:
        parts.append(
            f'<text x="{x(yr):.1f}" y="{h - 10}" font-size="11" text-anchor="middle">{yr}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _html_region(rl: RegionLedger, ids: Mapping[str, str], headline: list[str]) -> list[str]:
    out = [f"<h2>{_esc(rl.region)}</h2>"]
    charts = []
    for key in headline:
        rows = [r for r in rl.rows if r.indicator == key and r.measure == "growth"]
        periods = [
            p
            for p in rl.periods
            if p.indicator == key and p.measure == "average_growth" and p.targets
        ]
        if not any(r.targets or r.actuals for r in rows) and not periods:
            continue
        label = (rows or periods)[0].label  # type: ignore[index]
        charts.append(
            f'<div class="chart"><div>{_esc(label)} growth %</div>{chart_svg(rows, periods, ids)}</div>'
        )
    if charts:
        out += [
            "<p><small>Bars: the target band (左右 ± tolerance; 以上 and bare figures open upward); "
            "dashed: five-year average target; dots: actuals (green met, red missed, grey not yet known).</small></p>",
            '<div class="charts">',
            *charts,
            "</div>",
        ]
    if rl.rows:
        out.append(
            "<table><tr><th>indicator</th><th>measure</th><th>year</th><th>target</th><th>actual</th><th>status</th><th>why</th></tr>"
        )
        for r in rl.rows:
            why = "<br>".join(_esc(a.reason) for a in r.assessments) + "".join(
                f"<br><b>{_esc(c)}</b>" for c in r.conflicts
            )
            out.append(
                f"<tr><td>{_esc(r.label)}</td><td>{_esc(_measure_text(r.measure, r.unit))}</td><td>{r.year}</td>"
                f"<td>{_html_cells(r.targets, ids)}</td><td>{_html_cells(r.actuals, ids)}</td>"
                f'<td class="{r.status}">{STATUS_TEXT[r.status]}</td><td><small>{why}</small></td></tr>'
            )
        out.append("</table>")
    if rl.periods:
        out.append(
            "<h3>Multi-year figures</h3><table><tr><th>indicator</th><th>measure</th><th>period</th><th>target</th><th>stated result</th><th>annual chain</th><th>status</th><th>note</th></tr>"
        )
        for p in rl.periods:
            note = _esc(p.reason) + "".join(f"<br><b>{_esc(c)}</b>" for c in p.conflicts)
            out.append(
                f"<tr><td>{_esc(p.label)}</td><td>{_esc(_measure_text(p.measure, p.unit))}</td><td>{p.start}–{p.end}</td>"
                f"<td>{_html_cells(p.targets, ids)}</td><td>{_html_cells(p.actuals, ids)}</td><td>{_esc(_chain_text(p))}</td>"
                f'<td class="{p.status}">{STATUS_TEXT[p.status]}</td><td><small>{note}</small></td></tr>'
            )
        out.append("</table>")
    return out


def _sources(ledger: TrackLedger, ids: Mapping[str, str], texts: Mapping[str, str]) -> list[str]:
    cited: dict[str, Cell] = {}
    for rl in ledger.regions:
        slots: list[LedgerRow | PeriodRow] = [*rl.rows, *rl.periods]
        for row in slots:
            for c in [*row.targets, *row.actuals]:
                cited.setdefault(_anchor(ids, c), c)
    out = [
        "<h2>Sources</h2>",
        "<p><small>Each figure above links here: the cited characters "
        "are marked, with 40 characters of context either side.</small></p>",
    ]
    for anchor, c in sorted(cited.items(), key=lambda kv: (ids[kv[1].document], kv[1].span.start)):
        text = texts.get(c.document)
        if text is None:
            body = f"<mark>{_esc(c.raw)}</mark>"
        else:
            a, b = c.span.start, c.span.end
            before = text[max(0, a - 40) : a].replace("\n", " ")
            after = text[b : b + 40].replace("\n", " ")
            body = f"…{_esc(before)}<mark>{_esc(text[a:b])}</mark>{_esc(after)}…"
        out.append(
            f'<p class="src" id="{anchor}"><b>{ids[c.document]}</b> <small>{_esc(c.document)} '
            f"[{c.span.start}:{c.span.end}]</small> {body}</p>"
        )
    return out


def render_html(ledger: TrackLedger, texts: Mapping[str, str] | None = None) -> str:
    ids = _doc_ids(ledger)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8"><title>plansum track</title>',
        f"<style>{_CSS}</style></head><body>",
        "<h1>Targets against results</h1>",
        "<table><tr><th>id</th><th>document</th><th>title</th><th>type</th><th>region</th><th>period</th><th>extraction</th></tr>",
    ]
    for d in ledger.documents:
        out.append(
            f"<tr><td>{ids[d.name]}</td><td>{_esc(d.name)}</td><td>{_esc(d.title or '')}</td><td>{d.doc_type}</td>"
            f"<td>{_esc(d.region or '')}</td><td>{_esc(d.period or '')}</td><td>{d.mode}</td></tr>"
        )
    out.append("</table>")
    out.append(
        f"<p><small>Rule: {_esc(ledger.rule)} (左右 tolerance {ABOUT_TOLERANCE_PP} points for %, "
        f"{ABOUT_TOLERANCE_REL:.0%} otherwise).</small></p>"
    )
    for rl in ledger.regions:
        out += _html_region(rl, ids, ledger.headline)
    out += _sources(ledger, ids, texts or {})
    out.append(f'<p class="fontnote">{_esc(FONT_NOTE)}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


LEDGER_RENDERERS: Renderers[TrackLedger, Mapping[str, str] | None] = Renderers(
    "a ledger",
    (
        Renderer(
            "markdown",
            (".md", ".markdown"),
            ("md",),
            lambda ledger, _texts: render_markdown(ledger),
        ),
        Renderer("csv", (".csv",), (), lambda ledger, _texts: render_csv(ledger)),
        Renderer("html", (".html", ".htm"), ("htm",), render_html),
        Renderer("json", (".json",), (), lambda ledger, _texts: render_json(ledger)),
    ),
)
FORMATS: tuple[str, ...] = LEDGER_RENDERERS.names


def render_ledger(ledger: TrackLedger, fmt: str, texts: Mapping[str, str] | None = None) -> str:
    """The ledger in format `fmt` (a name or alias); `texts` (document name → text) lets the
    HTML page quote each cited passage."""
    return LEDGER_RENDERERS.get(fmt).render(ledger, texts)
