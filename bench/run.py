#!/usr/bin/env python3
"""plansum benchmarks: how fast, how costly, how it grows.  Prints Markdown tables.

    python bench/run.py                                   # rules, CLI start-up, cassette replay
    python bench/run.py --live http://127.0.0.1:8765/v1   # + workers 1 -> 2 -> 4 on a live server
    python bench/run.py --langextract                     # + langextract, requests built offline
    python bench/run.py --live URL --langextract          # + langextract vs plansum, live
    python bench/run.py --out docs/perf.json              # also write every figure as JSON

Parts (`--parts rules,cli,replay,live,langextract`; default: the first three, plus `live` with
--live and `langextract` with --langextract):

rules        `summarize(text, engine="rules")` (Document + RulesExtractor + assemble), best of N, on each
             seed, on the seeds joined into one document and on that joined ×1 ×4 ×16 ×64;
             characters per second, time ÷ (k × time at ×1) as the linearity check, tracemalloc
             peak and a subprocess's ru_maxrss for the largest.
cli          whole-process wall time of `plansum --help` and `plansum summarize FIXTURE
             --offline` (median of 7), `-X importtime` of plansum.cli, and which heavy modules
             are in sys.modules after each of those commands.
replay       the LLM path replayed from cassettes/ for every recorded document whose source is
             here: wall time, chunks, requests, prompt / completion tokens (from the recorded
             usage), document tokens (Gemma tokenizer from the GGUF, run in the interpreter that
             has llama-cpp-python), prompt ÷ document tokens, record_seconds from meta.json.
live         one small fixture, cache off, 1 -> 2 -> 4 workers against --live URL.
langextract  bench/langextract_compare.py in the interpreter given by --langextract-python (its
             own venv); same seed, same chunk budget, same token cap; without --live the requests
             are only built and their prompt tokens counted offline.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from metrics import value_in_source  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
SMALL_FIXTURE = FIXTURES / "qinglan_fullwidth.txt"
DEFAULT_SEEDS = (ROOT / ".." / "shared" / "seeds").resolve()
DEFAULT_GGUF = ROOT / "models" / "gemma3-270m-q4_k_m.gguf"
HEAVY = ["openai", "instructor", "httpx", "vcr", "diskcache", "tenacity", "jiter", "pydantic", "rich", "cn2an"]


# ---------------------------------------------------------------------------------------
# helpers


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def best_of(fn: Callable[[], Any], n: int) -> tuple[float, list[float], Any, float]:
    """Best wall time of n runs, all wall times, the last result, best CPU time of this process.

    CPU time is reported too because a loaded machine stretches wall time (time-slicing) far
    more than the CPU time the work itself takes."""
    times = []
    cpus = []
    result = None
    for _ in range(max(1, n)):
        c0 = time.process_time()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(times), times, result, min(cpus)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 100 else f"{v:,.0f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(out)


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict[str, Any]:
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = None
    try:
        m = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        mem_kib = int(m.group(1)) if m else None
    except OSError:
        pass
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:
        ncpu = os.cpu_count()
    rev = None
    with contextlib.suppress(Exception):
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    return {
        "cpu": cpu,
        "nproc": ncpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1) if mem_kib else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "plansum_revision": rev,
        "loadavg_start": loadavg(),
    }


def seed_files(seeds: Path) -> list[Path]:
    return sorted(p for p in seeds.glob("*.txt") if p.name[:1].isdigit())


def joined_corpus(seeds: Path) -> str:
    """The seed documents joined into one text (the ×1 document)."""
    from plansum.parse.loading import load_file

    return "\n".join(load_file(p).text for p in seed_files(seeds))


def find_source(name: str, seeds: Path) -> Path | None:
    for d in (FIXTURES, seeds):
        p = d / name
        if p.is_file():
            return p
    return None


# ---------------------------------------------------------------------------------------
# Gemma tokens, counted in the interpreter that has llama-cpp-python


def default_tokenizer_python() -> str | None:
    for cand in (
        os.environ.get("PLANSUM_LOCAL_VENV", "") and Path(os.environ["PLANSUM_LOCAL_VENV"]) / "bin" / "python",
        ROOT / ".venv-local" / "bin" / "python",
        Path("/work/venv-local/bin/python"),
    ):
        if cand and Path(cand).is_file():
            return str(cand)
    return None


def gemma_tokens(
    python: str | None, gguf: Path, texts: list[str], chats: list[list[dict[str, Any]]]
) -> dict[str, list[int]] | None:
    """Token counts from the model's own tokenizer (vocab only), or None if unavailable."""
    if not python or not gguf.is_file():
        return None
    try:
        r = subprocess.run(
            [python, str(BENCH / "gemma_tokens.py")],
            input=json.dumps({"model": str(gguf), "texts": texts, "chats": chats}),
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log(f"tokenizer unavailable: {exc}")
        return None
    if r.returncode != 0:
        log(f"tokenizer failed: {r.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(r.stdout)


# ---------------------------------------------------------------------------------------
# 1. rules path

RSS_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from run import joined_corpus
from pathlib import Path
from plansum.pipeline import summarize
corpus = joined_corpus(Path(sys.argv[1]))
text = "\n".join([corpus] * int(sys.argv[2]))
def rss_now_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
before = rss_now_kib()
t0 = time.perf_counter()
s = summarize(text, engine="rules")
dt = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"chars": len(text), "seconds": dt, "rss_before_kib": before, "rss_peak_kib": after,
                  "indicators": len(s.indicators)}))
