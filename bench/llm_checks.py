"""What the cross-check did to the recorded model's answers, per document (replayed, offline).

    python bench/llm_checks.py [--seeds ../shared/seeds]

Prints one Markdown row per recorded document: chunks, degraded chunks, prompt and completion
tokens, LLM values verified / corrected, values rejected, and numbers in the merged summary
that are absent from the source (must be 0), with the rules-only indicator count beside it.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from plansum.parse.loading import load_file
from plansum.models import CheckStatus
from plansum.pipeline import summarize
from plansum.replay import summarize_replay
from plansum.replay.cassettes import RecordingMeta, default_dir

ROOT = Path(__file__).resolve().parents[1]


def absent_numbers(summary, text: str) -> int:  # noqa: ANN001
    bad = 0
    for ind in summary.indicators:
        for q in ind.quantities():
            if q.span is None or q.raw not in text[q.span.start : q.span.end]:
                bad += 1
    return bad


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)
    meta = RecordingMeta.load(default_dir())
    print(
        "| document | answer | chunks | degraded | prompt tok | completion tok | record s | LLM verified "
        "| LLM corrected | LLM unchecked | rejected | absent numbers | indicators hybrid | indicators rules |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    tot = [0] * 12
    for name in sorted(meta.documents):
        src = next(
            (d / name for d in (ROOT / "tests" / "fixtures" / "corpus", args.seeds) if (d / name).exists()),
            None,
        )
        if src is None:
            continue
        doc = load_file(src)
        s = summarize_replay(doc.text, name, engine="hybrid", encoding=doc.encoding)
        rules = summarize(doc.text, engine="rules")
        llm = [i for i in s.indicators if i.origin == "llm"]
        row = [
            len(s.provenance.chunks),
            sum(1 for c in s.provenance.chunks if c.degraded),
            s.provenance.prompt_tokens,
            s.provenance.completion_tokens,
            int(meta.documents[name].get("record_seconds", 0)),
            sum(1 for i in llm if i.check.status == CheckStatus.verified),
            sum(1 for i in llm if i.check.status == CheckStatus.corrected),
            sum(1 for i in llm if i.check.status == CheckStatus.unverified),
            sum(1 for c in s.checks if c.status == CheckStatus.rejected),
            absent_numbers(s, doc.text),
            len(s.indicators),
        ]
        tot = [a + b for a, b in zip(tot, row + [len(rules.indicators)], strict=False)]
        answer = meta.settings_for(name).get("answer", "full")
        print(f"| {name} | {answer} | " + " | ".join(str(x) for x in row) + f" | {len(rules.indicators)} |")
    print("| **all** | | " + " | ".join(str(x) for x in tot) + " |")


if __name__ == "__main__":
    main()
