from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from plansum.cli import app
from plansum.schema_export import EXPORTED, check_schemas, schema_text

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def test_committed_schemas_match_the_models() -> None:
    drift = check_schemas(SCHEMAS)
    assert drift == [], f"schemas drifted: {drift}; run `plansum schema`"


def test_drift_is_detected(tmp_path: Path) -> None:
    for name, model in EXPORTED.items():
        (tmp_path / name).write_text(schema_text(model), encoding="utf-8")
    assert check_schemas(tmp_path) == []
    victim = tmp_path / "plan_summary.schema.json"
    victim.write_text(victim.read_text(encoding="utf-8").replace('"Span"', '"Spam"'), encoding="utf-8")
    assert check_schemas(tmp_path) == ["plan_summary.schema.json"]
    r = CliRunner().invoke(app, ["schema", "--check", "--out", str(tmp_path)])
    assert r.exit_code == 1 and "drifted" in r.output
