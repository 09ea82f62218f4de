#!/usr/bin/env python3
"""Reader-grade checks on the rules path's indicators (issue 11): names, years, declines.

    PYTHONPATH=src python bench/indicator_quality.py [--list] [FILES...]

Default files: the seeds (../shared/seeds) and tests/fixtures/corpus.  For each document and
overall it prints: indicators, names starting with punctuation, names of <= 2 characters,
names with unbalanced quotes, the share with a year or period, and declines (a 下降/降低/
减少/回落 right before a growth number) that do not carry direction "down".
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (ROOT / ".." / "shared" / "seeds").resolve()
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
_DECLINE = re.compile(r"(?:下降|降低|减少|回落|压减|缩减|削减|减排|下调)(?:了)?(?:约|近|超过|不低于|控制在)?$")
_QUOTES = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("【", "】"))


def _starts_with_punct(name: str) -> bool:
    return bool(name) and unicodedata.category(name[0]).startswith(("P", "S"))


def _unbalanced(name: str) -> bool:
    return any(name.count(a) != name.count(b) for a, b in _QUOTES) or name.count('"') % 2 == 1


def measure(path: Path, listing: bool) -> dict[str, int]:
    from plansum import pipeline
    from plansum.parse.loading import load_file

    doc = load_file(path)
    s = pipeline.summarize(doc.text, engine="rules", encoding=doc.encoding)
    text = doc.text
    c = dict(n=0, punct=0, short=0, quotes=0, dated=0, declines=0, unsigned=0)
    for ind in s.indicators:
        c["n"] += 1
        bad = []
        if _starts_with_punct(ind.name):
            c["punct"] += 1
            bad.append("punct")
        if len(ind.name) <= 2:
            c["short"] += 1
            bad.append("short")
        if _unbalanced(ind.name):
            c["quotes"] += 1
            bad.append("quotes")
        if getattr(ind, "year", None) is not None or getattr(ind, "period", None) is not None:
            c["dated"] += 1
        else:
            bad.append("no year")
        for g in {id(q): q for q in (ind.growth, ind.headline()) if q is not None}.values():
            if g.span is None:
                continue
            before = text[max(0, g.span.start - 8) : g.span.start]
            if _DECLINE.search(before):
                c["declines"] += 1
                if getattr(ind, "direction", None) != "down":
                    c["unsigned"] += 1
                    bad.append("unsigned decline")
                break
        if listing and bad:
            ctx = text[max(0, ind.span.start - 20) : ind.span.end + 2].replace("\n", "⏎")
            print(f"  {path.name[:12]} {','.join(bad):18} {ind.name!r} | {ctx}")
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--list", action="store_true", help="list every offending indicator")
    args = ap.parse_args(argv)
    files = args.files or sorted(SEEDS.glob("*.txt")) + sorted(FIXTURES.glob("*.txt"))
    total: dict[str, int] = {}
    print("| document | indicators | punct. start | <=2 chars | unbalanced quotes | year/period | declines | unsigned |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def row(name: str, c: dict[str, int]) -> str:
        n = max(c["n"], 1)
        return (
            f"| {name} | {c['n']} | {c['punct']} | {c['short']} ({c['short'] / n:.1%}) | {c['quotes']} "
            f"| {c['dated'] / n:.1%} | {c['declines']} | {c['unsigned']} |"
        )

    for f in files:
        c = measure(f, args.list)
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
        print(row(f.name, c))
    print(row("**all**", total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
