"""Masking the API key in whatever plansum or the client libraries write."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

#: A run of this many characters of the key, anywhere, is masked: a server that echoes part
#: of the key ("…the last 40 characters") gives most of it away.  Shorter runs are common
#: prefixes ("sk-proj-") and pieces that can occur by chance.
MIN_RUN = 12

AnyStr = TypeVar("AnyStr", str, bytes)


def secret_runs(data: AnyStr, secret: AnyStr, min_run: int = MIN_RUN) -> list[tuple[int, int]]:
    """[start, end) of every stretch of `data` that is min_run or more consecutive characters
    of `secret` (the whole secret, if it is shorter), merged where they touch.

    The key is cut into blocks of min_run // 2; any min_run characters of it hold one whole
    block, so only where a block occurs (a fast substring search; usually nowhere) is the
    stretch grown both ways along the key."""
    n = len(secret)
    if n < min_run:
        if not secret:
            return []
        found, i = [], data.find(secret)
        while i >= 0:
            found.append((i, i + n))
            i = data.find(secret, i + n)
        return found
    step = min_run // 2
    runs: list[tuple[int, int]] = []
    for p in range(0, n - step + 1, step):
        block = secret[p : p + step]
        i = data.find(block)
        while i >= 0:
            lo, hi = i, i + step
            k = p
            while lo > 0 and k > 0 and data[lo - 1] == secret[k - 1]:
                lo, k = lo - 1, k - 1
            k = p + step
            while hi < len(data) and k < n and data[hi] == secret[k]:
                hi, k = hi + 1, k + 1
            if hi - lo >= min_run:
                runs.append((lo, hi))
            i = data.find(block, i + 1)
    runs.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in runs:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def mask(data: AnyStr, secret: str | bytes | None, min_run: int = MIN_RUN) -> AnyStr:
    """`data` with every run of min_run or more characters of `secret` (or the whole secret,
    if shorter; none under 4 characters) replaced by ***."""
    if not secret or len(secret) < 4:
        return data
    if isinstance(data, bytes):
        key: Any = secret.encode("utf-8") if isinstance(secret, str) else secret
        star: Any = b"***"
    else:
        key = secret.decode("utf-8", "replace") if isinstance(secret, bytes) else secret
        star = "***"
    runs = secret_runs(data, key, min_run)
    if not runs:
        return data
    parts, pos = [], 0
    for lo, hi in runs:
        parts += [data[pos:lo], star]
        pos = hi
    parts.append(data[pos:])
    return star[:0].join(parts)  # type: ignore[no-any-return]


def scrub(msg: str, secret: str | None) -> str:
    return mask(msg, secret)


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
            text = mask(text, s)
        return text

    def scrub_bytes(self, data: bytes) -> bytes:
        for s in self.secrets:
            data = mask(data, s)  # no copy of a large output unless the key is in it
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
