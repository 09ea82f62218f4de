"""Everything plansum takes from instructor, in one module.

Through instructor's public API: `instructor.from_openai` and `instructor.Mode` to build the
client, the exceptions from `instructor.core`, and a `Hooks` object passed with each call whose
`completion:usage` handler records the tokens spent (re-asks included), so no private usage
attribute is read.

Where instructor has no public hook for what plansum needs, the code is here and only here:

- The Batch API path must send the exact body instructor would send for a chunk, and check
  an answer that comes back in a file rather than from a call.  instructor exposes no public
  function for either, so `request_body` and `parse_completion` use
  `instructor.processing.response` (`handle_response_model`, `process_response`).
- A 200 that is not a chat completion (a login page, an error object) must end the call
  before instructor takes it for a wrong answer and re-asks; instructor's hooks cannot stop a
  call (a handler that raises is logged and ignored), so `completion_check` is an httpx
  response hook on the client the OpenAI client sends through (see `failures.not_a_completion`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import instructor
from instructor.core.hooks import Hooks

__all__ = ["Usage", "make_client", "mode_of", "parse_completion", "request_body", "usage_hooks"]


def mode_of(settings: Any) -> instructor.Mode:
    """The instructor mode the settings name (json_schema unless `tools`)."""
    return instructor.Mode.TOOLS if settings.mode == "tools" else instructor.Mode.JSON_SCHEMA


def make_client(raw: Any, settings: Any) -> Any:
    """The instructor client over an `openai.OpenAI` client."""
    return instructor.from_openai(raw, mode=mode_of(settings))


@dataclass
class Usage:
    """Tokens of one call, cumulative over instructor's own re-asks."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


def usage_hooks() -> tuple[Hooks, Usage]:
    """Per-call hooks that keep the call's token counts in the returned `Usage`."""
    usage = Usage()
    lock = threading.Lock()

    def on_usage(total: Any, **_: Any) -> None:
        with lock:
            usage.prompt_tokens = int(getattr(total, "prompt_tokens", 0) or 0)
            usage.completion_tokens = int(getattr(total, "completion_tokens", 0) or 0)

    hooks = Hooks()
    hooks.on("completion:usage", on_usage)
    return hooks, usage


def request_body(
    answer: type[Any], settings: Any, messages: list[dict[str, str]]
) -> dict[str, Any]:
    """The chat completion body instructor would send for `answer` (no public equivalent)."""
    from instructor.processing.response import handle_response_model

    _, body = handle_response_model(
        answer,
        mode=mode_of(settings),
        messages=messages,
        model=settings.model,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
    )
    return body


def parse_completion(
    body: dict[str, Any], answer: type[Any], settings: Any, context: dict[str, Any]
) -> Any:
    """The answer in a completion that came back in a file, validated as a live call's
    (no public equivalent)."""
    from instructor.processing.response import process_response
    from openai.types.chat import ChatCompletion

    return process_response(
        ChatCompletion.model_validate(body),
        response_model=answer,
        stream=False,
        validation_context=context,
        mode=mode_of(settings),
    )
