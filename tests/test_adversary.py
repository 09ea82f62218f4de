"""Issue 21: every word shown is checked.

The names a model gives are bound to their number's clause, the sentences it writes are
checked like items, the run gets a verdict on the model, and a lying endpoint that reads
only the request (plansum.eval.adversary) finds nothing it corrupted shown as verified.
Fictional sentences throughout; the full sweep over fixtures and seeds is bench/adversary.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_llm import FakeLLM, document, run_llm
from plansum.document import Document
from plansum.eval.adversary import (
    KINDS,
    Adversary,
    exposed,
    read_items,
    refusals,
    run_document,
    split_tags,
)
from plansum.llm.answer import build_messages
from plansum.llm.prompts import load_prompt
from plansum.models import CheckStatus, Quantity
from plansum.parse.chunking import Chunk
from plansum.parse.numbers import find_mentions
from plansum.verify import check_name, check_prose, normalize_model_text, place

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"

LIST = "年内打造田园综合体示范片区6个、和美村庄示范点42个，新增风电装机120万千瓦、新型储能规模80万千瓦。"
SIGNED = "全年签约项目410个以上，签约项目开工率达到65%，推出招商政策12条。"


def _q(text: str, raw: str) -> tuple[Quantity, list[Quantity]]:
    ms = [m.quantity for m in find_mentions(text)]
    return next(q for q in ms if q.raw == raw), ms


@pytest.mark.parametrize(
    "text,raw,name,status",
    [
        (LIST, "6个", "田园综合体示范片区", CheckStatus.verified),
        (LIST, "6个", "和美村庄示范点", CheckStatus.rejected),  # the next item, past 、
        (LIST, "42个", "和美村庄示范点", CheckStatus.verified),
        (LIST, "42个", "田园综合体示范片区", CheckStatus.rejected),  # the item before 、
        (LIST, "120万千瓦", "新型储能规模", CheckStatus.rejected),
        (LIST, "80万千瓦", "新型储能规模", CheckStatus.verified),
        (LIST, "80万千瓦", "新增风电装机", CheckStatus.rejected),
        (SIGNED, "410个以上", "签约项目开工率", CheckStatus.rejected),  # the next clause
        (SIGNED, "65%", "签约项目开工率", CheckStatus.verified),
        (SIGNED, "12条", "推出", CheckStatus.rejected),  # a verb alone is not a name
        (SIGNED, "410个以上", "全年签约项目", CheckStatus.verified),
    ],
)
def test_a_name_is_bound_to_its_number(text: str, raw: str, name: str, status: CheckStatus) -> None:
    q, ms = _q(text, raw)
    assert check_name(name, text, place(text, q, ms)).status == status


def test_respectively_binds_in_order() -> None:
    text = "全县地区生产总值、一般公共预算收入分别增长6%和7%。"
    six, ms = _q(text, "6%")
    seven, _ = _q(text, "7%")
    assert check_name("地区生产总值", text, place(text, six, ms)).status == CheckStatus.verified
    assert check_name("一般公共预算收入", text, place(text, six, ms)).status == CheckStatus.rejected
    assert check_name("一般公共预算收入", text, place(text, seven, ms)).status == CheckStatus.verified
    assert check_name("地区生产总值", text, place(text, seven, ms)).status == CheckStatus.rejected


def test_the_rules_name_binds_where_the_words_do_not() -> None:
    text = "城镇和农村居民人均可支配收入分别增长6%和7%。"
    q, ms = _q(text, "6%")
    assert check_name("城镇居民人均可支配收入", text, place(text, q, ms)).status == CheckStatus.verified
    assert check_name("农村居民人均可支配收入", text, place(text, q, ms)).status == CheckStatus.rejected
    rules = ["农村居民人均可支配收入"]  # what the rules read there, right or wrong, binds
    assert check_name("农村居民人均可支配收入", text, place(text, q, ms), rules).status == CheckStatus.verified


@pytest.mark.parametrize(
    "written,value",
    [("十之八九", "80%~90%"), ("Ⅸ成", "90%"), ("㈨成", "90%"), ("❾成", "90%"), ("贰拾亿元", "二十亿元"), ("٩٩%", "99%")],
)
def test_number_like_characters_in_any_script_are_read(written: str, value: str) -> None:
    assert normalize_model_text(written) == value


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return document()[1]


@pytest.mark.parametrize(
    "sentence,status",
    [
        ("2026年地区生产总值增长6%左右", CheckStatus.verified),
        ("地区生产总值增长6%左右，规模以上工业增加值增长7.5%", CheckStatus.verified),
        ("地区生产总值下降6%左右", CheckStatus.rejected),  # direction flipped
        ("地区生产总值增长6个百分点左右", CheckStatus.rejected),  # unit
        ("2025年地区生产总值增长6%左右", CheckStatus.rejected),  # year
        ("固定资产投资增长6%左右", CheckStatus.rejected),  # another item's name
        ("地区生产总值已完成6%左右", CheckStatus.rejected),  # a target said achieved
        ("城镇新增就业增长1.3万人", CheckStatus.rejected),  # a level said to be a change
        ("城镇新增就业13000人", CheckStatus.verified),  # the same number, unscaled
        ("主要目标完成率十之八九", CheckStatus.rejected),
        ("主要目标完成率Ⅸ成", CheckStatus.rejected),
        ("主要目标完成率㈨成", CheckStatus.rejected),
        ("主要预期目标", CheckStatus.verified),  # quoted from the heading
        ("经济稳中向好", CheckStatus.unverified),  # nothing to check: shown as unchecked
        ("经济总量明显下降", CheckStatus.rejected),  # a change the source does not state
    ],
)
def test_prose_is_checked_like_items(chunks: list[Chunk], sentence: str, status: CheckStatus) -> None:
    assert check_prose(sentence, chunks[0]).status == status


def test_a_refused_sentence_never_reaches_the_overview(tmp_path: Path, chunks: list[Chunk]) -> None:
    fake = FakeLLM(chunks)
    fake.answers[0]["summary"] = "地区生产总值下降6%左右"
    fake.answers[2]["summary"] = "民生投入明显改善"
    summary, _ = run_llm(tmp_path, fake)
    assert "下降6%" not in summary.overview
    assert any(c.item == "chunk[0].summary" and c.status == CheckStatus.rejected for c in summary.checks)
    shown = {p.text: p.check.status for p in summary.points}
    assert shown["民生投入明显改善"] == CheckStatus.unverified
    assert "民生投入明显改善" not in summary.overview  # unchecked text is not part of it


def test_the_verdict_says_when_most_of_the_model_was_refused(tmp_path: Path, chunks: list[Chunk]) -> None:
    good, _ = run_llm(tmp_path, FakeLLM(chunks))
    assert good.provenance.verdict is not None and not good.provenance.verdict.unreliable
    liar = FakeLLM(chunks)
    for ans in liar.answers.values():
        for item in ans["indicators"]:
            item["name"] = "财政赤字率"
    bad, _ = run_llm(tmp_path / "b", liar)
    v = bad.provenance.verdict
    assert v is not None and v.unreliable and v.chunks_refused == len(chunks)
    assert "模型不可靠" in v.message
    strict, _ = run_llm(tmp_path / "c", FakeLLM(chunks), refusal_threshold=0.0)
    lax, _ = run_llm(tmp_path / "d", liar, refusal_threshold=1.0)
    assert not strict.provenance.verdict.unreliable  # nothing refused: 0 is not above 0
    assert not lax.provenance.verdict.unreliable


# --------------------------------------------------------------------------- the adversary


def test_the_adversary_reads_only_the_request(chunks: list[Chunk]) -> None:
    messages, ids = build_messages(load_prompt(), chunks[0])
    plain, tags = split_tags(messages[1]["content"].partition("正文：")[2].lstrip("\n"))
    assert plain.startswith(chunks[0].text.rstrip()[:40])
    items = {it.name: it for it in read_items(plain, tags)}
    assert items["地区生产总值"].role == "growth" and items["地区生产总值"].number == "6%左右"
    assert items["城镇调查失业率"].number == "控制在5.5%左右"  # the comparator is the number's
    assert items["粮食产量"].cue == "稳定在"
    with pytest.raises(ValueError):
        Adversary(rate=2)
    with pytest.raises(ValueError):
        Adversary(kinds=["made_up"])


@pytest.mark.parametrize("answer", ["full", "compact"])
def test_honest_answers_pass(answer: str) -> None:
    text = (CORPUS / "qinglan_annual_2024.txt").read_text(encoding="utf-8")
    summary, adv = run_document(text, 0.0, answer=answer)
    assert adv.requests >= 1 and not adv.corruptions
    refused = refusals(summary)
    assert len(refused) <= 0.02 * adv.fields_given, refused
    assert summary.points and all(p.check.status == CheckStatus.verified for p in summary.points)


@pytest.mark.parametrize("answer", ["full", "compact"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_lie_is_shown_as_verified(kind: str, answer: str) -> None:
    text = (CORPUS / "qinglan_annual_2024.txt").read_text(encoding="utf-8")
    rules = run_document(text, 0.0, answer=answer, kinds=[])[0]
    summary, adv = run_document(text, 1.0, answer=answer, kinds=[kind])
    assert adv.corruptions, f"{kind}: the adversary told no lie here"
    assert exposed(adv.corruptions, text, summary, None if kind == "x" else rules) == []
    # and without the rules' excuse (the same reading by the rules): nothing either
    assert [c for c in exposed(adv.corruptions, text, summary) if c.field == "summary"] == []


def test_the_adversary_catches_the_old_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test can fail: with the name window of before issue 21 (any words of the sentence
    next to the number), names from across 、 are shown as verified."""
    from plansum import verify

    def old(name: str, text: str, where: verify.Place, rules_names: object = ()) -> verify.Check:
        s0, s1 = where.sentence
        return verify.verified("old") if name in text[s0:s1] else verify.rejected("old")

    monkeypatch.setattr("plansum.llm.extractor.check_name", old)
    text = "青岚县2026年计划\n一、重点任务\n" + LIST + SIGNED + "\n"
    doc = Document.from_text(text)
    assert doc.mentions
    summary, adv = run_document(text, 1.0, kinds=["names_swapped"], chunk_chars=400)
    assert exposed(adv.corruptions, text, summary)


def test_cli_eval_adversary_prints_the_sweep(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from plansum.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text((CORPUS / "qinglan_annual_2024.txt").read_text(encoding="utf-8"), encoding="utf-8")
    r = CliRunner().invoke(app, ["eval", "--adversary", "1", "--corpus", str(corpus)])
    assert r.exit_code == 0, r.output
    rows = [ln.split("|")[1:-1] for ln in r.output.splitlines() if ln.startswith("| full") or ln.startswith("| compact")]
    kinds = {c[1].strip() for c in rows}
    assert set(KINDS) <= kinds and "(honest)" in kinds
    lies = [c for c in rows if c[1].strip() != "(honest)"]
    assert sum(int(c[3]) for c in lies) > 0 and all(int(c[4]) == 0 and c[6].strip() == "0" for c in lies)
    bad = CliRunner().invoke(app, ["eval", "--adversary", "2", "--corpus", str(corpus)])
    assert bad.exit_code != 0 and "between 0 and 1" in bad.output
