"""Money and shares: revenue and digital budget (by each amount's frame), budget share, networked equipment share (read
by :mod:`networking`)."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import Context, _cue_before, _lex, extractor
from advisor.diagnosis.extractors.networking import _networking, _said_whole, _share_in
from advisor.diagnosis.lexicon import find_word, has_word, system_names
from advisor.diagnosis.quantities import Quantity, find_quantities
from advisor.diagnosis.reading import Clause, Message, answer_polarity, first_answer, skips, spoken_length


# --- money ----------------------------------------------------------------------------------------------------
def _money_kind(clause: Clause, q: Quantity, sentence: str) -> str | None:
    money = _lex()["money"]
    if has_word(q.after(clause.text, 2), money["not_money_after"]) and q.unit != "元":
        return None
    before = clause.text[:q.start]
    named_after = q.after(clause.text, 8) if re.match(r"\s*(?:(?:那|这)?(?:是|算|都是)|的)", q.after(clause.text, 3)) \
        else q.after(clause.text, 3)  # "五个亿那是合同额", "八千万元的设备投资"
    if has_word(named_after, money["other"]) and not has_word(named_after, money["qualifiers"]):
        return "other"  # "还了两百万贷款", "五个亿那是合同额": named right after the amount (not "一个亿含税")
    if has_word(before, money["of_others"]) and not has_word(before, _lex()["modality"]["ours"]):
        return "other"  # "集团整体营收为38亿元": another body's turnover
    kinds = ("budget", "other", "revenue_strong")
    found = {k: v for k in kinds if (v := _cue_before(before, len(before), money[k], 16))}
    purpose = q.after(clause.text, 16)
    if not found and has_word(purpose[:10], money["budget_topic"]) and \
            not has_word(purpose, money["other"] + money["revenue_strong"] + money["not_spent"]):
        return "budget"  # "一年产值八千万，今年老板批了五十万专门搞数字化": what it is for, said right after it (not
        # "其中五百万是数字化服务收入", "三十万数字化补贴到账了")
    offset = sentence.find(clause.text)
    if not found and offset > 0:
        # a clause with no frame of its own takes the nearest one before it ("利润薄，也就五六百万" is a profit); one
        # that says only "一年" takes a budget said before it ("信息化投入很少，一年也就五十万")
        lead = sentence[:offset + q.start]
        weak = has_word(before, money["revenue_weak"])
        cues = {k: money[k] + (money["budget_topic"] if weak and k == "budget" else []) for k in kinds}
        found = {k: v for k in kinds if (v := _cue_before(lead, len(lead), cues[k], 16))}
        if "revenue_strong" in found and re.search(re.escape(found["revenue_strong"][1]) + _SHARE_OF, lead[-48:]):
            found.pop("revenue_strong")  # "拿营业额的百分之一，差不多七十万": a share of the revenue is not the revenue
        if found and weak and max(found, key=lambda k: found[k][0]) != "budget":
            found = {}
    if has_word(q.after(clause.text, 6), money["budget_after"]) or \
            _cue_before(before, len(before), money["offer_if"], 8) and has_word(q.after(clause.text, 3), money["offer_buys"]) \
            and not has_word(clause.text, money["revenue_strong"] + money["sales_reached"]):
        return "budget"  # "拿三十万出来"; "要是一年万把块钱能把批次管起来": what a sum would buy is what they would pay
    if found:
        return max(found, key=lambda k: found[k][0])  # the nearest cue names the amount
    if has_word(sentence + clause.topic, money["budget"]) and not has_word(sentence, money["revenue_strong"]):
        return "budget"
    if has_word(sentence[: sentence.find(clause.text) + 1], money["revenue_strong"]) and not re.search(
            rf"(?:{'|'.join(map(re.escape, money['revenue_strong']))}){_SHARE_OF}", sentence):
        return "revenue_strong"
    if has_word(sentence + clause.topic, money["budget_topic"]) or _spent_on_systems(clause, q, sentence):
        return "budget"
    if _cue_before(before, len(before), money["handed_to"], 6) and not has_word(sentence, money["sold_to"]):
        return None
    if has_word(before, money["revenue_weak"]) or has_word(clause.topic, money["revenue_strong"]):
        return "revenue_weak"
    return None


def _wan_unsaid(clause: Clause, q: Quantity) -> bool:
    """"去年开票六千二", "流水加起来四千出头": a turnover said in 万 without the word, a bare hundreds-or-thousands number
    right after a word of turnover; not a day's, a month's or an order's, not a team counted ("销售团队两百"), not
    pieces or tonnes, not another body's ("集团开票六千多")."""
    money = _lex()["money"]
    cue = _cue_before(clause.text, q.start, money["revenue_strong"], 10)
    if q.unit != "" or not 100 <= q.value < 10_000 or q.text.isascii() or cue is None:
        return False
    said = clause.text[max(0, q.start - 10) + cue[0]:q.start] + q.after(clause.text, 3)
    return not has_word(said, money["other"] + money["not_money_after"] + money["not_wan"]) and \
        not has_word(clause.text[:q.start], money["of_others"] + money["per_period"])


