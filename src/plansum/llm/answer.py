"""What the model answers: the full and the compact response models, checked in their validators.

A value the model gives must be the number at the mention it cites (`verify.cited_value`);
the chunk's mentions come from instructor's validation context, and what the check refused
is appended to that context so the re-ask can name it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    ValidationInfo,
    create_model,
    model_validator,
)

from ..models import CheckStatus, Quantity
from ..parse.chunking import Chunk
from ..parse.numbers import is_year
from ..redact import mask
from ..verify import cited_value, listing
from .failures import last_validation_error
from .prompts import Prompt, load_prompt

# ---------------------------------------------------------------------------------------
# What the model answers


class ExtractedIndicator(BaseModel):
    name: str = Field(description="指标名称")
    mention: int = Field(description="数值的编号，即正文中【n】的 n")
    value: float | None = Field(description="该编号处的数值")
    role: Literal["target", "actual", "growth", "baseline"]
    year: int | None = Field(description="年份")

    _resolved: int | None = PrivateAttr(default=None)
    _status: CheckStatus = PrivateAttr(default=CheckStatus.verified)
    _reason: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _in_source(self, info: ValidationInfo) -> ExtractedIndicator:
        ctx = info.context or {}
        mentions: dict[int, Quantity] | None = ctx.get("mentions")
        if mentions is None:
            return self
        vc = cited_value(self.name, self.mention, self.value, mentions)
        if not vc.ok:
            rejected = ctx.get("rejected")
            if rejected is not None and vc.problem not in rejected:
                rejected.append(vc.problem)
            raise ValueError(vc.reask)
        self._resolved, self._status, self._reason = vc.resolved, vc.check.status, vc.check.reason
        return self


def validation_context(mentions: dict[int, Quantity], secret: str | None = None) -> dict[str, Any]:
    """The context the validators read (the chunk's mentions, the key to mask) and write
    (what the source check refused)."""
    return {"mentions": mentions, "rejected": [], "secret": secret}


def _masked(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return mask(value, secret)
    if isinstance(value, list):
        return [_masked(v, secret) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, secret) for k, v in value.items()}
    return value


class ChunkExtraction(BaseModel):
    # No defaults: a grammar-constrained model must write every key, not stop at "{}".
    # Bounded lists and lengths keep a looping small model's answer inside the token cap;
    # what a chunk holds beyond them is filled in by the rules.
    summary: str = Field(max_length=80, description="本段一句话摘要")
    indicators: list[ExtractedIndicator] = Field(max_length=6, description="最重要的量化指标")
    goals: list[str] = Field(max_length=2, description="定性目标，照抄原文短句")
    projects: list[str] = Field(max_length=4, description="项目或工程名称，照抄原文")

    @model_validator(mode="before")
    @classmethod
    def _mask_secret(cls, data: Any, info: ValidationInfo) -> Any:
        """A model that echoes the API key (some endpoints put it in the prompt's context)
        must not carry it into the summary or the cache: masked before anything reads it."""
        secret = (info.context or {}).get("secret")
        if not secret or len(secret) < 4:
            return data
        if isinstance(data, str | bytes):  # instructor may hand over the raw JSON text
            raw = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            return mask(raw, secret)
        return _masked(data, secret)


def schema_sha(model: type[BaseModel] = ChunkExtraction) -> str:
    raw = json.dumps(model.model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


# The compact answer, for small models: mention number → name, role, year.  No value (it is
# the number at the mention, by construction), short keys, and `m` can only be one of the
# chunk's numbers (an enum in the JSON Schema, which a grammar-constrained server enforces),
# so an answer cannot cite a year or a number that is not there.


class CompactItem(BaseModel):
    m: int = Field(description="数字的编号，即正文中【n】的 n")
    name: str = Field(max_length=20, description="指标名称，照抄正文")
    role: Literal["target", "actual", "growth", "baseline"]
    year: int | None = Field(description="年份")

    _resolved: int | None = PrivateAttr(default=None)
    _status: CheckStatus = PrivateAttr(default=CheckStatus.verified)
    _reason: str = PrivateAttr(default="")

    @property
    def mention(self) -> int:
        return self.m

    @property
    def value(self) -> None:
        return None

    @model_validator(mode="after")
    def _in_source(self, info: ValidationInfo) -> CompactItem:
        ctx = info.context or {}
        mentions: dict[int, Quantity] | None = ctx.get("mentions")
        if mentions is None:
            return self
        vc = cited_value(self.name, self.m, None, mentions)
        if not vc.ok:
            rejected = ctx.get("rejected")
            if rejected is not None and vc.problem not in rejected:
                rejected.append(vc.problem)
            raise ValueError(vc.reask)
        self._resolved, self._status, self._reason = vc.resolved, vc.check.status, vc.check.reason
        return self


class CompactAnswer(BaseModel):
    summary: str = Field(max_length=40, description="本段一句话摘要")
    items: list[CompactItem] = Field(max_length=4, description="量化指标")
    goals: list[str] = Field(max_length=1, description="定性目标，照抄原文短句")
    projects: list[str] = Field(max_length=2, description="项目或工程名称，照抄原文")

    @property
    def indicators(self) -> list[CompactItem]:
        return self.items


def citable(mentions: dict[int, Quantity]) -> list[int]:
    """The mention numbers an indicator may cite: every number but years."""
    return [i for i, q in sorted(mentions.items()) if not is_year(q)]


def compact_model(mentions: dict[int, Quantity]) -> type[CompactAnswer]:
    """`CompactAnswer` whose `m` is one of this chunk's citable mention numbers."""
    ids = citable(mentions)
    if not ids:
        item: Any = CompactItem
        cap = 0
    else:
        item = create_model(
            "CompactItem",
            __base__=CompactItem,
            m=(Literal[tuple(ids)], Field(description="数字的编号，即正文中【n】的 n")),  # type: ignore[valid-type,arg-type]
        )
        cap = 4
    return create_model(
        "ChunkAnswer",
        __base__=CompactAnswer,
        items=(list[item], Field(max_length=cap, description="量化指标")),
    )


# ---------------------------------------------------------------------------------------
# The request


def numbered_text(chunk: Chunk) -> tuple[str, dict[int, Quantity]]:
    """The chunk text with 【n】 before each number mention (n counts from 1 in the chunk)."""
    parts: list[str] = []
    ids: dict[int, Quantity] = {}
    pos = chunk.span.start
    for k, m in enumerate(chunk.mentions, start=1):
        span = m.quantity.span
        assert span is not None
        parts.append(chunk.text[pos - chunk.span.start : span.start - chunk.span.start])
        parts.append(f"【{k}】")
        pos = span.start
        ids[k] = m.quantity
    parts.append(chunk.text[pos - chunk.span.start :])
    return "".join(parts), ids


def build_messages(
    prompt: Prompt, chunk: Chunk, user_roles: bool = False
) -> tuple[list[dict[str, str]], dict[int, Quantity]]:
    """The request's messages.  With `user_roles` the instructions follow the chunk in one user
    message: some chat templates (llama-cpp-python's gemma) drop the system message."""
    body, ids = numbered_text(chunk)
    user = prompt.user.replace(
        "{section_path}", " > ".join(chunk.section_path) or "（无）"
    ).replace("{text}", body)
    if user_roles:
        return [{"role": "user", "content": user + "\n\n" + prompt.system}], ids
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": user}], ids


# Re-asks as user content: the model's previous answer as an assistant message with plain
# content, then the problems in a user message.  The wording is fixed here (not pydantic's
# error text), so the request bodies are stable and cassettes replay under any pydantic.

_SCHEMA_PROBLEMS = {
    "json_invalid": "回答不是完整的 JSON",
    "too_long": "{loc} 的条目太多",
    "missing": "缺少 {loc}",
    "literal_error": "{loc} 只能取规定的值",
    "string_too_long": "{loc} 太长",
}


def reask_message(problems: list[str], mentions: dict[int, Quantity]) -> str:
    lines = "\n".join(f"- {p}" for p in problems[:8]) or "- 回答不符合要求"
    return (
        f"上面的回答没有通过检查：\n{lines}\n本段的数字只有：{listing(mentions)}。"
        "请改正后重新回答，只输出 JSON。"
    )


def answer_problems(exc: BaseException, refused: list[str]) -> list[str]:
    """What was wrong with the last answer, in fixed wording."""
    out = list(refused)
    ve = last_validation_error(exc)
    for e in ve.errors() if ve is not None else []:
        t = str(e.get("type"))
        if t == "value_error":
            continue  # the source check: already in `refused`
        loc = ".".join(str(x) for x in e.get("loc", ())) or "answer"
        p = _SCHEMA_PROBLEMS.get(t, "{loc} 不符合格式").format(loc=loc)
        if p not in out:
            out.append(p)
    return out or ["回答不符合要求"]


def answer_text(exc: BaseException) -> str:
    """The model's last answer as it wrote it (tool-call arguments or content)."""
    attempts = getattr(exc, "failed_attempts", None) or []
    completion = getattr(attempts[-1], "completion", None) if attempts else None
    try:
        msg = completion.choices[0].message  # type: ignore[union-attr]
    except (AttributeError, IndexError):
        return ""
    calls = getattr(msg, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments or "")[:2000]
    return str(getattr(msg, "content", "") or "")[:2000]


def prompt_for(settings: Any) -> Prompt:
    """The prompt the settings ask for: the compact answer's or the full answer's."""
    return load_prompt("extract_compact" if settings.compact else "extract_chunk")


def answer_identity(settings: Any) -> dict[str, str]:
    """What fixes the answer a model is asked for: the prompt (name, version, digest), the
    answer format and its schema, and where the instructions go.  The live cache key and the
    batch's settings key are both built from it, so a change to any of them redoes the work."""
    compact = bool(settings.compact)
    return {
        "prompt": prompt_for(settings).tag,
        "answer": "compact" if compact else "full",
        "answer_schema": schema_sha(CompactAnswer if compact else ChunkExtraction)[:16],
        "roles": "user" if settings.user_roles else "system",
    }
