"""The naming convention for indicators, as a check (docs/evaluation.md, "Indicator names").

An indicator's name is the noun phrase of what its number measures: no leading particle,
preposition or adverb (的, 了, 为, 共 …), no leading verb of doing or reaching (实现, 完成,
达到, 打造 …) and no tail of the sentence (…全面, …基本完工, …取得突破, …增长).  This module
says which of those rules a name breaks; it is independent of the extractor's own cleaning
so that it can judge it.
"""

from __future__ import annotations

import re

# Function words that never open a noun phrase.  Words that do open real names are left out
# on purpose: 每 (每千人口医生数), 近 (近岸海域), 以 (以旧换新), 各 (各类学校), 超 (超高清).
_LEAD_PARTICLE = re.compile(
    r"^(?:(?:近|过去)?五年|每年|年均|的|了|着|过(?!境|程)|之|为|将|把|对(?!外)|在(?!校|建|职|岗|册|园|线)|被|向(?!上)|从(?!业)|由|于|"
    r"与|和(?!美|谐)|及(?!时)|并(?!购|网)|而|且|或|等(?!级)|即|则|已|均|都(?!市|会)|也|还|又|"
    r"再(?!生|就业|制造|贷款)|仍|就(?!业|医|学|近)|才|其|该|此|达(?!标)|较|比(?!重|例)|使(?!用)|让|"
    r"给(?!水)|共(?!享|同|建|性|有产权|济)|"
    r"其中|分别|以及|同时|并且|其他)"
)
# Verbs of doing or reaching that are not part of what is counted (the number measures the
# thing, not the doing): 完成投资 → 投资, 实现营业收入 → 营业收入, 打造线路 → 线路.
_LEAD_VERB = re.compile(
    r"^(?:完成|实现|达到|突破|超过|力争|争取|确保|实施|开展|推进|推动|启动|建立|打造|建成(?!区)|培育|"
    r"引进|获批|落实|发放|累计|全年|合计|总计|共计|拥有|提高|提升|降低|下降|增长|增加(?!值)|减少|"
    r"保持|稳定在|控制在|预计|预期|努力|加快|持续|进一步)"
)
# Tails of the sentence after the noun phrase: a state reached, a verb of change, a bound.
# 提升 alone is left out: it also ends nominal actions (玉米单产提升, 整治提升).
_TAIL = re.compile(
    r"(?:全面|基本完工|完工|全线贯通|贯通|取得突破|获得突破|深入推进|显著提升|稳步提升|加快推进|"
    r"投入使用|建成投用|启用|投运|试运行|上线运行|叫好又叫座|"
    r"以上|以下|以内|左右|等|(?<!人)均|分别|(?<![发通])达|达到|超过|突破|提高|增长|增加|下降|降低|减少|"
    r"稳定在|保持|控制在|占|的|了|着|为|和|与|及|以|实际|首次|连续)$"
)


def name_problems(name: str) -> list[str]:
    """The rules of the naming convention that `name` breaks (empty when it keeps them)."""
    s = name.strip()
    out: list[str] = []
    m = _LEAD_PARTICLE.match(s)
    if m:
        out.append(f"starts with the particle {m.group(0)}")
    m = _LEAD_VERB.match(s)
    if m:
        out.append(f"starts with the verb {m.group(0)}")
    m = _TAIL.search(s)
    if m:
        out.append(f"ends in the tail {m.group(0)}")
    if len(s) < 2:
        out.append("shorter than two characters")
    return out
