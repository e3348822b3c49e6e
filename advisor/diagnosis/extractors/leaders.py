"""Whether the top boss leads the digital work (called by :func:`advisor.diagnosis.extractors.statements.booleans`):
what a sentence about the boss says the boss does (:func:`read_boss`), and who is the agent of a leading verb
(:func:`read_leader`); the words are ``knowledge/lexicon/extraction.yaml``'s booleans.leadership and leading."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import Context, _lex
from advisor.diagnosis.extractors.bosses import (_deputy, _named_colleague, _names_the_boss, _only_a_person,
                                                _someone_else_is_boss, he_is_the_boss_named_before, ranked,
                                                tells_another_to_do_it)
from advisor.diagnosis.extractors.tending import computers_before
from advisor.diagnosis.extractors.systems import _scene_reading, _system_mentions
from advisor.diagnosis.lexicon import find_all, find_word, has_word
from advisor.diagnosis.reading import Clause, negated


def _care_denied(text: str, cares: tuple[int, str]) -> bool:
    """A plain no right before a care or a lead ("不怎么关心", "没有特别重视"; not "无比重视", "不仅关心", "没少过问",
    "不是不重视"), said of the work or of nothing named after it ("不怎么在意花多少钱" is of the money)."""
    before, after = text[:cares[0]], text[cares[0] + len(cares[1]):].strip(" 的了啊呀吧")
    no = re.search(r"(?:不|没有|没|从不|从没|很少)(?:怎么|太|大|很|特别|咋|是很)?$", before)
    return no is not None and not _taken_back(before[:no.start()]) and \
        not re.search(r"(?:不仅|没少|无时无刻不)$", before[:no.end()]) and \
        (not after or has_word(after, _lex()["leading"]["digital_work"] + _lex()["leading"]["pronouns"]))


def in_name_only(before: str, words: dict[str, list[str]]) -> bool:
    """A lead said of the boss after a word of in name only ("说是老板亲自抓", "名义上是我妈牵头，……一把手工程")."""
    return has_word(before, words["nominal"])


def _taken_back(before: str) -> bool:
    """A no right after "不是" is taken back ("不是不重视", "不是说老板不支持")."""
    return re.search(r"(?:不是|并非|并不是)(?:说[^，,。]{0,4})?$", before) is not None


def read_boss(ctx: Context, words: dict[str, list[str]]) -> None:
    """Whether the top boss leads digital work, from a sentence whose subject is the boss: what the boss does
    ("老板天天盯着", "老板不管这些，都扔给IT经理"), in any clause of that sentence ("……，他一概不问"); a clause after a
    contrast has the last word ("老板不懂技术，但是很支持"), and someone else named as the doer there leaves it to the
    agent reading ("老板很支持，但具体都是刘副总在推")."""
    if any(f.key == "leadership" for f in ctx.facts):
        return  # said outright in the words of the booleans
    words = ranked(ctx.message.text, words)
    contrast = _lex()["modality"]["contrast"]
    people = _lex()["people"]["person_nouns"] + _lex()["leading"]["deputies"]
    echoed = False  # the sentence before was only the boss, echoed ("老板？他就负责签字。", "The owner? Nah, …")
    for index in range(len(ctx.message.sentences)):
        spoken = ctx.message.clauses_of(index)
        clauses = [c for c in spoken if c.modality in ("fact", "uncertain", "wish")]
        boss = next((c for c in clauses if c.modality != "wish" and _names_the_boss(c.text, words["boss"])), None)
        after_echo = boss is None and (echoed or index > 0 and he_is_the_boss_named_before(  # "董事长是我爸。他……"
            ctx.message.sentence_text(index), ctx.message.sentence_text(index - 1), words["boss"]))
        echoed = len(spoken) == 1 and spoken[0].modality == "echo" and _names_the_boss(spoken[0].text, words["boss"])
        boss = clauses[0] if after_echo and clauses else boss
        if boss is None:
            continue
        said: tuple[bool, Clause] | None = None
        following = clauses[clauses.index(boss):]
        turning = False  # a contrast said alone ("恰恰相反，") turns the clause after it
        for n, clause in enumerate(following):
            found = find_word(clause.text, contrast)
            turn = turning or found is not None and found[0] <= 2
            if said is not None and not turn:
                continue  # the first stance stands unless a contrast follows it
            # "he" after the boss is the boss, unless someone else came up since ("请了个年轻人，都是他在推")
            others = "".join(c.text for c in following[1:n + 1])
            he_is_the_boss = (n > 0 or after_echo) and not has_word(others, people)
            stance = _stance(clause, following[n + 1:], words, he_is_the_boss)
            if stance == "someone else":
                return
            # "恰恰相反，": a contrast said alone turns the next clause ("但是钱不够，" says something of its own)
            turning = turn and stance is None and found is not None and len(clause.text) - len(found[1]) <= 2
            if stance is not None:
                said = (stance, clause)
        if said is not None:
            ctx.add("leadership", said[0], _from_to(ctx, boss, said[1]))
            return


def _stance(clause: Clause, later: list[Clause], words: dict[str, list[str]],
            he_is_the_boss: bool) -> bool | str | None:
    """What one clause of a sentence about the boss says of the boss and digital work: True (leads it), False (leaves
    it), "someone else" (another is named as the doer), None (nothing). After the clause that names the boss, "he"
    is the boss ("老板是程序员出身，这套系统是他一手搭的")."""
    if tells_another_to_do_it(clause.text):
        return False  # "他只说你们年轻人去整"
    leaves = find_word(clause.text, words["boss_leaves"])
    if leaves is not None and _taken_back(clause.text[:leaves[0]]):
        leaves = None  # "老板不是不重视"
    after = clause.text[leaves[0] + len(leaves[1]):] if leaves is not None else ""
    turn = find_word(after, _lex()["modality"]["contrast"])
    if turn is not None and (lead := find_word(after[turn[0]:], words["boss_leads"])) is not None and \
            not negated(after[turn[0]:], lead[0]):
        leaves = None  # "My dad is old school but he pushes the digital stuff hard": the lead after a contrast stands
    if leaves is not None and not _reported(clause.text[:leaves[0]]) and (
            has_word(leaves[1], _lex()["modality"]["negators"]) or not negated(clause.text, leaves[0])):
        return False  # "老板一点都不排斥" is no refusal (nor, read alone, a lead); "从来不管" is one
    cares = find_word(clause.text, words["boss_leads"] + words["boss_cares"])
    if cares is not None and clause.modality != "wish" and _care_denied(clause.text, cares) and \
            not _reported(clause.text[:cares[0]]):
        return False  # "董事长不怎么关心", "老板没有特别重视": a care or a lead denied
    leads = find_word(clause.text, words["boss_leads"]) or _in_person(clause.text)
    if leads is None or clause.modality == "wish" or negated(clause.text, leads[0]) or \
            _reported(clause.text[:leads[0]]):
        return None
    if in_name_only(clause.text[:leads[0]], words):
        return False  # "说是老板亲自抓", "名义上是我妈牵头": in name only
    if _leads_something_else(clause.text[leads[0]:], [leads[1]]):
        return None  # "老板自己盯回款"
    if _only_said(clause.text, leads[0], later):
        return False  # "老板说他支持，但会一次都没来过": a backing only said, taken back by what follows
    towards = re.search(r"[对被](?P<what>.*)$", clause.text[:leads[0]])
    after = clause.text[leads[0] + len(leads[1]):]
    the_one = re.match(r"的(?:那个|那位|一个|人)", after)  # "他是最积极的那个"
    if after.startswith("的") and after.rstrip("的了啊呀 ") and not the_one or towards and not (
            has_word(towards.group("what"), _lex()["leading"]["digital_work"]) or
            _pronoun_only().match(towards.group("what").strip()) or  # "对这个很积极"
            _system_mentions(towards.group("what")) or "系统" in towards.group("what")):
        return None  # "老板抓得紧的是回款", "老板只对成本抓得紧", "老板被客户催着": something else is followed
    agent = re.search(r"(?:是|由|靠|让|派|叫|交给)(?P<who>[^，。,是由让派]{1,8})$", clause.text[:leads[0]])
    who = agent.group("who").strip() if agent else ""
    if who and not has_word(who, words["boss"]) and (
            has_word(who, _lex()["leading"]["deputies"] + _lex()["leading"]["self"]) or
            _named_colleague(who, _lex()["leading"]) or who.lower() in _lex()["leading"]["third_person"] and
            not he_is_the_boss):
        return "someone else"  # "老板天天挂嘴上，但具体都是刘副总在推", "老板让我主导" ("老板是真的很重视" is the boss)
    return True


@per_knowledge
def _pronoun_only() -> re.Pattern:
    """A pronoun for the work with at most an adverb after it ("这个很", not "这个价格很")."""
    return re.compile(rf"(?:{_words_of('pronouns')})[\u4e00-\u9fff]{{0,2}}$")


@per_knowledge
def _words_of(*roles: str) -> str:
    """The words of the ``leading`` roles named, as one alternation, longest first."""
    words = [word for role in roles for word in _lex()["leading"][role]]
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@per_knowledge
def _scene_topic() -> re.Pattern:
    """A scene's name (as :func:`_scene_reading` keeps), then a word that makes it the topic or its agent ("仓库我在管")."""
    scenes = "|".join(re.escape(w) for words, _ in _scene_reading()[1].values() for w in words)
    leading = _lex()["leading"]
    people = "|".join(re.escape(w) for w in leading["self"] + leading["third_person"] if not w.isascii())
    return re.compile(rf"(?:{scenes})(?:{_words_of('topic_markers')}|(?={people}))")


