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


def schema_problems(out_dir: Path) -> list[str]:
    """What is wrong with the schemas in `out_dir`, one phrase each: a directory or a file
    that is not there, or a file that differs from the models."""
    if not out_dir.is_dir():
        return [f"{out_dir}/ does not exist (run `plansum schema -o {out_dir}` to write it, "
                "or point -o at a checkout's schemas/)"]
    out = []
    for name, model in EXPORTED.items():
        p = out_dir / name
        if not p.exists():
            out.append(f"{p} is missing")
        elif p.read_text(encoding="utf-8") != schema_text(model):
            out.append(f"{p} differs from the models")
    return out


def check_schemas(out_dir: Path) -> list[str]:
    """Names of the schema files that are missing or differ from the models."""
    drift = []
    for name, model in EXPORTED.items():
        p = out_dir / name
        if not p.exists() or p.read_text(encoding="utf-8") != schema_text(model):
            drift.append(name)
    return drift
