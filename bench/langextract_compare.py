#!/usr/bin/env python3
"""langextract on one plan document, against an OpenAI-compatible endpoint, for bench/run.py.

Runs in its own environment (langextract is only in the `bench` extra, and needs openai):

    python3 -m venv /work/venv-bench && /work/venv-bench/bin/pip install 'langextract[openai]'
    /work/venv-bench/bin/python bench/langextract_compare.py --doc ../shared/seeds/004_c779884c0705ecb1.txt \
        --base-url http://127.0.0.1:8765/v1 --model gemma-3-270m --max-char-buffer 3000 --json

`--dry-run` sends nothing: every request is captured and answered with an empty extraction
list, so the script still chunks the text and builds each request (messages, response format,
token cap) and prints them, which bench/run.py tokenizes to count prompt tokens offline.

Settings mirror plansum's recording: one request in flight, temperature 0, answer capped at
384 tokens, chunk budget 3000 characters, one extraction pass.  langextract's OpenAI provider
sends `response_format: {"type": "json_object"}`; llama-cpp-python turns that into a JSON
grammar (its server ignores `json_schema` response formats, so langextract's schema
constraints are left off: they would not constrain anything there).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from metrics import value_in_source  # noqa: E402

PROMPT = (
    "从政府发展规划文本中抽取量化指标。extraction_text 照抄原文中的指标短语（指标名称连同数字），"
    "按出现顺序抽取，不要改写，不要重叠。attributes 中 value 为原文中的数值（只写数字），"
    "unit 为单位（如 %、万人、亿元）。没有数字的句子不要抽取。"
)

EXAMPLE_TEXT = (
    "2025年青岚市地区生产总值增长6%左右，城镇新增就业1.2万人以上，"
    "单位地区生产总值能耗下降3%，粮食产量稳定在180亿斤以上。"
)
EXAMPLE_EXTRACTIONS = [
    ("地区生产总值增长6%左右", "6", "%"),
    ("城镇新增就业1.2万人以上", "1.2", "万人"),
    ("单位地区生产总值能耗下降3%", "3", "%"),
    ("粮食产量稳定在180亿斤以上", "180", "亿斤"),
]


def examples() -> list[Any]:
    import langextract as lx

    return [
        lx.data.ExampleData(
            text=EXAMPLE_TEXT,
            extractions=[
                lx.data.Extraction(
                    extraction_class="indicator",
                    extraction_text=t,
                    attributes={"value": v, "unit": u},
                )
                for t, v, u in EXAMPLE_EXTRACTIONS
            ],
        )
    ]


class Meter:
    """Wraps chat.completions.create: counts requests and usage; in dry-run answers itself."""

    def __init__(self, create: Any, dry_run: bool) -> None:
        self._create = create
        self.dry_run = dry_run
        self.requests: list[dict[str, Any]] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.server_seconds: list[float] = []

    def __call__(self, **params: Any) -> Any:
        self.requests.append(params)
        if self.dry_run:
            from openai.types.chat import ChatCompletion

            return ChatCompletion.model_validate(
                {
                    "id": "dry-run",
                    "object": "chat.completion",
                    "created": 0,
                    "model": params.get("model", ""),
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": '{"extractions": []}'},
                        }
                    ],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                }
            )
        t0 = time.perf_counter()
        resp = self._create(**params)
        self.server_seconds.append(time.perf_counter() - t0)
        u = getattr(resp, "usage", None)
        self.prompt_tokens += int(getattr(u, "prompt_tokens", 0) or 0)
        self.completion_tokens += int(getattr(u, "completion_tokens", 0) or 0)
        return resp


def run(
    doc: Path,
    base_url: str,
    model_id: str,
    max_char_buffer: int,
    max_tokens: int,
    dry_run: bool,
    workers: int,
) -> dict[str, Any]:
    import langextract as lx
    from langextract.providers.openai import OpenAILanguageModel

    text = doc.read_text(encoding="utf-8")
    model = OpenAILanguageModel(
        model_id=model_id,
        api_key=os.environ.get("OPENAI_API_KEY") or "none",
        base_url=base_url,
        temperature=0.0,
        max_workers=workers,
        max_output_tokens=max_tokens,
    )
    meter = Meter(model._client.chat.completions.create, dry_run)
    model._client.chat.completions.create = meter  # one client, shared by the worker threads
    t0 = time.perf_counter()
    result = lx.extract(
        text,
        prompt_description=PROMPT,
        examples=examples(),
        model=model,
        max_char_buffer=max_char_buffer,
        batch_length=max(workers, 1),
        max_workers=workers,
        extraction_passes=1,
        fence_output=False,
        use_schema_constraints=False,
        show_progress=False,
        resolver_params={"suppress_parse_errors": True},
    )
    wall = time.perf_counter() - t0
    extractions = [e for e in (result.extractions or []) if e.extraction_class == "indicator"]
    values = []
    for e in extractions:
        attrs = e.attributes or {}
        v = attrs.get("value")
        if isinstance(v, list):
            v = v[0] if v else None
        values.append(v if v not in (None, "") else e.extraction_text)
    found = sum(1 for v in values if value_in_source(v, text))
    aligned = sum(1 for e in extractions if e.char_interval is not None)
    text_found = sum(1 for e in extractions if e.extraction_text and e.extraction_text in text)
    return {
        "tool": "langextract",
        "langextract_version": _version("langextract"),
        "document": doc.name,
        "chars": len(text),
        "dry_run": dry_run,
        "base_url": base_url,
        "model": model_id,
        "max_char_buffer": max_char_buffer,
        "max_tokens": max_tokens,
        "workers": workers,
        "wall_seconds": round(wall, 2),
        "requests": len(meter.requests),
        "prompt_tokens": None if dry_run else meter.prompt_tokens,
        "completion_tokens": None if dry_run else meter.completion_tokens,
        "server_seconds": [round(s, 2) for s in meter.server_seconds],
        "quantities": len(extractions),
        "values_in_source": found,
        "values_in_source_share": round(found / len(extractions), 3) if extractions else None,
        "aligned_extractions": aligned,
        "extraction_text_in_source": text_found,
        # every extraction with where langextract aligned it, for bench/langextract_checks.py
        "extractions": [
            {
                "text": e.extraction_text,
                "attributes": e.attributes,
                "start": e.char_interval.start_pos if e.char_interval is not None else None,
                "end": e.char_interval.end_pos if e.char_interval is not None else None,
            }
            for e in extractions
        ],
        "sample": [
            {"text": e.extraction_text, "attributes": e.attributes, "aligned": e.char_interval is not None}
            for e in extractions[:8]
        ],
        # the requests as sent (for offline token counts); the document text is in them
        "request_messages": [r.get("messages") for r in meter.requests],
        "request_params": [
            {k: v for k, v in r.items() if k != "messages"} for r in meter.requests[:1]
        ],
    }


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--doc", type=Path, required=True, help="UTF-8 plan document")
    ap.add_argument("--base-url", default="http://127.0.0.1:8765/v1")
    ap.add_argument("--model", default="gemma-3-270m")
    ap.add_argument("--max-char-buffer", type=int, default=3000, help="chunk budget (characters)")
    ap.add_argument("--max-tokens", type=int, default=384, help="answer token cap per request")
    ap.add_argument("--workers", type=int, default=1, help="requests in flight")
    ap.add_argument("--dry-run", action="store_true", help="build the requests, send nothing")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    a = ap.parse_args()
    import logging

    logging.disable(logging.WARNING)  # langextract warns per unaligned extraction
    out = run(a.doc, a.base_url, a.model, a.max_char_buffer, a.max_tokens, a.dry_run, a.workers)
    if a.json:
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        short = {k: v for k, v in out.items() if k not in ("request_messages", "sample")}
        print(json.dumps(short, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
