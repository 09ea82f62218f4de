"""Cutting indicator names: the hand rules against a part-of-speech segmenter, on the real gold.

    python bench/segmenter_names.py            # needs ../shared/{realdocs,seeds}; jieba / rjieba if installed

For each way of cutting a name to its noun phrase, the rules path runs over the real documents
that have gold (tests/gold/realdocs, tests/gold/seeds) with `rules.indicators._noun_phrase`
replaced, and the script prints exact-name agreement on the complete gold, precision and recall,
names that break the convention (plansum.eval.names) over every realdocs and seed output, the
time of the run and the segmenter's load time and installed size.

Two segmenter variants per library: "tags" keeps the hand rules' lexical list where a tag cannot
decide (which verbs of doing are dropped: 累计接待游客 → 接待游客 but 新建乡村公路 stays) and uses
the tags for the rest (leading prepositions, conjunctions, adverbs, particles and pronouns;
trailing particles, adverbs, numerals and verbs); "+hand" runs the hand rules first and then drops
any function word the tags still find at either end.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from plansum.eval.metrics import metrics
from plansum.eval.names import name_problems
from plansum.eval.run import evaluate
from plansum.models import CheckCause
from plansum.parse.loading import load_file
from plansum.pipeline import summarize
from plansum.rules import indicators

ROOT = Path(__file__).resolve().parents[1]
SHARED = {
    "realdocs": Path(os.environ.get("PLANSUM_REALDOCS") or ROOT.parent / "shared" / "realdocs"),
    "seeds": Path(os.environ.get("PLANSUM_SEEDS") or ROOT.parent / "shared" / "seeds"),
}

Tagger = Callable[[str], list[tuple[str, str]]]

_LEAD_TAGS = ("p", "c", "d", "u", "r")
_TAIL_TAGS = ("u", "d", "p", "c", "y", "m", "v")


def _tagged_cutter(tag: Tagger) -> Callable[[str], str]:
    hand = indicators._noun_phrase

    def cut(name: str) -> str:
        words = tag(name)
        # leading function words by tag, leading verbs of doing by the hand list
        while len(words) > 1 and (
            words[0][1].startswith(_LEAD_TAGS) or indicators._LEAD_DOING.fullmatch(words[0][0])
        ):
            words = words[1:]
        while len(words) > 1 and words[-1][1].startswith(_TAIL_TAGS):
            words = words[:-1]
        s = "".join(w for w, _ in words).strip(indicators._EDGE)
        if len(s) < 2:
            return hand(name)
        return indicators._balance(s)

    return cut


_FUNCTION_TAIL = ("u", "y", "c", "p")


def _hand_then_tags(tag: Tagger) -> Callable[[str], str]:
    """The hand rules first, then any function word the tags still find at either end."""
    hand = indicators._noun_phrase

    def cut(name: str) -> str:
        s = hand(name)
        words = tag(s)
        while len(words) > 1 and words[0][1].startswith(("p", "c", "u", "d")):
            words = words[1:]
        while len(words) > 1 and words[-1][1].startswith(_FUNCTION_TAIL):
            words = words[:-1]
        t = "".join(w for w, _ in words).strip(indicators._EDGE)
        return indicators._balance(t) if len(t) >= 2 else s

    return cut


def _jieba() -> tuple[Tagger, float, str]:
    t0 = time.perf_counter()
    import jieba
    import jieba.posseg as posseg

    jieba.setLogLevel(60)
    posseg.lcut("预热")  # loads the dictionary
    load = time.perf_counter() - t0
    return (lambda s: [(w.word, w.flag) for w in posseg.lcut(s)]), load, _size("jieba")


def _rjieba() -> tuple[Tagger, float, str]:
    t0 = time.perf_counter()
    import rjieba

    rjieba.tag("预热")
    load = time.perf_counter() - t0
    return (lambda s: list(rjieba.tag(s))), load, _size("rjieba")


def _size(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "?"
    root = Path(spec.origin).parent
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return f"{total / 1e6:.1f} MB"


def _names_breaking() -> tuple[int, int]:
    bad = total = 0
    for d in SHARED.values():
        for path in sorted(d.glob("*.txt")):
            doc = load_file(path)
            s = summarize(doc.text, engine="rules", name=path.name, encoding=doc.encoding)
            for i in s.indicators:
                if i.check.cause is CheckCause.table_row:
                    continue
                total += 1
                bad += bool(name_problems(i.name))
    return bad, total


def measure(label: str, cutter: Callable[[str], str], load: float, size: str) -> str:
    original = indicators._noun_phrase
    indicators._noun_phrase = cutter
    try:
        t0 = time.perf_counter()
        rows = []
        for corpus in ("realdocs", "seeds"):
            mode = evaluate(SHARED[corpus], ROOT / "tests" / "gold" / corpus, ["rules"]).mode("rules")
            mt = metrics([r for r in mode.documents if r.indicators_complete])
            rows.append(
                f"{corpus} name= {mt['name_exactness']:.3f} P {mt['precision']:.3f} "
                f"R {mt['recall']:.3f}"
            )
        run = time.perf_counter() - t0
        bad, total = _names_breaking()
    finally:
        indicators._noun_phrase = original
    return (
        f"{label:8} | {' | '.join(rows)} | breaking {bad}/{total} | eval run {run:.1f} s | "
        f"load {load:.2f} s | size {size}"
    )


def main() -> int:
    missing = [str(d) for d in SHARED.values() if not d.is_dir()]
    if missing:
        print(f"corpus not found: {missing}", file=sys.stderr)
        return 2
    print(measure("hand", indicators._noun_phrase, 0.0, "0 (no dependency)"))
    for label, loader in (("jieba", _jieba), ("rjieba", _rjieba)):  # "tags" rows carry the bare label
        try:
            tag, load, size = loader()
        except ImportError:
            print(f"{label:8} | not installed")
            continue
        print(measure(label, _tagged_cutter(tag), load, size))
        print(measure(label + "+hand", _hand_then_tags(tag), load, size))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
