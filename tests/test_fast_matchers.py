"""Matchers restructured for speed (issue 22) give what the plain version gives.

Each test holds the straightforward way of computing a value (the code before the change) and
checks the faster code against it on strings written to hit the edges.
"""

from __future__ import annotations

from plansum.rules import projects

# Lines of a fictional plan: clauses with and without project words, empty clauses, a word at
# the very start or end, every separator, numbered items, a line with no separator at all.
LINES = [
    "",
    "，，。",
    "推进甲港二期工程、乙产业园建设，完善丙平台。",
    "工程",
    "建成丁水库；开工戊铁路:己公路|庚高速！辛机场？壬电站!癸中心?",
    "1.甲工程 2.乙工程 3.丙基地",
    "今年全县将集中力量推进甲港二期工程,同时抓好乙村示范点建设",
    "加快建设甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥园区",
    "没有一个项目词的句子，也没有，什么都没有。",
    "：项目",
    "项目：",
    "甲园区乙园丙园区。",
    "，".join(["推进某某片区综合开发工程"] * 30),
]


def _clauses_plain(line: str) -> list[tuple[int, str]]:
    out = []
    end = -1
    for seg in projects._CLAUSE_SPLIT.split(line):
        start = end + 1
        end = start + len(seg)
        if seg and projects._ANY_PROJECT_WORD.search(seg):
            out.append((start, seg))
    return out


def test_word_clauses_are_the_split_clauses_that_hold_a_project_word() -> None:
    for line in LINES:
        assert list(projects._word_clauses(line)) == _clauses_plain(line), line


# Fictional sentences around 主要目标是：: at the text start, after a stop, more than 60 characters
# in, two in one sentence, a continuation too short or too long, a line break before the 。.
_TARGET_TEXTS = [
    "主要目标是：地区生产总值增长6%左右。",
    "某县。2030年全县主要预期目标为：城乡居民收入稳步增长。下一句。",
    "开头\n今年主要目标是：三项。",
    "甲" * 59 + "主要目标是：生产总值增长百分之六。",
    "甲" * 60 + "主要目标是：生产总值增长百分之六。",
    "甲" * 61 + "主要目标是：生产总值增长百分之六。",
    "乙。" + "甲" * 60 + "主要目标为:生产总值增长6%。",
    "全市主要目标是：主要目标是：增长六个百分点左右。",
    "主要目标是：四字以上。主要目标是：短。",
    "主要目标是：" + "丙" * 400 + "。",
    "主要目标是：" + "丙" * 401 + "。",
    "主要目标是：换行之前\n没有句号。",
    "主要目标为：" + "丁" * 10 + "。" * 3 + "\n\n主要预期目标是：戊己庚辛。",
    "主要主要目标是：重叠的开头也要找到。",
    "今后五年的发展目标：一是经济更强，二是生态更好。",
    "奋斗目标为：建成样板区。主要发展目标是：五年再上新台阶。",
    "我们的奋斗目标：" + "癸" * 3 + "。发展目标是：甲。",
]


def test_goals_sentences_are_the_pattern_matches() -> None:
    from plansum.rules import goals

    for text in [*_TARGET_TEXTS, "。".join(_TARGET_TEXTS), "\n".join(_TARGET_TEXTS)]:
        want = [m.span() for m in goals._GOALS_SENTENCE.finditer(text)]
        assert list(goals._goals_sentences(text)) == want, text


def test_clean_text_finds_every_odd_character_the_pattern_finds() -> None:
    from plansum.parse import loading

    def plain(text: str) -> str:
        if not loading._ODD.search(text):
            return text
        return loading.re.sub(r"\r(?!\n)", "\n", text.translate(loading._TABLE))

    odd = [chr(c) for c in [*range(0, 32), 127, 0x85, 0x2028, 0x2029, 0x3000, 0xFEFF]]
    for ch in odd:
        for text in (f"甲{ch}乙", ch, f"甲\r\n{ch}", "甲\r\n乙", f"{ch}\n"):
            assert loading.clean_text(text) == plain(text), repr(text)
            assert (loading.clean_text(text) is text) == (plain(text) is text), repr(text)


def _clean_plain(name: str) -> str:
    """projects._clean as first written (the lead-in removed with `sub`)."""
    name = name.strip(projects._STRIP)
    verbs = projects._MID_VERB.findall(name)
    if verbs:
        end = name.rfind(verbs[-1]) + len(verbs[-1])
        if len(name) - end >= 4:
            name = name[end:].strip(projects._STRIP)
    if not name.endswith(projects._SUFFIX):
        tail = projects._STATUS_TAIL.search(name, max(0, len(name) - 16))
        if tail and name[: tail.start()].endswith(projects._SUFFIX):
            name = name[: tail.start()]
    for _ in range(3):
        new = projects._LEAD.sub("", name)
        if "等" in new or new.endswith("建设"):
            new = projects._TAIL.sub("", new)
        new = new.strip(projects._STRIP)
        if new == name:
            break
        name = new
    return name


