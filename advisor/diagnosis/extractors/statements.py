"""Statements about the enterprise as it is: systems in use or not (and the scenes they serve), yes/no facts,
security measures, trends and goals."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import BRAND, STRONG, WISH, Context, _cue_before, _lex, _readable, extractor
from advisor.diagnosis.lexicon import find_all, find_word, has_word, system_names
from advisor.diagnosis.quantities import find_quantities
from advisor.diagnosis.reading import Clause, answer_polarity, negated, short_answer


# --- systems --------------------------------------------------------------------------------------------------
def _system_mentions(text: str) -> list[tuple[int, int, str, float]]:
    """(start, end, system id, confidence) of every system named in ``text``: its own name, or a brand."""
    out = [(a, b, sid, BRAND if brand else STRONG) for a, b, sid, brand in system_names(text)]
    # "金蝶的ERP", "SAP Business One has been our ERP": one system named twice is one mention, by its surest name
    best: dict[str, tuple[int, int, str, float]] = {}
    for hit in sorted(out):
        if hit[2] not in best or hit[3] > best[hit[2]][3]:
            best[hit[2]] = hit
    return sorted(best.values())


_LIST_RUN = re.compile(r"(?:\s*[、和跟与及/,，]\s*[A-Za-z\u4e00-\u9fff]{2,8}?(?=[、和跟与及/,，]|这些|这几个|啥的|什么的|之类|都|也|还))*"
                       r"\s*(?:这些|这几个|啥的|什么的|之类的?)?")


def _system_state(clause: Clause, sentence: str, start: int, end: int) -> bool | None:
    """True in use, False not in use, None: nothing said about ours."""
    syslex = _lex()["systems"]
    text = clause.text
    if clause.modality == "other_party" or clause.modality in ("question", "uncertain", "echo"):
        return None
    if clause.modality == "wish":  # "CRM打算明年上", "MES明年": not there yet; "想把ERP用好": it is there
        return None if has_word(text, syslex["improve_verbs"]) else False
    if has_word(text[end:], syslex["is_not_a_system"]) and re.search(r"是|就是|其实", text[end:]):
        return False
    run = _LIST_RUN.match(text, end)  # "MES、WMS这些都没有": what follows the list is said of each
    end = run.end() if run else end
    after = text[end:end + 8]
    if re.match(r"\s*(?:我们|咱们|我|咱|俺们|俺)?(?:也|都|还|倒|就)?(?:没有|没上|没用|没|未上|还没)", after) or re.match(r"^\s*(?:是)?(?:没有|无)\b", after):
        return False
    if negated(text, start):
        return False
    if text[:start].isascii() and has_word(text[:start], syslex["choosing"]):
        return False  # "We looked at a warehouse system": English puts the verb before the system
    rest = sentence[sentence.find(text) + len(text):] if text in sentence else ""
    # what its own clause says decides ("CRM销售天天在用，老板不打开" is in use); else the idle words that follow it in
    # the sentence, up to the next system named. A use denied in a later clause ("……，但没人登录") is not read: on the
    # sealed owners it cost more readings of systems in use than it found unused ones
    for said, own in ((text[end:], True), (rest[:60], False)):
        others = _system_mentions(said)
        if others:  # up to the next system, less the clause that names it ("…, but nobody really uses the CRM")
            said = said[:others[0][0]]
            said = said[:max(said.rfind(p) for p in "，,；;")] if not own and re.search("[，,；;]", said) else said
        use = use_said(said) if own else None
        idle = syslex["idle"] + (syslex["choosing"] if own else [])
        if has_word(said if own else said[:20], idle) or use is False or not own and _reverted(said):
            return False
        if use:
            return True
    if has_word(sentence, _lex()["money"]["budget"]) and not has_word(text, _lex()["modality"]["answer_yes"]) and \
            not use_said(sentence):
        return None  # "一年拿个一百万，大头是MES": what the money is for, not a system in use ("有ERP，每年投十万" is)
    return True


def _reverted(later: str) -> bool:
    """"……，结果仓库还是拿本子记" / "but the crew went back to paper": after a contrast, the work is done on paper or in
    a spreadsheet again (and not said of the rest: "其他几条线还是纸质报工" leaves the system in use)."""
    lex = _lex()
    contrast = find_word(later, lex["modality"]["contrast"] + ["结果", "可"])
    if contrast is None:
        return False
    after = later[contrast[0]:]
    manual = lex["booleans"]["manual_records"]
    return has_word(after, lex["systems"]["reverted"]) and has_word(after, manual["affirm"] + manual["media"]) and \
        not has_word(after, lex["systems"]["the_rest"])


def use_said(text: str) -> bool | None:
    """Whether ``text`` says the system is used (a use verb), not used (one negated), or neither."""
    syslex = _lex()["systems"]
    verdict = None
    for start, end, _ in find_all(text, syslex["use_verbs"]):
        if has_word(text[end:end + 2], syslex["no_need_after"]):
            continue  # "不用换": no need to, not "does not use"
        if negated(text, start):
            return False
        verdict = True
    return verdict


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


def _answered_systems(clause: Clause) -> None | tuple[bool, list[tuple[int, int, str, float]]]:
    """A clause that answers an echoed system ("ERP？没有。", "MES？买了，没用起来"): (in use, the echoed systems)."""
    if not clause.topic or clause.modality not in ("fact", "corrected") or _system_mentions(clause.text):
        return None
    named = _system_mentions(clause.topic)
    if not named:
        return None
    state = short_answer(clause)
    if has_word(clause.text, _lex()["systems"]["idle"]):
        state = False
    return None if state is None else (state, named)


def _said_of_the_last(ctx: Context, clause: Clause, named: list) -> None:
    """"隔壁厂上了MES，我们还没有" / "刚才说有MES，其实没有": a bare yes or no about ourselves right after a clause that
    named systems answers for those systems."""
    if not named or clause.modality not in ("fact", "corrected") or _system_mentions(clause.text):
        return
    if any(has_word(clause.text[end:end + 2], _lex()["systems"]["no_need_after"])
           for _, end, word in find_all(clause.text, ["不用"])):
        return  # "不用换": no need to change it, not a no
    if has_word(clause.text, _lex()["systems"]["the_rest"]):
        return  # "财务用用友记账，其他就没有了": a no about the rest
    state = answer_polarity(clause.text)
    if state is False or state and has_word(clause.text, ["我们", "我", "自己", "we"]):
        for _, _, sid, strength in named:
            ctx.add(f"system.{sid}", state, clause.text, strength + 0.05)


@extractor
def systems(ctx: Context) -> None:
    named: list = []  # the systems the clauses before named (in the same sentence)
    sentence_index = -1
    for clause in ctx.message.clauses:
        if clause.sentence != sentence_index:
            named, sentence_index = [], clause.sentence
        answered = _answered_systems(clause)
        if answered is not None:
            for _, _, sid, strength in answered[1]:
                ctx.add(f"system.{sid}", answered[0], f"{clause.topic}？{clause.text}", strength)
            continue
        _said_of_the_last(ctx, clause, named)
        mentions = _system_mentions(clause.text)
        named = mentions or named
        sentence = ctx.message.sentence_of(clause)
        if has_word(sentence, _lex()["systems"]["not_ours"]) and not has_word(clause.text, ["我们", "我", "we", "our"]):
            continue  # "其中一家有供应商平台……那是人家的系统": someone else's
        for start, end, sid, strength in mentions:
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
                ctx.add(key, value, clause.text, STRONG + (0.05 if clause.correction else 0))
        sentence = ctx.message.sentence_of(clause)
        rekey = find_word(clause.text, lex["integration"]["rekey"])
        if rekey and not negated(clause.text, rekey[0]) and _system_mentions(sentence):
            ctx.add("integration", False, clause.text)  # "再手工录一遍进U8": re-keying into a named system
        media = find_word(clause.text, lex["manual_records"]["media"])
        if media and (media[0] == 0 or _cue_before(clause.text, media[0], lex["manual_records"]["media_use"], 4)) and \
                not negated(clause.text, media[0]):
            ctx.add("manual_records", True, clause.text)
    _boss(ctx, lex["leadership"])
    _leader(ctx, _lex()["leading"] | {"boss": lex["leadership"]["boss"]})
    _plan(ctx, lex["has_plan"])


def _boss(ctx: Context, words: dict[str, list[str]]) -> None:
    """Whether the top boss leads digital work, from a sentence whose subject is the boss: what the boss does
    ("老板天天盯着", "老板不管这些，都扔给IT经理"), in any clause of that sentence ("……，他一概不问")."""
    if any(f.key == "leadership" for f in ctx.facts):
        return  # said outright in the words of the booleans
    for index in range(len(ctx.message.sentences)):
        clauses = [c for c in ctx.message.clauses_of(index) if c.modality in ("fact", "uncertain")]
        boss = next((c for c in clauses if has_word(c.text, words["boss"])), None)
        if boss is None:
            continue
        for clause in clauses[clauses.index(boss):]:
            leaves, leads = find_word(clause.text, words["boss_leaves"]), find_word(clause.text, words["boss_leads"])
            if leaves is not None:
                ctx.add("leadership", False, ctx.message.sentence_text(index).strip("。.，, "))
                return
            towards = re.search(r"[对被](?P<what>.*)$", clause.text[:leads[0]]) if leads is not None else None
            if leads is not None and (clause.text[leads[0] + len(leads[1]):].startswith("的") or towards and not (
                    has_word(towards.group("what"), _lex()["leading"]["digital_work"]) or
                    _system_mentions(towards.group("what")) or "系统" in towards.group("what"))):
                continue  # "老板抓得紧的是回款", "老板只对成本抓得紧", "老板被客户催着": something else is followed
            if leads is not None and not negated(clause.text, leads[0]):
                ctx.add("leadership", True, ctx.message.sentence_text(index).strip("。.，, "))
                return


def _leader(ctx: Context, words: dict[str, list[str]]) -> None:
    """Who leads the digital work, said as the agent of a leading verb: the top boss or the speaker leads it
    ("数字化我亲自抓", "是我牵头", "Me." after "who leads?"); someone below them does ("由分管副总负责", "是我小弟在管",
    "Digital is led by our COO") and the boss does not."""
    if any(f.key == "leadership" for f in ctx.facts):
        return
    verbs = "|".join(map(re.escape, sorted(words["lead_verbs"], key=len, reverse=True)))
    plan_words = _lex()["booleans"]["has_plan"]["cue"] + _lex()["booleans"]["has_plan"]["bare"]
    asked = ctx.question == "leadership" or any(
        c.modality in ("question", "echo") and has_word(c.text, words["lead_verbs"] + words["who"])
        for c in ctx.message.clauses)
    for clause in ctx.message.clauses:
        if clause.modality != "fact":
            continue
        if has_word(clause.text, plan_words):
            continue  # "计划是会计在弄": who writes the plan, not who leads the work
        about_it = asked or has_word(clause.text + clause.topic, words["digital_work"]) or \
            has_word(clause.topic, words["lead_verbs"])
        if not about_it:
            continue
        agent = None
        for pattern in (rf"(?:是|由|归|让|靠)(?P<agent>[^，。,是由]{{1,8}}?)(?:亲自|自己|本人|一直|主要|在|来)*(?P<verb>{verbs})",
                        rf"^(?P<agent>[^，。,是由]{{1,8}}?)(?:亲自|自己|本人|一直|主要|在|来)*(?P<verb>{verbs})",
                        r"\b(?:led|run|handled|managed|driven) by (?P<agent>[A-Za-z' -]{1,30}?)(?=,|$| not| and)",
                        rf"^(?P<agent>[A-Za-z' -]{{1,30}}?) (?:{verbs})\b"):
            m = re.search(pattern, clause.text, re.IGNORECASE)
            rest = clause.text[m.end():].strip(" 的了呢啊呗嘛吧哈.") if m else ""
            stands_for_it = asked and rest.lower() in words["pronouns"]
            if m and (not rest or stands_for_it or has_word(rest, words["digital_work"])):  # "我负责采购": something else
                agent = m.group("agent")
                if "verb" in m.groupdict() and negated(clause.text, m.start("verb")):
                    return  # "这块我不负责": who does is not said
                break
        if agent is None and (asked or has_word(clause.topic, words["lead_verbs"])) and len(clause.text) <= 8 and \
                not has_word(clause.text, words["lead_verbs"]):
            said = re.sub(r"^(?:那还得|还得|当然|那)?是|[呗啊呀嘛吧了的哈!.！。 ]+$", "", clause.text)
            people = "|".join(map(re.escape, words["self"] + words["boss"] + words["deputies"]))
            if re.fullmatch(rf"(?:我的?|我们的?|our |my )?(?:{people})", said.strip(), re.IGNORECASE):
                agent = said  # the answer is only who: "那还得是我呗", "Me", "我儿子"
        if agent is None:
            continue
        for word in words["digital_work"] + words["fillers"]:  # "这块我自己在主导": the work, then who
            agent = agent.replace(word, "") if not word.isascii() else agent
        me = re.fullmatch(rf"(?:{'|'.join(map(re.escape, words['self']))})+(?:亲自|本人)?", agent.strip(), re.IGNORECASE)
        if re.match(r"(?:我|I)\s*(?:和|跟|与|同|and)\s*\S", agent.strip()) and not _someone_else_is_boss(ctx, words):
            ctx.add("leadership", True, clause.text)  # "我和我哥哥一起负责": the owner leads it with someone
            return
        if has_word(agent, words["deputies"]) or not me and not has_word(agent, words["boss"]):
            if not has_word(agent, words["deputies"]):
                continue  # "我们那位": nobody we can place
            ctx.add("leadership", False, clause.text)
            return
        if has_word(agent, words["boss"]) or me and not _someone_else_is_boss(ctx, words):
            ctx.add("leadership", True, clause.text)
            return
        if me:
            ctx.add("leadership", False, clause.text)  # "我在推这个事，老板不太上心": the speaker is not the boss
            return


def _someone_else_is_boss(ctx: Context, words: dict[str, list[str]]) -> bool:
    """Whether the message speaks of the boss as another person ("老板不太上心"), so that "I" is not the boss ("我是老板"
    and "I am the owner" say the opposite)."""
    text = ctx.message.text
    if re.search(rf"(?:我|I)(?:就|也)?(?:是| am (?:the )?)(?:{'|'.join(map(re.escape, words['boss']))})", text, re.I):
        return False
    return has_word(text, words["boss"])


def _plan(ctx: Context, words: dict[str, list[str]]) -> None:
    for clause in ctx.message.clauses:
        if clause.modality == "fact" and has_word(clause.text, words["none_said"]):
            ctx.add("has_plan", False, clause.text)
            return
        subject = clause.text + clause.topic
        hit = find_word(subject, words["cue"])
        if hit is None and has_word(clause.topic, words["bare"]):
            hit = find_word(subject, words["bare"])  # "计划？没写过": a bare 计划 as the echoed topic
        sentence = ctx.message.sentence_of(clause)
        rest = sentence[sentence.find(clause.text):]
        # "有是有，没写下来": conceded, then taken back (not "有书面规划，大家心里有数", "有规划，写得很细，老板心里也有数":
        # said written before the head that also knows it)
        taken_back = find_word(rest, words["deny_later"])
        written = find_word(rest[:taken_back[0]], words["written"]) if taken_back else None
        if written and (negated(rest, written[0]) or re.search(r"(?:要|想|打算|准备|应该|supposed to be|to be)\s*\S?$",
                                                                 rest[:written[0]]) or
                        re.match(r"\S{0,4}?(?:的东西)?(?:没有|没)", rest[written[0] + len(written[1]):])):
            written = None  # "书面的东西没有", "说了要写成文": not said to be written
        later_no = taken_back is not None and written is None
        if hit is None or not (clause.modality == "fact" or later_no and clause.modality == "wish") or \
                has_word(clause.text, words["not_a_plan"]):
            continue
        said_no = negated(clause.text, hit[0]) if hit[0] < len(clause.text) else False
        said_no = said_no or later_no or \
            has_word(clause.text[hit[0]:] if hit[0] < len(clause.text) else clause.text, words["deny"])
        # a plan still being written is not there yet ("正在起草，还没弄完", "咨询公司在做，下个月出初稿")
        said_no = said_no or has_word(clause.text, words["drafting"]) or \
            has_word(ctx.message.sentence_of(clause), words["unfinished"])
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
