"""All four output formats for every seed, through the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plansum.cli import app
from plansum.models import PlanSummary


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
def test_every_seed_in_every_format(seeds: Path, tmp_path: Path, fmt: str) -> None:
    runner = CliRunner()
    for src in sorted(seeds.glob("*.txt")):
        out = tmp_path / f"{src.stem}.{fmt}"
        r = runner.invoke(app, ["summarize", str(src), "-o", str(out), "--offline"])
        assert r.exit_code == 0, r.output
        data = out.read_bytes()
        text = src.read_text(encoding="utf-8")
        if fmt == "json":
            s = PlanSummary.model_validate_json(data)
            assert s.indicators and s.outline
            for ind in s.indicators:
                for q in ind.quantities():
                    assert q.span is not None and q.raw in text[q.span.start : q.span.end]
        elif fmt == "csv":
            assert data.startswith("\ufeff".encode())
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
            assert rows and all(r["name"] for r in rows)
        elif fmt == "md":
            md = data.decode("utf-8")
            assert md.startswith("# ") and "| # | 指标" in md
        else:
            html = data.decode("utf-8")
            assert html.startswith("<!DOCTYPE html>") or html.lower().startswith("<!doctype html>")
            # self-contained: nothing is loaded from elsewhere
            assert "<script src" not in html and "<link" not in html and "@import" not in html
            assert html.count("<script") == 1
