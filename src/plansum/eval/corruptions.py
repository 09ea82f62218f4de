"""A simulated model for the adversarial evaluation: answers from gold, then lies on purpose.

`SimulatedModel` is an OpenAI-compatible chat endpoint as an httpx transport handler (no
network, no server).  It reads each request the way a model would, the chunk text with its
【n】 mention tags, finds where that text stands in the document, and answers from the gold
annotations: for every gold indicator whose number is in the chunk, the mention number,
the gold name, role and year.  With probability `rate` (seeded, so reruns are identical)
each fact is corrupted in one of the ways a model goes wrong (`KINDS`), and every
corruption is recorded; `leaks` then counts the corrupted facts that reached the summary
shown as verified.  `sweep` runs that over a corpus for several rates.

The answer format follows the request: the JSON Schema in `tools` or `response_format`
says which fields the model must write, and the answer is a tool call when tools were sent.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from ..models import Quantity
from ..parse.numbers import find_mentions
from .gold import GoldDocument, GoldIndicator

# The ways a simulated answer goes wrong.  Each one is an attack from issue 12.
KINDS: tuple[str, ...] = (
    "name_misattributed",  # another indicator's name (or 财政赤字率) on this number
    "role_swapped",  # growth ↔ target ↔ baseline
    "target_actual",  # a target reported as achieved (value null, role actual), or back
    "value_invented",  # a value that is not in the chunk
    "value_elsewhere",  # another number of the chunk under this name
    "number_in_name",  # a name that carries numbers of its own
    "paraphrased_number",  # a number written as 九成, ①⑨%, ９９%, 99pct, 1e3 … in model text
    "wrong_year",  # a year other than the fact's
)

# Numbers as a model may write them, each with the value it means, so that a paraphrase is
# only used where that value is not a number of the chunk.
PARAPHRASES: tuple[tuple[str, float], ...] = (
    ("九成", 90.0),
    ("两成", 20.0),
    ("逾半", 50.0),
    ("①⑨%", 19.0),
    ("９９%", 99.0),
    ("٩٩%", 99.0),
    ("99pct", 99.0),
    ("1e3", 1000.0),
    ("1\u200b2%", 12.0),
)
NAME_WITH_NUMBERS = "{name}{year}年实际增长99.9%（约八千亿元）"
FOREIGN_NAME = "财政赤字率"
_TAG = re.compile(r"【(\d+)】")
_ROLES = ("target", "growth", "baseline")


@dataclass(frozen=True)
class Corruption:
    """One fact the simulated model got wrong on purpose."""

    document: str
    kind: str
    start: int  # offset of the number the corrupted fact is about
    field: str  # name | role | kind | value | year | summary
    bad: Any  # what the model wrote
    name: str = ""  # the name the model gave with it
    attempt: int = 1


@dataclass
class _Fact:
    gold: GoldIndicator
    mention: int
    quantity: Quantity


@dataclass
class _Request:
    chunk_start: int
    chunk_text: str
    tags: dict[int, int]  # mention number -> document offset
    section_path: str
    attempt: int
    properties: set[str]  # what the schema asks for, per indicator
    max_items: int
    tool_name: str | None
    list_key: str = "indicators"
    allowed: set[int] | None = None  # the mention numbers the schema lets an answer cite


def schema_of(body: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The JSON Schema a chat request asks the answer to follow (tool parameters or
    response_format), and the tool's name when it is a tool call."""
    for tool in body.get("tools") or []:
        fn = tool.get("function", {})
        return fn.get("parameters", {}), fn.get("name")
    rf = body.get("response_format") or {}
    js = rf.get("json_schema") or {}
    return js.get("schema") or rf.get("schema") or {}, None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref and ref.startswith("#/$defs/"):
        return dict(schema.get("$defs", {}).get(ref.split("/")[-1], {}))
    return node


def _list_key(schema: dict[str, Any]) -> str:
    """Where the indicators go: `indicators` (full answer) or `items` (compact answer)."""
    return "items" if "items" in schema.get("properties", {}) else "indicators"


def _indicator_schema(schema: dict[str, Any]) -> tuple[set[str], int, set[int] | None]:
    """The keys of one indicator, how many are allowed, and which mentions may be cited."""
    props = schema.get("properties", {})
    inds = _resolve(schema, props.get(_list_key(schema), {}))
    items = _resolve(schema, inds.get("items", {}))
    m = items.get("properties", {}).get("m", {})
    allowed = set(m["enum"]) if "enum" in m else None
    return set(items.get("properties", {})), int(inds.get("maxItems", 6)), allowed


def split_tags(numbered: str) -> tuple[str, dict[int, int]]:
    """Strip the 【n】 tags (1, 2, 3 … in order) and say where each one stood."""
    out: list[str] = []
    where: dict[int, int] = {}
    pos = 0
    length = 0
    expect = 1
    for m in _TAG.finditer(numbered):
        if int(m.group(1)) != expect:
            continue  # a bracketed number of the source text, not a tag
        piece = numbered[pos : m.start()]
        out.append(piece)
        length += len(piece)
        where[expect] = length
        expect += 1
        pos = m.end()
    out.append(numbered[pos:])
    return "".join(out), where


