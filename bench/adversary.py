"""The request-only adversary (issue 21) against the hybrid path: kind × rate × answer format.

    python bench/adversary.py [--rates 0.3,1] [--answers full,compact] [--kinds ...]
                              [--docs qinglan_annual_2024,...] [--seeds 001,004] [--examples]

Prints a Markdown table: for each answer format the honest run (rate 0: fields given and
how many the checks refused), then per corruption kind and rate the corrupted items and
sentences and how many of them a summary shows as checked (the goal is 0 everywhere).
Offline and deterministic for a given seed; the seeds are read from ../shared/seeds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from plansum.eval.adversary import KINDS, render_sweep, sweep
from plansum.parse.loading import load_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
SEEDS = Path(os.environ.get("PLANSUM_SEEDS", ROOT.parent / "shared" / "seeds"))  # as tests/conftest.py


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="0.3,1")
    ap.add_argument("--answers", default="full,compact")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--docs", default="qinglan_annual_2024,songqiao_work_report_2026,lanxi_annual_2025")
    ap.add_argument("--seeds", default="001,004")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--examples", action="store_true", help="list the lies shown and the refusals")
    args = ap.parse_args()
    docs = {f"{d}.txt": load_file(FIXTURES / f"{d}.txt").text for d in args.docs.split(",") if d}
    for s in (x for x in args.seeds.split(",") if x):
        p = next(SEEDS.glob(f"{s}_*.txt"))
        docs[p.name] = load_file(p).text
    t0 = time.perf_counter()
    cells = sweep(docs, kinds=args.kinds.split(","), rates=[float(r) for r in args.rates.split(",")],
                  answers=args.answers.split(","), seed=args.seed)
    print(f"{len(docs)} documents ({', '.join(docs)}), seed {args.seed}, {time.perf_counter() - t0:.0f} s\n")
    sys.stdout.write(render_sweep(cells))
    items = sum(c.exposed_items for c in cells)
    prose = sum(c.exposed_prose for c in cells)
    print(f"\ntotal shown verified: {items} items, {prose} sentences")
    if args.examples:
        for c in cells:
            for e in c.examples:
                print(f"shown: {c.answer} {c.kind} {c.rate:g}: {e}")
            if c.kind == "none":
                for r in c.refused:
                    print(f"refused at rate 0 ({c.answer}): {r}")


if __name__ == "__main__":
    main()
