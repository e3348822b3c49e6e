"""Numbers and what they count: the headcount and the IT team, revenue and the digital budget, the share of
networked equipment."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import Context, _cue_before, _lex, _readable, extractor
from advisor.diagnosis.lexicon import has_word
from advisor.diagnosis.quantities import Quantity, find_quantities
from advisor.diagnosis.reading import Clause, short_answer


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


# an amount said with no word for what it is answers the question asked ("不对，是五千万" after "年营收约5亿，对吗？")
_ASKED_FOR = {"budget": "budget", "confirm:revenue_wan": "revenue_weak"}


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
            kind = _money_kind(clause, q, sentence) or _ASKED_FOR.get(ctx.question)
            if kind == "budget" and has_word(q.after(clause.text, 6), _lex()["money"]["budget_refused"]):
                continue  # "几十万舍不得": the sum they will not spend
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
        elif has_word(clause.text, eq["none_networked"]) and not has_word(clause.text, eq["only"] + eq["partial"]) or \
                short_answer(clause) is False:
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


