"""The response cache: validated answers by request, on disk, JSON only.

diskcache keeps its concurrency, atomic writes and size limit, but its default `Disk`
pickles values and unpickles whatever mode a row says, so a crafted row in the cache
directory would run code.  `JSONOnlyDisk` stores JSON (diskcache's own `JSONDisk`) and
refuses to read any row that is not bytes (then zlib'd JSON); each entry also carries a digest of its
cache key and payload, so a truncated, garbled or edited entry is a miss, said once as a
warning, never a crash.  A cache that cannot be opened at all (a file where the directory
should be, a read-only directory, a garbage database) is a warning and a run without cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_BINARY, MODE_RAW

log = logging.getLogger("plansum.cache")


class UnsafeEntry(ValueError):
    """A cache row that is not JSON bytes (e.g. a pickle someone put there)."""


class JSONOnlyDisk(diskcache.JSONDisk):
    """diskcache's JSON disk that never unpickles: only binary (JSON) rows are read."""

    def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
        # JSONDisk writes zlib'd JSON bytes: in the row (raw) or in a file (binary).  A row in
        # any other mode (pickle, text) was not written by plansum: it is never read.
        if mode not in (MODE_RAW, MODE_BINARY) or read:
            raise UnsafeEntry(f"cache row in mode {mode} is not JSON")
        return super().fetch(mode, filename, value, read)


def _digest(key: str, payload: Any) -> str:
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{key}\0{raw}".encode()).hexdigest()


class ResponseCache:
    """get/set of JSON payloads by key; every failure is a warning and a miss."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._store: Any = None
        self._write_warned = False
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._store = diskcache.Cache(str(directory), disk=JSONOnlyDisk)
        except Exception as exc:  # noqa: BLE001 - sqlite3/OS errors of all kinds
            log.warning(
                "cannot use the cache directory %s (%s); running without a cache: set "
                "PLANSUM_CACHE_DIR to a writable directory, or use --no-cache",
                directory,
                _why(exc),
            )
            self._store = None

    @property
    def usable(self) -> bool:
        return self._store is not None

    def get(self, key: str) -> Any | None:
        if self._store is None:
            return None
        try:
            entry = self._store.get(key)
        except Exception as exc:  # noqa: BLE001
            self.reject(key, _why(exc))
            return None
        if entry is None:
            return None
        if not isinstance(entry, dict) or entry.get("digest") != _digest(key, entry.get("payload")):
            self.reject(key, "the entry does not match its digest (truncated or edited)")
            return None
        return entry["payload"]

    def reject(self, key: str, why: str) -> None:
        """Say that an entry was not used, and drop it so that the answer is cached anew."""
        log.warning(
            "cache entry %s… in %s is unreadable (%s); treated as a miss",
            key[:12],
            self.directory,
            why,
        )
        try:
            self._store.delete(key)
        except Exception:  # noqa: BLE001 - a damaged store may refuse this too
            pass

    def set(self, key: str, payload: Any) -> None:
        if self._store is None:
            return
        try:
            self._store.set(key, {"digest": _digest(key, payload), "payload": payload})
        except Exception as exc:  # noqa: BLE001
            if not self._write_warned:
                self._write_warned = True
                log.warning(
                    "cannot write to the cache in %s (%s); answers are not cached",
                    self.directory,
                    _why(exc),
                )

    def __len__(self) -> int:
        return len(self._store) if self._store is not None else 0

    def close(self) -> None:
        if self._store is not None:
            try:
                self._store.close()
            except Exception:  # noqa: BLE001
                pass


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:160]
