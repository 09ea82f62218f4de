"""The summary as JSON, whole or streamed one list item at a time."""

from __future__ import annotations

from collections.abc import Iterator

from ..models import (
    PlanSummary,
)


def render_json(summary: PlanSummary) -> str:
    """The summary exactly as `PlanSummary`'s JSON Schema says; Chinese left readable."""
    return summary.model_dump_json(indent=2) + "\n"


_LISTS = ("outline", "goals", "indicators", "projects", "checks")


def json_parts(summary: PlanSummary) -> Iterator[bytes]:
    """`render_json(summary)` as bytes, streamed: the summary with its long lists emptied is
    serialized once (the skeleton), and each `"name": []` in it is filled item by item, each
    item serialized on its own and indented one level deeper (JSON strings never hold a raw
    newline, so every newline in an item's JSON is layout).  tests/test_output_digests.py
    checks that the bytes are those of `model_dump_json(indent=2)`."""
    full = [f for f in _LISTS if getattr(summary, f)]
    skeleton = PlanSummary.__pydantic_serializer__.to_json(
        summary.model_copy(update=dict.fromkeys(full, [])), indent=2
    )
    pos = 0
    for name in full:
        marker = b'\n  "' + name.encode() + b'": []'
        at = skeleton.index(marker, pos) + len(marker) - 1  # just before the "]"
        yield skeleton[pos:at]
        for k, item in enumerate(getattr(summary, name)):
            data = type(item).__pydantic_serializer__.to_json(item, indent=2)
            yield (b"\n    " if k == 0 else b",\n    ") + data.replace(b"\n", b"\n    ")
        yield b"\n  "
        pos = at
    yield skeleton[pos:]
    yield b"\n"