"""


def stage_profile(text: str) -> dict[str, Any]:
    """cProfile one rules run: time per function called by the rules extractor and Document.from_text (its steps), hot spots."""
    import cProfile
    import pstats

    from plansum.pipeline import summarize

    pr = cProfile.Profile()
    t0 = time.perf_counter()
    pr.enable()
    summarize(text, engine="rules")
    pr.disable()
    total = time.perf_counter() - t0
    st = pstats.Stats(pr)
    stats: dict[Any, Any] = st.stats  # type: ignore[attr-defined]

    def label(k: Any) -> str:
        if k[0] == "~":
            return k[2]
        f = Path(k[0])
        return f"{f.stem}.{k[2]}" if f.parent.name == "plansum" else f"{f.parent.name}/{f.stem}.{k[2]}"

    parents = [k for k in stats if k[2] in ("extract", "summarize_document", "from_text") and k[0].endswith(("rules.py", "pipeline.py", "document.py"))]
    stages: dict[str, float] = {}
    for k, (_cc, _nc, _tt, _ct, callers) in stats.items():
        for p in parents:
            if p in callers and k not in parents:
                stages[label(k)] = stages.get(label(k), 0.0) + callers[p][3]
    hot = sorted(stats.items(), key=lambda kv: -kv[1][2])[:10]
    return {
        "chars": len(text),
        "profiled_seconds": total,
        "stages": {k: v for k, v in sorted(stages.items(), key=lambda kv: -kv[1]) if v >= 0.001},
        "hot": [{"function": f"{label(k)} ({Path(k[0]).name}:{k[1]})", "tottime": v[2], "cumtime": v[3], "calls": v[1]}
                for k, v in hot],
    }


def bench_rules(seeds: Path, scales: list[int], repeat: int, profile_scales: tuple[int, int] = (1, 16)) -> dict[str, Any]:
    from plansum.parse.loading import load_file
    from plansum.pipeline import summarize

    files = seed_files(seeds)
    if not files:
        raise SystemExit(f"no seed documents (*.txt) in {seeds}; pass --seeds DIR")
    summarize("预热：2025年地区生产总值增长6%左右。", engine="rules")  # imports, regex compiles
    per_doc = []
    for p in files:
        doc = load_file(p)
        best, times, s, cpu = best_of(lambda d=doc: summarize(d.text, engine="rules", encoding=d.encoding), repeat)
        per_doc.append(
            {"document": p.name, "chars": len(doc.text), "best_s": best, "times": times, "cpu_s": cpu,
             "chars_per_s": len(doc.text) / best, "chars_per_cpu_s": len(doc.text) / cpu,
             "indicators": len(s.indicators)}
        )
        log(f"rules {p.name}: {len(doc.text)} chars, {best:.3f} s")
    total_chars = sum(r["chars"] for r in per_doc)
    total_s = sum(r["best_s"] for r in per_doc)
    total_cpu = sum(r["cpu_s"] for r in per_doc)
    corpus = joined_corpus(seeds)
    scaled = []
    for k in scales:
        text = "\n".join([corpus] * k)
        n = repeat if k <= 4 else max(1, min(repeat, 3 if k <= 16 else 2))
        best, times, s, cpu = best_of(lambda t=text: summarize(t, engine="rules"), n)
        scaled.append(
            {"scale": k, "chars": len(text), "best_s": best, "times": times, "runs": n, "cpu_s": cpu,
             "chars_per_s": len(text) / best, "chars_per_cpu_s": len(text) / cpu, "indicators": len(s.indicators)}
        )
        log(f"rules ×{k}: {len(text)} chars, best of {n} {best:.3f} s ({len(text) / best / 1e6:.2f} M chars/s)")
    base = next((r for r in scaled if r["scale"] == 1), None)
    for r in scaled:
        r["linearity"] = r["best_s"] / (r["scale"] * base["best_s"]) if base else None
        r["linearity_cpu"] = r["cpu_s"] / (r["scale"] * base["cpu_s"]) if base else None
    if len(scaled) >= 2:
        a, b = scaled[0], scaled[-1]
        import math

        exponent = math.log(b["best_s"] / a["best_s"]) / math.log(b["chars"] / a["chars"])
    else:
        exponent = None
    profiles = {}
    for k in profile_scales:
        log(f"rules ×{k}: cProfile run")
        profiles[k] = stage_profile("\n".join([corpus] * k))
    largest = max(scales)
    text = "\n".join([corpus] * largest)
    log(f"rules ×{largest}: tracemalloc run")
    tracemalloc.start()
    summarize(text, engine="rules")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del text
    log(f"rules ×{largest}: subprocess ru_maxrss run")
    r = subprocess.run(
        [sys.executable, "-c", RSS_CHILD, str(seeds), str(largest), str(BENCH)],
        capture_output=True, text=True, timeout=3600,
    )
    rss = json.loads(r.stdout) if r.returncode == 0 else {"error": r.stderr[-500:]}
    return {
        "per_document": per_doc,
        "corpus_documents": {"chars": total_chars, "seconds": total_s, "chars_per_s": total_chars / total_s,
                             "cpu_s": total_cpu, "chars_per_cpu_s": total_chars / total_cpu},
        "scaled": scaled,
        "exponent": exponent,
        "profiles": profiles,
        "memory": {"scale": largest, "tracemalloc_peak_bytes": peak, "subprocess": rss},
    }


def render_rules(r: dict[str, Any]) -> str:
    out = ['### Rules path: `summarize(text, engine="rules")`', ""]
    rows = [(d["document"], d["chars"], d["best_s"], d["chars_per_s"] / 1e6, d["cpu_s"], d["chars_per_cpu_s"] / 1e6,
             d["indicators"]) for d in r["per_document"]]
    c = r["corpus_documents"]
    rows.append(("**all seeds, one at a time**", c["chars"], c["seconds"], c["chars_per_s"] / 1e6, c["cpu_s"],
                 c["chars_per_cpu_s"] / 1e6, None))
    out.append(md_table(["document", "chars", "best wall s", "M chars/s (wall)", "best CPU s", "M chars/CPU-s",
                         "indicators"], rows))
    out += ["", "Seeds joined into one document, repeated k times:", ""]
    rows = [
        (f"×{s['scale']}", s["chars"], f"{s['best_s']:.3f} (best of {s['runs']})", s["chars_per_s"] / 1e6,
         f"{s['linearity']:.2f}" if s["linearity"] is not None else None, s["cpu_s"], s["chars_per_cpu_s"] / 1e6,
         f"{s['linearity_cpu']:.2f}" if s["linearity_cpu"] is not None else None, s["indicators"])
        for s in r["scaled"]
    ]
    out.append(md_table(["k", "chars", "wall s", "M chars/s", "wall ÷ (k × wall at ×1)", "CPU s", "M chars/CPU-s",
                         "CPU ÷ (k × CPU at ×1)", "indicators"], rows))
    if r["exponent"] is not None:
        out += ["", f"Growth exponent (time ∝ chars^e, first to last scale): e = {r['exponent']:.2f} (1.00 is linear)."]
    prof = r.get("profiles") or {}
    if len(prof) == 2:
        (k1, p1), (k2, p2) = sorted((int(k), v) for k, v in prof.items())  # JSON keys are strings
        f = k2 / k1
        out += ["", f"Where the time goes (cProfile, so slower than above; steps called by `Document.from_text`, "
                    f"`RulesExtractor.extract` and `summarize_document`), ×{k1} against ×{k2}: a step that grows linearly has ratio "
                    f"{f:.0f}; ratio ÷ {f:.0f} is 1.0 when linear.", ""]
        names = list(dict.fromkeys(list(p2["stages"]) + list(p1["stages"])))
        rows = []
        for n in names:
            a, b = p1["stages"].get(n, 0.0), p2["stages"].get(n, 0.0)
            rows.append((f"`{n}`", a, b, f"{b / a:.1f}" if a else None, f"{b / a / f:.2f}" if a else None))
        rows.append(("**total (profiled)**", p1["profiled_seconds"], p2["profiled_seconds"],
                     f"{p2['profiled_seconds'] / p1['profiled_seconds']:.1f}",
                     f"{p2['profiled_seconds'] / p1['profiled_seconds'] / f:.2f}"))
        out.append(md_table(["step", f"s at ×{k1}", f"s at ×{k2}", "ratio", f"ratio ÷ {f:.0f}"], rows))
        out += ["", f"Hot spots at ×{k2} by own time:", ""]
        out.append(md_table(["function", "own s", "cumulative s", "calls"],
                            [(f"`{h['function']}`", h["tottime"], h["cumtime"], h["calls"]) for h in p2["hot"]]))
    m = r["memory"]
    sub = m["subprocess"]
    out += ["", f"Memory at ×{m['scale']}: tracemalloc peak {m['tracemalloc_peak_bytes'] / 2**20:,.0f} MiB"]
    if "rss_peak_kib" in sub:
        out[-1] += (
            f"; separate process ru_maxrss {sub['rss_peak_kib'] / 1024:,.0f} MiB "
            f"(resident {sub['rss_before_kib'] / 1024:,.0f} MiB just before the call, text built and modules loaded; "
            f"{sub['chars']:,} chars in {sub['seconds']:.1f} s)."
        )
    else:
        out[-1] += f"; subprocess failed: {sub.get('error')}"
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# 2. CLI start-up

MODULES_CHILD = r"""
import contextlib, io, json, sys
from plansum.cli import app
args = json.loads(sys.argv[1])
buf = io.StringIO()
with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
    try:
        app(args, prog_name="plansum")
    except SystemExit:
        pass
