"""Statements about the enterprise as it is: yes/no facts (who leads, a plan, shared data, records by hand),
security measures, trends and goals. Systems in use are read in ``systems``."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import STRONG, Context, _cue_before, _lex, _readable, extractor
from advisor.diagnosis.extractors.bosses import _deputy, ranked
from advisor.diagnosis.extractors.leaders import (_leads_something_else, _no_time_for_it, _taken_back, in_name_only,
                                                 read_boss, read_leader)
from advisor.diagnosis.extractors.tending import about_computers, computers_before
from advisor.diagnosis.extractors.plans import read_plan
from advisor.diagnosis.extractors.systems import _system_mentions
from advisor.diagnosis.lexicon import find_all, find_word, has_word
from advisor.diagnosis.quantities import find_quantities
from advisor.diagnosis.reading import Clause, after_answer, first_answer, negated, skips, spoken_length


# --- yes/no facts --------------------------------------------------------------------------------------------
def _polarity(clause: Clause, words: dict[str, list[str]]) -> bool | None:
    yes, no = find_word(clause.text, words["affirm"]), find_word(clause.text, words["deny"])
    if no and _taken_back(clause.text[:no[0]]):
        no = None  # "老板不是不重视": a no taken back
    if no and (not yes or no[0] <= yes[0] or yes[1] in no[1]):
        return False
    english = clause.text.isascii()
    if any(negated(clause.text, start, 10 if english else 3)
           for start, _, _ in find_all(clause.text, words.get("negated_is_no", []))):
        return False  # "跟金蝶还没对接": a verb that says nothing alone ("在跟厂家对接") is a no when negated right before
    if yes and _said_gone(clause.text, yes, words.get("deny_after", []), english):
        return False  # "纸质单据基本取消了": the thing named, then said to be gone
    if yes:
        return not negated(clause.text, yes[0])
    return None


def _said_gone(text: str, yes: tuple[int, str], gone: list[str], english: bool) -> bool:
    """A word of its going said close after the thing named, not negated and not with a "still" ("手写报表到现在也没
    淘汰", "still on paper since our IT guy is gone"); in English the verb may come first ("got rid of paper")."""
    end = yes[0] + len(yes[1])
    near = text[max(0, yes[0] - 20):end + 30] if english else text[end:end + 10]
    found = find_word(near, gone)
    return found is not None and not negated(near, found[0]) and not has_word(text, _lex()["systems"]["reverted"])


def _turned_later(ctx: Context, clause: Clause, words: list[str]) -> bool:
    """A later clause of the sentence turns against this one with one of ``words`` ("……，可他基本不过问")."""
    contrast = _lex()["modality"]["contrast"]
    return any(c.start > clause.start and (turn := find_word(c.text, contrast)) is not None and turn[0] <= 2 and
               has_word(c.text, words) for c in ctx.message.clauses_of(clause.sentence))


@extractor
def booleans(ctx: Context) -> None:
    lex = _lex()["booleans"]
    for clause in ctx.message.clauses:
        if not _readable(clause):
            continue
        for key in ("leadership", "integration", "manual_records"):
            value = _polarity(clause, lex[key])
            if key == "leadership" and value and _leads_something_else(clause.text, lex[key]["affirm"]) or \
                    key == "leadership" and (about_computers(clause.text) or computers_before(ctx, clause)):
                value = None  # "老板自己盯回款": the boss in person, at something else; "电脑没人专门管": who
                # tends the computers, not who leads
            no = find_word(clause.text, lex[key]["deny"]) if key == "leadership" and value is False else None
            if no and no[1].endswith("我") and \
                    has_word(clause.text[no[0] + len(no[1]):][:4], _lex()["leading"]["deputies"]):
                value = None  # "仓库交给我表弟管了": handed to the speaker's kin, read by read_leader
            if key == "leadership" and value and (said := find_word(clause.text, lex[key]["affirm"])):
                sentence = ctx.message.sentence_of(clause)
                if in_name_only(sentence[:max(sentence.find(clause.text), 0) + said[0]], lex[key]):
                    value = False  # "说是老板亲自抓", "名义上是我妈牵头，……，开会老讲一把手工程": in name only
                elif _no_time_for_it(ctx, clause):
                    value = False  # "本来说好我牵头，后来一直顾不上": taken back by no time for it
                elif _deputy(clause.text[:said[0]], ranked(ctx.message.text, _lex()["leading"] | lex[key])):
                    value = None  # "系统是厂长在挂帅，老板就管签字": someone below the boss leads, as read_leader reads
                elif _turned_later(ctx, clause, [w for w in lex[key]["boss_leaves"] if w not in lex[key]["delegating"]]):
                    value = None  # "老板是挂帅的，可他基本不过问": what the boss does is read by read_boss
            if value is not None:
                ctx.add(key, value, clause.text, STRONG + (0.05 if clause.correction else 0))
        sentence = ctx.message.sentence_of(clause)
        apart = find_word(clause.text, lex["integration"]["apart"])
        if apart and not negated(clause.text, apart[0]) and not any(f.key == "integration" for f in ctx.facts) and \
                (_system_mentions(clause.text) or has_word(clause.text, lex["integration"]["apart_of"])):
            ctx.add("integration", False, clause.text)  # "质检数据跟ERP是分开的" (not "车间和办公室是分开的")
        rekey = find_word(clause.text, lex["integration"]["rekey"])
        if rekey and not negated(clause.text, rekey[0]) and _system_mentions(sentence):
            ctx.add("integration", False, clause.text)  # "再手工录一遍进U8": re-keying into a named system
        media = find_word(clause.text, lex["manual_records"]["media"])
        if media and (any(a <= media[0] < b for a, b, _, _ in _system_mentions(clause.text)) or
                      has_word(clause.text[media[0] + len(media[1]):][:3], lex["manual_records"]["talking"])):
            media = None  # "请假审批都在企业微信上" is a system; "工厂那边都是微信上说" is talk, not records
        if media and (media[0] == 0 or _cue_before(clause.text, media[0], lex["manual_records"]["media_use"], 4)) and \
                not negated(clause.text, media[0]):
            ctx.add("manual_records", True, clause.text)
    read_plan(ctx, lex["has_plan"])  # first: a lead said bare beside the plan is the digital work's
    read_boss(ctx, lex["leadership"])
    read_leader(ctx, _lex()["leading"] | {k: lex["leadership"][k] for k in ("boss", "site_heads", "nominal")})
    if ctx.question == "integration" and not any(f.key == "integration" for f in ctx.facts):
        _alternative_chosen(ctx, lex["integration"])


def _alternative_chosen(ctx: Context, words: dict[str, list[str]]) -> None:
    """Asked "is the data shared, or must it be keyed in again?" (or, after, "must someone copy it over?"), a short
    answer that picks the second: "需要", "要，得导一遍" (not shared), "不用" (shared); not "不清楚"."""
    first = first_answer(ctx.message)
    if first is None or first.modality != "fact" or spoken_length(first.text) > 8 or skips(first.text) or \
            has_word(first.text, words["answered_undecided"]):
        return  # "需要打通吗？", "不需要吧？", "要看哪个系统"
    for value, key in ((True, "answered_shared"), (False, "answered_apart")):
        hit = find_word(first.text, words[key])
        rest = after_answer(first.text, hit) if hit is not None and hit[0] == 0 else None
        if rest is not None and (not rest or not value and has_word(rest, words["rekey"])):
            ctx.add("integration", value, first.text)  # not "不用说，…", "不用录，根本没系统"
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




@extractor
def targets(ctx: Context) -> None:
    """The owner's own measure with its value now and the value wanted, in one sentence ("准时交货率八成五，想提到
    九成五", "交期现在二十天，想压到十天"): kept with the owner's words; the plan takes them as its own KPIs."""
    words = _lex()["targets"]
    found = []
    for index in range(len(ctx.message.sentences)):
        sentence = ctx.message.sentence_text(index)
        metric = re.search(r"([\u4e00-\u9fffA-Za-z\- ]{0,12}?(?:" + "|".join(map(re.escape, words["metric_ends"])) + r"))",
                           sentence)
        goal = find_word(sentence, words["raise_to"])
        if metric is None or goal is None or goal[0] < metric.end():
            continue
        now = next((q for q in find_quantities(sentence[metric.end():goal[0]]) if q.unit not in ("元", "人")), None)
        wanted = next((q for q in find_quantities(sentence[goal[0]:]) if q.unit not in ("元", "人")), None)
        if now is None or wanted is None:
            continue
        unit = "%" if "%" in (now.unit, wanted.unit) or metric.group(1).endswith("率") else now.unit or wanted.unit
        name = re.sub(r"^(?:我们|我|现在|目前|的|our|the|\s)+", "", metric.group(1), flags=re.I).strip()
        found.append({"metric": name, "now": now.value, "target": wanted.value, "unit": unit if len(unit) <= 2 else ""})
        evidence = sentence.strip("。.，, ")
    if found:
        ctx.add("owner_targets", found, evidence)
