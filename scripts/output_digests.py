"""Digests of every output of every seed and fixture, in every mode and format.

A refactor must leave them byte-identical; a change to extraction changes them on purpose,
and `python scripts/output_digests.py --write` records the new digests so that the diff of
tests/fixtures/output_digests.json shows which outputs moved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = ROOT / "tests" / "fixtures" / "output_digests.json"
FORMATS = ("markdown", "json", "csv", "html")


def documents(seeds: Path | None) -> list[Path]:
    docs = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.txt"))
    if seeds is not None and seeds.is_dir():
        docs += sorted(seeds.glob("*.txt"))
    return docs


def digests(seeds: Path | None) -> dict[str, str]:
    import logging

    quiet = logging.getLogger("instructor")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)  # replayed re-asks log at ERROR
    try:
        return _digests(seeds)
    finally:
        quiet.setLevel(level)  # in-process callers (the tests) keep their logging


def _digests(seeds: Path | None) -> dict[str, str]:
    from plansum.parse.loading import load_file
    from plansum.pipeline import summarize
    from plansum.render import render
    from plansum.replay import summarize_replay

    out: dict[str, str] = {}
    for p in documents(seeds):
        doc = load_file(p)
        runs = {"rules": summarize(doc.text, engine="rules", encoding=doc.encoding)}
        if (ROOT / "cassettes" / (p.stem + ".yaml")).is_file():
            for mode in ("llm", "hybrid"):
                runs[mode] = summarize_replay(doc.text, p.name, engine=mode, encoding=doc.encoding)
        for mode, summary in runs.items():
            for fmt in FORMATS:
                data = render(summary, doc.text, fmt)
                raw = data.encode("utf-8") if isinstance(data, str) else data
                out[f"{p.name}|{mode}|{fmt}"] = hashlib.sha256(raw).hexdigest()[:16]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write", action="store_true", help="record the digests")
    ap.add_argument("--seeds", type=Path, default=Path(os.environ.get("PLANSUM_SEEDS", ROOT.parent / "shared" / "seeds")))
    a = ap.parse_args()
    now = digests(a.seeds)
    if a.write:
        DIGESTS.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {len(now)} digests to {DIGESTS}")
        return 0
    old = json.loads(DIGESTS.read_text(encoding="utf-8"))
    moved = sorted(k for k in now if old.get(k) != now[k])
    for k in moved:
        print("changed:", k)
    print(f"{len(now) - len(moved)} of {len(now)} outputs unchanged")
    return 1 if moved else 0


if __name__ == "__main__":
    sys.exit(main())