heavy = json.loads(sys.argv[2])
print(json.dumps({"loaded": {m: m in sys.modules for m in heavy}, "modules": len(sys.modules)}))
"""


def plansum_script() -> Path | None:
    p = Path(sysconfig.get_path("scripts")) / "plansum"
    if p.is_file():
        return p
    w = shutil.which("plansum")
    return Path(w) if w else None


def wall(cmd: list[str], n: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    times = []
    rc = None
    for _ in range(n):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, cwd=ROOT, env={**os.environ, **(env or {})})
        times.append(time.perf_counter() - t0)
        rc = r.returncode
    return {"median_s": statistics.median(times), "min_s": min(times), "times": times, "rc": rc}


def parse_importtime(stderr: str) -> list[dict[str, Any]]:
    rows = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append({"self_us": int(m.group(1)), "cum_us": int(m.group(2)),
                         "depth": len(m.group(3)) // 2, "module": m.group(4)})
    return rows


def bench_cli(repeat: int) -> dict[str, Any]:
    script = plansum_script()
    exe = [str(script)] if script else [sys.executable, "-m", "plansum.cli"]
    fixture = str(SMALL_FIXTURE.relative_to(ROOT))
    no_rich = {"TYPER_USE_RICH": "0"}
    cmds: list[tuple[str, list[str], dict[str, str] | None]] = [
        ("python -c pass (interpreter floor)", [sys.executable, "-c", "pass"], None),
        ("python -c 'import typer'", [sys.executable, "-c", "import typer"], None),
        ("plansum --help", exe + ["--help"], None),
        (f"plansum summarize {fixture} --offline", exe + ["summarize", fixture, "--offline"], None),
        # what `typer.Typer(rich_markup_mode=None)` in cli.py would give: plain click help
        ("TYPER_USE_RICH=0 plansum --help (what-if: no rich help)", exe + ["--help"], no_rich),
    ]
    shim = Path(os.environ.get("PYENV_ROOT", "~/.pyenv")).expanduser() / "shims" / "plansum"
    if shim.is_file():
        cmds.append((f"plansum --help through the pyenv shim ({shim})", [str(shim), "--help"], None))
    timings = []
    for label, cmd, env in cmds:
        w = wall(cmd, repeat, env)
        timings.append({"command": label, "argv": cmd, "env": env, **w})
        log(f"cli {label}: median {w['median_s']:.3f} s")
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", "import plansum.cli"], capture_output=True, text=True)
    rows = parse_importtime(r.stderr)
    total = next((x["cum_us"] for x in rows if x["module"] == "plansum.cli"), None)
    roots: dict[str, dict[str, Any]] = {}
    for x in rows:
        name = x["module"]
        if "." not in name and name not in roots:
            roots[name] = x
    top = sorted(roots.values(), key=lambda x: -x["cum_us"])[:10]
    modules = {}
    for label, args in (("--help", ["--help"]), ("summarize --offline", ["summarize", str(SMALL_FIXTURE), "--offline"])):
        m = subprocess.run(
            [sys.executable, "-c", MODULES_CHILD, json.dumps(args), json.dumps(HEAVY)], capture_output=True, text=True, cwd=ROOT
        )
        modules[label] = json.loads(m.stdout) if m.returncode == 0 else {"error": m.stderr[-400:]}
    return {"script": str(script) if script else None, "timings": timings,
            "importtime": {"plansum_cli_us": total, "top": top}, "sys_modules": modules}


def render_cli(r: dict[str, Any]) -> str:
    out = ["### CLI start-up (whole process, wall time)", ""]
    rows = [(f"`{t['command']}`", t["median_s"], t["min_s"], len(t["times"]), t["rc"]) for t in r["timings"]]
    out.append(md_table(["command", "median s", "min s", "runs", "exit"], rows))
    it = r["importtime"]
    if it["plansum_cli_us"]:
        out += ["", f"`python -X importtime -c 'import plansum.cli'`: plansum.cli cumulative "
                    f"{it['plansum_cli_us'] / 1000:.0f} ms. Largest top-level imports (cumulative, nested ones counted in their parent too):", ""]
        out.append(md_table(["module", "cumulative ms", "self ms"],
                            [(x["module"], x["cum_us"] / 1000, x["self_us"] / 1000) for x in it["top"]]))
    out += ["", "Heavy modules in `sys.modules` after running the command in-process:", ""]
    rows = []
    for label, m in r["sys_modules"].items():
        if "loaded" in m:
            rows.append((f"`plansum {label}`", ", ".join(k for k, v in m["loaded"].items() if v) or "none",
                         ", ".join(k for k, v in m["loaded"].items() if not v), m["modules"]))
        else:
            rows.append((f"`plansum {label}`", "error", m.get("error"), None))
    out.append(md_table(["command", "loaded", "not loaded", "modules total"], rows))
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# 3. LLM path replayed from cassettes


def replay_instrumented(text: str, name: str, encoding: str | None, cassette_dir: Path) -> dict[str, Any]:
    """summarize_replay's steps, with an httpx hook that logs every request and its usage."""
    import httpx

    from plansum.document import Document
    from plansum.llm.client import ChunkClient
    from plansum.llm.answer import build_messages
    from plansum.pipeline import summarize_document
    from plansum.replay.cassettes import RecordingMeta, replaying
    from plansum.settings import Settings

    rec = RecordingMeta.load(cassette_dir).settings_for(name)
    settings = Settings(
        model=rec["model"], base_url="http://127.0.0.1:9/v1", api_key="replay", mode=rec["mode"],
        chunk_chars=rec["chunk_chars"], max_tokens=rec["max_tokens"], max_retries=rec["max_retries"],
        transport_retries=0, concurrency=1, cache=False,
    )
    doc = Document.from_text(text, name=name, encoding=encoding)
    requests: list[dict[str, Any]] = []
    current: dict[str, int | None] = {"chunk": None}

    def on_request(req: httpx.Request) -> None:
        body = json.loads(req.content or b"{}")
        requests.append({"chunk": current["chunk"], "messages": len(body.get("messages", []))})

    def on_response(resp: httpx.Response) -> None:
        resp.read()
        with contextlib.suppress(ValueError):
            u = resp.json().get("usage") or {}
            requests[-1].update(prompt_tokens=u.get("prompt_tokens", 0), completion_tokens=u.get("completion_tokens", 0))
        ms = resp.headers.get("openai-processing-ms")
        requests[-1]["server_ms"] = float(ms) if ms else None

    class Logged(ChunkClient):
        def extract(self, chunk: Any) -> Any:
            current["chunk"] = chunk.index
            return super().extract(chunk)

    client = httpx.Client(event_hooks={"request": [on_request], "response": [on_response]})
    ex = Logged(settings, http_client=client)
    try:
        with replaying(name, cassette_dir):
            summary = summarize_document(doc, engine="hybrid", settings=settings, client=ex)
    finally:
        ex.close()
        client.close()
    chunks = doc.chunks(settings.chunk_chars)
    first_messages = [build_messages(ex.prompt, c)[0] for c in chunks]
    return {"summary": summary, "requests": requests, "first_messages": first_messages}


