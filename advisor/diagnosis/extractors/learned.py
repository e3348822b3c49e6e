"""The status classifier's readings (:mod:`advisor.diagnosis.status_classifier`), after the rules: a yes/no fact the
rules read nothing for in the whole message, and a second look at systems the rules took as in use only because they
were named. Marked as learned and less sure than the rules, so a word-read statement in a later turn stands over it."""
from __future__ import annotations

from advisor.diagnosis.extractors.base import MEANING, Context, _lex, extractor
from advisor.diagnosis.extractors.leaders import _leads_something_else
from advisor.diagnosis.extractors.tending import about_computers
from advisor.diagnosis.extractors.systems import said_elsewhere, use_said
from advisor.diagnosis.lexicon import has_word
from advisor.diagnosis.reading import answer_polarity
from advisor.diagnosis.status_classifier import BOOLEAN_KEYS, available, status_model, system_spans, thresholds
from advisor.diagnosis.vocabulary import FactSource

_READ = ("fact", "corrected")  # a sentence is read when it states something as it is (not a guess, a wish, a question)


def _readable_sentences(ctx: Context) -> list[int]:
    return [i for i in range(len(ctx.message.sentences))
            if any(c.modality in _READ for c in ctx.message.clauses_of(i))
            and not any(c.modality in ("question", "other_party", "uncertain") for c in ctx.message.clauses_of(i))]


@extractor
def learned_statuses(ctx: Context) -> None:
    if not available():
        return
    model, limits = status_model(), thresholds()
    # a bare answer ("没有。", "有的") says nothing the model can tie to a key: the rules read it against its topic
    texts = [text for i in _readable_sentences(ctx) if len(text := ctx.message.sentence_text(i).strip()) >= 6 and
             answer_polarity(text) is None]
    said = {f.key for f in ctx.facts}
    for key in BOOLEAN_KEYS:
        if key in said or not texts:
            continue
        about = [text for text in texts if (key == ctx.question or _about(key, text)) and not _set_aside(key, text)]
        best = None
        for text, (value, p) in zip(about, model.booleans(key, about) if about else []):
            if value is not None and p >= getattr(limits, key) and (best is None or p > best[2]):
                best = (value, text, p)
        if best:
            ctx.add(key, best[0], best[1], MEANING, source=FactSource.learned)
    _second_look_at_systems(ctx, model, limits.systems)


def _said_of(ctx: Context, sid: str, evidence: str) -> tuple[str, int, int] | None:
    """(the words said of system ``sid``, where it is named in them): from the clause that names it to the end of its
    sentence ("我们那套MES，工人嫌麻烦早就不点了"), up to a clause that names another system, the rest or only another scene."""
    # the clause the rules read it in first ("集团上了SAP，……，自己还是用管家婆": the second one is ours)
    clauses = sorted(ctx.message.clauses, key=lambda c: ctx.message.as_said(c.text) != evidence)
    for clause in clauses:
        spans = [(a, b) for a, b, s in system_spans(clause.text) if s == sid]
        if not spans or clause.modality == "echo":  # "ERP？用友，就财务在用": the topic echoed says nothing of it
            continue
        text = clause.text
        for after in ctx.message.clauses_of(clause.sentence):
            if after.start <= clause.start:
                continue
            if any(s != sid for _, _, s in system_spans(after.text)) or said_elsewhere(after.text, sid):
                break  # "MES有，ERP没有", "就财务整了个管家婆，别的没有": the next system's or the rest's clause says
                # nothing of this one
            text += "，" + after.text
        return text, *spans[0]
    return None


def _second_look_at_systems(ctx: Context, model, limit: float) -> None:
    """A system the rules read as in use from a clause without negation, which the model reads as not in use
    (turned), someone else's or only planned (dropped)."""
    for fact in list(ctx.facts):
        if not fact.key.startswith("system.") or fact.value is not True or fact.source != FactSource.rules:
            continue
        sid = fact.key.split(".", 1)[1]
        named = [end for _, end, s in system_spans(fact.evidence) if s == sid]
        if has_word(fact.evidence, _lex()["modality"]["negators"]) or named and use_said(fact.evidence):
            continue  # the rules weighed a negation or a use there ("不是没有CRM", "ERP天天用"): only a bare mention's
            # reading is looked at
        said = _said_of(ctx, sid, fact.evidence)
        if said is None:
            continue
        status, p = model.system(*said)
        if p < limit or status == "in_use":
            continue
        ctx.facts.remove(fact)
        if status == "not_in_use":
            ctx.add(fact.key, False, said[0], MEANING, source=FactSource.learned)


def _about(key: str, text: str) -> bool:
    """Whether ``text``, not an answer to the question about ``key``, can say anything of it: a plan needs a word for
    one ("老板亲自抓数字化" is no plan); a link needs two systems named, or a system (or a word for one) and a word of
    passing data on ("财务是金蝶" is no link); the other keys are said in too many ways for words to gate them (on the
    sealed owners a gate cost a reading of each)."""
    if key == "has_plan":  # "新厂房的规划" is a plan of something else
        return has_word(text, _plan_words()) and not has_word(text, _lex()["booleans"]["has_plan"]["not_a_plan"])
    if key == "integration":
        gate, named = _lex()["link_gate"], {sid for _, _, sid in system_spans(text)}
        return len(named) >= 2 or (bool(named) or has_word(text, gate["software"])) and has_word(text, gate["passing"])
    return True


def _set_aside(key: str, text: str) -> bool:
    """What the rules set aside is not read by meaning either: the boss in person at something that is not the work
    ("老板自己盯回款"), who tends the computers ("电脑没人专门管")."""
    words = _lex()["booleans"]["leadership"]
    return key == "leadership" and (_leads_something_else(text, words["affirm"] + words["boss_leads"]) or
                                    about_computers(text))


def _plan_words() -> list[str]:
    """The words that make a sentence one about a plan; not the bare negators a no is said with ("没有，都是分开的"
    answers of links), but those of a plan said to be missing stay ("没有正式的", "口头讲过")."""
    negators = set(_lex()["modality"]["negators"])
    return [w for name, group in _lex()["booleans"]["has_plan"].items() if name != "not_a_plan"
            for w in group if w not in negators]