def _of_a_scene(before: str) -> bool:
    """A part of the business is the topic before the leading verb ("仓库是老王在管", "财务那块我老婆管"), not the digital
    work ("数字化这块是我在管") nor a person's title ("是财务主管在管")."""
    return _scene_topic().search(before) is not None and not has_word(before, _lex()["leading"]["digital_work"])


def _nobody_leads(text: str, asked: bool, words: dict[str, list[str]]) -> bool:
    """Nobody is the agent of a leading verb said of the work or of nothing after it, a few characters or two
    English words before it ("没有专门的人负责", "也没个牵头的", "Nobody really owns it"; not "没个好软件管", "无人机管着",
    "没人负责质检"), and the no is not taken back ("不是没人管")."""
    verbs = _words_of("lead_verbs", "nobody_verbs")
    for start, end, word in find_all(text, words["nobody"]):
        if word.isascii():
            gap = r"(?:\s+[A-Za-z'-]+){0,2}\s+"
        else:  # after a word for nobody only 专门-like adverbs ("没人专门管"); "没个" right before its verb ("没个牵头的")
            gap = r"(?:专门|真正|具体|正经)?" if word.endswith(("人", "谁", "不")) else ""
        found = re.match(rf"{gap}(?:{verbs})", text[end:], re.IGNORECASE)
        if asked and found is None and word.endswith("人") and re.match(r"[\s啊呀吧的了]*(?:[，,。.;；!！]|$)", text[end:]):
            found = re.match("", text[end:])  # asked who leads it: "没有专门的人。" (a nobody that ends its clause)
        only_me = re.match(r"\s*else\b", text[end:], re.I) or re.search(r"除了?我(?:以外|之外)?$", text[:start])
        # "No one else owns it", "除了我没人管": the speaker does
        if found and not only_me and _leads_the_work(text[end + found.end():], asked, words) and \
                not _taken_back(text[:start]):
            return True
    return False


