"""What `plansum summarize` of a plain-text file loads (issue 22: start-up).

The rules path of a .txt file to Markdown or JSON needs the parsers, the rules, the models
and one renderer; the converters (PDF, Word, web pages), the other renderers, the model
client, the ledger, the batch runner and the evaluation stay unloaded, and so do the
libraries behind them.  Each run is a fresh interpreter (sys.modules of this test process
says nothing); the speed itself is measured by `bench/speed.py --parts startup`, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT

PROBE = r"""
import json, sys
sys.argv = ["plansum", *sys.argv[1:]]
from plansum.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

# Never loaded on the rules path of a UTF-8 text file.
NOT_LOADED = (
    "plansum.formats.cleanup", "plansum.formats.pdf", "plansum.formats.docx",
    "plansum.formats.html", "plansum.formats.url", "plansum.formats.pagemap",
    "plansum.render.html", "plansum.render.csv",
    "plansum.ledger", "plansum.batch", "plansum.eval", "plansum.llm", "plansum.replay",
    "plansum.merge", "plansum.verify", "plansum.schema_export",
    "plansum.cli.batch", "plansum.cli.eval", "plansum.cli.track",
    "httpx", "openai", "instructor", "tenacity", "rich", "diskcache", "charset_normalizer",
    "lxml", "pdfplumber", "pypdfium2", "docx", "pyarrow", "vcr",
)


def _modules(*args: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["code"] in (0, None), out.stderr
    return set(report["modules"])


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_summarize_of_a_text_file_loads_only_the_rules_path(tmp_path, suffix) -> None:
    dest = tmp_path / f"out{suffix}"
    loaded = _modules("summarize", str(CORPUS / "lanxi_news_2026.txt"), "--offline", "-o", str(dest))
    assert dest.stat().st_size > 0
    # the probe saw the run: the rules path itself is there
    assert {"plansum.rules.extractor", "plansum.parse.numbers", "plansum.render"} <= loaded
    unwanted = sorted(m for m in loaded if m in NOT_LOADED or m.startswith(tuple(n + "." for n in NOT_LOADED)))
    assert not unwanted, f"the rules path of a .txt file loaded {unwanted}"


def test_the_whole_app_still_has_every_command(tmp_path) -> None:
    """`plansum --help` (no command named) builds the group with all eight commands."""
    out = subprocess.run(
        [sys.executable, "-m", "plansum.cli", "--help"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    for name in ("summarize", "batch", "outline", "indicators", "schema", "record", "eval", "track"):
        assert f" {name} " in out.stdout, name


def test_no_pattern_on_the_start_up_path_is_compiled_at_import() -> None:
    """Module-level patterns of parse/, rules/, headline, formats/cleanup and render/ are
    `lazy_re`: `scripts/lazy_patterns.py` rewrites any `re.compile` a merge brings back."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lazy_patterns.py"), "--check"],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stdout


def test_the_pattern_check_sees_a_module_level_compile() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from lazy_patterns import module_level_compiles
    finally:
        sys.path.pop(0)
    src = "import re\nA = re.compile('a')\nB = (re.compile('b'),)\ndef f():\n    return re.compile('c')\n"
    assert [line for line, _, _ in module_level_compiles(src)] == [2, 3]
