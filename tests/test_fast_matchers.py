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