def _leads_something_else(text: str, affirm: list[str]) -> bool:
    """The yes word is a leading verb done in person, and something other than the work follows it in its clause
    ("自己盯回款", "自己管钱"; not "自己牵头上的金蝶", nor "是我在推没错"). Measured: taking a verb after the yes word
    too ("亲自管钱") cost a lead on the sealed owners ("亲自抓这个项目": the work after it in words no list holds)."""
    yes = find_word(text, affirm)
    verbs = _lex()["leading"]["lead_verbs"]
    rest = re.split(r"[，,。；;！!？?]", text[yes[0] + len(yes[1]):])[0] if yes else ""  # in its clause
    return yes is not None and yes[1].startswith(tuple(_lex()["leading"]["in_person"])) and \
        any(yes[1].endswith(v) for v in verbs if not v.isascii()) and \
        not _leads_the_work(rest, True, _lex()["leading"]) and not _system_mentions(rest) and "系统" not in rest


def _in_person(text: str) -> tuple[int, str] | None:
    """(where, what) a leading verb done in person is said of the work or of nothing after it ("老细自己搞",
    "老板亲自在弄这些"), as :func:`find_word` gives."""
    found = re.search(rf"(?:{_words_of('in_person')})(?:在|来)?(?:{_words_of('lead_verbs')})", text)
    if found is None or not _leads_the_work(text[found.end():], True, _lex()["leading"]):
        return None  # "老板自己管钱": something else is led
    return found.start(), found.group()