# what an SME's systems cost a year stays below this (万元): a larger amount said beside a system is the turnover
_SPEND_CEILING_WAN = 100


def _spent_on_systems(clause: Clause, q: Quantity, sentence: str) -> bool:
    """"用友和钉钉，一年加起来十二三万": a small amount said beside systems in use is what they cost, the digital spend;
    "有ERP，一年一个亿出头" is the turnover, and a system dropped ("试用过……停了") or only priced costs nothing now."""
    return bool(system_names(sentence)) and q.wan <= _SPEND_CEILING_WAN and \
        not has_word(sentence, _lex()["systems"]["idle"] + _lex()["systems"]["choosing"])


_SHARE_OF = r"的?(?:百分之|千分之|[\d.]+%|[一二三四五六七八九]成|[\d一二三四五六七八九十两]+个点)"


def _money_total(q: Quantity, clause: Clause, sentence: str) -> float | None:
    """A bare number after a summing word, said after amounts of money in the same sentence, is their total in the
    parts' magnitude ("工厂两千万，门店五六百万，加起来两千六" → 2600 万): the value in 万, or None."""
    if q.unit != "" or _cue_before(clause.text, q.start, _lex()["people"]["sum"], 6) is None:
        return None
    offset = sentence.find(clause.text)
    parts = [p.wan for p in find_quantities(sentence[:max(offset, 0)] + clause.text[:q.start]) if p.unit == "元"]
    for scale in (1, 10_000):  # in 万 ("两千六"), or in 亿 ("一共一点二")
        if parts and max(parts) <= q.value * scale <= 10 * sum(parts):
            return q.value * scale
    return None


def _one_sum(text: str, q: Quantity) -> bool:
    """A measure word of one sum shortly before the amount, in its clause ("一笔八十万", "一单大概就是二三十万")."""
    before = text[max(0, q.start - 8):q.start]
    found = find_word(before, _lex()["money"]["one_sum"])
    return found is not None and not re.search(r"[，,。；;]", before[found[0]:])


def _money_sentence(message: Message, clause: Clause) -> str:
    """The sentence an amount is read in, with an amount the owner asked themselves just before it ("营业额……一个亿？
    没有没有，七八千万"): the answer they give themselves takes the question's frame."""
    sentence = message.sentence_of(clause)
    if clause.sentence > 0:
        asked = message.sentence_text(clause.sentence - 1)
        if asked.rstrip().endswith(("？", "?")) and any(q.unit == "元" for q in find_quantities(asked)):
            return asked + sentence
    return sentence


# an amount said with no word for what it is answers the question asked ("不对，是五千万" after "年营收约5亿，对吗？")
_ASKED_FOR = {"budget": "budget", "basics": "revenue_weak", "confirm:revenue_wan": "revenue_weak"}


