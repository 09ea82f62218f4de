"""Indicator names in a normal form, and the key that gathers every name of one series.

`plansum track` aligns figures across documents on this key, the dataset stores it, and the
summary's CSV carries it, so one spreadsheet filter finds 地区生产总值, 生产总值 and GDP alike."""

from __future__ import annotations

from .._lazyre import lazy_re

# Normalised name -> (key, label).  Scope variants that the documents use for one series are
# aligned (限额以上固定资产投资 with 固定资产投资); the cell keeps the name as written.
_SYNONYMS: dict[str, tuple[str, str]] = {}
_HEADLINE: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "gdp",
        "地区生产总值",
        # 经济增长5%左右 is GDP growth (the name keeps 经济 once 增长 is cut)
        ("地区生产总值", "生产总值", "GDP", "地区生产总值GDP", "国内生产总值", "经济", "经济增长"),
    ),
    ("gdp_per_capita", "人均地区生产总值", ("人均地区生产总值", "人均GDP", "人均生产总值")),
    ("industrial_va", "规模以上工业增加值", ("规模以上工业增加值", "规上工业增加值")),
    (
        "fixed_investment",
        "固定资产投资",
        ("固定资产投资", "限额以上固定资产投资", "全社会固定资产投资", "限上固定资产投资"),
    ),
    ("retail_sales", "社会消费品零售总额", ("社会消费品零售总额", "社零", "社零额", "社消零")),
    (
        "budget_revenue",
        "一般公共预算收入",
        ("一般公共预算收入", "地方一般公共预算收入", "一般公共财政预算收入"),
    ),
    (
        "urban_income",
        "城镇居民人均可支配收入",
        ("城镇居民人均可支配收入", "城镇常住居民人均可支配收入"),
    ),
    (
        "rural_income",
        "农村居民人均可支配收入",
        (
            "农村居民人均可支配收入",
            "农村常住居民人均可支配收入",
            "农村牧区常住居民人均可支配收入",
            "农村牧区居民人均可支配收入",
            "农牧民人均可支配收入",
        ),
    ),
    (
        "income",
        "居民人均可支配收入",
        ("全体居民人均可支配收入", "居民人均可支配收入", "城乡居民人均可支配收入"),
    ),
    ("urbanization", "常住人口城镇化率", ("常住人口城镇化率", "城镇化率")),
    ("new_urban_jobs", "城镇新增就业", ("城镇新增就业", "新增城镇就业", "城镇新增就业人数")),
    ("registered_unemployment", "城镇登记失业率", ("城镇登记失业率", "登记失业率")),
    ("surveyed_unemployment", "城镇调查失业率", ("城镇调查失业率", "调查失业率")),
    ("grain_output", "粮食产量", ("粮食产量", "粮食总产量", "粮食总产")),
]
for _key, _label, _names in _HEADLINE:
    for _n in _names:
        _SYNONYMS[_n] = (_key, _label)

HEADLINE_KEYS = [
    "gdp",
    "industrial_va",
    "fixed_investment",
    "retail_sales",
    "budget_revenue",
    "urban_income",
    "rural_income",
    "urbanization",
]

_PREFIXES = ("全市", "全旗", "全县", "全区", "全盟", "全省", "我市", "我旗", "我县", "实现", "全年")
_SUFFIXES = (
    "年均实际增长",
    "年均增长率",
    "年均增长",
    "年均增速",
    "年均实际",
    "实际增长",
    "增长率",
    "增长",
    "增速",
    "年均",
    "实际",
    "按可比口径",
    "可比口径",
    "总额累计",
    "累计",
)
_PLACE = lazy_re(r"[\u4e00-\u9fff]{1,6}?(?:自治县|自治州|市|县|旗|盟|州|区)")
_STRIP = lazy_re(r"[\s“”\"'‘’（）()、,，:：；;|*]+")
_FALLING = lazy_re(r"失业率|能耗|能源消耗|排放量|浓度|不良贷款率|发案率|死亡率")


def normalize_name(name: str) -> str:
    """The indicator name without region prefixes, growth words and punctuation."""
    n = _STRIP.sub("", name)
    changed = True
    while changed and n:
        changed = False
        for p in _PREFIXES:
            if n.startswith(p) and len(n) > len(p) + 1:
                n, changed = n[len(p) :], True
        for s in _SUFFIXES:
            if n.endswith(s) and len(n) > len(s) + 1:
                n, changed = n[: -len(s)], True
    return n


def indicator_key(name: str) -> tuple[str, str, bool]:
    """(key, label, headline) for an indicator name; unknown names key on their normal form."""
    n = normalize_name(name)
    if n not in _SYNONYMS:
        # a place name in front (云溪县地区生产总值, 通辽市GDP) when what follows is known
        m = _PLACE.match(n)
        if m and n[m.end() :] in _SYNONYMS:
            n = n[m.end() :]
    if n in _SYNONYMS:
        key, label = _SYNONYMS[n]
        return key, label, True
    return n, n, False
