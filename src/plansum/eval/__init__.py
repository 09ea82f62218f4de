"""Evaluation against gold annotations: the numbers behind `plansum eval`.

Modules: `gold` (the annotation format), `match` (pairing predictions with gold),
`metrics` (counts and rates), `run` (the pipeline over a corpus), `report` (JSON, table),
`names` (the naming convention as a check).

Everything here is a pure function of (document text, `PlanSummary`, `GoldDocument`)
except `evaluate`, which loads a corpus and runs the pipeline.  The report holds no
timestamps and no absolute paths and is sorted, so two runs give byte-identical output.

Matching rule (indicators)
--------------------------
A predicted indicator P and a gold indicator G are compared through one quantity of P,
the *reading*: the field G.role names (target / actual / growth / baseline) when P has
it and its value fits, else `P.headline()`.

- value fits: the reading's value or upper equals G.value or G.upper
  (`math.isclose`, rel 1e-6), so a range 8~10个 matches by either end;
- unit fits: the reading's unit (else P.unit) equals G.unit after NFKC and removal
  of whitespace.  No exceptions: "" and "%" are different units;
- located, by position: the spans overlap (any of P.span and its quantities' spans
  against G's [start, end)), or P's reading stands in the same sentence as G's number
  (sentences end at 。！？； and line breaks).  Only for gold without offsets (or when no
  text is given to `match_indicators`) does a name similarity of at least 0.5 locate P
  anywhere.  Name similarity is `difflib.SequenceMatcher.ratio()` on names normalised by
  NFKC and removal of whitespace, punctuation and markdown.

P *matches* G when value, unit and location all fit.  Pairs are assigned one-to-one,
greedily: matches before misreads (below), then span overlap before none, then higher
name similarity, then nearer offsets, then gold order and prediction order.

Predicted indicators without any number (a qualitative target such as 达到省里要求) are
left out of the indicator scores: the gold records numbers only.

A *misread* is a pair whose spans overlap but whose value or unit does not fit: the
extractor found the place and read the wrong number.  It counts as a miss and a false
positive for P/R/F1, and as a wrong reading for value accuracy.

Metrics
-------
- precision = matched / predicted, only over documents whose gold marks "indicators"
  complete (elsewhere an unmatched prediction cannot be judged: n/a); recall = matched /
  gold over all documents; F1 from the two.  Overall figures pool the counts (micro).
- value accuracy = pairs whose reading has G's value, upper, unit and comparator, over
  all pairs (matches and misreads).  role agreement = matches whose value stands in the
  field G.role names, over matches; kind accuracy = matches whose kind is G's; attribute
  accuracy = matches whose 预期性/约束性 is G's, over matches whose gold records one.
- name exactness = matches whose normalised name equals G's; the gold follows the naming
  convention of docs/evaluation.md, which `names.name_problems` checks.
- number faithfulness = share of the predicted numbers (every quantity of every
  indicator and project) whose `raw` stands in the source at the quantity's span (else
  the item's span) and parses back (`numbers.parse_quantity`) to the same value; the
  unfaithful ones are listed.  Goal and project spans are checked the same way for their
  text ("spans").
- heading recall = gold headings found among the predicted outline by (kind, title)
  with titles normalised as names are; the loose variant matches by title alone; both
  one-to-one and only over documents whose gold has headings.
- project recall = gold project names equal to a predicted name after whitespace
  removal, or containing one or contained in one when the shorter has at least 4
  characters; over documents whose gold lists projects.
"""

from __future__ import annotations

from .match import match_indicators, name_similarity
from .metrics import DocResult, score_document
from .report import render_table, report_json
from .run import MODES, EvalReport, ModeResult, evaluate

__all__ = [
    "MODES",
    "DocResult",
    "EvalReport",
    "ModeResult",
    "evaluate",
    "match_indicators",
    "name_similarity",
    "render_table",
    "report_json",
    "score_document",
]
