"""Running the pipeline over a corpus in each mode and scoring it against gold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CassetteError, InputError
from ..models import PlanSummary
from .gold import load_gold_dir
from .metrics import DocResult, metrics, score_document

MODES = ("rules", "llm", "hybrid")


def default_corpus_dir() -> Path:
    """`tests/fixtures/corpus` of the source checkout in the current directory."""
    return Path("tests") / "fixtures" / "corpus"


def default_gold_dir() -> Path:
    return Path("tests") / "fixtures" / "gold"


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
    from ..replay.cassettes import META_FILE, cassette_name

    docs = sorted(documents)
    if not (Path(cassette_dir) / META_FILE).is_file():
        return docs
    return [d for d in docs if not (Path(cassette_dir) / cassette_name(d)).is_file()]


def _cassette_error(missing: list[str], total: int, cassette_dir: Path) -> CassetteError:
    from ..replay.cassettes import META_FILE, RECORD_HINT

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
    from .. import replay
    from ..pipeline import summarize

    if mode == "rules":
        return summarize(text, engine="rules", name=document, encoding=encoding)
    try:
        return replay.summarize_replay(
            text,
            document,
            cassette_dir=cassette_dir,
            engine=mode,  # type: ignore[arg-type]
            encoding=encoding,
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
    from .._version import __version__
    from ..parse.loading import load_file
    from ..replay.cassettes import RecordingMeta, default_dir

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
