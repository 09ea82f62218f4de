"""Classes of phrases that stand where projects are listed but name none (fictional 澜溪县 /
栖梧市 sentences): achievements and rankings, deeds, events, sums and tallies, funds, generic
kinds; and lead verbs cut off a real name.  Each case also keeps the real project beside it."""

from __future__ import annotations

import pytest

from plansum.rules.projects import find_projects


def _names(text: str) -> list[str]:
    found = find_projects(text)
    for p in found:
        assert text[p.span.start : p.span.end] == p.name
    return [p.name for p in found]


CASES = [
    # achievement / ranking: 跻身…第N大…, 位居…, 最大 / 首家
    (
        "梧桐港区四期码头工程建成投用、跻身全国第五大集装箱港。",
        ["梧桐港区四期码头工程"],
        ["跻身全国第五大集装箱港"],
    ),
    (
        "推进澜溪南站、全省最大储气调峰基地等项目建设。",
        ["澜溪南站"],
        ["全省最大储气调峰基地"],
    ),
    # deed: 成功创建 / 获评 / 入选
    (
        "开工建设凤鸣山隧道工程，栖梧古镇成功创建国家4A级旅游景区、澜溪职校获评省级示范园区。",
        ["凤鸣山隧道工程"],
        ["栖梧古镇成功创建国家4A级旅游景区", "澜溪职校获评省级示范园区"],
    ),
    # event: a concert, a festival, a tour is held, not built
    (
        "栖梧湖夜光音乐会、澜溪茶香之旅、梧桐湾科创园等文旅项目持续火爆。",
        ["梧桐湾科创园"],
        ["栖梧湖夜光音乐会", "澜溪茶香之旅"],
    ),
    # money and tallies: a sum or a count is not a name
    (
        "发行专项债券资金86亿元支持项目建设，推进澜溪新区12个项目、栖梧水厂二期工程。",
        ["栖梧水厂二期工程"],
        ["发行专项债券资金86亿元支持项目", "澜溪新区12个项目"],
    ),
    (
        "深入实施澜溪乡风文明工程，累计培育30个示范村。",
        ["澜溪乡风文明工程"],
        ["累计培育30个示范村"],
    ),
    # funds: a bond or a budget pays for projects, it is none
    (
        "加强超长期特别国债、专项债、中央预算内投资等项目申报，开工栖梧东环高速。",
        ["栖梧东环高速"],
        ["超长期特别国债", "专项债", "中央预算内投资"],
    ),
    # positioning and generic kinds: 世界一流…, 全球…中心, …高地, 零碳园区, 历史文化街区, …类项目
    (
        "建设世界一流强港和全球航运服务中心，打造先进制造业高地，推进梧桐湾物流基地、栖梧北站建设。",
        ["梧桐湾物流基地", "栖梧北站"],
        ["世界一流强港", "全球航运服务中心", "先进制造业高地"],
    ),
    (
        "推进零碳园区、历史文化街区、民生保障类项目和栖梧滨江公园建设。",
        ["栖梧滨江公园"],
        ["零碳园区", "历史文化街区", "民生保障类项目"],
    ),
    # a choice (或) is a heading or a rule, not a name
    (
        "专栏3 重点任务或项目\n加快推进栖梧北站、澜溪大桥等项目建设。",
        ["栖梧北站", "澜溪大桥"],
        ["任务或项目"],
    ),
]


@pytest.mark.parametrize(("text", "kept", "dropped"), CASES)
def test_non_projects_are_dropped_and_projects_kept(text: str, kept: list[str], dropped: list[str]) -> None:
    names = _names(text)
    for name in kept:
        assert name in names, (name, names)
    for name in dropped:
        assert name not in names, (name, names)


@pytest.mark.parametrize(
    ("text", "name", "verb_form"),
    [
        ("深化新时代澜栖协作工程，优化专项支持政策。", "新时代澜栖协作工程", "深化新时代澜栖协作工程"),
        ("深度参与栖梧文明探源工程、澜溪古城保护等重大项目。", "栖梧文明探源工程", "深度参与栖梧文明探源工程"),
        ("推动老城更新，促进梧桐会堂、澜溪饭店等优秀建筑活化利用，推进项目建设。", "梧桐会堂", "促进梧桐会堂"),
        ("增强澜溪（凤湖）综合性科学中心、栖梧实验室等创新平台建设。", "澜溪（凤湖）综合性科学中心", "增强澜溪（凤湖）综合性科学中心"),
    ],
)
def test_a_lead_verb_is_cut_off_the_name(text: str, name: str, verb_form: str) -> None:
    names = _names(text)
    assert name in names, names
    assert verb_form not in names


