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
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

# Every import at module level: a worker thread must never be the first to import a module
# (a lazy `import httpx` racing openai's own import once gave a half-initialised module).
import openai
from instructor.core import (
    IncompleteOutputException,
    InstructorRetryException,
)
from pydantic import (
    BaseModel,
    ValidationError,
)
from tenacity import Retrying, retry_if_exception, stop_after_attempt
from tenacity.nap import sleep as tenacity_sleep

from ..errors import Failure
from ..models import Quantity
from ..parse.chunking import Chunk
from ..redact import guard_logs
from ..settings import Settings
from .answer import (
    ChunkExtraction,
    CompactAnswer,
    answer_problems,
    answer_text,
    build_messages,
    compact_model,
    prompt_for,
    reask_message,
    schema_sha,
    validation_context,
)
from .cache import ResponseCache
from .failures import _find, classify, completion_check, is_transport_error, retry_after_seconds
from .instructor_adapter import Usage, make_client, usage_hooks
from .prompts import Prompt
from .transport import guarded_client

log = logging.getLogger("plansum")

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
        self.prompt = prompt or prompt_for(settings)
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
    def _checked_http_client(self) -> Any:
        """The httpx client the OpenAI client sends through (ours, or the one given), with the
        check that a 200 is a completion (`failures.completion_check`)."""
        http = self._http_client or guarded_client(self.settings.timeout, self.settings.api_key)
        hooks = http.event_hooks
        if completion_check not in hooks.get("response", []):
            hooks.setdefault("response", []).append(completion_check)
            http.event_hooks = hooks
        return http

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
                    http_client=cast(Any, self._checked_http_client()),
                )
                self._client = make_client(raw, s)
            return self._client

    def response_model(
        self, ids: dict[int, Quantity]
    ) -> type[ChunkExtraction] | type[CompactAnswer]:
        return compact_model(ids) if self.settings.compact else ChunkExtraction

    def cache_key(
        self, messages: list[dict[str, str]], model: type[BaseModel] = ChunkExtraction
    ) -> str:
        s = self.settings
        h = hashlib.sha256()
        # the endpoint too: the same model name on another server is another model
        for part in (
            s.base_url or "",
            s.model or "",
            s.mode,
            self.prompt.tag,
            schema_sha(model),
            str(s.max_tokens),
        ):
            h.update(part.encode())
            h.update(b"\0")
        h.update(json.dumps(messages, ensure_ascii=False, sort_keys=True).encode())
        return h.hexdigest()

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()

    # -- one chunk
    def _cached(
        self,
        key: str,
        ids: dict[int, Quantity],
        out: ChunkOutcome,
        answer: type[BaseModel] = ChunkExtraction,
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

        used = [Usage()]  # the tokens of the call in flight, from instructor's usage hook

        def ask() -> tuple[Any, Any]:
            for attempt in retrying:
                with attempt:
                    out.attempts = attempt.retry_state.attempt_number
                    hooks, used[0] = usage_hooks()
                    return self.client().create_with_completion(
                        hooks=hooks,
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
                    if (
                        n == own_reasks
                        or _find(exc, (IncompleteOutputException,))
                        or is_transport_error(exc)
                    ):
                        raise
                    spent[0] += used[0].prompt_tokens
                    spent[1] += used[0].completion_tokens
                    problems = answer_problems(exc, context["rejected"][before:])
                    asked += [
                        {"role": "assistant", "content": answer_text(exc)},
                        {"role": "user", "content": reask_message(problems, ids)},
                    ]
            out.prompt_tokens = spent[0] + used[0].prompt_tokens
            out.completion_tokens = spent[1] + used[0].completion_tokens
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
            out.prompt_tokens = spent[0] + used[0].prompt_tokens
            out.completion_tokens = spent[1] + used[0].completion_tokens
            if isinstance(exc, InstructorRetryException):
                out.rejected = refused[:20]
            return out