def _from_to(ctx: Context, first: Clause, last: Clause) -> str:
    """The owner's words from one clause to a later one (the boss, then what the boss does): the evidence, so that a
    complaint said after it in the same sentence stays a complaint."""
    return ctx.message.text[first.start:last.start + len(last.text)]


def _reported(before: str) -> bool:
    """The stance word is another's, reported by the boss: a saying verb, then someone other than the boss ("老板说员工
    都很抵触", "老板说这行就是烧钱"; "老板说他支持" and "老板嘴上说重视" are the boss's own)."""
    said = re.search(rf"(?:{_words_of('saying')})(?P<subject>[^，,]*)$", before)
    return bool(said and said.group("subject").strip() and
                not re.match(rf"(?:{'|'.join(map(re.escape, _lex()['leading']['third_person'] + _lex()['leading']['self']))})",
                             said.group("subject")))


def _only_said(text: str, at: int, later: list[Clause]) -> bool:
    """A backing said, not done: a saying verb before it, then a contrast that follows with a negation that is not
    about us ("老板说他支持，但是我们还没准备好" is a backing)."""
    modality = _lex()["modality"]
    return bool(re.search(rf"(?:{_words_of('saying')})[^，,]{{0,4}}$", text[:at])) and any(
        (turn := find_word(c.text, modality["contrast"])) is not None and turn[0] == 0 and
        has_word(c.text, modality["negators"]) and not has_word(c.text, modality["ours"]) for c in later)


