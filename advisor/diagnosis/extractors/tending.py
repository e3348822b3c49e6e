"""Who tends the computers (the IT staff, not who leads the digital work): a clause that says someone of the firm
looks after them, the computers as the topic a clause answers, someone who does it on the side, a bare answer to
the IT question, and outsiders who do it instead."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import Context, _lex, _readable
from advisor.diagnosis.extractors.counting import _nothing_else_counted, _person_count, doing
from advisor.diagnosis.lexicon import find_word, has_word, system_names
from advisor.diagnosis.quantities import Quantity, find_quantities
from advisor.diagnosis.reading import Clause, answer_polarity, negated, short_answer, spoken_length


def outsiders_before(ctx: Context, clause: Clause) -> str:
    """The clauses of its sentence before ``clause`` (each closed by a comma) when one of them has outsiders tend
    the computers ("网络包给外面一家公司，一年一结，"; not "物流外包出去了，"), else ""."""
    before = [c.text for c in ctx.message.clauses_of(clause.sentence) if c.start < clause.start]
    told = any(has_word(text, _lex()["people"]["outsider"]) and _names_computers(text) for text in before)
    return "".join(text + "，" for text in before) if told else ""


def tends(text: str, tended: list[str] | None = None) -> bool:
    """A clause that says someone of the firm tends the computers ("小伙子专门搞电脑"), not an outsider."""
    people = _lex()["people"]
    what = find_word(text, tended or people["tended"])
    return has_word(text, people["tend_verbs"]) and what is not None and not has_word(text, people["outsider"]) and \
        not has_word(text[what[0] + len(what[1]):][:3], people["tended_not"])  # "搞网络推广" is marketing


def computers_before(ctx: Context, clause: Clause) -> bool:
    """The computers (not the digital work) are the topic of ``clause``: its echoed topic or the clause just before
    it in its sentence names them ("电脑啊系统啊，都是跟单的小姑娘兼着弄"), and the clause names neither the work nor a turn
    ("电脑我不太懂，数字化这块是我儿子在抓" says who leads)."""
    if has_word(clause.text, _lex()["leading"]["digital_work"] + _lex()["modality"]["contrast"]):
        return False
    before = [c for c in ctx.message.clauses_of(clause.sentence) if c.start < clause.start][-1:]
    return about_computers(clause.topic + "".join(c.topic + c.text for c in before))


def about_computers(text: str) -> bool:
    """``text`` names the computers, not the digital work nor a trade ("网络推广"): who tends them is the IT people,
    not who leads."""
    leading = _lex()["leading"]  # "电脑网络这块": 这块 marks the topic here, it is not the digital work
    return _names_computers(text) and not has_word(text, [w for w in leading["digital_work"]
                                                           if w not in leading["topic_markers"]])


def _names_computers(text: str) -> bool:
    """A word for the computers, not a trade made with it ("网络推广")."""
    people = _lex()["people"]
    found = find_word(text, people["tended"])
    return found is not None and not has_word(text[found[0] + len(found[1]):][:3], people["tended_not"])


def _it_topic(ctx: Context, clause: Clause) -> str:
    """What the clause answers about the IT people, with the answer: its echoed topic ("IT？没有。"), or the clause
    just before it in its sentence when that one names them or the computers and counts no people ("电脑坏了就找外面的，
    我们没专门的人"); "" when neither."""
    people = _lex()["people"]
    if has_word(clause.topic, people["digital"]):
        return f"{clause.topic}？{clause.text}"
    before = [c for c in ctx.message.clauses_of(clause.sentence) if c.start < clause.start][-1:]
    if before and has_word(before[0].text, people["digital"] + people["tended"]) and \
            not any(_person_count(q, before[0].text) for q in find_quantities(before[0].text)):  # "电脑有十来台，……"
        return ctx.message.text[before[0].start:clause.start + len(clause.text)]
    return ""


def _tended(ctx: Context) -> tuple[float, str] | None:
    """Someone of the firm who looks after the computers ("电脑那块有个小伙子在弄", "my mom handles the computers"):
    one person, or the number counted in that clause; nobody when the tending is denied ("电脑没人管"). Asked about
    the IT people, "this" is what is tended ("这个没人专门管")."""
    people = _lex()["people"]
    for clause in ctx.message.clauses:
        # asked about the IT people, a short clause's "this" is what is tended ("这个没人专门管")
        # (or after the computers were named: "电脑？办公室有一台，没人专门管这个")
        tended = people["tended"] + (people["tended_asked"] if len(clause.text) <= 8 and (
            ctx.question == "talent" or computers_before(ctx, clause)) else [])
        opened = ctx.message.clauses_of(clause.sentence)[0]  # "电脑有毛病找俺外甥，他是材料员，顺带着管"
        if _readable(clause) and (computers_before(ctx, clause) or _it_topic(ctx, clause) or
                                  opened is not clause and _names_computers(opened.text)) and \
                has_word(clause.text, people["part_time"]) and \
                has_word(clause.text, people["tend_verbs"]) and not has_word(clause.text, people["outsider"]):
            return 1, ctx.message.sentence_of(clause)  # "电脑有毛病找会计，她兼着弄": the computers, then who does it
        if not _readable(clause) or not tends(clause.text, tended):
            continue
        verb = find_word(clause.text, people["tend_verbs"])
        if negated(clause.text, verb[0]):
            return 0, clause.text
        counted = [q.value for q in find_quantities(clause.text) if _person_count(q, clause.text)]
        return (counted[0] if counted else 1), clause.text
    return None


def _outsiders_tend(ctx: Context) -> tuple[float, str] | None:
    """Outsiders called to fix the computers and no one of the firm named ("电脑网络找外包，包年的", "电脑坏了我侄子来修，
    他在外面开电脑店"): none of the firm's own."""
    people, leading = _lex()["people"], _lex()["leading"]
    ours = people["person_nouns"] + people["someone"] + leading["self"] + leading["deputies"] + leading["third_person"]
    if any(has_word(c.text, people["tend_verbs"]) and has_word(c.text, ours) and not has_word(c.text, people["outsider"])
           for c in ctx.message.clauses):
        return None  # "电脑坏了找外面的，厂里有个小伙子也会弄一点": one of ours too
    for start, end in ctx.message.sentences:
        sentence = ctx.message.text[start:end]
        if _names_computers(sentence) and has_word(sentence, people["outsider"]) and \
                has_word(sentence, people["fix_verbs"]) and \
                not any(_person_count(q, sentence) for q in find_quantities(sentence)):
            return 0, sentence.strip()
    return None


def _part_timer(ctx: Context, none_said: str, bare: bool = False) -> tuple[float, str] | None:
    """No one dedicated (or a bare no to the question), then someone of the firm who does it on the side
    ("IT没有专职，我兼着管", "没有，行政小李顺便弄"); no IT people, then someone who tends the computers on the side
    ("IT人员没有，会计兼着管电脑"): one person."""
    people, negators = _lex()["people"], _lex()["modality"]["negators"]
    dedicated = bare or has_word(none_said, people["dedicated"])
    said = none_said.split("？")[-1]
    start = ctx.message.text.find(said) + len(said)
    for clause in ctx.message.clauses:
        side = find_word(clause.text, people["part_time"])
        it_work = people["tended"] + people["digital_chores"]
        if clause.start >= start and side is None and tends(clause.text) and not negated(
                clause.text, find_word(clause.text, people["tend_verbs"])[0]):
            side = (0, "")  # "No IT person. Our office manager handles the computers": one who does it besides
        if clause.start < start or side is None or \
                not (dedicated and not _other_side_job(clause.text, side) or tends(clause.text, it_work)):
            continue
        if has_word(clause.text, negators) or has_word(ctx.message.text[start:clause.start + len(clause.text)],
                                                       people["outsider"]):
            return None  # "兼职的也没有", "找外面的电脑公司，他们顺便看看"
        counted = [q.value for q in find_quantities(clause.text) if _person_count(q, clause.text)]
        return (counted[0] if counted else 1), clause.text  # "两个文员兼着管"
    return None


def one_more(ctx: Context, counted: tuple[float, str]) -> tuple[float, str] | None:
    """After the IT people were counted, one more said in a later clause: someone of the firm who does IT work on the
    side ("IT两个人，另外财务小张兼着管服务器", "plus a buyer who runs the WMS part-time"), or another IT post said as
    more ("另外有个专职网管"): the count with them."""
    people = _lex()["people"]
    said = ctx.message.text.find(counted[1])
    posts = "|".join(map(re.escape, people["it_posts"]))
    digital = "|".join(map(re.escape, people["digital"]))
    it_work = people["tended"] + people["digital_chores"]
    more_said: Clause | None = None  # the clause with the word of more: it or the next names the one more
    for clause in ctx.message.clauses if said >= 0 else []:
        if clause.start < said + len(counted[1]) or has_word(clause.text, people["outsider"]) or \
                has_word(clause.text, _lex()["modality"]["negators"]) or \
                any(q.value != 1 for q in find_quantities(clause.text)):
            continue  # "另外仓库有两个人兼着搞直播": others counted
        if has_word(clause.text, people["more"]):
            more_said = clause
        if more_said is None or more_said.sentence != clause.sentence:
            continue  # "IT就一个小伙子，他兼着管网络": the same one, said again
        work = has_word(clause.text, it_work) or bool(system_names(clause.text))
        if work and (has_word(clause.text, people["part_time"]) or tends(clause.text, it_work)) or \
                re.search(rf"个(?:专职的?|专门的?)?(?:{posts}|{doing()}(?:{digital}))", clause.text):
            # "另外车间主任也懂点，兼着管MES账号", "plus our office manager handles the website", "另外新招了个做数据分析的"
            return counted[0] + 1, ctx.message.text[said:clause.start + len(clause.text)]
    return None


def under_the_head(ctx: Context, counted: tuple[float, str]) -> tuple[float, str] | None:
    """The IT people counted under their head, after the head was counted or in the same words ("IT经理一个，下面带两个",
    "The IT manager has two people under him"): the head and those under them."""
    people = _lex()["people"]
    said = ctx.message.text.find(counted[1])
    for clause in ctx.message.clauses if said >= 0 else []:
        under = find_word(clause.text, people["under_head"])
        if under is None or clause.start + len(clause.text) <= said or has_word(clause.text, people["outsider"]) or \
                not ctx.message.sentences[clause.sentence][0] <= said < ctx.message.sentences[clause.sentence][1]:
            continue
        head = clause.text[:under[0]]
        if len(re.sub(r"[^\u4e00-\u9fff]", "", head)) > 2 and not has_word(head, people["digital"]):
            continue  # "车间主任下面有三十个工人": the head of someone else
        near = clause.text[under[0] + len(under[1]):][:6] if not under[1].isascii() else clause.text[:under[0]]
        below = [q for q in find_quantities(near) if q.unit in ("个", "人", "名", "位", "")]
        if below and clause.start <= said < clause.start + len(clause.text):  # one clause: the count is of those below
            return below[-1].value + 1, clause.text
        if below:
            return counted[0] + below[-1].value, ctx.message.text[said:clause.start + len(clause.text)]
    return None


def members_listed(ctx: Context, counted: tuple[float, str] | None) -> tuple[float, str] | None:
    """The IT people listed by their chores, two or more counts of 个 in one sentence with no team counted before them
    ("两个管服务器的，一个做报表的"; not "信息中心三个人，一个管网络，一个管系统"): their sum, when more than counted."""
    people = _lex()["people"]
    it_work = people["tended"] + people["digital_chores"] + people["digital"]

    def a_member(q: Quantity, sentence: str) -> bool:
        chore = re.split(r"[，,、。；;]", sentence[q.end:])[0]
        return q.unit == "个" and re.match(rf"{doing()}.", chore) is not None and \
            (has_word(chore, it_work) or bool(system_names(chore)))

    for start, end in ctx.message.sentences:
        sentence = ctx.message.text[start:end]
        members = [q for q in find_quantities(sentence) if a_member(q, sentence)]
        total = sum(q.value for q in members)
        if len(members) >= 2 and not has_word(sentence, people["outsider"]) and \
                not any(_person_count(q, sentence) for q in find_quantities(sentence[:members[0].start])) and \
                (counted is None or counted[0] < total):
            return total, sentence.strip()
    return None


def _other_side_job(text: str, side: tuple[int, str]) -> bool:
    """What is done on the side is named and is no IT work ("质检员兼做仓管"; not "兼着", "兼着弄", "兼管电脑")."""
    people = _lex()["people"]
    verbs = "|".join(map(re.escape, people["tend_verbs"]))
    done = re.sub(rf"^[着到]?在?(?:{verbs})?", "", text[side[0] + len(side[1]):])
    return len(re.sub(r"[^\u4e00-\u9fffA-Za-z]|[着了的一下点儿]", "", done)) >= 2 and \
        not has_word(done, people["tended"] + people["digital_chores"] + people["digital"])


def _asked_staff(ctx: Context) -> tuple[float, str] | None:
    """A bare answer to "do you have IT staff?": a count ("两个。", "兼职的有一个"), or nobody ("一个都没有", "None")."""
    text = ctx.message.text.strip()
    first = ctx.message.clauses[0] if ctx.message.clauses else None
    taken_back = [c for c in ctx.message.clauses if c.modality == "corrected"]
    if taken_back:  # "两个，哦不对，三个": what the correction says
        last = taken_back[-1]
        text = re.sub(r"^[\s，,。.;；]+", "", ctx.message.text[last.start + len(last.text):]).strip()
    if ctx.question == "talent" and first is not None and answer_polarity(first.text) is False:
        rest = text[len(first.text):]  # "没有，不过有两个人兼职弄网站": the no, then who does it after all
        counted = [q for q in find_quantities(rest) if q.unit in ("个", "人", "名") and not negated(rest, q.start, 3)]
        if counted and not has_word(rest, _lex()["people"]["outsider"]):
            return counted[0].value, text
        return _part_timer(ctx, first.text, bare=True) or (0, text)  # "没有，电脑坏了找外面的人修"
    if ctx.question == "talent" and first is not None:
        dedicated = find_word(first.text, _lex()["people"]["dedicated"])
        if dedicated and negated(first.text, dedicated[0]) and not find_quantities(first.text):
            return _part_timer(ctx, first.text) or (0, first.text)  # "没有专门的人，店里也没人懂这个": none dedicated,
            # and who does it on the side
        if posts := _posts_counted(ctx):
            return posts
    if ctx.question != "talent" or spoken_length(text) > 12 or has_word(text, _lex()["people"]["outsider"]):
        return None  # "外包公司派两个人": not the firm's own
    counts = [q for q in find_quantities(text) if q.unit in ("个", "人", "名", "")]
    if counts and not negated(text, counts[0].start, 3) and _nothing_else_counted(text, counts[0]):
        return counts[0].value, text
    if first is not None and (short_answer(first) is False or has_word(text, _lex()["people"]["nobody"])):
        return 0, text
    return None


def _posts_counted(ctx: Context) -> tuple[float, str] | None:
    """Asked about the IT people, people counted as dedicated or part-time ("运维由两名专职人员负责", "专职的没有，兼职的有
    两个", "专职一个，兼职两个"): their sum; none when an outsider is named ("外包公司派了两个专职的")."""
    people = _lex()["people"]
    if has_word(ctx.message.text, people["outsider"]):
        return None
    said = [(q.value, clause.text) for clause in ctx.message.clauses for q in find_quantities(clause.text)
            if q.unit in ("个", "人", "名", "位") and not negated(clause.text, q.start, 3) and
            has_word(clause.text[max(0, q.start - 5):q.end + 4], people["dedicated"] + people["part_time"]) and
            not _other_work_named(_work_said(ctx, clause, q))]
    return (sum(v for v, _ in said), "，".join(dict.fromkeys(t for _, t in said))) if said else None


def _work_said(ctx: Context, clause: Clause, q: Quantity) -> str:
    """The words after a count of posts that can name their work: the rest of its clause, and the next clause of the
    sentence when the count's own clause names no IT work ("市场部有三个全职的，专门做抖音推广")."""
    people = _lex()["people"]
    work = clause.text[q.end:]
    if has_word(clause.text, people["digital"] + people["digital_chores"] + people["tended"]):
        return work
    after = [c for c in ctx.message.clauses_of(clause.sentence) if c.start > clause.start][:1]
    return work + "".join(c.text for c in after)


def _other_work_named(text: str) -> bool:
    """Work other than IT named after a count of posts ("三个人专门搞网络推广"; not "两名专职人员负责", "两个专职的"): two
    characters left when the words of people, posts, tending and IT work and the little words are taken away."""
    return len(re.sub(r"[^\u4e00-\u9fff]", "", _post_words().sub("", text))) >= 2


@per_knowledge
def _post_words() -> re.Pattern:
    people = _lex()["people"]
    words = people["person_nouns"] + people["digital_group"] + people["dedicated"] + people["part_time"] + \
        people["tend_verbs"] + people["digital"] + people["digital_chores"] + people["tended"] + people["post_fillers"]
    return re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True))))
