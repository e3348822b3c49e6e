"""The model's reading of an owner's message, held to the owner's words: every fact it proposes must quote a real
span of the message, numbers are re-read from that span by the rules' own parser, and a yes/no fact must not
contradict what the rules read from the same words. What fails is dropped and counted.

Example:
    >>> verify_llm_fact("employees", 5000, "员工八十来人", "我们员工八十来人。", turn=1).value
    80
    >>> verify_llm_fact("employees", 5000, "我们", "我们员工八十来人。", turn=1) is None
    True
"""
from __future__ import annotations


import yaml

from advisor.config import per_knowledge, settings_in_effect
from advisor.diagnosis.extraction import extract_rules
from advisor.diagnosis.facts import FACTS, coerce, llm_schema, plausible
from advisor.diagnosis.lexicon import extraction_lexicon, has_word
from advisor.diagnosis.quantities import find_quantities, fraction_percent, read_number
from advisor.diagnosis.vocabulary import Fact, FactSource

MIN_EVIDENCE_CHARS = 4


def _topic_words(key: str) -> list[str]:
    """Words without which a span cannot be evidence for ``key`` (the rules' own words for it)."""
    lex = extraction_lexicon()
    if key.startswith("system."):
        words = lex["systems"][key.split(".", 1)[1]]
        return words["names"] + words["brands"]
    if key in lex["booleans"]:
        return [w for group in lex["booleans"][key].values() for w in group]
    return {"employees": lex["people"]["person_nouns"] + lex["people"]["total"],
            "digital_staff": lex["people"]["digital"], "revenue_wan": lex["money"]["revenue_strong"] + ["万", "亿"],
            "digital_budget_wan": lex["money"]["budget"], "digital_budget_pct": lex["money"]["budget"],
            "equipment_networked_pct": lex["equipment"]["networked"] + lex["equipment"]["none_networked"],
            "security_measures": [w for words in lex["security"].values() for w in words],
            "goal.ai": lex["ai_goal"]}.get(key, [])


def verify_llm_fact(key: str, value, evidence: str, message: str, turn: int) -> Fact | None:
    """A model's fact held to its evidence: the evidence is a real span of the message (at least a few characters)
    that speaks of the key's topic, a number is re-read from it by the same parser as the rules, a yes/no fact must
    not contradict what the rules read from the same words, a trade must be said in them. Anything else is dropped."""
    evidence = (evidence or "").strip()
    if key not in FACTS or len(evidence) < MIN_EVIDENCE_CHARS or evidence not in message:
        return None
    topic = _topic_words(key)
    if topic and not has_word(evidence, topic):
        return None  # "设备都是针车……一台都没联网" is no evidence about a plan
    if key == "industry" and (str(value) not in evidence or has_word(str(value), extraction_lexicon()["industry"]["vague"])):
        return None
    spec = FACTS[key]
    if spec.type in ("int", "float"):
        unit = {"人": "人", "%": "%", "万元": "元"}.get(spec.unit)
        number = read_number(evidence, unit)
        if number is None and unit == "人":  # "连总部一共两百出头": a bare number where people are counted
            bare = [q for q in find_quantities(evidence) if q.unit == ""]
            number = bare[0].value if len(bare) == 1 else None
        if number is None:
            frac = fraction_percent(evidence) if unit == "%" else None
            number = frac[0] if frac else None
        if number is None:
            return None
        value = number / 10_000 if unit == "元" else number
        value = int(round(value)) if spec.type == "int" else round(value, 2)
    else:
        value = coerce(key, value)
        if value is None:
            return None
        ruled = {f.key: f.value for f in extract_rules(evidence, turn)[0]}
        if key in ruled and ruled[key] != value:
            return None
    if not plausible(key, value):
        return None
    return Fact(key=key, value=value, evidence=evidence, turn=turn, source=FactSource.llm, confidence=0.7)


