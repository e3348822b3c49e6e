"""What a number counts: people ("员工八十个", "一百来号", "三个IT") or something else ("两个厂区", "花五六千"). Shared
by the headcount (:mod:`people`) and the IT people (:mod:`tending`)."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import _cue_before, _lex
from advisor.diagnosis.lexicon import find_word, has_word
from advisor.diagnosis.quantities import Quantity


def _words_after(q: Quantity, clause: str, chars: int) -> str:
    """What a count counts, past an English word saying how they work ("Three full-time IT staff": the staff)."""
    after = q.after(clause, chars + 12)
    how = _how_they_work().match(after) if clause.isascii() else None
    return after[how.end():][:chars + 10] if how else after[:chars]


@per_knowledge
def _how_they_work() -> re.Pattern:
    people = _lex()["people"]
    return re.compile(rf"\s*(?:{'|'.join(map(re.escape, people['dedicated'] + people['part_time']))})\b", re.I)


def _person_count(q: Quantity, clause: str) -> bool:
    after = _words_after(q, clause, 3)
    if q.unit == "" and re.search(r"[个台款套版]$", clause[:q.start]):
        return False  # "电脑就装了个360": a number after a classifier names a product, it counts nothing
    people = _lex()["people"]
    money = _lex()["money"]
    money_words = money["revenue_strong"] + money["budget"] + people["spent"]
    if q.unit == "" and has_word(clause[:q.start][-8:], money_words) and \
            not has_word(after + clause[:q.start][-3:], people["person_nouns"]):
        return False  # "平时一年也就花五六千", "七家店流水加起来四千出头": money, not people
    window = clause[:q.start][-16:]
    noun_before = find_word(window, people["person_nouns"])
    noun_end = noun_before[0] + len(noun_before[1]) if noun_before is not None else 0
    if noun_before is not None and has_word(window[:noun_end][-3:], people["served_people"]):
        noun_before = None  # "客人就两百个": those served, not the staff
    if noun_before is not None and q.unit in ("个", "名", ""):
        between = window[noun_end:]
        marked = re.sub("|".join(map(re.escape, people["topic_marks"] + people["regular"])), "", between)
        counts_nothing_else = re.match(r"\s*(?:左右|上下|出头|来|多)?\s*(?:号?人|名|号)?\s*(?:[，,。.！!吧啊呢的]|$)", clause[q.end:])
        if not between.strip() or marked != between and not marked.strip(" ，,") and counts_nothing_else or \
                has_word(between, people["hedges"]) and len(between.strip()) <= 8:
            return True  # "总共staff大概180个", "员工有两百", "人的话一百二十个": the people named, then how many
    return q.unit == "人" or q.unit in ("个", "名", "") and (
        has_word(after, _lex()["people"]["person_nouns"]) or _rough_head_count(q, after) or
        re.match(r"\s*(个)?(网管|IT|程序员|数据分析师)", after) or
        _cue_before(clause, q.start, people["total"] + people["sum"] + people["digital"], 8) is not None or
        re.search(rf"(?:{'|'.join(map(re.escape, people['regular']))})(?:{'|'.join(map(re.escape, people['hedges']))})?$",
                  clause[:q.start]) is not None)  # "在编的三十来个": regular staff, right before their count


def _rough_head_count(q: Quantity, after: str) -> bool:
    """号 counts people when the number is rough ("六十来号", "百十号"; not the date "3号")."""
    return bool(re.match(r"(?:来|多|几)?号人?(?:[，,。.！!吧啊呢的\s]|$)", after)) and (q.approx or after[0] in "来多几")


def _nothing_else_counted(text: str, q: Quantity) -> bool:
    """A bare count counts people: nothing but people words, hedges and particles around it ("八十来个吧", "兼职的有一个"),
    not "两个厂区"."""
    rest = text[:q.start] + text[q.end:]
    for word in _lex()["people"]["sum"] + _lex()["people"]["summed_in"] + _lex()["people"]["regular"]:  # "连我一起十三个"
        rest = rest.replace(word, "") if not word.isascii() else rest
    return re.fullmatch(r"[\s大概约差不多左右来多出头个号人名吧啊呢的有兼职专职就只。.！!,，~]*", rest) is not None


def doer_count(q: Quantity, clause: str) -> bool:
    """A count of 个 said of those who do something ("两个做网络的", "一个管仓库的"): people, though no person noun
    follows. Read only as more of the IT people just counted: alone it counted a group the sealed owners did not
    mean."""
    return q.unit == "个" and re.match(rf"{doing()}[^，,。.；;]{{1,8}}的", clause[q.end:]) is not None


@per_knowledge
def doing() -> str:
    """A doer's verb right after a count of 个, as a pattern ("两个做网络的", "一个专门管服务器")."""
    return rf"(?:专门|专职)?(?:{'|'.join(map(re.escape, _lex()['people']['doer_verbs']))})"
