from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus"


def seeds_dir() -> Path:
    env = os.environ.get("PLANSUM_SEEDS")
    return Path(env) if env else ROOT.parent / "shared" / "seeds"


def realdocs_dir() -> Path:
    env = os.environ.get("PLANSUM_REALDOCS")
    return Path(env) if env else ROOT.parent / "shared" / "realdocs"


@pytest.fixture(scope="session")
def seeds() -> Path:
    d = seeds_dir()
    if not d.is_dir() or not list(d.glob("*.txt")):
        pytest.skip(f"seed corpus not found at {d}")
    return d


@pytest.fixture(scope="session")
def seed_texts(seeds: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))}


@pytest.fixture(autouse=True)
def _no_model_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's model settings and never write to the real cache."""
    for k in list(os.environ):
        if k.startswith(("PLANSUM_", "OPENAI_")) and k not in ("PLANSUM_SEEDS", "PLANSUM_REALDOCS"):
            monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("PLANSUM_CACHE_DIR", str(tmp_path / "cache"))
