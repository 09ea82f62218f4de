"""Prompt templates, kept as files under prompts/ and shipped as package data."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import PlansumError

_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user: str
    sha: str  # of the whole file: any edit changes cache keys and cassette matches

    @property
    def tag(self) -> str:
        return f"{self.name}@v{self.version}+{self.sha[:8]}"


def _read(name: str) -> str:
    fname = f"{name}.md"
    packaged = resources.files("plansum").joinpath("prompts", fname)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # Editable install: the repository's prompts/ beside src/.
    repo = Path(__file__).resolve().parents[3] / "prompts" / fname
    if repo.is_file():
        return repo.read_text(encoding="utf-8")
    raise PlansumError(f"prompt {fname} not found in the package or in prompts/")


@cache
def load_prompt(name: str = "extract_chunk") -> Prompt:
    raw = _read(name)
    m = _FRONT.match(raw)
    if not m:
        raise PlansumError(f"prompt {name}: missing the --- front matter with a version")
    meta = dict(line.split(":", 1) for line in m.group(1).splitlines() if ":" in line)
    body = raw[m.end() :]
    parts = re.split(r"^\[(system|user)\]\n", body, flags=re.M)
    sections = {parts[i]: parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}
    if "system" not in sections or "user" not in sections:
        raise PlansumError(f"prompt {name}: needs a [system] and a [user] part")
    return Prompt(
        name=meta.get("name", name).strip(),
        version=meta.get("version", "0").strip(),
        system=sections["system"],
        user=sections["user"],
        sha=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )
