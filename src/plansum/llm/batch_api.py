"""Chunk requests through an OpenAI-style Batch API (`/v1/files` + `/v1/batches`).

Providers bill batch requests at about half price and answer within a window (24 h).  The
batch does not replace the LLM path, it fills its response cache: every chunk request is
built exactly as the live path builds it (`llm.build_messages`, instructor's own request
preparation for `ChunkExtraction`), keyed with `ChunkClient.cache_key`, and each answer that
passes the same validation (the numbers-in-the-source check) is cached under that key.  Then
the batch runs as usual and `process_document` finds the answers in the cache; an answer that
failed the check is not cached, so that chunk goes live, with instructor's re-asks.

Resume: the ids of submitted batches are kept in the batch's SQLite file (`llm_batches`);
a rerun first waits for and collects those, then submits only what is still missing.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, LLMError, PlansumError

TERMINAL = ("completed", "failed", "expired", "cancelled")
MAX_REQUESTS = 50_000  # OpenAI's limits per batch: requests, and bytes of the input file
MAX_BYTES = 190 * 2**20


def _line(r: Pending) -> bytes:
    item = {"custom_id": r.key, "method": "POST", "url": "/v1/chat/completions", "body": r.body}
    return json.dumps(item, ensure_ascii=False).encode("utf-8") + b"\n"


def split(
    requests: list[Pending], max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES
) -> list[list[Pending]]:
    """Batches within the provider's limits, in order."""
    parts: list[list[Pending]] = [[]]
    size = 0
    for r in requests:
        n = len(_line(r))
        if parts[-1] and (len(parts[-1]) >= max_requests or size + n > max_bytes):
            parts.append([])
            size = 0
        parts[-1].append(r)
        size += n
    return [p for p in parts if p]


@dataclass
class Pending:
    """One chunk request: its cache key, its request body, and the mentions to check it with."""

    key: str
    body: dict[str, Any]
    ids: dict[int, Any]
    answer: Any = None  # the response model the request asks for (full or compact)


@dataclass
class Collected:
    cached: int = 0
    rejected: int = 0  # failed the check or the schema: sent live later
    errors: int = 0  # the provider's per-request errors
    malformed: int = 0  # output lines that are not a readable answer record
    repeated: int = 0  # lines for a request already answered in this output
    prompt_tokens: int = 0
    completion_tokens: int = 0
    answered: set[str] = field(default_factory=set)  # custom ids with any answer


def build_requests(texts: Iterable[tuple[str, str | None]], extractor: Any) -> dict[str, Pending]:
    """The chunk requests of these (text, encoding) documents that the cache does not hold."""
    from ..document import Document
    from .answer import build_messages
    from .instructor_adapter import request_body

    s = extractor.settings
    cache = extractor._cache  # the live path's cache: the same keys, the same entries
    out: dict[str, Pending] = {}
    for text, encoding in texts:
        # The chunks the live path will make (LLMExtractor: doc.chunks(chunk_chars)).
        for chunk in Document.from_text(text, encoding=encoding).chunks(s.chunk_chars):
            # The live request exactly: its roles, its answer format and so its cache key.
            messages, ids = build_messages(extractor.prompt, chunk, s.user_roles)
            answer = extractor.response_model(ids)
            key = extractor.cache_key(messages, answer)
            if key in out or (cache is not None and cache.get(key) is not None):
                continue
            body = request_body(answer, s, messages)
            out[key] = Pending(key, body, ids, answer)
    return out


class BatchClient:
    """The few Batch API calls, through the openai client (retries and errors as usual)."""

    def __init__(self, settings: Any, http_client: Any = None) -> None:
        import openai

        self.openai = openai.OpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or "none",
            timeout=settings.timeout,
            max_retries=settings.transport_retries,
            http_client=http_client,
        )

    def available(self) -> bool:
        """Whether the endpoint has a Batch API (a 404/405/501 on GET /batches: no)."""
        import openai

        try:
            self.openai.batches.list(limit=1)
        except openai.APIStatusError as exc:
            if exc.status_code in (404, 405, 501):
                return False
            raise
        return True

    def submit(self, requests: list[Pending]) -> tuple[str, str]:
        data = b"".join(_line(r) for r in requests)
        f = self.openai.files.create(
            file=("plansum-batch.jsonl", io.BytesIO(data)), purpose="batch"
        )
        b = self.openai.batches.create(
            input_file_id=f.id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata={"tool": "plansum"},
        )
        return b.id, f.id

    def retrieve(self, batch_id: str) -> Any:
        return self.openai.batches.retrieve(batch_id)

    def content(self, file_id: str) -> str:
        return str(self.openai.files.content(file_id).text)


