"""Merging the rules' findings with the model's: a pure function with its policy stated."""

from __future__ import annotations

from typing import Literal

from .document import Findings
from .models import Goal, Indicator, Project

Policy = Literal["llm", "hybrid"]


def _headline_span(ind: Indicator) -> tuple[int, int]:
    q = ind.headline()
    if q is not None and q.span is not None:
        return (q.span.start, q.span.end)
    return (ind.span.start, ind.span.end)


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

    keep_rules = rules.indicators if hybrid else [r for r in rules.indicators if not llm.covers(r.span)]
    table_rows = [r for r in rules.indicators if r.attribute is not None or r.baseline is not None]
    rule_rows = [(r.span.start, r.span.end) for r in table_rows]
    merged: dict[tuple[tuple[int, int], str], Indicator] = {}
    at_span: dict[tuple[int, int], list[tuple[tuple[int, int], str]]] = {}
    for rule_ind in keep_rules:
        key = (_headline_span(rule_ind), rule_ind.name)
        if key not in merged:
            merged[key] = rule_ind
            at_span.setdefault(key[0], []).append(key)
    for ind in llm.indicators:
        hs = _headline_span(ind)
        if any(a <= hs[0] < b for a, b in rule_rows):
            continue  # a table row: the rules read its columns
        keys = at_span.get(hs, [])
        if any(merged[k].origin == "llm" for k in keys):
            continue  # another chunk's model item already stands on this number
        for k in keys:
            if merged[k].section and not ind.section:
                ind = ind.model_copy(update={"section": merged[k].section})
            del merged[k]
        at_span[hs] = [(hs, ind.name)]
        merged[(hs, ind.name)] = ind
    indicators = sorted(merged.values(), key=lambda x: (x.span.start, x.span.end))

    goals: dict[tuple[int, int], Goal] = {(x.span.start, x.span.end): x for x in llm.goals}
    projects: dict[str, Project] = {x.name: x for x in llm.projects}
    rule_goals = rules.goals if hybrid else [x for x in rules.goals if not llm.covers(x.span)]
    rule_projects = rules.projects if hybrid else [x for x in rules.projects if not llm.covers(x.span)]
    for goal in rule_goals:
        if not any(goal.span.overlaps(y.span) for y in goals.values()):
            goals[(goal.span.start, goal.span.end)] = goal
    for proj in rule_projects:
        projects.setdefault(proj.name, proj)
    return Findings(
        indicators=indicators,
        goals=sorted(goals.values(), key=lambda x: x.span.start),
        projects=sorted(projects.values(), key=lambda x: x.span.start),
        checks=rules.checks + llm.checks,
        failed=[],
        chunks=llm.chunks,
        summaries=llm.summaries,
        prompt_version=llm.prompt_version,
    )
