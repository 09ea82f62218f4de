"""Many documents: `plansum batch DIR|MANIFEST -o OUT`.

One function, `process_document`, summarizes one document and returns its dataset rows (or
the reason it failed); every runner calls that same function: `inline` in this process,
`processes` through a process pool on this machine, `ray` as Ray tasks on a cluster.  The
parent process alone writes the SQLite ledger (`dataset.Store`), one transaction per
document, so a batch that stops resumes where it was: a document whose content hash was
already summarized with the same settings is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from .._version import __version__
from ..errors import ConfigError, InputError, LLMError, PlansumError
from .store import (
    DATASET_VERSION,
    Store,
    failure_row,
    schema_fingerprint,
    summary_rows,
    write_datasette_metadata,
)

Runner = Literal["inline", "processes", "ray"]


@dataclass(frozen=True)
class Job:
    """One document to do.  `data` is set when the worker may not see the file (Ray)."""

    document_id: str
    source: str  # as the user named it: relative to the input directory or the manifest
    path: str
    data: bytes | None = None
    error: str | None = None  # why the input could not be had (a URL that did not fetch)


@dataclass(frozen=True)
class RunOptions:
    """What decides a document's result; pickled to every worker."""

    settings: Any = None  # plansum.settings.Settings, or None for the rules path
    engine: str = "auto"  # summarize's engine: auto | rules | llm | hybrid
    verbose: bool = False  # workers show the client libraries' own log lines


@dataclass
class DocResult:
    document_id: str
    source: str
    ok: bool
    rows: dict[str, list[dict[str, Any]]]
    error_kind: str | None = None
    error: str | None = None
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0


def content_id(data: bytes) -> tuple[str, str]:
    """(document id, full sha256) of a document's bytes."""
    digest = hashlib.sha256(data).hexdigest()
    return digest[:16], digest


def settings_key(options: RunOptions) -> str:
    """Everything that changes a document's rows; a document is redone when it changes."""
    from ..pipeline import resolve_engine

    s = options.settings
    chosen = resolve_engine(options.engine, s)  # type: ignore[arg-type]
    parts: dict[str, Any] = {
        "plansum": __version__,
        "dataset": DATASET_VERSION,
        "schema": schema_fingerprint(),
        "engine": chosen,
    }
    if chosen != "rules":
        from ..llm.answer import answer_identity

        parts.update(
            model=s.model,
            base_url=s.base_url,
            mode=s.mode,
            chunk_chars=s.chunk_chars,
            max_tokens=s.max_tokens,
            max_retries=s.max_retries,
            temperature=s.temperature,
            **answer_identity(s),
        )
    raw = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------
# The one function every runner runs


def _error_kind(exc: BaseException) -> str:
    """The error's own kind (`PlansumError.kind`); out of memory; else a bug."""
    if isinstance(exc, PlansumError):
        return exc.kind
    return "memory" if isinstance(exc, MemoryError) else "bug"


def _summarize(text: str, name: str, encoding: str | None, options: RunOptions) -> Any:
    from ..pipeline import summarize

    return summarize(
        text,
        engine=options.engine,  # type: ignore[arg-type]
        settings=options.settings,
        name=name,
        encoding=encoding,
    )


def process_document(job: Job, options: RunOptions) -> DocResult:
    """Summarize one document into dataset rows.  Never raises: a failure is a result."""
    from ..parse.loading import MAX_BYTES, load_bytes

    t0 = time.perf_counter()
    doc: dict[str, Any] = {
        "document_id": job.document_id,
        "source": job.source,
        "settings_key": settings_key(options),
    }
    try:
        if job.error is not None:
            raise InputError(job.error)
        data = job.data if job.data is not None else _read(job.path, job.source)
        if len(data) > MAX_BYTES:
            raise InputError(
                f"{job.source}: {len(data) / 2**20:.0f} MiB is larger than the "
                f"{MAX_BYTES / 2**20:.0f} MiB limit; split the document"
            )
        did, digest = content_id(data)
        doc.update(document_id=did, sha256=digest, bytes=len(data))
        loaded = load_bytes(data, name=job.source)  # text, or a PDF / .docx / page converted
        summary = _summarize(loaded.text, job.source, loaded.encoding, options)
        secs = time.perf_counter() - t0
        doc.update(status="ok", seconds=round(secs, 4), processed_at=_now())
        return DocResult(
            document_id=did,
            source=job.source,
            ok=True,
            rows=summary_rows(did, summary, doc),
            seconds=secs,
            prompt_tokens=summary.provenance.prompt_tokens,
            completion_tokens=summary.provenance.completion_tokens,
        )
    except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the batch
        from ..redact import scrub

        reason = scrub(_describe(exc), getattr(options.settings, "api_key", None))
        return _failed(job, doc, _error_kind(exc), reason, time.perf_counter() - t0)


