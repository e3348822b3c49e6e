"""A system bought and left unused, told as a story: the purchase said in one sentence, what became of it after
("前年花八万买了套仓库软件。仓管嫌麻烦，半年后就没人登录了"). The reading of :mod:`systems` stops at the sentence and
twenty characters; a purchase opens a story whose end the owner tells later."""
from __future__ import annotations

from advisor.diagnosis.extractors.base import Context, _lex
from advisor.diagnosis.extractors.systems import _system_mentions
from advisor.diagnosis.lexicon import find_word, has_word
from advisor.diagnosis.reading import negated
from advisor.diagnosis.vocabulary import FactSource

STORY_SENTENCES = 2  # the purchase's sentence and the two after it ...
STORY_CHARS = 60  # ... up to this many characters (three times as many in English)


def _paper() -> list[str]:
    records = _lex()["booleans"]["manual_records"]
    return records["affirm"] + records["media"] + _lex()["systems"]["old_ways"]


def disuse_told_after(ctx: Context) -> None:
    """A system read as in use from a clause that says it was bought, and a word of its falling out of use later in
    that sentence or the next one, before any other system is named: not in use, said by that later word."""
    words = _lex()["systems"]
    message = ctx.message
    for fact in [f for f in ctx.facts if f.key.startswith("system.") and f.value is True and
                 f.source == FactSource.rules]:
        clause = next((c for c in message.clauses if message.as_said(c.text) == fact.evidence), None)
        if clause is None:
            continue
        last = min(clause.sentence + STORY_SENTENCES, len(message.sentences) - 1)
        told = message.text[clause.start + len(clause.text):message.sentences[last][1]]
        told = told[:STORY_CHARS * (3 if told.isascii() else 1)]  # English says it in more characters
        others = _system_mentions(told)
        told = told[:others[0][0]] if others else told
        ended = find_word(told, words["fell_out_of_use"])
        if ended is None or not has_word(clause.text + told[:ended[0]], words["bought"]) or negated(told, ended[0]) or \
                has_word(told[max(ended[0] - 6, 0):ended[0] + len(ended[1]) + 3], _paper() + words["past"]) or \
                has_word(told[:ended[0]], words["in_daily_use"]) or has_word(told, words["really_used"]):
            continue  # "上了ERP，现在没人用纸了", "以前那些手工账本都不用了": the paper, the old way fell out of use
        ctx.facts.remove(fact)
        ctx.add(fact.key, False, message.as_said(clause.text) + "……" + message.as_said(told).strip(), fact.confidence)
