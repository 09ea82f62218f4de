#!/usr/bin/env python3
"""Spell module-level `re.compile(...)` as `lazy_re(...)` in the modules on the start-up path.

    python scripts/lazy_patterns.py           # rewrite the files (idempotent), list what moved
    python scripts/lazy_patterns.py --check   # only list; exit 1 if any is left

A pattern compiled at import costs every process its compile time whether or not the
document uses it (issue 22: start-up).  The modules below define theirs with
`plansum._lazyre.lazy_re` instead; this script rewrites any `re.compile` that a merge or a new
rule brought back at module level (inside functions it is left alone), and adds the import.
`tests/test_startup.py` fails while one is left.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "src" / "plansum"
# The modules a `plansum summarize` of a text file imports (and the converters' clean-up).
LAZY = ["parse/*.py", "rules/*.py", "headline.py", "formats/cleanup.py", "render/*.py"]


def module_level_compiles(source: str) -> list[tuple[int, int, int]]:
    """(line, start column, end column) of each `re.compile` called outside a function."""
    hits: list[tuple[int, int, int]] = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def _scope(self, node: ast.AST) -> None:
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _scope

        def visit_Call(self, node: ast.Call) -> None:
            f = node.func
            if (self.depth == 0 and isinstance(f, ast.Attribute) and f.attr == "compile"
                    and isinstance(f.value, ast.Name) and f.value.id == "re"):
                hits.append((f.lineno, f.col_offset, f.end_col_offset or 0))
            self.generic_visit(node)

    Visitor().visit(ast.parse(source))
    return hits


def rewrite(path: Path) -> int:
    source = path.read_text(encoding="utf-8")
    hits = module_level_compiles(source)
    if not hits:
        return 0
    lines = source.splitlines(keepends=True)
    for line, start, end in sorted(hits, reverse=True):
        text = lines[line - 1]
        lines[line - 1] = text[:start] + "lazy_re" + text[end:]
    out = "".join(lines)
    depth = len(path.relative_to(PKG).parts) - 1
    wanted = f"from {'.' * (depth + 1)}_lazyre import lazy_re\n"
    if wanted not in out:
        tree = ast.parse(out)
        relative = [s for s in tree.body if isinstance(s, ast.ImportFrom) and s.level > 0]
        imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        at = relative[0].lineno - 1 if relative else (imports[-1].end_lineno or 0)
        body = out.splitlines(keepends=True)
        body.insert(at, wanted if relative else "\n" + wanted)
        out = "".join(body)
    path.write_text(out, encoding="utf-8")
    return len(hits)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="list only; exit 1 if any is left")
    a = ap.parse_args()
    left = 0
    for pattern in LAZY:
        for path in sorted(PKG.glob(pattern)):
            if a.check:
                for line, _, _ in module_level_compiles(path.read_text(encoding="utf-8")):
                    print(f"{path.relative_to(PKG)}:{line}: re.compile at module level")
                    left += 1
            else:
                n = rewrite(path)
                if n:
                    print(f"{path.relative_to(PKG)}: {n} re.compile -> lazy_re")
    if not a.check:
        print("then: ruff check --fix src (an `import re` left unused)")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