def bench_replay(cassette_dir: Path, seeds: Path, repeat: int, tok_python: str | None, gguf: Path) -> dict[str, Any]:
    import logging

    from plansum.errors import PlansumError
    from plansum.parse.loading import load_file
    from plansum.replay import summarize_replay
    from plansum.replay.cassettes import RecordingMeta

    logging.getLogger("instructor").setLevel(logging.CRITICAL + 1)  # it logs every failed attempt

    meta = RecordingMeta.load(cassette_dir)
    rows: list[dict[str, Any]] = []
    missing = []
    failed: list[dict[str, Any]] = []
    texts: list[str] = []
    chats: list[list[dict[str, Any]]] = []
    warmed = False
    for name, info in sorted(meta.documents.items(), key=lambda kv: kv[1].get("chars", 0)):
        src = find_source(name, seeds)
        if src is None:
            missing.append(name)
            continue
        doc = load_file(src)
        try:
            if not warmed:
                summarize_replay(doc.text, name, cassette_dir=cassette_dir, encoding=doc.encoding)
                warmed = True
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                summarize_replay(doc.text, name, cassette_dir=cassette_dir, encoding=doc.encoding)
                times.append(time.perf_counter() - t0)
            inst = replay_instrumented(doc.text, name, doc.encoding, cassette_dir)
        except PlansumError as exc:  # a stale or incomplete cassette: report it, go on
            failed.append({"document": name, "error": str(exc).splitlines()[0][:300], "meta": info})
            log(f"replay {name}: FAILED {exc}")
            continue
        s = inst["summary"]
        reqs = inst["requests"]
        first = [q for q in reqs if q["messages"] <= 2]
        row = {
            "document": name,
            "chars": len(doc.text),
            "chunks": len(s.provenance.chunks),
            "degraded_chunks": sum(1 for c in s.provenance.chunks if c.degraded),
            "requests": len(reqs),
            "reasks": len(reqs) - len(first),
            "prompt_tokens": s.provenance.prompt_tokens,
            "completion_tokens": s.provenance.completion_tokens,
            "prompt_tokens_first_attempts": sum(q.get("prompt_tokens", 0) for q in first),
            "usage_in_cassette": {
                "prompt": sum(q.get("prompt_tokens", 0) for q in reqs),
                "completion": sum(q.get("completion_tokens", 0) for q in reqs),
            },
            "server_seconds": round(sum(q.get("server_ms") or 0 for q in reqs) / 1000, 1),
            "replay_median_s": statistics.median(times),
            "replay_times": times,
            "record_seconds": info.get("record_seconds"),
            "text_index": len(texts),
            "chat_range": [len(chats), len(chats) + len(inst["first_messages"])],
        }
        texts.append(doc.text)
        chats += inst["first_messages"]
        rows.append(row)
        log(f"replay {name}: {row['chunks']} chunks, {row['requests']} requests, {row['replay_median_s']:.2f} s")
    # Every document, recorded or not: the first-attempt prompts are built offline and counted.
    offline_rows = []
    for src in sorted(FIXTURES.glob("*.txt")) + seed_files(seeds):
        doc = load_file(src)
        msgs = plansum_requests(doc.text, meta.chunk_chars)
        offline_rows.append({"document": src.name, "chars": len(doc.text), "chunks": len(msgs),
                             "text_index": len(texts), "chat_range": [len(chats), len(chats) + len(msgs)]})
        texts.append(doc.text)
        chats += msgs
    from plansum.llm.answer import ChunkExtraction
    from plansum.llm.prompts import load_prompt

    extra_texts = [load_prompt().system, json.dumps(ChunkExtraction.model_json_schema(), ensure_ascii=False)]
    toks = gemma_tokens(tok_python, gguf, texts + extra_texts, chats)
    dropped = {"system_tokens": toks["texts"][-2], "schema_tokens": toks["texts"][-1]} if toks else None
    for row in offline_rows:
        if toks:
            a, b = row.pop("chat_range")
            row["doc_tokens"] = toks["texts"][row.pop("text_index")]
            row["prompt_tokens_first_attempts"] = sum(toks["chats"][a:b])
            row["ratio"] = row["prompt_tokens_first_attempts"] / max(1, row["doc_tokens"])
            assert dropped is not None
            row["with_system_and_schema"] = row["prompt_tokens_first_attempts"] + row["chunks"] * (
                dropped["system_tokens"] + dropped["schema_tokens"])
            row["ratio_with_system_and_schema"] = row["with_system_and_schema"] / max(1, row["doc_tokens"])
    if not toks:
        offline_rows = []
    for row in rows:
        if toks:
            row["doc_tokens"] = toks["texts"][row["text_index"]]
            a, b = row["chat_range"]
            row["first_attempt_prompt_tokens_offline"] = sum(toks["chats"][a:b])
            row["tokens_source"] = "gemma tokenizer (GGUF vocab)"
        else:
            row["doc_tokens"] = round(row["chars"] * 0.75)
            row["first_attempt_prompt_tokens_offline"] = None
            row["tokens_source"] = "estimate: 0.75 token per character"
        d = row["doc_tokens"] or 1
        row["prompt_per_doc_token"] = row["prompt_tokens"] / d
        row["first_attempt_prompt_per_doc_token"] = row["prompt_tokens_first_attempts"] / d
        del row["text_index"], row["chat_range"]
    return {"meta": {k: getattr(meta, k) for k in ("model", "mode", "chunk_chars", "max_tokens", "max_retries", "prompt", "endpoint")},
            "documents": rows, "no_source": missing, "failed": failed, "offline_prompts": offline_rows,
            "not_in_prompt": dropped}


