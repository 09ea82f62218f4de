"""The converters' libraries are extras; a missing one is named in the error with its extra."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import InputError


def need(module: str, extra: str, what: str) -> ModuleType:
    """Import `module`, or raise an InputError that says which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise InputError(
            f"reading {what} files needs the '{extra}' extra: pip install 'plansum[{extra}]' "
            f"(or 'plansum[formats]' for PDF, Word and web pages); {module} is not installed"
        ) from exc