def _shape(item: dict[str, Any], properties: set[str]) -> dict[str, Any]:
    """The item with the keys the request's schema asks for (full or compact answer)."""
    if not properties:
        return item
    out = dict(item)
    if "m" in properties and "mention" not in properties:
        out["m"] = out.pop("mention")
    if "value" not in properties:
        out.pop("value", None)
    return {k: v for k, v in out.items() if k in properties}


class SimulatedModel:
    """An httpx transport handler that answers chunk requests for one document from gold."""

    def __init__(
        self,
        text: str,
        gold: GoldDocument,
        rate: float = 0.0,
        seed: int = 0,
        kinds: Sequence[str] = KINDS,
    ) -> None:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(
                f"unknown corruption kinds {sorted(unknown)}; known: {', '.join(KINDS)}"
            )
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate {rate} is not between 0 and 1")
        self.text = text
        self.gold = gold
        self.rate = rate
        self.seed = seed
        self.kinds = tuple(kinds)
        self.corruptions: list[Corruption] = []
        self.requests = 0
        self._mentions = {
            m.quantity.span.start: m.quantity for m in find_mentions(text) if m.quantity.span
        }
        self._lock = threading.Lock()

    # -- reading the request
    def _read(self, body: dict[str, Any]) -> _Request:
        messages = body.get("messages", [])
        numbered = section = None
        for msg in messages:
            content = msg.get("content")
            if msg.get("role") == "user" and isinstance(content, str) and "正文：" in content:
                head, _, numbered = content.partition("正文：")
                numbered = numbered.lstrip("\n").split("\n（正文完）", 1)[0]
                sec = re.search(r"章节：(.*)", head)
                section = sec.group(1).strip() if sec else ""
                break
        if numbered is None:
            raise ValueError("no chunk text (正文：) in the request")
        plain, tags = split_tags(numbered)
        start = self.text.find(plain)
        if start < 0:
            raise ValueError("the chunk text is not part of this document")
        schema, tool = schema_of(body)
        props, cap, allowed = _indicator_schema(schema)
        attempt = 1 + sum(1 for m in messages if m.get("role") == "assistant")
        return _Request(
            chunk_start=start,
            chunk_text=plain,
            tags={k: start + off for k, off in tags.items()},
            section_path=section or "",
            attempt=attempt,
            properties=props,
            max_items=cap,
            tool_name=tool,
            list_key=_list_key(schema),
            allowed=allowed,
        )

    def _facts(self, req: _Request) -> list[_Fact]:
        at = {off: k for k, off in req.tags.items()}
        end = req.chunk_start + len(req.chunk_text)
        facts = []
        for g in self.gold.indicators:
            if g.start is None or not req.chunk_start <= g.start < end:
                continue
            k = at.get(g.start)
            if k is None:  # the gold span may start inside the mention (e.g. after 约)
                k = next(
                    (
                        n
                        for n, off in req.tags.items()
                        if (q := self._mentions.get(off)) is not None
                        and q.span is not None
                        and q.span.start <= g.start < q.span.end
                    ),
                    None,
                )
            q = self._mentions.get(req.tags[k]) if k is not None else None
            if k is None or q is None or (req.allowed is not None and k not in req.allowed):
                continue
            facts.append(_Fact(g, k, q))
        return facts[: req.max_items]

    # -- the answer
    def _years_in_chunk(self, req: _Request) -> list[int]:
        out = []
        for off in req.tags.values():
            q = self._mentions.get(off)
            if q is not None and q.unit == "年" and 1900 <= q.value <= 2100:
                out.append(int(q.value))
        return sorted(set(out))

    def _values_in_chunk(self, req: _Request) -> list[float]:
        vals: list[float] = []
        for off in req.tags.values():
            q = self._mentions.get(off)
            if q is not None:
                vals += [v for v in (q.value, q.upper, q.scaled) if v is not None]
        return vals

    def _paraphrase(self, rng: random.Random, req: _Request) -> str | None:
        vals = self._values_in_chunk(req)
        free = [p for p, v in PARAPHRASES if not any(abs(v - x) < 1e-9 for x in vals)]
        return rng.choice(free) if free else None

    def _elsewhere(self, req: _Request, f: _Fact) -> list[Quantity]:
        """Other numbers of the chunk that a lying model could give for this fact."""
        out: list[Quantity] = []
        for n, off in req.tags.items():
            other = self._mentions.get(off)
            if (
                n != f.mention
                and other is not None
                and other.unit != "年"
                and other.value != f.quantity.value
                and not any(o.name == f.gold.name and o.start == off for o in self.gold.indicators)
            ):
                out.append(other)
        return out

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        """The answer object (before it is put in a completion) and its corruptions."""
        req = self._read(body)
        digest = hashlib.sha256(
            f"{self.seed}:{self.gold.document}:{req.chunk_start}:{req.attempt}".encode()
        )
        rng = random.Random(int.from_bytes(digest.digest()[:8], "big"))
        facts = self._facts(req)
        years = self._years_in_chunk(req)
        names = sorted({g.name for g in self.gold.indicators})
        items: list[dict[str, Any]] = []
        found: list[Corruption] = []

        def spoil(
            kind: str, fact: _Fact, fld: str, bad: Any, name: str, start: int | None = None
        ) -> None:
            found.append(
                Corruption(
                    document=self.gold.document,
                    kind=kind,
                    start=start
                    if start is not None
                    else (fact.quantity.span.start if fact.quantity.span else 0),
                    field=fld,
                    bad=bad,
                    name=name,
                    attempt=req.attempt,
                )
            )

        for f in facts:
            g = f.gold
            item: dict[str, Any] = {
                "name": g.name,
                "mention": f.mention,
                "value": f.quantity.value,
                "role": g.role,
                "year": g.year,
            }
            if self.kinds and rng.random() < self.rate:
                kind = rng.choice(self.kinds)
                if kind == "name_misattributed":
                    others = [n for n in names if n != g.name]
                    item["name"] = (
                        rng.choice(others) if others and rng.random() < 0.5 else FOREIGN_NAME
                    )
                    if item["name"] == g.name:
                        item["name"] = FOREIGN_NAME
                    spoil(kind, f, "name", item["name"], item["name"])
                elif kind == "role_swapped":
                    role = rng.choice([r for r in _ROLES if r != g.role])
                    item["role"] = role
                    spoil(kind, f, "role", role, g.name)
                elif kind == "target_actual":
                    if g.kind.value == "actual" or g.role == "actual":
                        item["role"] = "target"
                        spoil(kind, f, "kind", "target", g.name)
                    else:
                        item["role"], item["value"] = "actual", None
                        spoil(kind, f, "kind", "actual", g.name)
                elif kind == "value_invented" and "value" not in req.properties:
                    # a compact answer has no value: the model cites a number that is not there
                    item["mention"] = max(req.tags, default=0) + 7
                    spoil(kind, f, "value", None, g.name)
                elif kind == "value_invented":
                    vals = self._values_in_chunk(req)
                    v = round(f.quantity.value * 1.37 + 7.3, 2)
                    while any(abs(v - x) < 1e-6 for x in vals):
                        v += 1.1
                    item["value"] = v
                    spoil(kind, f, "value", v, g.name)
                elif kind == "value_elsewhere":
                    elsewhere = self._elsewhere(req, f)
                    if elsewhere:
                        pick = rng.choice(elsewhere)
                        item["value"] = pick.value
                        where = pick.span.start if pick.span else None
                        if "value" not in req.properties:  # a compact answer cites the other number
                            item["mention"] = next(n for n, o in req.tags.items() if o == where)
                        spoil(kind, f, "value", pick.value, g.name, start=where)
                elif kind == "number_in_name":
                    item["name"] = NAME_WITH_NUMBERS.format(name=g.name, year=g.year or 2025)
                    spoil(kind, f, "name", item["name"], item["name"])
                elif kind == "paraphrased_number":
                    p = self._paraphrase(rng, req)
                    if p is not None:
                        item["name"] = f"{g.name}{p}"
                        spoil(kind, f, "name", item["name"], item["name"])
                elif kind == "wrong_year":
                    wrong = [y for y in years if y != g.year]
                    y = rng.choice(wrong) if wrong else (g.year or 2025) + 3
                    item["year"] = y
                    spoil(kind, f, "year", y, g.name)
            items.append(_shape(item, req.properties))
        section = req.section_path.split(" > ")[-1] if req.section_path else ""
        summary = (section if section and section != "（无）" else "本段的主要内容")[:40]
        if self.kinds and "paraphrased_number" in self.kinds and rng.random() < self.rate:
            p = self._paraphrase(rng, req)
            if p is not None:
                summary = f"{summary[:24]}，完成率{p}"
                found.append(
                    Corruption(
                        self.gold.document,
                        "paraphrased_number",
                        req.chunk_start,
                        "summary",
                        p,
                        summary,
                        req.attempt,
                    )
                )
        projects = [p for p in self.gold.projects if p in req.chunk_text][:4]
        with self._lock:
            self.corruptions += found
        return {"summary": summary, req.list_key: items, "goals": [], "projects": projects[:2]}

    # -- the transport
    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with self._lock:
            self.requests += 1
        answer = self.answer(body)
        text = json.dumps(answer, ensure_ascii=False)
        _, tool = schema_of(body)
        if tool is not None:
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": tool, "arguments": text},
                    }
                ],
            }
            finish = "tool_calls"
        else:
            message, finish = {"role": "assistant", "content": text}, "stop"
        prompt_chars = sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
        return httpx.Response(
            200,
            json={
                "id": f"sim-{self.requests}",
                "object": "chat.completion",
                "created": 1767225600,
                "model": "simulated",
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {
                    "prompt_tokens": prompt_chars,
                    "completion_tokens": len(text),
                    "total_tokens": prompt_chars + len(text),
                },
            },
        )

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))
