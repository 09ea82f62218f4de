"""Merging the rules' findings with the model's: a pure function with its policy stated."""

from __future__ import annotations

from typing import Literal

from .document import Findings
from .models import Check, CheckCause, CheckRecord, CheckStatus, Goal, Indicator, Project
from .verify import overall, same_name

Policy = Literal["llm", "hybrid"]


def _headline_span(ind: Indicator) -> tuple[int, int]:
    q = ind.headline()
    if q is not None and q.span is not None:
        return (q.span.start, q.span.end)
    return (ind.span.start, ind.span.end)


_ROLES = ("target", "actual", "growth", "baseline")


def _role(ind: Indicator, hs: tuple[int, int]) -> str | None:
    """Which field of `ind` holds the number at `hs`."""
    for r in _ROLES:
        q = getattr(ind, r)
        if q is not None and q.span is not None and (q.span.start, q.span.end) == hs:
            return r
    return None


def _base(model: Indicator, rules_here: list[Indicator]) -> Indicator | None:
    """The rules item on the model item's number that it speaks about (same name first)."""
    for r in rules_here:
        if same_name(r.name, model.name):
            return r
    return rules_here[0] if rules_here else None


def _overlay(
    model: Indicator, base: Indicator | None, checks: list[CheckRecord]
) -> Indicator | None:
    """The model item as shown: each field the model gave that passed its check, the rules'
    reading for the others (where the rules read this number), and the item's badge from
    the result.  Without a rules item, a rejected name drops the item."""
    fc = dict(model.field_checks)
    hs = _headline_span(model)
    where = model.span

    def refuse(fld: str, said: str) -> None:
        c = fc.get(fld)
        if c is not None and c.status != CheckStatus.verified:
            checks.append(
                CheckRecord(
                    item=f"indicator {base.name if base else model.name}.{fld}",
                    status=CheckStatus.rejected if c.status == CheckStatus.rejected else CheckStatus.info,
                    reason=f"the model's {fld} {said!r} ({c.status}: {c.reason}); the rules' reading is kept",
                    span=where,
                )
            )

    if base is None:
        if fc.get("name", Check(status=CheckStatus.verified)).status == CheckStatus.rejected:
            checks.append(
                CheckRecord(
                    item=f"indicator {model.name[:40]}",
                    status=CheckStatus.rejected,
                    reason=f"{fc['name'].reason}, and the rules have no indicator on this number; dropped",
                    span=where,
                )
            )
            return None
        return model
    out = base.model_copy(deep=True)
    kept = Check(status=CheckStatus.verified, reason="the rules' reading of the source")
    # name
    if same_name(base.name, model.name):
        fc["name"] = Check(status=CheckStatus.verified, reason="the rules read the same name")
    elif fc.get("name") is not None and fc["name"].status == CheckStatus.verified:
        out.name = model.name
    else:
        refuse("name", model.name)
        fc["name"] = kept
    # role: where the number goes
    m_role, b_role = _role(model, hs), _role(base, hs)
    if m_role == b_role and fc.get("role") is not None and fc["role"].status != CheckStatus.verified:
        fc["role"] = kept  # shown as the rules read it
    elif m_role and b_role and m_role != b_role:
        if fc.get("role") is not None and fc["role"].status == CheckStatus.verified:
            q = getattr(out, b_role)
            setattr(out, b_role, None)
            setattr(out, m_role, q)
            if m_role == "baseline":
                out.baseline_year, out.target_year = out.target_year, None
        else:
            refuse("role", m_role)
            fc["role"] = kept
    # kind
    if fc.get("kind") is not None and fc["kind"].cause is CheckCause.no_kind_from_model:
        fc["kind"] = kept  # the model gave no kind: the rules' reading stands
    elif model.kind == base.kind and fc.get("kind") is not None and fc["kind"].status != CheckStatus.verified:
        fc["kind"] = kept
    elif model.kind != base.kind:
        if fc.get("kind") is not None and fc["kind"].status == CheckStatus.verified:
            out.kind = model.kind
        else:
            refuse("kind", model.kind.value)
            fc["kind"] = kept
    # target or actual: the field follows the kind shown (the role check only tells a level
    # from a change)
    for a, b in (("target", "actual"), ("actual", "target")):
        if out.kind.value == b and getattr(out, a) is not None and getattr(out, b) is None:
            q = getattr(out, a)
            if q.span is not None and (q.span.start, q.span.end) == hs:
                setattr(out, a, None)
                setattr(out, b, q)
    # year
    m_year = model.baseline_year if m_role == "baseline" else model.target_year
    year_field = "baseline_year" if _role(out, hs) == "baseline" else "target_year"
    if "year" in fc and m_year is not None:
        base_year = getattr(out, year_field)
        if fc["year"].status == CheckStatus.verified:
            setattr(out, year_field, m_year)
        elif m_year == base_year:
            fc["year"] = Check(status=CheckStatus.verified, reason="the rules read the same year")
        elif base_year is not None:
            refuse("year", str(m_year))
            fc["year"] = kept
        else:
            setattr(out, year_field, m_year)  # shown, as unchecked
    out.origin = "llm"
    out.field_checks = fc
    out.check = overall(out)
    return out