def render_replay(r: dict[str, Any]) -> str:
    m = r["meta"]
    out = [
        "### LLM path replayed from cassettes",
        "",
        f"Recorded with {m['model']} ({m['endpoint']}), mode {m['mode']}, chunk budget {m['chunk_chars']} chars, "
        f"answer cap {m['max_tokens']} tokens, {m['max_retries']} re-ask; prompt {m['prompt']}. "
        "Prompt and completion tokens are the server's own usage figures stored in the cassettes; "
        "'first attempts' leaves out the instructor re-asks after a failed source check.",
        "",
    ]
    rows = []
    for d in r["documents"]:
        rows.append((
            d["document"], d["chars"], d["doc_tokens"], d["chunks"], f"{d['requests']} ({d['reasks']})",
            d["prompt_tokens"], f"{d['prompt_per_doc_token']:.2f}",
            d["prompt_tokens_first_attempts"], f"{d['first_attempt_prompt_per_doc_token']:.2f}",
            d["completion_tokens"], d["degraded_chunks"], d["replay_median_s"], d["record_seconds"], d["server_seconds"],
        ))
    if rows:
        tot = {k: sum(d[k] for d in r["documents"]) for k in ("chars", "doc_tokens", "chunks", "requests", "reasks", "prompt_tokens",
                                                             "prompt_tokens_first_attempts", "completion_tokens", "degraded_chunks")}
        rows.append((
            "**total**", tot["chars"], tot["doc_tokens"], tot["chunks"], f"{tot['requests']} ({tot['reasks']})",
            tot["prompt_tokens"], f"{tot['prompt_tokens'] / max(1, tot['doc_tokens']):.2f}",
            tot["prompt_tokens_first_attempts"], f"{tot['prompt_tokens_first_attempts'] / max(1, tot['doc_tokens']):.2f}",
            tot["completion_tokens"], tot["degraded_chunks"],
            sum(d["replay_median_s"] for d in r["documents"]),
            sum(d["record_seconds"] or 0 for d in r["documents"]), sum(d["server_seconds"] for d in r["documents"]),
        ))
    out.append(md_table(
        ["document", "chars", "doc tokens", "chunks", "requests (re-asks)", "prompt tok", "prompt ÷ doc",
         "prompt tok, first attempts", "first ÷ doc", "completion tok", "degraded", "replay s (median)",
         "record s", "server s"], rows))
    if r["documents"]:
        src = r["documents"][0]["tokens_source"]
        checks = [(d["document"], d["prompt_tokens_first_attempts"], d["first_attempt_prompt_tokens_offline"]) for d in r["documents"]]
        out += ["", f"Document tokens: {src}."]
        if all(c[2] is not None for c in checks):
            out[-1] += (" Cross-check, first-attempt prompt tokens recorded vs counted offline from the rendered "
                        "prompts: " + ", ".join(f"{n.split('.')[0]} {a}/{b}" for n, a, b in checks) + ".")
    if r["no_source"]:
        out += ["", "Recorded but source not here: " + ", ".join(r["no_source"])]
    for f in r.get("failed", []):
        mi = f["meta"]
        out += ["", f"**{f['document']} does not replay**: {f['error']} (meta.json: {mi.get('chunks')} chunks, "
                    f"{mi.get('degraded_chunks')} degraded, {mi.get('prompt_tokens')} + {mi.get('completion_tokens')} "
                    f"tokens, recorded in {mi.get('record_seconds')} s)."]
    off = r.get("offline_prompts") or []
    if off:
        out += ["", f"Prompt overhead of every document, first attempts, counted offline (requests built by plansum at "
                    f"chunk budget {m['chunk_chars']}, rendered with the `gemma` chat format, Gemma tokenizer; "
                    "no re-asks):", ""]
        rows2 = [(d["document"], d["chars"], d["doc_tokens"], d["chunks"], d["prompt_tokens_first_attempts"],
                  f"{d['ratio']:.2f}", d["with_system_and_schema"], f"{d['ratio_with_system_and_schema']:.2f}")
                 for d in off]
        td = sum(d["doc_tokens"] for d in off)
        tp = sum(d["prompt_tokens_first_attempts"] for d in off)
        tw = sum(d["with_system_and_schema"] for d in off)
        rows2.append(("**total**", sum(d["chars"] for d in off), td, sum(d["chunks"] for d in off), tp, f"{tp / td:.2f}",
                      tw, f"{tw / td:.2f}"))
        out.append(md_table(["document", "chars", "doc tokens", "chunks", "prompt tokens", "prompt ÷ doc",
                             "+ system prompt + schema", "÷ doc"], rows2))
        nd = r.get("not_in_prompt")
        if nd:
            out += ["", f"The `gemma` chat format of llama-cpp-python drops the system message, and in tools mode the "
                        f"schema only becomes a sampling grammar, so neither is in the recorded prompts: the system "
                        f"prompt is {nd['system_tokens']} tokens and the ChunkExtraction JSON schema "
                        f"{nd['schema_tokens']} tokens. The last two columns add both once per chunk, roughly what an "
                        "endpoint that puts them in the prompt (OpenAI-style tool definitions) would count."]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# 4. live server: workers 1 -> 2 -> 4


