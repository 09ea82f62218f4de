#!/usr/bin/env python3
"""The rules path against a bare-regex floor measured in the same run (issue 22).

Every figure is printed with its ratio to what the floor gives on the same text in the same
process, so that a loaded machine stretches both sides alike:

Copy k of the seeds has its numbers varied by k (`vary`; years kept, copy 0 as written), so a
repeated document does not collapse into the rows it already showed (drop_repeats).

seeds      the seed documents joined with "\\n", 8 copies (about 1 M characters):
           `summarize(text, engine="rules")` against `re.finditer(r"\\d+(?:\\.\\d+)?")` over the
           same text; best wall and best CPU of --repeat runs each (the floor 5 times as
           many, before and after); also the same 8 copies without the variation.
big        a document of --big-mb MB (copies of the joined seeds to that size, UTF-8), in a
           fresh process that does what `plansum summarize FILE --offline -f json -o OUT` does
           (load, summarize, stream the JSON to the file): chars/s of the summarize step against
           the seeds figure of the same run (wall and CPU), the floor over the same text in that
           process, peak RSS (ru_maxrss) against the file size.
oneline    the same with every newline of the joined seeds removed: one line of --big-mb MB.
startup    `plansum summarize SMALL --offline` (a 1 KB fixture) against `python -c pass`: median of
           --startup-runs whole processes each, run alternately.
split      CPU seconds of each step of the rules path on seeds x8 (after the layout move only).
procs      the same CPU-bound job (summarize the joined seeds N times) in one process, then split
           over two processes started at once: wall and CPU seconds of each, and the ratio of the
           walls; whether two cores were free is judged from the load average and from
           (CPU seconds of the two) / (wall of the two).

    python bench/speed.py                          # everything (a few minutes)
    python bench/speed.py --parts seeds,startup    # some parts
    python bench/speed.py --src /tmp/old/src       # another source tree (e.g. before a change)
    python bench/speed.py --json out.json          # also every figure as JSON

No assertions: the figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = next(
    (p.resolve() for p in (ROOT / ".." / "shared" / "seeds", ROOT / ".." / ".." / "shared" / "seeds") if p.is_dir()),
    Path("/work/shared/seeds"),
)
SMALL = ROOT / "tests" / "fixtures" / "corpus" / "lanxi_news_2026.txt"  # 1,011 bytes, fictional
FLOOR = r"\d+(?:\.\d+)?"
_NUMBER = re.compile(r"\d+")


def vary(text: str, k: int) -> str:
    """Copy k of `text`: the last two digits of every number other than a year moved by k
    (same length, same shapes), so that copies differ; copy 0 is `text`."""
    if k == 0:
        return text

    def one(m: re.Match[str]) -> str:
        s = m.group(0)
        if len(s) == 4 and s[:2] in ("19", "20"):
            return s
        d = list(s)
        d[-1] = str((int(d[-1]) + k) % 10)
        if len(d) >= 2 and d[-2] != "0":
            d[-2] = str((int(d[-2]) - 1 + k // 10) % 9 + 1)
        return "".join(d)

    return _NUMBER.sub(one, text)

# One child: the seeds x k against the regex floor, in the same process.
SEEDS_CHILD = r"""
import json, re, sys, time
from pathlib import Path
try:
    from plansum.parse.loading import load_file
except ImportError:  # a tree from before the layout move
    from plansum.loading import load_file
from plansum.pipeline import summarize
sys.path.insert(0, sys.argv[5])
from speed import vary
seeds = sorted(p for p in Path(sys.argv[1]).glob("*.txt") if p.name[:1].isdigit())
joined = "\n".join(load_file(p).text for p in seeds)
text = "\n".join(vary(joined, k) for k in range(int(sys.argv[2])))
plain = "\n".join([joined] * int(sys.argv[2]))
repeat = int(sys.argv[3])
pat = re.compile(sys.argv[4])
def best(fn, times=None):
    walls, cpus = [], []
    for _ in range(times or repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0); cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), walls
def floor():
    n = 0
    for _ in pat.finditer(text):
        n += 1
    return n
summarize(joined, engine="rules")  # warm: lazy imports and compiled patterns
fw, fc, fws = best(floor, 5 * repeat)  # the floor is ~50x quicker: more tries, same noise
rw, rc, rws = best(lambda: summarize(text, engine="rules"))
fw2, fc2, _ = best(floor, 5 * repeat)  # the floor again after: the load may have moved
pw, pc, _ = best(lambda: summarize(plain, engine="rules"))  # the same copies, numbers not varied
print(json.dumps({"chars": len(text), "bytes": len(text.encode()), "floor_wall": min(fw, fw2),
                  "floor_cpu": min(fc, fc2), "rules_wall": rw, "rules_cpu": rc, "rules_walls": rws,
                  "plain_wall": pw, "plain_cpu": pc}))
