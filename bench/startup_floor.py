#!/usr/bin/env python3
"""What a `plansum summarize` start-up is made of (issue 22): each step a fresh process.

    python bench/startup_floor.py [--runs 11] [--src src]

Runs, alternately, `python -c pass`, the imports of typer and of pydantic (what any model
needs), both, then plansum's models, its modules, and the whole command on the 1 KB fixture,
and prints the median CPU seconds (user + system) of each with its ratio to `python -c pass`.
The rows are cumulative: each difference is what that step adds.  PYDANTIC_DISABLE_PLUGINS is
set for every row, as the command sets it for itself.  No assertions.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "fixtures" / "corpus" / "lanxi_news_2026.txt"
PYDANTIC = ("pydantic.main, pydantic.fields, pydantic.types, pydantic.json_schema, "
            "pydantic._internal._generate_schema, pydantic.plugin._loader")
STEPS = {
    "python -c pass": ["-c", "pass"],
    "import typer": ["-c", "import typer"],
    "import pydantic (models' needs, plugin loader)": ["-c", f"import {PYDANTIC}"],
    "both (and typer._adapters)": ["-c", f"import typer, typer._adapters, {PYDANTIC}"],
    "+ plansum.models": ["-c", "import typer, typer._adapters, plansum.models"],
    "+ plansum.pipeline, .render, .cli": ["-c", "import typer, typer._adapters, plansum.pipeline, plansum.render, plansum.cli"],
    "plansum summarize 1 KB --offline": ["-m", "plansum.cli", "summarize", str(SMALL), "--offline", "-o",
                                         str(Path(tempfile.gettempdir()) / "plansum-startup-floor.md")],
}


def cpu(args: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--src", type=Path, default=ROOT / "src")
    a = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(a.src.resolve()), "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    for args in STEPS.values():  # warm: page cache, __pycache__
        cpu(args, {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"})
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    got: dict[str, list[float]] = {k: [] for k in STEPS}
    for _ in range(a.runs):
        for name, args in STEPS.items():
            got[name].append(cpu(args, env))
    base = statistics.median(got["python -c pass"])
    print(f"| step | CPU ms (median of {a.runs}) | min | × python -c pass |\n| --- | --- | --- | --- |")
    for name, v in got.items():
        print(f"| {name} | {statistics.median(v) * 1000:.0f} | {min(v) * 1000:.0f} | {statistics.median(v) / base:.1f}× |")
    print(f"load {[round(x, 2) for x in os.getloadavg()]}")


if __name__ == "__main__":
    main()
