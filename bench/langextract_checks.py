"""plansum's checks applied to langextract's extractions: how many hold up.

    python bench/langextract_compare.py --doc DOC --json > lx.json   (in the langextract venv)
    python bench/langextract_checks.py lx.json DOC

An extraction holds up when, as for a model item in plansum (verify.py): it is aligned to a
span of the source; its value is a number the parser reads inside that span; its name (the
extraction text without the number) is written next to that number; and every number it
writes, in any form, is a number of the source.  Prints the counts per check and the share.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from plansum.parse.loading import load_file
from plansum.models import CheckStatus
from plansum.parse.numbers import find_mentions, parse_quantity, values_equal
from plansum.verify import check_name, place, unsupported_numbers


def held_up(e: dict[str, Any], text: str, mentions: list[Any]) -> dict[str, bool]:
    out = {"aligned": False, "value_at_span": False, "name": False, "numbers": False}
    raw = str(e.get("text") or "")
    out["numbers"] = not unsupported_numbers(raw, text)
    start, end = e.get("start"), e.get("end")
    if start is None or end is None:
        return out
    out["aligned"] = True
    attrs = e.get("attributes") or {}
    v = attrs.get("value")
    v = v[0] if isinstance(v, list) and v else v
    parsed = parse_quantity(str(v)) if v not in (None, "") else None
    value = parsed.value if parsed is not None else None
    here = [q for q in mentions if q.span is not None and start <= q.span.start < end]
    hit = next((q for q in here if value is not None and values_equal(q.value, value)), None)
    if hit is None:
        return out
    out["value_at_span"] = True
    # the name is the extraction text without its number (and what follows the number)
    cut = min((raw.find(x) for x in (hit.raw, str(v)) if x and x in raw), default=-1)
    name = (raw[:cut] if cut > 0 else raw).strip()
    out["name"] = check_name(name, text, place(text, hit, mentions)).status == CheckStatus.verified
    return out


def main() -> None:
    result = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    text = load_file(sys.argv[2]).text
    mentions = [m.quantity for m in find_mentions(text)]
    rows = [held_up(e, text, mentions) for e in result.get("extractions", [])]
    n = len(rows)
    counts = {k: sum(r[k] for r in rows) for k in ("aligned", "value_at_span", "name", "numbers")}
    ok = sum(all(r.values()) for r in rows)
    print(json.dumps({"extractions": n, **counts, "held_up": ok, "share": round(ok / n, 3) if n else None}))


if __name__ == "__main__":
    main()
