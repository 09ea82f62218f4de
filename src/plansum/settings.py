"""Settings of the LLM path, from flags, then PLANSUM_* variables, then the usual OPENAI_* ones."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError

Mode = Literal["json_schema", "tools"]


def _env(*names: str) -> str | None:
    for n in names:
        v = os.environ.get(n)
        if v:
            return v
    return None


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "plansum"


@dataclass(frozen=True)
class Settings:
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)  # never printed
    mode: Mode = "json_schema"
    timeout: float = 120.0
    max_tokens: int = 1024  # always capped: small models can run to the context limit
    concurrency: int = 2
    temperature: float = 0.0
    max_retries: int = 2  # instructor re-asks after a validation error
    transport_retries: int = 3  # tenacity attempts on 429 / 5xx / timeouts / connection errors
    max_wait: float = 30.0  # longest single back-off, Retry-After included
    chunk_chars: int = 2400  # fits an 8k-token context with room for the answer
    cache: bool = True
    cache_dir: Path = field(default_factory=default_cache_dir)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Read PLANSUM_* (falling back to OPENAI_*) and apply explicit overrides."""
        values: dict[str, Any] = {}
        env_map = {
            "model": ("PLANSUM_MODEL", "OPENAI_MODEL"),
            "base_url": ("PLANSUM_BASE_URL", "OPENAI_BASE_URL"),
            "api_key": ("PLANSUM_API_KEY", "OPENAI_API_KEY"),
            "mode": ("PLANSUM_MODE",),
            "timeout": ("PLANSUM_TIMEOUT",),
            "max_tokens": ("PLANSUM_MAX_TOKENS",),
            "concurrency": ("PLANSUM_CONCURRENCY",),
            "chunk_chars": ("PLANSUM_CHUNK_CHARS",),
            "cache_dir": ("PLANSUM_CACHE_DIR",),
        }
        for key, names in env_map.items():
            v = _env(*names)
            if v is not None:
                values[key] = v
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.coerce(values)

    @classmethod
    def coerce(cls, values: dict[str, Any]) -> Settings:
        out: dict[str, Any] = {}
        for key, v in values.items():
            try:
                if key in ("timeout", "temperature", "max_wait"):
                    out[key] = float(v)
                elif key in ("max_tokens", "concurrency", "max_retries", "transport_retries", "chunk_chars"):
                    out[key] = int(v)
                    if out[key] < (0 if key.endswith("retries") else 1):
                        raise ValueError("too small")
                elif key == "cache_dir":
                    out[key] = Path(v)
                elif key == "mode":
                    m = str(v).lower().replace("-", "_")
                    if m not in ("json_schema", "tools"):
                        raise ValueError("use json_schema or tools")
                    out[key] = m
                else:
                    out[key] = v
            except ValueError as exc:
                raise ConfigError(f"setting {key!r} has a bad value {v!r}: {exc}") from exc
        return cls(**out)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def require_endpoint(self) -> None:
        """Fail early, naming the setting to fix."""
        if not self.model:
            raise ConfigError("no model set: give --model or PLANSUM_MODEL (or use --offline)")
        if not self.base_url and not self.api_key:
            raise ConfigError(
                "no API key: set PLANSUM_API_KEY (or OPENAI_API_KEY), or point --base-url / "
                "PLANSUM_BASE_URL at a local server; --offline runs the rules path"
            )
