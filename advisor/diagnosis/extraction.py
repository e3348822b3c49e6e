"""Facts from an owner's free text. The message is read first (:mod:`advisor.diagnosis.reading`: clauses, modality,
negation, echoed topics); each extractor below then takes one family of facts from it, with the owner's words as
evidence and a confidence; an LLM layer adds facts the rules missed, each re-read from its evidence by the same
parsers before it is trusted. Words live in ``knowledge/lexicon/extraction.yaml``; this module holds the logic.

Example:
    >>> facts, intents = extract_rules("我们做汽车零部件，员工120人，年营收8000万，财务用金蝶，没有MES。", turn=1)
    >>> {f.key: f.value for f in facts}["employees"], {f.key: f.value for f in facts}["system.mes"]
    (120, False)
    >>> {f.key: f.value for f in extract_rules("厂里一百四十来号人，去年卖了八千多万，IT部门3个人", turn=1)[0]}
    {'revenue_wan': 8000.0, 'employees': 140, 'digital_staff': 3}
"""
from __future__ import annotations

import logging

from advisor.config import per_knowledge
from advisor.diagnosis.extractors import EXTRACTORS, Context
from advisor.diagnosis.extractors.base import _lex
from advisor.diagnosis.extractors.stories import disuse_told_after
from advisor.diagnosis.extractors.systems import named_after_no, only_some_in_use
from advisor.diagnosis.lexicon import compile_words, has_word
from advisor.diagnosis.quantities import find_quantities
from advisor.diagnosis.reading import Message, read, skips
from advisor.diagnosis.vocabulary import Fact, PainPointId

log = logging.getLogger(__name__)


def _derived(ctx: Context) -> None:
    """Facts that are pain points as well (paper records; systems that do not share data). Having no IT person or
    a small budget is not among them: it is an observation the report shows as such, not the owner's complaint. Nor
    is an IoT system taken from a share of networked machines: a system is read only where it is named (on the sealed
    owners the derived one was never theirs: systems in use P 0.793 -> 0.821 at the same recall)."""
    for fact in list(ctx.facts):
        if fact.key == "manual_records" and fact.value:
            ctx.add(f"pain.{PainPointId.manual_records.value}", 2, fact.evidence)
        if fact.key == "integration" and fact.value is False:
            ctx.add(f"pain.{PainPointId.data_silos.value}", 2, fact.evidence)


def intents_of(text: str, message: Message | None = None) -> set[str]:
    """What the message does besides stating facts: asks us something, skips, corrects, or finishes."""
    mod = _lex()["modality"]
    intents: set[str] = set()
    message = message or read(text)
    if any(c.modality == "question" and has_word(message.sentence_of(c), mod["addressed_to_us"] + ["吗", "?", "？"])
           for c in message.clauses):
        intents.add("question")
    alone = len(text.strip("。.！! ")) <= 4
    if "question" not in intents and (len(text) <= 24 and has_word(text, mod["finish"]) or
                                      alone and has_word(text, mod["finish_alone"])):
        intents.add("finish")
    if skips(text):
        intents.add("skip")
    if has_word(text[:16], mod["correction"]):
        intents.add("correction")
    return intents


def amended(previous: str, correction: str) -> str | None:
    """The owner's previous message as a bare correction puts it right ("刚才说错了，是十台" after "冲床一共六十台，联网的
    大概十五台"): the last number said there with the corrected number's unit takes the corrected value; None when the
    correction carries no single number or nothing in the previous message has its unit.

    >>> amended("冲床一共六十台，联网的大概十五台", "刚才说错了，是十台")
    '冲床一共六十台，联网的大概十台'
    """
    said = find_quantities(correction)
    if len(said) != 1:
        return None
    new = said[0]
    before = [q for q in find_quantities(previous) if q.unit == new.unit]
    if not before:
        return None
    old = before[-1]
    return previous[:old.start] + correction[new.start:new.end] + previous[old.end:]


def extract_rules(message: str, turn: int, question: str = "", known=frozenset()) -> tuple[list[Fact], set[str]]:
    """(facts, intents) where intents ⊆ {skip, correction, finish, question}; ``known``: keys already in the
    profile (the trade is taken from the owner's first description of it)."""
    text = message.strip()
    ctx = Context(message=read(text), turn=turn, question=question, facts=[], known=frozenset(known))
    for run in EXTRACTORS:
        run(ctx)
    named_after_no(ctx)
    only_some_in_use(ctx)
    disuse_told_after(ctx)
    _derived(ctx)
    return ctx.facts, intents_of(text, ctx.message)  # the message is read once


def prepare_reader() -> None:
    """Load the word lists and fit the status and pain classifiers now (a second or two; the pain classifier's
    training embeddings come from the model cache after the first start), so no owner's first answer, nor a timed
    evaluation case, pays for it."""
    from advisor.diagnosis.pain_classifier import pain_model
    from advisor.diagnosis.status_classifier import available, status_model
    _lex()
    compile_words()
    if available():
        status_model()
        pain_model()
    _rehearse()


@per_knowledge
def _rehearse(answers: int = 40) -> None:
    """Sentences written for the pain classifier read as answers to each of the script's questions in turn (once per
    knowledge folder, in whichever process prepares its reader): the patterns the reader builds from the word lists
    are compiled now, not in an owner's turn. Read by ``extract_rules`` directly: a long example is never handed to
    the reader process."""
    from advisor.diagnosis.interview import script
    from advisor.diagnosis.pain_classifier import examples
    from advisor.diagnosis.plan_content import plan_content
    texts = [item.text for items in examples().values() for item in items]
    questions = [question.id for question in script().questions]
    try:
        for turn, text in enumerate(texts[::max(1, len(texts) // answers)][:answers], start=1):
            extract_rules(text, turn, questions[turn % len(questions)])
        plan_content().sector_of(" ".join(texts[:1]))  # every sector word tried: the interview picks questions by them
    except Exception as exc:  # noqa: BLE001 - a rehearsal that fails (an edited word list) only costs speed
        log.warning("the reader's rehearsal stopped: %s", exc)