def _failed(job: Job, doc: dict[str, Any], kind: str, reason: str, secs: float) -> DocResult:
    doc = {**doc, "status": "failed", "error_kind": kind, "error": reason}
    doc.setdefault("document_id", job.document_id)
    doc.update(seconds=round(secs, 4), processed_at=_now())
    return DocResult(
        document_id=doc["document_id"],
        source=job.source,
        ok=False,
        rows=failure_row(doc),
        error_kind=kind,
        error=reason,
        seconds=secs,
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, PlansumError):
        return str(exc)[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


def _read(path: str, source: str) -> bytes:
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{source}: is a directory") from exc
    except OSError as exc:
        raise InputError(f"{source}: cannot be read ({exc.strerror})") from exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------
# Inputs


# What a directory is searched for unless --glob says otherwise: text and the formats
# `formats` converts.
DEFAULT_GLOB = "*.txt,*.pdf,*.docx,*.html,*.htm"


def discover(target: Path, pattern: str = DEFAULT_GLOB) -> list[tuple[str, Path | str]]:
    """(source name, path) of every input: the files under a directory matching `pattern`
    (recursively; several patterns separated by commas), or the paths a manifest lists (one
    per line, or a `path` column of a .csv/.tsv/.jsonl file; relative paths are relative to
    the manifest).  A manifest may list http(s) URLs: their "path" is the URL itself."""
    from ..formats import is_url

    if str(target).lower().startswith(("http:/", "https:/")):  # a Path folds the // of a URL
        raise InputError(
            f"{target}: batch reads a directory or a manifest file; list URLs in a manifest "
            "(one a line), or give one URL to `plansum summarize`"
        )
    if target.is_dir():
        found = {p for pat in pattern.split(",") if pat.strip() for p in target.rglob(pat.strip())}
        return [(display_name(p.relative_to(target).as_posix()), p) for p in sorted(found) if p.is_file()]
    if not target.is_file():
        raise InputError(f"{target}: no such directory or manifest file")
    base = target.parent
    names: list[str] = []
    suffix = target.suffix.lower()
    text = target.read_text(encoding="utf-8-sig")
    if suffix in (".csv", ".tsv"):
        reader = csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ",")
        if not reader.fieldnames or "path" not in reader.fieldnames:
            raise InputError(f"{target}: a CSV manifest needs a 'path' column")
        names = [row["path"] for row in reader if row.get("path")]
    elif suffix == ".jsonl":
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    names.append(str(json.loads(line)["path"]))
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(f"{target}:{n}: expected a JSON object with a 'path'") from exc
    else:
        names = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [(n, n if is_url(n) else p if (p := Path(n)).is_absolute() else base / p) for n in names]


