"""Numbers and what they count: the headcount and the IT team, revenue and the digital budget, the share of
networked equipment."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import Context, _cue_before, _lex, _readable, extractor
from advisor.diagnosis.lexicon import find_word, has_word
from advisor.diagnosis.quantities import Quantity, find_quantities, fraction_percent
from advisor.diagnosis.reading import Clause, negated, short_answer


# --- people -------------------------------------------------------------------------------------------------
def _person_count(q: Quantity, clause: str) -> bool:
    after = q.after(clause, 3)
    if q.unit == "" and re.search(r"[个台款套版]$", clause[:q.start]):
        return False  # "电脑就装了个360": a number after a classifier names a product, it counts nothing
    people = _lex()["people"]
    noun_before = find_word(clause[:q.start][-16:], people["person_nouns"])
    if noun_before is not None and q.unit in ("个", "名", ""):
        between = clause[:q.start][-16:][noun_before[0] + len(noun_before[1]):]
        if not between.strip() or has_word(between, people["hedges"]) and len(between.strip()) <= 8:
            return True  # "总共staff大概180个", "员工有两百": the people named, then how many
    return q.unit == "人" or q.unit in ("个", "名", "") and (
        has_word(after, _lex()["people"]["person_nouns"]) or re.match(r"\s*(个)?(网管|IT|程序员|数据分析师)", after) or
        _cue_before(clause, q.start, people["total"] + people["sum"] + people["digital"], 8) is not None)


def _scope(clause: Clause, q: Quantity, sentence: str, before_clause: str = "") -> str:
    people = _lex()["people"]
    before = clause.text[:q.start]
    after = q.after(clause.text, 4)
    if clause.text.isascii():  # "two people in IT", "3 guys on the tech team": English names the group after
        group = re.match(r"\s*[a-z]*\s*(?:in|on)\s+(?:the\s+|our\s+)?(?P<group>IT|tech|digital)"
                         r"(?: team| department)?\s*(?:[,.;]|$| and\b| plus\b)", q.after(clause.text, 40), re.I)
        after += " " + group.group("group") if group else ""
    if has_word(before + after, people["digital"]):
        return "digital"
    if _digital_topic(before_clause) and not has_word(clause.text, people["firm_wide"]):
        return "digital"  # "咱这IT部门啊，连我在内仨人", "We have a small digital team, four people"
    if has_word(before, people["temporary"]):
        return "temporary"
    part = _cue_before(clause.text, q.start, people["part_of"], 6)
    if part is not None and not has_word(clause.text[part[0]:q.start], people["sum"]):
        return "subgroup"  # "eighteen people including the two partners": a part named inside the total
    if q.value < 3 and not has_word(before, people["total"]):
        return "subgroup"  # "就会计一个人": one or two people named by their role are not the headcount
    if has_word(before, people["subgroup"]) or re.match(r"\s*(?:个)?(?:工人|师傅|计件工|设计师)", after) and \
            has_word(sentence, people["total"] + ["一共"]) and not has_word(before, ["一共", "总共", "共有"]):
        return "total" if has_word(before, ["一共", "总共", "加"]) else "subgroup"
    return "total"


def _digital_topic(text: str) -> bool:
    """A short clause that only names the IT people, said as the topic of the count that follows."""
    people = _lex()["people"]
    limit = 40 if text.isascii() else 10
    return 0 < len(text) <= limit and has_word(text, people["digital"]) and has_word(text, people["digital_group"]) \
        and not find_quantities(text) and not has_word(text, people["outsider"])


def _bare_total(q: Quantity, clause: Clause, counted: list[Quantity], before_clause: str) -> bool:
    """"每班二十来人，加上管理层十来个，大概七十" / "so 26 on the payroll": a bare number said after people were counted,
    with a word that sums or rounds them (here or in the clause before), at least as large as each of them and not
    absurdly larger (then it counts something else: "加起来两千六" is money), is their total; so is a bare number
    followed by a summing word ("26 on the payroll")."""
    people = _lex()["people"]
    if q.unit not in ("", "个"):
        return False
    if has_word(q.after(clause.text, 16), ["on the payroll", "in total", "altogether", "in all"]):
        return True
    before = (before_clause + "，" + clause.text[:q.start])[-12:]
    return bool(counted) and max(c.value for c in counted) <= q.value <= 10 * max(c.value for c in counted) and \
        has_word(before, people["sum"] + ["大概", "差不多", "大约", "约", "about", "around"])


@extractor
def people(ctx: Context) -> None:
    digital_best: tuple[float, str] | None = None
    totals: list[tuple[int, int, str]] = []  # (strength, value, evidence): a said total beats a plain count
    counted: list[Quantity] = []  # every count of people so far
    corrected: list[Quantity] = []  # people counted in a clause just taken back ("六十个人，不对，……")
    corrected_digital = False  # and they were the IT people
    previous: Clause | None = None

    def counts_people(q: Quantity, clause: Clause) -> bool:
        return _person_count(q, clause.text) or _people_topic(ctx, clause) and _nothing_else_counted(clause.text, q)

    for clause in ctx.message.clauses:
        if clause.modality == "corrected":
            taken_back = [q for q in find_quantities(clause.text) if counts_people(q, clause)]
            corrected = taken_back or corrected
            if taken_back:  # "IT两个人，不对，三个": the new count is of the group the old one counted
                corrected_digital = any(_scope(clause, q, ctx.message.sentence_of(clause)) == "digital"
                                        for q in taken_back)
        if not _readable(clause):
            continue
        sentence = ctx.message.sentence_of(clause)
        # a bare count right at the end of a correction of a headcount ("……刚才说错了，是八十个")
        corrects = bool(corrected) and clause.correction or bool(corrected) and len(clause.text) <= 8
        before_clause = previous.text if previous is not None and previous.sentence == clause.sentence else ""
        for q in find_quantities(clause.text):
            if _money_total(q, clause, sentence) is not None:
                continue  # "……五六百万，加起来两千六": money summed, not people
            if _cue_before(clause.text, q.start, _lex()["people"]["change"], 4) is not None and \
                    _scope(clause, q, sentence, before_clause) != "digital" and not has_word(clause.text, _lex()["people"]["sum"]):
                continue  # "上个月又招了十个": how many came or left, not how many there are ("招了一个IT" is the IT)
            if not counts_people(q, clause):
                if corrects and q.unit in ("", "个") and not q.after(clause.text, 1).strip("。.，,吧啊了"):
                    if corrected_digital:
                        digital_best = (q.value, clause.text)
                    else:
                        totals.append((3, int(round(q.value)), clause.text))  # "六十个人，不对，是八十个"
                elif _bare_total(q, clause, counted, before_clause):
                    totals.append((2, int(round(q.value)), clause.text))
                    counted.append(q)
                continue
            scope = _scope(clause, q, sentence, before_clause)
            if scope == "digital" and not has_word(clause.text, _lex()["people"]["outsider"]):
                nobody = q.value == 1 and has_word(clause.text[q.start:q.end + 6], _lex()["people"]["nobody"])
                digital_best = (0 if nobody else q.value, clause.text)  # the last said stands; "一个都找不到" is none
            elif scope == "total":
                # a summing word just before, in this clause or the one before ("全部算上的话……三百二十几个")
                strength = 2 if has_word(clause.text[:q.start][-10:], _lex()["people"]["sum"]) or \
                    q.start == 0 and has_word(before_clause[-8:], _lex()["people"]["sum"]) else 1
                totals.append((strength, int(round(q.value)), clause.text))
            counted.append(q)
        corrected = corrected if clause.correction or not find_quantities(clause.text) else []
        previous = clause
        people = _lex()["people"]
        if digital_best is None and has_word(clause.text, people["digital"]):
            if re.search(r"有(?:一)?个(?:兼职的?|专职的?|专门的?)?(?:IT|网管|程序员|管电脑)", clause.text):
                digital_best = (1, clause.text)  # "有个兼职的IT"
            elif has_word(clause.text, people["none_digital"]) and not find_quantities(clause.text):
                digital_best = (0, clause.text)
        elif digital_best is None and has_word(clause.topic, people["digital"]) and \
                has_word(clause.text, people["tend_verbs"]) and not has_word(clause.text, people["outsider"]) and \
                not negated(clause.text, find_word(clause.text, people["tend_verbs"])[0]):
            digital_best = (1, f"{clause.topic}？{clause.text}")  # "IT？前台小王兼着"
        elif digital_best is None and has_word(before_clause, people["digital"]) and \
                has_word(before_clause, people["outsider"]) and \
                has_word(clause.text, people["nobody"]) and not find_quantities(clause.text):
            digital_best = (0, f"{before_clause}，{clause.text}")  # "IT外包给一家公司，我们自己没人"
        elif digital_best is None and has_word(clause.topic, people["digital"]) and \
                (not find_quantities(clause.text) or has_word(clause.text, people["nobody"])) \
                and (short_answer(clause) is False or has_word(clause.text, people["nobody"])):
            digital_best = (0, f"{clause.topic}？{clause.text}")  # "IT？没有。", "懂电脑的人？一个都没有"
    if digital_best is None:
        digital_best = _tended(ctx) or _asked_staff(ctx)
    if not totals and ctx.question == "basics" and len(ctx.message.text) <= 12:
        counts = [q for q in find_quantities(ctx.message.text) if q.unit in ("个", "人", "")]
        if len(counts) == 1 and counts[0].value >= 1 and _nothing_else_counted(ctx.message.text, counts[0]):
            # "八十来个。" answering how many people ("两个厂区。" counts something else)
            totals.append((1, int(round(counts[0].value)), ctx.message.text))
    if totals:
        strength = max(t[0] for t in totals)
        _, value, evidence = [t for t in totals if t[0] == strength][-1]  # the last said of the surest kind
        ctx.add("employees", value, evidence, 0.9 + 0.02 * strength)
    if digital_best is not None:
        ctx.add("digital_staff", int(digital_best[0]), digital_best[1])


def _people_topic(ctx: Context, clause: Clause) -> bool:
    """Whether the sentence is about people before it counts anything: its first clause names people and no number
    ("人不多，四十五个", "全厂连老师傅算进去，差不多一百五"), or people were the echoed topic ("人？一百零几个")."""
    first = ctx.message.clauses_of(clause.sentence)[0]
    nouns = _lex()["people"]["person_nouns"]
    return has_word(clause.topic, nouns) or first is not clause and has_word(first.text, nouns) and \
        not find_quantities(first.text)


def _tended(ctx: Context) -> tuple[float, str] | None:
    """Someone of the firm who looks after the computers ("电脑那块有个小伙子在弄", "my mom handles the computers"):
    one person, or the number counted in that clause; nobody when the tending is denied ("电脑没人管")."""
    people = _lex()["people"]
    for clause in ctx.message.clauses:
        if not _readable(clause) or has_word(clause.text, people["outsider"]):
            continue
        verb, tended = find_word(clause.text, people["tend_verbs"]), find_word(clause.text, people["tended"])
        if verb is None or tended is None:
            continue
        if negated(clause.text, verb[0]):
            return 0, clause.text
        counted = [q.value for q in find_quantities(clause.text) if _person_count(q, clause.text)]
        return (counted[0] if counted else 1), clause.text
    return None


def _asked_staff(ctx: Context) -> tuple[float, str] | None:
    """A bare answer to "do you have IT staff?": a count ("两个。", "兼职的有一个"), or nobody ("一个都没有", "None")."""
    text = ctx.message.text.strip()
    if ctx.question != "talent" or len(text) > 12 or has_word(text, _lex()["people"]["outsider"]):
        return None  # "外包公司派两个人": not the firm's own
    counts = [q for q in find_quantities(text) if q.unit in ("个", "人", "名", "")]
    if counts and not negated(text, counts[0].start, 3) and _nothing_else_counted(text, counts[0]):
        return counts[0].value, text
    clause = ctx.message.clauses[0] if ctx.message.clauses else None
    if clause is not None and (short_answer(clause) is False or has_word(text, _lex()["people"]["nobody"])):
        return 0, text
    return None


def _nothing_else_counted(text: str, q: Quantity) -> bool:
    """A bare count counts people: nothing but people words, hedges and particles around it ("八十来个吧", "兼职的有一个"),
    not "两个厂区"."""
    rest = text[:q.start] + text[q.end:]
    for word in _lex()["people"]["sum"] + _lex()["people"]["summed_in"]:  # "连我一起十三个": the speaker summed in
        rest = rest.replace(word, "") if not word.isascii() else rest
    return re.fullmatch(r"[\s大概约差不多左右来多出头个号人名吧啊呢的有兼职专职就只。.！!,，~]*", rest) is not None


# --- money ----------------------------------------------------------------------------------------------------
def _money_kind(clause: Clause, q: Quantity, sentence: str) -> str | None:
    money = _lex()["money"]
    if has_word(q.after(clause.text, 2), money["not_money_after"]) and q.unit != "元":
        return None
    before = clause.text[:q.start]
    named_after = q.after(clause.text, 8) if re.match(r"\s*(?:那|这)?(?:是|算|都是)", q.after(clause.text, 3)) else \
        q.after(clause.text, 3)
    if has_word(named_after, money["other"]) and not has_word(named_after, money["qualifiers"]):
        return "other"  # "还了两百万贷款", "五个亿那是合同额": named right after the amount (not "一个亿含税")
    kinds = ("budget", "other", "revenue_strong")
    found = {k: v for k in kinds if (v := _cue_before(before, len(before), money[k], 16))}
    offset = sentence.find(clause.text)
    if not found and offset > 0:
        # a clause with no frame of its own takes the nearest one before it ("利润薄，也就五六百万" is a profit); one
        # that says only "一年" takes a budget said before it ("信息化投入很少，一年也就五十万")
        lead = sentence[:offset + q.start]
        weak = has_word(before, money["revenue_weak"])
        cues = {k: money[k] + (money["budget_topic"] if weak and k == "budget" else []) for k in kinds}
        found = {k: v for k in kinds if (v := _cue_before(lead, len(lead), cues[k], 16))}
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
    if has_word(sentence[: sentence.find(clause.text) + 1], money["revenue_strong"]):
        return "revenue_strong"
    if has_word(sentence + clause.topic, money["budget_topic"]):
        return "budget"
    if has_word(before, money["revenue_weak"]) or has_word(clause.topic, money["revenue_strong"]):
        return "revenue_weak"
    return None


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


# an amount said with no word for what it is answers the question asked ("不对，是五千万" after "年营收约5亿，对吗？")
_ASKED_FOR = {"budget": "budget", "basics": "revenue_weak", "confirm:revenue_wan": "revenue_weak"}


@extractor
def amounts(ctx: Context) -> None:
    candidates: dict[str, list[tuple[float, str]]] = {"revenue_strong": [], "revenue_weak": [], "budget": []}
    for clause in ctx.message.clauses:
        sentence = ctx.message.sentence_of(clause)
        if clause.modality not in ("fact", "wish", "uncertain"):
            continue  # an estimate said with doubt ("大概两三个亿吧，具体得问财务") is still the owner's figure
        for q in find_quantities(clause.text):
            total = _money_total(q, clause, sentence)
            if total is not None and clause.modality == "fact":
                kinds = [kind for kind, found in candidates.items() if found and found[-1][1] in sentence]
                if kinds == ["budget"]:
                    candidates["budget"].insert(0, (total, clause.text))  # the total before its parts
                else:
                    candidates["revenue_strong"].append((total, clause.text))  # said last, it stands
                continue
            if q.unit not in ("元", "") or q.unit == "" and q.value < 10_000 or q.upper_bound and q.value < 10_000:
                continue
            kind = _money_kind(clause, q, sentence)
            if kind in (None, "revenue_weak") and ctx.question in _ASKED_FOR:
                kind = _ASKED_FOR[ctx.question]  # no frame, or only "一年": the answer to what was asked
            later = clause.text[q.end:] + sentence[sentence.find(clause.text) + len(clause.text):]
            refused = find_word(later, _lex()["money"]["budget_refused"])
            if kind == "budget" and refused and not has_word(later[:refused[0]][-6:], _lex()["money"]["more"]) and \
                    not has_word(clause.text[q.end:], _lex()["money"]["accepted"]):
                continue  # "几十万舍不得": the sum they will not spend ("五六万可以，太多了拿不出" is a ceiling)
            if kind == "budget" or kind and clause.modality != "wish":
                if kind in candidates:
                    candidates[kind].append((q.wan, clause.text))
    revenue = candidates["revenue_strong"] or candidates["revenue_weak"]
    for value, evidence in revenue:  # several: a correction ("十二个亿——不对…九个亿出头"); the last one stands
        ctx.add("revenue_wan", round(value, 2), evidence)
    budget = candidates["budget"][:1]
    corrections = {clause.text for clause in ctx.message.clauses if clause.correction}
    for later in candidates["budget"][1:]:  # "本来说三十万，后来砍到二十万", "一百万，不对，一百五": the revised amount
        if has_word(later[1], _lex()["money"]["revised"]) or later[1] in corrections:
            budget = [later]
    for value, evidence in budget:
        ctx.add("digital_budget_wan", round(value, 2), evidence)


# --- shares -----------------------------------------------------------------------------------------------------
def _counts(text: str) -> list[Quantity]:
    """Counted things (台, 条, 套, 个 or bare numbers), not people, money or shares."""
    return [q for q in find_quantities(text) if q.unit in ("台", "个", "套", "") and q.value < 10_000]


def _ratio(sentence: str, clause: Clause) -> float | None:
    """A part of a whole, as a percentage: the count said with the networking words ("联了二十四台", "联网的八台",
    "就这四台") against the largest other count of the sentence ("冲床三十台", "四十多台里")."""
    eq = _lex()["equipment"]
    counts = _counts(sentence)
    offset = sentence.find(clause.text)
    said = [q for q in _counts(clause.text)]
    if said and offset >= 0:
        part, part_start = said[-1], offset + said[-1].start
    else:  # "四十多台设备里……只有那四台"
        part = next((q for q in counts if _cue_before(sentence, q.start, eq["only"], 6)), None)
        part_start = part.start if part else -1
    if part is None or len(counts) < 2:
        return None
    if part.value == 1 and said and re.match(r"\s*(?:都|也)", part.after(clause.text, 2)):
        return 0.0  # "一台都没联网": not one
    part_value = part.value
    whole = max((q for q in counts if q.start != part_start), key=lambda q: q.value, default=None)
    if whole is None or not 0 < part_value <= whole.value:
        return None
    if said and (has_word(clause.text, eq["none_networked"]) or negated(clause.text, said[-1].start)):
        part_value = whole.value - part_value  # "三十台里没联的有二十台"
    return round(part_value / whole.value * 100, 1)


def _share_said(clause: Clause, nearby: list[Clause], sentence: str) -> float | None:
    """The share of networked equipment one clause says: none, a percentage, a fraction in words, or a part of a
    whole; a remark about some workshops is not the share of all."""
    eq = _lex()["equipment"]
    if short_answer(clause) is False:
        return 0.0  # "联网？没有的事"
    if has_word(clause.text, eq["partial"]) and not has_word(clause.text, ["联网率"]):
        return None
    pct = next((q for c in nearby for q in find_quantities(c.text) if q.unit == "%"), None)
    if pct is not None:
        return pct.value
    fraction = fraction_percent(clause.text)
    if fraction is not None:
        return fraction[0]
    ratio = _ratio(sentence, clause)
    if ratio is not None:
        return ratio
    if has_word(clause.text, eq["none_networked"]) and not has_word(clause.text, eq["only"]):
        return 0.0
    return None


def _networking(ctx: Context, index: int) -> None:
    """The share of networked equipment said in sentence ``index``."""
    eq = _lex()["equipment"]
    sentence = ctx.message.sentence_text(index)
    clauses = [c for c in ctx.message.clauses_of(index) if c.modality in ("fact", "uncertain", "echo", "corrected")]
    for n, clause in enumerate(clauses):
        if not has_word(clause.text + clause.topic, eq["networked"] + eq["none_networked"]):
            continue
        # the nearest percentage in the sentence ("Maybe 20% of the machines, …, are networked")
        nearby = [clause] if clause.topic else sorted(clauses, key=lambda c: abs(clauses.index(c) - n))
        value = _share_said(clause, nearby, sentence)
        if value is not None:
            ctx.add("equipment_networked_pct", value, sentence.strip("。.，, "))
            return


@extractor
def shares(ctx: Context) -> None:
    lex = _lex()
    for index in range(len(ctx.message.sentences)):
        _networking(ctx, index)
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