class Ledger:
    """Submitted batches, in the batch's SQLite file, so that a rerun collects, not resubmits."""

    def __init__(self, conn: Any, settings_key: str) -> None:
        self.conn = conn
        self.key = settings_key
        with conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS llm_batches (batch_id TEXT PRIMARY KEY, "
                "input_file_id TEXT, settings_key TEXT, requests INTEGER, status TEXT, "
                "submitted_at TEXT, collected_at TEXT)"
            )

    def open_batches(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT batch_id FROM llm_batches WHERE settings_key = ? AND collected_at IS NULL "
            "ORDER BY submitted_at",
            (self.key,),
        )
        return [r[0] for r in rows]

    def add(self, batch_id: str, file_id: str, n: int) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO llm_batches VALUES (?, ?, ?, ?, 'submitted', ?, NULL)",
                (batch_id, file_id, self.key, n, _now()),
            )

    def close_batch(self, batch_id: str, status: str) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE llm_batches SET status = ?, collected_at = ? WHERE batch_id = ?",
                (status, _now(), batch_id),
            )


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _has(extractor: Any, key: str) -> bool:
    return extractor._cache is not None and extractor._cache.get(key) is not None


def _record(line: str) -> tuple[str, dict[str, Any]] | None:
    """(custom_id, record) of one output line, or None when it is not one."""
    try:
        item = json.loads(line)
    except ValueError:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("custom_id"), str):
        return None
    return item["custom_id"], item


def _tokens(usage: Any) -> tuple[int, int] | None:
    """(prompt, completion) tokens of a usage object; None when one is not a count."""
    if usage is None:
        return 0, 0
    if not isinstance(usage, dict):
        return None
    out = []
    for name in ("prompt_tokens", "completion_tokens"):
        v = usage.get(name)
        if v is None:
            v = 0
        if isinstance(v, bool) or not isinstance(v, int | float) or v != v or v < 0 or v != int(v):
            return None
        out.append(int(v))
    return out[0], out[1]


def collect(output: str, wanted: dict[str, Pending], extractor: Any) -> Collected:
    """Validate each answer as the live path would and cache the ones that pass."""
    from .answer import validation_context
    from .instructor_adapter import parse_completion

    cache = extractor._cache
    out = Collected()
    seen: set[str] = set()
    for line in output.splitlines():
        if not line.strip():
            continue
        record = _record(line)
        if record is None:
            out.malformed += 1  # not JSON, not an object, no custom_id
            continue
        custom_id, item = record
        req = wanted.get(custom_id)
        if req is None:
            continue  # a document no longer in this batch
        if custom_id in seen:
            out.repeated += 1  # one request, one answer: its tokens are counted once
            continue
        seen.add(custom_id)
        out.answered.add(req.key)
        resp = item.get("response")
        if item.get("error") or not isinstance(resp, dict) or resp.get("status_code") != 200:
            out.errors += 1
            continue
        body = resp.get("body")
        usage = body.get("usage") if isinstance(body, dict) else None
        tokens = _tokens(usage)
        if not isinstance(body, dict) or tokens is None:
            out.malformed += 1  # the answer goes live, where its usage is known
            continue
        pt, ct = tokens
        out.prompt_tokens += pt
        out.completion_tokens += ct
        try:
            result = parse_completion(
                body,
                req.answer or extractor.response_model(req.ids),
                extractor.settings,
                validation_context(req.ids, extractor.settings.api_key),
            )
        except Exception:  # noqa: BLE001 - a wrong answer goes live, with re-asks
            out.rejected += 1
            continue
        cache.set(
            req.key,
            {
                "extraction": result.model_dump(mode="json"),
                "prompt_tokens": pt,
                "completion_tokens": ct,
                "via": "batch",
            },
        )
        out.cached += 1
    return out


