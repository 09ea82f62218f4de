"""List indicator names that break the naming convention (plansum.eval.names) on real text.

    python bench/name_check.py [DIR ...]      # default: ../shared/seeds ../shared/realdocs

Runs the rules path over every *.txt of the directories and prints each name read from a
sentence that starts with a particle or a verb of doing, or ends in a tail of the sentence, with
the rule it breaks and the number it names; then the count per directory.  Table rows are left
out: their name is the document's own 指标 cell.  Exit 0 always: this is a listing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from plansum.eval.names import name_problems
from plansum.models import CheckCause
from plansum.parse.loading import load_file
from plansum.pipeline import summarize

ROOT = Path(__file__).resolve().parents[1]
# PLANSUM_SEEDS / PLANSUM_REALDOCS as the tests read them, else ../shared next to the checkout.
DEFAULT = [
    Path(os.environ.get("PLANSUM_SEEDS") or ROOT.parent / "shared" / "seeds"),
    Path(os.environ.get("PLANSUM_REALDOCS") or ROOT.parent / "shared" / "realdocs"),
]


def check_dir(directory: Path) -> tuple[int, list[str]]:
    total = 0
    found: list[str] = []
    for path in sorted(directory.glob("*.txt")):
        doc = load_file(path)
        summary = summarize(doc.text, engine="rules", name=path.name, encoding=doc.encoding)
        for ind in summary.indicators:
            if ind.check.cause is CheckCause.table_row:
                continue  # a table row keeps its 指标 cell as the document wrote it
            total += 1
            problems = name_problems(ind.name)
            if problems:
                head = ind.headline()
                value = head.raw if head is not None else ind.target_text or ""
                found.append(f"{path.name}: {ind.name} {value} — {'; '.join(problems)}")
    return total, found


def main(argv: list[str]) -> int:
    dirs = [Path(a) for a in argv] or [d for d in DEFAULT if d.is_dir()]
    t0 = time.perf_counter()
    summary = []
    for d in dirs:
        total, found = check_dir(d)
        for line in found:
            print(line)
        summary.append(f"{d.name}: {len(found)} of {total} names break the convention")
    for line in summary:
        print(line)
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
