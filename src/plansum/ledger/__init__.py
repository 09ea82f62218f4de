"""Targets against results across documents: `plansum track` and `plansum.track(...)`.

models (the ledger as data) → align (names, measures, the year or period of a figure, cells)
→ judge (a target against an actual) → build (rows, chains, period rows; `track`) → render.
"""

from ..parse.names import indicator_key, normalize_name
from .align import when_of
from .build import TrackInput, load_inputs, track, track_inputs
from .judge import judge
from .models import TrackLedger
from .render import LEDGER_RENDERERS, render_ledger

__all__ = [
    "LEDGER_RENDERERS",
    "TrackInput",
    "TrackLedger",
    "indicator_key",
    "judge",
    "load_inputs",
    "normalize_name",
    "render_ledger",
    "track",
    "track_inputs",
    "when_of",
]
