"""The one place a `PlanSummary` is built: document, findings, overview, provenance."""

from __future__ import annotations

from ._version import __version__
from .document import Document, Findings
from .models import IndicatorKind, PlanSummary, Provenance

_KINDS = {
    "outline": "五年规划纲要", "proposal": "规划建议", "annual_plan": "年度计划",
    "work_report": "政府工作报告", "news": "新闻报道", "other": "文件",
}


def overview(doc: Document, findings: Findings) -> str:
    """A short overview written from the extracted facts (no sentence is copied)."""
    info = doc.info
    parts = [f"《{info.title}》" if info.title else "本文件"]
    parts.append(f"（{_KINDS[info.doc_type]}" + (f"，{info.period}" if info.period else "") + "）")
    top = [i for i in findings.indicators if i.kind == IndicatorKind.target and i.headline()][:5]
    bits = []
    for i in top:
        q = i.headline()
        assert q is not None
        bits.append(f"{i.name}{q.raw}")
    s = "".join(parts) + (
        f"：共{len(doc.sections)}个标题、{len(findings.indicators)}项量化指标、{len(findings.projects)}个项目。"
    )
    if bits:
        s += "主要目标包括" + "、".join(bits) + "。"
    return s


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
    ov = overview(doc, referee or findings)
    if findings.summaries:
        ov += "要点：" + "；".join(findings.summaries[:3])
    return PlanSummary(
        document=doc.info,
        overview=ov,
        outline=doc.outline,
        goals=findings.goals,
        indicators=findings.indicators,
        projects=findings.projects,
        checks=findings.checks,
        provenance=provenance,
    )


def rules_provenance() -> Provenance:
    return Provenance(plansum_version=__version__, mode="rules")
