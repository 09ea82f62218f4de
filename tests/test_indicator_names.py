"""Issue 20: indicator names as noun phrases, kinds and roles, and numbers that are not indicators.

The texts are fictional (青石县, a county that does not exist); each expectation is read off the
text by eye under the convention in docs/evaluation.md ("Indicator names").
"""

from __future__ import annotations

import pytest

from plansum import summarize
from plansum.eval.names import name_problems
from plansum.models import Indicator, PlanSummary

REVIEW = "2025年工作回顾\n\n"


def _read(sentence: str) -> PlanSummary:
    return summarize(REVIEW + sentence + "\n")


def _rows(s: PlanSummary) -> list[tuple[str, str]]:
    out = []
    for i in s.indicators:
        head = i.headline()
        assert head is not None
        out.append((i.name, head.raw))
    return out


def _one(s: PlanSummary, raw: str) -> Indicator:
    hits = [i for i in s.indicators if any(q.raw == raw for q in i.quantities())]
    assert len(hits) == 1, (raw, _rows(s))
    return hits[0]


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        # a leading function word or verb of doing is not part of the name
        ("青石县累计接待游客320万人次。", [("接待游客", "320万人次")]),
        ("建成美丽庭院1200户。", [("美丽庭院", "1200户")]),
        ("对东盟进出口增长12%。", [("东盟进出口", "12%")]),
        ("“十四五”期末达到年节约用水3亿立方米以上。", [("年节约用水", "3亿立方米以上")]),
        # the tail of the sentence is not part of the name
        ("老旧小区改造完工86个，优良天数比例首次突破85%。", [("老旧小区改造", "86个"), ("优良天数比例", "突破85%")]),
        ("16个重点项目建成投产，37项卡点攻关取得突破。", [("重点项目", "16个"), ("卡点攻关", "37项")]),
        ("粮食总产量连续6年稳定在40亿斤以上。", [("粮食总产量", "40亿斤以上")]),
        # the examples before 等 are not part of the name
        ("茶叶、中药材等5大产业集群对农业贡献率超过60%。", [("5大产业集群对农业贡献率", "超过60%")]),
        # a verb that opens a 、 list counts for every item
        ("新建乡村公路320公里、供水工程41处。", [("新建乡村公路", "320公里"), ("新建供水工程", "41处")]),
        # as many subjects as numbers, one after the other: each its own, as with 分别
        (
            "高端装备产业和数字经济核心产业增加值增长9%、11.5%。",
            [("高端装备产业增加值", "9%"), ("数字经济核心产业增加值", "11.5%")],
        ),
        # the other side of a two-sided measure takes the subject, not the first side's name
        (
            "一般公共预算收入增长3.1%、支出首次超过600亿元。",
            [("一般公共预算收入", "3.1%"), ("一般公共预算支出", "超过600亿元")],
        ),
        # measure words of pairs, courses, trips and trains count what follows them
        ("青石县缔结26对友好城市，举办老年课程80门。", [("友好城市", "26对"), ("老年课程", "80门")]),
        ("货运班列开行1.2万列，旅游收入超万亿元。", [("货运班列开行", "1.2万列"), ("旅游收入", "超万亿元")]),
    ],
)
def test_names_are_noun_phrases(sentence: str, want: list[tuple[str, str]]) -> None:
    s = _read(sentence)
    assert _rows(s) == want
    assert all(not name_problems(n) for n, _ in want)


def test_sub_items_take_the_subject_of_their_whole() -> None:
    s = _read("牲畜存栏达到260万头，其中牛85万头。农牧民转移就业12万人，其中稳定转移就业8万人。")
    assert _rows(s) == [
        ("牲畜存栏", "260万头"),
        ("牛存栏", "85万头"),
        ("农牧民转移就业", "12万人"),
        ("农牧民稳定转移就业", "8万人"),
    ]