def warm_llm_imports() -> None:
    """Import the client libraries before any timing (a cold import costs seconds on a loaded machine)."""
    import instructor  # noqa: F401
    import openai  # noqa: F401
    from instructor.core.exceptions import InstructorRetryException  # noqa: F401


def run_live(analysis: Any, settings: Any, merge_mode: str = "hybrid") -> tuple[Any, float, int]:
    """summarize_document against a live endpoint: (summary, wall seconds, HTTP requests sent)."""
    import httpx

    from plansum.llm.client import ChunkClient
    from plansum.pipeline import summarize_document

    sent = [0]

    def on_request(_req: httpx.Request) -> None:
        sent[0] += 1

    client = httpx.Client(timeout=settings.timeout, event_hooks={"request": [on_request]})
    ex = ChunkClient(settings, http_client=client)
    ex.client()
    try:
        t0 = time.perf_counter()
        summary = summarize_document(analysis, engine=merge_mode, settings=settings, client=ex)  # type: ignore[arg-type]
        dt = time.perf_counter() - t0
    finally:
        ex.close()
        client.close()
    return summary, dt, sent[0]


def live_settings(url: str, model: str, **kw: Any) -> Any:
    from plansum.settings import Settings

    return Settings(model=model, base_url=url, api_key=os.environ.get("PLANSUM_API_KEY") or "none", **kw)


