"""One base exception; every user-facing failure says what went wrong and what to do."""

from dataclasses import dataclass
from enum import StrEnum


class PlansumError(Exception):
    """Base of all errors plansum raises on purpose.  The CLI prints these as one line.

    `kind` names the class of failure as data (the batch dataset's `error_kind` column)."""

    kind = "plansum"


class InputError(PlansumError):
    """The input file or text cannot be used (missing, empty, binary, undecodable)."""

    kind = "input"


class ConfigError(PlansumError):
    """A setting is missing or wrong; the message names the setting to fix."""

    kind = "config"


class LLMError(PlansumError):
    """The model endpoint could not be used for a whole run."""

    kind = "llm"


class CassetteError(PlansumError):
    """A recorded interaction is missing or stale; the message says how to re-record."""

    kind = "cassette"


class FailureKind(StrEnum):
    """Why a chunk could not be done by the model (it falls back to the rules)."""

    unreachable = "unreachable"  # no answer at all: connection refused, reset, timed out
    transport = "transport"  # an answer, but not a usable one: 429, 5xx, cut-off body, no choices
    token_cap = "token_cap"  # the answer hit max_tokens before it was complete
    refused = "refused"  # the endpoint refused the request (400, 413, 422 …); not retried
    invalid_answer = "invalid_answer"  # not JSON, not the schema, too many items
    source_check = "source_check"  # numbers the model gave are not in the source, after re-asks


@dataclass(frozen=True)
class Failure:
    """Why a chunk fell back to the rules: a kind to act on and a message to show."""

    kind: FailureKind
    message: str
