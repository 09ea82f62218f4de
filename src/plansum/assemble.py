"""The one place a `PlanSummary` is built: document, findings, overview, provenance."""

from __future__ import annotations

from ._version import __version__
from .document import Document, Findings
from .headline import headline_groups, mark_headlines, say
from .models import Check, CheckStatus, Indicator, IndicatorKind, PlanSummary, Provenance
from .rules.extractor import timeline_of
from .rules.indicators import date_indicators

_KINDS = {
    "outline": "五年规划纲要", "proposal": "规划建议", "annual_plan": "年度计划",
    "work_report": "政府工作报告", "news": "新闻报道", "other": "文件",
}


def overview(doc: Document, findings: Findings) -> str:
    """A short overview written from the extracted facts (no sentence is copied)."""
    info = doc.info
    title = info.display_title or info.title
    parts = [f"《{title}》" if title else "本文件"]
    parts.append(f"（{_KINDS[info.doc_type]}" + (f"，{info.period}" if info.period else "") + "）")
    s = "".join(parts) + (
        f"：共{len(doc.sections)}个标题、{len(findings.indicators)}项量化指标、{len(findings.projects)}个项目。"
    )
    return s + headline_overview(findings.indicators)


_OVERVIEW_PER_GROUP = 6


def headline_overview(indicators: list[Indicator]) -> str:
    """The headline block in words, one sentence per group; else the first few targets."""
    out = []
    for g in headline_groups(indicators):
        bits = list(dict.fromkeys(say(indicators[i]) for i in g.indicators))
        # every headline target is told; a long list of results is cut
        keep = len(bits) if g.kind is IndicatorKind.target else _OVERVIEW_PER_GROUP
        more = "等" if len(bits) > keep else ""
        out.append(f"{g.label}：" + "；".join(bits[:keep]) + more + "。")
    if not out:
        top = [i for i in indicators if i.kind == IndicatorKind.target and i.headline()]
        bits = list(dict.fromkeys(say(i) for i in top))[:5]
        if bits:
            out.append("主要目标包括：" + "；".join(bits) + "。")
    return "".join(out)


def _date_and_mark(doc: Document, indicators: list[Indicator]) -> None:
    """Every indicator gets its year or period (model items have none yet) and its place in
    the headline block."""
    if any(i.year is None and i.period is None for i in indicators):
        date_indicators(indicators, timeline_of(doc))
    mark_headlines(doc.text, doc.sections, indicators)


def assemble(
    doc: Document,
    findings: Findings,
    provenance: Provenance,
    *,
    referee: Findings | None = None,
) -> PlanSummary:
    """Build the summary.  The overview is written from the `referee`'s findings (the rules',
    whose every number is a mention of the text) when given, else from `findings`, and ends
    with up to three of the model's checked chunk summaries."""
    _date_and_mark(doc, findings.indicators)
    if referee is not None and referee is not findings:
        _date_and_mark(doc, referee.indicators)
    ov = overview(doc, referee or findings)
    if findings.summaries:
        ov += "要点：" + "；".join(findings.summaries[:3])
    ov_check = Check(
        status=CheckStatus.verified,
        reason="written by plansum from the numbers at their spans"
        + ("; the model's sentences in it passed the prose check" if findings.summaries else ""),
    )
    return PlanSummary(
        document=doc.info,
        headlines=headline_groups(findings.indicators),
        overview=ov,
        overview_check=ov_check,
        points=findings.points,
        outline=doc.outline,
        goals=findings.goals,
        indicators=findings.indicators,
        projects=findings.projects,
        checks=findings.checks,
        provenance=provenance,
    )


def rules_provenance() -> Provenance:
    return Provenance(plansum_version=__version__, mode="rules")
