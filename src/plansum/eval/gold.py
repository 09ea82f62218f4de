"""Gold annotations: what a careful human reader finds in a document.

Facts and figures only (names, numbers, units, years, heading titles, project names),
never whole sentences.  One JSON file per document, named `<document stem>.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import InputError
from ..models import Attribute, Comparator, DocType, IndicatorKind


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldQuantity(_Gold):
    value: float
    unit: str = ""
    comparator: Comparator = Comparator.exact
    upper: float | None = None


class GoldIndicator(_Gold):
    """One indicator.  `value` is its headline number, found in the field named by `role`.

    role: where a summary should put the headline number — `target` (a level to reach),
    `actual` (a level reached), `growth` (a rate of change, e.g. 增长7%), `baseline`.
    """

    name: str
    role: Literal["target", "actual", "growth", "baseline"] = "target"
    value: float
    unit: str = ""
    comparator: Comparator = Comparator.exact
    upper: float | None = None
    year: int | None = None
    # The span of years it covers ("2026-2030" for 十五五 targets, "2021-2025" for 五年来).
    period: str | None = None
    kind: IndicatorKind = IndicatorKind.target
    # The direction of the change stated (增长 up, 下降/降低/减少 down), for growth indicators.
    direction: Literal["up", "down"] | None = None
    # The headline group it belongs to ("2025年完成", "2026年目标", "十五五目标"), when it
    # stands in a main-targets or main-results passage.
    headline: str | None = None
    attribute: Attribute | None = None
    baseline: GoldQuantity | None = None
    baseline_year: int | None = None
    growth: GoldQuantity | None = None
    category: str | None = None
    # Offsets of the headline number in the source text, when the annotator recorded them.
    start: int | None = None
    end: int | None = None
    note: str | None = None


class GoldHeading(_Gold):
    kind: str  # pian | zhang | jie | cn_item | cn_paren | num_item | num_paren | box | runin
    number: str | None = None
    title: str


class GoldDocumentInfo(_Gold):
    title: str | None = None
    issuer: str | None = None
    date: str | None = None
    doc_type: DocType = "other"
    period: str | None = None
    region: str | None = None


class GoldDocument(_Gold):
    document: str  # the source file name, e.g. "002_3e4f07611e85fb5a.txt"
    info: GoldDocumentInfo = Field(default_factory=GoldDocumentInfo)
    indicators: list[GoldIndicator] = Field(default_factory=list)
    headings: list[GoldHeading] = Field(default_factory=list)
    projects: list[str] = Field(default_factory=list)
    # Which parts were annotated exhaustively; recall is only scored for complete parts.
    complete: list[Literal["indicators", "headings", "projects", "info"]] = Field(
        default_factory=list
    )
    notes: str | None = None

    @field_validator("complete", mode="before")
    @classmethod
    def _complete_flag(cls, v: object) -> object:
        # `"complete": true` is short for "every indicator is annotated"; false for none.
        if isinstance(v, bool):
            return ["indicators"] if v else []
        return v


def is_gold_document(data: object) -> bool:
    """A gold file describes one document; other JSON beside it (info.json …) is not one."""
    return isinstance(data, dict) and isinstance(data.get("document"), str)


def load_gold(path: Path) -> GoldDocument:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read gold file {path}: {exc}") from exc
    return GoldDocument.model_validate(data)


def load_gold_dir(directory: Path) -> dict[str, GoldDocument]:
    """All gold files in a directory, keyed by the document file name they describe."""
    out: dict[str, GoldDocument] = {}
    for p in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"cannot read gold file {p}: {exc}") from exc
        if not is_gold_document(data):
            continue  # a file about the corpus (info.json), not one document's gold
        g = GoldDocument.model_validate(data)
        out[g.document] = g
    return out