def display_name(name: str) -> str:
    """A file name as text.  A name that is not UTF-8 (Python keeps its bytes as surrogates,
    which SQLite, Parquet and the terminal refuse) is read as GB18030, the encoding of
    Chinese names made on Windows (GBK is a subset); bytes that are neither stay visible
    as \\xNN escapes.  The file itself is still opened by its own path."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        text = raw.decode("gb18030")
        if text.isprintable():
            return text
    except UnicodeDecodeError:
        pass
    return raw.decode("utf-8", "backslashreplace")


@dataclass
class Plan:
    todo: list[Job] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already done with these settings
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, same as source)
    unreadable: list[Job] = field(default_factory=list)


def plan(inputs: list[tuple[str, Path | str]], done: dict[str, str], key: str) -> Plan:
    """Hash every input; skip what is done with these settings and repeats of one content.

    A URL is fetched here, once (`formats.url.fetch`: its limits and checks), and its bytes
    go with the job, so that a page that changed since the last run is summarized again."""
    out = Plan()
    seen: dict[str, str] = {}
    for source, path in inputs:
        fetched: bytes | None = None
        try:
            if isinstance(path, str):
                fetched = _fetch(path)
                did, _ = content_id(fetched)
            else:
                did, _ = content_id(path.read_bytes())
        except (OSError, InputError) as exc:
            # A job all the same: the worker reports why (missing, unreadable, not fetched).
            did = "path-" + hashlib.sha256(source.encode()).hexdigest()[:11]
            error = str(exc) if isinstance(exc, InputError) else None
            out.unreadable.append(Job(did, source, str(path), error=error))
            continue
        if did in seen:
            out.duplicates.append((source, seen[did]))
            continue
        seen[did] = source
        if done.get(did) == key:
            out.skipped.append(source)
        else:
            out.todo.append(Job(did, source, str(path), data=fetched))
    return out


def _fetch(url: str) -> bytes:
    from ..formats.url import fetch

    return fetch(url).data


# ---------------------------------------------------------------------------------------
# Engines: each yields one DocResult per job, in any order


def check_workers(workers: int | None) -> None:
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ConfigError(f"--workers must be 1 or more, not {workers!r}")


def run_inline(jobs: Iterable[Job], options: RunOptions) -> Iterator[DocResult]:
    for job in jobs:
        yield process_document(job, options)


def run_processes(jobs: Iterable[Job], options: RunOptions, workers: int) -> Iterator[DocResult]:
    """A process pool on this machine; at most a few documents queued per worker.

    A worker that dies (a segfault, the kernel's OOM killer) breaks the pool, and with it
    every document in flight.  Those are then run again one at a time in a pool of one, so
    that only the document that kills its worker fails; then a new pool goes on."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, Future, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("spawn")  # no fork of a process with threads (the progress bar)
    pending = iter(jobs)
    window = max(2, workers * 4)
    pool = _pool(workers, ctx, options)
    inflight: dict[Future[DocResult], Job] = {}
    try:
        while True:
            while len(inflight) < window:
                job = next(pending, None)
                if job is None:
                    break
                inflight[pool.submit(process_document, job, options)] = job
            if not inflight:
                return
            finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
            suspects: list[Job] = []
            for fut in finished:
                job = inflight.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    suspects.append(job)
            if suspects:
                suspects += inflight.values()
                inflight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                yield from _one_at_a_time(suspects, options, ctx)
                pool = _pool(workers, ctx, options)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int, ctx: Any, options: RunOptions) -> Any:
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=(options.verbose,)
    )


# The client libraries that log on their own (instructor logs every failed attempt at ERROR);
# a worker has no logging set up, so Python's last-resort handler would print them.
CLIENT_LOGGERS = ("instructor", "openai", "httpx", "httpx2", "httpcore", "httpcore2")


def _worker_init(verbose: bool) -> None:
    """In each worker process: leave when the batch process dies, and keep the client
    libraries' log lines off stderr unless --verbose (the parent's CLI does the same)."""
    import logging
    import multiprocessing as mp
    import threading

    if not verbose:
        for name in CLIENT_LOGGERS:
            lg = logging.getLogger(name)
            lg.setLevel(logging.CRITICAL + 1)
            lg.propagate = False
    parent = mp.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with_parent, args=(parent.sentinel, os.getppid()), daemon=True,
            name="plansum-parent-watch",
        ).start()


def _exit_with_parent(sentinel: int, ppid: int) -> None:
    """A worker whose parent died (kill -9, the OOM killer) would wait for work forever:
    the pool's pipes stay open in the worker itself.  The sentinel is a pipe whose other end
    only the parent holds; it reads as ready when the parent is gone."""
    from multiprocessing.connection import wait

    while True:
        if wait([sentinel], timeout=1.0) or os.getppid() != ppid:
            os._exit(1)


