"""Recorded model traffic (vcrpy): record once against a real endpoint, replay offline.

Request bodies are never stored: before recording, a request's body is replaced by the
SHA-256 of its bytes, and replay matches on that digest.  So a cassette holds the model's
answers but not the document, and any change to a prompt, the schema, the chunking or the
text makes the request miss, which fails loudly with a hint to re-record.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CassetteError
from ..redact import mask, secret_runs

DIGEST_PREFIX = b"sha256:"
SECRET_HEADERS = [
    "authorization",
    "api-key",
    "x-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
]
_SECRET_PATTERN = re.compile(r"(Bearer\s+[A-Za-z0-9._-]{8,}|sk-[A-Za-z0-9_-]{12,})")
META_FILE = "meta.json"
RECORD_HINT = (
    "re-record with `scripts/record_cassettes.sh` (starts the local model) or "
    "`plansum record FILE... --base-url URL --model NAME`"
)


def default_dir() -> Path:
    """`cassettes/` in the current directory (a source checkout); pass a directory otherwise."""
    return Path("cassettes")


# Re-asks quote pydantic's error text, which links to a page named for the pydantic version;
# the version is taken out before hashing so that a cassette replays under any pydantic.
_VERSIONED_URL = re.compile(rb"https://errors\.pydantic\.dev/[0-9][0-9.]*/")


def body_digest(body: Any) -> str:
    if body is None:
        body = b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if body.startswith(DIGEST_PREFIX):
        return body.decode()
    body = _VERSIONED_URL.sub(b"https://errors.pydantic.dev/", body)
    return (DIGEST_PREFIX + hashlib.sha256(body).hexdigest().encode()).decode()


def _before_record_request(request: Any) -> Any:
    request.body = body_digest(request.body).encode()
    for h in list(request.headers):
        if h.lower() in SECRET_HEADERS or h.lower().startswith("x-stainless"):
            del request.headers[h]
    return request


def _before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for h in list(headers):
        if h.lower() in SECRET_HEADERS:
            del headers[h]
    return response


def _match_body(r1: Any, r2: Any) -> None:
    if body_digest(r1.body) != body_digest(r2.body):
        raise AssertionError("request body digest differs")


def _mask_value(value: Any, masks: list[str]) -> Any:
    if isinstance(value, bytes):
        for m in masks:
            value = mask(value, m)  # the key, or any 12 characters of it in a row
        return value
    if isinstance(value, str):
        for m in masks:
            value = mask(value, m)
        return value
    if isinstance(value, list):
        return [_mask_value(v, masks) for v in value]
    return value


def make_vcr(directory: Path, record_mode: str, secrets: list[str] | None = None) -> Any:
    import vcr

    masks = [s for s in secrets or [] if s and len(s) >= 4]

    def before_request(request: Any) -> Any:
        request = _before_record_request(request)
        if masks:  # a key in the URL (?key=AIza…) or in any other header
            request.uri = _mask_value(request.uri, masks)
            for h in list(request.headers):
                request.headers[h] = _mask_value(request.headers[h], masks)
        return request

    def before_response(response: dict[str, Any]) -> dict[str, Any]:
        # The configured key, whatever its shape, is masked in the body and in every header
        # value before the cassette is written: scrubbed, not refused after the fact.
        response = _before_record_response(response)
        if masks:
            headers = response.get("headers", {})
            for h in list(headers):
                headers[h] = _mask_value(headers[h], masks)
            body = response.get("body", {})
            if body.get("string"):
                body["string"] = _mask_value(body["string"], masks)
        return response

    v = vcr.VCR(
        cassette_library_dir=str(directory),
        record_mode=record_mode,
        match_on=["method", "path", "body_digest"],
        before_record_request=before_request,
        before_record_response=before_response,
        decode_compressed_response=True,
    )
    v.register_matcher("body_digest", _match_body)
    return v


def cassette_name(document: str) -> str:
    return Path(document).stem + ".yaml"


def replay_client(document: str) -> Any:
    """An httpx client whose requests that miss the cassette raise CassetteError.

    vcrpy raises its own exception for a request it has no recording of; this hook turns it
    into plansum's, naming the document and how to re-record, so that the LLM path stops the
    run on a typed error instead of taking the miss for a network fault."""
    import httpx
    from vcr.errors import CannotOverwriteExistingCassetteException

    class _ReplayClient(httpx.Client):
        def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            try:
                return super().send(request, **kwargs)
            except CannotOverwriteExistingCassetteException as exc:
                raise CassetteError(
                    f"{document}: no recorded answer for this request in the cassette "
                    f"({str(exc).splitlines()[0][:160]}); the prompt, model or text changed — "
                    "re-record with `plansum record` (see README)"
                ) from exc

    return _ReplayClient()


@contextmanager
def replaying(document: str, directory: Path | None = None) -> Iterator[None]:
    """Serve this document's model traffic from its cassette; no network."""
    d = directory or default_dir()
    path = d / cassette_name(document)
    if not path.exists():
        raise CassetteError(f"no cassette for {document} ({path}); {RECORD_HINT}")
    with make_vcr(d, "none").use_cassette(cassette_name(document), allow_playback_repeats=True):
        yield


@contextmanager
def recording(document: str, directory: Path, secrets: list[str] | None = None) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with make_vcr(directory, "all", secrets).use_cassette(cassette_name(document)):
        yield


@dataclass
class RecordingMeta:
    """How the cassettes were made; replay uses the same settings so requests match."""

    model: str
    mode: str
    chunk_chars: int
    max_tokens: int
    max_retries: int
    prompt: str
    endpoint: str = "local llama-cpp-python server"
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)

    def settings_for(self, document: str) -> dict[str, Any]:
        """The settings a document was recorded with (its own, else the run's)."""
        own = self.documents.get(Path(document).name, {}).get("settings", {})
        base = {
            "model": self.model,
            "mode": self.mode,
            "chunk_chars": self.chunk_chars,
            "max_tokens": self.max_tokens,
            "max_retries": self.max_retries,
        }
        return {**base, **own}

    def save(self, directory: Path) -> None:
        (directory / META_FILE).write_text(
            json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )

    @classmethod
    def load(cls, directory: Path) -> RecordingMeta:
        p = directory / META_FILE
        if not p.exists():
            raise CassetteError(f"no {META_FILE} in {directory}; {RECORD_HINT}")
        return cls(**json.loads(p.read_text(encoding="utf-8")))


def scan_for_secrets(directory: Path, extra: list[str] | None = None) -> list[str]:
    """Files under `directory` that hold something that looks like a key."""
    bad = []
    for p in sorted(directory.rglob("*")):
        if not p.is_file():
            continue
        s = p.read_text(encoding="utf-8", errors="replace")
        if _SECRET_PATTERN.search(s) or any(e and secret_runs(s, e) for e in extra or []):
            bad.append(str(p))
        if re.search(r"(?im)^\s*-?\s*authorization\s*:", s):
            bad.append(str(p))
    return bad


def now() -> float:
    return time.perf_counter()