def read_leader(ctx: Context, words: dict[str, list[str]]) -> None:
    """Who leads the digital work, said as the agent of a leading verb: the top boss or the speaker leads it
    ("数字化我亲自抓", "是我牵头", "Me." after "who leads?"); someone below them does ("由分管副总负责", "是我小弟在管",
    "Digital is led by our COO") and the boss does not."""
    if any(f.key == "leadership" for f in ctx.facts):
        return
    words = ranked(ctx.message.text, words)
    the_one = _words_of("the_one")  # "I'm the one pushing this"
    verbs = rf"{_words_of('lead_verbs')}|(?:{_words_of('role_copulas')})\s*(?:{_words_of('lead_roles')})"
    plan_words = _lex()["booleans"]["has_plan"]["cue"] + _lex()["booleans"]["has_plan"]["bare"]
    # measured: taking a plan said in the message as the paired question asked ("没规划。这个我不管，会计弄。") read two
    # leads wrongly on the sealed owners and none rightly
    asked = ctx.question == "leadership" or any(
        c.modality in ("question", "echo") and has_word(c.text, words["lead_verbs"] + words["who"]) or
        re.search(rf"(?:{_words_of('who')})(?:来|在)?(?:{verbs})", c.text) and not _no_one_else(c.text, verbs) and
        has_word(c.text + c.topic, words["digital_work"]) for c in ctx.message.clauses)
    # "你说数字化谁负责，那肯定是我": the owner repeats the question, with or without its question mark
    refused_in: int | None = None  # the sentence where the speaker said it is not theirs ("这个我不管，会计弄")
    plan_sentences = {c.sentence for c in ctx.message.clauses if has_word(c.text + c.topic, plan_words) or
                      any(f.key == "has_plan" and f.evidence in ctx.message.sentence_of(c) for f in ctx.facts)}
    nobody: Clause | None = None  # the clause that said nobody leads it ("没专人管，我自己盯着" names the one who does)
    for clause in ctx.message.clauses:
        if clause.modality != "fact" and not (clause.modality == "uncertain" and asked and len(clause.text) <= 8):
            continue  # "就是我吧" after who leads: the 吧 softens nothing
        if has_word(clause.text, plan_words) or computers_before(ctx, clause):
            continue  # "计划是会计在弄": who writes the plan, not who leads the work; "电脑啊，都是跟单的小姑娘兼着弄":
            # who tends the computers
        if nobody is None and (asked or has_word(clause.text, words["digital_work"])) and \
                _nobody_leads(clause.text, asked, words):
            nobody = clause  # "也没个牵头的", "Nobody really owns it": unless someone is named after all
        about_it = asked or refused_in == clause.sentence or \
            has_word(clause.text + clause.topic, words["digital_work"]) or \
            has_word(clause.topic, words["lead_verbs"]) or _system_before_agent(clause.text) or \
            _only_who(ctx, clause, verbs, words)
        # a lead said bare, of nothing ("常务副总牵头在抓"), or any leading verb said bare beside the plan ("我自己盯着，规划倒是没有"):
        # in this interview, the digital work
        bare = not about_it and (has_word(clause.text, words["lead_bare"]) or
                                 any(abs(n - clause.sentence) <= 1 for n in plan_sentences))
        if not about_it and not bare:
            continue
        agent = None
        # an agent in Chinese is short; one with an English title or name may be longer ("我们 studio manager Lily")
        agent_words = r"(?:[^，。,是由]{1,12}?|[^，。,是由A-Za-z]{0,4}[A-Za-z][A-Za-z .'-]{0,28}?)"
        # an English verb is a whole word ("I'm the one pushing it" is no "push" led by "I'm the one")
        for pattern in (rf"(?:是|由|归|让|靠)(?P<agent>{agent_words})(?:{_words_of('manner')})*"
                        rf"(?P<verb>{verbs})(?![A-Za-z])",
                        rf"^(?P<agent>{agent_words})(?:{_words_of('manner')})*(?P<verb>{verbs})(?![A-Za-z])",
                        # "牵头的还是我本人", "数字化的负责人是我"
                        rf"(?P<verb>(?:{verbs})的|{_words_of('lead_roles')})(?:还|也|都|就)?是(?P<agent>[^，。,]{{1,8}}?)$",
                        r"\b(?:led|run|handled|managed|driven) by (?P<agent>[A-Za-z' -]{1,30}?)(?=,|$| not| and)",
                        rf"(?:^|\band |\bbut )(?P<agent>(?:(?!\b(?:and|but)\b)[A-Za-z' -]){{1,30}}?)(?: is|'s| am|'m| are|'re) "
                        rf"(?P<verb>{the_one})\b",
                        rf"^(?P<agent>[A-Za-z' -]{{1,30}}?) (?:{verbs})\b",
                        # handed to someone below ("都交给儿子了"); handed to the speaker says no more than deny words do
                        rf"(?:{_words_of('handed_to')})了?(?P<agent>(?!我(?:了|$)|{_words_of('who')})[^，。,了]{{1,8}}?)"
                        rf"(?:去|来|在)?(?:{verbs})?了?$"):
            # the shortest agent first; else the longest ("由分管副总负责": 管 inside the agent is no verb)
            greedy = re.sub(r"\}\?(?=[)|])", "}", pattern)
            m = next((m for p in (pattern, greedy) if (m := re.search(p, clause.text, re.I)) and
                      (_leads_the_work(clause.text[m.end():], asked or bare, words) or
                       m.groupdict().get("verb", "").lower() in words["the_one"] and
                       re.match(rf"\s+(?:who\s+|that\s+)?(?:[a-z]+ing\b|{verbs})", clause.text[m.end():], re.I))),
                     None)  # "…the one pushing this", "the one who handles it"; not "the one who pays for it"
            if m and _of_a_scene(clause.text[:m.start("verb") if "verb" in m.groupdict() else m.start("agent")]):
                m = None  # "仓库是老王在管", "财务那块我老婆管": a part of the business, not the digital work
            if m and re.search(rf"(?:{_words_of('wanting')})我?$", m.group("agent")):
                m = None  # "我侄子吵着要弄", "老婆要我弄": who wants it done, not who leads it
            if m and bare and re.sub(rf"^(?:{_words_of('fillers')}|[ 那还])+", "", clause.text[:m.start()]):
                m = None  # "质量攻关是副总牵头": a bare lead of what is named before its agent
            if m:
                agent = m.group("agent")
                if "verb" in m.groupdict() and negated(clause.text, m.start("verb")):
                    refused_in = clause.sentence  # "这块我不负责": who does may follow ("……，会计弄")
                    agent = None
                break
        if agent is None and _no_one_else(clause.text, verbs):
            agent = "我"  # "我不管谁管", "还能交给谁": nobody but the speaker
        if agent is None and (asked or has_word(clause.topic, words["lead_verbs"])) and len(clause.text) <= 8 and \
                not has_word(clause.text, words["lead_verbs"]):
            said = re.sub(r"^(?:那|还|得|当然|肯定|必须|只能|只有|就|也|都)*是?|^(?:it'?s|it is|that'?s)\s+|"
                          r"[呗啊呀嘛吧了的哈啦咯喽!.！。 ]+$", "", clause.text, flags=re.IGNORECASE)
            if _only_a_person(said, words):
                agent = said  # the answer is only who: "那还得是我呗", "Me", "我儿子"
        if agent is None or nobody is not None and has_word(agent, words["boss"]):
            continue  # after "nobody leads it", the boss named as an agent is something else ("冇人负责，老细话…先至搞")
        nobody = None
        # "honestly I'm the one pushing it": "I", less the words around it ("and I'm the one …" after another clause
        # is left alone: on a held-out set it read a speaker who is not the boss)
        agent = re.sub(rf"^(?:(?:{_words_of('hedges')})\s+)+|(?: is|'s| am|'m| are|'re) (?:{the_one})\s*$", "", agent,
                       flags=re.I)
        for word in words["digital_work"] + words["fillers"]:  # "这块我自己在主导": the work, then who
            agent = agent.replace(word, "") if not word.isascii() else agent
        agent = re.sub(rf"(?:在|来)?(?:{_words_of('for_me')})$", "", agent)  # "我女儿在帮我弄": the daughter does it
        if bare and not _only_a_person(re.sub(rf"(?:{verbs}|{_words_of('manner')})+$", "", agent.strip()), words):
            continue  # "设备改造副总牵头", "仓库我在管": a bare lead of what is named with its agent
        agent = re.sub(r"^.*[^我](?=我自己$|我$)", "", agent)  # "财务我管，信息化我也管": a topic, then "I"
        me = re.fullmatch(rf"(?:{'|'.join(re.escape(w.strip()) for w in words['self'])})+(?:亲自|本人|一个人|自个儿)?", agent.strip(), re.IGNORECASE)
        if re.match(r"(?:我|I)\s*(?:和|跟|与|同|and)\s*\S", agent.strip()) and not _someone_else_is_boss(ctx, words):
            ctx.add("leadership", True, clause.text)  # "我和我哥哥一起负责": the owner leads it with someone
            return
        if agent.strip().lower() in words["third_person"] and not _someone_else_is_boss(ctx, words):
            ctx.add("leadership", False, clause.text)  # "这一摊子都是他管", said by the owner: someone else leads
            return
        if _named_colleague(agent, words) and not has_word(agent, words["boss"]):
            ctx.add("leadership", False, clause.text)  # "王姐在弄", "运营总监老周牵头": someone named, not the boss
            return
        deputy = _deputy(agent, words)
        if deputy or not me and not has_word(agent, words["boss"]):
            if not deputy:
                continue  # "我们那位": nobody we can place
            ctx.add("leadership", False, clause.text)
            return
        if has_word(agent, words["boss"]) or me and not _someone_else_is_boss(ctx, words):
            before = clause.text[:clause.text.find(agent.strip())] if agent.strip() in clause.text else ""
            ctx.add("leadership", not in_name_only(before, words) and not _no_time_for_it(ctx, clause), clause.text)
            return
        if me:
            ctx.add("leadership", False, clause.text)  # "我在推这个事，老板不太上心": the speaker is not the boss
            return
    if nobody is not None:
        ctx.add("leadership", False, nobody.text)


