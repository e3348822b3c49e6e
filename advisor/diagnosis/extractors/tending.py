"""Who tends the computers (the IT staff, not who leads the digital work): a clause that says someone of the firm
looks after them, the computers as the topic a clause answers, and outsiders who do it instead."""
from __future__ import annotations

from advisor.diagnosis.extractors.base import Context, _lex
from advisor.diagnosis.lexicon import find_word, has_word
from advisor.diagnosis.reading import Clause


def outsiders_before(ctx: Context, clause: Clause) -> str:
    """The clauses of its sentence before ``clause`` (each closed by a comma) when one of them has outsiders tend
    the computers ("网络包给外面一家公司，一年一结，"; not "物流外包出去了，"), else ""."""
    before = [c.text for c in ctx.message.clauses_of(clause.sentence) if c.start < clause.start]
    told = any(has_word(text, _lex()["people"]["outsider"]) and _names_computers(text) for text in before)
    return "".join(text + "，" for text in before) if told else ""


def tends(text: str, tended: list[str] | None = None) -> bool:
    """A clause that says someone of the firm tends the computers ("小伙子专门搞电脑"), not an outsider."""
    people = _lex()["people"]
    what = find_word(text, tended or people["tended"])
    return has_word(text, people["tend_verbs"]) and what is not None and not has_word(text, people["outsider"]) and \
        not has_word(text[what[0] + len(what[1]):][:3], people["tended_not"])  # "搞网络推广" is marketing


def computers_before(ctx: Context, clause: Clause) -> bool:
    """The computers (not the digital work) are the topic of ``clause``: its echoed topic or the clause just before
    it in its sentence names them ("电脑啊系统啊，都是跟单的小姑娘兼着弄"), and the clause names neither the work nor a turn
    ("电脑我不太懂，数字化这块是我儿子在抓" says who leads)."""
    if has_word(clause.text, _lex()["leading"]["digital_work"] + _lex()["modality"]["contrast"]):
        return False
    before = [c for c in ctx.message.clauses_of(clause.sentence) if c.start < clause.start][-1:]
    return about_computers(clause.topic + "".join(c.topic + c.text for c in before))


def about_computers(text: str) -> bool:
    """``text`` names the computers, not the digital work nor a trade ("网络推广"): who tends them is the IT people,
    not who leads."""
    return _names_computers(text) and not has_word(text, _lex()["leading"]["digital_work"])


def _names_computers(text: str) -> bool:
    """A word for the computers, not a trade made with it ("网络推广")."""
    people = _lex()["people"]
    found = find_word(text, people["tended"])
    return found is not None and not has_word(text[found[0] + len(found[1]):][:3], people["tended_not"])
