"""Time and peak memory of the rules path on large inputs (issue 13, item 10).

Builds a document of N MB by repeating the fixture corpus (each copy with its own numbers
shifted, so that nothing is deduplicated away), then runs `plansum summarize --offline -f
json -o out.json` in a fresh process per size and prints wall seconds, peak RSS and the
size of the JSON written.  No assertions: the figures go to docs/reliability.md.

    python bench/large_input.py            # 5, 20 and 50 MB
    python bench/large_input.py 1 2 4      # other sizes (MB)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def build(path: Path, megabytes: float) -> int:
    parts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")) if "gbk" not in p.name]
    unit = "\n".join(parts) + "\n"
    want = int(megabytes * 1_000_000)
    with path.open("w", encoding="utf-8") as f:
        written = 0
        k = 0
        while written < want:
            block = unit.replace("2025", str(2025 + k % 7))
            data = block.encode("utf-8")
            f.write(block)
            written += len(data)
            k += 1
    return path.stat().st_size


def run(doc: Path, out: Path) -> tuple[float, int, int]:
    # PLANSUM_BENCH_SRC: another source tree to measure (e.g. an export of the code before a fix)
    env = {**os.environ, "PYTHONPATH": os.environ.get("PLANSUM_BENCH_SRC", str(ROOT / "src"))}
    t0 = time.perf_counter()
    code = (
        "import resource, sys; from plansum.cli import main; sys.argv = sys.argv[1:];\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
        "print('maxrss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, "plansum", "summarize", str(doc), "--offline", "-f", "json", "-o", str(out)],
        env=env, capture_output=True, text=True,
    )
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    rss_kb = int(next(ln.split()[1] for ln in r.stderr.splitlines() if ln.startswith("maxrss_kb")))
    return wall, rss_kb * 1024, out.stat().st_size


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=float, default=[5, 20, 50], help="input sizes in MB")
    sizes = ap.parse_args().sizes
    print(f"{'input MB':>9} {'seconds':>8} {'s/MB':>6} {'peak RSS MB':>12} {'RSS/input':>9} {'JSON MB':>8}")
    with tempfile.TemporaryDirectory() as d:
        for mb in sizes:
            doc, out = Path(d) / f"doc{mb}.txt", Path(d) / f"doc{mb}.json"
            size = build(doc, mb)
            wall, rss, js = run(doc, out)
            print(
                f"{size / 1e6:9.1f} {wall:8.1f} {wall / (size / 1e6):6.2f} {rss / 1e6:12.0f} "
                f"{rss / size:9.1f} {js / 1e6:8.1f}",
                flush=True,
            )
            doc.unlink()
            out.unlink()


if __name__ == "__main__":
    main()
