"""The trade named by the words of its sector, where no construction said it: an answer to "what do you make or sell?"
that names the goods or the service without a trade verb ("螺丝。紧固件。", "We run a trucking and warehousing firm").
Runs after :mod:`descriptions`, whose constructions win; the sectors' words are those of ``knowledge/plan.yaml``.

Example:
    >>> from advisor.diagnosis.extraction import extract_rules
    >>> [f.value for f in extract_rules("我们搞的是紧固件，螺栓螺母都有。", 1, question="basics")[0] if f.key == "industry"]
    ['紧固件']
"""
from __future__ import annotations

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import Context, _lex, _readable, extractor
from advisor.diagnosis.extractors.pains import complains
from advisor.diagnosis.lexicon import find_all, find_word, has_word, system_names
from advisor.diagnosis.plan_content import plan_content

LABEL_WORDS = 2  # "trucking and warehousing": 运输仓储


@per_knowledge
def _sector_words() -> list[str]:
    """Every word that names a sector, long enough to mean it alone (one character, "木" or "面", does not), and the
    English trades the lexicon glosses."""
    lex = _lex()["industry"]
    words = {w for sector in plan_content().industries for w in sector.words if len(w) >= 2}
    return sorted((words | set(lex["english"])) - set(lex["vague"]) - set(lex["not_sector_alone"]))


@extractor
def industry_by_sector_words(ctx: Context) -> None:
    """The sector's words of the first clause about the enterprise itself that says any, as the trade."""
    if ctx.question != "basics" or "industry" in ctx.known or any(f.key == "industry" for f in ctx.facts):
        return
    lex = _lex()["industry"]
    for clause in ctx.message.clauses:
        if not _readable(clause) or system_names(clause.text) or complains(clause.text) or \
                has_word(clause.text, lex["not_ours"] + lex["another"] + _lex()["systems"]["system_nouns"]):
            continue  # "客户都是做座椅的": someone else's trade; "这个系统管仓储": a system's; "物流老出错": a pain
        other = find_word(clause.text, lex["other_party"])
        said = [lex["english"].get(word.lower(), word) for start, _, word in find_all(clause.text, _sector_words())
                if other is None or start < other[0]]
        if said:
            ctx.add("industry", "".join(list(dict.fromkeys(said))[:LABEL_WORDS]), clause.text, 0.7)
            return