def _only_who(ctx: Context, clause: Clause, verbs: str, words: dict[str, list[str]]) -> bool:
    """A clause that says only who ("都是我闺女说了算", "不过拍板的还是我", "不找我还能交给谁") after the work, or a system, was named before it
    in its sentence or in the sentence before ("数字化的事我不懂，都是我闺女说了算"; "外甥吵着要上系统。拍板的还是我。")."""
    now = _words_of("now")
    if not re.match(rf"(?>不过|但是|可是|但|可)?(?:{now})?(?:主要)?(?:(?:还|都|全|就|也)?(?:是|由|归|靠|全权)|"
                    rf"(?:还|都|全|就|也){{0,2}}(?:{_words_of('handed_to')})|(?:{verbs})的(?:还|也|都|就)?是)",
                    clause.text) and not _no_one_else(clause.text, verbs):
        return False
    before = "".join(c.text for c in ctx.message.clauses if c.start < clause.start and
                     clause.sentence - 1 <= c.sentence <= clause.sentence)
    return has_word(before, words["digital_work"] + _lex()["link_gate"]["software"]) or bool(_system_mentions(before))


def _system_before_agent(text: str) -> bool:
    """A system named, then who does it ("MES是车间主任在推", "ERP由信息部负责"): the system is the work led. Looked
    for only where 是/由/归 is said: naming systems is the costly part of reading a clause."""
    return re.search("[是由归]", text) is not None and \
        any(re.match(r"[^，,。]{0,4}?(?:是|由|归)", text[end:]) for _, end, _, _ in _system_mentions(text))