def _one_at_a_time(jobs: list[Job], options: RunOptions, ctx: Any) -> Iterator[DocResult]:
    """Each job alone in a pool of one: a worker that dies names its document."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool: ProcessPoolExecutor | None = None
    try:
        for job in jobs:
            pool = pool or _pool(1, ctx, options)
            try:
                yield pool.submit(process_document, job, options).result()
            except BrokenProcessPool as exc:
                yield _crashed(job, f"the worker process died on this document ({exc})")
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def run_ray(
    jobs: Iterable[Job],
    options: RunOptions,
    address: str | None,
    workers: int | None = None,
) -> Iterator[DocResult]:
    """Ray tasks of `process_document`.  `address=None` starts a local Ray for this run, whose
    workers read each document from its path: a task carries the job's names and path and a
    reference to the options, nothing else.  On a cluster (`address`) the bytes travel with
    the task, since its nodes need not see the files."""
    if not address:
        # A Ray of our own, for this run only: keep it on the loopback interface.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no report to Ray's servers
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("--runner ray needs Ray: pip install 'plansum[ray]'") from exc

    started = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address:
            kwargs["address"] = address
        else:  # "local": a new Ray, not one `ray start` left running
            kwargs.update(address="local", num_cpus=workers or None, _node_ip_address="127.0.0.1")
        try:
            ray.init(**kwargs)
        except Exception as exc:  # noqa: BLE001 - ray raises ConnectionError, RuntimeError …
            raise ConfigError(f"cannot start or reach Ray at {address or 'local'}: {exc}") from exc
        started = True
    remote = ray.remote(max_retries=1)(process_document)
    opts_ref = ray.put(options)
    slots = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    window = max(2, slots * 4)
    pending = iter(jobs)
    inflight: dict[Any, Job] = {}
    try:
        while True:
            while len(inflight) < window:
                job = next(pending, None)
                if job is None:
                    break
                shipped = job
                if address and job.data is None:
                    shipped = Job(job.document_id, job.source, job.path, _maybe_read(job.path), job.error)
                inflight[remote.remote(shipped, opts_ref)] = job
            if not inflight:
                return
            ready, _ = ray.wait(list(inflight), num_returns=1)
            for ref in ready:
                job = inflight.pop(ref)
                try:
                    yield ray.get(ref)
                except ray.exceptions.RayError as exc:
                    first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
                    yield _crashed(job, f"the Ray task failed: {type(exc).__name__}: {first}")
    finally:
        for ref in inflight:
            ray.cancel(ref, force=True)
        if started:
            ray.shutdown()


def _maybe_read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None  # the worker reports it


def _crashed(job: Job, reason: str) -> DocResult:
    return _failed(job, {"document_id": job.document_id, "source": job.source}, "crash", reason, 0.0)


# ---------------------------------------------------------------------------------------
# One batch per output folder


class OutputLock:
    """An exclusive lock on an output folder, held for the whole batch.  Two batches on one
    folder would both redo every document (twice the tokens) and race on the exports.

    `flock` on `plansum.lock`, which holds who has it (pid, host, start, command).  The
    kernel releases the lock when the holder's process ends however it ends (kill -9
    included), so there is no stale lock to clean up; the file itself stays.  Without fcntl
    (Windows) there is no lock."""

    FILENAME = "plansum.lock"

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / self.FILENAME
        self.fd: int | None = None

    def acquire(self) -> None:
        import socket
        import sys

        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PlansumError(f"cannot use the output directory {self.path.parent}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _holder(fd)
            os.close(fd)
            raise PlansumError(
                f"{self.path.parent} is in use by another plansum batch ({holder}); wait for it "
                "to finish, or give another -o"
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": _now(),
            "command": " ".join(sys.argv)[:300],
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info, ensure_ascii=False) + "\n").encode("utf-8"), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            except OSError:
                pass
            os.close(self.fd)  # closing the last descriptor releases the flock
            self.fd = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8", "replace") or "{}")
        return f"pid {info['pid']} on {info['host']}, since {info['since']}: {info['command']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"


# ---------------------------------------------------------------------------------------
# The batch


@dataclass
class BatchReport:
    out_dir: Path
    total: int = 0
    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (source, kind, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    first_result: float | None = None  # seconds from the start to the first document back
    files: list[Path] = field(default_factory=list)
    parquet_error: str | None = None
    recovered: str | None = None  # the store was damaged: what was kept aside and rebuilt

    @property
    def docs_per_second(self) -> float:
        return (self.done + len(self.failed)) / self.seconds if self.seconds > 0 else 0.0


class _Progress:
    """The rich bar: documents, documents/s, failures, tokens so far, ETA."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar: Any = None
        if not enabled or total == 0:
            return
        import sys

        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text("– docs/s" if speed is None else f"{speed:.1f} docs/s", style="cyan")

        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            Rate(),
            TextColumn("failed {task.fields[failed]}"),
            TextColumn("tokens {task.fields[tokens]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
        )
        self.task = self.bar.add_task("documents", total=total, failed=0, tokens="0")
        self.bar.start()

    def advance(self, failed: int, prompt: int, completion: int) -> None:
        if self.bar is not None:
            tokens = f"{prompt:,} in / {completion:,} out"
            self.bar.update(self.task, advance=1, failed=failed, tokens=tokens)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_batch(
    target: Path,
    out_dir: Path,
    *,
    options: RunOptions | None = None,
    runner: Runner = "processes",
    workers: int = 2,
    address: str | None = None,
    pattern: str = DEFAULT_GLOB,
    progress: bool = False,
    parquet: bool = True,
    before: Callable[[list[Job], Store, str], None] | None = None,
    max_endpoint_failures: int = 3,
) -> BatchReport:
    """Summarize every document under `target` (a directory or a manifest) into `out_dir`.

    `before` runs on the jobs still to do before any is summarized; the Batch API path uses
    it to fill the response cache in one provider batch.

    A document that fails never stops the batch; an endpoint that fails does: after
    `max_endpoint_failures` documents in a row fail with LLMError (unreachable, key refused,
    unknown model) the batch stops, keeps what is done, and raises that error."""
    options = options or RunOptions()
    t0 = time.perf_counter()
    check_workers(workers)
    key = settings_key(options)  # a wrong engine or setting fails here, before any file is made
    inputs = discover(target, pattern)
    lock = OutputLock(out_dir)
    lock.acquire()
    try:
        store = Store(out_dir)
    except BaseException:
        lock.release()
        raise
    report = BatchReport(out_dir=out_dir, total=len(inputs), recovered=store.recovered)
    try:
        p = plan(inputs, store.done(), key)
        report.skipped = len(p.skipped)
        report.duplicates = p.duplicates
        jobs = p.todo + p.unreadable
        if before is not None and jobs:
            before(jobs, store, key)
        if runner == "inline" or (runner == "processes" and workers <= 1):
            results = run_inline(jobs, options)
        elif runner == "processes":
            results = run_processes(jobs, options, workers)
        elif runner == "ray":
            results = run_ray(jobs, options, address, workers)
        else:
            raise ConfigError(f"unknown runner {runner!r}; use processes, inline or ray")
        bar = _Progress(len(jobs), progress)
        endpoint_failures: list[str] = []
        seen = 0
        try:
            for r in results:
                seen += 1
                if report.first_result is None:
                    report.first_result = time.perf_counter() - t0
                store.write(r.rows)
                if r.ok:
                    report.done += 1
                else:
                    report.failed.append((r.source, r.error_kind or "?", r.error or ""))
                report.prompt_tokens += r.prompt_tokens
                report.completion_tokens += r.completion_tokens
                bar.advance(len(report.failed), report.prompt_tokens, report.completion_tokens)
                endpoint_failures = endpoint_failures + [r.error or ""] if r.error_kind == "llm" else []
                if len(endpoint_failures) >= max_endpoint_failures:
                    break
        finally:
            if hasattr(results, "close"):
                results.close()  # a runner stops its workers and drops what is queued
            bar.stop()
        report.seconds = time.perf_counter() - t0
        report.files = [store.path]
        try:
            report.files.append(write_datasette_metadata(out_dir))
        except OSError:
            pass  # the dataset is whole without it; the SQLite file was written
        current = store.exported() if parquet and not jobs else None
        if current is not None:
            report.files += current  # nothing new: the Parquet files written last time stand
        elif parquet:
            try:
                report.files += store.export_parquet()
            except PlansumError as exc:
                report.parquet_error = str(exc)
        if len(endpoint_failures) >= max_endpoint_failures:
            raise LLMError(
                f"stopped after {len(endpoint_failures)} documents in a row could not use the "
                f"model endpoint ({endpoint_failures[-1]}); the {report.done} documents done are "
                "kept: fix the endpoint and rerun to go on"
            )
        if endpoint_failures and len(endpoint_failures) == seen:
            # fewer documents than the streak that stops a batch, every one failed on the
            # endpoint: that is the endpoint failing, not these documents
            raise LLMError(
                f"none of the {seen} document(s) could use the model endpoint "
                f"({endpoint_failures[-1]}); fix the endpoint and rerun"
            )
    finally:
        store.close()
        lock.release()
    return report
