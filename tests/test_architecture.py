"""The import graph of the package has no upward edges.

Every module sits on a layer (docs/architecture.md draws the same order); a module may
import only modules of lower layers, or of its own subpackage.  Imports inside functions
count too: a lazy import is still a dependency.  A new module must be placed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PKG = ROOT / "src" / "plansum"

# Lowest first.  Read it as the flow: text → Document → findings → summary → outputs.
# A unit is a top-level module or a subpackage; inside a subpackage modules import freely.
LAYERS: list[tuple[str, ...]] = [
    ("_version", "errors", "_lazyre"),
    ("models", "settings", "redact"),
    ("formats",),
    ("parse",),
    ("document", "headline", "verify"),
    ("rules",),
    ("llm",),
    ("merge", "assemble"),
    ("pipeline",),
    ("render",),
    ("ledger",),
    ("batch",),
    ("replay",),
    ("eval",),
    ("schema_export",),
    ("cli",),
    ("__init__",),
]
LAYER = {name: i for i, names in enumerate(LAYERS) for name in names}


def _unit(module: str) -> str:
    """The layer unit of a dotted module under plansum: a top module or a subpackage."""
    return module.split(".")[0] if module else "__init__"


def _imports(path: Path) -> set[str]:
    """Modules of plansum imported anywhere in `path` (relative or absolute), as units."""
    return {_unit(m) for m in _modules(path.read_text(encoding="utf-8"), _parts(path))}


def _parts(path: Path) -> list[str]:
    return list(path.relative_to(PKG).with_suffix("").parts)


def _modules(source: str, parts: list[str]) -> set[str]:
    """Dotted plansum modules imported by `source`, a module at `parts` under plansum."""
    package = parts[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                if not node.module:  # from . import x
                    out |= {".".join([*base, a.name]) for a in node.names}
                    continue
                target = [*base, *node.module.split(".")]
            elif node.module and node.module.startswith("plansum"):
                target = node.module.split(".")[1:]
            else:
                continue
            out.add(".".join(target))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("plansum."):
                    out.add(".".join(a.name.split(".")[1:]))
    return out


def test_every_module_has_a_layer() -> None:
    units = {_unit(".".join(p.relative_to(PKG).with_suffix("").parts)) for p in PKG.rglob("*.py")}
    missing = sorted(u for u in units if u not in LAYER)
    assert not missing, f"place these modules in LAYERS (and docs/architecture.md): {missing}"


def test_no_module_imports_upward() -> None:
    upward = []
    for p in sorted(PKG.rglob("*.py")):
        me = _unit(".".join(p.relative_to(PKG).with_suffix("").parts))
        for dep in _imports(p):
            if dep != me and LAYER.get(dep, -1) >= LAYER.get(me, -1):
                upward.append(f"{p.relative_to(PKG)} ({me}, layer {LAYER.get(me)}) imports {dep} (layer {LAYER.get(dep)})")
    assert not upward, "upward or sideways imports:\n" + "\n".join(upward)


def test_the_checker_sees_an_upward_import() -> None:
    """The parser finds relative, absolute and function-level imports (probe parsed from a string)."""
    assert "models" in _imports(PKG / "parse" / "numbers.py")
    probe = "def f():\n    from ..cli import app\n    from plansum.render import render\n"
    assert {"cli", "render"} <= {_unit(m) for m in _modules(probe, ["parse", "_probe"])}
    assert _modules("from . import dating\n", ["parse", "_probe"]) == {"parse.dating"}


def test_the_tree_shows_the_stages() -> None:
    """At most 15 top-level modules; every stage is a package."""
    top = sorted(p.name for p in PKG.glob("*.py"))
    assert len(top) <= 15, top
    for package in ("parse", "rules", "llm", "render", "ledger", "batch", "replay", "eval", "cli"):
        assert (PKG / package / "__init__.py").is_file(), package


def _neighbours(parts: list[str], modules: set[str]) -> set[str]:
    """The sibling units a module leans on: top-level modules and subpackages other than its
    own (modules of its own package are its parts, not its neighbours)."""
    mine = _unit(".".join(parts))
    return {u for u in (_unit(m) for m in modules) if u != mine}


def test_no_module_leans_on_more_than_eight_others() -> None:
    heavy = []
    for p in sorted(PKG.rglob("*.py")):
        parts = _parts(p)
        if parts in (["cli", "__init__"], ["__init__"]):
            continue  # registering commands and the lazy public API name everything by design
        n = _neighbours(parts, _modules(p.read_text(encoding="utf-8"), parts))
        if len(n) > 8:
            heavy.append(f"{'.'.join(parts)}: {len(n)} {sorted(n)}")
    assert not heavy, "\n".join(heavy)


def test_no_function_over_120_lines() -> None:
    long = []
    for p in sorted(PKG.rglob("*.py")):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > 120:
                    long.append(f"{p.relative_to(PKG)}:{node.lineno} {node.name} {n} lines")
    assert not long, "\n".join(long)


def test_registered_extractors_sit_below_the_pipeline() -> None:
    """The pipeline loads extractors by name (a plugin table); each must still be a lower layer."""
    from plansum.pipeline import EXTRACTORS, extractor

    for name, target in EXTRACTORS.items():
        module = target.partition(":")[0].split(".")[1:]
        assert LAYER[_unit(".".join(module))] < LAYER["pipeline"], name
        assert hasattr(extractor(name), "__call__")


def test_the_rules_path_never_imports_the_model_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys, plansum\n"
        "s = plansum.summarize('一、总体目标\\n地区生产总值增长6%左右。')\n"
        "assert s.indicators, s\n"
        "bad = sorted(m for m in ('openai', 'instructor', 'httpx', 'tenacity') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"the rules path imported {out.stdout.strip()}"


def test_instructor_only_through_its_public_api_or_the_adapter() -> None:
    """instructor's internals (instructor.processing) only in llm/instructor_adapter.py; no
    private usage attributes read; the OpenAI client's create is never reassigned."""
    bad = []
    for p in sorted(PKG.rglob("*.py")):
        src = p.read_text(encoding="utf-8")
        rel = str(p.relative_to(PKG))
        if "instructor.processing" in src and rel != "llm/instructor_adapter.py":
            bad.append(f"{rel}: imports instructor.processing")
        if "_total_usage" in src or "completions.create =" in src:
            bad.append(f"{rel}: private usage or a reassigned create")
    assert not bad, bad


def test_merge_is_pure() -> None:
    """merge returns its own items: annotating the result leaves both inputs as they were."""
    from conftest import CORPUS
    from plansum.document import Document, Findings
    from plansum.merge import merge
    from plansum.pipeline import extractor

    doc = Document.load(CORPUS / "qinglan_annual_2024.txt")
    rules = extractor("rules")().extract(doc)
    before = [i.model_dump_json() for i in rules.indicators]
    out = merge(rules, Findings(), "hybrid")
    for ind in out.indicators:
        ind.name = "changed"
    for g in out.goals:
        g.text = "changed"
    assert [i.model_dump_json() for i in rules.indicators] == before
    assert all(g.text != "changed" for g in rules.goals)
