"""Who the top boss is, for :mod:`leaders`: whether a text names the boss as its subject, someone below the boss, a
colleague called by name, and whether the message speaks of the boss as someone other than the speaker."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import Context, _lex
from advisor.diagnosis.lexicon import find_all, has_word


def _deputy(agent: str, words: dict) -> bool:
    """Someone below the boss is named: not as part of the boss's title (经理 in 总经理), or as the boss's deputy (副
    before the title)."""
    return any(word in words["deputies"] or agent[max(0, start - 1):start] == "副"  # "副董事长"
               for start, _, word in find_all(agent, words["boss"] + words["deputies"]))


def _names_the_boss(text: str, bosses: list[str]) -> bool:
    """The top boss is a subject of ``text``: not a deputy ("副院长"), not the boss's kin or staff ("老板儿子",
    "老板的司机", "老板家大儿子")."""
    people = "|".join(map(re.escape, _lex()["leading"]["deputies"]))
    for start, end, _ in find_all(text, bosses):
        if text[max(0, start - 1):start] != "副" and not re.match(rf"(?:的|家)?[大小二]?(?:{people})", text[end:]):
            return True
    return False


def _named_colleague(agent: str, words: dict[str, list[str]]) -> bool:
    """A colleague called by name as one is addressed at work: 小陈, 老周, 阿强, 王姐, 李工, 张师傅."""
    before, after = "|".join(map(re.escape, words["name_before"])), "|".join(map(re.escape, words["name_after"]))
    return re.search(rf"(?:^|[^\u4e00-\u9fff]|的)(?:(?:{before})[\u4e00-\u9fff]|[\u4e00-\u9fff]{{1,2}}(?:{after}))$",
                     agent.strip()) is not None


def _someone_else_is_boss(ctx: Context, words: dict[str, list[str]]) -> bool:
    """Whether the message speaks of the boss as another person ("老板不太上心"), so that "I" is not the boss ("我是老板"
    and "I am the owner" say the opposite)."""
    text, bosses = ctx.message.text, "|".join(map(re.escape, words["boss"]))
    if re.search(rf"(?:我|\bI)(?:就|也)?(?:是(?:[^，,。；;！!]{{1,8}}?的)?| am (?:the )?|'m (?:the )?)(?:{bosses})|"
                 rf"\bme,? (?:the |your )?(?:{bosses})\b|"
                 rf"(?:{bosses})(?:就|即|也)?是(?:我|本人)(?:自己|本人)?(?:[，,。；;！!\s]|$)", text, re.I):
        return False  # "我是老板", "我是这个厂的老板", "Me, the owner", "老板就是我自己" (not "老板是我爸")
    deputies = "|".join(map(re.escape, _lex()["leading"]["deputies"]))
    return has_word(text, words["boss"]) or re.search(
        rf"\bI(?:'m| am) (?:just |only )?(?:the |an? |our )?(?:[a-z-]+ )?(?:{deputies})\b", text, re.I) is not None


def ranked(text: str, words: dict[str, list[str]]) -> dict[str, list[str]]:
    """``words`` with the head of a site ("厂长") moved from the bosses to the deputies when ``text`` also names a boss
    above it ("厂长在推，老板常年在外地"): the plant manager is then below the boss."""
    heads = [w for w in words["site_heads"] if w in text]
    above = [w for w in words["boss"] if w not in words["site_heads"]]
    if not heads or not has_word(re.sub("|".join(map(re.escape, heads)), "", text), above):
        return words
    return words | {"boss": above, "deputies": _lex()["leading"]["deputies"] + heads}


@per_knowledge
def _told_to_do_it() -> re.Pattern:
    """A saying verb, the one spoken to, a leading verb ("说你们年轻人去整", "just says you handle it")."""
    said, told, verbs = ("|".join(map(re.escape, _lex()["leading"][key]))
                         for key in ("saying", "spoken_to", "lead_verbs"))
    return re.compile(rf"(?:{said})\s*(?:{told})(?![A-Za-z])[^，。,.;；]{{0,8}}?(?:{verbs})(?![A-Za-z])", re.I)


def tells_another_to_do_it(text: str) -> bool:
    """The boss hands the work over in words ("老板只说你们自己去搞")."""
    return _told_to_do_it().search(text) is not None


@per_knowledge
def _he() -> re.Pattern:
    return re.compile(rf"(?:{'|'.join(map(re.escape, _lex()['leading']['third_person']))})(?![A-Za-z])", re.I)


def he_is_the_boss_named_before(sentence: str, before: str, bosses: list[str]) -> bool:
    """A sentence that begins with "he" right after one that named the boss and no one else after the boss ("董事长是我
    爸。他对这些不感冒"): "he" is the boss."""
    if not _he().match(sentence.strip()):
        return False
    found = [end for _, end, _ in find_all(before, bosses)]
    people = _lex()["people"]["person_nouns"] + _lex()["leading"]["deputies"]
    return bool(found) and _names_the_boss(before, bosses) and not has_word(before[found[-1]:], people)


def _only_a_person(said: str, words: dict[str, list[str]]) -> bool:
    """The words name only a person who may lead: the speaker, the boss or a deputy, a deputy with a word of their
    post and their name ("我们老板", "I", "常务副总", "销售副总老陈"; not "设备改造副总")."""
    people = "|".join(map(re.escape, {w.strip() for w in words["self"] + words["boss"]}))
    deputies = "|".join(map(re.escape, words["deputies"]))
    manner = "|".join(map(re.escape, words["manner"]))
    said = said.strip()
    found = re.fullmatch(rf"(?:我的?|我们的?|our |my )?(?:{people}|[\u4e00-\u9fff]{{0,2}}(?:{deputies})(?P<name>.*?))"
                         rf"(?:{manner})*", said, re.I)
    return found is not None and (not found.group("name") or _named_colleague(found.group("name"), words))
