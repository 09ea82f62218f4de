"""Targets against results across documents and years: the ledger behind `plansum track`.

Each document is summarized on its own (rules, model or replayed model); every tracked number
of every indicator becomes a `Cell` that keeps its document, span, origin and check status.
Cells are aligned by region, a normalised indicator name, the measure (growth rate or level)
and the year (or the multi-year period) they are for.  Nothing is merged: two documents that
state different figures for the same slot stand side by side and the row says so.

How a target is judged against an actual (the rule `RULE` below is also written into every
ledger and into docs/track.md):

- An actual is read as an interval: a bare figure is a point, 超过/以上 an open upper end,
  低于/以内 an open lower end.  The verdict is *met* when the whole interval satisfies the
  target, *missed* when none of it does, otherwise *not yet known* (the bound cannot tell).
- For an indicator that should rise (most): 以上/不低于 (at_least) and a bare figure
  (exact) are floors: met when actual >= target; 超过/突破 (more_than) needs actual > target;
  a range 8~10 needs actual >= its lower end; 左右/约 (about) is met down to the target minus
  a tolerance, 0.5 percentage points for figures in % and 5 % of the target for other units;
  以内/以下/控制在 (at_most) and 低于 (less_than) are ceilings (actual <= / < target).
- For an indicator that should fall (失业率, 能耗, 排放, 浓度 …) the floors become ceilings:
  a bare figure or 以内 needs actual <= target, 左右 allows the tolerance above, 低于 needs
  actual < target; 以上 and 超过 stay floors.
- A change stated as a fall (下降3%) is negative, and its comparator turns with it
  (降低3%以上 is a change of at most -3 %).
- A target with no actual in the documents is *no result in the documents* when its year is
  one the documents could report on (up to the year before the latest document's), else *not
  yet known*; a slot whose sources disagree on the verdict is *disputed*.
- A five-year (period) growth target is held against the annual chain: the compounded average
  of the annual actuals of the years in the period.  It is met or missed only when every
  year is known; until then the ledger shows the average so far and the yearly growth the
  remaining years need.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..models import (
    Comparator,
    PlanSummary,
)

if TYPE_CHECKING:
    from ..document import Document
    from ..pipeline import Engine
    from ..settings import Settings

from ..parse.docinfo import document_year
from ..parse.names import HEADLINE_KEYS
from .align import (
    _Placed,
    cells_of,
)
from .judge import (
    _conflicts,
    _row_status,
    _same,
    judge,
)
from .models import (
    Cell,
    ChainLink,
    LedgerDocument,
    LedgerProvenance,
    LedgerRow,
    PeriodRow,
    RegionLedger,
    TrackLedger,
)

# ---------------------------------------------------------------------------------------------
# The ledger


@dataclass
class TrackInput:
    """One document ready for the ledger: its summary and the text its spans index."""

    name: str
    summary: PlanSummary
    text: str
    region: str | None = None


def _order(c: Cell, docs: dict[str, int]) -> tuple[int, int]:
    return docs.get(c.document, 0), c.span.start


def _chain(
    region: str, key: str, start: int, end: int, rows: dict[tuple[Any, ...], LedgerRow]
) -> list[ChainLink]:
    links = []
    for y in range(start, end + 1):
        row = rows.get((region, key, "growth", "%", y))
        link = ChainLink(year=y)
        if row is not None:
            if row.actuals:
                a = row.actuals[0]
                link.actual, link.document, link.span = a.value, a.document, a.span
                link.others = list(
                    dict.fromkeys(c.value for c in row.actuals if c.value != a.value)
                )
            if row.targets:
                link.target = row.targets[0].raw
        links.append(link)
    return links


def _period_growth(p: PeriodRow, rows: dict[tuple[Any, ...], LedgerRow]) -> None:
    p.chain = _chain(p.region, p.indicator, p.start, p.end, rows)
    known = [lk.actual for lk in p.chain if lk.actual is not None]
    n = p.end - p.start + 1
    p.years_known = len(known)
    if known:
        prod = math.prod(1 + g / 100 for g in known)
        p.average_so_far = round((prod ** (1 / len(known)) - 1) * 100, 2)
    if p.actuals and not p.targets:
        p.status = "no_target"
        p.reason = "a result for the period, no target for it in these documents"
        return
    if not p.targets:
        p.status, p.reason = "no_target", "annual chain only"
        return
    verdicts = set()
    reasons = []
    distinct: list[Cell] = []
    for t in p.targets:
        if not any(_same(t, d) for d in distinct):
            distinct.append(t)
    for t in distinct:
        if p.actuals:
            for a in p.actuals:
                v, r = judge(t, a, p.direction)
                verdicts.add(v)
                reasons.append(r)
            continue
        if len(known) == n:
            avg = Cell.model_validate(
                {
                    **p.targets[0].model_dump(),
                    "value": p.average_so_far,
                    "raw": f"{p.average_so_far:g}%",
                    "comparator": Comparator.exact,
                    "upper": None,
                    "role": "actual",
                }
            )
            v, r = judge(t, avg, p.direction)
            verdicts.add(v)
            reasons.append(f"compounded annual average {r}")
        else:
            verdicts.add("not_yet_known")
            goal = (1 + t.value / 100) ** n
            if known:
                rest = n - len(known)
                need = ((goal / math.prod(1 + g / 100 for g in known)) ** (1 / rest) - 1) * 100
                p.needed_for_rest = round(need, 2)
                reasons.append(
                    f"{len(known)} of {n} years known, average so far {p.average_so_far:g}%; "
                    f"the other {rest} need {p.needed_for_rest:g}% a year to reach {t.raw}"
                )
            else:
                reasons.append(f"0 of {n} years known")
    p.status = next(iter(verdicts)) if len(verdicts) == 1 else "disputed"
    torn = [lk for lk in p.chain if lk.others]
    if torn:
        # the chain used each year's first actual; the others could change the verdict
        if p.status in ("met", "missed"):
            p.status = "disputed"
        reasons += [
            f"{lk.year} has differing actuals {lk.actual:g}% and "
            + ", ".join(f"{v:g}%" for v in lk.others)
            + f"; the chain uses {lk.actual:g}% ({lk.document})"
            for lk in torn
        ]
    p.reason = "; ".join(dict.fromkeys(reasons))


def _ledger_document(it: TrackInput) -> LedgerDocument:
    info = it.summary.document
    return LedgerDocument(
        name=it.name,
        title=info.display_title or info.title,
        doc_type=info.doc_type,
        region=it.region or info.region,
        period=info.period,
        date=info.date,
        mode=it.summary.provenance.mode,
        chars=len(it.text),
    )


Slots = dict[tuple[Any, ...], list[_Placed]]


def _slots(placed: list[_Placed]) -> tuple[Slots, Slots]:
    """Cells grouped into annual slots (region, key, measure, unit, year) and period slots
    (…, start, end); a level at the end of a period is that year's."""
    annual: Slots = defaultdict(list)
    period: Slots = defaultdict(list)
    for pl in placed:
        w = pl.when
        if w.start == w.end and not w.average:
            annual[(pl.region, pl.key, pl.measure, pl.unit, w.start)].append(pl)
        elif _end_of_period_level(pl):
            annual[(pl.region, pl.key, pl.measure, pl.unit, w.end)].append(pl)
        else:
            measure = (
                "average_growth"
                if pl.measure == "growth" and w.average
                else "cumulative_growth"
                if pl.measure == "growth"
                else pl.measure
            )
            period[(pl.region, pl.key, measure, pl.unit, w.start, w.end)].append(pl)
    return annual, period


