"""The HTTP edge of the LLM path: what a misbehaving endpoint cannot do to a run.

httpx's timeouts are per socket operation, so a server that drips one byte a second never
trips them; and httpx decodes gzip without a limit, so a 1 MB body can inflate to 1 GB in
memory.  `guarded_client` builds the httpx client the OpenAI client sends through, with:

- a whole-request deadline (`Settings.timeout`): every connect, write and read gets only
  the time left, so headers or a body dripped slowly end in a timeout at the deadline;
- a cap on the body, raw and decoded (gzip/deflate are decoded here, incrementally, with
  zlib's `max_length`; other encodings are not asked for and are refused);
- the API key masked in the body and the header values before anything reads them, so an
  endpoint that echoes the key (or 12 or more characters of it) cannot put it into an
  answer, the cache or a cassette.
"""

from __future__ import annotations

import threading
import time
import zlib
from typing import Any

import httpcore
import httpx

from ..redact import mask

MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # a chat completion capped at max_tokens is a few KB


class ResponseTooLarge(httpx.DecodingError):
    """The body (after decoding) is larger than the cap: refused, not retried."""


class DeadlineExceeded(httpx.ReadTimeout):
    """The whole request (connect, send, headers, body) took longer than the timeout."""


_local = threading.local()  # the deadline of the request this thread is sending


def _remaining(timeout: float | None) -> float | None:
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the whole-request deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation gets at most the time left of the request."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_tcp(host, port, _remaining(timeout), local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, _remaining(timeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _mask(data: bytes, secret: bytes | None) -> bytes:
    return mask(data, secret) if secret else data


class GuardedTransport(httpx.BaseTransport):
    """Wraps an httpx transport: deadline, body cap, key masking (see the module docstring)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        deadline: float,
        secret: str | None = None,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._inner = inner
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._secret = secret.encode() if secret and len(secret) >= 4 else None
        pool = getattr(inner, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _DeadlineBackend):
            # httpx does not take a network backend; its pool does (httpcore's public API)
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["accept-encoding"] = "gzip, deflate"
        start = time.monotonic()
        _local.deadline = start + self.deadline
        try:
            response = self._inner.handle_request(request)
            try:
                body = self._read(response, request)
            finally:
                response.close()
        except httpcore.ReadTimeout as exc:  # raised by _remaining outside httpx's mapping
            raise DeadlineExceeded(self._late(start), request=request) from exc
        except httpx.TimeoutException as exc:
            if time.monotonic() - start >= self.deadline:
                raise DeadlineExceeded(self._late(start), request=request) from exc
            raise
        finally:
            _local.deadline = None
        headers = [
            (k, _mask(v, self._secret))
            for k, v in response.headers.raw
            if k.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=_mask(body, self._secret),
            request=request,
            extensions={k: v for k, v in response.extensions.items() if k != "network_stream"},
        )

    def _late(self, start: float) -> str:
        return (
            f"no complete response within {self.deadline:g} s (PLANSUM_TIMEOUT); "
            f"gave up after {time.monotonic() - start:.1f} s"
        )

    def _read(self, response: httpx.Response, request: httpx.Request) -> bytes:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("", "identity"):
            decoder = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            decoder = zlib.decompressobj(wbits=zlib.MAX_WBITS | 32)  # gzip or zlib header
        else:
            raise ResponseTooLarge(
                f"the endpoint sent a body in {encoding!r} encoding, which was not asked for",
                request=request,
            )
        out = bytearray()
        raw = 0

        def add(data: bytes) -> None:
            out.extend(data)
            if len(out) > self.max_bytes:
                raise ResponseTooLarge(
                    f"response body larger than {self.max_bytes // 2**20} MB"
                    + (" once decoded" if decoder is not None else ""),
                    request=request,
                )

        for part in response.stream:  # type: ignore[union-attr]
            raw += len(part)
            if raw > self.max_bytes:
                raise ResponseTooLarge(
                    f"response body larger than {self.max_bytes // 2**20} MB", request=request
                )
            if decoder is None:
                add(part)
                continue
            try:
                add(decoder.decompress(part, self.max_bytes + 1 - len(out)))
                while decoder.unconsumed_tail:
                    add(decoder.decompress(decoder.unconsumed_tail, self.max_bytes + 1 - len(out)))
            except zlib.error as exc:
                raise httpx.DecodingError(
                    f"cannot decode the {encoding} body: {exc}", request=request
                ) from exc
            _remaining(None)  # between reads too: the deadline holds whatever the reads return
        if decoder is not None:
            add(decoder.flush())
        return bytes(out)

    def close(self) -> None:
        self._inner.close()


def guarded_client(timeout: float, secret: str | None = None) -> httpx.Client:
    """The httpx client for the OpenAI client: per-operation timeouts as before, and the
    whole request bounded by the same number of seconds."""
    transport = GuardedTransport(httpx.HTTPTransport(), deadline=timeout, secret=secret)
    return httpx.Client(transport=transport, timeout=httpx.Timeout(timeout), follow_redirects=False)
