"""Projects and goals: names, not fragments; goals, not transitions; each once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES
from plansum import summarize
from plansum.eval.gold import load_gold
from plansum.eval.match import project_found
from plansum.parse.loading import load_file

SEED_GOLD = Path(__file__).parent / "gold" / "seeds"
NEW_FIXTURES = ("qiwu_outline_notice", "lanxi_news_2026", "lanxi_annual_2025", "yunxi_ecology_plan")
# A clause fragment: a name that opens with a particle, a pronoun or a verb of the sentence.
FRAGMENT = re.compile(r"^(?:了|使|以|对|将|把|让|在|为|由|同时|继续|今年|要|着力|推行|发挥|建立健全|组织实施)")
NOT_GOAL = re.compile(r"以下工作|上述目标|^注[:：]|见下表|^[（(][一二三四五六七八九十]+[）)]")


@pytest.fixture(scope="module")
def seed_summaries(seeds: Path) -> dict[str, object]:
    return {p.name: summarize((seeds / p.name).read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))}


@pytest.mark.parametrize("name", NEW_FIXTURES)
def test_fixture_projects_are_the_named_ones(name: str) -> None:
    gold = load_gold(FIXTURES / "gold" / f"{name}.json")
    s = summarize(load_file(CORPUS / f"{name}.txt").text)
    assert sorted(p.name for p in s.projects) == sorted(gold.projects)


def test_seed_projects_recall_and_no_fragments(seed_summaries: dict[str, object]) -> None:
    gold_n = found = 0
    for g in sorted(SEED_GOLD.glob("*.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        s = seed_summaries[gold["document"]]
        names = [p.name for p in s.projects]  # type: ignore[attr-defined]
        boxes = {sec.title.strip(" |") for sec in _flat(s.outline) if sec.kind == "box"}  # type: ignore[attr-defined]
        assert len(names) == len(set(names)), gold["document"]
        assert not [n for n in names if FRAGMENT.match(n)], gold["document"]
        assert not boxes & set(names), gold["document"]  # a box heading is not a project
        gold_n += len(gold["projects"])
        found += sum(project_found(x, names) for x in gold["projects"])
    assert found / gold_n >= 0.7, found / gold_n


def test_seed_goals_are_goals(seed_summaries: dict[str, object]) -> None:
    for name, s in seed_summaries.items():
        texts = [g.text for g in s.goals]  # type: ignore[attr-defined]
        assert not [t for t in texts if NOT_GOAL.search(t)], name
        keys = [re.sub(r"[\s—－\-*]", "", t) for t in texts]
        assert len(keys) == len(set(keys)), name


def _flat(sections):  # type: ignore[no-untyped-def]
    for sec in sections:
        yield sec
        yield from _flat(sec.children)


def test_project_tables_list_their_names_and_not_their_headers() -> None:
    from plansum.rules.projects import find_projects

    text = (
        "专栏2 重点建设项目\n"
        "| 序号 | 项目名称 | 建设内容 |\n| --- | --- | --- |\n"
        "| 1 | **梧桐湾港区四期码头工程** | 新建泊位3个 |\n| 2 | 栖梧区老城供水管网改造 | 改造管网20公里 |\n\n"
        "序号\t项目名称\t总投资（亿元）\n1\t凤鸣山隧道工程\t12\n"
        "来源：某某融媒 | 编辑：某某 | 分享\n"
    )
    found = find_projects(text)
    assert [p.name for p in found] == ["梧桐湾港区四期码头工程", "栖梧区老城供水管网改造", "凤鸣山隧道工程"]
    for p in found:
        assert text[p.span.start : p.span.end] == p.name


# Fictional (澜溪县): the sentences of a goal section that are no aim, and the goals told in one
# sentence after 发展目标： / 奋斗目标：.
NOT_AIMS = (
    "澜溪县2026年政府工作报告\n"
    "二、“十五五”时期主要目标任务\n"
    "县委全会对未来五年发展作出全面部署，为我们指明了前进方向。"
    "县政府编制了《澜溪县“十五五”规划纲要（草案）》，提请大会审议。"
    "我们既要看到外部环境的复杂变化，更要看到澜溪县长期向好的基本面。"
    "《纲要（草案）》提出了发展奋斗目标：县域经济实力显著增强，城乡融合更加紧密。"
    "坚持创新驱动，加快发展特色产业。"
    "坚持生态优先，力争森林覆盖率年均提高0.5个百分点。"
    "全面发力，就是要补齐短板、打牢基础。\n"
    "三、过去五年发展成就和今后五年目标\n"
    "过去五年，我们建成了澜溪大道，地区生产总值年均增长6%。"
    "这五年，我们攻坚克难，城乡面貌焕然一新。"
    "《纲要草案》明确了今后五年的发展目标：一是产业更强，二是生态更美。\n"
)


def test_goals_are_aims_not_reviews_procedures_principles_or_glosses() -> None:
    s = summarize(NOT_AIMS)
    got = [(g.text, g.horizon_year) for g in s.goals]
    assert got == [
        ("《纲要（草案）》提出了发展奋斗目标：县域经济实力显著增强，城乡融合更加紧密", 2030),
        ("坚持生态优先，力争森林覆盖率年均提高0.5个百分点", 2030),
        ("《纲要草案》明确了今后五年的发展目标：一是产业更强，二是生态更美", 2030),
    ]
    for g in s.goals:
        assert NOT_AIMS[g.span.start : g.span.end] == g.text
