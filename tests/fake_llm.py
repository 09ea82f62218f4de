"""An OpenAI-compatible chat endpoint inside the test process, as an httpx transport.

`FakeLLM` answers every chunk of a document correctly (citing the chunk's real 【n】 mention
numbers) unless a fault is queued for that chunk; faults are factories, so each call gets a
fresh response or exception.  It records which chunk every HTTP call was for, so tests can
bound the retries.  Used by test_faults.py and test_bad_input.py; no network, no sleeps.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from plansum.parse.chunking import Chunk
from plansum.document import Document
from plansum.llm.client import ChunkClient
from plansum.llm.answer import build_messages
from plansum.models import PlanSummary
from plansum.pipeline import summarize_document
from plansum.llm.prompts import load_prompt
from plansum.settings import Settings

KEY = "sk-test-SECRET123456789"
BASE_URL = "http://llm.test/v1"
CHUNK_CHARS = 220

# A fictional annual plan; with CHUNK_CHARS it makes three chunks, one per section.
TEXT = """青岚市2026年国民经济和社会发展计划（摘要）
一、主要预期目标
2026年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，规模以上工业增加值增长7.5%，固定资产投资增长8%以上，社会消费品零售总额增长6.5%左右，城镇新增就业1.3万人，城镇调查失业率控制在5.5%左右，居民消费价格涨幅3%左右，粮食产量稳定在180亿斤以上。坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。
二、加快建设现代化产业体系
全年新增规模以上工业企业55户，新建5G基站800个，新建高标准农田30万亩，数字经济核心产业增加值增长12%。加快青岚铝基新材料产业园二期、云溪锂电池正极材料项目建设，推动岚江新区综合管廊项目开工。推动制造业高端化、智能化、绿色化发展，培育一批专精特新企业。
三、持续保障和改善民生
新增城镇公办幼儿园学位3000个，改造城镇老旧小区120个，新建养老服务中心15个，城乡居民基本医疗保险参保率不低于95%。实施青岚市民生实事十项工程，办好群众身边的实事好事，让发展成果更多更公平惠及全体人民。
"""

# What a good model says per chunk: (name, the mention as written, role, year).  The names
# are written next to their numbers, as the check of names asks (verify.check_name).
GOOD: dict[int, dict[str, Any]] = {
    0: {
        "summary": "2026年主要预期目标",
        "indicators": [
            ("地区生产总值", "6%左右", "growth", 2026),
            ("城镇新增就业", "1.3万人", "target", 2026),
        ],
        "goals": ["坚持稳中求进工作总基调"],
        "projects": [],
    },
    1: {
        "summary": "加快建设现代化产业体系",
        "indicators": [
            ("新建5G基站", "800个", "target", None),
            ("数字经济核心产业增加值", "12%", "growth", None),
        ],
        "goals": [],
        "projects": ["青岚铝基新材料产业园二期"],
    },
    2: {
        "summary": "持续保障和改善民生",
        "indicators": [
            ("新增城镇公办幼儿园学位", "3000个", "target", None),
            ("城乡居民基本医疗保险参保率", "不低于95%", "target", None),
        ],
        "goals": [],
        "projects": [],
    },
}
LLM_NAMES = {k: {i[0] for i in v["indicators"]} for k, v in GOOD.items()}


def settings(tmp_path: Any, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        model="m",
        base_url=BASE_URL,
        api_key=KEY,
        chunk_chars=CHUNK_CHARS,
        transport_retries=2,
        max_retries=1,
        concurrency=1,
        cache_dir=tmp_path / "cache",
    )
    values.update(overrides)
    return Settings(**values)


def run_llm(
    tmp_path: Any, fake: FakeLLM, text: str = TEXT, **overrides: Any
) -> tuple[PlanSummary, list[float]]:
    """The LLM path on `text` against `fake`; back-off waits are recorded, not slept."""
    s = settings(tmp_path, **overrides)
    slept: list[float] = []
    ex = ChunkClient(s, sleep=slept.append, http_client=fake.client())
    try:
        return summarize_document(Document.from_text(text), engine="hybrid", settings=s, client=ex), slept
    finally:
        ex.close()


def document(text: str = TEXT, chunk_chars: int = CHUNK_CHARS) -> tuple[Document, list[Chunk]]:
    a = Document.from_text(text)
    return a, a.chunks(chunk_chars)


def extraction(chunk: Chunk, spec: dict[str, Any]) -> dict[str, Any]:
    """The JSON a correct model writes for `chunk`: each value cited by its real mention number."""
    _, ids = build_messages(load_prompt(), chunk)
    by_raw = {q.raw: (n, q) for n, q in ids.items()}
    inds = []
    for name, raw, role, year in spec["indicators"]:
        n, q = by_raw[raw]
        inds.append({"name": name, "mention": n, "value": q.value, "role": role, "year": year})
    return {
        "summary": spec["summary"],
        "indicators": inds,
        "goals": spec["goals"],
        "projects": spec["projects"],
    }


def completion(
    content: str | None = None,
    *,
    finish: str = "stop",
    tool_args: str | None = None,
    choices: bool = True,
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_args is not None:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "ChunkExtraction", "arguments": tool_args},
                }
            ],
        }
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1767225600,
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}] if choices else [],
        "usage": {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160},
    }


Fault = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeLLM:
    chunks: list[Chunk]
    mode: str = "json_schema"
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    faults: dict[int, list[Fault]] = field(default_factory=lambda: defaultdict(list))
    calls: list[int] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[httpx.Headers] = field(default_factory=list)

    def __post_init__(self) -> None:
        prompt = load_prompt()
        # (the client strips trailing whitespace from message content on the way out)
        self._by_user = {build_messages(prompt, c)[0][1]["content"].strip(): c.index for c in self.chunks}
        for c in self.chunks:
            if c.index not in self.answers:
                self.answers[c.index] = (
                    extraction(c, GOOD[c.index])
                    if c.index in GOOD
                    else {"summary": "", "indicators": [], "goals": [], "projects": []}
                )
        self._lock = threading.Lock()

    def fail(self, chunk: int, *faults: Fault) -> FakeLLM:
        self.faults[chunk].extend(faults)
        return self

    def calls_for(self, chunk: int) -> int:
        return self.calls.count(chunk)

    def answer_json(self, chunk: int) -> str:
        return json.dumps(self.answers[chunk], ensure_ascii=False)

    def good(self, chunk: int) -> httpx.Response:
        return httpx.Response(200, json=self.payload(self.answer_json(chunk)))

    def payload(self, text: str, finish: str = "stop") -> dict[str, Any]:
        if self.mode == "tools":
            return completion(tool_args=text, finish="tool_calls" if finish == "stop" else finish)
        return completion(text, finish=finish)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        k = self._by_user[body["messages"][1]["content"].strip()]
        with self._lock:
            self.calls.append(k)
            self.bodies.append(body)
            self.headers.append(request.headers)
            fault = self.faults[k].pop(0) if self.faults[k] else None
        if fault is None:
            return self.good(k)
        return fault(request)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


# ---------------------------------------------------------------------------------------
# Faults (factories: a fresh response or exception per call)


def status(code: int, headers: dict[str, str] | None = None, body: Any = None) -> Fault:
    def f(request: httpx.Request) -> httpx.Response:
        payload = body if body is not None else {"error": {"message": f"error {code}", "type": "server_error"}}
        if isinstance(payload, str):
            return httpx.Response(code, headers=headers, text=payload)
        return httpx.Response(code, headers=headers, json=payload)

    return f


def raises(exc_type: type[Exception], message: str) -> Fault:
    def f(request: httpx.Request) -> httpx.Response:
        if issubclass(exc_type, httpx.RequestError):
            raise exc_type(message, request=request)
        raise exc_type(message)

    return f


def interrupt() -> Fault:
    def f(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    return f


def raw_body(data: bytes) -> Fault:
    def f(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/json"}, content=data)

    return f


def answer(fake: FakeLLM, text: str, finish: str = "stop", choices: bool = True) -> Fault:
    def f(request: httpx.Request) -> httpx.Response:
        if not choices:
            return httpx.Response(200, json=completion("", choices=False))
        return httpx.Response(200, json=fake.payload(text, finish))

    return f


def good_then(fake: FakeLLM, chunk: int) -> Fault:
    return lambda request: fake.good(chunk)
