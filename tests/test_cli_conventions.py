"""The command line's conventions: --version, - for stdin and stdout, the same option names
for the same things in every command, completion, a schema check that says what is missing,
and an exit-code table in the README that lists every code a command can end with."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from conftest import CORPUS, ROOT
from plansum import __version__
from plansum.cli import app

DOC = CORPUS / "qinglan_annual_2024.txt"


def run(*args: str, input: bytes | None = None) -> object:
    return CliRunner().invoke(app, list(args), input=input)


def test_version() -> None:
    for flag in ("--version", "-V"):
        r = run(flag)
        assert r.exit_code == 0 and r.stdout.strip() == f"plansum {__version__}"


def test_dash_reads_stdin_and_writes_stdout() -> None:
    data = DOC.read_bytes()
    from_file = run("summarize", str(DOC), "-f", "json")
    from_stdin = run("summarize", "-", "-o", "-", "-f", "json", input=data)
    assert from_file.exit_code == 0 and from_stdin.exit_code == 0, from_stdin.stderr
    a, b = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    assert a["indicators"] == b["indicators"] and len(a["indicators"]) > 10
    assert b["document"]["title"] == a["document"]["title"]
    outline = run("outline", "-", input=data)
    assert outline.exit_code == 0 and outline.stdout == run("outline", str(DOC)).stdout
    gbk = run("indicators", "-", "-f", "csv", input=(CORPUS / "qinglan_annual_gbk.txt").read_bytes())
    assert gbk.exit_code == 0 and "地区生产总值" in gbk.stdout
    led = run("track", str(CORPUS), "-o", "-", "-f", "json")
    assert led.exit_code == 0 and json.loads(led.stdout)["regions"]


def test_same_names_for_the_same_things() -> None:
    root = get_command(app)
    assert hasattr(root, "commands")
    names = {c: {n for p in cmd.params for n in (*p.opts, *p.secondary_opts)} for c, cmd in root.commands.items()}
    writes = ("summarize", "batch", "track", "schema", "record")
    for c in writes:
        assert {"-o", "--output"} <= names[c], c
    for c in ("summarize", "batch", "track"):
        assert {"-v", "--verbose", "--model", "--base-url", "--api-key", "--mode", "--offline",
                "--engine", "--requests"} <= names[c], c
    assert "--workers" in names["batch"]  # processes there; chunk requests are --requests


def test_completion_can_be_shown_and_installed() -> None:
    r = CliRunner().invoke(app, ["--show-completion", "bash"], prog_name="plansum")
    assert r.exit_code == 0 and "complete" in r.stdout and "plansum" in r.stdout
    assert "--install-completion" in run("--help").stdout


def test_schema_check_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = run("schema", "--check")
    assert r.exit_code == 1 and "schemas/ does not exist" in r.stderr and "drifted" not in r.stderr
    assert run("schema", "-o", "mine").exit_code == 0
    (tmp_path / "mine" / "track_ledger.schema.json").unlink()
    (tmp_path / "mine" / "plan_summary.schema.json").write_text("{}")
    r = run("schema", "--check", "-o", "mine")
    assert r.exit_code == 1
    assert "track_ledger.schema.json is missing" in r.stderr
    assert "plan_summary.schema.json differs" in r.stderr
    assert "gold_document" not in r.stderr
    assert run("schema", "--check", "--out", str(ROOT / "schemas")).exit_code == 0


def test_readme_exit_code_table_lists_every_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Exit codes") :]
    listed = {int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M)}
    used = {0, 2}  # success; click's usage errors
    for src in (ROOT / "src" / "plansum" / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(src.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name in ("Exit", "exit", "fail"):
                    args = [*node.args, *(k.value for k in node.keywords if k.arg == "code")]
                    used |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, int)}
    assert used >= {0, 1, 2, 3, 4, 130}
    assert used <= listed, f"exit codes used but not in README's table: {sorted(used - listed)}"