def test_one_bound_for_several_subjects_gives_each_its_indicator() -> None:
    s = _read("食品抽检合格率、药品抽检合格率均达98%以上。粮、油、菜产量分别达到9万吨、2万吨和30万吨。")
    assert _rows(s) == [
        ("食品抽检合格率", "98%以上"),
        ("药品抽检合格率", "98%以上"),
        ("粮产量", "9万吨"),
        ("油产量", "2万吨"),
        ("菜产量", "30万吨"),
    ]


# --------------------------------------------------------------------------- kinds and roles


def test_from_a_to_b_is_one_indicator_with_baseline_and_both_years() -> None:
    ind = _one(_read("人均生产总值从2020年的4.1万元提高到2025年的5.6万元。"), "5.6万元")
    assert ind.name == "人均生产总值"
    assert ind.baseline is not None and ind.baseline.raw == "4.1万元"
    assert ind.baseline_year == 2020 and ind.direction == "up"
    assert (ind.actual or ind.target) is not None and (ind.actual or ind.target).raw == "5.6万元"


def test_two_subjects_from_a_and_b_respectively_to_c_and_d_keep_their_own_baselines() -> None:
    s = _read(
        "城乡居民人均可支配收入从2020年的38000元和12000元分别提高到47000元和16500元。"
        "森林覆盖率和草原综合植被盖度由2020年的41%和52%分别提高到43.5%和55%。"
    )
    got = [
        (i.name, i.baseline.raw if i.baseline else None, i.baseline_year, i.headline().raw)  # type: ignore[union-attr]
        for i in s.indicators
    ]
    assert got == [
        ("城镇居民人均可支配收入", "38000元", 2020, "47000元"),
        ("农村居民人均可支配收入", "12000元", 2020, "16500元"),
        ("森林覆盖率", "41%", 2020, "43.5%"),
        ("草原综合植被盖度", "52%", 2020, "55%"),
    ]
    assert all(i.direction == "up" for i in s.indicators)


def test_a_change_of_any_unit_is_growth_and_a_share_is_a_level() -> None:
    s = _read("边民补助标准再提高600元，耕地面积净增8万亩，新兴产业占规上工业增加值比重超过21%。")
    raise_ = _one(s, "600元")
    assert raise_.growth is not None and raise_.growth.raw == "600元" and raise_.direction == "up"
    land = _one(s, "8万亩")
    assert land.name == "耕地面积" and land.growth is not None and land.direction == "up"
    share = _one(s, "超过21%")
    assert share.growth is None and share.actual is not None and share.direction is None


def test_a_growth_rate_named_as_such_is_growth_after_daodao() -> None:
    ind = _one(summarize("主要目标\n\n到2030年，地区生产总值年均增速达到6%。\n"), "6%")
    assert ind.name == "地区生产总值" and ind.growth is not None and ind.target is None


def test_doubling_belongs_to_the_indicator_before_it() -> None:
    s = _read("计划启动12万平方米传统民居修缮，较“十三五”翻一番。")
    assert len(s.indicators) == 1
    ind = s.indicators[0]
    assert ind.name == "传统民居修缮" and ind.growth is not None and ind.growth.unit == "番"


# --------------------------------------------------------------------------- not indicators


@pytest.mark.parametrize(
    "sentence",
    [
        "目前全县有1-3批文物保护单位52处。",  # the batch range is not a count (the 52处 is)
        "圆满完成建县70周年庆祝活动。",  # an anniversary
        "经济总量连续迈上300亿元、400亿元两个台阶。",  # milestones passed
        "全国最高12米的风力提水机在此投运。",  # a record
        "公交与地铁50米内换乘比例达90%。",  # a radius inside a name (the 90% is)
        "地区生产总值增长5.6%、高于全省0.3个百分点。",  # a comparison with a benchmark
        "实施百亿斤粮食产能提升工程，建设青石500公里生态大道。",  # sizes inside names
        "部署了12项任务举措。",  # the document's own outline
    ],
)
def test_numbers_that_are_part_of_a_phrase_are_not_indicators(sentence: str) -> None:
    rows = _rows(_read(sentence))
    kept = {
        "目前全县有1-3批文物保护单位52处。": [("文物保护单位", "52处")],
        "公交与地铁50米内换乘比例达90%。": [("公交与地铁50米内换乘比例", "90%")],
        "地区生产总值增长5.6%、高于全省0.3个百分点。": [("地区生产总值", "5.6%")],
    }
    assert rows == kept.get(sentence, [])


