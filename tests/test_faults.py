"""Transport and answer faults, injected at the HTTP layer: nothing crashes, nothing is lost.

Every fault hits one chunk of a three-chunk fictional plan (see fake_llm.py); the others are
answered correctly.  For each: the fault is retried within bounds (counted HTTP calls), then
that chunk falls back to the rules, the run finishes, the summary says which chunk and why,
and every chunk is covered by LLM or rules items ("chunks lost: 0").  Back-off waits go to
the Extractor's `sleep` hook and are recorded, never slept.  Offline; a few seconds in all.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from fake_llm import (
    BASE_URL,
    CHUNK_CHARS,
    KEY,
    LLM_NAMES,
    TEXT,
    FakeLLM,
    answer,
    document,
    good_then,
    interrupt,
    raises,
    raw_body,
    run_llm,
    settings,
    status,
)
from plansum.cli import app
from plansum.document import Document
from plansum.errors import FailureKind, LLMError
from plansum.llm.client import ChunkClient
from plansum.models import PlanSummary
from plansum.parse.chunking import Chunk
from plansum.pipeline import summarize, summarize_document
from plansum.render import render

T, R = 2, 1  # transport_retries, max_retries in these tests (fake_llm.settings)
PERSIST = 12  # more copies of a fault than any bound allows: a "persistent" fault


@pytest.fixture(scope="module")
def doc() -> tuple[Any, list[Chunk]]:
    a, chunks = document()
    assert len(chunks) == 3
    return a, chunks


@pytest.fixture
def fake(doc: tuple[Any, list[Chunk]]) -> FakeLLM:
    return FakeLLM(doc[1])


class Run:
    def __init__(self, summary: PlanSummary | None, slept: list[float], fake: FakeLLM) -> None:
        self.summary = summary
        self.slept = slept
        self.fake = fake

    @property
    def s(self) -> PlanSummary:
        assert self.summary is not None
        return self.summary


def run(tmp_path: Path, fake: FakeLLM, **overrides: Any) -> Run:
    summary, slept = run_llm(tmp_path, fake, **overrides)
    return Run(summary, slept, fake)


def in_chunk(items: list[Any], c: Chunk) -> list[Any]:
    return [i for i in items if c.span.start <= i.span.start < c.span.end]


def headline(i: Any) -> tuple[int, int]:
    q = i.headline()
    return (q.span.start, q.span.end) if q is not None and q.span else (i.span.start, i.span.end)


def assert_nothing_lost(summary: PlanSummary, chunks: list[Chunk], degraded: set[int]) -> None:
    """Every chunk is covered: a degraded chunk exactly by the rules, the others by the model
    (plus the rules' items the model did not name, in hybrid merge)."""
    rules = summarize(TEXT, engine="rules")
    for c in chunks:
        got = in_chunk(summary.indicators, c)
        want = in_chunk(rules.indicators, c)
        assert got, f"chunk {c.index} lost"
        if c.index in degraded:
            assert all(i.origin == "rules" for i in got)
            assert [(i.name, i.span) for i in got] == [(i.name, i.span) for i in want]
            assert summary.provenance.chunks[c.index].degraded
        else:
            assert {i.name for i in got if i.origin == "llm"} == LLM_NAMES[c.index]
            assert {headline(i) for i in want} <= {headline(i) for i in got}
            assert summary.provenance.chunks[c.index].degraded is None
    # spans index the text, values stand where they say
    for i in summary.indicators:
        for q in i.quantities():
            assert q.span is not None and TEXT[q.span.start : q.span.end] == q.raw
    assert KEY not in summary.model_dump_json()


def assert_degraded(r: Run, chunk: int, phrase: str, chunks: list[Chunk]) -> str:
    reason = r.s.provenance.chunks[chunk].degraded
    assert reason is not None and phrase in reason, reason
    recs = [c for c in r.s.checks if c.status == "degraded"]
    assert [c.item for c in recs] == [f"chunk[{chunk}]"]
    assert phrase in recs[0].reason and recs[0].span == chunks[chunk].span
    assert_nothing_lost(r.s, chunks, {chunk})
    for other in range(len(chunks)):
        if other != chunk:
            assert r.fake.calls_for(other) == 1, "a fault in one chunk must not cost the others"
    return reason


def test_healthy_run_uses_the_model_for_every_chunk(tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    r = run(tmp_path, fake)
    assert fake.calls == [0, 1, 2] and r.slept == []
    assert not [c for c in r.s.checks if c.status == "degraded"]
    assert_nothing_lost(r.s, doc[1], set())
    assert any(p.origin == "llm" for p in r.s.projects)


# ---------------------------------------------------------------------------------------
# Transport faults: retried with back-off (T retries), then the chunk falls back


def _transport_faults(fake: FakeLLM) -> dict[str, tuple[Any, str]]:
    return {
        "429": (status(429), "HTTP 429 from the endpoint"),
        "500": (status(500), "HTTP 500 from the endpoint"),
        "502": (status(502, body="<html><body>502 Bad Gateway</body></html>"), "HTTP 502 from the endpoint"),
        "503": (status(503), "HTTP 503 from the endpoint"),
        "read-timeout": (raises(httpx.ReadTimeout, "The read operation timed out"), "request timed out"),
        "reset-before-response": (
            raises(httpx.RemoteProtocolError, "Server disconnected without sending a response."),
            "connection failed",
        ),
        "reset-while-reading": (raises(httpx.ReadError, "[Errno 104] Connection reset by peer"), "connection failed"),
        "reset-on-connect": (raises(httpx.ConnectError, "[Errno 104] Connection reset by peer"), "connection failed"),
        "empty-choices": (answer(fake, "", choices=False), "empty choice list"),
    }


TRANSPORT = [
    "429", "500", "502", "503", "read-timeout", "reset-before-response", "reset-while-reading",
    "reset-on-connect", "empty-choices",
]


@pytest.mark.parametrize("name", TRANSPORT)
def test_transport_fault_is_retried_then_the_chunk_falls_back(
    name: str, tmp_path: Path, fake: FakeLLM, doc: Any
) -> None:
    fault, phrase = _transport_faults(fake)[name]
    fake.fail(1, *[fault] * PERSIST)
    r = run(tmp_path, fake)
    reason = assert_degraded(r, 1, phrase, doc[1])
    no_answer = name.startswith(("reset", "read-timeout"))
    assert r.s.provenance.chunks[1].failure == (FailureKind.unreachable if no_answer else FailureKind.transport)
    assert fake.calls_for(1) == T + 1  # bounded
    assert len(r.slept) == T and all(0 < w <= 30 for w in r.slept)
    assert reason.endswith(f"after {T + 1} attempt(s)")
    assert r.s.provenance.chunks[1].attempts == T + 1


@pytest.mark.parametrize("name", [*TRANSPORT, "cut-body"])
def test_one_transient_fault_is_absorbed(name: str, tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    fault = (
        raw_body(json.dumps({"id": "x", "choices": [{"message": {"content": "{\"summ"}}]})[:50].encode())
        if name == "cut-body"
        else _transport_faults(fake)[name][0]
    )
    fake.fail(1, fault)
    r = run(tmp_path, fake)
    assert fake.calls_for(1) == 2
    assert_nothing_lost(r.s, doc[1], set())


def test_body_cut_off_mid_json(tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    whole = json.dumps(fake.payload(fake.answer_json(1)), ensure_ascii=False).encode()
    fake.fail(1, *[raw_body(whole[: len(whole) // 2])] * PERSIST)
    r = run(tmp_path, fake)
    assert_degraded(r, 1, "response was not complete JSON", doc[1])
    # instructor re-requests a body it cannot parse (R times) inside each of our T+1 attempts
    assert fake.calls_for(1) == (T + 1) * (R + 1)
    assert len(r.slept) == T


@pytest.mark.parametrize(
    "headers,expected",
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "120"}, 30.0),  # capped by settings.max_wait
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "0"}, 0.0),
    ],
    ids=["seconds", "capped", "milliseconds", "zero"],
)
def test_retry_after_is_honoured(
    headers: dict[str, str], expected: float, tmp_path: Path, fake: FakeLLM, doc: Any
) -> None:
    fake.fail(1, *[status(429, headers=headers)] * PERSIST)
    r = run(tmp_path, fake)
    assert r.slept == [expected] * T
    assert_degraded(r, 1, "HTTP 429", doc[1])


def test_retry_after_http_date_and_on_503(tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    fake.fail(1, status(503, headers={"retry-after": when}), status(503, headers={"retry-after": "3"}))
    r = run(tmp_path, fake)
    assert 15 <= r.slept[0] <= 20 and r.slept[1] == 3.0
    assert_nothing_lost(r.s, doc[1], set())  # third attempt answered


def test_429_then_success_waits_as_told_and_keeps_the_answer(tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    fake.fail(1, status(429, headers={"retry-after": "7"}))
    r = run(tmp_path, fake)
    assert r.slept == [7.0] and fake.calls_for(1) == 2
    assert r.s.provenance.chunks[1].attempts == 2
    assert_nothing_lost(r.s, doc[1], set())


def test_429_without_retry_after_backs_off_exponentially(tmp_path: Path, fake: FakeLLM) -> None:
    fake.fail(1, *[status(429)] * PERSIST)
    r = run(tmp_path, fake, transport_retries=4, max_wait=1.5)
    assert len(r.slept) == 4 and fake.calls_for(1) == 5
    assert 0.5 <= r.slept[0] <= 0.75 and 1.0 <= r.slept[1] <= 1.25
    assert all(w <= 1.5 + 0.25 for w in r.slept[2:])  # capped (plus jitter)


# ---------------------------------------------------------------------------------------
# Answer faults: re-asked with the error (R re-asks), then the chunk falls back; no back-off


def _repeat_items(fake: FakeLLM) -> str:
    a = json.loads(fake.answer_json(1))
    a["indicators"] = a["indicators"][:1] * 20
    return json.dumps(a, ensure_ascii=False)


def _not_in_source(fake: FakeLLM) -> str:
    a = json.loads(fake.answer_json(1))
    a["indicators"] = [{"name": "新建5G基站", "mention": 2, "value": 999, "role": "target", "year": None}]
    return json.dumps(a, ensure_ascii=False)


ANSWER_FAULTS = {
    "schema": (lambda f: json.dumps({"summary": "产业", "indicators": "none"}), "answer did not match the schema"),
    "truncated-content": (lambda f: f.answer_json(1)[:60], "answer was not valid JSON"),
    "repeats-items": (_repeat_items, "more items than the schema allows"),
    "number-not-in-source": (_not_in_source, "answer failed the source check"),
    "not-json-at-all": (lambda f: "好的，以下是本段的指标：新建5G基站800个。", "answer was not valid JSON"),
}


@pytest.mark.parametrize("name", list(ANSWER_FAULTS))
@pytest.mark.parametrize("mode", ["json_schema", "tools"])
def test_bad_answer_is_reasked_then_the_chunk_falls_back(
    name: str, mode: str, tmp_path: Path, doc: Any
) -> None:
    fake = FakeLLM(doc[1], mode=mode)
    make, phrase = ANSWER_FAULTS[name]
    fake.fail(1, *[answer(fake, make(fake))] * PERSIST)
    r = run(tmp_path, fake, mode=mode)
    reason = assert_degraded(r, 1, phrase, doc[1])
    expected = FailureKind.source_check if name == "number-not-in-source" else FailureKind.invalid_answer
    assert r.s.provenance.chunks[1].failure == expected
    assert fake.calls_for(1) == R + 1 and r.slept == []
    assert f"after {R + 1} attempt(s)" in reason
    # the re-ask carries the error back to the model
    reask = fake.bodies[fake.calls.index(1) + 1]["messages"]
    assert len(reask) > 2 and reask[:2] == fake.bodies[fake.calls.index(1)]["messages"][:2]
    if name == "number-not-in-source":
        assert any(c.status == "rejected" and "999" in c.reason for c in r.s.checks)
        assert 999 not in [q.value for i in r.s.indicators for q in i.quantities()]


@pytest.mark.parametrize(
    "content",
    [
        '{"summary": "加快建设现代化产业体系", "indicators": [{"name": "新建5G',
        '{"summary": "' + "加快建设加快建设" * 300,  # a model repeating itself until the cap
    ],
    ids=["cut-at-cap", "repeats-until-cap"],
)
def test_answer_that_hits_the_token_cap(content: str, tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    fake.fail(1, *[answer(fake, content, finish="length")] * PERSIST)
    r = run(tmp_path, fake)
    assert_degraded(r, 1, "hit the max_tokens cap", doc[1])
    assert r.s.provenance.chunks[1].failure == FailureKind.token_cap
    # at temperature 0 the same request runs to the same cap: not retried
    assert fake.calls_for(1) == 1 and r.slept == []


def test_repeating_answer_cut_without_length_flag(tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    """Some servers say finish_reason=stop even when they cut the answer at the cap."""
    fake.fail(1, *[answer(fake, '{"summary": "' + "加快建设" * 400)] * PERSIST)
    r = run(tmp_path, fake)
    assert_degraded(r, 1, "answer was not valid JSON", doc[1])
    assert fake.calls_for(1) == R + 1


# ---------------------------------------------------------------------------------------
# Many faults at once, run-level errors, the production transport library


def test_every_chunk_faulted_differently_in_parallel(tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    fake.fail(0, *[status(503)] * PERSIST)
    fake.fail(1, *[answer(fake, json.dumps({"summary": 1}))] * PERSIST)
    fake.fail(2, *[answer(fake, '{"summary": "民生', finish="length")] * PERSIST)
    r = run(tmp_path, fake, concurrency=2)
    reasons = [c.degraded or "" for c in r.s.provenance.chunks]
    assert "HTTP 503" in reasons[0] and "schema" in reasons[1] and "max_tokens" in reasons[2]
    assert_nothing_lost(r.s, doc[1], {0, 1, 2})
    assert len(fake.calls) == (T + 1) + (R + 1) + 1


def test_unreachable_endpoint_is_one_clear_error(tmp_path: Path, fake: FakeLLM) -> None:
    for k in range(3):
        fake.fail(k, *[raises(httpx.ConnectError, "[Errno 111] Connection refused")] * PERSIST)
    with pytest.raises(LLMError, match="cannot reach the model endpoint http://llm.test/v1") as err:
        run(tmp_path, fake)
    assert len(fake.calls) == 3 * (T + 1)
    assert KEY not in str(err.value)


@pytest.mark.parametrize(
    "code,phrase", [(401, "refused the API key"), (403, "refused the API key"), (404, "does not know model")]
)
def test_auth_and_model_errors_stop_the_run_cleanly(code: int, phrase: str, tmp_path: Path, fake: FakeLLM) -> None:
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}", "code": "invalid_api_key"}}
    fake.fail(1, *[status(code, body=echo)] * PERSIST)
    with pytest.raises(LLMError, match=phrase) as err:
        run(tmp_path, fake)
    assert fake.calls_for(1) == 1  # not retried: it will not get better
    assert KEY not in str(err.value) and KEY not in repr(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__


@pytest.mark.parametrize("code", [400, 413, 422])
def test_refused_request_is_not_retried(code: int, tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    """A 4xx other than 401/403/404/429 is about this request (e.g. the context is too long):
    the chunk falls back at once, with the server's words."""
    said = "This model's maximum context length is 4096 tokens"
    fake.fail(1, *[status(code, body={"error": {"message": said}})] * PERSIST)
    r = run(tmp_path, fake)
    reason = assert_degraded(r, 1, f"HTTP {code} from the endpoint, not retried", doc[1])
    assert r.s.provenance.chunks[1].failure == FailureKind.refused
    assert said in reason
    assert fake.calls_for(1) == 1 and r.slept == []


def test_default_transport_library_httpx2(tmp_path: Path, fake: FakeLLM, doc: Any) -> None:
    """openai 3.x sends through httpx2 by default: the same faults classify the same way."""
    httpx2 = pytest.importorskip("httpx2")

    def handler(request: Any) -> Any:
        req = httpx.Request(request.method, str(request.url), headers=request.headers, content=request.read())
        try:
            resp = fake(req)
        except httpx.RequestError as exc:
            raise getattr(httpx2, type(exc).__name__)(str(exc), request=request) from None
        return httpx2.Response(resp.status_code, headers=resp.headers, content=resp.content)

    fake.fail(0, raises(httpx.ReadTimeout, "timed out"), raises(httpx.RemoteProtocolError, "reset"))
    fake.fail(1, *[status(429, headers={"retry-after": "4"})] * PERSIST)
    s = settings(tmp_path)
    slept: list[float] = []
    ex = ChunkClient(s, sleep=slept.append, http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    summary = summarize_document(Document.from_text(TEXT), engine="hybrid", settings=s, client=ex)
    ex.close()
    assert fake.calls_for(0) == 3 and fake.calls_for(1) == T + 1
    assert slept[-T:] == [4.0] * T
    assert summary.provenance.chunks[0].degraded is None
    assert "HTTP 429" in (summary.provenance.chunks[1].degraded or "")
    assert_nothing_lost(summary, doc[1], {1})


# ---------------------------------------------------------------------------------------
# Nothing lost: Ctrl-C keeps the cache of finished chunks; a rerun resumes


def _comparable(s: PlanSummary) -> dict[str, Any]:
    d = s.model_dump(mode="json")
    d["provenance"] = {"degraded": [c["degraded"] for c in d["provenance"]["chunks"]]}
    return d


def test_interrupt_keeps_finished_chunks_and_a_rerun_resumes(tmp_path: Path, doc: Any) -> None:
    import diskcache

    first = FakeLLM(doc[1]).fail(2, interrupt())
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, first)
    assert first.calls == [0, 1, 2]
    with diskcache.Cache(str(tmp_path / "cache")) as cache:
        assert len(cache) == 2  # chunks 0 and 1 were finished and are kept

    second = FakeLLM(doc[1])
    resumed = run(tmp_path, second)
    assert second.calls == [2]  # zero calls for the cached chunks
    assert [c.cached for c in resumed.s.provenance.chunks] == [True, True, False]

    fresh = run(tmp_path / "elsewhere", FakeLLM(doc[1]))
    assert _comparable(resumed.s) == _comparable(fresh.s)


def test_interrupt_with_requests_in_flight(tmp_path: Path, doc: Any) -> None:
    """With two workers, the chunk in flight when Ctrl-C lands still finishes and is cached."""
    first = FakeLLM(doc[1]).fail(0, interrupt())
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, first, concurrency=2)
    second = FakeLLM(doc[1])
    resumed = run(tmp_path, second, concurrency=2)
    assert 0 in second.calls and len(second.calls) == 3 - sum(c.cached for c in resumed.s.provenance.chunks)
    assert _comparable(resumed.s) == _comparable(run(tmp_path / "b", FakeLLM(doc[1])).s)


# ---------------------------------------------------------------------------------------
# The CLI: --strict, exit codes, quiet logs, Ctrl-C


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """Run `plansum` in-process with the model env set and the transport of `fake`."""
    import plansum.llm.extractor as lp

    monkeypatch.setenv("PLANSUM_MODEL", "m")
    monkeypatch.setenv("PLANSUM_BASE_URL", BASE_URL)
    monkeypatch.setenv("PLANSUM_API_KEY", KEY)
    monkeypatch.setenv("PLANSUM_CHUNK_CHARS", str(CHUNK_CHARS))
    monkeypatch.setenv("PLANSUM_CONCURRENCY", "1")
    doc_path = tmp_path / "qinglan_2026.txt"
    doc_path.write_text(TEXT, encoding="utf-8")
    real = lp.ChunkClient
    slept: list[float] = []

    def invoke(fake: FakeLLM, *args: str) -> Any:
        def make(s: Any, *a: Any, **k: Any) -> ChunkClient:
            return real(s, *a, sleep=slept.append, http_client=fake.client(), **k)

        monkeypatch.setattr(lp, "ChunkClient", make)
        return CliRunner().invoke(app, ["summarize", str(doc_path), *args])

    invoke.slept = slept  # type: ignore[attr-defined]
    return invoke


def _clean(result: Any) -> None:
    assert "Traceback" not in result.output
    assert "API call failed" not in result.output  # instructor's own log lines stay quiet
    assert KEY not in result.output
    assert not isinstance(result.exception, BaseException) or isinstance(result.exception, SystemExit)


def test_cli_degraded_chunk_is_listed_and_strict_fails(cli: Any, doc: Any) -> None:
    fake = FakeLLM(doc[1]).fail(1, *[status(503)] * PERSIST)
    ok = cli(fake)
    assert ok.exit_code == 0, ok.output
    _clean(ok)
    assert "plansum: chunk 1 fell back to rules: HTTP 503 from the endpoint after 4 attempt(s)" in ok.stderr
    assert "`chunk[1]` 降级 (degraded)" in ok.stdout  # the summary lists it too

    fake = FakeLLM(doc[1]).fail(1, *[status(503)] * PERSIST)
    strict = cli(fake, "--strict")
    assert strict.exit_code == 3
    _clean(strict)
    assert "chunk 1 fell back to rules" in strict.stderr


def test_cli_strict_passes_when_nothing_degraded(cli: Any, doc: Any) -> None:
    fake = FakeLLM(doc[1]).fail(0, status(429, headers={"retry-after": "2"}))
    result = cli(fake, "--strict", "-f", "json")
    assert result.exit_code == 0, result.output
    _clean(result)
    data = json.loads(result.stdout)
    assert [c["degraded"] for c in data["provenance"]["chunks"]] == [None, None, None]
    assert cli.slept == [2.0]


@pytest.mark.parametrize(
    "fault,code,phrase",
    [
        (raises(httpx.ConnectError, "[Errno 111] Connection refused"), 2, "cannot reach the model endpoint"),
        (status(401, body={"error": {"message": f"bad key {KEY}"}}), 2, "refused the API key"),
    ],
    ids=["unreachable", "bad-key"],
)
def test_cli_run_level_errors_are_one_line(cli: Any, doc: Any, fault: Any, code: int, phrase: str) -> None:
    fake = FakeLLM(doc[1])
    for k in range(3):
        fake.fail(k, *[fault] * PERSIST)
    result = cli(fake)
    assert result.exit_code == code
    _clean(result)
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("plansum: error:")]
    assert len(errors) == 1 and phrase in errors[0]


def test_cli_ctrl_c_exits_130_and_a_rerun_resumes(cli: Any, doc: Any) -> None:
    first = FakeLLM(doc[1]).fail(1, interrupt())
    result = cli(first, "-f", "json")
    assert result.exit_code == 130
    assert "interrupted; finished chunks are kept in the cache" in result.stderr
    assert "Traceback" not in result.output

    second = FakeLLM(doc[1])
    resumed = cli(second, "-f", "json")
    assert resumed.exit_code == 0
    # chunk 0 comes from the cache; chunk 2 may have been finished (and cached) by the worker
    # before the interrupt reached the main thread
    assert second.calls in ([1], [1, 2])
    fresh_fake = FakeLLM(doc[1])
    fresh = cli(fresh_fake, "-f", "json", "--no-cache")
    assert fresh_fake.calls == [0, 1, 2]
    a, b = json.loads(resumed.stdout), json.loads(fresh.stdout)
    a.pop("provenance"), b.pop("provenance")
    assert a == b


def test_cli_unexpected_error_is_one_line_without_the_key(
    cli: Any, doc: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (here: a crash inside the pipeline that quotes the key) is not a traceback."""
    import plansum.pipeline

    def boom(*a: Any, **k: Any) -> None:
        raise RuntimeError(f"cannot merge chunk 1 (client api_key={KEY})")

    monkeypatch.setattr(plansum.pipeline, "summarize_document", boom)
    result = cli(FakeLLM(doc[1]))
    assert result.exit_code == 1
    _clean(result)
    assert "plansum: error: unexpected RuntimeError: cannot merge chunk 1 (client api_key=***)" in result.stderr
    verbose = cli(FakeLLM(doc[1]), "--verbose")
    assert verbose.exit_code == 1 and "Traceback" in verbose.stderr and KEY not in verbose.output


# ---------------------------------------------------------------------------------------
# Secrets: the key never appears in cassettes, logs, reports, exceptions or --verbose output


def _echo_key_faults(fake: FakeLLM) -> FakeLLM:
    """A server that echoes the key back in an error body and a header, then recovers."""
    echo_body = {"error": {"message": f"Rate limit reached for key {KEY}", "type": "requests"}}
    return fake.fail(1, status(429, headers={"x-echo-key": KEY, "retry-after": "1"}, body=echo_body), good_then(fake, 1))


def test_key_is_sent_but_never_in_a_cassette(tmp_path: Path, fake: FakeLLM) -> None:
    from plansum.replay.cassettes import recording, scan_for_secrets

    fake.fail(1, status(429, headers={"retry-after": "1"}))
    with recording("qinglan_2026.txt", tmp_path / "cassettes"):
        r = run(tmp_path, fake)
    assert all(h.get("authorization") == f"Bearer {KEY}" for h in fake.headers)  # it was sent
    text = (tmp_path / "cassettes" / "qinglan_2026.yaml").read_text(encoding="utf-8")
    assert "chat/completions" in text and text.count("- request:") == len(fake.calls) == 4
    assert TEXT[60:90] not in text  # request bodies are digests, not the document
    assert KEY not in text and "authorization" not in text.lower()
    assert scan_for_secrets(tmp_path / "cassettes", [KEY]) == []
    assert r.s.provenance.chunks[1].degraded is None


def test_recording_masks_the_key_when_the_server_echoes_it(
    tmp_path: Path, fake: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plansum record` masks the key in response bodies and header values before it writes
    the cassette (issue 13: scrub before writing, not refuse after)."""
    import plansum.llm.extractor as lp
    from plansum.replay.recording import record_documents

    real = lp.ChunkClient
    monkeypatch.setattr(
        lp, "ChunkClient", lambda s, *a, **k: real(s, *a, sleep=lambda w: None, http_client=fake.client(), **k)
    )
    doc_path = tmp_path / "qinglan_2026.txt"
    doc_path.write_text(TEXT, encoding="utf-8")
    from plansum.settings import Settings

    settings = Settings.from_env(model="m", base_url=BASE_URL, api_key=KEY, chunk_chars=CHUNK_CHARS, concurrency=1)
    _echo_key_faults(fake)
    record_documents([doc_path], settings, out_dir=tmp_path / "cassettes", echo=lambda m: None)
    text = (tmp_path / "cassettes" / "qinglan_2026.yaml").read_text(encoding="utf-8")
    assert KEY not in text and "Rate limit reached for key ***" in text
    assert "x-echo-key" in text.lower()  # the header is kept, its value masked


def test_key_never_in_logs(tmp_path: Path, fake: FakeLLM, caplog: pytest.LogCaptureFixture) -> None:
    _echo_key_faults(fake)
    fake.fail(2, *[status(401, body={"error": {"message": f"Incorrect API key provided: {KEY}"}})])
    caplog.set_level(logging.DEBUG)
    with pytest.raises(LLMError):
        run(tmp_path, fake)
    assert "API call failed" in caplog.text  # the libraries did log the failures …
    assert "429" in caplog.text
    assert KEY not in caplog.text  # … with the key masked
    for rec in caplog.records:
        assert KEY not in rec.getMessage()


def test_key_never_in_reports_or_exceptions(tmp_path: Path, fake: FakeLLM) -> None:
    fake.fail(0, *[status(500, body={"error": {"message": f"internal error for {KEY}"}})] * PERSIST)
    fake.fail(1, *[raises(httpx.ReadTimeout, f"timed out talking to {KEY}")] * PERSIST)
    fake.fail(2, *[answer(fake, json.dumps({"summary": KEY}))] * PERSIST)
    r = run(tmp_path, fake)
    assert all(c.degraded for c in r.s.provenance.chunks)
    for fmt in ("markdown", "json", "csv", "html"):
        out = render(r.s, TEXT, fmt)
        assert KEY not in (out if isinstance(out, str) else out.decode("utf-8"))
    assert KEY not in repr(settings(tmp_path))


def test_key_never_in_verbose_output(cli: Any, doc: Any) -> None:
    fake = _echo_key_faults(FakeLLM(doc[1]))
    result = cli(fake, "--verbose")
    assert result.exit_code == 0, result.output
    assert "API call failed" in result.stderr  # --verbose does show the libraries' logs …
    assert "HTTP 429" in result.stderr or "429" in result.stderr
    assert KEY not in result.output  # … with the key masked
    assert "***" in result.stderr

    fake = FakeLLM(doc[1]).fail(0, *[status(401, body={"error": {"message": f"key {KEY} is wrong"}})] * PERSIST)
    bad = cli(fake, "--verbose", "--api-key", KEY, "--no-cache")
    assert bad.exit_code == 2 and "refused the API key" in bad.stderr
    assert KEY not in bad.output
    assert "Traceback" not in bad.output
