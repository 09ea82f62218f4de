"""A lying model that knows nothing but the request (issue 21).

`Adversary` is an OpenAI-compatible chat endpoint as an httpx transport handler.  Unlike
`simulate.SimulatedModel` it never sees gold or the document: it reads the chunk text with
its 【n】 tags out of the request, cuts a name for each tagged number with its own small
reader (the words of the number's clause, minus the verbs before the number), guesses a
role and a year from the words around it, writes a one-line summary from those items, and
answers in the format the request's schema asks for (full: name, mention, value, role,
year; compact: m, name, role, year), as a tool call when tools were sent.

With probability `rate` (seeded: reruns are identical) an item is corrupted in one of the
`KINDS`, and the chunk's summary sentence is written from the corrupted item in the same
way.  Every corruption is recorded with the chunk text and the offset of the number in it;
`exposed` says which of them a summary shows as checked.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..models import CheckStatus, Indicator, PlanSummary
from .corruptions import schema_of as _schema  # the same reading of the answer schema asked for
from .corruptions import split_tags  # the same reading of the numbered text

KINDS: tuple[str, ...] = (
    "names_swapped",  # two items of the chunk trade names
    "name_elsewhere",  # a name from another sentence of the chunk
    "name_invented",  # a plausible name the chunk does not hold
    "year_shifted",  # the year one off
    "target_result",  # a target said to be achieved, or a result said to be a target
    "direction",  # 增长 ↔ 下降 (in the name of an item, in the verb of a sentence)
    "unit",  # % ↔ 个百分点, 万 dropped, a value off by a scale
    "neighbour_value",  # the number next to it under this name
    "number_words",  # numbers written as words in the name (九成, 十之八九, Ⅸ成, ㈨成 …)
    "role",  # a change said to be a level, or a level said to be a change
)

INVENTED = ("财政赤字率", "人均预期寿命", "研发经费投入强度", "森林蓄积量", "万元工业增加值用水量")
NUMBER_WORDS = ("九成", "十之八九", "Ⅸ成", "㈨成", "①⑨%", "٩٩%", "三分之二", "逾半", "九十九个百分点", "99pct")
_NUMBER_WORD_VALUES = {"九成": 90, "十之八九": 90, "Ⅸ成": 90, "㈨成": 90, "①⑨%": 19, "٩٩%": 99,
                       "三分之二": 66.7, "逾半": 50, "九十九个百分点": 99, "99pct": 99}

_NUMBER = re.compile(
    r"(?P<lead>控制在|保持在|稳定在|不低于|不少于|不超过|不高于|低于|高于|超过|约|近|超)?(?P<v>\d+(?:\.\d+)?)(?:[~～—-](?P<hi>\d+(?:\.\d+)?))?"
    r"(?P<unit>%|‰|个百分点|倍|[万亿千百]*(?:元|人次|人|个|户|家|项|座|所|条|公里|千瓦时|千瓦|吨|亩|斤|"
    r"平方米|立方米|辆|套|张|台|间|次|头只|头|只|标准箱|吨标准煤|微克/立方米|千伏|兆瓦|伏)|[万亿])?"
    r"(?P<cmp>左右|以上|以内|以下)?"
)
_STOP = "，,、；;：:。！？!?\n（(）)“”|"
_TAIL = re.compile(
    r"(?:分别|年均|平均|累计|同比|比上年|较上年|全年|力争|争取|确保|预计|预期|增长|增加|提高|提升|下降|降低|"
    r"减少|达到|达|超过|突破|完成|实现|保持在|稳定在|控制在|降至|提高到|增至|为|约|近|在|到|至|了|是|由|从|"
    r"比(?:19|20)\d\d年|较(?:19|20)\d\d年)+$"
)
_HEAD = re.compile(r"^(?:其中|全年|全市|全县|全区|全省|今年|力争|争取|确保|预计|实现|完成|推动|推进|"
                   r"(?:到|至)?(?:19|20)\d\d年(?:底|末)?)+")
_VERB = re.compile(r"(?:新增|新建|建成|推出|改造|实施|完成|实现|开工|培育|打造|引进|签约|举办|开展|建设|加快推进|推进|"
                   r"新开工|出台|争创|创建|落地|投产|累计|共|全年|其中)+")
_GENERIC = {"目标", "任务", "原则", "主要目标", "重点任务", "方面", "举措", "工作"}
_UP = re.compile(r"(增长|增加|提高|提升|上升)")
_DOWN = re.compile(r"(下降|降低|减少|回落)")
_RESULT = re.compile(r"(比上年|同比|较上年|完成了|实现了|已经|累计完成|过去五年|五年来|创历年|历史新高|连续\d+年|回望|回顾)")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_FLIP = {"增长": "下降", "增加": "减少", "提高": "降低", "提升": "降低", "上升": "下降",
         "下降": "增长", "降低": "提高", "减少": "增加", "回落": "上升"}


@dataclass(frozen=True)
class Corruption:
    """One fact the adversary got wrong on purpose, where it stands in the chunk."""

    kind: str
    chunk: str  # the chunk text as the request showed it (tags stripped)
    offset: int  # of the number in the chunk text
    field: str  # name | year | kind | role | value | summary
    bad: Any  # what the adversary wrote instead of the fact
    name: str = ""  # the name it wrote with it
    shown_offset: int | None = None  # for neighbour_value: the number it cited instead


@dataclass
class Item:
    tag: int
    offset: int  # of the number in the chunk text
    number: str  # the number as written (6%左右)
    value: float
    unit: str
    name: str
    cue: str  # the verb between name and number, as written
    role: str
    year: int | None
    sentence: tuple[int, int]


def _node(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    return schema.get("$defs", {}).get(ref.split("/")[-1], {}) if ref.startswith("#/$defs/") else node


@dataclass
class Format:
    compact: bool
    list_key: str
    keys: set[str]
    max_items: int
    summary_max: int
    allowed: set[int] | None
    tool: str | None


def read_format(body: dict[str, Any]) -> Format:
    schema, tool = _schema(body)
    props = schema.get("properties", {})
    key = "items" if "items" in props else "indicators"
    lst = _node(schema, props.get(key, {}))
    item = _node(schema, lst.get("items", {}))
    keys = set(item.get("properties", {}))
    m = item.get("properties", {}).get("m", {})
    allowed = set(m["enum"]) if "enum" in m else None
    summary = _node(schema, props.get("summary", {}))
    return Format(
        compact="m" in keys,
        list_key=key,
        keys=keys,
        max_items=int(lst.get("maxItems", 6)),
        summary_max=int(summary.get("maxLength", 80)),
        allowed=allowed,
        tool=tool,
    )


def read_heading(body: dict[str, Any]) -> str:
    for msg in body.get("messages", []):
        content = msg.get("content")
        if msg.get("role") == "user" and isinstance(content, str) and "章节：" in content:
            return content.partition("章节：")[2].split("\n", 1)[0]
    return ""


def read_chunk(body: dict[str, Any]) -> tuple[str, dict[int, int]]:
    for msg in body.get("messages", []):
        content = msg.get("content")
        if msg.get("role") == "user" and isinstance(content, str) and "正文：" in content:
            numbered = content.partition("正文：")[2].lstrip("\n")
            numbered = numbered.split("\n（正文完）", 1)[0]
            numbered = re.split(r"\n\n从上面的正文|\n\n你是", numbered, maxsplit=1)[0]
            return split_tags(numbered)
    raise ValueError("no chunk text (正文：) in the request")


def _sentence(text: str, at: int) -> tuple[int, int]:
    s0 = max(text.rfind(c, 0, at) for c in "。；;！!？?\n") + 1
    ends = [i for i in (text.find(c, at) for c in "。；;！!？?\n") if i >= 0]
    return s0, min(ends) if ends else len(text)


def read_items(text: str, tags: dict[int, int]) -> list[Item]:
    """Every tagged number with a name before it, as a careful reader of the chunk cuts it."""
    items: list[Item] = []
    prev_end = 0
    last_name: dict[tuple[int, int], str] = {}
    for tag, off in sorted(tags.items()):
        m = _NUMBER.match(text, off)
        if m is None:
            continue
        end = m.end()
        unit = m.group("unit") or ""
        year_like = not unit and text[end : end + 1] == "年"
        if year_like or (unit == "" and m.group("cmp") is None):
            if not year_like:
                prev_end = end  # a year does not end a name (比2020年下降)
            continue
        sent = _sentence(text, off)
        counted = re.match(r"[\u4e00-\u9fff]{2,8}", text[end:])
        if counted and not re.match(r"(左右|以上|以内|以下|和|及|与|等|增长|提高|下降|降低|达到|分别)", counted.group(0)):
            # 完成10项重点任务: the number counts what follows it, and that names it
            name = re.split(r"[，,、；;。]", counted.group(0))[0]
            prev_end = end
            if len(name) >= 2:
                items.append(Item(tag, off, text[off:end], float(m.group("v")), unit, name, "", "target",
                                  None, sent))
            continue
        lo = max([sent[0], prev_end] + [text.rfind(c, 0, off) + 1 for c in _STOP])
        pre = re.sub(r"\s+", "", text[lo:off])
        cue_m = _TAIL.search(pre)
        cue = cue_m.group(0) if cue_m else ""
        name = _HEAD.sub("", pre[: len(pre) - len(cue)]) if cue else _HEAD.sub("", pre)
        if _VERB.fullmatch(name) or name in _GENERIC or "|" in text[sent[0]:sent[1]]:
            prev_end = end
            continue  # 改造提升40万亩: the subject is left out, and no name can be cut
        if len(name) < 2 or re.fullmatch(r"[\d.%]+", name):
            name = last_name.get(sent, "")
        prev_end = end
        if len(name) < 2:
            continue
        last_name[sent] = name
        s_text = text[sent[0] : sent[1]]
        if re.search(r"(由|从)$", cue):
            role = "baseline"
        elif re.search(r"(增速|增幅|增长率|涨幅|降幅)$", name):
            role = "growth"
        elif _UP.search(cue) or _DOWN.search(cue) or unit in ("个百分点", "倍"):
            role = "growth"
        elif _RESULT.search(s_text):
            role = "actual"
        else:
            role = "target"
        years = [int(y) for y in _YEAR.findall(s_text)]
        items.append(
            Item(tag, off, text[off:end], float(m.group("v")), unit, name[-20:], cue, role,
                 years[0] if years else None, sent)
        )
    return items


def _say(it: Item, name: str | None = None, cue: str | None = None, number: str | None = None,
         year: int | None = -1) -> str:
    y = it.year if year == -1 else year
    return f"{f'{y}年' if y else ''}{name or it.name}{it.cue if cue is None else cue}{number or it.number}"


class Adversary:
    """An httpx transport handler: reads the request, answers it, lies at `rate`."""

    def __init__(self, rate: float = 0.0, seed: int = 0, kinds: Sequence[str] = KINDS) -> None:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown corruption kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate {rate} is not between 0 and 1")
        self.rate, self.seed, self.kinds = rate, seed, tuple(kinds)
        self.requests = 0
        self.items_given = 0
        self._latest: dict[str, list[Corruption]] = {}  # chunk text -> the last answer's lies
        self._given: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def corruptions(self) -> list[Corruption]:
        return [c for cs in self._latest.values() for c in cs]

    @property
    def fields_given(self) -> int:
        return sum(self._given.values())

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        fmt = read_format(body)
        text, tags = read_chunk(body)
        attempt = 1 + sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")
        rng = random.Random(
            int.from_bytes(hashlib.sha256(f"{self.seed}:{attempt}:{text}".encode()).digest()[:8], "big")
        )
        items = [it for it in read_items(text, tags) if fmt.allowed is None or it.tag in fmt.allowed]
        items = items[: fmt.max_items]
        lies: list[Corruption] = []
        out: list[dict[str, Any]] = []
        prose: list[str] = []
        bad_prose: list[tuple[str, str, int]] = []  # (kind, fragment, offset)
        for i, it in enumerate(items):
            item: dict[str, Any] = {"name": it.name, "mention": it.tag, "value": it.value,
                                    "role": it.role, "year": it.year}
            said = _say(it)
            if self.kinds and rng.random() < self.rate:
                kind = rng.choice(self.kinds)
                said = self._corrupt(kind, rng, it, items, i, text, read_heading(body), item, lies, fmt)  # type: ignore[assignment]
                if said is not None and said != _say(it):
                    bad_prose.append((kind, said, it.offset))
                said = said or _say(it)
            out.append(item)
            prose.append(said)
        picked: list[str] = []
        for p in prose:  # whole sentences only: a cut one would misquote a number
            if len("；".join(picked + [p])) <= fmt.summary_max and len(picked) < 2:
                picked.append(p)
        summary = "；".join(picked) if picked else "本段没有量化指标"
        for kind, frag, off in bad_prose:
            if frag in summary:
                lies.append(Corruption(kind, text, off, "summary", frag))
        shaped = [self._shape(x, fmt) for x in out]
        with self._lock:
            self._latest[text] = lies
            self._given[text] = len(shaped) * 4 + (1 if summary else 0)
        return {"summary": summary, fmt.list_key: shaped, "goals": [], "projects": []}

    def _corrupt(self, kind: str, rng: random.Random, it: Item, items: list[Item], i: int,
                 text: str, heading: str, item: dict[str, Any], lies: list[Corruption],
                 fmt: Format) -> str | None:
        def lie(fld: str, bad: Any, name: str = "", shown: int | None = None) -> None:
            lies.append(Corruption(kind, text, it.offset, fld, bad, name or item["name"], shown))

        def unrelated(o: Item) -> bool:  # a lie must be false: not this number's name or value
            return (o.name not in it.name and it.name not in o.name and o.value != it.value)

        if kind in ("names_swapped", "name_elsewhere", "name_invented"):
            if kind == "names_swapped":
                others = [o.name for o in items if unrelated(o) and o.sentence == it.sentence]
                others = others or [o.name for o in items if unrelated(o)]
            elif kind == "name_elsewhere":
                others = [o.name for o in items if o.sentence != it.sentence and unrelated(o)]
                if not others:
                    s0, s1 = it.sentence
                    rest = text[:s0] + "。" + text[s1:]
                    others = [w for w in re.findall(r"[\u4e00-\u9fff]{4,8}", rest)
                              if w not in text[s0:s1] and w not in it.name and it.name not in w]
            else:
                others = [n for n in INVENTED if n not in text]
            if not others:
                return None
            item["name"] = rng.choice(others)
            lie("name", item["name"])
            return _say(it, name=item["name"])
        if kind == "year_shifted":
            written = {int(x) for x in _YEAR.findall(text + heading)}
            y = (it.year or max(written, default=2025)) + rng.choice((-1, 1))
            if y in written:  # not a lie then, or a coincidence: the other side
                y = (it.year or max(written, default=2025)) * 2 - y
            if y in written:
                return None
            item["year"] = y
            lie("year", y)
            return _say(it, year=y)
        if kind == "target_result":
            s0, s1 = it.sentence
            bad = "target" if it.role == "actual" or _RESULT.search(text[s0:s1]) else "actual"
            item["role"] = bad
            lie("kind", bad)
            return f"{it.name}{'目标' if bad == 'target' else '已完成'}{it.number}"
        if kind == "direction":
            verb = next((v for v in _FLIP if v in it.cue), None)
            flipped = it.cue.replace(verb, _FLIP[verb]) if verb else "下降" + it.cue
            item["name"] = it.name + (_FLIP[verb] if verb else "下降")
            lie("name", item["name"])
            return _say(it, cue=flipped)
        if kind == "unit":
            swaps = [("个百分点", "%"), ("%", "个百分点"), ("万", ""), ("亿", "万"), ("千瓦", "万千瓦")]
            digits = re.match(r"\D*[\d.]+", it.number)
            cut = digits.end() if digits else len(it.number)
            new = next((it.number.replace(a, b, 1) for a, b in swaps if a in it.number),
                       it.number[:cut] + "万" + it.number[cut:])
            if "value" in fmt.keys:
                item["value"] = it.value * 10 if it.value * 10 not in (
                    float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)) else it.value * 1000 + 1
                lie("value", item["value"])
            else:
                item["name"] = f"{it.name}（{new[len(str(it.value).rstrip('0').rstrip('.')):] or '万'}）"
                lie("name", item["name"])
            return _say(it, number=new)
        if kind == "neighbour_value":
            near = [o for o in items if o.tag != it.tag and unrelated(o)]
            if not near:
                return None
            o = min(near, key=lambda o: abs(o.tag - it.tag))
            item["mention"], item["value"] = o.tag, o.value
            lie("value", o.value, shown=o.offset)
            return _say(it, number=o.number, year=None)
        if kind == "number_words":
            vals = {float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)}
            free = [w for w in NUMBER_WORDS if float(_NUMBER_WORD_VALUES[w]) not in vals]
            if not free:
                return None
            w = rng.choice(free)
            item["name"] = f"{it.name}{w}"
            lie("name", item["name"])
            return f"{_say(it)}，完成率{w}"
        if kind == "role":
            if it.role == "growth":
                item["role"] = rng.choice(("target", "baseline"))
                cue = "达到"
            else:
                item["role"] = "growth"
                cue = "增长"
            lie("role", item["role"])
            return _say(it, cue=cue)
        raise AssertionError(kind)

    @staticmethod
    def _shape(item: dict[str, Any], fmt: Format) -> dict[str, Any]:
        if fmt.compact:
            return {"m": item["mention"], "name": item["name"][:20], "role": item["role"], "year": item["year"]}
        return item

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with self._lock:
            self.requests += 1
        text = json.dumps(self.answer(body), ensure_ascii=False)
        fmt_tool = _schema(body)[1]
        if fmt_tool is not None:
            message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": fmt_tool, "arguments": text}}]}
            finish = "tool_calls"
        else:
            message, finish = {"role": "assistant", "content": text}, "stop"
        return httpx.Response(200, json={
            "id": f"adv-{self.requests}", "object": "chat.completion", "created": 1767225600,
            "model": "adversary",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 100, "completion_tokens": len(text), "total_tokens": 100 + len(text)},
        })

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


# ---------------------------------------------------------------------------------------
# What a summary shows of the lies

_SHOWN = (CheckStatus.verified, CheckStatus.corrected)


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _status(ind: Indicator, fld: str) -> CheckStatus:
    own = (ind.field_checks or {}).get(fld)
    return own.status if own is not None else ind.check.status


def _at(ind: Indicator, start: int) -> list[str]:
    return [r for r in ("target", "actual", "growth", "baseline")
            if (q := getattr(ind, r)) is not None and q.span is not None and q.span.start == start]


def shown_prose(summary: PlanSummary) -> list[str]:
    """The model-written sentences a summary shows as checked: its checked points, or (where a
    summary has none) the whole overview, which then is not marked."""
    points = getattr(summary, "points", None)
    if points is not None:
        return [p.text for p in points if p.check.status == CheckStatus.verified] + [summary.overview]
    return [summary.overview]


def exposed_one(c: Corruption, base: int, summary: PlanSummary, any_origin: bool = False) -> bool:
    """Whether the lie stands in `summary` shown as checked (`base`: the chunk's offset)."""
    at = base + c.offset
    if c.field == "summary":
        return any(c.bad in p for p in shown_prose(summary))
    for ind in summary.indicators:
        if ind.origin != "llm" and not any_origin:
            continue
        roles = _at(ind, at)
        if c.field == "value":
            # the name the model gave on a number it did not speak of
            if (c.shown_offset is not None and _at(ind, base + c.shown_offset)
                    and _compact(ind.name) == _compact(c.name) and _status(ind, "value") in _SHOWN):
                return True
            if any(abs(q.value - float(c.bad)) < 1e-9 and _compact(ind.name) == _compact(c.name)
                   for q in ind.quantities()) and c.shown_offset is None and roles:
                return True
            continue
        if not roles:
            continue
        if c.field == "name" and _compact(ind.name) == _compact(c.bad) and _status(ind, "name") in _SHOWN:
            return True
        if (c.field == "year" and c.bad in (ind.target_year, ind.baseline_year)
                and _status(ind, "year") == CheckStatus.verified):
            return True
        if c.field == "kind" and ind.kind.value == c.bad and _status(ind, "kind") == CheckStatus.verified:
            return True
        if c.field == "role":
            want = {"growth": ("growth",), "baseline": ("baseline",), "target": ("target", "actual"),
                    "actual": ("target", "actual")}[c.bad]
            if any(r in want for r in roles) and _status(ind, "role") == CheckStatus.verified:
                return True
    return False


def exposed(corruptions: Iterable[Corruption], document: str, summary: PlanSummary,
            rules: PlanSummary | None = None) -> list[Corruption]:
    """The lies shown as checked; one that the rules alone show the same way is not the model's."""
    out = []
    for c in corruptions:
        base = document.find(c.chunk)
        if base < 0:
            continue
        if exposed_one(c, base, summary) and (rules is None or not exposed_one(c, base, rules, True)):
            out.append(c)
    return out


def refusals(summary: PlanSummary) -> list[str]:
    """What the checks refused of the model's answer (one line each)."""
    out = []
    for r in summary.checks:
        if r.status == CheckStatus.rejected and (r.item.startswith("chunk[") or r.item.startswith("indicator ")):
            out.append(f"{r.item}: {r.reason}")
        elif r.status == "degraded":
            out.append(f"{r.item}: {r.reason}")
    return out


@dataclass
class SweepCell:
    kind: str
    rate: float
    answer: str
    corrupted: int = 0
    exposed_items: int = 0
    exposed_prose: int = 0
    corrupted_prose: int = 0
    fields: int = 0
    refused: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    by_field: Counter[str] = field(default_factory=Counter)


def run_document(text: str, rate: float, *, answer: str = "full", seed: int = 0,
                 kinds: Sequence[str] = KINDS, chunk_chars: int = 3000, mode: str = "tools",
                 name: str = "<adversary>") -> tuple[PlanSummary, Adversary]:
    """The hybrid LLM path on one text against the adversary."""
    from ..document import Document
    from ..llm.client import ChunkClient
    from ..pipeline import summarize_document
    from ..settings import Settings

    adv = Adversary(rate=rate, seed=seed, kinds=kinds)
    s = Settings.model_validate(
        dict(model="adversary", base_url="http://adversary.invalid/v1", api_key="adversary",
             mode=mode, chunk_chars=chunk_chars, max_retries=1, transport_retries=0,
             concurrency=1, cache=False, answer=answer,
             roles="user" if answer == "compact" else "system")
    )
    client = ChunkClient(s, http_client=adv.client())
    try:
        summary = summarize_document(Document.from_text(text, name=name), engine="hybrid",
                                     settings=s, client=client)
    finally:
        client.close()
    return summary, adv


def sweep(documents: dict[str, str], kinds: Sequence[str] = KINDS,
          rates: Sequence[float] = (0.3, 1.0), answers: Sequence[str] = ("full", "compact"),
          seed: int = 0) -> list[SweepCell]:
    """For each answer format, kind and rate: lies told, lies shown as checked, and (rate 0,
    kind "none") what the checks refused of honest answers."""
    import logging

    from ..document import Document
    from ..pipeline import summarize_document

    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    logging.getLogger("plansum").setLevel(logging.ERROR)  # the verdicts: counted, not printed
    rules = {n: summarize_document(Document.from_text(t, name=n), engine="rules") for n, t in documents.items()}
    cells = []
    for answer in answers:
        honest = SweepCell("none", 0.0, answer)
        for n, t in documents.items():
            summary, adv = run_document(t, 0.0, answer=answer, seed=seed, name=n)
            honest.fields += adv.fields_given
            honest.refused += [f"{n} {r}" for r in refusals(summary)]
        cells.append(honest)
        for kind in kinds:
            for rate in rates:
                cell = SweepCell(kind, rate, answer)
                for n, t in documents.items():
                    summary, adv = run_document(t, rate, answer=answer, seed=seed, kinds=[kind], name=n)
                    cs = adv.corruptions
                    cell.corrupted += sum(c.field != "summary" for c in cs)
                    cell.corrupted_prose += sum(c.field == "summary" for c in cs)
                    got = exposed(cs, t, summary, rules[n])
                    cell.exposed_items += sum(c.field != "summary" for c in got)
                    cell.exposed_prose += sum(c.field == "summary" for c in got)
                    cell.by_field.update(c.field for c in got)
                    cell.examples += [f"{n} @{t.find(c.chunk) + c.offset} {c.field}={c.bad!r}" for c in got][:3]
                cells.append(cell)
    return cells


def render_sweep(cells: list[SweepCell]) -> str:
    """Markdown: kind × rate × answer format, lies told and lies shown as checked."""
    lines = ["| answer | kind | rate | corrupted items | shown verified | corrupted prose | shown verified |",
             "|---|---|---|---|---|---|---|"]
    for c in cells:
        if c.kind == "none":
            share = len(c.refused) / c.fields if c.fields else 0.0
            lines.append(f"| {c.answer} | (honest) | 0 | {c.fields} fields given | "
                         f"{len(c.refused)} refused ({share:.1%}) | – | – |")
            continue
        lines.append(f"| {c.answer} | {c.kind} | {c.rate:g} | {c.corrupted} | {c.exposed_items} | "
                     f"{c.corrupted_prose} | {c.exposed_prose} |")
    return "\n".join(lines) + "\n"