def test_a_bounded_count_before_its_noun_is_an_indicator_but_a_threshold_is_not() -> None:
    s = _read("实施200个以上省重点项目，推动年运量150万吨以上的物流园区接入铁路专用线，20户以上自然村全部通硬化路。")
    assert _rows(s) == [("省重点项目", "200个以上")]


def test_milestones_passed_leave_the_subject_to_the_average_after_them() -> None:
    # Fictional (青岚市): the milestones are not indicators, the average is the economy's, and
    # all three are the five-year results of the report's headline block.
    s = summarize(
        "青岚市2026年政府工作报告\n\n过去五年工作回顾\n\n"
        "五年来，全市生产总值连续跨越3000亿、4000亿两个大台阶，年均增长6.1%。"
        "地区生产总值跨过5000亿元、年均增长5.8%。"
        "经济总量跨过两个千亿元大关、超过5200亿元，年均增速5.6%。\n"
    )
    assert [(i.name, i.headline().raw, i.period) for i in s.indicators] == [  # type: ignore[union-attr]
        ("生产总值", "6.1%", "2021-2025"),
        ("地区生产总值", "5000亿元", "2021-2025"),
        ("经济总量", "超过5200亿元", "2021-2025"),
    ]
    assert [(i.growth.raw if i.growth else None) for i in s.indicators] == ["6.1%", "5.8%", "5.6%"]
    assert [(h.label, h.indicators) for h in s.headlines] == [("十四五完成", [0, 1, 2])]


def test_a_years_mean_concentration_is_not_an_average_over_years() -> None:
    # 年均浓度 is one year's mean level: the 2026 target stays 2026, not the 十五五 period.
    s = summarize(
        "青岚市2026年政府工作报告\n\n2026年主要目标\n\n"
        "今年主要预期目标是：地区生产总值增长5%左右，细颗粒物年均浓度控制在27微克/立方米左右。\n"
    )
    pm = _one(s, "控制在27微克/立方米左右")
    assert (pm.year, pm.period) == (2026, None)
    assert [(h.label, h.indicators) for h in s.headlines] == [("2026年目标", [0, 1])]


@pytest.mark.parametrize(
    ("name", "want"),
    [
        # 和 inside an item: 、 separates the list, the head noun goes to every item
        ("仓储和邮政业、住宿和餐饮业增加值", ["仓储和邮政业增加值", "住宿和餐饮业增加值"]),
        # a rate written once at the end goes to an item that names no measure
        ("乡村污水处理、生活垃圾分类覆盖率", ["乡村污水处理覆盖率", "生活垃圾分类覆盖率"]),
        # two whole measures stay as they are
        ("渔港船舶登记率、渔业保险投保率", ["渔港船舶登记率", "渔业保险投保率"]),
        # a quoted item keeps both its quotes
        ("证照互认、“一窗通办”事项", ["证照互认", "“一窗通办”事项"]),
        # the same-length swap still works (蔬菜、水果抽检合格率)
        ("蔬菜、水果抽检合格率", ["蔬菜抽检合格率", "水果抽检合格率"]),
    ],
)
def test_list_names_split_on_their_own_separator(name: str, want: list[str]) -> None:
    from plansum.rules.indicators import _split_respectively

    assert _split_respectively(name, 2) == want