def _sides(pls: list[_Placed], docs: dict[str, int]) -> tuple[list[Cell], list[Cell]]:
    """A slot's targets and actuals, each in document order."""
    targets = sorted(
        (p.cell for p in pls if p.cell.role == "target"), key=lambda c: _order(c, docs)
    )
    actuals = sorted(
        (p.cell for p in pls if p.cell.role == "actual"), key=lambda c: _order(c, docs)
    )
    return targets, actuals


def track_inputs(inputs: Iterable[TrackInput], *, include_other: bool = False) -> TrackLedger:
    """The ledger of already summarized documents (any path: rules, model, replay).

    Headline indicators (GDP, industry, investment, retail, revenue, incomes, urbanisation,
    jobs, unemployment, grain) are always aligned; with `include_other` any other indicator
    whose normalised name two documents share is aligned too (noisier: names the rules cut
    from running text match less reliably).
    """
    items = list(inputs)
    docs = {it.name: i for i, it in enumerate(items)}
    placed: list[_Placed] = []
    unplaced = 0
    documents = []
    for it in items:
        p, u = cells_of(it.summary, it.text, it.name, it.region)
        placed += p
        unplaced += u
        documents.append(_ledger_document(it))
    annual, period = _slots(placed)
    # The last year whose results the documents could hold: the year before the latest one
    # they speak from (a 2026 report reviews 2025).
    years = [y for it in items if (y := document_year(it.summary.document)) is not None]
    reach = max(years) - 1 if years else None
    keep = _worth_keeping(annual, period, include_other)
    rows: dict[tuple[Any, ...], LedgerRow] = {}
    for k, pls in annual.items():
        if (k[0], k[1]) not in keep:
            continue
        first = pls[0]
        targets, actuals = _sides(pls, docs)
        status, assessments = _row_status(targets, actuals, first.direction, k[4], reach)
        rows[k] = LedgerRow(
            region=first.region,
            indicator=first.key,
            label=first.label,
            measure=first.measure,  # type: ignore[arg-type]
            unit=first.unit,
            direction=first.direction,
            year=k[4],
            targets=targets,
            actuals=actuals,
            assessments=assessments,
            status=status,
            conflicts=_conflicts(targets, "targets") + _conflicts(actuals, "actuals"),
        )
    periods: list[PeriodRow] = []
    for k, pls in period.items():
        if (k[0], k[1]) not in keep:
            continue
        first = pls[0]
        targets, actuals = _sides(pls, docs)
        pr = PeriodRow(
            region=first.region,
            indicator=first.key,
            label=first.label,
            measure=k[2],
            unit=first.unit,
            direction=first.direction,
            start=k[4],
            end=k[5],
            targets=targets,
            actuals=actuals,
            status="not_yet_known",
            conflicts=_conflicts(targets, "targets") + _conflicts(actuals, "actuals"),
        )
        if pr.measure == "average_growth":
            _period_growth(pr, rows)
        else:
            st, assessments = _row_status(targets, actuals, first.direction)
            pr.status = st
            pr.reason = "; ".join(a.reason for a in assessments)
        periods.append(pr)
    rank = {k: i for i, k in enumerate(HEADLINE_KEYS)}
    by_region: dict[str, RegionLedger] = {}
    for r in sorted(
        rows.values(),
        key=lambda r: (rank.get(r.indicator, 99), r.indicator, r.measure, r.unit, r.year),
    ):
        by_region.setdefault(r.region, RegionLedger(region=r.region)).rows.append(r)
    for pr in sorted(
        periods, key=lambda x: (rank.get(x.indicator, 99), x.indicator, x.start, x.measure)
    ):
        by_region.setdefault(pr.region, RegionLedger(region=pr.region)).periods.append(pr)
    order = list(dict.fromkeys(d.region or "?" for d in documents))
    regions = sorted(
        by_region.values(), key=lambda rl: order.index(rl.region) if rl.region in order else 99
    )
    return TrackLedger(
        documents=documents,
        regions=regions,
        headline=HEADLINE_KEYS,
        unplaced=unplaced,
        provenance=LedgerProvenance(plansum_version=__version__),
    )