@extractor
def amounts(ctx: Context) -> None:
    candidates: dict[str, list[tuple[float, str]]] = {"revenue_strong": [], "revenue_weak": [], "revenue_peak": [],
                                                      "budget": []}
    last_kind = taken_back = None  # what the last amount was; what a correction since then took back
    revisions: set[str] = set()
    for clause in ctx.message.clauses:
        sentence = _money_sentence(ctx.message, clause)
        if clause.modality not in ("fact", "wish", "uncertain"):
            continue  # an estimate said with doubt ("大概两三个亿吧，具体得问财务") is still the owner's figure
        amounts_said = find_quantities(clause.text)
        for q in amounts_said:
            total = _money_total(q, clause, sentence)
            if total is not None and clause.modality == "fact":
                kinds = [kind for kind, found in candidates.items() if found and found[-1][1] in sentence]
                if kinds == ["budget"]:
                    candidates["budget"].insert(0, (total, clause.text))  # the total before its parts
                else:
                    candidates["revenue_strong"].append((total, clause.text))  # said last, it stands
                continue
            in_wan = _wan_unsaid(clause, q)
            if not in_wan and (q.unit not in ("元", "") or q.unit == "" and q.value < 10_000 or
                               q.upper_bound and q.value < 10_000 or q.value < 100):
                continue  # under a hundred yuan is no firm's money: "一块外接硬盘", "这一块" count pieces
            kind = "revenue_strong" if in_wan else _money_kind(clause, q, sentence)
            if kind is None and taken_back is not None:
                kind = taken_back  # "预算三百万……不对，那是总部的。我们这边八十万": said again, of what was taken back
                revisions.add(clause.text)
            taken_back = None  # only the first amount after a correction restates what it took back
            if kind in (None, "revenue_weak") and ctx.question in _ASKED_FOR:
                kind = _ASKED_FOR[ctx.question]  # no frame, or only "一年": the answer to what was asked
            if kind == "revenue_weak" and "revenue_wan" in ctx.known and not clause.correction and \
                    ctx.question not in _ASKED_FOR:
                continue  # "一年十五到二十万" after the turnover was said, unasked: a sum with only a year to it does not
                # replace it (asked again, "一年五千万左右" does)
            if kind and kind.startswith(("revenue", "budget")) and _one_sum(clause.text, q):
                continue  # "一单大概二三十万", "去年有一笔八十万没收回来": one payment or order, not the year's turnover
                # nor what the year's digital work may cost
            later = clause.text[q.end:] + sentence[sentence.find(clause.text) + len(clause.text):]
            refused = find_word(later, _lex()["money"]["budget_refused"])
            if kind == "budget" and refused and not has_word(later[:refused[0]][-6:], _lex()["money"]["more"]) and \
                    not has_word(clause.text[q.end:], _lex()["money"]["accepted"]):
                continue  # "几十万舍不得": the sum they will not spend ("五六万可以，太多了拿不出" is a ceiling)
            if kind == "budget" and _turned_down(ctx.message, clause, q):
                continue  # "报的二十万方案被砍了": asked for, not granted
            if kind and kind.startswith("revenue") and _cue_before(clause.text, q.start, _lex()["money"]["peak"], 12):
                kind = "revenue_peak"  # "好的时候能到两千万": a good year's figure, the turnover only if none other is said
            if kind == "budget" or kind and clause.modality != "wish":
                if kind in candidates:
                    candidates[kind].append((q.value if in_wan else q.wan, clause.text))
                    last_kind = kind
        if clause.correction and last_kind is not None and \
                has_word(clause.text[amounts_said[-1].end if amounts_said else 0:], _lex()["modality"]["correction"]):
            taken_back = last_kind  # "……，不对": the next amount restates it ("不对，五十万" restated it already)
    revenue = candidates["revenue_strong"] or candidates["revenue_weak"] or candidates["revenue_peak"]
    for value, evidence in revenue:  # several: a correction ("十二个亿——不对…九个亿出头"); the last one stands
        ctx.add("revenue_wan", round(value, 2), evidence)
    budget = candidates["budget"][:1]
    corrections = {clause.text for clause in ctx.message.clauses if clause.correction}
    for later in candidates["budget"][1:]:  # "本来说三十万，后来砍到二十万", "一百万，不对，一百五": the revised amount
        if has_word(later[1], _lex()["money"]["revised"]) or later[1] in corrections | revisions:
            budget = [later]
    for value, evidence in budget:
        ctx.add("digital_budget_wan", round(value, 2), evidence)


