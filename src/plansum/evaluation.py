"""Score summaries against gold annotations: the numbers behind `plansum eval`.

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
- located: the spans overlap (any of P.span and its quantities' spans against
  G's [start, end), when the gold records offsets), or the name similarity is at least
  0.5.  Name similarity is `difflib.SequenceMatcher.ratio()` on names normalised by NFKC
  and removal of whitespace, punctuation and markdown.

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
  field G.role names, over matches.
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

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from .errors import CassetteError, InputError
from .gold import GoldDocument, GoldHeading, GoldIndicator, load_gold_dir
from .models import Indicator, PlanSummary, Quantity, Section, Span

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

MODES = ("rules", "llm", "hybrid")
NAME_THRESHOLD = 0.5
VALUE_REL_TOL = 1e-6
PROJECT_MIN_CONTAINED = 4
_ROLES = ("target", "actual", "growth", "baseline")


def default_corpus_dir() -> Path:
    """The fixture corpus of a source checkout (absent in a wheel install)."""
    return Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "corpus"


def default_gold_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "gold"


# --------------------------------------------------------------------------- normalisation

_NAME_DROP = re.compile(r"[\s*#|·•“”‘’\"'（）()\[\]【】《》<>,，、。.;；:：!！?？\-—_~]+")


def normalize_name(s: str) -> str:
    return _NAME_DROP.sub("", unicodedata.normalize("NFKC", s)).lower()


def normalize_unit(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def name_similarity(a: str, b: str) -> float:
    """SequenceMatcher ratio of the normalised names (1.0 when both are equal)."""
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=VALUE_REL_TOL, abs_tol=1e-9)


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Pair:
    """One gold indicator paired with one prediction (indexes into the two lists)."""

    gold: int
    pred: int
    matched: bool  # value, unit and location fit (counts for P/R/F1)
    value_correct: bool  # value, upper, unit and comparator all as in the gold
    role_correct: bool  # the value stands in the field the gold's role names
    overlap: bool
    similarity: float


@dataclass
class IndicatorMatch:
    pairs: list[Pair]

    @property
    def matched(self) -> list[Pair]:
        return [p for p in self.pairs if p.matched]

    @property
    def misread(self) -> list[Pair]:
        return [p for p in self.pairs if not p.matched]


def _spans_of(p: Indicator) -> list[Span]:
    return [p.span] + [q.span for q in p.quantities() if q.span is not None]


def _overlaps(p: Indicator, g: GoldIndicator) -> bool:
    if g.start is None or g.end is None:
        return False
    return any(s.start < g.end and g.start < s.end for s in _spans_of(p))


def _value_fits(q: Quantity, g: GoldIndicator) -> bool:
    mine = [v for v in (q.value, q.upper) if v is not None]
    theirs = [v for v in (g.value, g.upper) if v is not None]
    return any(_close(a, b) for a in mine for b in theirs)


def _unit_of(q: Quantity, p: Indicator) -> str:
    return normalize_unit(q.unit or p.unit)


def _reading(p: Indicator, g: GoldIndicator) -> tuple[Quantity | None, bool]:
    """The quantity of P that answers G, and whether its value and unit fit."""
    role_q: Quantity | None = getattr(p, g.role)
    head = p.headline()
    gu = normalize_unit(g.unit)
    for q in (role_q, head):
        if q is not None and _value_fits(q, g) and _unit_of(q, p) == gu:
            return q, True
    return (role_q or head), False


def _distance(p: Indicator, g: GoldIndicator) -> int:
    if g.start is None:
        return 0
    head = p.headline()
    start = head.span.start if head is not None and head.span is not None else p.span.start
    return abs(start - g.start)


def match_indicators(predicted: list[Indicator], gold: list[GoldIndicator]) -> IndicatorMatch:
    """Pair predictions with gold indicators one-to-one by the module's matching rule."""
    cands: list[tuple[tuple[Any, ...], Pair]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            q, fits = _reading(p, g)
            overlap = _overlaps(p, g)
            if not fits and not overlap:
                continue  # neither a match nor a misread: skip the name comparison
            sim = name_similarity(p.name, g.name)
            matched = fits and (overlap or sim >= NAME_THRESHOLD)
            if not matched and not overlap:
                continue
            value_correct = (
                matched
                and q is not None
                and _close(q.value, g.value)
                and _close(q.upper, g.upper)
                and q.comparator == g.comparator
            )
            role_q: Quantity | None = getattr(p, g.role)
            role_correct = matched and role_q is not None and _value_fits(role_q, g)
            pair = Pair(gi, pi, matched, value_correct, role_correct, overlap, round(sim, 6))
            key = (not matched, not overlap, -pair.similarity, _distance(p, g), gi, pi)
            cands.append((key, pair))
    cands.sort(key=lambda c: c[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[Pair] = []
    for _, pair in cands:
        if pair.gold in used_g or pair.pred in used_p:
            continue
        used_g.add(pair.gold)
        used_p.add(pair.pred)
        pairs.append(pair)
    pairs.sort(key=lambda p: p.gold)
    return IndicatorMatch(pairs)


# --------------------------------------------------------------------------- faithfulness


def _quantity_faithful(q: Quantity, fallback: Span, text: str) -> bool:
    from .numbers import parse_quantity

    span = q.span or fallback
    if not q.raw or q.raw not in text[span.start : span.end]:
        return False
    back = parse_quantity(q.raw)
    return back is not None and _close(back.value, q.value)


def check_numbers(summary: PlanSummary, text: str) -> tuple[int, list[str]]:
    """(numbers checked, descriptions of the unfaithful ones in text order)."""
    bad: list[tuple[int, str]] = []
    n = 0
    items: list[tuple[str, Quantity, Span]] = []
    for i, ind in enumerate(summary.indicators):
        for role in _ROLES:
            q = getattr(ind, role)
            if q is not None:
                items.append((f"indicator[{i}].{role} {ind.name}", q, ind.span))
    for i, pr in enumerate(summary.projects):
        if pr.quantity is not None:
            items.append((f"project[{i}].quantity {pr.name}", pr.quantity, pr.span))
    for label, q, span in items:
        n += 1
        if not _quantity_faithful(q, span, text):
            s = q.span or span
            bad.append((s.start, f"{label}: {q.raw!r} = {q.value:g} at {s.start}:{s.end}"))
    bad.sort()
    return n, [b for _, b in bad]


def check_spans(summary: PlanSummary, text: str) -> tuple[int, list[str]]:
    """Goal and project spans that do not hold their text (whitespace aside)."""
    bad: list[tuple[int, str]] = []
    items = [(f"goal[{i}]", g.text, g.span) for i, g in enumerate(summary.goals)]
    items += [(f"project[{i}]", p.name, p.span) for i, p in enumerate(summary.projects)]
    for label, s, span in items:
        if _compact(s) not in _compact(text[span.start : span.end]):
            bad.append((span.start, f"{label}: {s[:30]!r} not at {span.start}:{span.end}"))
    bad.sort()
    return len(items), [b for _, b in bad]


# --------------------------------------------------------------------------- headings, projects


def _flatten(sections: Iterable[Section]) -> list[Section]:
    out: list[Section] = []
    for s in sections:
        out.append(s)
        out.extend(_flatten(s.children))
    return out


def match_headings(predicted: list[Section], gold: list[GoldHeading]) -> tuple[int, int]:
    """(found by kind and title, found by title alone), one-to-one."""
    flat = _flatten(predicted)
    strict = Counter((s.kind, normalize_name(s.title)) for s in flat)
    loose = Counter(normalize_name(s.title) for s in flat)
    n_strict = n_loose = 0
    for h in gold:
        t = normalize_name(h.title)
        if strict[(h.kind, t)] > 0:
            strict[(h.kind, t)] -= 1
            n_strict += 1
    for h in gold:
        t = normalize_name(h.title)
        if loose[t] > 0:
            loose[t] -= 1
            n_loose += 1
    return n_strict, n_loose


def project_found(gold_name: str, predicted: list[str]) -> bool:
    g = _compact(gold_name)
    for name in predicted:
        p = _compact(name)
        if p == g:
            return True
        if min(len(p), len(g)) >= PROJECT_MIN_CONTAINED and (p in g or g in p):
            return True
    return False


# --------------------------------------------------------------------------- one document


@dataclass
class DocResult:
    """Counts for one document in one mode; the rates are derived from them."""

    document: str
    indicators_complete: bool
    gold_indicators: int = 0
    predicted_indicators: int = 0  # with a number; qualitative ones are counted apart
    qualitative_indicators: int = 0
    matched: int = 0
    misread: int = 0
    values_correct: int = 0
    roles_correct: int = 0
    numbers: int = 0
    unfaithful_number_items: list[str] = field(default_factory=list)
    spans: int = 0
    unfaithful_span_items: list[str] = field(default_factory=list)
    gold_headings: int = 0
    predicted_headings: int = 0
    headings_found: int = 0
    headings_found_by_title: int = 0
    gold_projects: int = 0
    predicted_projects: int = 0
    projects_found: int = 0
    missed_indicators: list[str] = field(default_factory=list)


def score_document(summary: PlanSummary, gold: GoldDocument, text: str) -> DocResult:
    # An indicator with no number (a qualitative target such as 达到省里要求) is outside what
    # the gold records, so it is neither a hit nor a false positive; its numbers, if any, are
    # still checked for faithfulness.
    scorable = [i for i in summary.indicators if i.headline() is not None]
    m = match_indicators(scorable, gold.indicators)
    n_numbers, bad_numbers = check_numbers(summary, text)
    n_spans, bad_spans = check_spans(summary, text)
    h_strict, h_loose = match_headings(summary.outline, gold.headings)
    pred_names = [p.name for p in summary.projects]
    paired = {p.gold for p in m.matched}
    missed = [
        f"{g.name} {g.value:g}{g.unit}" + (f" at {g.start}:{g.end}" if g.start is not None else "")
        for i, g in enumerate(gold.indicators)
        if i not in paired
    ]
    return DocResult(
        document=gold.document,
        indicators_complete="indicators" in gold.complete,
        gold_indicators=len(gold.indicators),
        predicted_indicators=len(scorable),
        qualitative_indicators=len(summary.indicators) - len(scorable),
        matched=len(m.matched),
        misread=len(m.misread),
        values_correct=sum(p.value_correct for p in m.pairs),
        roles_correct=sum(p.role_correct for p in m.matched),
        numbers=n_numbers,
        unfaithful_number_items=bad_numbers,
        spans=n_spans,
        unfaithful_span_items=bad_spans,
        gold_headings=len(gold.headings),
        predicted_headings=len(_flatten(summary.outline)),
        headings_found=h_strict,
        headings_found_by_title=h_loose,
        gold_projects=len(gold.projects),
        predicted_projects=len(summary.projects),
        projects_found=sum(project_found(g, pred_names) for g in gold.projects),
        missed_indicators=missed,
    )


# --------------------------------------------------------------------------- metrics


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def metrics(results: list[DocResult]) -> dict[str, Any]:
    """Rates and pooled counts over one or more documents (micro averages)."""
    complete = [r for r in results if r.indicators_complete]
    tp_c = sum(r.matched for r in complete)
    pred_c = sum(r.predicted_indicators for r in complete)
    gold_c = sum(r.gold_indicators for r in complete)
    if not complete:
        precision = None
    elif pred_c:
        precision = tp_c / pred_c
    else:
        precision = 1.0 if gold_c == 0 else 0.0
    tp = sum(r.matched for r in results)
    recall = _ratio(tp, sum(r.gold_indicators for r in results))
    pairs = sum(r.matched + r.misread for r in results)
    numbers = sum(r.numbers for r in results)
    unfaithful = sum(len(r.unfaithful_number_items) for r in results)
    spans = sum(r.spans for r in results)
    bad_spans = sum(len(r.unfaithful_span_items) for r in results)
    gh = sum(r.gold_headings for r in results)
    gp = sum(r.gold_projects for r in results)
    return {
        "gold_indicators": sum(r.gold_indicators for r in results),
        "predicted_indicators": sum(r.predicted_indicators for r in results),
        "qualitative_indicators": sum(r.qualitative_indicators for r in results),
        "matched": tp,
        "misread": sum(r.misread for r in results),
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "value_accuracy": _ratio(sum(r.values_correct for r in results), pairs),
        "role_agreement": _ratio(sum(r.roles_correct for r in results), tp),
        "numbers": numbers,
        "unfaithful_numbers": unfaithful,
        "number_faithfulness": _ratio(numbers - unfaithful, numbers),
        "spans": spans,
        "unfaithful_spans": bad_spans,
        "span_faithfulness": _ratio(spans - bad_spans, spans),
        "gold_headings": gh,
        "predicted_headings": sum(r.predicted_headings for r in results),
        "heading_recall": _ratio(sum(r.headings_found for r in results), gh),
        "heading_recall_by_title": _ratio(sum(r.headings_found_by_title for r in results), gh),
        "gold_projects": gp,
        "predicted_projects": sum(r.predicted_projects for r in results),
        "project_recall": _ratio(sum(r.projects_found for r in results), gp),
    }


# --------------------------------------------------------------------------- the run


@dataclass
class ModeResult:
    mode: str
    documents: list[DocResult]
    model: str | None = None  # llm / hybrid: from the cassettes' meta.json
    prompt: str | None = None

    @property
    def overall(self) -> dict[str, Any]:
        return metrics(self.documents)


@dataclass
class EvalReport:
    corpus: str  # directory names only: the report holds no absolute paths
    gold: str
    plansum_version: str
    documents: list[str]
    modes: list[ModeResult]
    no_gold: list[str] = field(default_factory=list)  # corpus documents without a gold file
    no_document: list[str] = field(default_factory=list)  # gold files without their document

    def mode(self, name: str) -> ModeResult:
        return next(m for m in self.modes if m.mode == name)


def corpus_documents(corpus_dir: Path) -> list[Path]:
    return sorted(Path(corpus_dir).glob("*.txt"))


def missing_cassettes(documents: Iterable[str], cassette_dir: Path) -> list[str]:
    """Documents with no cassette (all of them when meta.json is missing)."""
    from .cassettes import META_FILE, cassette_name

    docs = sorted(documents)
    if not (Path(cassette_dir) / META_FILE).is_file():
        return docs
    return [d for d in docs if not (Path(cassette_dir) / cassette_name(d)).is_file()]


def _cassette_error(missing: list[str], total: int, cassette_dir: Path) -> CassetteError:
    from .cassettes import META_FILE, RECORD_HINT

    what = ", ".join(missing)
    where = f"{cassette_dir}" + (
        "" if (Path(cassette_dir) / META_FILE).is_file() else f" (no {META_FILE})"
    )
    return CassetteError(
        f"no cassette for {what} ({len(missing)} of {total} documents) in {where}; {RECORD_HINT}"
    )


def _summarize(
    mode: str, text: str, document: str, encoding: str | None, cassette_dir: Path
) -> PlanSummary:
    from . import pipeline

    if mode == "rules":
        return pipeline.summarize_text(text, offline=True, encoding=encoding)
    try:
        return pipeline.summarize_replay(
            text, document, cassette_dir=cassette_dir, merge_mode=mode, encoding=encoding
        )
    except CassetteError as exc:
        raise CassetteError(f"{document} ({mode} mode): stale or missing cassette: {exc}") from exc


def evaluate(
    corpus_dir: Path,
    gold_dir: Path,
    modes: Iterable[str] = ("rules",),
    cassette_dir: Path | None = None,
) -> EvalReport:
    """Run the pipeline in each mode over every corpus document that has gold, and score it.

    Raises InputError for a missing directory or no scorable document, and CassetteError
    (naming the documents) before any work when an llm/hybrid mode lacks cassettes.
    """
    from . import __version__
    from .cassettes import RecordingMeta, default_dir
    from .loading import load_file

    corpus_dir, gold_dir = Path(corpus_dir), Path(gold_dir)
    for what, d in (("corpus", corpus_dir), ("gold", gold_dir)):
        if not d.is_dir():
            raise InputError(f"{what} directory {d} does not exist")
    wanted = set(modes)
    if not wanted or wanted - set(MODES):
        raise InputError(f"unknown mode {sorted(wanted - set(MODES))}; use rules, llm or hybrid")
    modes = [m for m in MODES if m in wanted]
    try:
        golds = load_gold_dir(gold_dir)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise InputError(f"a gold file in {gold_dir} is not valid: {exc}") from exc
    paths = {p.name: p for p in corpus_documents(corpus_dir)}
    names = sorted(set(paths) & set(golds))
    if not names:
        raise InputError(
            f"no document in {corpus_dir} has a gold file in {gold_dir} "
            "(gold files name their document in the field `document`)"
        )
    cdir = Path(cassette_dir) if cassette_dir is not None else default_dir()
    meta = None
    if any(m != "rules" for m in modes):
        missing = missing_cassettes(names, cdir)
        if missing:
            raise _cassette_error(missing, len(names), cdir)
        meta = RecordingMeta.load(cdir)
    docs = {n: load_file(paths[n]) for n in names}
    results: list[ModeResult] = []
    for mode in modes:
        scored = []
        for n in names:
            doc = docs[n]
            summary = _summarize(mode, doc.text, n, doc.encoding, cdir)
            scored.append(score_document(summary, golds[n], doc.text))
        mr = ModeResult(mode, scored)
        if mode != "rules" and meta is not None:
            mr.model, mr.prompt = meta.model, meta.prompt
        results.append(mr)
    return EvalReport(
        corpus=corpus_dir.resolve().name,
        gold=gold_dir.resolve().name,
        plansum_version=__version__,
        documents=names,
        modes=results,
        no_gold=sorted(set(paths) - set(golds)),
        no_document=sorted(set(golds) - set(paths)),
    )


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
    "numbers (bad)",
    "head",
    "head~",
    "proj",
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
        f"{_fmt(mt['number_faithfulness'])} ({mt['unfaithful_numbers']})",
        _fmt(mt["heading_recall"]),
        _fmt(mt["heading_recall_by_title"]),
        _fmt(mt["project_recall"]),
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
    lines.append("")
    lines.append(
        "gold/pred/match: indicators; P only where the gold lists every indicator "
        "(* = not, P n/a); value: value+unit+comparator right among located pairs; "
        "role: value in the gold's field; numbers: share of reported numbers found at their "
        "span (unfaithful count); head/head~: heading recall by kind+title / title; "
        "proj: project recall.  Matching rule: docs/evaluation.md"
    )
    return "\n".join(lines) + "\n"