def bench_live(url: str, model: str, doc_path: Path, chunk_chars: int, max_tokens: int, max_retries: int,
               workers: list[int]) -> dict[str, Any]:
    from plansum.document import Document

    warm_llm_imports()
    doc = Document.load(doc_path)
    analysis = doc
    runs = []
    for w in workers:
        s = live_settings(url, model, mode="tools", chunk_chars=chunk_chars, max_tokens=max_tokens,
                          max_retries=max_retries, concurrency=w, cache=False)
        summary, dt, sent = run_live(analysis, s)
        p = summary.provenance
        runs.append({"workers": w, "wall_s": dt, "chunks": len(p.chunks), "requests": sent, "prompt_tokens": p.prompt_tokens,
                     "completion_tokens": p.completion_tokens, "degraded": sum(1 for c in p.chunks if c.degraded)})
        log(f"live workers={w}: {dt:.1f} s")
    for r in runs:
        r["speedup"] = runs[0]["wall_s"] / r["wall_s"]
    return {"url": url, "model": model, "document": doc_path.name, "chars": len(doc.text), "chunk_chars": chunk_chars,
            "max_tokens": max_tokens, "max_retries": max_retries, "runs": runs}


def render_live(r: dict[str, Any]) -> str:
    out = [f"### Live server: {r['model']} at {r['url']}", "",
           f"{r['document']} ({r['chars']} chars), chunk budget {r['chunk_chars']}, answer cap {r['max_tokens']}, "
           f"{r['max_retries']} re-ask, cache off.", ""]
    out.append(md_table(["workers", "wall s", "speed-up", "chunks", "requests", "prompt tok", "completion tok", "degraded"],
                        [(x["workers"], x["wall_s"], f"{x['speedup']:.2f}×", x["chunks"], x["requests"], x["prompt_tokens"],
                          x["completion_tokens"], x["degraded"]) for x in r["runs"]]))
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# 5. langextract, side by side


def plansum_requests(text: str, chunk_chars: int) -> list[list[dict[str, str]]]:
    from plansum.document import Document
    from plansum.llm.answer import build_messages
    from plansum.llm.prompts import load_prompt

    return [build_messages(load_prompt(), c)[0] for c in Document.from_text(text).chunks(chunk_chars)]


def bench_langextract(url: str | None, model: str, doc_path: Path, le_python: str, chunk_chars: int, max_tokens: int,
                      max_retries: int, tok_python: str | None, gguf: Path) -> dict[str, Any]:
    from plansum.document import Document
    from plansum.parse.loading import load_file

    dry = url is None
    cmd = [le_python, str(BENCH / "langextract_compare.py"), "--doc", str(doc_path), "--model", model,
           "--max-char-buffer", str(chunk_chars), "--max-tokens", str(max_tokens), "--json"]
    cmd += ["--dry-run"] if dry else ["--base-url", url]
    log(f"langextract: {'building requests (dry run)' if dry else 'live run'} in {le_python}")
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=6 * 3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": f"cannot run {le_python}: {exc}; see docs/performance.md for the bench venv", "command": cmd}
    if r.returncode != 0:
        return {"error": (r.stderr or r.stdout)[-1500:], "command": cmd}
    le = json.loads(r.stdout.strip().splitlines()[-1])
    doc = load_file(doc_path)
    ps_msgs = plansum_requests(doc.text, chunk_chars)
    toks = gemma_tokens(tok_python, gguf, [doc.text], ps_msgs + le["request_messages"])
    offline = None
    if toks:
        n = len(ps_msgs)
        offline = {"doc_tokens": toks["texts"][0], "plansum_first_pass": sum(toks["chats"][:n]),
                   "langextract_pass": sum(toks["chats"][n:])}
    le.pop("request_messages", None)
    out: dict[str, Any] = {"document": doc_path.name, "chars": len(doc.text), "chunk_chars": chunk_chars,
                           "max_tokens": max_tokens, "langextract": le, "offline_tokens": offline,
                           "plansum_requests_first_pass": len(ps_msgs), "command": cmd}
    if not dry:
        s = live_settings(url, model, mode="tools", chunk_chars=chunk_chars, max_tokens=max_tokens,
                          max_retries=max_retries, concurrency=1, cache=False)
        analysis = Document.from_text(doc.text, name=doc_path.name, encoding=doc.encoding)
        warm_llm_imports()
        log("plansum: live run")
        summary, dt, sent = run_live(analysis, s, merge_mode="llm")
        llm_inds = [i for i in summary.indicators if i.origin == "llm"]
        raws = [(i.headline().raw if i.headline() else None) for i in llm_inds]
        found = sum(1 for v in raws if value_in_source(v, doc.text))
        p = summary.provenance
        out["plansum"] = {
            "wall_seconds": round(dt, 2), "chunks": len(p.chunks), "requests": sent, "prompt_tokens": p.prompt_tokens,
            "completion_tokens": p.completion_tokens, "quantities": len(llm_inds),
            "values_in_source": found, "values_in_source_share": round(found / len(llm_inds), 3) if llm_inds else None,
            "degraded_chunks": sum(1 for c in p.chunks if c.degraded),
            "rules_fallback_indicators": sum(1 for i in summary.indicators if i.origin != "llm"),
        }
    return out