PIECES = [
    "", "  ", "甲工程", "了加快推进甲港二期工程", "1.乙产业园", "（三）丙基地建设", "重点推进丁中心等重点项目建设",
    "今年某县将集中力量推进戊水库", "己铁路工程主体完工", "“庚高速”", "全力加快建设辛机场及壬电站",
    "和", "癸村和子村", "推进推进推进丑桥", "建设", "等", "寅港建设建设", "实施卯园、辰园", "并在巳小镇",
]


def test_clean_and_split_and_as_first_written() -> None:
    for piece in PIECES:
        assert projects._clean(piece) == _clean_plain(piece), piece
        name = _clean_plain(piece)
        plain_split = [name]
        for sep in ("和", "及"):
            left, found, right = name.partition(sep)
            if found and len(left) >= 4 and len(right) >= 4 and left.endswith(projects._SUFFIX):
                if _clean_plain(right).endswith(projects._SUFFIX):
                    plain_split = [left, right]
                    break
        assert projects._split_and(name) == plain_split, piece
        plain_pieces = []
        pos = 0
        for part in piece.split("、"):
            if plain_pieces and len(plain_pieces[-1][1]) < 3:
                off, prev = plain_pieces.pop()
                plain_pieces.append((off, prev + "、" + part))
            else:
                plain_pieces.append((pos, part))
            pos += len(part) + 1
        assert projects._pieces(piece) == plain_pieces, piece


# numbers._read_match reads all its groups with one Match.group call (issue 22); what it reads
# from each shape, written out by hand: (start, end, value, unit, comparator, upper, aspirational).
NUMBERS = {
    "增长6.5%左右": [(2, 8, 6.5, "%", "about", None, False)],
    "达到1.2万亿元以上": [(2, 10, 1.2, "万亿元", "at_least", None, False)],
    "全年增长１２．５％": [(4, 9, 12.5, "%", "exact", None, False)],
    "控制在3%—5%": [(0, 8, 3.0, "%", "at_most", 5.0, False)],
    "百分之六": [(0, 4, 6.0, "%", "exact", None, False)],
    "千分之3.5": [(0, 6, 3.5, "‰", "exact", None, False)],
    "两个百分点": [(0, 5, 2.0, "个百分点", "exact", None, False)],
    "三百五十亿元": [(0, 6, 350.0, "亿元", "exact", None, False)],
    "三至五万人": [(0, 5, 3.0, "万人", "exact", 5.0, False)],
    "力争突破１０００万人": [(0, 10, 1000.0, "万人", "more_than", None, True)],
    "300余个": [(0, 5, 300.0, "个", "more_than", None, False)],
    "1,234.5万元": [(0, 9, 1234.5, "万元", "exact", None, False)],
    "-2.5%": [(0, 5, -2.5, "%", "exact", None, False)],
    "8~10个": [(0, 5, 8.0, "个", "exact", 10.0, False)],
    "1万—2万人": [(0, 6, 1.0, "万人", "exact", 2.0, False)],
    "二〇三五年": [(0, 5, 2035.0, "年", "exact", None, False)],
    "0.5亿元": [(0, 5, 0.5, "亿元", "exact", None, False)],
    "甲\u200b1\u200b2%": [(2, 6, 12.0, "%", "exact", None, False)],
    "06版": [],
    "0,500吨": [],
    "三五年": [],
    "十四五时期": [],
    "第三章": [],
    "5G基站": [],
    "PM2.5": [],
}


def test_number_shapes_read_as_before() -> None:
    from plansum.parse.numbers import scan_mentions

    for text, want in NUMBERS.items():
        m = scan_mentions(text)
        got = [
            (q.span.start, q.span.end, q.value, q.unit, q.comparator.value, q.upper, q.aspirational)
            for q in (m.quantity(k) for k in range(len(m)))
            if q.span is not None
        ]
        assert got == want, text


def test_taken_spans_overlap_as_the_pass_over_all_of_them() -> None:
    import random

    from plansum.rules.goals import _Taken

    rnd = random.Random(22)
    for _ in range(300):
        spans = []
        for _ in range(rnd.randrange(0, 12)):
            a = rnd.randrange(0, 60)
            spans.append((a, a + rnd.randrange(0, 15)))
        taken = _Taken(spans)
        for begin in range(0, 80):
            for length in (0, 1, 5, 20):
                plain = any(a <= begin < b or begin <= a < begin + length for a, b in spans)
                assert taken.overlaps(begin, length) == plain, (spans, begin, length)


def test_timeline_sentence_start_as_the_array_of_every_sentence_end() -> None:
    from plansum.parse.dating import _SENTENCE_END, Timeline

    texts = [
        "",
        "甲",
        "\n",
        "\n\n甲。乙；丙\n丁！戊?己\n",
        "今年增长5%。明年增长6%；\n2030年达到7%!没有句号的最后一行",
        "一行里。很多。句子。" * 20,
        "。；;！!？?\n" * 3,
    ]
    for text in texts:
        tl = Timeline(text, 2026)
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        # asked in any order, twice (the per-line cache must not change the answer)
        for offset in [*range(len(text) + 1), *reversed(range(len(text) + 1))]:
            plain = max((e for e in ends if e <= offset), default=0)
            assert tl._sentence_start(offset) == plain, (text, offset)
