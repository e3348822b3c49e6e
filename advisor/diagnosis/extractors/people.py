"""People and what they count: the headcount (a total said, a bare count after people were named, a correction) and
the IT team (a count scoped to the IT people, none said, someone who tends the computers)."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import Context, _cue_before, _lex, _readable, extractor
from advisor.diagnosis.extractors.counting import _nothing_else_counted, _person_count, _words_after, doer_count
from advisor.diagnosis.extractors.numbers import _money_total
from advisor.diagnosis.extractors.tending import _asked_staff, _it_topic, _outsiders_tend, _part_timer, _tended, \
    members_listed, one_more, outsiders_before, tends, under_the_head
from advisor.diagnosis.lexicon import find_word, has_word
from advisor.diagnosis.quantities import Quantity, find_quantities, says_few
from advisor.diagnosis.reading import Clause, negated, short_answer


_MORE_REACH = 8  # how far before a count a word saying it is more is looked for ("还有一个", "加上我儿子就两个")


def _scope(clause: Clause, q: Quantity, sentence: str, before_clause: str = "") -> str:
    people = _lex()["people"]
    before = clause.text[:q.start]
    after = _words_after(q, clause.text, 4)
    if clause.text.isascii():  # "two people in IT", "3 guys on the tech team": English names the group after
        group = re.match(r"\s*[a-z]*\s*(?:in|on)\s+(?:the\s+|our\s+)?(?P<group>IT|tech|digital)"
                         r"(?: team| department)?\s*(?:[,.;]|$| and\b| plus\b)", q.after(clause.text, 40), re.I)
        after += " " + group.group("group") if group else ""
    if has_word(before + after, people["digital"]) or tends(clause.text):
        return "digital"  # "有个小伙子专门弄电脑": who tends the computers
    if _digital_topic(before_clause) and not has_word(clause.text, people["firm_wide"]):
        return "digital"  # "咱这IT部门啊，连我在内仨人", "We have a small digital team, four people"
    english_after = re.split(r"\band\b|[,;]", q.after(clause.text, 24))[0] if clause.text.isascii() else ""
    rest = sentence[sentence.find(clause.text) + len(clause.text):] if clause.text in sentence else ""
    not_ours = find_word(rest[:20], people["not_ours"])
    others_named = not_ours is not None and has_word(rest[:not_ours[0]], people["person_nouns"] + people["temporary"])
    if has_word(before + english_after, people["temporary"]) or not_ours is not None and not others_named:
        return "temporary"  # "临时工二十来个", "about 100 subcontractors", "……一千多号人，但那些都不是我们的人" (not when
        # the later clause names others: "员工三百出头，兼职的小时工没算进去" is ours)
    part = _cue_before(clause.text, q.start, people["part_of"], 6)
    if part is not None and not has_word(clause.text[part[0]:q.start], people["sum"]):
        return "subgroup"  # "eighteen people including the two partners": a part named inside the total
    owners = find_word(q.after(clause.text, 8), people["owners"])
    if owners is not None and owners[0] <= 2 and len(find_quantities(sentence)) > 1:
        return "subgroup"  # "公司四十来人，三个合伙人都在车间": the owners counted beside another count ("就我们三个合伙人" is all)
    if q.value < 3 and not has_word(before, people["total"]):
        return "subgroup"  # "就会计一个人": one or two people named by their role are not the headcount
    if _only_those_who(clause.text, q):
        return "subgroup"
    if has_word(before, people["subgroup"]) or re.match(r"\s*(?:个)?(?:工人|师傅|计件工|设计师)", after) and \
            has_word(sentence, people["total"] + ["一共"]) and not has_word(before, ["一共", "总共", "共有"]):
        return "total" if has_word(before, people["sum"] + people["joined"]) else "subgroup"
    return "total"


def _only_those_who(text: str, q: Quantity) -> bool:
    """Only so many people who can or may do something: a group, not the headcount ("只有五个人会用ERP", "能看报表的就
    五个人", "only three people have admin rights"; not "我们就五个人", "就三十个人两班倒", "We're just 40 people")."""
    people = _lex()["people"]
    reach = max(0, q.start - (9 if text[:q.start].isascii() else 3))
    only = find_word(text[reach:q.start], people["only"])
    if only is None or has_word(text[:q.start], people["sum"]):
        return False
    after = text[q.end:].lstrip()
    noun = find_word(after[:12], people["person_nouns"])
    after = after[noun[0] + len(noun[1]):].lstrip() if noun is not None and noun[0] <= 1 else after
    able = find_word(after[:10], people["able"])
    before = text[:reach + only[0]].rstrip()
    # "能看报表的就五个人" names those who can; "公司常年的就十五个人" names the regular staff, all of them
    return able is not None and able[0] <= 1 or before.endswith("的") and not has_word(before[-6:], people["regular"])


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
    if q.unit not in ("", "个") or has_word(clause.text[max(0, q.start - 8):q.start] + q.after(clause.text, 16),
                                            people["temporary"]):
        return False  # "at peak we bring in about 100 subcontractors": others, not the headcount
    summed = find_word(q.after(clause.text, 16), ["on the payroll", "in total", "altogether", "in all"])
    if summed is not None and not q.after(clause.text, 16)[:summed[0]].strip():
        return True  # "26 on the payroll"; not "96 rooms in total"
    rough = counted[-1] if counted and counted[-1].approx else None
    if rough and not q.approx and abs(q.value - rough.value) <= 0.25 * rough.value and _nothing_else_counted(clause.text, q):
        return True  # "一百来号，九十七个": a rough count, then the exact one
    before = (before_clause + "，" + clause.text[:q.start])[-12:]
    return bool(counted) and max(c.value for c in counted) <= q.value <= 10 * max(c.value for c in counted) and \
        has_word(before, people["sum"] + ["大概", "差不多", "大约", "约", "about", "around"])


@extractor
def people(ctx: Context) -> None:
    digital_best: tuple[float, str] | None = None
    digital_clause: Clause | None = None  # where the IT people were last counted
    totals: list[tuple[float, int, str]] = []  # (strength, value, evidence): a said total beats a plain count
    counted: list[Quantity] = []  # every count of people so far
    parts: list[Quantity] = []  # the groups counted one by one ("车间五十人，办公室十二个")
    corrected: list[Quantity] = []  # people counted in a clause just taken back ("六十个人，不对，……")
    corrected_digital = False  # and they were the IT people
    previous: Clause | None = None

    def counts_people(q: Quantity, clause: Clause) -> bool:
        return _person_count(q, clause.text) or _people_topic(ctx, clause) and _nothing_else_counted(clause.text, q)

    for clause in ctx.message.clauses:
        held = digital_best
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
            if has_word(clause.text[max(0, q.start - 4):q.start] + "|" + clause.text[q.end:q.end + 4],
                        _lex()["people"]["per_shift"]):
                continue  # "一个班八个人", "工人六个一班": one shift's crew
            denied = q.value == 1 and has_word(clause.text[max(0, q.start - 2):q.end + 6], _lex()["people"]["nobody"])
            if denied and _scope(clause, q, sentence, before_clause) != "digital":
                continue  # "厂里没一个懂这些的": nobody, not one person
            if _cue_before(clause.text, q.start, _lex()["people"]["left"], 4) is not None or \
                    _cue_before(clause.text, q.start, _lex()["people"]["change"], 4) is not None and \
                    _scope(clause, q, sentence, before_clause) != "digital" and not has_word(clause.text, _lex()["people"]["sum"]):
                continue  # "上个月又招了十个": how many came or left, not how many there are ("招了一个IT" is the IT)
            more_of_it = digital_best is not None and previous is digital_clause and doer_count(q, clause.text)
            if digital_best is not None and digital_clause is not None and digital_clause.sentence == clause.sentence \
                    and q.unit in ("个", "人", "名", "") and _it_summed(q, clause, digital_best[0]):
                digital_best = (q.value, clause.text)  # "IT一个，另外运营主管兼着，算两个吧": the IT people summed
                counted.append(q)
                continue
            if not counts_people(q, clause) and not more_of_it:
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
            # the IT people counted in the clause before (someone tending the computers is one), for a count said
            # as more of them ("有个小伙子专门弄电脑，加上我儿子就两个人", "网管一个，还有一个管系统的")
            before = (digital_best[0], digital_clause) if digital_best and digital_clause else \
                (1, previous) if digital_best is None and before_clause and tends(before_clause) else None
            if scope != "digital" and _said_as_more(q, clause, before, previous):
                scope = "digital"
            if scope != "digital" and not counts_people(q, clause):
                continue  # "IT就一个，还有两个做销售的": those who do something else are counted by no one
            if scope == "digital" and digital_clause is not None and digital_clause.sentence == clause.sentence \
                    and find_quantities(digital_clause.topic):
                continue  # "IT团队五个人：两个管MES，一个管网络": the team counted, then what its members do
            if scope == "digital" and not has_word(clause.text, _lex()["people"]["outsider"]):
                digital_best = (_joined(0 if denied else q.value, q, clause, before), clause.text)
            elif scope == "subgroup" and has_word(clause.text[:q.start][-8:], _lex()["people"]["subgroup"]) and \
                    not has_word(clause.text[:q.start], _lex()["people"]["per_unit"]):
                parts.append(q)  # a group named, then its count ("办公室十二个"; not "一个人一个月工资六千五")
            elif scope == "total":
                # a summing word just before, in this clause or the one before ("全部算上的话……三百二十几个"); a word of
                # the whole firm ("公司在册八十一个人，烤酒工人五十多": the workers are part of it)
                strength = 2 if has_word(clause.text[:q.start][-10:], _lex()["people"]["sum"]) or \
                    q.start == 0 and has_word(before_clause[-8:], _lex()["people"]["sum"]) else \
                    1.5 if has_word(clause.text[:q.start], _lex()["people"]["total"]) else 1
                totals.append((strength, int(round(q.value)), clause.text))
            counted.append(q)
        corrected = corrected if clause.correction or not find_quantities(clause.text) else []
        previous = clause
        people = _lex()["people"]
        if digital_best is None and has_word(clause.text, people["digital"]):
            posts, background = ("|".join(map(re.escape, people[k])) for k in ("it_posts", "it_background"))
            if re.search(rf"有(?:一)?个(?:兼职的?|专职的?|专门的?)?(?:{posts})|^(?:我|I)(?:就|本人)?(?:是|'m|am)\s*"
                         rf"(?:the |公司的|厂里的|我们的|咱们的)?\s*(?:{posts})(?![A-Za-z]|{background})", clause.text):
                digital_best = (1, clause.text)  # "有个兼职的IT", "我是公司的 IT": the speaker is one
            elif has_word(clause.text, people["none_digital"]) and not says_few(clause.text) and \
                    (not find_quantities(clause.text) or has_word(clause.text, people["nobody"])) and \
                    _of_people(clause.text):  # "没一个懂电脑的"
                digital_best = (0, clause.text)
        elif digital_best is None and has_word(clause.topic, people["digital"]) and \
                has_word(clause.text, people["tend_verbs"]) and not has_word(clause.text, people["outsider"]) and \
                not negated(clause.text, find_word(clause.text, people["tend_verbs"])[0]):
            team = [q.value for q in find_quantities(clause.topic) if _person_count(q, clause.topic) and
                    not has_word(clause.topic, people["firm_wide"])]  # not "全厂两百人的IT："
            digital_best = (team[0] if team else 1, f"{clause.topic}？{clause.text}")  # "IT？前台小王兼着"
        elif digital_best is None and (earlier := outsiders_before(ctx, clause)) and \
                has_word(clause.text, people["nobody"]) and not find_quantities(clause.text):
            digital_best = (0, f"{earlier}{clause.text}")  # "IT外包给一家公司，包年的，我们自己没人"
        elif digital_best is None and (said := _it_topic(ctx, clause)) and \
                (not find_quantities(clause.text) or has_word(clause.text, people["nobody"])) and \
                (short_answer(clause) is False or has_word(clause.text, people["nobody"]) and
                 (clause.topic or has_word(clause.text, people["tend_verbs"])) or
                 has_word(clause.text, people["none_digital"]) and has_word(clause.text, people["dedicated"])):
            digital_best = (0, said)  # "IT？没有。", "懂电脑的人？一个都没有", "电脑坏了找外面的，我们没专门的人"
        if digital_best is not held:
            digital_clause = clause
    digital_best = members_listed(ctx, digital_best) or digital_best
    if digital_best is None:
        digital_best = _tended(ctx) or _asked_staff(ctx) or _outsiders_tend(ctx)
    if digital_best is not None and digital_best[0] == 0:
        digital_best = _part_timer(ctx, digital_best[1]) or digital_best
    elif digital_best is not None:
        digital_best = under_the_head(ctx, digital_best) or one_more(ctx, digital_best) or digital_best
    # a sum of some groups, smaller than a total of now said before it or than a group counted, is one of the parts
    # ("一百五十人左右，车位一百一十几个，裁床、后整、QC加埋三十人"; "车间一百人，技术和办公室加起来二十个"); a total of
    # another time is none ("以前有三百人，现在车间和办公室加起来也就一百五"); two such sums are both parts
    groups = [t for t in totals if t[0] == 2 and _groups_summed(t[2])]
    summed = [t for n, t in enumerate(totals) if t in groups and
              (len(groups) >= 2 or any(q.value > t[1] for q in parts) or
               any(e[1] > t[1] and not has_word(e[2], _lex()["people"]["then"]) for e in totals[:n]))]
    totals = [t for t in totals if t not in summed]
    if not totals and ctx.question == "basics" and len(ctx.message.text) <= 12:
        counts = [q for q in find_quantities(ctx.message.text) if q.unit in ("个", "人", "")]
        if len(counts) == 1 and counts[0].value >= 1 and _nothing_else_counted(ctx.message.text, counts[0]):
            # "八十来个。" answering how many people ("两个厂区。" counts something else)
            totals.append((1, int(round(counts[0].value)), ctx.message.text))
    if not totals and len(parts) + len(summed) >= 2 and not any(q.upper_bound for q in parts):
        # every group counted and no total said: they add up to it ("车间五十人，办公室十二个人")
        whole = sum(q.value for q in parts) + sum(t[1] for t in summed)
        totals.append((0, int(round(whole)), ctx.message.text.strip()))
    if totals:
        strength = max(t[0] for t in totals)
        _, value, evidence = [t for t in totals if t[0] == strength][-1]  # the last said of the surest kind
        ctx.add("employees", value, evidence, 0.9 + 0.02 * int(strength))  # a word of the whole ranks within a message
    if digital_best is not None:
        ctx.add("digital_staff", int(digital_best[0]), digital_best[1])


def _of_people(text: str) -> bool:
    """A no said of the IT people, not of a thing done to the computers ("电脑没人管", "电脑没专人", "没一个懂电脑的";
    not "电脑连个杀毒都没装"): the clause names who, or names the IT people themselves."""
    people = _lex()["people"]
    found = find_word(text, people["digital"])
    return found is None or found[1] not in people["tended"] or found[1] in people["it_posts"] or has_word(
        text, people["nobody"] + people["dedicated"] + people["tend_verbs"] + people["knows"] + people["person_nouns"])


def _it_summed(q: Quantity, clause: Clause, so_far: float) -> bool:
    """A sum said right before a small count, after the IT people were counted in the sentence ("……，一共两个人",
    "so call it two people"), naming nothing of the whole firm: the IT people, all told."""
    people = _lex()["people"]
    return so_far <= q.value <= so_far + 3 and _cue_before(clause.text, q.start, people["it_sum"], 6) is not None \
        and not has_word(clause.text, [w for w in people["firm_wide"] if w not in people["it_sum"]])


def _groups_summed(text: str) -> bool:
    """The sum word follows groups listed or named ("化验室、跟单、办公室加起来四十多"), not the whole ("全部算上")."""
    said = find_word(text, _lex()["people"]["sum"])
    return said is not None and ("、" in text[:said[0]] or has_word(text[:said[0]], _lex()["people"]["subgroup"]))


def _more_word(q: Quantity, clause: Clause) -> tuple[int, str] | None:
    """A word saying the count is more of the people counted before ("还有", "plus"), just before it: (its position in
    the clause, the word)."""
    reach = max(q.start - _MORE_REACH, 0)
    found = find_word(clause.text[reach:q.start], _lex()["people"]["more"])
    return (reach + found[0], found[1]) if found is not None else None


def _said_as_more(q: Quantity, clause: Clause, before: tuple[float, Clause] | None, previous: Clause | None) -> bool:
    """A count said as more of the IT people counted in the clause just before, as their sum or with nothing else it
    counts (an IT word in its clause, or nothing after it): "加上我就两个人懂这些", "还有两个网管", not "还有两个人做
    销售", "另外车间九十个工人"."""
    people = _lex()["people"]
    more = _more_word(q, clause)
    if before is None or before[1] is not previous or previous.sentence != clause.sentence or more is None or \
            has_word(clause.text, people["firm_wide"]):
        return False
    summed = has_word(clause.text[more[0]:q.start], people["then_total"])
    return summed or has_word(clause.text, people["digital"] + people["digital_chores"]) or \
        re.fullmatch(r"[\s人个名位吧啊呢了。.,，!！]*", clause.text[q.end:]) is not None


def _joined(value: float, q: Quantity, clause: Clause, before: tuple[float, Clause] | None) -> float:
    """A count of the IT people read against the one counted before it in the sentence (``before``: its value and
    clause): said as more, it adds to it ("IT就我一个，还有一个网管"; "me plus one IT guy" counts the speaker, "我们还有
    一个IT" does not); a smaller count opening a clause is one of the members listed after the group's size ("信息化两个
    人，一个IT，一个做报表"); else the last said stands."""
    people = _lex()["people"]
    said_before = clause.text[:q.start]
    before = before if before is not None and before[1].sentence == clause.sentence else None
    more = _more_word(q, clause)
    if more is not None and has_word(said_before[more[0]:], people["then_total"]):
        return value  # "加上我儿子就两个人": the sum said, not one more
    if more is not None:
        ahead = said_before[:more[0]][-10:]
        speaker = find_word(ahead, people["speaker"])
        by_speaker = speaker is not None and \
            not has_word(ahead[speaker[0] + len(speaker[1]):][:1], people["not_speaker"])
        return (before[0] if before else int(by_speaker)) + value
    if before is not None and not said_before.strip() and value < before[0]:
        return before[0]
    return value


def _people_topic(ctx: Context, clause: Clause) -> bool:
    """Whether the sentence turned to people before it counts: its first clause, or the one just before, names
    people and no number ("人不多，四十五个", "做五金的，人不多，三十来个", "全厂连老师傅算进去，差不多一百五"), or people
    were the echoed topic ("人？一百零几个")."""
    clauses = ctx.message.clauses_of(clause.sentence)
    at = next(n for n, c in enumerate(clauses) if c is clause)
    nouns = _lex()["people"]["person_nouns"]
    before = [clauses[0], clauses[at - 1]] if at else []
    return has_word(clause.topic, nouns) or any(has_word(c.text, nouns) and not find_quantities(c.text) for c in before)

