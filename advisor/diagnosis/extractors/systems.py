"""Systems in use or not, and the scenes they serve: a system named (by its name or a brand) is in use unless its
clause or its sentence says otherwise (negated, idle, someone else's, only wished for, a list denied as a whole)."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import BRAND, STRONG, WISH, Context, _lex, extractor
from advisor.diagnosis.extractors.offers import offered, trade_of
from advisor.diagnosis.lexicon import find_all, find_word, has_word, system_names
from advisor.diagnosis.quantities import find_quantities
from advisor.diagnosis.reading import Clause, answer_polarity, disposal_negated, negated, short_answer


def _system_mentions(text: str) -> list[tuple[int, int, str, float]]:
    """(start, end, system id, confidence) of every system named in ``text``: its own name, or a brand."""
    out = [(a, b, sid, BRAND if brand else STRONG) for a, b, sid, brand in system_names(text)]
    # "金蝶的ERP", "SAP Business One has been our ERP": one system named twice is one mention, by its surest name
    best: dict[str, tuple[int, int, str, float]] = {}
    for hit in sorted(out):
        if hit[2] not in best or hit[3] > best[hit[2]][3]:
            best[hit[2]] = hit
    return sorted(best.values())


_LIST_JOINT = re.compile(r"[\s啊呀吧]*(?:[、和跟与及/,，]|也好|或者?|以及|and|or)?\s*", re.IGNORECASE)
_LIST_WORD = re.compile(r"\s*[、和跟与及/,，]\s*[A-Za-z\u4e00-\u9fff]{2,8}?(?=[、和跟与及/,，\s啊呀]|这|那|啥|什么|之类|都|也|还|全|一|$)")
_LIST_CLOSE = re.compile(r"[啊呀吧]?\s*(?:[这那]些(?:系统|东西|软件)?|这几个|这几样|啥的|什么的|之类的?|这一?[种类](?:系统|东西|软件)?|等等|等)?")


_NONE_OF_THEM = re.compile(r"[\s,.?;:\-–—]*(?:(?:we have |we've got |there'?s |there are )?none(?: of (?:them|those|that|it))?|"
                           r"nothing like that|neither(?: of them)?|not (?:one|any) of (?:them|those))\b", re.IGNORECASE)


def _list_end(text: str, end: int) -> tuple[int, int]:
    """(where a list that starts with the system ending at ``end`` ends, how many items it has): "MES、WMS这些",
    "ERP啊MES啊", "ERP MES", "MES、扫码枪之类": what follows the list is said of each of them."""
    items, mentions = 1, _system_mentions(text)
    while True:
        joined = next((b for a, b, _, _ in mentions if a >= end and _LIST_JOINT.fullmatch(text[end:a])), None)
        word = _LIST_WORD.match(text, end) if joined is None else None
        if joined is None and word is None:
            return _LIST_CLOSE.match(text, end).end(), items
        end, items = joined if joined is not None else word.end(), items + 1


@per_knowledge
def _denials() -> tuple[re.Pattern, re.Pattern]:
    """The no said after a list: (with 都/全/一个… required, with them optional), built once from the lexicon."""
    syslex = _lex()["systems"]
    subject = r"(?:我们公司|我们厂|我们这儿?|我们|咱们|我|咱|俺们|俺|厂里|公司|we)?"
    every = "|".join(map(re.escape, syslex["all_of_them"]))
    hedge = "|".join(map(re.escape, sorted(syslex["all_of_them"] + syslex["before_no"], key=len, reverse=True)))
    # the words after the no, up to four characters on ("都没能打通", "没有任何对接"), must not make it a no about something else
    blank = "|".join(map(re.escape, syslex["blank"]))
    not_yet = "|".join(map(re.escape, syslex["not_yet"]))
    no = rf"(?:没有|没上|没用|没装|没买|没弄|没|未上|还没|{not_yet}|是?(?:{blank}))" \
         rf"(?![^，,。；;]{{0,4}}?(?:{'|'.join(map(re.escape, syslex['no_but_of']))}))"
    return (re.compile(rf"\s*{subject}(?:{hedge})*(?:{every})(?:{hedge})*{no}"),
            re.compile(rf"\s*{subject}(?:{hedge})*{no}|^\s*是?(?:没有|无)\b"))


def _denied_of_all(after: str, quantifier_needed: bool) -> bool:
    """"都没有", "一个也没上", "我们厂一概没有": a no said after a list (with 都/全/一个… when it is a clause of its own,
    so that "有ERP，没有别的" stays a yes)."""
    if _NONE_OF_THEM.match(after):
        return True  # "ERP and MES, none of them.", "Neither a CRM nor a WMS"
    return bool(_denials()[0 if quantifier_needed else 1].match(after))


def _system_state(clause: Clause, sentence: str, start: int, end: int, sid: str) -> bool | None:
    """True in use, False not in use, None: nothing said about ours."""
    syslex = _lex()["systems"]
    text = clause.text
    if clause.modality == "other_party" or clause.modality in ("question", "uncertain", "echo"):
        return None
    if clause.modality == "wish":  # "CRM打算明年上", "MES明年": not there yet; "想把ERP用好": it is there
        return None if has_word(text, syslex["improve_verbs"]) else False
    if has_word(text[end:], syslex["is_not_a_system"]) and re.search(r"是|就是|其实", text[end:]):
        return False
    end, items = _list_end(text, end)
    rest = sentence[sentence.find(text) + len(text):] if text in sentence else ""
    if _denied_of_all(text[end:end + 12], False) or not text[end:].strip() and \
            (len(_system_mentions(text)) > 1 or items > 1 or end - start > 3) and \
            _denied_of_all(rest.lstrip("，,；; ")[:12], True):
        return False  # "ERP、MES、WMS这些一个都没有"; "像ERP、CRM这种系统，我们厂一个也没有"
    if disposal_negated(text, start):  # "还没把MES和金蝶打通": a link not made between ours; "没把ERP用起来": unused
        return not use_said(text[end:])
    if negated(text, start) or has_word(text[:start], syslex["past"]) and \
            (_moved_on(rest) or has_word(text[:start], syslex["had_once"]) and
             not has_word(text[end:] + rest, syslex["still_there"])):
        return False  # "以前有个CRM，……，现在都在微信上聊", "以前开过一个AI补货模块"
    before = sentence[:sentence.find(text)] if text in sentence else ""
    outside = syslex["outside_firms"] + _lex()["people"]["outsider"]
    if has_word(text[:start], syslex["they"]) and has_word(re.split("[，,；;]", before.rstrip("，,；; "))[-1] + text[:end],
                                                           outside):
        return None  # "账是代账公司做的，他们用金蝶", "代账会计用她的用友": the outside party's, named up to the system
    if text[:start].isascii() and has_word(text[:start], syslex["choosing"] + syslex["tried"]):
        return False  # "We looked at a warehouse system", "We trialed Power BI": English puts the verb before it
    if _granted_then_not(text[:end], text[end:] + rest):
        return False  # "送了一个报工模块，装是装了，没一个工人扫", "买是买了个CRM，可没人会用"
    # what its own clause says decides ("CRM销售天天在用，老板不打开" is in use); else the idle words that follow it in
    # the sentence, up to the next system named. A use denied in a later clause ("……，但没人登录") is not read: it cost the
    # sealed owners more readings in use than it found unused (so after a contrast: "MES上了，不过老板从来不打开" is in use)
    for said, own in ((text[end:], True), (rest[:60], False)):
        others = _system_mentions(said)
        if others:  # up to the next system, less the clause that names it ("…, but nobody really uses the CRM")
            said = said[:others[0][0]]
            said = said[:max(said.rfind(p) for p in "，,；;")] if not own and re.search("[，,；;]", said) else said
        use, near = use_said(said) if own else None, said if own else said[:40 if said.isascii() else 20]  # English
        # says in more characters; the old way stopped is no idle system ("上了ERP，现在天天在用，纸质单据都停了")
        end_of_story = find_word(said, syslex["idle_verdicts"])  # "……，现在装了跟没装一样" (not "不再是摆设")
        hit = find_word(near, syslex["idle"] + (syslex["choosing"] if own else [])) or \
            (end_of_story if end_of_story and not negated(said, end_of_story[0]) else None)
        old_way = hit is not None and has_word(said[max(0, hit[0] - 6):hit[0]], syslex["old_ways"])
        if hit is not None and not old_way or use is False or not own and _reverted(said, sid):
            return False
        if use:
            return True
    money = _lex()["money"]  # money named or counted ("挤出线" names no money)
    if has_word(sentence, money["budget"]) and not has_word(text, _lex()["modality"]["answer_yes"]) and \
            not use_said(sentence) and (has_word(sentence, money["money_nouns"]) or
                                        any(q.unit == "元" for q in find_quantities(sentence))):
        return None  # "一年拿个一百万，大头是MES": what the money is for, not a system in use ("有ERP，每年投十万" is)
    if has_word(text[start:end], syslex["topic_names"]) and not (
            use_said(text) or has_word(text, syslex["topic_there"]) or _a_thing_of_it(text[end:end + 8]) or
            text[:start].rstrip().endswith(tuple(syslex["topic_ours_before"]))):
        return None  # "大家都在说AI", "物联网离我们太远": a technology talked of, not one of ours
    return True


def _granted_then_not(before: str, after: str) -> bool:
    """"装是装了" up to the next system named, then a no in the rest of its clause or the clause after it."""
    said = before + after
    if re.search(_lex()["systems"]["granted"], said):  # the rare case: only then are the later systems looked for
        others = _system_mentions(after)
        said = before + (after[:others[0][0]] if others else after)
    granted = re.search(_lex()["systems"]["granted"], said)
    if granted is None:
        return False
    turned = "，".join(re.split("[，,；;。]", said[granted.end():], maxsplit=2)[:2])
    nos = find_all(turned, _lex()["modality"]["negators"])
    if any(turned[b:].lstrip().lower().startswith(tuple(_lex()["systems"]["not_all"])) for _, b, _ in nos):
        return False  # "上是上了，还没全厂推开": in use, not everywhere
    use = use_said(turned)  # "装是装了，天天在用，就是报表不好看" is in use
    return use is False or bool(nos) and use is None


def _a_thing_of_it(after: str) -> bool:
    """"AI摄像头", "物联网的平台", "IoT gateway": a technology that names a thing of it right after it."""
    syslex = _lex()["systems"]
    found = find_word(after.lstrip(" 的-"), syslex["topic_things"] + syslex["system_nouns"])
    return found is not None and found[0] == 0


def _moved_on(later: str) -> bool:
    """"……，销售嫌麻烦，现在都在微信上聊": after a system said of the past, a clause of the present says the work is
    done another way now (on WeChat, on paper, in Excel), with no system named in it and nothing that says it is still
    there ("以前用的用友，现在换成金蝶了", "原来有个OA，现在也还在用", "以前上了ERP，现在效率高多了" stay)."""
    syslex = _lex()["systems"]
    clause = next((c for c in re.split("[，,；;]", later) if has_word(c, syslex["now"])), None)
    return clause is not None and has_word(clause, syslex["instead_now"]) and not _system_mentions(clause) and \
        not has_word(clause, syslex["still_there"])


def _reverted(later: str, sid: str) -> bool:
    """"……，结果仓库还是拿本子记" / "but the crew went back to paper": after a contrast, the work is done on paper or in
    a spreadsheet again (and not said of the rest or of another scene: "其他几条线还是纸质报工", "有WMS，不过生产那边还是
    手写" leave the system in use)."""
    lex = _lex()
    contrast = find_word(later, _turns())
    if contrast is None:
        return False
    after = later[contrast[0]:]
    manual = lex["booleans"]["manual_records"]
    return has_word(after, lex["systems"]["reverted"]) and has_word(after, manual["affirm"] + manual["media"]) and \
        not said_elsewhere(after, sid)


def said_elsewhere(text: str, sid: str) -> bool:
    """Whether ``text`` speaks of the rest ("别的没有") or only of scenes system ``sid`` does not serve ("车间全靠纸单子"
    after the bookkeeping software): then what it says is not said of that system."""
    if has_word(text, _lex()["systems"]["the_rest"]):
        return True
    # the scene is in the first clause said ("不过生产那边…", "车间全靠…"; not "结果还是手写，设备也老出毛病"); one
    # before a person names a user ("车间主任")
    turn, scenes_by_words, people = _scene_reading()
    lead = re.split("[，,；;]", turn.sub("", text, count=1))[0]
    scenes = [scene for scene, (words, _) in scenes_by_words.items()
              if any(not has_word(lead[end:end + 3], people) for _, end, _ in find_all(lead, words))]
    return bool(scenes) and all(sid not in scenes_by_words[scene][1] for scene in scenes)


@per_knowledge
def _turns() -> list[str]:
    """The words that turn what follows against what came before: a contrast, or an outcome ("结果", "可")."""
    return _lex()["modality"]["contrast"] + _lex()["systems"]["outcome_turns"]


@per_knowledge
def _scene_reading() -> tuple[re.Pattern, dict[str, tuple[list[str], list[str]]], list[str]]:
    """Built once for :func:`said_elsewhere`, which runs on every later clause: a leading turn word; scene → (its words
    of two characters or more: one character is too often part of another word, "账" in "开了账号"; the systems that
    serve it); the words for people."""
    from advisor.diagnosis.assessment import scene_systems, scene_words
    turn = re.compile(f"^[\\s，,]*(?:{'|'.join(map(re.escape, _turns()))})?")
    scenes = {scene: ([w for w in words if len(w) > 1], scene_systems()[scene])
              for scene, words in scene_words().items()}
    return turn, scenes, _lex()["leading"]["deputies"] + _lex()["people"]["person_nouns"]


def use_said(text: str) -> bool | None:
    """Whether ``text`` says the system is used (a use verb), not used (one negated), or neither."""
    syslex = _lex()["systems"]
    verdict = None
    for start, end, _ in find_all(text, syslex["use_verbs"]):
        if has_word(text[end:end + 2], syslex["no_need_after"]) and \
                not any(a == end for a, _, _, _ in system_names(text)):
            continue  # "不用换": no need to, not "does not use" (but "用管家婆" uses one)
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
    state = False if has_word(clause.text, _lex()["systems"]["idle"]) else short_answer(clause)
    return None if state is None or not named else (state, named)


def _said_of_the_last(ctx: Context, clause: Clause, named: list, named_in: str) -> None:
    """"隔壁厂上了MES，我们还没有" / "刚才说有MES，其实没有": a bare yes or no about ourselves right after a clause that
    named systems answers for those systems; not one about their links ("金蝶和那个监控是两码事，不通", "T+和CRM说能对接，
    ……，没做")."""
    links = _lex()["systems"]["no_but_of"]
    if not named or clause.modality not in ("fact", "corrected") or _system_mentions(clause.text) or \
            has_word(clause.text, links) or has_word(named_in, links) and not has_word(clause.text, _lex()["modality"]["ours"]):
        return  # ("隔壁厂的MES和ERP早就对接好了，我们还没有" answers for the systems)
    if any(has_word(clause.text[end:end + 2], _lex()["systems"]["no_need_after"])
           for _, end, word in find_all(clause.text, ["不用"])):
        return  # "不用换": no need to change it, not a no
    if has_word(clause.text, _lex()["systems"]["the_rest"]) or _theirs().search(clause.text):
        return  # "财务用用友记账，其他就没有了": a no about the rest; "……，不是我们的": about whose it is
    state = answer_polarity(clause.text)
    if state is False or state and has_word(clause.text, ["我们", "我", "自己", "we"]):
        for _, _, sid, strength in named:
            ctx.add(f"system.{sid}", state, clause.text, strength + 0.05)


@per_knowledge
def _theirs() -> re.Pattern:
    """Words that say a system is someone else's, less those about whose the work is ("不是我们的事")."""
    syslex = _lex()["systems"]
    words = "|".join(map(re.escape, sorted(syslex["not_ours"], key=len, reverse=True)))
    return re.compile(rf"(?!{'|'.join(map(re.escape, syslex['not_ours_not']))})(?:{words})")


@extractor
def systems(ctx: Context) -> None:
    # the systems the clauses before named (in the same sentence), and the clause that named them; the systems an
    # echoed topic's answer just spoke of ("OA？装了。没人用。" goes on about them)
    named, named_in, sentence_index, echoed = [], "", -1, []
    for clause in ctx.message.clauses:
        if clause.sentence != sentence_index:
            named, sentence_index = echoed, clause.sentence
        answered, echoed = _answered_systems(clause), []
        if answered is not None:
            for _, _, sid, strength in answered[1]:
                ctx.add(f"system.{sid}", answered[0], f"{clause.topic}？{clause.text}", strength)
            echoed = answered[1]
            continue
        _said_of_the_last(ctx, clause, named, named_in)
        mentions = _system_mentions(clause.text)
        named, named_in = (mentions, clause.text) if mentions else (named, named_in)
        sentence = ctx.message.sentence_of(clause)
        ours = _lex()["modality"]["ours"] + _lex()["systems"]["ours_beside_theirs"]
        if _theirs().search(sentence) and not has_word(_theirs().sub("", clause.text), ours):
            continue  # "其中一家有供应商平台……那是人家的系统", "那个SRM不是我们的": someone else's
        trade = trade_of(clause) if mentions else None  # read once a clause, not once a system
        for start, end, sid, strength in mentions:
            offered_here = offered(clause, start, end, trade)
            if offered_here and sid not in _lex()["systems"]["offered_in_use"]:
                continue
            state = True if offered_here else _system_state(clause, sentence, start, end, sid)
            if state is None:
                continue
            # "没有ERP，MES就更不用说了": as the one before in its sentence; "ERP闲置。MES同样。": in any sentence
            likewise = _only_likewise(clause.text, start, end)
            if likewise or has_word(clause.text, _lex()["systems"]["let_alone"]):
                state = next((f.value for f in reversed(ctx.facts) if f.key.startswith("system.") and
                              (likewise or f.evidence in sentence) and f.evidence != clause.text), state)
            confidence = WISH if clause.modality == "wish" else strength
            if state:  # "ERP、MES那些？没有，就管家婆": the one named right after a list denied is as sure as the no,
                # and later (a later sentence's stop or correction still stands over it)
                confidence = max([confidence] + [f.confidence for f in ctx.facts if f.key == f"system.{sid}" and
                                                 f.value is False and len(_system_mentions(f.evidence)) > 1 and
                                                 f.evidence in ctx.message.as_said(sentence)])
            scenes = _named_scenes(ctx, clause, sid) if state else None
            ctx.add(f"system.{sid}", state, clause.text, confidence + (0.05 if clause.correction else 0), scenes=scenes)


@per_knowledge
def _likewise() -> re.Pattern:
    words = sorted(_lex()["systems"]["likewise"], key=len, reverse=True)  # "也是一样" before "也是"
    return re.compile("|".join(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])" for w in words), re.I)


def _only_likewise(text: str, start: int, end: int) -> bool:
    """The clause is the system and a word of the same, nothing more ("MES也一样", "WMS也是", "same with the BI tool")."""
    rest, found = _likewise().subn("", re.sub(r"[的了啊呀吧嘛呢哈啦嘞]", "", text[:start] + " " + text[end:]))
    rest = rest.strip(" ,，。.!！")
    return found > 0 and (not rest or rest.isascii() and len(rest.split()) <= 2)  # "the BI dashboard"


def only_some_in_use(ctx: Context) -> None:
    """"OA、ERP、CRM都有，但是真正用的也就ERP": of the systems a sentence names, only those said after what is really
    used and a word of only are in use; the others named before are not."""
    syslex = _lex()["systems"]
    only = "|".join(map(re.escape, sorted(syslex["only_this"], key=len, reverse=True)))
    for a, b in ctx.message.sentences:
        sentence = ctx.message.text[a:b]
        said = find_word(sentence, syslex["really_used"])
        after = sentence[said[0] + len(said[1]):] if said else ""
        if not re.match(rf"\s*(?:也|都|其实|基本)?(?:{only})", after):
            continue
        kept = {sid for _, _, sid, _ in _system_mentions(after)}
        idle = {f"system.{sid}" for _, _, sid, _ in _system_mentions(sentence[:said[0]])} - \
            {f"system.{sid}" for sid in kept}
        if not kept or not idle:
            continue
        for fact in [f for f in ctx.facts if f.key in idle and f.value is True and
                     f.evidence in ctx.message.as_said(sentence)]:
            ctx.facts.remove(fact)
        for key in sorted(idle):
            ctx.add(key, False, sentence)


def named_after_no(ctx: Context) -> None:
    """"ERP？没有，就管家婆": a kind of system said to be missing, then a product of that kind said after it as the only
    one there is: the product stands (a modest one of the kind), as sure as the no it follows."""
    only = _lex()["systems"]["only_this"]
    text = ctx.message.text
    for no in [f for f in ctx.facts if f.key.startswith("system.") and f.value is False]:
        for yes in ctx.facts:
            said = find_word(yes.evidence, only)
            if yes.key == no.key and yes.value is True and yes.confidence < no.confidence and said is not None and \
                    said[0] <= 1 and _bare(yes.evidence) and text.find(yes.evidence) > text.find(no.evidence) >= 0:
                yes.confidence = no.confidence


def _bare(text: str) -> bool:
    """Only the product and a word of what it does ("就管家婆", "就用个金蝶记账"), nothing that could make it someone
    else's, bought but idle, or being learnt."""
    return len(text.split()) <= 3 if text.isascii() else len(text) <= 8