def _system_prompt() -> str:
    from advisor.llm.prompts import render
    keys = "\n".join(f"- {k}：{s.label_zh}" + (f"（{s.unit}）" if s.unit else "")
                     for k, s in FACTS.items() if s.llm and not k.startswith("pain."))
    keys += "\n- pain.<痛点>：" + "、".join(k[5:] for k in FACTS if k.startswith("pain."))
    return render("extract_system", markup={"keys": keys})


def extraction_prompt_prefix(mode: str = "narrow") -> list[tuple[str, str]]:
    """The part every extraction prompt of ``mode`` starts with, for :meth:`ChatClient.warm_up`."""
    from advisor.llm.prompts import render
    if mode == "narrow":
        return [("system", render("extract_narrow_system")),
                ("human", render("extract_narrow_user", message="", question="")[:8])]
    return [("system", _system_prompt()), ("human", render("extract_user", question="", previous="", message="")[:8])]


def extract_llm(chat, message: str, question: str, turn: int, previous: str = "") -> tuple[list[Fact], int]:
    """(facts the model found and the evidence supports, how many it proposed that were dropped)."""
    from advisor.llm.prompts import render
    out = chat.json([("system", _system_prompt()),
                     ("human", render("extract_user", question=question, previous=previous, message=message))],
                    llm_schema(), name="facts",
                    # half the budget to start (prompt processing), the whole budget to finish
                    first_token_timeout=chat.settings.llm_timeout_s / 2, total_timeout=chat.settings.llm_timeout_s)
    facts, dropped = [], 0
    for item in out.get("facts", []) if isinstance(out, dict) else []:
        fact = verify_llm_fact(str(item.get("key", "")), item.get("value"), str(item.get("evidence", "")), message, turn) \
            if isinstance(item, dict) else None
        if fact is None:
            dropped += 1
        else:
            facts.append(fact)
    return facts, dropped




# --- narrow questions: one fact at a time --------------------------------------------------------------------------
MAX_NARROW = 3  # questions per turn (each one a short call; the interview does not wait for them)
_NARROW_SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}, "evidence": {"type": "string"}},
                  "required": ["answer", "evidence"]}


@per_knowledge
def narrow_questions() -> dict[str, str]:
    path = settings_in_effect().prompts_dir / "narrow_questions.yaml"
    questions = yaml.safe_load(path.read_text("utf-8"))
    unknown = [k for k in questions if k not in FACTS]
    if unknown:
        raise ValueError(f"{path}: not fact keys: {unknown}")
    return questions


def narrow_keys(message: str, question_id: str, known) -> list[str]:
    """The keys worth asking the model about after a turn: those the question just asked was about, then those whose
    topic the message speaks of, that no reading has yet (at most :data:`MAX_NARROW`)."""
    asked = [k for k in narrow_questions() if FACTS[k].question == question_id]
    spoken = [k for k in narrow_questions() if _topic_words(k) and has_word(message, _topic_words(k))]
    return [k for k in dict.fromkeys(asked + spoken) if k not in known][:MAX_NARROW]


def extract_narrow(chat, message: str, question_id: str, turn: int, known=frozenset()) -> tuple[list[Fact], int]:
    """(facts the model found, one narrow question per key of :func:`narrow_keys`, that their evidence supports;
    how many answers were dropped). The message comes first in every prompt, so the server reuses its processing
    from one question to the next."""
    from advisor.llm.prompts import render
    system = render("extract_narrow_system")
    facts, dropped = [], 0
    for key in narrow_keys(message, question_id, known):
        out = chat.json([("system", system),
                         ("human", render("extract_narrow_user", message=message, question=narrow_questions()[key]))],
                        _NARROW_SCHEMA, name="answer",
                        first_token_timeout=chat.settings.llm_timeout_s / 2, total_timeout=chat.settings.llm_timeout_s)
        answer = str(out.get("answer", "")).strip() if isinstance(out, dict) else ""
        if not answer or answer.lower() in ("unknown", "未知", "没说", "none", "null"):
            continue
        fact = verify_llm_fact(key, answer, str(out.get("evidence", "")), message, turn)
        if fact is None:
            dropped += 1
        else:
            facts.append(fact)
    return facts, dropped