def test_a_lead_verb_does_not_eat_a_word_that_starts_with_it() -> None:
    """保障 opens a clause, 保障性住房 is a kind of housing: the word stays whole (and, being
    generic, is no project), while a named scheme of it is kept whole."""
    names = _names("推进保障性住房、栖梧保障性住房三期工程等项目建设。")
    assert "性住房" not in names and "保障性住房" not in names
    assert "栖梧保障性住房三期工程" in names


def test_a_deed_word_inside_a_named_scheme_is_kept() -> None:
    """创建 inside a scheme's name (…创建…工程) is its aim, not a deed told of the past."""
    names = _names("实施澜溪县文明城市创建全域提升工程，启动栖梧遗址创建国家考古遗址公园等项目。")
    assert "澜溪县文明城市创建全域提升工程" in names
    assert "栖梧遗址创建国家考古遗址公园" in names


SECOND = [
    # a count opens a tally (2—3家…, 30项…, 6万户…), but 十大… names a programme and 三家子 is a place
    (
        "培育2—3家省级制造业创新中心、30项市级疏堵工程，实施“十大惠民工程”，建设三家子生态公园等项目。",
        ["十大惠民工程", "三家子生态公园"],
        ["2—3家省级制造业创新中心", "30项市级疏堵工程"],
    ),
    # a kind of project: …类项目, 百亿级项目, 标志性产业项目, 基地型项目; 提质升级工程 is a name
    (
        "引进百亿级项目、标志性产业项目、基地型项目，实施澜溪公共教育提质升级工程。",
        ["澜溪公共教育提质升级工程"],
        ["百亿级项目", "标志性产业项目", "基地型项目"],
    ),
    # generic kinds of place and sectors: 口袋公园, 城际铁路, 新能源汽车, 宜居宜业和美乡村
    (
        "推进口袋公园、城际铁路、宜居宜业和美乡村、栖梧东湖湿地公园等项目建设。",
        ["栖梧东湖湿地公园"],
        ["口袋公园", "城际铁路", "宜居宜业和美乡村"],
    ),
    # positioning (世界级…, …辐射中心), a campaign (走进…), a subsidy, a piece cut in brackets
    (
        "建设面向东盟的辐射中心、世界级港口群，推进澜溪港（北区）、区）整体提升工程、"
        "文化走进校园工程、养老服务消费补贴项目、梧桐湾隧道等项目。",
        ["澜溪港（北区）", "梧桐湾隧道"],
        ["面向东盟的辐射中心", "世界级港口群", "区）整体提升工程", "文化走进校园工程", "养老服务消费补贴项目"],
    ),
    # a status after the name is cut (…公园建成开园)
    ("栖梧古城、澜溪国家考古遗址公园建成开园，推进梧桐湾大桥等项目。", ["澜溪国家考古遗址公园", "梧桐湾大桥"], []),
]


@pytest.mark.parametrize(("text", "kept", "dropped"), SECOND)
def test_tallies_kinds_generic_places_and_positionings(text: str, kept: list[str], dropped: list[str]) -> None:
    names = _names(text)
    for name in kept:
        assert name in names, (name, names)
    for name in dropped:
        assert name not in names, (name, names)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("用好栖梧国家技术创新中心、澜溪实验室等平台，推进项目建设。", "栖梧国家技术创新中心"),
        ("超额完成新一轮澜溪造林绿化工程。", "新一轮澜溪造林绿化工程"),
        ("五是开展澜溪助学圆梦工程。", "澜溪助学圆梦工程"),
        ("开放栖梧大剧院、澜溪博物馆等项目。", "栖梧大剧院"),
    ],
)
def test_more_lead_verbs_are_cut_off(text: str, name: str) -> None:
    assert name in _names(text)
