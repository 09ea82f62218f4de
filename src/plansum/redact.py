"""Masking the API key in whatever plansum or the client libraries write."""

from __future__ import annotations

import logging
from typing import Any


def scrub(msg: str, secret: str | None) -> str:
    return msg.replace(secret, "***") if secret and len(secret) >= 4 else msg


class SecretFilter(logging.Filter):
    """Masks API keys in log records, third-party ones included: instructor logs every failed
    attempt with the exception text, and some servers echo the key in their error bodies."""

    def __init__(self, secrets: Any = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        for s in secrets:
            self.add(s)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self.secrets.add(secret)

    def scrub(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "***")
        return text

    def scrub_bytes(self, data: bytes) -> bytes:
        for s in self.secrets:
            b = s.encode("utf-8")
            if b in data:  # no copy of a large output unless the key is in it
                data = data.replace(b, b"***")
        return data

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is not ours to fix
            msg = str(record.msg)
        clean = self.scrub(msg)
        if clean != msg:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


_LOG_FILTER = SecretFilter()
# The loggers that write exception or response text (a logger's filters see only its own records).
_EMITTING_LOGGERS = ("instructor.v2.retry", "instructor", "openai._base_client", "openai", "httpx", "httpx2")


def guard_logs(secret: str | None) -> None:
    """Mask `secret` in whatever the client libraries log, however logging is configured."""
    _LOG_FILTER.add(secret)
    for name in _EMITTING_LOGGERS:
        lg = logging.getLogger(name)
        if _LOG_FILTER not in lg.filters:
            lg.addFilter(_LOG_FILTER)