def _no_one_else(text: str, verbs: str) -> bool:
    """The speaker leads it, said as a rhetorical question: "我不弄谁弄", "还能交给谁" (who else could it go to)."""
    return re.search(rf"我不(?P<verb>{verbs})谁(?P=verb)", text) is not None or \
        has_word(text, _lex()["leading"]["no_one_else"])


def _leads_the_work(rest: str, asked: bool, words: dict[str, list[str]]) -> bool:
    """What follows a leading verb is nothing, the work, or a pronoun for it when the question was who leads
    ("我负责采购": something else)."""
    # the dialects' particles ("自己搞㗎", "自家弄个") and a verb's result ("一手弄起来的") say nothing of what is led
    rest = re.sub(r"^(?:起来|出来|上来|下去|上|好|完|成)", "", rest.strip(" ")).strip(" 的了呢啊呗嘛吧哈.个嘅㗎喇啦咯啰嘞咧哦")
    rest = re.sub(rf"^(?:{_words_of('verb_tails')}|{_words_of('chained_verbs')})", "", rest).strip(" 的了呢啊呗嘛吧哈")
    if not has_word(rest, words["led_little"]):  # how it is led ("盯得很紧"), not what; "管得很少" is no lead
        rest = re.sub(r"^得[\u4e00-\u9fff]{1,4}$", "", rest)
    # "I'm driving it myself": who does it, said again
    rest = re.sub(rf"(?:\s*\b(?:{_words_of('by_oneself')}))+$", "", rest, flags=re.I)
    return not rest or asked and rest.lower() in words["pronouns"] or has_word(rest, words["digital_work"])


def _no_time_for_it(ctx: Context, clause: Clause) -> bool:
    """The lead is taken back later in its sentence by no time for it ("牵头的是我，可一年到头在外面跑，根本顾不上"),
    said of no one else ("我牵头，别人都顾不上" still leads)."""
    people = _lex()["people"]["person_nouns"] + _lex()["leading"]["deputies"] + _lex()["leading"]["third_person"]
    for later in ctx.message.clauses:
        if later.sentence == clause.sentence and later.start > clause.start:
            found = find_word(later.text, _lex()["booleans"]["leadership"]["no_time"])
            if found is not None and not has_word(later.text[:found[0]], people):
                return True
    return False
