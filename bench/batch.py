"""Documents/s and peak memory of `plansum batch` on generated documents.

    python bench/batch.py                          # 1,000 documents: 1 and 2 processes, Ray
    python bench/batch.py --docs 200 --configs processes:1,processes:2
    python bench/batch.py --out docs/batch-perf.json   # appends to the measurements there

The documents are made from the fixture corpus (tests/fixtures/corpus): every place name
(青岚, 云溪, 岚江, 白石) is replaced by a made-up one and every number's digits are redrawn
(years are kept), so each document is new to the batch (its own content hash) but reads like
the fixtures.  They are written to a temporary directory and deleted after.

Each configuration runs the rules path in a fresh child process (`run_batch` into an empty
output directory, Parquet export included); this process samples the memory of the child
and all its descendants (pool workers; Ray's GCS, raylet and workers) every 0.1 s with psutil:
the peak of the summed RSS, and of the summed PSS (shared pages divided among the processes
that map them, so Ray's shared object store is not counted once per process).  CPU time is
the user + system time of the child and its descendants (getrusage of what was reaped, or the
sum of the last sample of each process, whichever is larger), which a busy machine stretches
much less than wall time.  Needs the
bench extra (psutil) and, for Ray, the ray extra.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
PLACES = ("青岚", "云溪", "岚江", "白石")
SYLLABLES = "松桐枫澄泽川原岭湖宁安平远嘉禾临清河阳山泉石桥林峰江海城新丰乐兴华"
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _place(rng: random.Random) -> str:
    return "".join(rng.sample(SYLLABLES, 2))


def _redraw(m: re.Match[str], rng: random.Random) -> str:
    s = m.group(0)
    if re.fullmatch(r"(19|20)\d\d", s):
        return s  # a year: keep it, so periods and horizons stay plausible
    out = []
    for i, ch in enumerate(s):
        if ch == ".":
            out.append(ch)
        elif i == 0 and len(s.split(".")[0]) > 1:
            out.append(str(rng.randint(1, 9)))  # no leading zero
        else:
            out.append(str(rng.randint(0, 9)))
    return "".join(out)


def generate(n: int, out_dir: Path, seed: int = 15) -> list[Path]:
    """n fictional plans from the fixture corpus, in the encodings of their models."""
    sys.path.insert(0, str(ROOT / "src"))
    from plansum.parse.loading import load_file

    rng = random.Random(seed)
    models = [(p, load_file(p)) for p in sorted(CORPUS.glob("*.txt"))]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        src, doc = models[k % len(models)]
        text = doc.text
        for place in PLACES:
            text = text.replace(place, _place(rng))
        text = _NUMBER.sub(lambda m: _redraw(m, rng), text)
        enc = doc.encoding if doc.encoding.lower() in ("gb18030", "gbk", "utf-16") else "utf-8"
        path = out_dir / f"{k:05d}_{src.stem}.txt"
        path.write_bytes(text.encode(enc))
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------
# One configuration, in a child process


def child(args: argparse.Namespace) -> None:
    from plansum.batch.run import run_batch

    report = run_batch(
        Path(args.input),
        Path(args.output),
        runner=args.engine,
        workers=args.workers,
        parquet=True,
    )
    print(
        json.dumps(
            {
                "done": report.done,
                "failed": len(report.failed),
                "seconds": report.seconds,
                "first_result": report.first_result,
            }
        )
    )


def _tree_sample(pid: int, cpu: dict[int, float]) -> tuple[int, int]:
    """Summed RSS and PSS of a process and its descendants; records each one's CPU time."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    rss = pss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
            t = p.cpu_times()
            cpu[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return rss, pss


def floor_seconds(paths: list[Path]) -> float:
    """CPU seconds of the bare-regex floor over the same documents in this process: read each
    file, decode it, run `re.finditer(r"\\d+(?:\\.\\d+)?")` over it (best of 3)."""
    pat = re.compile(r"\d+(?:\.\d+)?")
    best = float("inf")
    for _ in range(3):
        c0 = time.process_time()
        for p in paths:
            raw = p.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("gb18030", "replace")
            for _m in pat.finditer(text):
                pass
        best = min(best, time.process_time() - c0)
    return best


def measure(engine: str, workers: int, input_dir: Path, work: Path, resume: bool = False) -> dict[str, Any]:
    out = work / f"out-{engine}-{workers}"
    if not resume:
        shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    env.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # a local Ray on loopback only
    import resource

    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", "--input", str(input_dir), "--output", str(out),
         "--engine", engine, "--workers", str(workers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    peak = [0, 0]
    cpu_seen: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss = _tree_sample(proc.pid, cpu_seen)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            stop.wait(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    stdout, _ = proc.communicate()
    wall = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    stop.set()
    t.join()
    # CPU: what the child reaped (pool workers) or, if more, what the samples saw of every
    # descendant (Ray's processes are not all reaped by the child); up to 0.1 s per process
    # is missed at the end.
    reaped = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    cpu = max(reaped, sum(cpu_seen.values()))
    if proc.returncode != 0:
        raise SystemExit(f"{engine}:{workers} failed with exit code {proc.returncode}")
    r = json.loads(stdout.strip().splitlines()[-1])
    n = r["done"] + r["failed"]
    steady = r["seconds"] - (r["first_result"] or 0.0)
    return {
        "engine": engine + (" (resume)" if resume else ""),
        "workers": workers,
        "documents": n,
        "failed": r["failed"],
        "wall_s": round(wall, 2),
        "batch_s": round(r["seconds"], 2),
        "docs_per_s": round(n / wall, 1),
        "docs_per_s_after_first": round((n - 1) / steady, 1) if steady > 0 else None,
        "first_result_s": round(r["first_result"] or 0.0, 2),
        "cpu_s": round(cpu, 2),
        "docs_per_cpu_s": round(n / cpu, 1) if cpu > 0 else None,
        "peak_rss_mib": round(peak[0] / 2**20),
        "peak_pss_mib": round(peak[1] / 2**20),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--configs", default="processes:1,processes:2,ray:2",
                    help="engine:workers, comma separated (processes:1 runs in the child itself)")
    ap.add_argument("--out", type=Path, help="also append the figures as JSON to this file")
    ap.add_argument("--resume", action="store_true", help="after each configuration, run it again on its finished output")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    ap.add_argument("--engine", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="plansum-bench-") as tmp:
        work = Path(tmp)
        paths = generate(args.docs, work / "in")
        chars = sum(len(p.read_bytes()) for p in paths)
        print(f"{len(paths)} generated documents, {chars / 2**20:.1f} MiB", file=sys.stderr)
        floor = floor_seconds(paths)
        rows = []
        for cfg in args.configs.split(","):
            engine, _, w = cfg.partition(":")
            print(f"running {engine} with {w or 1} worker(s) …", file=sys.stderr)
            rows.append(measure(engine, int(w or 1), work / "in", work))
            if args.resume:
                rows.append(measure(engine, int(w or 1), work / "in", work, resume=True))
        for r in rows:  # every time also as a multiple of the floor measured in this run
            r["cpu_over_floor"] = round(r["cpu_s"] / floor, 1) if floor > 0 else None
            r["wall_over_floor"] = round(r["wall_s"] / floor, 1) if floor > 0 else None
        print(f"regex floor over the same documents: {floor:.3f} CPU s; load {os.getloadavg()}", file=sys.stderr)
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + " --- |" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    if args.out:
        meta = {
            "measured": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "load_after": list(os.getloadavg()),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "documents": args.docs,
            "floor_cpu_s": round(floor, 4),
        }
        # Appended: the file keeps every measurement made into it.
        saved = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
        saved.setdefault("measurements", []).append({"meta": meta, "configs": rows})
        args.out.write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