# Headline indicators counted over a period (新增就业 6.9万人 in five years), not a level at its end.
_FLOWS = {"new_urban_jobs"}


def _end_of_period_level(pl: _Placed) -> bool:
    """A headline level target set for a period (十五五 城镇化率 60%) is for its last year."""
    return (
        pl.headline
        and pl.measure == "level"
        and pl.cell.role == "target"
        and not pl.when.average
        and pl.key not in _FLOWS
    )


def _worth_keeping(
    annual: dict[tuple[Any, ...], list[_Placed]],
    period: dict[tuple[Any, ...], list[_Placed]],
    include_other: bool,
) -> set[tuple[str, str]]:
    """Headline indicators always; others when two documents state them (the rest is noise)."""
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    headline: set[tuple[str, str]] = set()
    for group in (annual, period):
        for k, pls in group.items():
            for p in pls:
                docs[(k[0], k[1])].add(p.cell.document)
                if p.headline:
                    headline.add((k[0], k[1]))
    if not include_other:
        return headline
    # very short names (投资, 项目) are cut from running text and say too little to align
    return headline | {k for k, d in docs.items() if len(d) >= 2 and len(k[1]) >= 4}


_READABLE = {".txt", ".pdf", ".docx", ".html", ".htm"}  # what a directory is searched for


