"""Facts from an owner's free text. The message is read first (:mod:`advisor.diagnosis.reading`: clauses, modality,
negation, echoed topics); each extractor below then takes one family of facts from it, with the owner's words as
evidence and a confidence; an LLM layer adds facts the rules missed, each re-read from its evidence by the same
parsers before it is trusted. Words live in ``knowledge/lexicon/extraction.yaml``; this module holds the logic.

Example:
    >>> facts, intents = extract_rules("我们做汽车零部件，员工120人，年营收8000万，财务用金蝶，没有MES。", turn=1)
    >>> {f.key: f.value for f in facts}["employees"], {f.key: f.value for f in facts}["system.mes"]
    (120, False)
    >>> {f.key: f.value for f in extract_rules("厂里一百四十来号人，去年卖了八千多万，IT部门3个人", turn=1)[0]}
    {'employees': 140, 'digital_staff': 3, 'revenue_wan': 8000.0}
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from advisor.diagnosis.facts import FACTS, coerce, llm_schema, plausible
from advisor.diagnosis.lexicon import extraction_lexicon, find_all, find_word, has_word
from advisor.diagnosis.quantities import Quantity, find_quantities, fraction_percent, read_number
from advisor.diagnosis.reading import Clause, Message, negated, read
from advisor.diagnosis.vocabulary import Fact, FactSource, PainPointId

STRONG, BRAND, WISH = 0.9, 0.6, 0.5  # confidences: an explicit statement, a brand standing for a system, a plan


@dataclass
class Context:
    message: Message
    turn: int
    question: str = ""  # id of the question this message answers
    facts: list[Fact] | None = None
    known: frozenset[str] = frozenset()  # keys the profile already holds

    def add(self, key: str, value, evidence: str, confidence: float = STRONG, **extra) -> None:
        if not plausible(key, value):
            return
        self.facts.append(Fact(key=key, value=value, evidence=evidence.strip(), turn=self.turn,
                               source=FactSource.rules, confidence=confidence, **extra))


Extractor = Callable[[Context], None]
EXTRACTORS: list[Extractor] = []


def extractor(fn: Extractor) -> Extractor:
    EXTRACTORS.append(fn)
    return fn


def _lex() -> dict:
    return extraction_lexicon()


def _readable(clause: Clause) -> bool:
    """A statement about the enterprise as it is (not a plan, a question, a guess, or what the owner corrected)."""
    return clause.modality == "fact"


def _cue_before(text: str, end: int, words, window: int = 14) -> tuple[int, str] | None:
    """The cue word nearest before ``end`` within ``window`` characters (three times that in English)."""
    window = window * 3 if text[:end].isascii() else window
    hits = [h for h in find_all(text[max(0, end - window):end], words)]
    return (hits[-1][0], hits[-1][2]) if hits else None


# --- people -------------------------------------------------------------------------------------------------
def _person_count(q: Quantity, clause: str) -> bool:
    after = q.after(clause, 3)
    return q.unit == "人" or q.unit in ("个", "名", "") and (
        has_word(after, _lex()["people"]["person_nouns"]) or re.match(r"\s*(个)?(网管|IT|程序员|数据分析师)", after) or
        _cue_before(clause, q.start, _lex()["people"]["total"] + _lex()["people"]["digital"], 8) is not None)


def _scope(clause: Clause, q: Quantity, sentence: str) -> str:
    people = _lex()["people"]
    before = clause.text[:q.start]
    after = q.after(clause.text, 4)
    if has_word(before + after, people["digital"]):
        return "digital"
    if has_word(before, people["temporary"]):
        return "temporary"
    if q.value < 3 and not has_word(before, people["total"]):
        return "subgroup"  # "就会计一个人": one or two people named by their role are not the headcount
    if has_word(before, people["subgroup"]) or re.match(r"\s*(?:个)?(?:工人|师傅|计件工|设计师)", after) and \
            has_word(sentence, people["total"] + ["一共"]) and not has_word(before, ["一共", "总共", "共有"]):
        return "total" if has_word(before, ["一共", "总共", "加"]) else "subgroup"
    return "total"


@extractor
def people(ctx: Context) -> None:
    digital_best: tuple[float, str] | None = None
    employees_said = False
    for clause in ctx.message.clauses:
        if not _readable(clause):
            continue
        sentence = ctx.message.sentence_of(clause)
        for q in find_quantities(clause.text):
            if not _person_count(q, clause.text):
                continue
            scope = _scope(clause, q, sentence)
            if scope == "digital" and (digital_best is None or q.value > digital_best[0]):
                digital_best = (q.value, clause.text)
            elif scope == "total" and not employees_said:
                ctx.add("employees", int(round(q.value)), clause.text)
                employees_said = True
        people = _lex()["people"]
        if digital_best is None and has_word(clause.text, people["digital"]):
            if re.search(r"有(?:一)?个(?:兼职的?|专职的?|专门的?)?(?:IT|网管|程序员|管电脑)", clause.text):
                digital_best = (1, clause.text)  # "有个兼职的IT"
            elif has_word(clause.text, people["none_digital"]) and not find_quantities(clause.text):
                digital_best = (0, clause.text)
    if digital_best is not None:
        ctx.add("digital_staff", int(digital_best[0]), digital_best[1])


# --- money ----------------------------------------------------------------------------------------------------
def _money_kind(clause: Clause, q: Quantity, sentence: str) -> str | None:
    money = _lex()["money"]
    if has_word(q.after(clause.text, 2), money["not_money_after"]) and q.unit != "元":
        return None
    before = clause.text[:q.start]
    near = {kind: _cue_before(before, len(before), money[kind], 16) for kind in ("budget", "other", "revenue_strong")}
    found = {k: v for k, v in near.items() if v}
    if found:
        return max(found, key=lambda k: found[k][0])  # the nearest cue names the amount
    if has_word(sentence + clause.topic, money["budget"]) and not has_word(sentence, money["revenue_strong"]):
        return "budget"
    if has_word(sentence[: sentence.find(clause.text) + 1], money["revenue_strong"]):
        return "revenue_strong"
    if has_word(before, money["revenue_weak"]) or has_word(clause.topic, money["revenue_strong"]):
        return "revenue_weak"
    return None


@extractor
def amounts(ctx: Context) -> None:
    candidates: dict[str, list[tuple[float, str]]] = {"revenue_strong": [], "revenue_weak": [], "budget": []}
    for clause in ctx.message.clauses:
        sentence = ctx.message.sentence_of(clause)
        if clause.modality not in ("fact", "wish", "uncertain"):
            continue  # an estimate said with doubt ("大概两三个亿吧，具体得问财务") is still the owner's figure
        for q in find_quantities(clause.text):
            if q.unit not in ("元", "") or q.unit == "" and q.value < 10_000 or q.upper_bound and q.value < 10_000:
                continue
            kind = _money_kind(clause, q, sentence)
            if kind == "budget" or kind and clause.modality != "wish":
                if kind in candidates:
                    candidates[kind].append((q.wan, clause.text))
    revenue = candidates["revenue_strong"] or candidates["revenue_weak"]
    for value, evidence in revenue:  # several: a correction ("十二个亿——不对…九个亿出头"); the last one stands
        ctx.add("revenue_wan", round(value, 2), evidence)
    for value, evidence in candidates["budget"][:1]:
        ctx.add("digital_budget_wan", round(value, 2), evidence)


# --- shares -----------------------------------------------------------------------------------------------------
def _ratio(sentence: str) -> float | None:
    """"四十多台设备里就这四台" / "只有4台，共40台": a part of a whole, as a percentage."""
    eq = _lex()["equipment"]
    counts = [q for q in find_quantities(sentence) if q.unit in ("台", "个", "")]
    whole = next((q for q in counts if has_word(q.after(sentence, 6), eq["of_all"])), None)
    part = next((q for q in counts if q is not whole and _cue_before(sentence, q.start, eq["only"], 6)), None)
    if whole and part and 0 < part.value <= whole.value:
        return round(part.value / whole.value * 100, 1)
    return None


def _networking(ctx: Context, index: int) -> None:
    """The share of networked equipment said in sentence ``index``: a percentage next to the networking words, a part
    of a whole ("四十多台里就这四台"), or none at all; a remark about some workshops is not the share of all."""
    eq = _lex()["equipment"]
    sentence = ctx.message.sentence_text(index)
    clauses = [c for c in ctx.message.clauses_of(index) if c.modality in ("fact", "uncertain", "echo")]
    for n, clause in enumerate(clauses):
        if not has_word(clause.text + clause.topic, eq["networked"] + eq["none_networked"]):
            continue
        # the nearest percentage in the sentence ("Maybe 20% of the machines, …, are networked")
        nearby = [clause] if clause.topic else sorted(clauses, key=lambda c: abs(clauses.index(c) - n))
        partial = has_word(clause.text, eq["partial"]) and not has_word(clause.text, ["联网率"])
        pct = next((q for c in nearby for q in find_quantities(c.text) if q.unit == "%"), None)
        ratio = _ratio(sentence)
        evidence = sentence.strip("。.，, ")
        if pct is not None and not partial:
            ctx.add("equipment_networked_pct", pct.value, evidence)
        elif ratio is not None:
            ctx.add("equipment_networked_pct", ratio, evidence)
        elif has_word(clause.text, eq["none_networked"]) and not has_word(clause.text, eq["only"] + eq["partial"]):
            ctx.add("equipment_networked_pct", 0.0, evidence)
        else:
            continue
        return


@extractor
def shares(ctx: Context) -> None:
    lex = _lex()
    for index in range(len(ctx.message.sentences)):
        _networking(ctx, index)
    for clause in ctx.message.clauses:  # the digital budget as a share of revenue
        if _readable(clause) and has_word(clause.text, lex["money"]["budget"] + ["占营收"]):
            pct = next((q for q in find_quantities(clause.text) if q.unit == "%"), None)
            if pct is not None and not any(f.key == "digital_budget_wan" for f in ctx.facts):
                ctx.add("digital_budget_pct", pct.value, clause.text)


# --- systems --------------------------------------------------------------------------------------------------
def _system_mentions(text: str) -> list[tuple[int, int, str, float]]:
    """(start, end, system id, confidence) of every system named in ``text``: its own name, or a brand."""
    out = []
    for sid, words in _lex()["systems"].items():
        if not isinstance(words, dict):
            continue
        for strength, key in ((STRONG, "names"), (BRAND, "brands")):
            out += [(a, b, sid, strength) for a, b, _ in find_all(text, words[key])]
    # "金蝶的ERP", "SAP Business One has been our ERP": one system named twice is one mention, by its surest name
    best: dict[str, tuple[int, int, str, float]] = {}
    for hit in sorted(out):
        if hit[2] not in best or hit[3] > best[hit[2]][3]:
            best[hit[2]] = hit
    return sorted(best.values())


def _system_state(clause: Clause, sentence: str, start: int, end: int) -> bool | None:
    """True in use, False not in use, None: nothing said about ours."""
    syslex, mod = _lex()["systems"], _lex()["modality"]
    text = clause.text
    if clause.modality == "other_party" or clause.modality in ("question", "uncertain", "echo"):
        return None
    if clause.modality == "wish":
        acquire = _cue_before(text, start, syslex["acquire_verbs"], 8)
        return False if acquire or has_word(text[end:end + 6], ["还没", "没开始"]) else None
    if has_word(text[end:], syslex["is_not_a_system"]) and re.search(r"是|就是|其实", text[end:]):
        return False
    after = text[end:end + 8]
    if re.match(r"\s*(?:也|都|还|倒)?(?:没有|没上|没用|没|未上|还没)", after) or re.match(r"^\s*(?:是)?(?:没有|无)\b", after):
        return False
    if negated(text, start):
        return False
    rest = sentence[sentence.find(text) + len(text):] if text in sentence else ""
    if has_word(text[end:] + rest[:20], syslex["idle"]):
        return False
    return True


def _named_scenes(ctx: Context, clause: Clause, system: str) -> list[str] | None:
    """The scenes the owner tied a system to in its sentence: named in a clause that is not negated ("财务在用" yes;
    "采购、仓库都不往里录" no: the scenes it serves less those). None when no scene is named either way."""
    from advisor.diagnosis.assessment import scene_systems, scene_words
    said, denied = [], []
    manual = _lex()["booleans"]["manual_records"]
    for other in ctx.message.clauses_of(clause.sentence):
        if other is not clause and (has_word(other.text, manual["affirm"] + manual["media"]) or
                                    _system_mentions(other.text)):
            continue  # "订单都在微信群里接": that scene is on WeChat, not in the system
        negative = re.search(r"不|没|未|never|not|n't", other.text) and other is not clause
        for scene, words in scene_words().items():
            if has_word(other.text, words):
                (denied if negative else said).append(scene)
    if said:
        return list(dict.fromkeys(said))
    if denied:
        return [scene for scene, systems in scene_systems().items() if system in systems and scene not in denied]
    return None


@extractor
def systems(ctx: Context) -> None:
    for clause in ctx.message.clauses:
        sentence = ctx.message.sentence_of(clause)
        for start, end, sid, strength in _system_mentions(clause.text):
            state = _system_state(clause, sentence, start, end)
            if state is None:
                continue
            confidence = WISH if clause.modality == "wish" else strength
            scenes = _named_scenes(ctx, clause, sid) if state else None
            ctx.add(f"system.{sid}", state, clause.text, confidence + (0.05 if clause.correction else 0),
                    scenes=scenes)


# --- yes/no facts --------------------------------------------------------------------------------------------
def _polarity(clause: Clause, words: dict[str, list[str]]) -> bool | None:
    yes, no = find_word(clause.text, words["affirm"]), find_word(clause.text, words["deny"])
    if no and (not yes or no[0] <= yes[0] or yes[1] in no[1]):
        return False
    if yes:
        return not negated(clause.text, yes[0])
    return None


@extractor
def booleans(ctx: Context) -> None:
    lex = _lex()["booleans"]
    for clause in ctx.message.clauses:
        if not _readable(clause):
            continue
        for key in ("leadership", "integration", "manual_records"):
            value = _polarity(clause, lex[key])
            if value is not None:
                ctx.add(key, value, clause.text)
        sentence = ctx.message.sentence_of(clause)
        rekey = find_word(clause.text, lex["integration"]["rekey"])
        if rekey and not negated(clause.text, rekey[0]) and _system_mentions(sentence):
            ctx.add("integration", False, clause.text)  # "再手工录一遍进U8": re-keying into a named system
        media = find_word(clause.text, lex["manual_records"]["media"])
        if media and (media[0] == 0 or _cue_before(clause.text, media[0], lex["manual_records"]["media_use"], 4)) and \
                not negated(clause.text, media[0]):
            ctx.add("manual_records", True, clause.text)
    _plan(ctx, lex["has_plan"])


def _plan(ctx: Context, words: dict[str, list[str]]) -> None:
    for clause in ctx.message.clauses:
        subject = clause.text + clause.topic
        hit = find_word(subject, words["cue"])
        if hit is None or clause.modality != "fact" or has_word(clause.text, ["计划员", "生产计划"]):
            continue
        said_no = negated(clause.text, hit[0]) if hit[0] < len(clause.text) else False
        said_no = said_no or has_word(clause.text[hit[0]:] if hit[0] < len(clause.text) else clause.text, words["deny"])
        ctx.add("has_plan", not said_no, clause.text)
        return


@extractor
def security(ctx: Context) -> None:
    measures: list[str] = []
    evidence: list[str] = []
    for clause in ctx.message.clauses:
        if not _readable(clause):
            continue
        for measure, words in _lex()["security"].items():
            hit = find_word(clause.text, words)
            if hit is None or measure in measures:
                continue
            after = clause.text[hit[0]:]
            if negated(clause.text, hit[0]) or re.search(r"没做|没有做|没(?!有)|未做|haven't|not done|no ", after[:12]):
                continue
            measures.append(measure)
            evidence.append(clause.text)
    if measures:
        ctx.add("security_measures", measures, "；".join(dict.fromkeys(evidence)))


@extractor
def trends(ctx: Context) -> None:
    lex = _lex()["trends"]
    for clause in ctx.message.clauses:
        if not _readable(clause):
            continue
        for key in ("quality_trend", "energy_trend", "revenue_trend"):
            if has_word(clause.text, lex[key]):
                for direction in ("up", "down", "flat"):
                    if has_word(clause.text, lex[direction]):
                        ctx.add(key, direction, clause.text, 0.7)
                        break


@extractor
def goals(ctx: Context) -> None:
    for clause in ctx.message.clauses:
        if clause.modality == "wish" and has_word(clause.text, _lex()["ai_goal"]):
            ctx.add("goal.ai", True, clause.text)


# --- industry -------------------------------------------------------------------------------------------------
_INDUSTRY_ZH = [
    re.compile(r"(?:我们|我|公司|厂里|本厂)(?:就|主要)?(?:是|在)?[^，。,]{0,8}?(?:做|生产|搞|干|经营)(?P<obj>[^，。,；;]{2,16}?)(?:的|生意|为主|，|。|,|$)"),
    re.compile(r"(?:我们|我)(?:就)?是(?:[^，。,]{0,8}?的)?(?P<obj>[^，。,的]{2,12}(?:厂|店|院|公司|商|连锁|企业|工厂|酒店))"),
    re.compile(r"(?:开了?家|一家)(?P<obj>[^，。,]{2,14}(?:厂|店|院|公司|商|连锁|企业|工厂|酒店))"),
    re.compile(r"(?:^|。)(?:主要)?(?:是)?做(?P<obj>[^，。,；;的]{2,16})"),
]
_INDUSTRY_EN = [re.compile(r"\bwe (?:make|produce|manufacture|sell|run)\s+(?P<obj>[a-z][a-z\s-]{2,40}?)(?:\s+in\b|[,.:;。]|$)", re.I),
                re.compile(r"\bwe(?:'re| are) an? (?P<obj>[a-z][a-z\s-]{2,40}?(?:factory|company|firm|maker|shop|business))",
                           re.I)]


@extractor
def industry(ctx: Context) -> None:
    if "industry" in ctx.known:
        return
    vague = _lex()["industry"]["vague"]
    text = "。".join(c.text for c in ctx.message.clauses if c.modality == "fact")
    for pattern in _INDUSTRY_ZH + _INDUSTRY_EN:
        m = pattern.search(text)
        if m and not has_word(m.group("obj"), vague):
            obj = re.sub(r"^(?:一家|一个|些|点)", "", m.group("obj").strip())
            if re.match(r"[了过好完着]", obj):
                continue  # "做了等保": a verb's aspect, not a trade
            if obj and obj not in vague and not any(obj.endswith(v) and len(obj) <= len(v) + 1 for v in vague):
                ctx.add("industry", obj, m.group(0).strip("，。,"))
                return
    short = ctx.message.text.strip().strip("。.！!")
    if ctx.question == "basics" and 2 <= len(short) <= 8 and not find_quantities(short) and \
            not has_word(short, _lex()["modality"]["skip"] + vague):
        ctx.add("industry", short, short, 0.7)  # "饰品外贸。" answering "what do you do?"


# --- pain points ----------------------------------------------------------------------------------------------
@extractor
def pains(ctx: Context) -> None:
    lex = _lex()
    for clause in ctx.message.clauses:
        if clause.modality in ("question", "other_party"):
            continue
        sentence = ctx.message.sentence_of(clause)
        for pain, words in lex["pain_points"].items():
            hit = find_word(clause.text, words)
            if hit is None:
                continue
            if pain == "security" and not has_word(clause.text, ["中毒", "病毒", "勒索", "黑客", "泄露", "拷走", "插U盘",
                                                                 "没备份", "没有备份", "丢", "没管控", "没分权限", "hacked",
                                                                 "ransom", "leak"]):
                continue
            severity = 3 if has_word(sentence, lex["severity_markers"]) else 2
            ctx.add(f"pain.{pain}", severity, clause.text)


def _derived(ctx: Context) -> None:
    """Facts that are pain points as well (paper records; systems that do not share data)."""
    for fact in list(ctx.facts):
        if fact.key == "manual_records" and fact.value:
            ctx.add(f"pain.{PainPointId.manual_records.value}", 2, fact.evidence)
        if fact.key == "integration" and fact.value is False:
            ctx.add(f"pain.{PainPointId.data_silos.value}", 2, fact.evidence)
        if fact.key == "digital_staff" and fact.value == 0:
            ctx.add(f"pain.{PainPointId.talent_shortage.value}", 2, fact.evidence)  # nobody to run digital tools
        if fact.key == "equipment_networked_pct" and fact.value >= 60:
            ctx.add("system.iot", True, fact.evidence, BRAND)  # most equipment networked: its data is collected


def intents_of(text: str) -> set[str]:
    mod = _lex()["modality"]
    intents: set[str] = set()
    short = len(text) <= 24
    if short and has_word(text, mod["finish"]):
        intents.add("finish")
    if short and has_word(text, mod["skip"]):
        intents.add("skip")
    if has_word(text[:16], mod["correction"]):
        intents.add("correction")
    message = read(text)
    if any(c.modality == "question" and has_word(message.sentence_of(c), mod["addressed_to_us"] + ["吗", "?", "？"])
           for c in message.clauses):
        intents.add("question")
    return intents


def extract_rules(message: str, turn: int, question: str = "", known=frozenset()) -> tuple[list[Fact], set[str]]:
    """(facts, intents) where intents ⊆ {skip, correction, finish, question}; ``known``: keys already in the
    profile (the trade is taken from the owner's first description of it)."""
    text = message.strip()
    ctx = Context(message=read(text), turn=turn, question=question, facts=[], known=frozenset(known))
    for run in EXTRACTORS:
        run(ctx)
    _derived(ctx)
    return ctx.facts, intents_of(text)


# --- the LLM layer -------------------------------------------------------------------------------------------
MIN_EVIDENCE_CHARS = 4


def verify_llm_fact(key: str, value, evidence: str, message: str, turn: int) -> Fact | None:
    """A model's fact held to its evidence: the evidence is a real span of the message (at least a few characters),
    a number is re-read from it by the same parser as the rules, a yes/no fact must not contradict what the rules
    read from the same words. Anything else is dropped."""
    evidence = (evidence or "").strip()
    if key not in FACTS or len(evidence) < MIN_EVIDENCE_CHARS or evidence not in message:
        return None
    spec = FACTS[key]
    if spec.type in ("int", "float"):
        unit = {"人": "人", "%": "%", "万元": "元"}.get(spec.unit)
        number = read_number(evidence, unit)
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


def extraction_prompt_prefix() -> list[tuple[str, str]]:
    """The part every extraction prompt starts with, for :meth:`ChatClient.warm_up`."""
    from advisor.llm.prompts import render
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


def iter_extractors() -> Iterator[str]:
    return (fn.__name__ for fn in EXTRACTORS)
