"""Whether a written digital plan exists: the plan words of ``knowledge/lexicon/extraction.yaml`` (booleans.has_plan)
read clause by clause (called by :func:`advisor.diagnosis.extractors.statements.booleans`)."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import Context, _lex
from advisor.diagnosis.lexicon import find_word, has_word
from advisor.diagnosis.reading import Clause, after_answer, answer_polarity, first_answer, negated, short_answer


def read_plan(ctx: Context, words: dict[str, list[str]]) -> None:
    """has_plan from the first clause that speaks of a plan: said, denied, taken back, still being written, of something
    else, or another body's ("总部有一个数字化规划，我们校区自己没有")."""
    bare, none, adverbs = ("|".join(map(re.escape, words[k])) for k in ("bare", "answered_none", "adverbs"))
    for clause in ctx.message.clauses:
        if clause.modality == "fact" and has_word(clause.text, words["none_said"]):
            ctx.add("has_plan", False, clause.text)
            return
        # a bare plan as the subject, denied ("计划木有写过", "计划更没有"), or none of it said alone ("没计划")
        if re.match(rf"(?:{bare})书?(?:{adverbs})*(?:{none})(?:写过|做过|写|了|啊|呢|\s)*$|"
                    rf"(?:没有?|木有)(?:什么|啥)?(?:{bare})书?[了啊呀的]*$", clause.text):
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
            continue  # "新厂房的规划": a plan of something else
        if has_word(clause.text[:hit[0]], _lex()["plan_of_others"]["holders"]):  # "总部有一个数字化规划，我们校区自己没有"
            ours = _ours_denied(ctx, clause)
            if ours is not None:
                ctx.add("has_plan", False, ours.text)
                return
            continue  # someone else's plan says nothing of ours
        said_no = negated(clause.text, hit[0]) if hit[0] < len(clause.text) else short_answer(clause) is False
        said_no = said_no or later_no or \
            has_word(clause.text[hit[0]:] if hit[0] < len(clause.text) else clause.text, words["deny"])
        # a plan still being written is not there yet ("正在起草，还没弄完", "咨询公司在做，下个月出初稿")
        said_no = said_no or has_word(clause.text, words["drafting"]) or \
            has_word(ctx.message.sentence_of(clause), words["unfinished"])
        if not said_no and has_word(rest, words["not_a_plan"]) and \
                not has_word(clause.text, _lex()["leading"]["digital_work"]):
            continue  # "规划有的，……就是新办公楼的建设规划": a yes said of a plan of something else
        ctx.add("has_plan", not said_no, clause.text)
        return
    if ctx.question == "leadership":
        _answered_first(ctx, words)


def _answered_first(ctx: Context, words: dict[str, list[str]]) -> None:
    """Asked whether a written plan exists and who leads, an answer that names no plan answers the first question
    first: "没有，我自己抓", "有，去年请人写的", "没写过", "没有书面的" (not "不是我，是我儿子", "有人管", "没人牵头": who
    leads; a question back is skipped: "有规划吗？好像没有")."""
    first = first_answer(ctx.message, statements_only=True)
    if first is None or first.start > 6 or has_word(ctx.message.text, words["not_a_plan"]):
        return  # "有，不过是生产计划"
    if has_word(first.text, words["deny_later"]):
        ctx.add("has_plan", False, first.text)
        return
    said = next((value for value in (True, False) if (hit := find_word(first.text, words[
        "answered_have" if value else "answered_none"])) is not None and answer_polarity(first.text) is value and
                 (not (rest := after_answer(first.text, hit)) or has_word(rest, words["written"]))
                 and hit[0] <= 2), None)
    # a have taken back, in words that are not of who leads ("有是有，没写下来", "有，还在写"; not "有，还没定谁牵头")
    taken_back = [c.text for c in ctx.message.clauses if not has_word(c.text, _lex()["leading"]["lead_verbs"])]
    if said and has_word("，".join(taken_back), words["deny_later"] + words["unfinished"] + words["drafting"]):
        said = False
    if said is not None:
        ctx.add("has_plan", said, first.text)


def _ours_denied(ctx: Context, clause: Clause) -> Clause | None:
    """A later clause of the same sentence that says we have none ("……，我们自己还没有")."""
    lex = _lex()
    return next((c for c in ctx.message.clauses_of(clause.sentence) if c.start > clause.start and
                 has_word(c.text, lex["modality"]["ours"] + lex["systems"]["ours_beside_theirs"]) and
                 has_word(c.text, lex["plan_of_others"]["ours_none"])), None)