def _files(paths: Sequence[str | Path]) -> list[Path | str]:
    """The documents named: files, the readable files of directories, and http(s) URLs."""
    from ..errors import PlansumError
    from ..formats import is_url

    out: list[Path] = []
    urls: list[str] = []
    for given in paths:
        if is_url(given):
            urls.append(str(given))
            continue
        p = Path(given)
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.suffix.lower() in _READABLE)
            if not found:
                raise PlansumError(
                    f"{p} holds no documents (.txt, .pdf, .docx, .html); pass files or a "
                    "directory of them"
                )
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise PlansumError(f"{p} does not exist")
    if not out and not urls:
        raise PlansumError("no documents given; pass files, a directory or http(s) URLs")
    unique: list[Path | str] = list({p.resolve(): p for p in out}.values())  # named twice: once
    unique += list(dict.fromkeys(urls))
    names = [_name(p) for p in unique]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise PlansumError(
            f"two documents share the name {twice[0]}; the ledger cites documents by file name"
        )
    return unique


def _name(source: Path | str) -> str:
    """How the ledger cites a document: its file name, or the whole URL it was fetched from."""
    return source.name if isinstance(source, Path) else source


Summarizer = Callable[["Document"], PlanSummary]


def load_inputs(
    paths: str | Path | Sequence[str | Path],
    *,
    engine: Engine = "auto",
    settings: Settings | None = None,
    offline: bool = False,
    summarize: Summarizer | None = None,
) -> list[TrackInput]:
    """Load and summarize each document (files, or directories of .txt/.pdf/.docx/.html files).

    engine as in `plansum.summarize` (auto: hybrid when `settings` names a model, else the
    rules); `offline=True` is engine "rules".  `summarize`, when given, is called with each
    `Document` instead (the CLI passes the cassette replay for `--replay`).
    """
    from ..document import Document

    if summarize is None:
        from ..pipeline import summarize_document

        chosen: Engine = "rules" if offline else engine

        def summarize(doc: Document) -> PlanSummary:
            return summarize_document(doc, engine=chosen, settings=settings)

    files = _files([paths] if isinstance(paths, str | Path) else list(paths))
    inputs = []
    for f in files:
        doc = Document.load(f)
        inputs.append(TrackInput(name=_name(f), summary=summarize(doc), text=doc.text))
    return inputs


def track(
    paths: str | Path | Sequence[str | Path],
    *,
    engine: Engine = "auto",
    settings: Settings | None = None,
    offline: bool = False,
    summarize: Summarizer | None = None,
    include_other: bool = False,
) -> TrackLedger:
    """Summarize each document and build the ledger of targets against results.

    With no model configured (or `offline=True`) every document goes the rules path; with
    `settings` naming a model, the hybrid (or `engine=`); `summarize` replaces both (any
    callable from a `Document` to a `PlanSummary`).  See the module docstring for how targets
    are judged.
    """
    inputs = load_inputs(
        paths, engine=engine, settings=settings, offline=offline, summarize=summarize
    )
    return track_inputs(inputs, include_other=include_other)
