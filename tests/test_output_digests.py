"""Every output of every seed and fixture, in every mode and format, matches its recorded digest.

A refactor must not move a byte; a change that does on purpose re-records the digests with
`python scripts/output_digests.py --write`, so that the diff names the outputs that moved.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from conftest import ROOT, seeds_dir


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("output_digests", ROOT / "scripts" / "output_digests.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_outputs_match_recorded_digests() -> None:
    mod = _script()
    recorded = json.loads(Path(mod.DIGESTS).read_text(encoding="utf-8"))
    seeds = seeds_dir()
    now = mod.digests(seeds if seeds.is_dir() else None)
    assert now, "no document was summarized"
    moved = sorted(k for k in now if recorded.get(k) != now[k])
    assert not moved, f"{len(moved)} outputs changed (re-record with scripts/output_digests.py --write if on purpose): {moved[:10]}"