def render_langextract(r: dict[str, Any]) -> str:
    out = ["### plansum vs langextract", ""]
    if "error" in r:
        return "\n".join(out + [f"langextract run failed: `{r['error'].strip().splitlines()[-1]}`"])
    le = r["langextract"]
    out.append(f"{r['document']} ({r['chars']} chars), chunk budget {r['chunk_chars']} characters, "
               f"answer cap {r['max_tokens']} tokens, one request in flight; langextract {le.get('langextract_version')}.")
    o = r["offline_tokens"]
    if o:
        out += ["", "Prompt tokens of one pass over the document, counted offline (Gemma tokenizer, prompts rendered "
                    "as the llama-cpp-python `gemma` chat format renders them):", ""]
        out.append(md_table(
            ["", "requests", "prompt tokens", "÷ document tokens"],
            [("document alone", None, o["doc_tokens"], "1.00"),
             ("plansum (first attempts)", r["plansum_requests_first_pass"], o["plansum_first_pass"],
              f"{o['plansum_first_pass'] / o['doc_tokens']:.2f}"),
             ("langextract", le["requests"], o["langextract_pass"], f"{o['langextract_pass'] / o['doc_tokens']:.2f}")]))
    if "plansum" in r:
        p = r["plansum"]
        out += ["", "Live:", ""]
        out.append(md_table(
            ["tool", "wall s", "requests", "prompt tok", "completion tok", "quantities", "values in source", "share"],
            [("plansum (llm merge)", p["wall_seconds"], p["requests"], p["prompt_tokens"], p["completion_tokens"],
              p["quantities"], p["values_in_source"], p["values_in_source_share"]),
             ("langextract", le["wall_seconds"], le["requests"], le["prompt_tokens"], le["completion_tokens"],
              le["quantities"], le["values_in_source"], le["values_in_source_share"])]))
        out += ["", f"plansum: {p['degraded_chunks']} chunk(s) fell back to the rules "
                    f"({p['rules_fallback_indicators']} rule indicators, not counted above); "
                    f"langextract: {le['aligned_extractions']} of {le['quantities']} extractions aligned to a source span."]
    else:
        out += ["", "Live figures not measured (no --live endpoint)."]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------


RENDER = {"rules": render_rules, "cli": render_cli, "replay": render_replay, "live": render_live,
          "langextract": render_langextract}


def render_all(results: dict[str, Any]) -> str:
    m = results["machine"]
    head = (f"Machine: {m['cpu']}, {m['nproc']} CPUs, {m['memory_gib']} GiB, {m['implementation']} {m['python']}, "
            f"{m['platform']}; plansum {m['plansum_revision']}; load average {m['loadavg_start']} at start, "
            f"{m.get('loadavg_end')} at end ({m.get('bench_seconds')} s).")
    sections = [head]
    for part, fn in RENDER.items():
        if part in results:
            r = results[part]
            when = f"\n\n_Measured {r['measured_at']}, load average after: {r['loadavg_after']}._" if "measured_at" in r else ""
            sections.append(fn(r) + when)
    return "\n\n".join(sections)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--live", metavar="URL", help="OpenAI-compatible endpoint for the live parts")
    ap.add_argument("--live-model", default="gemma-3-270m")
    ap.add_argument("--live-doc", type=Path, default=FIXTURES / "qinglan_annual_2024.txt",
                    help="document for the workers test (default: a fixture that makes 4 chunks at 600 chars)")
    ap.add_argument("--live-chunk-chars", type=int, default=600)
    ap.add_argument("--live-max-tokens", type=int, default=128)
    ap.add_argument("--live-max-retries", type=int, default=0)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--langextract", action="store_true", help="compare with langextract (own venv)")
    ap.add_argument("--langextract-python", default=os.environ.get("PLANSUM_BENCH_PYTHON", "/work/venv-bench/bin/python"))
    ap.add_argument("--langextract-doc", type=Path, default=None, help="default: the smallest seed")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--cassettes", type=Path, default=ROOT / "cassettes")
    ap.add_argument("--gguf", type=Path, default=DEFAULT_GGUF)
    ap.add_argument("--tokenizer-python", default=default_tokenizer_python(),
                    help="interpreter with llama-cpp-python, for Gemma token counts")
    ap.add_argument("--scales", default="1,4,16,64")
    ap.add_argument("--repeat", type=int, default=5, help="best of N for the rules path")
    ap.add_argument("--parts", default=None, help="comma list of rules,cli,replay,live,langextract")
    ap.add_argument("--out", type=Path, help="write all figures as JSON here")
    ap.add_argument("--render", type=Path, metavar="JSON", help="print the tables of a saved --out file; measure nothing")
    a = ap.parse_args()
    if a.render:
        print(render_all(json.loads(a.render.read_text(encoding="utf-8"))))
        return

    parts = a.parts.split(",") if a.parts else ["rules", "cli", "replay"] + (["live"] if a.live else []) + (
        ["langextract"] if a.langextract else [])
    if "live" in parts and not a.live:
        ap.error("the live part needs --live URL")
    results: dict[str, Any] = {"machine": machine(), "argv": sys.argv[1:]}
    started = time.time()

    def stamp(part: str) -> None:
        results[part]["measured_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
        results[part]["loadavg_after"] = loadavg()

    if "rules" in parts:
        results["rules"] = bench_rules(a.seeds, [int(x) for x in a.scales.split(",")], a.repeat)
        stamp("rules")
    if "cli" in parts:
        results["cli"] = bench_cli(7)
        stamp("cli")
    if "replay" in parts:
        results["replay"] = bench_replay(a.cassettes, a.seeds, 3, a.tokenizer_python, a.gguf)
        stamp("replay")
    if "live" in parts:
        results["live"] = bench_live(a.live, a.live_model, a.live_doc, a.live_chunk_chars, a.live_max_tokens,
                                     a.live_max_retries, [int(x) for x in a.workers.split(",")])
        stamp("live")
    if "langextract" in parts:
        doc = a.langextract_doc or min(seed_files(a.seeds), key=lambda p: p.stat().st_size)
        results["langextract"] = bench_langextract(a.live, a.live_model, doc, a.langextract_python, 3000, 384, 1,
                                                   a.tokenizer_python, a.gguf)
        stamp("langextract")
    m = results["machine"]
    m["loadavg_end"] = loadavg()
    m["bench_seconds"] = round(time.time() - started, 1)
    print(render_all(results))
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
        log(f"wrote {a.out}")


if __name__ == "__main__":
    with contextlib.redirect_stdout(io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)) \
            if (sys.stdout.encoding or "").lower() not in ("utf-8", "utf8") else contextlib.nullcontext():
        main()
