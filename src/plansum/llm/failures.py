"""Failures of one chunk, classified once where they happen.

`classify` turns whatever went wrong (an HTTP status, no answer, a cut-off or invalid answer,
a number that failed the source check) into a `Failure` with a `FailureKind`, or raises when
the whole run must stop (a cassette miss, a refused key, an unknown model).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import openai
from instructor.core import (
    IncompleteOutputException,
    InstructorRetryException,
    ResponseParsingError,
)
from pydantic import ValidationError

from ..errors import CassetteError, Failure, FailureKind, LLMError
from ..redact import scrub
from ..settings import Settings
from .transport import DeadlineExceeded, ResponseTooLarge

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


class ContentFiltered(Exception):
    """The provider's content filter stopped the answer (finish_reason=content_filter)."""


def _finish_reason(data: dict[str, Any]) -> str | None:
    try:
        return str(data["choices"][0]["finish_reason"])
    except (KeyError, IndexError, TypeError):
        return None


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


def completion_check(response: httpx.Response) -> None:
    """httpx response hook: a 200 to a chat-completion request whose body is not a completion
    ends the call here, before instructor takes it for a bad answer and re-asks (it is not
    about the answer; re-asking repeats it)."""
    if response.status_code != 200 or not response.request.url.path.endswith("/chat/completions"):
        return
    body = response.read()
    try:
        data: Any = json.loads(body)
    except ValueError:
        if body.lstrip()[:1] in (b"{", b"["):
            return  # JSON cut off on the way: the SDK's decode error, retried as a transport fault
        data = body
    if isinstance(data, dict):
        extra = {k: v for k, v in data.items() if k != "choices"}
        problem = not_a_completion(_Shape(data.get("choices"), extra))
        if not problem and _finish_reason(data) == "content_filter":
            # the provider withheld the answer; at temperature 0 a re-ask is withheld too
            raise ContentFiltered(
                "the endpoint's content filter stopped the answer (finish_reason=content_filter)"
            )
    elif isinstance(data, bytes):
        problem = not_a_completion(data)
    else:
        problem = "the endpoint answered HTTP 200 with JSON that is not a completion (no choices)"
    if problem:
        raise NotACompletion(problem)


class _Shape:
    """A parsed body as `not_a_completion` reads an SDK object: choices and the other fields."""

    def __init__(self, choices: Any, extra: dict[str, Any]) -> None:
        self.choices = choices
        self.model_extra = extra


_NO_ANSWER = (openai.APITimeoutError, openai.APIConnectionError, httpx.TransportError)
_NOT_RETRIED = (CassetteError, NotACompletion, ContentFiltered, ResponseTooLarge)


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


def last_validation_error(exc: BaseException) -> ValidationError | None:
    found = _find(exc, (ValidationError,))
    return found if isinstance(found, ValidationError) else None


def _validation_failure(exc: BaseException, refused: list[str]) -> tuple[FailureKind, str]:
    """What kind of wrong answer it was: cut-off JSON, a schema miss, a runaway list, or a
    number that is not in the source (the validator's own check, which filled `refused`)."""
    ve = last_validation_error(exc)
    if ve is None:
        return FailureKind.invalid_answer, "answer could not be used"
    types = {str(e.get("type")) for e in ve.errors()}
    if "json_invalid" in types:
        return FailureKind.invalid_answer, "answer was not valid JSON"
    if "too_long" in types:
        return (
            FailureKind.invalid_answer,
            "answer had more items than the schema allows (a model repeating itself?)",
        )
    if types == {"value_error"} and refused:
        return FailureKind.source_check, "answer failed the source check"
    return FailureKind.invalid_answer, "answer did not match the schema"


def _validation_detail(exc: BaseException) -> str:
    """The first error, by field, without echoing the model's whole answer."""
    ve = last_validation_error(exc)
    if ve is None:
        return describe_error(exc)
    errors = ve.errors()
    first: dict[str, Any] = dict(errors[0]) if errors else {}
    loc = ".".join(str(x) for x in first.get("loc", ())) or "answer"
    msg = str(first.get("msg", "")).replace("Value error, ", "").split("。")[0]
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{loc}: {msg}"[:200] + more


def classify(
    exc: BaseException, s: Settings, attempts: int, refused: list[str], chunk: int
) -> Failure:
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
    filtered = _find(exc, (ContentFiltered,))
    if filtered is not None:
        kind = FailureKind.refused
        msg = f"{filtered}; not retried"
    elif odd is not None:
        kind = FailureKind.transport
        msg = f"{odd}; not retried"
    elif _find(exc, (IncompleteOutputException,)):
        kind = FailureKind.token_cap
        msg = f"the answer hit the max_tokens cap ({s.max_tokens}) before it was complete"
    elif is_transport_error(exc):
        no_answer = (
            _find(exc, (openai.APIStatusError,)) is None
            and not _empty_choices(exc)
            and (_find(exc, _NO_ANSWER) is not None)
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
        msg = f"{what} after {getattr(exc, 'n_attempts', '?')} attempt(s): " + _validation_detail(
            exc
        )
    else:
        kind = FailureKind.invalid_answer
        msg = f"{type(exc).__name__}: {describe_error(exc)}"
    return Failure(kind, scrub(msg, s.api_key))
