"""One chunk to an OpenAI-compatible model through instructor, checked against the source.

The model sees the chunk with every number mention numbered (【3】7%左右) and answers with
mention numbers; a value it gives must be the number at that place, or at least a number of
the chunk.  The check (`verify.cited_value`) runs in the response model's validator, which
reads the chunk's mentions from instructor's validation context, so a wrong answer is
re-asked with the list of numbers that really are there; what the check refused is
collected in the same context.  A failure is classified once, where it happens, into a
`FailureKind`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, cast

# Every import at module level: a worker thread must never be the first to import a module
# (a lazy `import httpx` racing openai's own import once gave a half-initialised module).
import httpx
import instructor
import openai
from instructor.core.exceptions import (
    IncompleteOutputException,
    InstructorRetryException,
    ResponseParsingError,
)
from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    create_model,
    model_validator,
)
from tenacity import Retrying, retry_if_exception, stop_after_attempt
from tenacity.nap import sleep as tenacity_sleep

from .cache import ResponseCache
from ..parse.chunking import Chunk
from ..errors import CassetteError, FailureKind, LLMError
from ..models import CheckStatus, Quantity
from ..parse.numbers import is_year
from .prompts import Prompt, load_prompt
from ..redact import guard_logs, scrub
from ..settings import Settings
from .transport import DeadlineExceeded, ResponseTooLarge, guarded_client
from ..verify import cited_value, listing

log = logging.getLogger("plansum")

# ---------------------------------------------------------------------------------------
# What the model answers


class ExtractedIndicator(BaseModel):
    name: str = Field(description="指标名称")
    mention: int = Field(description="数值的编号，即正文中【n】的 n")
    value: float | None = Field(description="该编号处的数值")
    role: Literal["target", "actual", "growth", "baseline"]
    year: int | None = Field(description="年份")

    _resolved: int | None = PrivateAttr(default=None)
    _status: CheckStatus = PrivateAttr(default=CheckStatus.verified)
    _reason: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _in_source(self, info: ValidationInfo) -> ExtractedIndicator:
        ctx = info.context or {}
        mentions: dict[int, Quantity] | None = ctx.get("mentions")
        if mentions is None:
            return self
        vc = cited_value(self.name, self.mention, self.value, mentions)
        if not vc.ok:
            rejected = ctx.get("rejected")
            if rejected is not None and vc.problem not in rejected:
                rejected.append(vc.problem)
            raise ValueError(vc.reask)
        self._resolved, self._status, self._reason = vc.resolved, vc.check.status, vc.check.reason
        return self


def validation_context(mentions: dict[int, Quantity], secret: str | None = None) -> dict[str, Any]:
    """The context the validators read (the chunk's mentions, the key to mask) and write
    (what the source check refused)."""
    return {"mentions": mentions, "rejected": [], "secret": secret}


def _masked(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, list):
        return [_masked(v, secret) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, secret) for k, v in value.items()}
    return value


class ChunkExtraction(BaseModel):
    # No defaults: a grammar-constrained model must write every key, not stop at "{}".
    # Bounded lists and lengths keep a looping small model's answer inside the token cap;
    # what a chunk holds beyond them is filled in by the rules.
    summary: str = Field(max_length=80, description="本段一句话摘要")
    indicators: list[ExtractedIndicator] = Field(max_length=6, description="最重要的量化指标")
    goals: list[str] = Field(max_length=2, description="定性目标，照抄原文短句")
    projects: list[str] = Field(max_length=4, description="项目或工程名称，照抄原文")

    @model_validator(mode="before")
    @classmethod
    def _mask_secret(cls, data: Any, info: ValidationInfo) -> Any:
        """A model that echoes the API key (some endpoints put it in the prompt's context)
        must not carry it into the summary or the cache: masked before anything reads it."""
        secret = (info.context or {}).get("secret")
        if not secret or len(secret) < 4:
            return data
        if isinstance(data, str | bytes):  # instructor may hand over the raw JSON text
            raw = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            return raw.replace(secret, "***")
        return _masked(data, secret)


def schema_sha(model: type[BaseModel] = ChunkExtraction) -> str:
    raw = json.dumps(model.model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


# The compact answer, for small models: mention number → name, role, year.  No value (it is
# the number at the mention, by construction), short keys, and `m` can only be one of the
# chunk's numbers (an enum in the JSON Schema, which a grammar-constrained server enforces),
# so an answer cannot cite a year or a number that is not there.


class CompactItem(BaseModel):
    m: int = Field(description="数字的编号，即正文中【n】的 n")
    name: str = Field(max_length=20, description="指标名称，照抄正文")
    role: Literal["target", "actual", "growth", "baseline"]
    year: int | None = Field(description="年份")

    _resolved: int | None = PrivateAttr(default=None)
    _status: CheckStatus = PrivateAttr(default=CheckStatus.verified)
    _reason: str = PrivateAttr(default="")

    @property
    def mention(self) -> int:
        return self.m

    @property
    def value(self) -> None:
        return None

    @model_validator(mode="after")
    def _in_source(self, info: ValidationInfo) -> CompactItem:
        ctx = info.context or {}
        mentions: dict[int, Quantity] | None = ctx.get("mentions")
        if mentions is None:
            return self
        vc = cited_value(self.name, self.m, None, mentions)
        if not vc.ok:
            rejected = ctx.get("rejected")
            if rejected is not None and vc.problem not in rejected:
                rejected.append(vc.problem)
            raise ValueError(vc.reask)
        self._resolved, self._status, self._reason = vc.resolved, vc.check.status, vc.check.reason
        return self


class CompactAnswer(BaseModel):
    summary: str = Field(max_length=40, description="本段一句话摘要")
    items: list[CompactItem] = Field(max_length=4, description="量化指标")
    goals: list[str] = Field(max_length=1, description="定性目标，照抄原文短句")
    projects: list[str] = Field(max_length=2, description="项目或工程名称，照抄原文")

    @property
    def indicators(self) -> list[CompactItem]:
        return self.items


def citable(mentions: dict[int, Quantity]) -> list[int]:
    """The mention numbers an indicator may cite: every number but years."""
    return [i for i, q in sorted(mentions.items()) if not is_year(q)]


def compact_model(mentions: dict[int, Quantity]) -> type[CompactAnswer]:
    """`CompactAnswer` whose `m` is one of this chunk's citable mention numbers."""
    ids = citable(mentions)
    if not ids:
        item: Any = CompactItem
        cap = 0
    else:
        item = create_model(
            "CompactItem",
            __base__=CompactItem,
            m=(Literal[tuple(ids)], Field(description="数字的编号，即正文中【n】的 n")),  # type: ignore[valid-type]
        )
        cap = 4
    return create_model(
        "ChunkAnswer",
        __base__=CompactAnswer,
        items=(list[item], Field(max_length=cap, description="量化指标")),
    )


# ---------------------------------------------------------------------------------------
# The request


def numbered_text(chunk: Chunk) -> tuple[str, dict[int, Quantity]]:
    """The chunk text with 【n】 before each number mention (n counts from 1 in the chunk)."""
    parts: list[str] = []
    ids: dict[int, Quantity] = {}
    pos = chunk.span.start
    for k, m in enumerate(chunk.mentions, start=1):
        span = m.quantity.span
        assert span is not None
        parts.append(chunk.text[pos - chunk.span.start : span.start - chunk.span.start])
        parts.append(f"【{k}】")
        pos = span.start
        ids[k] = m.quantity
    parts.append(chunk.text[pos - chunk.span.start :])
    return "".join(parts), ids


def build_messages(
    prompt: Prompt, chunk: Chunk, user_roles: bool = False
) -> tuple[list[dict[str, str]], dict[int, Quantity]]:
    """The request's messages.  With `user_roles` the instructions follow the chunk in one user
    message: some chat templates (llama-cpp-python's gemma) drop the system message."""
    body, ids = numbered_text(chunk)
    user = prompt.user.replace("{section_path}", " > ".join(chunk.section_path) or "（无）").replace(
        "{text}", body
    )
    if user_roles:
        return [{"role": "user", "content": user + "\n\n" + prompt.system}], ids
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": user}], ids


# Re-asks as user content: the model's previous answer as an assistant message with plain
# content, then the problems in a user message.  The wording is fixed here (not pydantic's
# error text), so the request bodies are stable and cassettes replay under any pydantic.

_SCHEMA_PROBLEMS = {
    "json_invalid": "回答不是完整的 JSON",
    "too_long": "{loc} 的条目太多",
    "missing": "缺少 {loc}",
    "literal_error": "{loc} 只能取规定的值",
    "string_too_long": "{loc} 太长",
}


def reask_message(problems: list[str], mentions: dict[int, Quantity]) -> str:
    lines = "\n".join(f"- {p}" for p in problems[:8]) or "- 回答不符合要求"
    return (
        f"上面的回答没有通过检查：\n{lines}\n本段的数字只有：{listing(mentions)}。"
        "请改正后重新回答，只输出 JSON。"
    )


def answer_problems(exc: BaseException, refused: list[str]) -> list[str]:
    """What was wrong with the last answer, in fixed wording."""
    out = list(refused)
    ve = _last_validation_error(exc)
    for e in ve.errors() if ve is not None else []:
        t = str(e.get("type"))
        if t == "value_error":
            continue  # the source check: already in `refused`
        loc = ".".join(str(x) for x in e.get("loc", ())) or "answer"
        p = _SCHEMA_PROBLEMS.get(t, "{loc} 不符合格式").format(loc=loc)
        if p not in out:
            out.append(p)
    return out or ["回答不符合要求"]


def answer_text(exc: BaseException) -> str:
    """The model's last answer as it wrote it (tool-call arguments or content)."""
    attempts = getattr(exc, "failed_attempts", None) or []
    completion = getattr(attempts[-1], "completion", None) if attempts else None
    try:
        msg = completion.choices[0].message  # type: ignore[union-attr]
    except (AttributeError, IndexError):
        return ""
    calls = getattr(msg, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments or "")[:2000]
    return str(getattr(msg, "content", "") or "")[:2000]


# ---------------------------------------------------------------------------------------
# Failures, classified once where they happen


def _cause_chain(exc: BaseException) -> list[BaseException]:
    out = []
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        out.append(e)
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return out


def _all_causes(exc: BaseException) -> list[BaseException]:
    """The cause chain of `exc` and of every failed attempt instructor kept."""
    chain = _cause_chain(exc)
    for fa in getattr(exc, "failed_attempts", None) or []:
        if getattr(fa, "exception", None) is not None:
            chain += _cause_chain(fa.exception)
    return chain


def _find(exc: BaseException, types: tuple[type[BaseException], ...]) -> BaseException | None:
    for e in _cause_chain(exc):
        if isinstance(e, types):
            return e
    return None


def _empty_choices(exc: BaseException) -> bool:
    """The endpoint answered 200 with `"choices": []` (a proxy or server glitch, not the model)."""
    return any(
        isinstance(e, ResponseParsingError) and not getattr(e.raw_response, "choices", None)
        for e in _all_causes(exc)
    )


class NotACompletion(Exception):
    """HTTP 200, but the body is an HTML page or an error object, not a chat completion."""


def _title(html: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
    text = m.group(1) if m else re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.split())[:80]


def not_a_completion(response: Any) -> str | None:
    """What a 200 answer is, when it is not a completion: a login or proxy page, an error."""
    if isinstance(response, str | bytes):
        text = response.decode("utf-8", "replace") if isinstance(response, bytes) else response
        kind = "an HTML page" if "<" in text[:200] else "text"
        return f"the endpoint answered HTTP 200 with {kind}, not a completion ({_title(text)!r})"
    if getattr(response, "choices", []) is not None:
        return None
    extra = getattr(response, "model_extra", None) or {}
    err = extra.get("error")
    if err is not None:
        said = err.get("message", err) if isinstance(err, dict) else err
        return f"the endpoint answered HTTP 200 with an error: {str(said)[:160]}"
    return "the endpoint answered HTTP 200 with JSON that is not a completion (no choices)"


def _checked(create: Callable[..., Any]) -> Callable[..., Any]:
    """The OpenAI create call, refusing a 200 that is not a completion before instructor
    takes it for a bad answer and re-asks (it is not about the answer; re-asking repeats it)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        response = create(*args, **kwargs)
        problem = not_a_completion(response)
        if problem:
            raise NotACompletion(problem)
        return response

    return call


_NO_ANSWER = (openai.APITimeoutError, openai.APIConnectionError, httpx.TransportError)
_NOT_RETRIED = (CassetteError, NotACompletion, ResponseTooLarge)


def is_transport_error(exc: BaseException) -> bool:
    """Worth sending again: 429, 5xx, no answer, a cut-off body, an empty choice list."""
    if _find(exc, _NOT_RETRIED):
        return False
    if _empty_choices(exc):
        return True
    e = _find(exc, (openai.APIStatusError,))
    if e is not None:
        status = getattr(e, "status_code", 0)
        return status == 429 or status >= 500
    return _find(exc, (*_NO_ANSWER, json.JSONDecodeError)) is not None


def retry_after_seconds(exc: BaseException) -> float | None:
    e = _find(exc, (openai.APIStatusError,))
    if e is None:
        return None
    headers = getattr(getattr(e, "response", None), "headers", {}) or {}
    raw = headers.get("retry-after-ms")
    if raw:
        try:
            return float(raw) / 1000
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


def describe_error(exc: BaseException) -> str:
    status = _find(exc, (openai.APIStatusError,))
    if status is not None:
        return f"HTTP {getattr(status, 'status_code', '?')} from the endpoint"
    for e in _cause_chain(exc):
        if isinstance(e, DeadlineExceeded):
            return f"request timed out: {e}"
    for e in _cause_chain(exc):
        if isinstance(e, openai.APITimeoutError):
            return "request timed out"
        if isinstance(e, openai.APIConnectionError):
            return "connection failed"
        if isinstance(e, json.JSONDecodeError):
            return "response was not complete JSON"
    if _empty_choices(exc):
        return "the endpoint answered with an empty choice list"
    attempts = getattr(exc, "failed_attempts", None)
    if attempts:
        exc = getattr(attempts[-1], "exception", None) or exc
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip() and not ln.startswith("<")]
    first = " ".join(lines[:2]) if lines else type(exc).__name__
    return first[:240]


@dataclass(frozen=True)
class Failure:
    """Why a chunk fell back to the rules: a kind to act on and a message to show."""

    kind: FailureKind
    message: str


def _last_validation_error(exc: BaseException) -> ValidationError | None:
    found = _find(exc, (ValidationError,))
    return found if isinstance(found, ValidationError) else None


def _validation_failure(exc: BaseException, refused: list[str]) -> tuple[FailureKind, str]:
    """What kind of wrong answer it was: cut-off JSON, a schema miss, a runaway list, or a
    number that is not in the source (the validator's own check, which filled `refused`)."""
    ve = _last_validation_error(exc)
    if ve is None:
        return FailureKind.invalid_answer, "answer could not be used"
    types = {str(e.get("type")) for e in ve.errors()}
    if "json_invalid" in types:
        return FailureKind.invalid_answer, "answer was not valid JSON"
    if "too_long" in types:
        return FailureKind.invalid_answer, "answer had more items than the schema allows (a model repeating itself?)"
    if types == {"value_error"} and refused:
        return FailureKind.source_check, "answer failed the source check"
    return FailureKind.invalid_answer, "answer did not match the schema"


def _validation_detail(exc: BaseException) -> str:
    """The first error, by field, without echoing the model's whole answer."""
    ve = _last_validation_error(exc)
    if ve is None:
        return describe_error(exc)
    errors = ve.errors()
    first: dict[str, Any] = dict(errors[0]) if errors else {}
    loc = ".".join(str(x) for x in first.get("loc", ())) or "answer"
    msg = str(first.get("msg", "")).replace("Value error, ", "").split("。")[0]
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{loc}: {msg}"[:200] + more


def classify(exc: BaseException, s: Settings, attempts: int, refused: list[str], chunk: int) -> Failure:
    """Turn what went wrong with one chunk into a `Failure`, or raise when the whole run must
    stop: a cassette miss (CassetteError), a refused key or an unknown model (LLMError)."""
    miss = _find(exc, (CassetteError,))
    if miss is not None:
        raise CassetteError(f"chunk {chunk}: {miss}") from exc
    auth = _find(exc, (openai.AuthenticationError, openai.PermissionDeniedError))
    if auth is not None:
        raise LLMError(
            "the endpoint refused the API key (HTTP "
            f"{getattr(auth, 'status_code', '?')}): set PLANSUM_API_KEY (or OPENAI_API_KEY), "
            "or use --offline"
        ) from None
    if _find(exc, (openai.NotFoundError,)) is not None:
        raise LLMError(
            f"the endpoint does not know model {s.model!r} (HTTP 404): set PLANSUM_MODEL / "
            "--model, or check PLANSUM_BASE_URL"
        ) from None
    odd = _find(exc, (NotACompletion, ResponseTooLarge))
    if odd is not None:
        kind = FailureKind.transport
        msg = f"{odd}; not retried"
    elif _find(exc, (IncompleteOutputException,)):
        kind = FailureKind.token_cap
        msg = f"the answer hit the max_tokens cap ({s.max_tokens}) before it was complete"
    elif is_transport_error(exc):
        no_answer = _find(exc, (openai.APIStatusError,)) is None and not _empty_choices(exc) and (
            _find(exc, _NO_ANSWER) is not None
        )
        kind = FailureKind.unreachable if no_answer else FailureKind.transport
        msg = f"{describe_error(exc)} after {attempts} attempt(s)"
    elif (status := _find(exc, (openai.APIStatusError,))) is not None:
        # 400 / 413 / 422 …: the request itself was refused; sending it again will not help
        said = str(getattr(status, "message", "") or "").replace("\n", " ")[:160]
        kind = FailureKind.refused
        msg = f"{describe_error(exc)}, not retried" + (f": {said}" if said else "")
    elif isinstance(exc, InstructorRetryException):
        kind, what = _validation_failure(exc, refused)
        msg = f"{what} after {getattr(exc, 'n_attempts', '?')} attempt(s): " + _validation_detail(exc)
    else:
        kind = FailureKind.invalid_answer
        msg = f"{type(exc).__name__}: {describe_error(exc)}"
    return Failure(kind, scrub(msg, s.api_key))


# ---------------------------------------------------------------------------------------
# The client


@dataclass
class ChunkOutcome:
    chunk: int
    extraction: ChunkExtraction | CompactAnswer | None = None
    ids: dict[int, Quantity] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0
    cached: bool = False
    failure: Failure | None = None
    rejected: list[str] = field(default_factory=list)  # what the model said that failed the check

    @property
    def degraded(self) -> str | None:
        return self.failure.message if self.failure else None


class ChunkClient:
    """Sends chunks; thread-safe; caches validated answers on disk."""

    def __init__(
        self,
        settings: Settings,
        prompt: Prompt | None = None,
        sleep: Callable[[float], None] | None = None,
        http_client: Any = None,
    ) -> None:
        settings.require_endpoint()
        guard_logs(settings.api_key)
        self.settings = settings
        self.prompt = prompt or load_prompt("extract_compact" if settings.compact else "extract_chunk")
        self._sleep = sleep
        self._http_client = http_client
        self._client: Any = None
        self._lock = threading.Lock()
        self.client()  # here, in the caller's thread: openai imports its resources on first use
        self._cache: ResponseCache | None = None
        if settings.cache:
            cache = ResponseCache(settings.cache_dir)
            self._cache = cache if cache.usable else None

    # -- client
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                s = self.settings
                raw = openai.OpenAI(
                    base_url=s.base_url,
                    api_key=s.api_key or "none",
                    timeout=s.timeout,
                    max_retries=0,  # tenacity below does the retrying, with bounds we choose
                    # ours: a whole-request deadline, a cap on the body, the key masked.  (openai
                    # 3.x is typed for httpx2 and sends through an httpx client all the same.)
                    http_client=self._http_client or cast(Any, guarded_client(s.timeout, s.api_key)),
                )
                raw.chat.completions.create = _checked(raw.chat.completions.create)  # type: ignore[method-assign]
                mode = instructor.Mode.TOOLS if s.mode == "tools" else instructor.Mode.JSON_SCHEMA
                self._client = instructor.from_openai(raw, mode=mode)
            return self._client

    def response_model(self, ids: dict[int, Quantity]) -> type[ChunkExtraction] | type[CompactAnswer]:
        return compact_model(ids) if self.settings.compact else ChunkExtraction

    def cache_key(self, messages: list[dict[str, str]], model: type[BaseModel] = ChunkExtraction) -> str:
        s = self.settings
        h = hashlib.sha256()
        # the endpoint too: the same model name on another server is another model
        for part in (s.base_url or "", s.model or "", s.mode, self.prompt.tag, schema_sha(model), str(s.max_tokens)):
            h.update(part.encode())
            h.update(b"\0")
        h.update(json.dumps(messages, ensure_ascii=False, sort_keys=True).encode())
        return h.hexdigest()

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()

    # -- one chunk
    def _cached(
        self, key: str, ids: dict[int, Quantity], out: ChunkOutcome, answer: type[BaseModel] = ChunkExtraction
    ) -> bool:
        """Fill `out` from the cache; an entry that does not validate (again: the source check
        runs on cached answers too) is a miss, with a warning."""
        if self._cache is None:
            return False
        hit = self._cache.get(key)
        if hit is None:
            return False
        try:
            out.extraction = answer.model_validate(  # type: ignore[assignment]
                hit["extraction"], context=validation_context(ids, self.settings.api_key)
            )
            out.prompt_tokens = int(hit["prompt_tokens"])
            out.completion_tokens = int(hit["completion_tokens"])
        except (ValidationError, KeyError, TypeError, ValueError) as exc:
            self._cache.reject(key, f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
            out.extraction, out.prompt_tokens, out.completion_tokens = None, 0, 0
            return False
        out.cached = True
        return True

    def extract(self, chunk: Chunk) -> ChunkOutcome:
        s = self.settings
        messages, ids = build_messages(self.prompt, chunk, s.user_roles)
        answer = self.response_model(ids)
        out = ChunkOutcome(chunk=chunk.index, ids=ids)
        key = self.cache_key(messages, answer)
        if self._cached(key, ids, out, answer):
            return out

        def wait(state: Any) -> float:
            exc = state.outcome.exception()
            ra = retry_after_seconds(exc) if exc else None
            if ra is not None:
                return min(ra, s.max_wait)
            return min(s.max_wait, 0.5 * 2 ** (state.attempt_number - 1)) + random.uniform(0, 0.25)

        retrying = Retrying(
            stop=stop_after_attempt(s.transport_retries + 1),
            wait=wait,
            retry=retry_if_exception(is_transport_error),
            reraise=True,
            sleep=self._sleep or tenacity_sleep,
        )
        context = validation_context(ids, s.api_key)
        # With user roles the re-asks are ours (user content, fixed wording); else instructor's.
        own_reasks = s.max_retries if s.user_roles else 0
        spent = [0, 0]  # tokens of the answers re-asked so far
        answers = 0
        asked = list(messages)

        def ask() -> tuple[Any, Any]:
            for attempt in retrying:
                with attempt:
                    out.attempts = attempt.retry_state.attempt_number
                    return self.client().create_with_completion(
                        model=s.model,
                        messages=asked,
                        response_model=answer,
                        max_retries=0 if s.user_roles else s.max_retries,
                        max_tokens=s.max_tokens,
                        temperature=s.temperature,
                        context=context,
                    )
            raise AssertionError("unreachable: tenacity reraises")

        try:
            for n in range(own_reasks + 1):
                answers = n + 1
                before = len(context["rejected"])
                try:
                    result, completion = ask()
                    break
                except InstructorRetryException as exc:
                    if n == own_reasks or _find(exc, (IncompleteOutputException,)) or is_transport_error(exc):
                        raise
                    usage = getattr(exc, "total_usage", None)
                    spent[0] += int(getattr(usage, "prompt_tokens", 0) or 0)
                    spent[1] += int(getattr(usage, "completion_tokens", 0) or 0)
                    problems = answer_problems(exc, context["rejected"][before:])
                    asked += [
                        {"role": "assistant", "content": answer_text(exc)},
                        {"role": "user", "content": reask_message(problems, ids)},
                    ]
            usage = getattr(result, "_total_usage", None) or getattr(completion, "usage", None)
            out.prompt_tokens = spent[0] + int(getattr(usage, "prompt_tokens", 0) or 0)
            out.completion_tokens = spent[1] + int(getattr(usage, "completion_tokens", 0) or 0)
            out.extraction = result
            if self._cache is not None:
                self._cache.set(
                    key,
                    {
                        "extraction": result.model_dump(mode="json"),
                        "prompt_tokens": out.prompt_tokens,
                        "completion_tokens": out.completion_tokens,
                    },
                )
            return out
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            refused: list[str] = context["rejected"]
            out.failure = classify(exc, s, out.attempts, refused, chunk.index)
            if own_reasks and isinstance(exc, InstructorRetryException):
                # the answers made, our re-asks included (instructor counts only its own)
                said = f"after {getattr(exc, 'n_attempts', '?')} attempt(s)"
                msg = out.failure.message.replace(said, f"after {answers} answer(s)", 1)
                out.failure = Failure(out.failure.kind, msg)
            usage = getattr(exc, "total_usage", None)
            out.prompt_tokens = spent[0] + int(getattr(usage, "prompt_tokens", 0) or 0)
            out.completion_tokens = spent[1] + int(getattr(usage, "completion_tokens", 0) or 0)
            if isinstance(exc, InstructorRetryException):
                out.rejected = refused[:20]
            return out
