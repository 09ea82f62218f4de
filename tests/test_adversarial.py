"""Attacks on the check (issue 12): every field the model gives is checked, not only the value.

Each test feeds one wrong answer through the whole LLM path (a fake endpoint at the HTTP
layer, see fake_llm.py) and looks at what the summary shows.  A field that failed its check
must not be shown as verified; where the rules have the fact, the rules' reading stays.
The simulated-model tests at the end run the same attacks at scale, driven by gold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fake_llm import TEXT, FakeLLM, document, run_llm
from plansum.parse.chunking import Chunk
from plansum.document import Document
from plansum.eval.gold import load_gold
from plansum.eval.corruptions import KINDS, PARAPHRASES, SimulatedModel, split_tags
from plansum.eval.sweep import leaks, simulate_document
from plansum.llm.answer import build_messages
from plansum.models import CheckStatus, Indicator, IndicatorKind, PlanSummary
from plansum.parse.numbers import find_mentions
from plansum.llm.prompts import load_prompt
from plansum.rules.extractor import RulesExtractor

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
GOLD = ROOT / "tests" / "fixtures" / "gold"

# Not yet: the checks of issue 12 item 1 land after the seams refactor (issue 10).
# Every test marked `today` failed on the check before issue 12 (commit 856db0d ran them as
# strict xfails); they pass now.
today = pytest.mark.issue12


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return document()[1]


def _mention(chunk: Chunk, raw: str) -> tuple[int, float]:
    _, ids = build_messages(load_prompt(), chunk)
    n, q = next((n, q) for n, q in ids.items() if q.raw == raw)
    return n, q.value


def _answer(
    chunk: Chunk, items: list[dict[str, Any]], summary: str = "主要预期目标"
) -> dict[str, Any]:
    inds = []
    for it in items:
        n, v = _mention(chunk, it.pop("raw"))
        inds.append({"mention": n, "value": v, "year": None, "role": "target", **it})
    return {"summary": summary, "indicators": inds, "goals": [], "projects": []}


def _run(
    tmp_path: Path, chunks: list[Chunk], answer: dict[str, Any], chunk: int = 0
) -> PlanSummary:
    fake = FakeLLM(chunks)
    fake.answers[chunk] = answer
    summary, _ = run_llm(tmp_path, fake)
    return summary


def _at(summary: PlanSummary, raw: str) -> list[Indicator]:
    return [i for i in summary.indicators if any(q.raw == raw for q in i.quantities())]


def _shown_verified(ind: Indicator, fld: str) -> bool:
    from plansum.eval.sweep import field_status

    return field_status(ind, fld) == CheckStatus.verified


RULES_NAMES = {
    i.headline().raw: i.name  # type: ignore[union-attr]
    for i in RulesExtractor().extract(Document.from_text(TEXT)).indicators
    if i.headline() is not None
}  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------
# Names


@today
def test_a_name_put_on_every_number_is_not_verified(tmp_path: Path, chunks: list[Chunk]) -> None:
    raws = ["6%左右", "7.5%", "8%以上", "1.3万人", "3%左右", "180亿斤以上"]
    ans = _answer(chunks[0], [{"raw": r, "name": "财政赤字率", "role": "growth"} for r in raws])
    s = _run(tmp_path, chunks, ans)
    for r in raws:
        (ind,) = _at(s, r)
        assert ind.name == RULES_NAMES[r], (r, ind.name)  # the rules' name is kept
    assert any(c.status == CheckStatus.rejected and "财政赤字率" in c.reason for c in s.checks)


@today
def test_a_name_from_next_to_another_number_is_not_verified(
    tmp_path: Path, chunks: list[Chunk]
) -> None:
    # 地区生产总值 is written in this sentence, but 6%左右 stands between it and 7.5%.
    ans = _answer(chunks[0], [{"raw": "7.5%", "name": "地区生产总值", "role": "growth"}])
    s = _run(tmp_path, chunks, ans)
    (ind,) = _at(s, "7.5%")
    assert not (ind.name == "地区生产总值" and _shown_verified(ind, "name"))


def test_a_name_written_next_to_its_number_is_verified(tmp_path: Path, chunks: list[Chunk]) -> None:
    ans = _answer(
        chunks[0], [{"raw": "7.5%", "name": "规模以上工业增加值", "role": "growth", "year": 2026}]
    )
    s = _run(tmp_path, chunks, ans)
    (ind,) = _at(s, "7.5%")
    assert ind.origin == "llm" and ind.name == "规模以上工业增加值"
    assert ind.check.status == CheckStatus.verified


@today
def test_numbers_inside_a_name_are_checked(tmp_path: Path, chunks: list[Chunk]) -> None:
    bad = "地区生产总值2025年实际增长99.9%（约八千亿元）"
    s = _run(
        tmp_path, chunks, _answer(chunks[0], [{"raw": "6%左右", "name": bad, "role": "growth"}])
    )
    assert all("99.9" not in i.name and "八千亿" not in i.name for i in s.indicators)
    (ind,) = _at(s, "6%左右")
    assert ind.name == RULES_NAMES["6%左右"]


@today
@pytest.mark.parametrize(
    "written", [p for p, _ in PARAPHRASES], ids=[repr(p) for p, _ in PARAPHRASES]
)
def test_paraphrased_numbers_in_a_name_are_checked(
    tmp_path: Path, chunks: list[Chunk], written: str
) -> None:
    name = f"地区生产总值增长{written}"
    s = _run(
        tmp_path, chunks, _answer(chunks[0], [{"raw": "6%左右", "name": name, "role": "growth"}])
    )
    assert all(written not in i.name for i in s.indicators)


# Full-width digits are read by the number parser already, and 1\u200b2% is read as 1 and 2%, of
# which 1 is not in this chunk: both are refused today.  The other forms are not read at all.
_CAUGHT_TODAY = ("９９%", "1\u200b2%")
_SUMMARY_FORMS = [
    pytest.param(p, id=repr(p), marks=() if p in _CAUGHT_TODAY else today) for p, _ in PARAPHRASES
]


@pytest.mark.parametrize("written", _SUMMARY_FORMS)
def test_paraphrased_numbers_in_a_summary_are_checked(
    tmp_path: Path, chunks: list[Chunk], written: str
) -> None:
    summary = f"主要预期目标完成{written}"
    s = _run(tmp_path, chunks, _answer(chunks[0], [], summary=summary))
    assert written not in s.overview
    assert any(c.item.endswith("summary") and c.status == CheckStatus.rejected for c in s.checks)


def test_a_summary_with_the_chunks_own_numbers_is_kept(tmp_path: Path, chunks: list[Chunk]) -> None:
    summary = "地区生产总值增长6%左右"
    s = _run(tmp_path, chunks, _answer(chunks[0], [], summary=summary))
    assert summary in s.overview


# ---------------------------------------------------------------------------------------
# Role, kind, year


@today
def test_a_null_value_with_role_actual_does_not_make_a_target_a_result(
    tmp_path: Path, chunks: list[Chunk]
) -> None:
    ans = _answer(chunks[0], [{"raw": "6%左右", "name": "地区生产总值", "role": "actual"}])
    ans["indicators"][0]["value"] = None
    s = _run(tmp_path, chunks, ans)
    (ind,) = _at(s, "6%左右")
    assert ind.kind == IndicatorKind.target and ind.actual is None


@today
def test_a_growth_reported_as_a_level_is_not_verified(tmp_path: Path, chunks: list[Chunk]) -> None:
    # 增长6%左右 is a rate of change; the model calls it a baseline level.
    s = _run(
        tmp_path,
        chunks,
        _answer(chunks[0], [{"raw": "6%左右", "name": "地区生产总值", "role": "baseline"}]),
    )
    (ind,) = _at(s, "6%左右")
    assert not (ind.baseline is not None and _shown_verified(ind, "role"))


def test_a_result_in_a_results_passage_is_accepted(tmp_path: Path) -> None:
    text = (
        "青岚市2025年政府工作报告\n一、2024年工作回顾\n"
        "全市地区生产总值增长5.2%，城镇新增就业1.1万人，完成年度目标任务。\n"
    )
    chs = Document.from_text(text).chunks(2000)
    n, v = _mention(chs[0], "1.1万人")
    ans = {
        "summary": "工作回顾",
        "indicators": [
            {"name": "城镇新增就业", "mention": n, "value": v, "role": "actual", "year": 2024}
        ],
        "goals": [],
        "projects": [],
    }
    s, _ = run_llm(tmp_path, FakeLLM(chs, answers={0: ans}), text=text)
    (ind,) = _at(s, "1.1万人")
    assert ind.kind == IndicatorKind.actual and ind.actual is not None
    assert ind.check.status == CheckStatus.verified


@today
def test_a_year_of_another_sentence_is_not_verified(tmp_path: Path) -> None:
    text = (
        "青岚市国民经济和社会发展计划\n一、主要目标\n"
        "2024年全市地区生产总值增长5.2%。2025年全市地区生产总值增长6%左右，城镇新增就业1.3万人。\n"
    )
    chs = Document.from_text(text).chunks(2000)
    n, v = _mention(chs[0], "1.3万人")
    ans = {
        "summary": "主要目标",
        "indicators": [
            {"name": "城镇新增就业", "mention": n, "value": v, "role": "target", "year": 2024}
        ],
        "goals": [],
        "projects": [],
    }
    s, _ = run_llm(tmp_path, FakeLLM(chs, answers={0: ans}), text=text)
    (ind,) = _at(s, "1.3万人")
    assert not (ind.target_year == 2024 and _shown_verified(ind, "year"))


# ---------------------------------------------------------------------------------------
# A zero-width character inside a number


def test_a_zero_width_character_inside_a_number_is_read_through() -> None:
    ms = find_mentions("地区生产总值增长1\u200b2%")
    assert [(m.quantity.value, m.quantity.unit) for m in ms] == [(12.0, "%")]


def test_a_zero_width_character_does_not_give_a_wrong_verified_number(tmp_path: Path) -> None:
    text = "青岚市2026年计划\n一、主要目标\n地区生产总值增长1\u200b2%，城镇新增就业1.3万人。\n"
    chs = document(text)[1]
    empty = {"summary": "", "indicators": [], "goals": [], "projects": []}
    s, _ = run_llm(tmp_path, FakeLLM(chs, answers={c.index: empty for c in chs}), text=text)
    got = [(i.name, q.value) for i in s.indicators for q in i.quantities()]
    assert ("地区生产总值", 12.0) in got and all(v != 2 for _, v in got)


# ---------------------------------------------------------------------------------------
# The simulated model


def _fixture(name: str) -> tuple[str, Any]:
    from plansum.parse.loading import load_file

    return load_file(CORPUS / f"{name}.txt").text, load_gold(GOLD / f"{name}.json")


def test_split_tags_keeps_bracketed_source_numbers() -> None:
    plain, where = split_tags("见【3】附表，【1】6%左右和【2】7%")
    assert plain == "见【3】附表，6%左右和7%" and where == {1: 7, 2: 12}


def test_simulated_model_at_rate_zero_answers_the_gold() -> None:
    text, gold = _fixture("qinglan_annual_2024")
    summary, sim = simulate_document(text, gold, 0.0)
    assert sim.corruptions == [] and sim.requests >= 1
    llm = [i for i in summary.indicators if i.origin == "llm"]
    assert llm and all(i.check.status == CheckStatus.verified for i in llm)
    by_start = {g.start: g for g in gold.indicators}
    for ind in llm:
        q = ind.headline()
        assert q is not None and q.span is not None
        g = by_start.get(q.span.start) or next(
            g
            for g in gold.indicators
            if g.start is not None and q.span.start <= g.start < q.span.end
        )
        assert getattr(ind, g.role) is not None


def test_simulated_model_is_deterministic_and_corrupts_at_its_rate() -> None:
    text, gold = _fixture("qinglan_annual_2024")
    _, a = simulate_document(text, gold, 0.5, seed=7)
    _, b = simulate_document(text, gold, 0.5, seed=7)
    _, c = simulate_document(text, gold, 1.0, seed=7)
    assert a.corruptions == b.corruptions and a.corruptions
    assert len(c.corruptions) > len(a.corruptions)
    assert {k.kind for k in c.corruptions} <= set(KINDS)


def test_simulated_model_refuses_a_foreign_chunk() -> None:
    text, gold = _fixture("qinglan_annual_2024")
    sim = SimulatedModel(text, gold)
    with pytest.raises(ValueError, match="not part of this document"):
        sim.answer(
            {"messages": [{"role": "user", "content": "章节：x\n正文：\n不在文中的【1】5%"}]}
        )


@pytest.mark.parametrize(
    "kind", [pytest.param(k, marks=() if k == "value_invented" else today) for k in KINDS]
)
def test_no_corrupted_fact_is_shown_verified(kind: str) -> None:
    leaked: list[Any] = []
    corrupted = 0
    for name in ("qinglan_annual_2024", "qinglan_work_report_2025", "yunxi_news_2025"):
        text, gold = _fixture(name)
        summary, sim = simulate_document(text, gold, 1.0, seed=3, kinds=(kind,))
        corrupted += len(sim.corruptions)
        leaked += leaks(sim.corruptions, summary)
    assert corrupted > 0
    assert leaked == []


def test_cli_eval_simulate_prints_the_sweep() -> None:
    from typer.testing import CliRunner

    from plansum.cli import app

    r = CliRunner().invoke(app, ["eval", "--simulate", "0,1", "--seed", "5"])
    assert r.exit_code == 0, r.output
    rows = [ln.split("|")[1:-1] for ln in r.output.splitlines() if ln.startswith("| hybrid")]
    assert [c.strip() for c in (rows[0][0], rows[1][0])] == ["hybrid, rate 0", "hybrid, rate 1"]
    corrupted, shown = int(rows[1][-3]), int(rows[1][-2])
    assert corrupted > 0 and shown == 0
    bad = CliRunner().invoke(app, ["eval", "--simulate", "0,2"])
    assert bad.exit_code != 0 and "between 0 and 1" in bad.output


def test_user_roles_send_instructions_and_reasks_as_user_content() -> None:
    """For chat templates that drop system and tool messages (llama-cpp-python's gemma): the
    instructions follow the chunk in the user message, and a re-ask is the previous answer as
    assistant content plus the problems, in fixed wording, as user content."""
    import json

    import httpx

    from plansum.llm.client import ChunkClient
    from plansum.pipeline import summarize_document
    from plansum.settings import Settings

    text, gold = _fixture("qinglan_annual_2024")
    sim = SimulatedModel(text, gold, rate=1.0, seed=1, kinds=("value_invented",))
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return sim(request)

    s = Settings(
        model="m", base_url="http://127.0.0.1:9/v1", api_key="k", mode="tools",
        chunk_chars=3000, max_retries=1, transport_retries=0, concurrency=1, cache=False,
    )
    assert s.user_roles and s.compact  # the defaults for a local server
    client = ChunkClient(s, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    try:
        out = summarize_document(Document.from_text(text), engine="hybrid", settings=s, client=client)
    finally:
        client.close()
    first, second = bodies[0]["messages"], bodies[1]["messages"]
    assert [m["role"] for m in first] == ["user"] and "正文：" in first[0]["content"]
    assert first[0]["content"].index("正文：") < first[0]["content"].index("items：")
    assert [m["role"] for m in second] == ["user", "assistant", "user"]
    assert second[1]["content"].startswith("{") and "上面的回答没有通过检查" in second[2]["content"]
    assert "pydantic" not in second[2]["content"]
    m_schema = bodies[0]["tools"][0]["function"]["parameters"]
    assert "enum" in json.dumps(m_schema)  # `m` can only be one of the chunk's numbers
    assert out.provenance.chunks[0].degraded  # both answers cited a number that is not there
