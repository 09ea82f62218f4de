"""The adversarial sweep: a simulated model driven by gold, corrupted at several rates.

    python bench/adversarial.py [--rates 0,0.1,0.3,0.6,1] [--seed 0] [--seeds ../shared/seeds]

Prints a Markdown table: the rules, then the hybrid at each corruption rate (indicator F1,
precision, recall, value / role / name / year / kind agreement), the number of corrupted
facts the simulated model wrote and how many of them reached the summary shown as verified
(the goal is 0 at every rate).  Offline and deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plansum.eval.corruptions import KINDS
from plansum.eval.sweep import load_corpus, render_sweep, sweep

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="0,0.1,0.3,0.6,1")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--mode", default="tools")
    ap.add_argument("--answer", default="full", help="full | compact")
    ap.add_argument("--roles", default="system", help="system | user")
    ap.add_argument("--by-kind", action="store_true", help="also print leaks per corruption kind")
    args = ap.parse_args()
    docs = load_corpus(
        [
            (ROOT / "tests" / "fixtures" / "corpus", ROOT / "tests" / "fixtures" / "gold"),
            (args.seeds, ROOT / "tests" / "gold" / "seeds"),
        ]
    )
    rates = [float(r) for r in args.rates.split(",")]
    overrides = {"answer": args.answer, "roles": args.roles}
    rows = sweep(
        docs,
        rates,
        seed=args.seed,
        kinds=args.kinds.split(","),
        mode=args.mode,
        settings_overrides=overrides,
    )
    print(f"{len(docs)} documents, seed {args.seed}, {args.answer} answer, {args.roles} roles\n")
    sys.stdout.write(render_sweep(rows))
    if args.by_kind:
        for row in rows:
            print(
                f"rate {row.rate:g}: corrupted {row.corrupted_by_kind}; shown verified {row.leaked_by_kind}"
            )


if __name__ == "__main__":
    main()