# --------------------------------------------------------------------------- a number before its noun


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        # a share written before the things it counts (then a list part the number did not name)
        (
            "青石县医院向乡镇投放40%以上专家号、复诊量增长30%。",
            [("乡镇投放专家号", "40%以上"), ("复诊量", "30%")],
        ),
        # the share's noun with its predicate; 实现 is not part of what is counted
        ("65%社区诊所实现与县医院远程会诊。", [("社区诊所与县医院远程会诊", "65%")]),
        # 的 between the share and its noun
        ("推动80%以上的乡镇敬老院星级达标。", [("乡镇敬老院星级达标", "80%以上")]),
        # a short noun takes the verb phrase before the share
        ("优质公办小学覆盖88%村庄。", [("优质公办小学覆盖村庄", "88%")]),
        # 多 before the measure word: a bounded count of what follows
        ("青石县改造600多所乡村学校校舍。", [("乡村学校校舍", "600多所")]),
        ("培训2000余名新型职业农民。", [("新型职业农民", "2000余名")]),
    ],
)
def test_a_number_before_its_noun_is_named_by_that_noun(
    sentence: str, want: list[tuple[str, str]]
) -> None:
    assert _rows(_read(sentence)) == want


@pytest.mark.parametrize(
    "sentence",
    [
        "完成1%人口抽样调查。",  # the name of a survey
        "新增全球前1%学科5个。",  # a rank inside a name (the count is the indicator)
        "税收收入中20%用于教育。",  # what the share is for, not what it counts
        "参股比例不低于10%并逐步提升。",  # the sentence goes on, no noun follows
    ],
)
def test_a_share_before_words_that_are_not_its_noun_is_not_named_by_them(sentence: str) -> None:
    names = [n for n, raw in _rows(_read(sentence)) if "%" in raw]
    assert all(n not in ("人口抽样调查", "学科", "用于教育", "并逐步提升") for n in names), names


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        # the things counted, then a verb whose object is counted next
        ("青石县累计与23个国家缔结64对友城。", [("缔结友城的国家", "23个"), ("友城", "64对")]),
        # a list of numbers, each before its own noun
        (
            "新建改造80公里乡村公路和45万平方米村内道路。",
            [("乡村公路", "80公里"), ("村内道路", "45万平方米")],
        ),
        # short list parts share the head written once after the last
        (
            "改造老旧供水、供气、雨水管道90公里、60公里、30公里。",
            [("改造老旧供水管道", "90公里"), ("供气管道", "60公里"), ("雨水管道", "30公里")],
        ),
        # a part of a two-sided measure: not the whole measure's name with the part glued on
        (
            "外贸进出口总额达到820亿元、增长4.5%，其中进口增长3.1%。",
            [("外贸进出口总额", "820亿元"), ("外贸进口", "3.1%")],
        ),
        # a round count in words before its noun, after another one
        ("举办超百场马拉松赛事、近百场大型音乐节。", [("马拉松赛事", "超百场"), ("大型音乐节", "近百场")]),
        # a quoted pair with 分别: the verb is not part of the second name
        (
            "“青石标准”、“青石品牌”分别新增12项和44项。",
            [("青石标准", "12项"), ("青石品牌", "44项")],
        ),
    ],
)
def test_names_of_lists_and_of_counts_before_their_nouns(
    sentence: str, want: list[tuple[str, str]]
) -> None:
    assert _rows(_read(sentence)) == want


def test_measures_of_one_kind_after_the_first_take_its_subject() -> None:
    # every part measures something of its own: no head goes to the others, but the first's
    # subject goes to the measures of the same kind written after it
    rows = _rows(_read("肉羊出栏量、交易量、屠宰加工量分别增长5.1%、9.2%和14.3%。"))
    assert [n for n, _ in rows] == ["肉羊出栏量", "肉羊交易量", "肉羊屠宰加工量"]
    # …unless the subject would repeat the measure's own word
    rows = _rows(_read("全县生产安全死亡事故起数和死亡人数分别下降3%和2%。"))
    assert [n for n, _ in rows] == ["生产安全死亡事故起数", "死亡人数"]
