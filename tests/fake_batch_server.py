"""A local OpenAI-style endpoint with a Batch API (/v1/files, /v1/batches) and live chat
completions, on 127.0.0.1 in a thread.  It answers each chunk request from the request
itself: the first tagged number (【n】) that is not a year becomes an indicator with that
number's value, so the answer passes plansum's check; the request whose custom_id sorts
first gets a value that is not in the text, so it fails the check and must go live.
"""

from __future__ import annotations

import json
import re
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_TAG = re.compile(r"【(\d+)】([0-9]+(?:\.[0-9]+)?)(.?)")
BAD_VALUE = 987654.0


def answer_for(messages: list[dict[str, str]], bad: bool = False) -> dict[str, Any]:
    user = messages[-1]["content"]
    indicators = []
    for m in _TAG.finditer(user):
        if m.group(3) == "年":
            continue
        before = user[max(0, m.start() - 8) : m.start()].strip() or "指标"
        value = BAD_VALUE if bad else float(m.group(2))
        indicators.append(
            {"name": before, "mention": int(m.group(1)), "value": value, "role": "target", "year": None}
        )
        break
    return {"summary": "本段摘要", "indicators": indicators, "goals": [], "projects": []}


def completion(content: dict[str, Any], prompt_tokens: int = 100, completion_tokens: int = 20) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": json.dumps(content, ensure_ascii=False)},
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class FakeBatchEndpoint:
    def __init__(self, *, has_batches: bool = True, polls_to_complete: int = 2) -> None:
        self.has_batches = has_batches
        self.polls_to_complete = polls_to_complete
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.uploads = 0
        self.batch_creates = 0
        self.retrieves = 0
        self.live_requests = 0
        self.bodies: list[dict[str, Any]] = []  # request bodies seen in uploaded batch files
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeBatchEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # -- the batch's work, done when it is polled enough
    def _run_batch(self, batch: dict[str, Any]) -> None:
        lines = [json.loads(x) for x in self.files[batch["input_file_id"]].decode().splitlines() if x.strip()]
        first = min(x["custom_id"] for x in lines)
        out = []
        for x in lines:
            self.bodies.append(x["body"])
            content = answer_for(x["body"]["messages"], bad=x["custom_id"] == first)
            out.append(
                {
                    "id": f"req-{x['custom_id'][:8]}",
                    "custom_id": x["custom_id"],
                    "response": {"status_code": 200, "request_id": "r", "body": completion(content)},
                    "error": None,
                }
            )
        fid = f"file-out-{len(self.files)}"
        self.files[fid] = "\n".join(json.dumps(o, ensure_ascii=False) for o in out).encode()
        batch.update(status="completed", output_file_id=fid)
        batch["request_counts"] = {"total": len(lines), "completed": len(lines), "failed": 0}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, obj: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                with fake.lock:
                    if path.startswith("/v1/batches") and not fake.has_batches:
                        return self._send(404, {"error": {"message": "not found"}})
                    if path == "/v1/batches":
                        return self._send(200, {"object": "list", "data": [], "has_more": False})
                    m = re.fullmatch(r"/v1/batches/([\w-]+)", path)
                    if m and m.group(1) in fake.batches:
                        b = fake.batches[m.group(1)]
                        fake.retrieves += 1
                        b["polls"] += 1
                        if b["status"] != "completed":
                            if b["polls"] >= fake.polls_to_complete:
                                fake._run_batch(b)
                            else:
                                b["status"] = "in_progress"
                        return self._send(200, {k: v for k, v in b.items() if k != "polls"})
                    m = re.fullmatch(r"/v1/files/([\w-]+)/content", path)
                    if m and m.group(1) in fake.files:
                        return self._send(200, None, raw=fake.files[m.group(1)])
                return self._send(404, {"error": {"message": f"no route {path}"}})

            def do_POST(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                body = self._body()
                with fake.lock:
                    if path == "/v1/chat/completions":
                        fake.live_requests += 1
                        req = json.loads(body)
                        return self._send(200, completion(answer_for(req["messages"])))
                    if not fake.has_batches:
                        return self._send(404, {"error": {"message": "not found"}})
                    if path == "/v1/files":
                        msg = BytesParser(policy=HTTP).parsebytes(
                            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body
                        )
                        parts = {p.get_param("name", header="content-disposition"): p for p in msg.iter_parts()}
                        assert parts["purpose"].get_content().strip() == "batch"
                        fake.uploads += 1
                        fid = f"file-in-{len(fake.files)}"
                        fake.files[fid] = parts["file"].get_payload(decode=True)
                        return self._send(200, {"id": fid, "object": "file", "bytes": len(fake.files[fid]),
                                                "created_at": 0, "filename": "batch.jsonl",
                                                "purpose": "batch", "status": "processed"})
                    if path == "/v1/batches":
                        req = json.loads(body)
                        assert req["endpoint"] == "/v1/chat/completions"
                        fake.batch_creates += 1
                        bid = f"batch-{fake.batch_creates}"
                        fake.batches[bid] = {
                            "id": bid, "object": "batch", "endpoint": req["endpoint"],
                            "input_file_id": req["input_file_id"], "completion_window": "24h",
                            "status": "validating", "created_at": 0, "output_file_id": None,
                            "error_file_id": None, "polls": 0,
                            "request_counts": {"total": 0, "completed": 0, "failed": 0},
                        }
                        return self._send(200, {k: v for k, v in fake.batches[bid].items() if k != "polls"})
                return self._send(404, {"error": {"message": f"no route {path}"}})

        return Handler
