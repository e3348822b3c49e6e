"""A system bought and left unused, told as a story: the purchase said in one sentence, what became of it after
("前年花八万买了套仓库软件。仓管嫌麻烦，半年后就没人登录了"). The reading of :mod:`systems` stops at the sentence and
twenty characters; a purchase opens a story whose end the owner tells later."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import Context, _lex
from advisor.diagnosis.extractors.systems import _system_mentions
from advisor.diagnosis.lexicon import find_word, has_word
from advisor.diagnosis.reading import negated
from advisor.diagnosis.vocabulary import FactSource

STORY_SENTENCES = 2  # the purchase's sentence and the two after it ...
STORY_CHARS = 60  # ... up to this many characters (three times as many in English)


# a clause: up to a stop, or to a space between Chinese words (a pause typed or transcribed)
_CLAUSE = re.compile(r"[^，,。.；;！!？?\s][^，,。.；;！!？?]*?(?=[，,。.；;！!？?]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|$)")


def _ended(told: str) -> re.Match | None:
    """The clause of ``told`` that says the system fell out of use: nobody uses it ("半年后就没人登录了"), or it stands
    idle said of it ("那套东西一直放着"; not "二号车间停了", "几台电脑打不开" — something else stopped)."""
    words = _lex()["systems"]
    for clause in re.finditer(_CLAUSE, told):
        text = clause.group()
        for word_list, of_it in ((words["fell_out_of_use"], False), (words["left_standing"], True)):
            end = find_word(text, word_list)
            # not the old way that fell out of use: "上了ERP，现在没人用纸了", "以前那些手工账本都不用了"
            if end is not None and not negated(text, end[0]) and (not of_it or has_word(text, words["it_words"])) and \
                    not has_word(text[max(end[0] - 6, 0):end[0] + len(end[1]) + 3], _old_ways()):
                return clause
    return None


def _old_ways() -> list[str]:
    records = _lex()["booleans"]["manual_records"]
    return records["affirm"] + records["media"] + _lex()["systems"]["old_ways"] + _lex()["systems"]["past"]


def disuse_told_after(ctx: Context) -> None:
    """A system read as in use, its purchase said in its clause or after it ("……模块，我们买了，……"), and a clause later in
    that sentence or the two after it, before any other system is named, that says it fell out of use, with no daily
    use said anywhere there: not in use, the owner's words from the system's clause to that one its evidence."""
    words = _lex()["systems"]
    message = ctx.message
    for fact in [f for f in ctx.facts if f.key.startswith("system.") and f.value is True and
                 f.source == FactSource.rules]:
        clause = next((c for c in message.clauses if message.as_said(c.text) == fact.evidence), None)
        if clause is None:
            continue
        last = min(clause.sentence + STORY_SENTENCES, len(message.sentences) - 1)
        after = clause.start + len(clause.text)
        told = message.text[after:message.sentences[last][1]]
        told = told[:STORY_CHARS * (3 if told.isascii() else 1)]  # English says it in more characters
        others = _system_mentions(told)
        told = told[:others[0][0]] if others else told
        end = _ended(told)
        # a daily use hoped for is none ("想让各个店报货都在上面走，……又回到微信群里")
        used = "".join(c.text for c in message.clauses if c.modality != "wish" and c.start >= after and c.text in told)
        if end is None or not has_word(clause.text + told[:end.end()], words["bought"]) or \
                has_word(used, words["in_daily_use"]) or has_word(used, words["really_used"]):
            continue
        ctx.facts.remove(fact)
        span = message.text[clause.start:after + end.end()]
        ctx.facts.append(fact.model_copy(update={"value": False, "evidence": message.as_said(span), "scenes": None}))
