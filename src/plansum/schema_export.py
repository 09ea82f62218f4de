"""JSON Schemas of the public models, committed under schemas/ and checked for drift."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .eval.gold import GoldDocument
from .ledger.models import TrackLedger
from .models import PlanSummary

EXPORTED: dict[str, type[BaseModel]] = {
    "plan_summary.schema.json": PlanSummary,
    "gold_document.schema.json": GoldDocument,
    "track_ledger.schema.json": TrackLedger,
}


def schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in EXPORTED.items():
        p = out_dir / name
        p.write_text(schema_text(model), encoding="utf-8")
        written.append(p)
    return written


def check_schemas(out_dir: Path) -> list[str]:
    """Names of the schema files that are missing or differ from the models."""
    drift = []
    for name, model in EXPORTED.items():
        p = out_dir / name
        if not p.exists() or p.read_text(encoding="utf-8") != schema_text(model):
            drift.append(name)
    return drift