def run(
    texts: Iterable[tuple[str, str | None]],
    settings: Any,
    conn: Any,
    settings_key: str,
    *,
    required: bool = False,
    poll_seconds: float = 30.0,
    max_wait: float | None = None,
    echo: Callable[[str], None] = lambda m: None,
    http_client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Collected | None:
    """Fill the response cache for these documents through the Batch API.

    Returns None when the endpoint has no Batch API (and `required` is false): the batch
    then runs with live requests.  Raises PlansumError when a batch is still running after
    `max_wait` seconds: rerun later to collect it (it is not submitted again)."""
    from .client import ChunkClient

    check_timing(poll_seconds, max_wait)
    if not settings.cache:
        if required:
            raise ConfigError("the Batch API fills the response cache: drop --no-cache")
        return None
    client = BatchClient(settings, http_client=http_client)
    try:
        has_batches = client.available()
    except Exception as exc:  # noqa: BLE001
        if required:
            raise LLMError(f"cannot reach the Batch API at {settings.base_url}: {exc}") from exc
        echo(f"plansum: Batch API not reachable ({type(exc).__name__}); sending live requests")
        return None
    if not has_batches:
        if required:
            raise ConfigError(
                f"the endpoint {settings.base_url} has no Batch API (/v1/batches); "
                "use --llm-batch auto or off"
            )
        echo("plansum: the endpoint has no Batch API; sending live requests")
        return None
    extractor = ChunkClient(settings)
    if extractor._cache is None:  # the directory cannot be used (warned): nothing to fill
        extractor.close()
        if required:
            raise ConfigError(
                f"the Batch API fills the response cache, and {settings.cache_dir} cannot be used"
            )
        return None
    ledger = Ledger(conn, settings_key)
    total = Collected()
    try:
        wanted = build_requests(texts, extractor)
        start = time.monotonic()
        rounds = 0
        while True:
            for batch_id in ledger.open_batches():
                _wait_and_collect(
                    client,
                    ledger,
                    batch_id,
                    wanted,
                    extractor,
                    total,
                    poll_seconds,
                    max_wait,
                    start,
                    echo,
                    sleep,
                )
            # What the cache still lacks (after collecting what earlier runs submitted); an
            # answer that failed the check goes live, with re-asks, not into another batch.
            todo = [
                p for k, p in wanted.items() if k not in total.answered and not _has(extractor, k)
            ]
            if not todo or rounds > 0:
                break
            for part in split(todo):
                batch_id, file_id = client.submit(part)
                ledger.add(batch_id, file_id, len(part))
                echo(f"plansum: submitted batch {batch_id} ({len(part)} chunk requests)")
            rounds += 1
        left = sum(1 for k in wanted if not _has(extractor, k))
        echo(
            f"plansum: Batch API: {total.cached} answers cached, {total.rejected} failed the check, "
            f"{total.errors} errors, {total.malformed} malformed line(s), {total.repeated} repeated; "
            f"{left} chunk(s) go live; batch tokens "
            f"{total.prompt_tokens:,} in / {total.completion_tokens:,} out"
        )
        return total
    finally:
        extractor.close()


def _wait_and_collect(
    client: BatchClient,
    ledger: Ledger,
    batch_id: str,
    wanted: dict[str, Pending],
    extractor: Any,
    total: Collected,
    poll_seconds: float,
    max_wait: float | None,
    start: float,
    echo: Callable[[str], None],
    sleep: Callable[[float], None],
) -> None:
    last = ""
    while True:
        b = client.retrieve(batch_id)
        counts = b.request_counts
        state = f"{b.status} {counts.completed}/{counts.total}" if counts else b.status
        if state != last:
            echo(f"plansum: batch {batch_id}: {state}")
            last = state
        if b.status in TERMINAL:
            break
        if max_wait is not None and time.monotonic() - start >= max_wait:
            raise PlansumError(
                f"batch {batch_id} is still {b.status} after {max_wait:.0f} s; rerun the same "
                "command later to collect it (it will not be submitted again)"
            )
        sleep(poll_seconds)
    for fid in (b.output_file_id,):
        if fid:
            got = collect(client.content(fid), wanted, extractor)
            total.cached += got.cached
            total.rejected += got.rejected
            total.errors += got.errors
            total.malformed += got.malformed
            total.repeated += got.repeated
            total.prompt_tokens += got.prompt_tokens
            total.completion_tokens += got.completion_tokens
            total.answered |= got.answered
    if b.error_file_id:
        errors = sum(1 for ln in client.content(b.error_file_id).splitlines() if ln.strip())
        total.errors += errors
    ledger.close_batch(batch_id, b.status)


def check_timing(poll_seconds: float, max_wait: float | None) -> None:
    """--poll and --batch-wait: finite, not negative (nan would sleep forever or raise)."""
    import math

    for flag, v in (("--poll", poll_seconds), ("--batch-wait", max_wait)):
        if v is None and flag == "--batch-wait":
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
            raise ConfigError(f"{flag} takes a number of seconds, 0 or more, not {v!r}")


def cache_filler(
    settings: Any,
    *,
    required: bool = False,
    poll_seconds: float = 30.0,
    max_wait: float | None = None,
    echo: Callable[[str], None] = lambda m: None,
    http_client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Callable[[list[Any], Any, str], None]:
    """A `run_batch(before=...)` hook: the jobs' chunks through the Batch API first."""
    check_timing(poll_seconds, max_wait)

    def fill(jobs: list[Any], store: Any, settings_key: str) -> None:
        from ..parse.loading import decode

        def texts() -> Iterator[tuple[str, str | None]]:
            for job in jobs:  # one document in memory at a time
                try:
                    data = job.data if job.data is not None else Path(job.path).read_bytes()
                    doc = decode(data, name=job.source)
                except (OSError, PlansumError):
                    continue  # the document fails on its own later, with its reason
                yield doc.text, doc.encoding

        run(
            texts(),
            settings,
            store.conn,
            settings_key,
            required=required,
            poll_seconds=poll_seconds,
            max_wait=max_wait,
            echo=echo,
            http_client=http_client,
            sleep=sleep,
        )

    return fill
