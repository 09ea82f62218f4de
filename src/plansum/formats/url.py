"""A plan given as a URL: fetched with a size cap, a timeout, a content-type check, and
redirects followed only to http(s) (a redirect to file:, ftp: or data: is refused)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import InputError
from . import is_url

MAX_URL_BYTES = 50 * 1024 * 1024
TIMEOUT_S = 30.0
MAX_REDIRECTS = 5

# content type → format; octet-stream and friends are decided by the URL's suffix or the bytes
_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "text",
    "application/msword": "doc",
    "application/vnd.ms-works": "wps",
    "application/kswps": "wps",
}
_GENERIC = {"application/octet-stream", "binary/octet-stream", "application/x-download",
            "application/force-download", "application/download", ""}


@dataclass(frozen=True)
class Fetched:
    data: bytes
    url: str  # after redirects
    format: str | None  # from the content type; None: decide by suffix and bytes
    charset: str | None


def fetch(url: str, *, timeout: float = TIMEOUT_S, max_bytes: int = MAX_URL_BYTES,
          transport: httpx.BaseTransport | None = None) -> Fetched:
    if not is_url(url):
        raise InputError(f"{url}: only http:// and https:// addresses can be fetched")
    headers = {"User-Agent": "plansum (plan summarizer)", "Accept": "*/*"}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport,
                          headers=headers) as client:
            for _ in range(MAX_REDIRECTS + 1):
                with client.stream("GET", url) as resp:
                    if resp.is_redirect:
                        target = urljoin(url, resp.headers.get("location", ""))
                        scheme = urlsplit(target).scheme.lower()
                        if scheme not in ("http", "https"):
                            raise InputError(
                                f"{url}: redirects to a {scheme or 'schemeless'}: address "
                                f"({target}); only http(s) redirects are followed"
                            )
                        url = target
                        continue
                    if resp.status_code >= 400:
                        raise InputError(f"{url}: the server answered HTTP {resp.status_code}")
                    ctype, charset = _content_type(resp.headers.get("content-type", ""))
                    fmt = _TYPES.get(ctype)
                    if fmt is None and ctype not in _GENERIC:
                        raise InputError(
                            f"{url}: the server sent {ctype}, not a plan (a web page, PDF, "
                            ".docx or plain text)"
                        )
                    length = resp.headers.get("content-length")
                    if length and length.isdigit() and int(length) > max_bytes:
                        raise _too_big(url, max_bytes)
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise _too_big(url, max_bytes)
                        chunks.append(chunk)
                    return Fetched(b"".join(chunks), str(resp.url), fmt, charset)
            raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects")
    except httpx.TimeoutException as exc:
        raise InputError(f"{url}: no answer within {timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: cannot be fetched ({type(exc).__name__}: {exc})") from exc


def _too_big(url: str, cap: int) -> InputError:
    return InputError(f"{url}: larger than the {cap / 2**20:.0f} MiB limit for a fetched plan")


def _content_type(value: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for p in parts[1:]:
        if p.lower().startswith("charset="):
            charset = p.split("=", 1)[1].strip("\"' ") or None
    return parts[0].lower(), charset
