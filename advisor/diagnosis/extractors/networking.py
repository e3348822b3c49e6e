"""The share of networked equipment: a percentage or a fraction said with a networking word, a part counted against
the whole ("冲床三十台，联网的八台"; the whole may be counted in the sentence before: "We have 48 CNC machines. Boxes
went on 20 of them"), a no said of all the machines ("一台都没联网", "冇一样系连网嘅"), and a share of the whole plant
over one of a workshop."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import Context, _cue_before, _lex
from advisor.diagnosis.lexicon import find_word, has_word, system_names
from advisor.diagnosis.quantities import Quantity, find_quantities, fraction_percent
from advisor.diagnosis.reading import Clause, after_answer, negated, short_answer


def _counts(text: str) -> list[Quantity]:
    """Counted things (台, 条, 套, 个 or bare numbers), not people, money or shares."""
    return [q for q in find_quantities(text) if q.unit in ("台", "部", "条", "个", "套", "") and q.value < 10_000]


def _ratio(sentence: str, clause: Clause, earlier: str = "") -> float | None:
    """A part of a whole, as a percentage: the count said with the networking words ("联了二十四台", "联网的八台",
    "就这四台") against the largest other count of the sentence ("冲床三十台", "四十多台里"), or of the sentence before
    when this one points back at it ("We have 48 CNC machines. Boxes went on 20 of them")."""
    eq = _lex()["equipment"]
    counts = _counts(sentence)
    if len(counts) == 1 and (has_word(sentence, eq["of_those"]) or _machines_counted(earlier)) and \
            (before := _counts(earlier)):
        whole = max(before, key=lambda q: q.value)  # placed before the sentence: it is never the part
        counts = [Quantity(value=whole.value, unit=whole.unit, start=-1, end=-1, text=whole.text)] + counts
    offset = sentence.find(clause.text)
    said = [q for q in _counts(clause.text)]
    if said and offset >= 0:
        part, part_start = said[-1], offset + said[-1].start
    else:  # "四十多台设备里……只有那四台"
        part = next((q for q in counts if _cue_before(sentence, q.start, eq["only"], 6)), None)
        part_start = part.start if part else -1
    if part is None:
        return None
    alone = not _cue_before(clause.text, said[-1].start, eq["only"], 4) if said else False  # not "就一台没有"
    if part.value == 1 and said and (re.match(r"\s*(?:都|也)", part.after(clause.text, 2)) or
                                     alone and re.fullmatch(r"\s*没有?[的了啊呀]*", clause.text[said[-1].end:]) or
                                     # "注塑机五十台，一台没联网": not one ("有一台没联网", "一台没联网，其余都接了"
                                     # are one of them)
                                     _not_one_networked(clause.text, said[-1], sentence[offset + len(clause.text):]) or
                                     any(clause.text[:said[-1].start].endswith(w) for w in eq["no_single"])):
        return 0.0  # "一台都没联网", "没有一台联网", "联网？一台没有": not one
    if len(counts) < 2:
        return None
    part_value = part.value
    # the whole is counted in the part's unit ("两条产线共四十台，联网了一条线" is no share of the machines)
    whole = max((q for q in counts if q.start != part_start and (not part.unit or not q.unit or q.unit == part.unit)),
                key=lambda q: q.value, default=None)
    if whole is not None and whole.start > part_start and has_word(sentence[max(whole.start - 4, 0):whole.start],
                                                                   _lex()["systems"]["the_rest"]):
        whole = Quantity(value=whole.value + part_value, unit=whole.unit, start=whole.start, end=whole.end,
                         text=whole.text)  # "新买的六台能联网，剩下十八台都不行": the rest and the part make the whole
    if whole is None or not (0 < part_value or part.unit) or part_value > whole.value:  # "联网的零台": none
        return None
    if said and (has_word(clause.text, eq["none_networked"]) or negated(clause.text, said[-1].start)):
        part_value = whole.value - part_value  # "三十台里没联的有二十台"
    return round(part_value / whole.value * 100, 1)


def _machines_counted(sentence: str) -> bool:
    """The sentence only counts the machines ("注塑机四十台。"), so the next one may count a part of them without
    pointing back ("十台新的接了")."""
    eq = _lex()["equipment"]
    counts = _counts(sentence)
    return len(counts) == 1 and counts[0].unit in eq["machine_units"] and len(sentence.strip("。.！! ")) <= 12 and \
        not has_word(sentence, eq["networked"] + eq["none_networked"] + eq["partial"])


def _not_one_networked(text: str, one: Quantity, after: str) -> bool:
    """"一台没联网" closing its clause, with no word before the one that makes it one of them ("其中一台没联网", "有一台")
    and none after it that says the rest are ("……，剩下的都连上了")."""
    eq = _lex()["equipment"]
    return _cue_before(text, one.start, eq["one_of_them"], 4) is None and not has_word(after, eq["partial"]) and \
        _not_networked().fullmatch(text[one.end:]) is not None


@per_knowledge
def _not_networked() -> re.Pattern:
    """A no, then a networking word, closing the clause ("没联网了"): compiled once, not on every turn."""
    eq = _lex()["equipment"]
    alternation = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
    return re.compile(rf"\s*(?:{alternation(eq['no_single'])})(?:{alternation(eq['networked'])})[\s了啊呀吧。.]*")


@per_knowledge
def _capable() -> re.Pattern:
    """Words that say machines could be networked, which says nothing of whether they are."""
    return re.compile("|".join(map(re.escape, _lex()["equipment"]["capable"])))


def _overall(text: str) -> bool:
    """"……，总的来说一半多吧": a share of the whole said after its parts, with nothing else it could measure (not
    "整体良品率百分之九十五", "总体上七成的订单还是靠电话")."""
    eq = _lex()["equipment"]
    found = find_word(text, eq["overall"])
    if found is None or found[0] > 2 and not re.fullmatch(r"(?:so|and|but),?\s+", text[:found[0]], re.I):
        return False  # "so overall about 20%"
    rest = re.sub(r"\bof (?:our |the |all )*(?:equipment|machines|machinery|fleet)\b", "",
                  text[found[0] + len(found[1]):])
    share = next((q.text for q in find_quantities(rest) if q.unit == "%"), None) or \
        (fraction_percent(rest) or ("", ""))[1]
    for word in eq["overall"] + [share] * bool(share):  # "整体算起来一半一半吧", "Call it 90 percent"
        rest = rest.replace(word, "")
    return has_word(rest, eq["networked"]) or len(re.sub(r"[\s大概约差不多左右吧啊的呢也就.。]", "", rest)) <= (1 if share else 4)


def _of_the_whole(clauses: list[Clause], n: int) -> bool:
    """Clause ``n`` says a share of all the equipment: after its parts ("总的来说一半多吧"), or of the whole plant named
    in it or in the bare clause before it ("车间八成，但就全厂而言，联网的占三成": the whole wins over a part)."""
    eq, text = _lex()["equipment"], clauses[n].text
    before = clauses[n - 1].text if n and not find_quantities(clauses[n - 1].text) else ""
    return _overall(text) or has_word(before + text, eq["whole"]) and (
        has_word(before + text, eq["networked"]) or _bare_share(text))


def _bare_share(text: str) -> bool:
    """Nothing measured after the share ("全厂算下来也就三成"; not "全厂百分之十的人会用电脑", "全公司一半是老设备")."""
    pct = next((q for q in find_quantities(text) if q.unit == "%"), None)
    fraction = None if pct else fraction_percent(text)
    end = pct.end if pct else text.find(fraction[1]) + len(fraction[1]) if fraction else len(text)
    return re.fullmatch(r"[\s左右上下吧啊呢的样子了。.,，!！~]*", text[end:]) is not None


def _share_in(text: str) -> float | None:
    """A percentage or a fraction in words said in ``text``."""
    pct = next((q.value for q in find_quantities(text) if q.unit == "%"), None)
    return pct if pct is not None else (fraction_percent(text) or (None,))[0]


def _of_a_measure(text: str, q: Quantity) -> bool:
    """The share is of a measure named before it in its clause, not of the networking ("准时交货率从七成提到了九成",
    "yield is 95%"; "联网率三成" is ours)."""
    eq = _lex()["equipment"]
    return has_word(text[:q.start], eq["measures"]) and not has_word(text, eq["networked"])


def _share_said(clause: Clause, nearby: list[Clause], sentence: str, earlier: str = "") -> float | None:
    """The share of networked equipment one clause says: none, a percentage, a fraction in words, or a part of a
    whole; a remark about some workshops is not the share of all."""
    eq = _lex()["equipment"]
    if short_answer(clause) is False:
        return 0.0  # "联网？没有的事"
    fraction = fraction_percent(clause.text)
    if has_word(clause.text.replace(fraction[1], "") if fraction else clause.text, eq["partial"]) and \
            not has_word(clause.text, ["联网率"]):
        return None  # "有的车间联了" ("大部分都联网了" is a share of all)
    none = find_word(clause.text, eq["none_networked"])
    if none is None and not _counts(clause.text) and (hit := find_word(clause.text, eq["networked"])) and \
            negated(clause.text, hit[0]) and not has_word(clause.text, eq["few"] + eq["needs"]) and \
            not has_word(clause.text, _lex()["systems"]["system_nouns"]):
        none = hit  # "冇一样系连网嘅", "nothing's hooked up": a networking word denied (not "没接到什么系统里")
    denied = none is not None and has_word(clause.text[:none[0]][-6:], eq["denied"])  # "也不是说完全没联网"
    pct = next((q for c in nearby for q in find_quantities(c.text) if q.unit == "%" and not _of_a_measure(c.text, q)),
               None)
    if pct is not None:
        return pct.value
    if fraction is not None:
        all_none = fraction[0] == 100 and none is not None and not denied and not has_word(clause.text[:none[0]], eq["only"])
        return 0.0 if all_none else fraction[0]  # "全部都是单机": none ("全部联网了只有一台没联网" is all)
    ratio = None if denied and find_quantities(none[1]) else _ratio(sentence, clause, earlier)  # not "一台没联" as a part
    if ratio is not None:
        return ratio
    if none is not None and not denied and not has_word(clause.text, eq["only"]):
        return 0.0
    return None


def _networking(ctx: Context, index: int) -> None:
    """The share of networked equipment said in sentence ``index``."""
    eq = _lex()["equipment"]
    sentence = ctx.message.sentence_text(index)
    earlier = ctx.message.sentence_text(index - 1) if index else ""
    clauses = [c for c in ctx.message.clauses_of(index) if c.modality in ("fact", "uncertain", "echo", "corrected")]
    said = None
    for n, clause in enumerate(clauses):
        said_of = _capable().sub("", clause.text) + clause.topic
        seen = has_word(said_of, eq["seen_on_screen"]) and any(q.unit == "台" for q in find_quantities(clause.text))
        if not seen and (not has_word(said_of, eq["networked"] + eq["none_networked"]) or system_names(clause.text) and
                         not has_word(said_of, eq["networked"])):
            continue  # "新买的二十台是带联网功能的": able to, not networked; "the QMS is standalone": a system's links
        # the nearest percentage in the sentence ("Maybe 20% of the machines, …, are networked")
        nearby = [clause] if clause.topic else sorted(clauses, key=lambda c: abs(clauses.index(c) - n))
        value = _share_said(clause, nearby, sentence, earlier)
        machines_before = n and any(q.unit in eq["machine_units"] for q in _counts(clauses[n - 1].text))
        if value is None and machines_before and not _counts(clause.text) and not has_word(
                _capable().sub("", clauses[n - 1].text), eq["networked"] + eq["none_networked"] + eq["partial"]):
            value = _ratio(sentence, clauses[n - 1], earlier)  # "注塑机三十二台，有八台新的，接上了": the count first
        then = clauses[n + 1].text if n + 1 < len(clauses) else ""
        if value is None and _counts(then):  # "设备联网去年弄过，二十台搞了四台", "联网的，一台都没有": the count comes
            value = _ratio(sentence, clauses[n + 1])  # next ("联网做了，一台没接好" says no share)
            value = None if value and has_word(then, _lex()["modality"]["negators"]) else value
        turned = (found := find_word(clause.text, _lex()["modality"]["contrast"])) is not None and found[0] <= 2 and \
            (value != 0 or has_word(clause.text, eq["not_one"]))  # "一半联网了，但是老设备没联网" keeps the half
        if value is not None and (said is None or turned):
            said = value  # the first share said stands unless a contrast follows ("电表都联网了，可是设备一台没联")
    # a share of the whole after the parts, in the sentence that names the networking or in one after it ("……都有连线；
    # 后段的测试站都没有。整体算起来一半一半吧。")
    if any(has_word(c.text + c.topic, eq["networked"] + eq["none_networked"]) for c in clauses) or \
            has_word(ctx.message.text[:ctx.message.sentences[index][0]], eq["networked"] + eq["none_networked"]):
        said = next((share for n, c in enumerate(clauses) if _of_the_whole(clauses, n) and
                     (share := _share_in(c.text)) is not None), said)
    if said is not None:
        ctx.add("equipment_networked_pct", said, sentence.strip("。.，, "))


def _said_whole(text: str, words: list[str]) -> bool:
    """One of ``words`` is all the answer says ("早就全连上了"; not "还没全联上", "都联了一部分", "都没有统计过")."""
    return (hit := find_word(text, words)) is not None and hit[0] <= 2 and not negated(text, hit[0]) and \
        not after_answer(text, hit)
