"""The summary as one self-contained HTML page: the summary beside the source, every figure linked to its span."""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass

from ..models import (
    CheckStatus,
    DocumentInfo,
    Goal,
    Indicator,
    IndicatorKind,
    PlanSummary,
    Project,
    Quantity,
    Section,
    Span,
)
from ._common import (
    _FAILED,
    ATTRIBUTE_LABEL,
    CHECK_WORDS,
    CJK_MONO,
    CJK_SANS,
    DOC_TYPE_LABEL,
    FONT_NOTE,
    STATUS_LABEL,
    _clamp,
    _growth_text,
    _item_ref,
    _one_line,
    _qtext,
    _say,
    _section_title,
    _status,
    _walk,
    _when,
    badge_text,
    point_text,
    verdict_text,
)

_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--seg:#ddf4ff;--hl:#ffd33d;
--ok:#1a7f37;--ok-bg:#dafbe1;--fix:#9a6700;--fix-bg:#fff8c5;--unk:#59636e;--unk-bg:#eaeef2;
--bad:#cf222e;--bad-bg:#ffebe9}
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{color:var(--fg);background:var(--bg);font:14px/1.6 """ + CJK_SANS + """}
.fontnote{color:var(--muted);font-size:11px;margin:1.5rem 0 0}
.wrap{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);height:100vh}
.pane{overflow:auto;padding:0 1.25rem 2rem}
#summary{border-right:1px solid var(--line)}
.pane>h2.bar{position:sticky;top:0;margin:0 -1.25rem .5rem;padding:.5rem 1.25rem;
background:#f6f8fa;border-bottom:1px solid var(--line);font-size:1rem;z-index:1}
h1{font-size:1.35rem;margin:.8rem 0 .4rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem;border-bottom:1px solid var(--line)}
dl.info{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0}
dl.info dt{color:var(--muted)}dl.info dd{margin:0}
.overview{white-space:pre-wrap}
.banner{color:var(--bad);background:var(--bad-bg);border:1px solid var(--bad);border-radius:4px;
padding:.4rem .6rem;font-weight:600}
.tbl{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid var(--line);padding:.2rem .3rem;vertical-align:top;
overflow-wrap:break-word}
th{background:#f6f8fa;text-align:left;font-weight:600;font-size:12px}
td.n{text-align:right}
.v,del{white-space:nowrap}
a.ref{color:#0969da;text-decoration:none}a.ref:hover{text-decoration:underline}
a.ref.nospan{color:var(--fg);cursor:default}
.badge{display:inline-block;border-radius:1em;padding:0 .55em;font-size:12px;white-space:nowrap;
border:1px solid currentColor}
td.status .badge{white-space:normal}
.st-verified .badge{color:var(--ok);background:var(--ok-bg)}
.st-corrected .badge{color:var(--fix);background:var(--fix-bg)}
.st-unverified .badge,.st-info .badge{color:var(--unk);background:var(--unk-bg)}
.st-rejected .badge,.st-degraded .badge{color:var(--bad);background:var(--bad-bg)}
tr.st-verified td.status{border-left:4px solid var(--ok)}
tr.st-corrected td.status{border-left:4px solid var(--fix)}
tr.st-unverified td.status{border-left:4px solid var(--unk)}
tr.st-rejected td.status{border-left:4px solid var(--bad)}
tr.st-rejected td:not(.status),tr.st-rejected del{color:var(--bad);text-decoration:line-through}
.reason{display:block;color:var(--muted);font-size:12px}
ul.outline,ul.outline ul{list-style:none;padding-left:1.1rem;margin:0}
ul.outline{padding-left:0}
ul.items{padding-left:1.2rem}
.active{background:var(--hl)}
.legend span{margin-right:.6rem}
.muted{color:var(--muted)}
.page{color:var(--muted);font-size:.85em;white-space:nowrap}
.page-mark{display:block;color:var(--muted);font-size:.85em;border-top:1px dashed var(--muted);margin:.4em 0}
pre#source{margin:0;white-space:pre-wrap;overflow-wrap:break-word;font:14px/1.75 """ + CJK_MONO + """}
.seg{background:var(--seg);cursor:pointer}
.seg.head{background:#eef1f4;font-weight:700}
.seg.num{font-weight:700;text-decoration:underline dotted}
.seg.hl,.anchor.hl{background:var(--hl);box-shadow:0 2px 0 #bf8700,0 -2px 0 #bf8700}
.anchor{display:inline}
@media (max-width:900px){.wrap{grid-template-columns:1fr;grid-template-rows:50vh 50vh}
#summary{border-right:0;border-bottom:1px solid var(--line)}}
@media print{.wrap{display:block;height:auto}.pane{overflow:visible}}
"""

_JS = """
(function(){
"use strict";
var lit=[],act=[];
function clear(list){list.forEach(function(e){e.classList.remove(list===lit?"hl":"active");});list.length=0;}
function show(ref){
  clear(lit);clear(act);
  var anchor=document.getElementById("src-"+ref);
  var els=Array.prototype.slice.call(document.querySelectorAll("#source .r-"+ref));
  if(anchor&&els.indexOf(anchor)<0){els.unshift(anchor);}
  els.forEach(function(e){e.classList.add("hl");lit.push(e);});
  var item=document.getElementById("item-"+ref);
  if(item){item.classList.add("active");act.push(item);}
  var first=anchor||els[0];
  if(first){first.scrollIntoView({block:"center",inline:"nearest"});}
  return !!first;
}
document.addEventListener("click",function(ev){
  var a=ev.target.closest("a[data-ref]");
  if(a){
    ev.preventDefault();
    if(show(a.getAttribute("data-ref"))&&history.replaceState){
      history.replaceState(null,"","#src-"+a.getAttribute("data-ref"));
    }
    return;
  }
  var seg=ev.target.closest("#source .seg");
  if(!seg){return;}
  for(var i=0;i<seg.classList.length;i++){
    var c=seg.classList[i];
    if(c.indexOf("r-")===0){
      var ref=c.slice(2),item=document.getElementById("item-"+ref);
      if(item){show(ref);item.scrollIntoView({block:"center",inline:"nearest"});}
      return;
    }
  }
});
if(location.hash.indexOf("#src-")===0){show(location.hash.slice(5));}
})();
"""


def _csp_hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()


# Only the exact style and script above may run: no external loads, no inline handlers, so
# markup injected through a broken escape stays inert.
CSP = (
    "default-src 'none'; "
    f"style-src '{_csp_hash(_CSS)}'; "
    f"script-src '{_csp_hash(_JS)}'; "
    "img-src 'none'; font-src 'none'; connect-src 'none'; media-src 'none'; "
    "object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
)


def _e(s: object) -> str:
    return html.escape("" if s is None else str(s), quote=True)


@dataclass(frozen=True)
class _Ref:
    """A stretch of the source that a summary item points to."""

    ref: str  # css-safe id: i3, g0, p1, s0-2, c4; "" for plain number marks
    start: int
    end: int
    cls: str = ""


def _source_html(text: str, refs: list[_Ref]) -> str:
    """The text with every referenced stretch wrapped, overlaps split at all boundaries.

    Each maximal stretch covered by the same set of refs becomes one `<span class="seg
    r-…">`; the first piece of each ref carries `id="src-<ref>"` (or an empty anchor when
    several refs start at the same place, or the ref is empty).
    """
    n = len(text)
    opens: dict[int, list[_Ref]] = {}
    closes: dict[int, list[_Ref]] = {}
    for r in refs:
        opens.setdefault(r.start, []).append(r)
        closes.setdefault(r.end, []).append(r)
    cuts = sorted({0, n, *opens, *closes})
    active: dict[_Ref, None] = {}
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:] + [n], strict=True):
        for r in closes.get(a, ()):
            if r.start != r.end:
                active.pop(r, None)
        starting = [r for r in opens.get(a, ()) if r.ref]
        seg_id = ""
        for r in starting:
            if r.start != r.end:
                active[r] = None
        for r in starting:
            if r.cls == "page-mark":
                page = r.ref.removeprefix("page-")
                parts.append(f'<span class="page-mark" id="{r.ref}">第{page}页</span>')
            elif not seg_id and r.start != r.end and a < b:
                seg_id = r.ref
            else:
                parts.append(f'<span class="anchor" id="src-{r.ref}"></span>')
        for r in opens.get(a, ()):
            if not r.ref and r.start != r.end:
                active[r] = None
        if a >= b:
            continue
        chunk = _e(text[a:b])
        if not active:
            parts.append(chunk)
            continue
        classes = ["seg"]
        for r in active:
            if r.ref:
                classes.append(f"r-{r.ref}")
            if r.cls and r.cls not in classes:
                classes.append(r.cls)
        id_attr = f' id="src-{seg_id}"' if seg_id else ""
        parts.append(f'<span class="{" ".join(classes)}"{id_attr}>{chunk}</span>')
    return "".join(parts)


def _page(doc: DocumentInfo, span: Span | None) -> str:
    """` 第N页` after an item of a paged original (a PDF), linking to the page's mark in the
    source pane; nothing for plain text."""
    page = doc.page_of(span.start) if span is not None else None
    if page is None:
        return ""
    return f' <a class="page" href="#page-{page}" title="原文页码 (page of the original)">第{page}页</a>'


def _page_marks(text: str, pages: list[tuple[int, int]] | None) -> list[_Ref]:
    """Zero-width refs where each page begins; `_source_html` writes them as page marks."""
    return [_Ref(f"page-{p}", o, o, "page-mark") for o, p in pages or [] if 0 <= o <= len(text)]


def _link(ref: str, label: str, has_span: bool) -> str:
    if not has_span:
        return f'<a class="ref nospan" title="无原文位置 (no source span)">{label}</a>'
    return (
        f'<a class="ref" href="#src-{ref}" data-ref="{ref}" '
        f'title="在原文中查看 (show in source)">{label}</a>'
    )


def _badge(status: str, words: str | None = None) -> str:
    return f'<span class="badge">{_e(words or STATUS_LABEL.get(status, status))}</span>'


# The legend: what each badge says was checked (the same words as every other format).
_LEGEND = (
    ("verified", CHECK_WORDS["span"]),
    ("verified", CHECK_WORDS["fields"]),
    ("corrected", CHECK_WORDS["corrected"]),
    ("unverified", CHECK_WORDS["unchecked"]),
    ("rejected", CHECK_WORDS["refused"]),
)


def _points_html(summary: PlanSummary) -> list[str]:
    """The overview's check, and the model's chunk summaries each with its badge."""
    oc = summary.overview_check
    out = [f'<p class="st-{oc.status.value} muted">{_badge(oc.status.value)} {_e(oc.reason)}</p>']
    if summary.points:
        out.append("<h4>模型所写摘要 (the model's chunk summaries)</h4><ul class=\"points\">")
        for pt in summary.points:
            st = pt.check.status.value
            out.append(
                f'<li class="st-{st}">{_e(pt.text)} {_badge(st, point_text(pt.check.status))}'
                f'<span class="reason">{_e(pt.check.reason)}</span></li>'
            )
        out.append("</ul>")
    return out


def _hq(q: Quantity | None, rejected: bool) -> str:
    s = _e(_qtext(q))
    if not s:
        return ""
    return f"<del>{s}</del>" if rejected else f'<span class="v">{s}</span>'


def _indicator_row(i: int, ind: Indicator, has_span: bool, page: str = "") -> str:
    st = _status(ind)
    rejected = st is CheckStatus.rejected
    ref = f"i{i}"
    baseline = _hq(ind.baseline, rejected)
    if baseline and ind.baseline_year is not None:
        baseline += f' <span class="muted">({ind.baseline_year})</span>'
    target = _hq(ind.target, rejected)
    if not target and ind.actual is not None:
        target = _hq(ind.actual, rejected) + ' <span class="muted">实际 (actual)</span>'
    if ind.kind is IndicatorKind.actual and ind.target is not None and ind.actual is not None:
        target += f'<br>{_hq(ind.actual, rejected)} <span class="muted">实际 (actual)</span>'
    reason = f'<span class="reason">{_e(ind.check.reason)}</span>' if ind.check.reason else ""
    attr = _e(ATTRIBUTE_LABEL[ind.attribute]) if ind.attribute else ""
    growth = _e(_growth_text(ind))
    if growth:
        growth = f"<del>{growth}</del>" if rejected else f'<span class="v">{growth}</span>'
    return (
        f'<tr id="item-{ref}" class="st-{st.value}">'
        f'<td class="n">{i + 1}</td>'
        f"<td>{_link(ref, _e(ind.name), has_span)}{page}</td>"
        f'<td class="n">{baseline}</td><td class="n">{target}</td>'
        f'<td>{_e(ind.unit)}</td><td class="n">{_e(_when(ind))}</td>'
        f'<td class="n">{growth}</td><td>{attr}</td>'
        f'<td class="status">{_badge(st.value, badge_text(ind))}{reason}</td></tr>'
    )


def _outline_html(sections: list[Section], path: tuple[int, ...], spans: set[str]) -> str:
    items = []
    for i, sec in enumerate(sections):
        here = (*path, i)
        ref = "s" + "-".join(map(str, here))
        sub = _outline_html(sec.children, here, spans) if sec.children else ""
        items.append(
            f'<li id="item-{ref}">{_link(ref, _e(_section_title(sec)), ref in spans)}{sub}</li>'
        )
    cls = ' class="outline"' if not path else ""
    return f"<ul{cls}>{''.join(items)}</ul>"


def _goal_li(i: int, goal: Goal, has_span: bool, page: str = "") -> str:
    year = f' <span class="muted">({goal.horizon_year})</span>' if goal.horizon_year else ""
    return f'<li id="item-g{i}">{_link(f"g{i}", _e(goal.text), has_span)}{year}{page}</li>'


def _project_row(i: int, proj: Project, has_span: bool, page: str = "") -> str:
    return (
        f'<tr id="item-p{i}"><td class="n">{i + 1}</td>'
        f"<td>{_link(f'p{i}', _e(proj.name), has_span)}{page}</td>"
        f'<td>{_e(proj.category)}</td><td class="n">{_e(_qtext(proj.quantity))}</td>'
        f"<td>{_e(proj.status)}</td></tr>"
    )


def _headline_html(summary: PlanSummary, linked: set[str]) -> list[str]:
    """The headline block: one list per group, each item linked to its indicator."""
    if not summary.headlines:
        return []
    out = ["<h3>要点 (headline figures)</h3>"]
    for g in summary.headlines:
        items = []
        for i in g.indicators:
            if 0 <= i < len(summary.indicators):
                ind = summary.indicators[i]
                text = _e(_say(ind))
                if _status(ind) is CheckStatus.rejected:
                    text = f"<del>{text}</del>"
                items.append(f"<li>{_link(f'i{i}', text, f'i{i}' in linked)}</li>")
        out.append(f"<h4>{_e(g.label)}</h4>" + '<ul class="items">' + "".join(items) + "</ul>")
    return out


def _refs(summary: PlanSummary, n: int) -> tuple[list[_Ref], set[str]]:
    """The spans to mark in the source pane, and the item ids that have one."""
    refs: list[_Ref] = []
    linked: set[str] = set()

    def add(ref: str, span: Span | None, cls: str = "") -> None:
        if span is None or span.start > n:
            return
        start, end = _clamp(span, n)
        refs.append(_Ref(ref, start, end, cls))
        if ref:
            linked.add(ref)

    for path, sec in _walk(summary.outline):
        add("s" + "-".join(map(str, path)), sec.span, "head")
    for i, ind in enumerate(summary.indicators):
        add(f"i{i}", ind.span)
        for q in ind.quantities():
            add("", q.span, "num")
    for i, goal in enumerate(summary.goals):
        add(f"g{i}", goal.span)
    for i, proj in enumerate(summary.projects):
        add(f"p{i}", proj.span)
        if proj.quantity is not None:
            add("", proj.quantity.span, "num")
    for i, chk in enumerate(summary.checks):
        if str(chk.status) in _FAILED:  # only these are listed, so only these are linked
            add(f"c{i}", chk.span)
    return refs, linked


def _failed_checks_html(summary: PlanSummary, linked: set[str]) -> list[str]:
    failed = [(i, c) for i, c in enumerate(summary.checks) if str(c.status) in _FAILED]
    body = [f"<h3>未通过的核查 (failed checks): {len(failed)} / {len(summary.checks)}</h3>"]
    if not failed:
        return [*body, "<p>（无 / none）</p>"]
    lis = []
    for i, c in failed:
        label = f"<code>{_e(c.item)}</code>"
        target = f"c{i}" if f"c{i}" in linked else _item_ref(c.item)
        if target and target in linked:
            link = _link(target, label, True)
        elif target:
            link = f'<a class="ref" href="#item-{target}">{label}</a>'
        else:
            link = label
        lis.append(
            f'<li id="item-c{i}" class="st-{_e(c.status)}">{link} '
            f"{_badge(str(c.status))} {_e(c.reason)}</li>"
        )
    return [*body, '<ul class="items">' + "".join(lis) + "</ul>"]


def render_html(summary: PlanSummary, text: str = "") -> str:
    """One self-contained page: the summary beside the source, every item linked to its span."""
    refs, linked = _refs(summary, len(text))

    doc = summary.document
    shown = doc.display_title or doc.title
    title = _one_line(shown) or "规划摘要 (plan summary)"
    prov = summary.provenance
    info = [
        ("原标题 (title as written)", doc.title if doc.title != shown else None),
        ("发布机关 (issuer)", doc.issuer),
        ("日期 (date)", doc.date),
        ("类型 (type)", DOC_TYPE_LABEL.get(doc.doc_type, doc.doc_type)),
        ("规划期 (period)", doc.period),
        ("地区 (region)", doc.region),
        ("编码 (encoding)", doc.encoding),
        ("原文 (original)", f"{doc.format}, {doc.pages[-1][1]} 页" if doc.pages else None),
        ("字数 (chars)", str(doc.chars) if doc.chars else None),
        (
            "生成 (generated by)",
            f"plansum {prov.plansum_version}, {prov.mode}"
            + (f", {prov.model}" if prov.model else "")
            + (f", prompt {prov.prompt_version}" if prov.prompt_version else ""),
        ),
    ]
    if prov.verdict is not None:
        info.append(("模型核对 (model check)", prov.verdict.message))
    banner = verdict_text(summary)
    body: list[str] = [
        f"<h1>{_e(title)}</h1>",
        *([f'<p class="banner" role="alert">⚠ {_e(banner)}</p>'] if banner else []),
        '<dl class="info">'
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in info if v)
        + "</dl>",
        '<p class="legend">'
        + "".join(f'<span class="st-{st}">{_badge(st, w)}</span>' for st, w in _LEGEND)
        + "</p>",
        *_headline_html(summary, linked),
        "<h3>概述 (overview)</h3>",
        f'<p class="overview">{_e(summary.overview.strip()) or "（无 / none）"}</p>',
        *_points_html(summary),
        "<h3>大纲 (outline)</h3>",
        _outline_html(summary.outline, (), linked) if summary.outline else "<p>（无 / none）</p>",
        f"<h3>指标 (indicators): {len(summary.indicators)}</h3>",
    ]
    if summary.indicators:
        body.append(
            '<div class="tbl"><table><thead><tr><th>#</th><th>指标 (name)</th><th>基期 (baseline)</th>'
            "<th>目标 (target)</th><th>单位 (unit)</th><th>年份 (year)</th>"
            "<th>增速 (growth)</th><th>属性 (attribute)</th><th>核实 (check)</th></tr></thead>"
            "<tbody>"
            + "".join(
                _indicator_row(i, ind, f"i{i}" in linked, _page(doc, ind.span))
                for i, ind in enumerate(summary.indicators)
            )
            + "</tbody></table></div>"
        )
    else:
        body.append("<p>（无 / none）</p>")
    body.append(f"<h3>目标 (goals): {len(summary.goals)}</h3>")
    body.append(
        '<ul class="items">'
        + "".join(
            _goal_li(i, g, f"g{i}" in linked, _page(doc, g.span)) for i, g in enumerate(summary.goals)
        )
        + "</ul>"
        if summary.goals
        else "<p>（无 / none）</p>"
    )
    body.append(f"<h3>项目 (projects): {len(summary.projects)}</h3>")
    body.append(
        '<div class="tbl"><table><thead><tr><th>#</th><th>项目 (name)</th><th>类别 (category)</th>'
        "<th>规模 (quantity)</th><th>状态 (status)</th></tr></thead><tbody>"
        + "".join(
            _project_row(i, p, f"p{i}" in linked, _page(doc, p.span))
            for i, p in enumerate(summary.projects)
        )
        + "</tbody></table></div>"
        if summary.projects
        else "<p>（无 / none）</p>"
    )
    body += _failed_checks_html(summary, linked)

    source = (
        _source_html(text, refs + _page_marks(text, doc.pages))
        if text
        else '<span class="muted">（无原文 / no source text）</span>'
    )
    # HTML parsers drop one newline right after <pre>: the one added here, so that a newline
    # at the start of the text is kept.
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_e(title)}</title>\n"
        f"<style>{_CSS}</style>\n</head><body>\n"
        '<div class="wrap">\n'
        '<main id="summary" class="pane"><h2 class="bar">摘要 (summary)</h2>\n'
        + "\n".join(body)
        + f'\n<p class="fontnote">{_e(FONT_NOTE)}</p>'
        + "\n</main>\n"
        '<section id="source-pane" class="pane"><h2 class="bar">原文 (source)</h2>\n'
        f'<pre id="source">\n{source}</pre>\n</section>\n</div>\n'
        f"<script>{_JS}</script>\n</body></html>\n"
    )