"""

# One child: what `plansum summarize FILE --offline -f json -o OUT` does, step by step.
BIG_CHILD = r"""
import json, re, resource, sys, time
t_start = time.perf_counter()
from plansum.document import Document
from plansum.pipeline import summarize_document
from plansum.render import render_parts
path, out = sys.argv[1], sys.argv[2]
c0, t0 = time.process_time(), time.perf_counter()
doc = Document.load(path)
t_load = time.perf_counter() - t0
s = summarize_document(doc, engine="rules")
t_sum = time.perf_counter() - t0
c_sum = time.process_time() - c0
with open(out, "wb") as f:  # as the command writes it: the JSON streamed item by item
    for part in render_parts(s, doc.text, "json"):
        f.write(part)
t_all = time.perf_counter() - t0
chars = len(doc.text)
del s
c1, t1 = time.process_time(), time.perf_counter()
n = sum(1 for _ in re.finditer(sys.argv[3], doc.text))
fw, fc = time.perf_counter() - t1, time.process_time() - c1
print(json.dumps({"chars": chars, "load_s": t_load, "summarize_wall": t_sum, "summarize_cpu": c_sum,
                  "total_wall": t_all, "floor_wall": fw, "floor_cpu": fc,
                  "maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

# One child: the CPU-bound job of the procs part (summarize the joined seeds `n` times).
JOB_CHILD = r"""
import json, sys, time
from pathlib import Path
try:
    from plansum.parse.loading import load_file
except ImportError:  # a tree from before the layout move
    from plansum.loading import load_file
from plansum.pipeline import summarize
seeds = sorted(p for p in Path(sys.argv[1]).glob("*.txt") if p.name[:1].isdigit())
joined = "\n".join(load_file(p).text for p in seeds)
for _ in range(int(sys.argv[2])):
    summarize(joined, engine="rules")
"""


# One child: CPU seconds of each step of the rules path on the seeds x k (best of --repeat).
SPLIT_CHILD = r"""
import functools, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from speed import vary
from plansum.parse.loading import load_file
import plansum.assemble as A, plansum.document as D, plansum.rules.extractor as R
acc = {}
def wrap(mod, name):
    f = getattr(mod, name)
    @functools.wraps(f)
    def g(*a, **k):
        t = time.process_time()
        try:
            return f(*a, **k)
        finally:
            acc[name] = acc.get(name, 0.0) + time.process_time() - t
    setattr(mod, name, g)
for mod, names in [
    (D, ["clean_text", "read_document_info", "parse_outline", "scan_mentions"]),
    (R, ["table_indicators", "sentence_indicators", "date_indicators", "_innermost_titles",
         "drop_repeats", "find_projects", "find_goals", "timeline_of"]),
    (A, ["assemble"]),
]:
    for n in names:
        if hasattr(mod, n):
            wrap(mod, n)
from plansum.pipeline import summarize
seeds = sorted(p for p in Path(sys.argv[1]).glob("*.txt") if p.name[:1].isdigit())
joined = "\n".join(load_file(p).text for p in seeds)
text = "\n".join(vary(joined, k) for k in range(int(sys.argv[2])))
summarize(joined, engine="rules")
best = None
for _ in range(int(sys.argv[3])):
    acc.clear()
    t = time.process_time()
    summarize(text, engine="rules")
    total = time.process_time() - t
    if best is None or total < best[0]:
        best = (total, dict(acc))
print(json.dumps({"total_cpu": best[0], "steps": best[1]}))
"""


def log(msg: str) -> None:
    print(f"[speed] {msg}", file=sys.stderr, flush=True)


def child_env(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}


def run_child(code: str, args: list[str], src: Path) -> dict[str, Any]:
    r = subprocess.run([sys.executable, "-c", code, *args], env=child_env(src), capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"child failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def rusage_children() -> tuple[float, float]:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def revision(src: Path) -> str:
    r = subprocess.run(
        ["git", "-C", str(src), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return r.stdout.strip() if r.returncode == 0 else src.parent.name


def joined_seeds(src: Path) -> str:
    sys.path.insert(0, str(src))
    try:
        from plansum.parse.loading import load_file
    except ImportError:  # a tree from before the layout move
        from plansum.loading import load_file  # type: ignore[no-redef]

    seeds = sorted(p for p in SEEDS.glob("*.txt") if p.name[:1].isdigit())
    return "\n".join(load_file(p).text for p in seeds)


def part_seeds(a: argparse.Namespace) -> dict[str, Any]:
    r = run_child(SEEDS_CHILD, [str(SEEDS), str(a.scale), str(a.repeat), FLOOR, str(Path(__file__).parent)], a.src)
    r["ratio_wall"] = r["rules_wall"] / r["floor_wall"]
    r["ratio_cpu"] = r["rules_cpu"] / r["floor_cpu"]
    r["chars_per_s"] = r["chars"] / r["rules_wall"]
    r["chars_per_cpu_s"] = r["chars"] / r["rules_cpu"]
    r["mb_per_s"] = r["bytes"] / 1e6 / r["rules_wall"]
    r["floor_chars_per_s"] = r["chars"] / r["floor_wall"]
    r["loadavg"] = loadavg()
    print(
        f"seeds x{a.scale}: {r['chars']:,} chars; rules {r['rules_wall']:.3f} s wall "
        f"({r['rules_cpu']:.3f} s CPU), regex floor {r['floor_wall'] * 1000:.1f} ms: "
        f"{r['ratio_wall']:.1f}x the floor (CPU {r['ratio_cpu']:.1f}x); "
        f"{r['chars_per_s'] / 1e6:.2f} M chars/s, {r['mb_per_s']:.2f} MB/s; the same 8 copies unvaried "
        f"{r['plain_wall'] / r['floor_wall']:.1f}x (CPU {r['plain_cpu'] / r['floor_cpu']:.1f}x); load {r['loadavg']}",
        flush=True,
    )
    return r


def part_split(a: argparse.Namespace) -> dict[str, Any]:
    r = run_child(SPLIT_CHILD, [str(SEEDS), str(a.scale), str(a.repeat), str(Path(__file__).parent)], a.src)
    r["loadavg"] = loadavg()
    total = r["total_cpu"]
    print(f"split of seeds x{a.scale}, CPU (best of {a.repeat}): total {total * 1000:.0f} ms; load {r['loadavg']}")
    for name, sec in sorted(r["steps"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:22s} {sec * 1000:7.1f} ms {sec / total * 100:5.1f} %")
    return r


def build_big(path: Path, megabytes: float, joined: str, one_line: bool) -> None:
    want = int(megabytes * 1_000_000)
    with path.open("wb") as f:
        written = 0
        k = 0
        while written < want:
            unit = vary(joined, k)
            unit = unit.replace("\n", "") if one_line else unit + "\n"
            data = unit.encode("utf-8")
            k += 1
            piece = data[: want - written] if one_line and want - written < len(data) else data
            if one_line and len(piece) < len(data):  # cut at a character boundary
                piece = piece.decode("utf-8", "ignore").encode("utf-8")
                if not piece:
                    break
            f.write(piece)
            written += len(piece)


def part_big(a: argparse.Namespace, seeds: dict[str, Any] | None, one_line: bool) -> dict[str, Any]:
    label = "oneline" if one_line else "big"
    with tempfile.TemporaryDirectory() as d:
        doc, out = Path(d) / "doc.txt", Path(d) / "out.json"
        build_big(doc, a.big_mb, joined_seeds(a.src), one_line)
        size = doc.stat().st_size
        log(f"{label}: {size / 1e6:.1f} MB written; summarizing (minutes)")
        r = run_child(BIG_CHILD, [str(doc), str(out), FLOOR], a.src)
        r["json_bytes"] = out.stat().st_size
    r["bytes"] = size
    r["chars_per_s"] = r["chars"] / r["summarize_wall"]
    r["chars_per_cpu_s"] = r["chars"] / r["summarize_cpu"]
    r["ratio_floor_wall"] = r["summarize_wall"] / r["floor_wall"]
    r["rss_over_input"] = r["maxrss_bytes"] / size
    r["loadavg"] = loadavg()
    vs = ""
    if seeds:
        r["speed_vs_seeds"] = r["chars_per_s"] / seeds["chars_per_s"]
        r["cpu_speed_vs_seeds"] = r["chars_per_cpu_s"] / seeds["chars_per_cpu_s"]
        vs = f", {r['speed_vs_seeds']:.2f} of the seeds chars/s (CPU {r['cpu_speed_vs_seeds']:.2f})"
    print(
        f"{label} {size / 1e6:.1f} MB ({r['chars']:,} chars): summarize {r['summarize_wall']:.1f} s wall "
        f"({r['summarize_cpu']:.1f} s CPU), {r['ratio_floor_wall']:.1f}x the floor{vs}; "
        f"{r['chars_per_s'] / 1e6:.2f} M chars/s; all with render {r['total_wall']:.1f} s; "
        f"peak RSS {r['maxrss_bytes'] / 1e6:,.0f} MB = {r['rss_over_input']:.1f}x the input; load {r['loadavg']}",
        flush=True,
    )
    return r


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole process."""
    c0, _ = rusage_children()
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    c1, _ = rusage_children()
    return wall, c1 - c0


def part_startup(a: argparse.Namespace) -> dict[str, Any]:
    env = child_env(a.src)
    summ = [sys.executable, "-c", "import sys; from plansum.cli import main; sys.argv=['plansum']+sys.argv[1:]; main()",
            "summarize", str(SMALL), "--offline"]
    bare = [sys.executable, "-c", "pass"]
    # Warm the page cache and write __pycache__ (child_env forbids writing it): an installed
    # package has its bytecode, and compiling plansum's sources on every run added ~100 ms.
    timed(summ, {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"})
    ts, tb = [], []
    for _ in range(a.startup_runs):
        tb.append(timed(bare, env))
        ts.append(timed(summ, env))
    r = {"summarize_median": statistics.median(w for w, _ in ts), "pass_median": statistics.median(w for w, _ in tb),
         "summarize_min": min(w for w, _ in ts), "pass_min": min(w for w, _ in tb),
         "summarize_cpu_median": statistics.median(c for _, c in ts), "pass_cpu_median": statistics.median(c for _, c in tb),
         "bytes": SMALL.stat().st_size, "loadavg": loadavg()}
    r["ratio"] = r["summarize_median"] / r["pass_median"]
    r["ratio_min"] = r["summarize_min"] / r["pass_min"]
    r["ratio_cpu"] = r["summarize_cpu_median"] / r["pass_cpu_median"]
    print(
        f"startup: plansum summarize {SMALL.name} ({r['bytes']} B) --offline {r['summarize_median'] * 1000:.0f} ms "
        f"median, python -c pass {r['pass_median'] * 1000:.0f} ms: {r['ratio']:.1f}x "
        f"(min/min {r['ratio_min']:.1f}x; CPU {r['summarize_cpu_median'] * 1000:.0f} / "
        f"{r['pass_cpu_median'] * 1000:.0f} ms = {r['ratio_cpu']:.1f}x); load {r['loadavg']}",
        flush=True,
    )
    return r


def _procs(n_procs: int, jobs: int, a: argparse.Namespace) -> tuple[float, float]:
    env = child_env(a.src)
    cpu0, _ = rusage_children()
    t0 = time.perf_counter()
    ps = [
        subprocess.Popen([sys.executable, "-c", JOB_CHILD, str(SEEDS), str(jobs // n_procs)], env=env)
        for _ in range(n_procs)
    ]
    for p in ps:
        if p.wait() != 0:
            raise SystemExit("job child failed")
    wall = time.perf_counter() - t0
    cpu1, _ = rusage_children()
    return wall, cpu1 - cpu0


def part_procs(a: argparse.Namespace) -> dict[str, Any]:
    load_before = loadavg()
    w1, c1 = _procs(1, a.jobs, a)
    w2, c2 = _procs(2, a.jobs, a)
    r = {"jobs": a.jobs, "one_wall": w1, "one_cpu": c1, "two_wall": w2, "two_cpu": c2,
         "ratio": w2 / w1, "two_parallelism": c2 / w2, "loadavg_before": load_before, "loadavg": loadavg()}
    print(
        f"procs: {a.jobs} x summarize(joined seeds): 1 process {w1:.1f} s wall ({c1:.1f} s CPU); "
        f"2 processes {w2:.1f} s wall ({c2:.1f} s CPU): {r['ratio']:.2f}x the wall of one; "
        f"cores used by the two {r['two_parallelism']:.2f}; load before {load_before}, after {r['loadavg']}",
        flush=True,
    )
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="seeds,startup,procs,big,oneline")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the source tree to measure")
    ap.add_argument("--scale", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--big-mb", type=float, default=48.0)
    ap.add_argument("--startup-runs", type=int, default=11)
    ap.add_argument("--jobs", type=int, default=16)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    a.src = a.src.resolve()
    parts = a.parts.split(",")
    res: dict[str, Any] = {"revision": revision(a.src), "src": str(a.src), "loadavg_start": loadavg(),
                           "nproc": os.cpu_count(), "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    print(f"plansum {res['revision']} ({a.src}); {res['when']}; load {res['loadavg_start']}", flush=True)
    if "seeds" in parts:
        res["seeds"] = part_seeds(a)
    if "split" in parts:
        res["split"] = part_split(a)
    if "startup" in parts:
        res["startup"] = part_startup(a)
    if "procs" in parts:
        res["procs"] = part_procs(a)
    if "big" in parts:
        res["big"] = part_big(a, res.get("seeds"), one_line=False)
    if "oneline" in parts:
        res["oneline"] = part_big(a, res.get("seeds"), one_line=True)
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
