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
LAYERS: list[tuple[str, ...]] = [
    ("_version", "errors"),
    ("models", "settings", "redact"),
    ("transport", "cache"),
    ("numbers", "prompts"),
    ("loading", "outline", "docinfo", "dating"),
    ("indicators", "tables", "goals", "projects", "headline"),
    ("chunking",),
    ("document",),
    ("verify", "rules"),
    ("llm",),
    ("llm_extractor", "merge", "assemble"),
    ("pipeline",),
    ("render",),
    ("dataset", "batch_api"),
    ("batch",),
    ("replay",),
    ("eval",),
    ("ledger",),
    ("ledger_render",),
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
    rel = path.relative_to(PKG).with_suffix("")
    parts = list(rel.parts)
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = [*base, *(node.module.split(".") if node.module else [])]
                if not node.module:  # from . import x
                    out |= {_unit(".".join([*base, a.name])) for a in node.names}
                    continue
            elif node.module and node.module.startswith("plansum"):
                target = node.module.split(".")[1:]
            else:
                continue
            out.add(_unit(".".join(target)))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("plansum."):
                    out.add(_unit(".".join(a.name.split(".")[1:])))
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


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The parser finds relative, absolute and function-level imports."""
    f = PKG / "numbers.py"
    deps = _imports(f)
    assert "models" in deps
    probe = PKG / "_probe_upward.py"
    probe.write_text("def f():\n    from .cli import app\n    from plansum.render import render\n", encoding="utf-8")
    try:
        assert {"cli", "render"} <= _imports(probe)
    finally:
        probe.unlink()
