"""Settings of the LLM path, from flags, then PLANSUM_* variables, then the usual OPENAI_* ones.

A validated pydantic model: a bad value fails up front with a message that names the flag
and the environment variable to fix, never later as a misleading network error.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Literal, TypedDict, Unpack

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from .errors import ConfigError

Mode = Literal["json_schema", "tools"]
Roles = Literal["auto", "system", "user"]
Answer = Literal["auto", "full", "compact"]

# Where each setting comes from: (flag, environment variables), for messages and from_env.
SOURCES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "model": ("--model", ("PLANSUM_MODEL", "OPENAI_MODEL")),
    "base_url": ("--base-url", ("PLANSUM_BASE_URL", "OPENAI_BASE_URL")),
    "api_key": ("--api-key", ("PLANSUM_API_KEY", "OPENAI_API_KEY")),
    "mode": ("--mode", ("PLANSUM_MODE",)),
    "timeout": (None, ("PLANSUM_TIMEOUT",)),
    "max_tokens": (None, ("PLANSUM_MAX_TOKENS",)),
    "concurrency": ("--workers", ("PLANSUM_CONCURRENCY",)),
    "chunk_chars": (None, ("PLANSUM_CHUNK_CHARS",)),
    "transport_retries": (None, ("PLANSUM_RETRIES",)),
    "max_wait": (None, ("PLANSUM_MAX_WAIT",)),
    "cache_dir": (None, ("PLANSUM_CACHE_DIR",)),
    "roles": (None, ("PLANSUM_ROLES",)),
    "answer": (None, ("PLANSUM_ANSWER",)),
}

_LOCAL_HOSTS = ("localhost", "127.", "[::1]", "0.0.0.0")


def is_local_endpoint(base_url: str | None) -> bool:
    """A server on this machine: llama.cpp, llama-cpp-python, Ollama, vLLM run locally."""
    if not base_url:
        return False
    from urllib.parse import urlsplit

    host = urlsplit(base_url).netloc.rsplit("@", 1)[-1]
    return host.startswith(_LOCAL_HOSTS)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "plansum"


def _env(*names: str) -> str | None:
    for n in names:
        v = os.environ.get(n)
        if v:
            return v
    return None


class SettingsFields(TypedDict, total=False):
    """The fields of `Settings`, by name and type: what `from_env` and `with_` accept
    (`from_env` skips a None: not given)."""

    model: str | None
    base_url: str | None
    api_key: str | None
    mode: Mode | None
    timeout: float | None
    max_tokens: int | None
    concurrency: int | None
    temperature: float | None
    max_retries: int | None
    transport_retries: int | None
    max_wait: float | None
    chunk_chars: int | None
    cache: bool | None
    cache_dir: Path | None
    roles: Roles | None
    answer: Answer | None


class Settings(BaseModel):
    """How to reach the model and how hard to try.  Frozen: derive a changed copy with `with_`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str | None = Field(default=None, description="Model name; none means the rules path.")
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint; none means OpenAI.")
    api_key: str | None = Field(default=None, repr=False, description="API key; never printed.")
    mode: Mode = Field(default="json_schema", description="instructor mode; llama.cpp needs tools.")
    # at least a second: below that no endpoint answers, and every chunk would just time out
    timeout: float = Field(default=120.0, allow_inf_nan=False, ge=1, le=3600, description="Seconds per request.")
    max_tokens: int = Field(default=1024, ge=16, le=65536, description="Cap on answer tokens (always set).")
    concurrency: int = Field(default=2, ge=1, le=64, description="Requests in flight.")
    temperature: float = Field(default=0.0, allow_inf_nan=False, ge=0, le=2)
    max_retries: int = Field(default=2, ge=0, le=10, description="Re-asks after a failed check.")
    transport_retries: int = Field(default=3, ge=0, le=20, description="Attempts on 429/5xx/timeouts.")
    max_wait: float = Field(default=30.0, allow_inf_nan=False, ge=0, le=600, description="Longest single back-off, seconds.")
    chunk_chars: int = Field(default=2400, ge=200, le=200_000, description="Chunk budget in characters.")
    cache: bool = True
    cache_dir: Path = Field(default_factory=default_cache_dir)
    roles: Roles = Field(
        default="auto",
        description=(
            "Where the instructions and re-ask errors go: system (a system message; instructor's "
            "own re-ask) or user (user content: for chat templates that drop system and tool "
            "messages, as llama-cpp-python's gemma format does).  auto: user for a local server."
        ),
    )
    answer: Answer = Field(
        default="auto",
        description=(
            "full (name, mention, value, role, year per indicator) or compact (mention number -> "
            "name, role, year; the mention can only be one of the chunk's numbers).  auto: compact "
            "for a local server."
        ),
    )

    @field_validator("timeout", "temperature", "max_wait")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from urllib.parse import urlsplit

        parts = urlsplit(v.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL, e.g. http://127.0.0.1:8080/v1")
        return v.strip()

    @model_validator(mode="wrap")
    @classmethod
    def _config_error(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Every way of making Settings (flags, environment, `Settings(...)`, `with_`,
        `model_validate`) fails the same way: a ConfigError naming the flag and variable."""
        try:
            return handler(data)
        except ValidationError as exc:
            raise _config_error(exc, data if isinstance(data, dict) else {}) from None

    @field_validator("mode", "roles", "answer", mode="before")
    @classmethod
    def _mode(cls, v: Any) -> Any:
        return str(v).lower().replace("-", "_") if isinstance(v, str) else v

    @property
    def user_roles(self) -> bool:
        """Whether instructions and re-ask errors are sent as user content."""
        return self.roles == "user" or (self.roles == "auto" and is_local_endpoint(self.base_url))

    @property
    def compact(self) -> bool:
        """Whether the model is asked for the compact answer."""
        return self.answer == "compact" or (self.answer == "auto" and is_local_endpoint(self.base_url))

    @classmethod
    def from_env(cls, **overrides: Unpack[SettingsFields]) -> Settings:
        """Read PLANSUM_* (falling back to OPENAI_*) and apply explicit overrides (None: not given)."""
        values: dict[str, Any] = {}
        for key, (_, names) in SOURCES.items():
            v = _env(*names)
            if v is not None:
                values[key] = v
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.coerce(values)

    @classmethod
    def coerce(cls, values: dict[str, Any]) -> Settings:
        """Validate `values`; a bad one raises ConfigError naming its flag and variable."""
        return cls(**values)

    def with_(self, **changes: Unpack[SettingsFields]) -> Settings:
        """A validated copy with these fields changed."""
        return self.coerce({**self.model_dump(), **changes})

    def require_endpoint(self) -> None:
        """Fail early, naming the setting to fix."""
        if not self.model:
            raise ConfigError("no model set: give --model or PLANSUM_MODEL (or use --offline)")
        if not self.base_url and not self.api_key:
            raise ConfigError(
                "no API key: set PLANSUM_API_KEY (or OPENAI_API_KEY), or point --base-url / "
                "PLANSUM_BASE_URL at a local server; --offline runs the rules path"
            )


def _config_error(exc: ValidationError, values: dict[str, Any]) -> ConfigError:
    err = exc.errors()[0]
    key = str(err["loc"][0]) if err.get("loc") else "?"
    flag, names = SOURCES.get(key, (None, ()))
    where = " / ".join([*([flag] if flag else []), *names]) or key
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    return ConfigError(f"setting {key!r} ({where}) has a bad value {values.get(key)!r}: {msg}")