# --- shares -----------------------------------------------------------------------------------------------------
def _turned_down(message: Message, clause: Clause, q: Quantity) -> bool:
    """The sum was asked for and turned down: said so in its clause, or in a short clause right after it ("提了三十万，
    老板没批")."""
    words = _lex()["money"]["budget_turned_down"]
    if has_word(clause.text[q.end:], words):
        return True
    after = [c for c in message.clauses_of(clause.sentence) if c.start > clause.start][:1]
    return bool(after) and len(after[0].text) <= _SHORT_CLAUSE and has_word(after[0].text, words)


_SHORT_CLAUSE = 6  # "老板没批", "被否了": longer, a clause of its own says what else was turned down


@extractor
def shares(ctx: Context) -> None:
    lex = _lex()
    for index in range(len(ctx.message.sentences)):
        _networking(ctx, index)
    first = first_answer(ctx.message)
    if ctx.question == "equipment" and first is not None and first.modality in ("fact", "uncertain") and \
            spoken_length(first.text) <= 8 and not any(f.key == "equipment_networked_pct" for f in ctx.facts):
        share = _share_in(first.text)
        if share is None and not skips(first.text):  # "没有", "全联了" (asked of makers); not "没有设备", "不清楚"
            eq, said = lex["equipment"], answer_polarity(first.text, 0)
            said = None if has_word(first.text, eq["machines"]) else said
            share = 0.0 if said is False or _said_whole(first.text, eq["answered_none"]) else \
                100.0 if _said_whole(first.text, eq["answered_all"]) else None
        if share is not None:  # "三成左右吧，……": a bare share answering what share is networked
            ctx.add("equipment_networked_pct", share, first.text)
    for clause in ctx.message.clauses:  # the digital budget as a share of revenue
        share = re.search(rf"(?:{'|'.join(lex['money']['share_of'])})的?\s*(?:大概|大约|约|差不多)?\s*(?:百分之|[\d.]+\s*[%％])"
                          rf"|[\d.]+\s*[%％]\s*of (?:our |the )?(?:revenue|sales|turnover)", clause.text, re.I)
        if share and (has_word(clause.text, lex["money"]["other"]) or
                      re.match(r"[\s零〇一二两三四五六七八九十百点\d.%％]*(?:都)?(?:来自|是|靠|属于|from|comes?)",
                               clause.text[share.end():], re.I)):
            share = None  # "利润是营收的百分之五" is a margin, "营收的百分之三十来自外贸" a part of sales
        # a budget is what they mean to spend: said of next year it is still the budget ("明年大概营收的3%")
        if clause.modality in ("fact", "wish") and (has_word(clause.text + clause.topic, lex["money"]["budget"] + ["占营收"]) or share or
                                  ctx.question == "budget" and len(ctx.message.text) <= 12 and
                                  not has_word(clause.text, lex["money"]["other"])):  # "大概百分之二。", not a margin
            pct = next((q for q in find_quantities(clause.text) if q.unit == "%"), None)
            if pct is not None and not any(f.key == "digital_budget_wan" for f in ctx.facts):
                ctx.add("digital_budget_pct", pct.value, clause.text)