def merge(rules: Findings, llm: Findings, policy: Policy = "hybrid") -> Findings:
    """One set of findings from the rules' and the model's; the inputs are not changed.

    The policy:
    - Which rules items take part: all of them under "hybrid"; under "llm" only those in
      the spans the model failed on (there the rules stand in for it).
    - Indicators are keyed by the span of their headline number and their name, so one
      number may serve two subjects ("A、B分别增长10%以上").  A model indicator replaces
      every rules indicator on its number, once (the first chunk's model item wins), and
      keeps their section if it has none.  On a row of a rules-read table (a row with an
      attribute or a baseline) the rules win: they read the columns.
    - Goals: the model's, then each rules goal that overlaps none of them.
    - Projects: the model's, then each rules project whose name is new.
    - Checks: the rules', then the model's.  The model's chunk accounting and summaries
      are carried over.
    Everything is sorted by position in the document.
    """
    hybrid = policy == "hybrid"

    keep_rules = (
        rules.indicators if hybrid else [r for r in rules.indicators if not llm.covers(r.span)]
    )
    table_rows = [r for r in rules.indicators if r.attribute is not None or r.baseline is not None]
    rule_rows = [(r.span.start, r.span.end) for r in table_rows]
    merged: dict[tuple[tuple[int, int], str], Indicator] = {}
    at_span: dict[tuple[int, int], list[tuple[tuple[int, int], str]]] = {}
    for rule_ind in keep_rules:
        key = (_headline_span(rule_ind), rule_ind.name)
        if key not in merged:
            merged[key] = rule_ind.model_copy()  # the output's own item: callers may annotate it
            at_span.setdefault(key[0], []).append(key)
    by_number: dict[tuple[int, int], list[Indicator]] = {}
    for r in rules.indicators:
        by_number.setdefault(_headline_span(r), []).append(r)
    checks: list[CheckRecord] = []
    for ind in llm.indicators:
        hs = _headline_span(ind)
        if any(a <= hs[0] < b for a, b in rule_rows):
            continue  # a table row: the rules read its columns
        keys = at_span.get(hs, [])
        if any(merged[k].origin == "llm" for k in keys):
            continue  # another chunk's model item already stands on this number
        base = _base(ind, by_number.get(hs, []))
        shown = _overlay(ind, base, checks)
        if shown is None:
            continue  # a name the source does not support, and no rules item to take one from
        for k in keys:
            if hybrid and base is not None and merged[k] is not base:
                continue  # the number's other subjects ("A、B分别增长…") stay
            if merged[k].section and not shown.section:
                shown = shown.model_copy(update={"section": merged[k].section})
            del merged[k]
        at_span[hs] = [k for k in at_span.get(hs, []) if k in merged] + [(hs, shown.name)]
        merged[(hs, shown.name)] = shown
    indicators = sorted(merged.values(), key=lambda x: (x.span.start, x.span.end))

    goals: dict[tuple[int, int], Goal] = {(x.span.start, x.span.end): x for x in llm.goals}
    projects: dict[str, Project] = {x.name: x for x in llm.projects}
    rule_goals = rules.goals if hybrid else [x for x in rules.goals if not llm.covers(x.span)]
    rule_projects = (
        rules.projects if hybrid else [x for x in rules.projects if not llm.covers(x.span)]
    )
    for goal in rule_goals:
        if not any(goal.span.overlaps(y.span) for y in goals.values()):
            goals[(goal.span.start, goal.span.end)] = goal.model_copy()
    for proj in rule_projects:
        projects.setdefault(proj.name, proj.model_copy())
    return Findings(
        indicators=indicators,
        goals=sorted(goals.values(), key=lambda x: x.span.start),
        projects=sorted(projects.values(), key=lambda x: x.span.start),
        checks=rules.checks + llm.checks + checks,
        failed=[],
        chunks=llm.chunks,
        summaries=llm.summaries,
        prompt_version=llm.prompt_version,
    )
