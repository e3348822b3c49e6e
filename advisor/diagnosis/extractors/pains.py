"""What hurts: pain points by their words, by a topic complained of, and by meaning (the pain classifier)."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import MEANING, Context, _lex, extractor
from advisor.diagnosis.lexicon import find_all, has_word, system_names
from advisor.diagnosis.reading import skips
from advisor.diagnosis.vocabulary import PainPointId


@extractor
def pains(ctx: Context) -> None:
    lex = _lex()
    # a trouble taken back, set apart from the digital work or mended since: no pain by the words or by meaning
    silent = [c for c in ctx.message.clauses if taken_back(ctx.message.sentence_of(c)) or _mended_since(ctx, c)]
    for clause in ctx.message.clauses:
        if clause.modality in ("question", "other_party") or clause in silent:
            continue
        sentence = ctx.message.sentence_of(clause)
        named = {pain for pain in PainPointId if _complained_of(clause.text, lex["pain_points"].get(pain.value, [])) or
                 _not_known(clause.text, lex["pain_constructions"].get(pain.value))}
        # a topic makes a pain only where no pain is named in the clause: "库存对不上" is of the data, not the stock
        topics = "" if named else _systems_out(clause.text)
        for pain in PainPointId:
            if pain in named or topics and has_word(topics, lex["pain_topics"].get(pain.value, [])) and \
                    complains(sentence) and not _stated_plainly(ctx, pain.value, sentence):
                severity = 3 if has_word(sentence, lex["severity_markers"]) else 2
                ctx.add(f"pain.{pain.value}", severity, clause.text)
    _pains_by_meaning(ctx, silent)


def taken_back(sentence: str) -> bool:
    """The sentence takes back its trouble ("最大的问题是我爸不愿意花钱，开玩笑的") or sets it apart from the digital work
    ("店长培养不出来，这个跟数字化没啥关系"): no pain of it."""
    work, apart = _lex()["pain_unrelated"]
    for part in (p.strip(" 。.!！~哈啊呀啦") for p in re.split(r"[，,；;。.!！?？]", sentence)):
        points_back = re.match(r"(?:这个|这|那个|那)|(?:this|that|it)\b", part, re.I)
        if part.lower() in _lex()["pain_retracted"] or points_back and has_word(part, work) and has_word(part, apart):
            return True  # "…，开玩笑的": the clause is the taking back; "这个跟数字化没关系" points back at the trouble
    return False


def _mended_since(ctx: Context, clause) -> bool:
    """A trouble said of the past ("以前确实是拍脑袋定价") and a later clause, starting with a word of since, that
    complains of nothing ("现在每个月财务出一张单品利润表"): it was mended, no pain now."""
    sentence = ctx.message.sentence_of(clause)
    if not has_word(sentence[:sentence.find(clause.text) + len(clause.text)], _lex()["systems"]["past"]):
        return False
    for later in (c for c in ctx.message.clauses if c.start > clause.start):
        said = find_all(later.text, _lex()["pain_since"])
        if said and said[0][0] <= 2:  # "现在更严重了", "现在还是这样": the trouble goes on
            return not complains(ctx.message.text[later.start:]) and not has_word(later.text, _lex()["pain_still"])
    return False


def _complained_of(text: str, words: list[str]) -> bool:
    """A pain word said, and not right after words that say it is gone ("基本不用二次录入", "没有纸质单据了"; not
    "不得不手工录入")."""
    gone = _lex()["pain_gone"]
    return any(not has_word(text[max(0, start - 3):start], gone) for start, _, _ in find_all(text, words))


def _systems_out(text: str) -> str:
    """``text`` without the systems it names and what they are for ("买了套CRM做会员", "会员营销系统"): a complaint
    there is of the system, not of the topic the system serves."""
    for start, end, _, _ in reversed(system_names(text)):
        purpose = re.match(r"(?:来|用来|是)?做(?![不出得])[^，。,；;]{0,4}(?=[，。,；;]|$)", text[end:])
        text = text[:start] + "，" + text[end + (purpose.end() if purpose else 0):]
    return text


def _not_known(text: str, construction: list[list[str]] | None) -> bool:
    """A pain said in two parts in one stretch, most often not knowing what it is about ("说不清到底哪款划算"): a word
    of the first list (not right after a word that says it is gone: "没流失"), then one of the second within a dozen
    characters (forty letters in English), or the second asked first as the topic ("哪个工程亏了都不知道": a word of
    ``pain_topic_questions`` leads it within the eight characters before)."""
    if not construction:
        return False
    unknowing, about = construction
    gone, questions = _lex()["pain_gone"], _lex()["pain_topic_questions"]
    for start, end, word in find_all(text, unknowing):
        if has_word(text[max(0, start - 3):start], gone):
            continue
        reach = 40 if word.isascii() else 12
        before = "" if word.isascii() else text[max(0, start - 8):start]
        if has_word(text[end:end + reach], about):
            return True
        if any(has_word(before[:topic_end], questions) for _, topic_end, _ in find_all(before, about)):
            return True
    return False


@per_knowledge
def _complaint_words() -> list[str]:
    """The complaint markers of two characters or more: a trade's name holds single ones ("冲压", "断路器", "卡车")."""
    return [word for word in _lex()["complaint_markers"] if len(word) > 1]


def complains(text: str) -> bool:
    """Whether ``text`` sounds like a complaint (difficulty, delay, error, loss, a lack), a hedge taken out with the
    word it softens ("没那么麻烦", "不怎么难" complain of nothing) and words that only look like one ("冲压", "诊断")."""
    return has_word(_no_complaint().sub("，", text), _lex()["complaint_markers"])


@per_knowledge
def _no_complaint() -> re.Pattern:
    """A hedge and the (at most two) characters it softens; a word that only looks like a complaint (冲压, 诊断)."""
    hedges = sorted(_lex()["complaint_softeners"], key=len, reverse=True)
    look_alikes = sorted(_lex()["complaint_look_alikes"], key=len, reverse=True)
    # a look-alike right before a no is part of the complaint ("有问题找不到人": 找不到 complains)
    hedged, looks_alike = "|".join(map(re.escape, hedges)), "|".join(map(re.escape, look_alikes))
    return re.compile(f"(?:{hedged}).{{0,2}}|(?:{looks_alike})(?![不没])")


def _stated_plainly(ctx: Context, pain: str, sentence: str) -> bool:
    """The sentence states a fact of the pain's topic (a budget, who leads, the IT staff: ``pain_facts``), or is a
    short answer that states any of them, without weight on it: an observation the report shows as such, not the
    owner's complaint."""
    # a short answer that only states an observed fact complains of no pain at all ("IT没人。" is no leadership pain);
    # a longer sentence may complain of another pain beside the fact ("设备都没联网，次品多了也查不出是哪批料")
    keys = {key for keys in _lex()["pain_facts"].values() for key in keys} \
        if len(sentence.strip(" 。.!！")) <= PLAIN_ANSWER_CHARS else _lex()["pain_facts"].get(pain, [])
    stated = [f.evidence for f in ctx.facts if f.key in keys and (f.evidence in sentence or sentence in f.evidence)]
    if not stated or has_word(sentence, _lex()["severity_markers"]):
        return False
    # what the sentence says besides the fact: "IT就两个人，安全他们也不太懂" complains in its second half
    return not complains(_besides(sentence, stated + _lex()["pain_fact_words"].get(pain, [])))


def _besides(sentence: str, said: list[str]) -> str:
    """What ``sentence`` says besides ``said`` (each taken out in turn, a comma in its place)."""
    for words in said:
        sentence = sentence.replace(words, "，")
    return sentence


PLAIN_ANSWER_CHARS = 12  # a sentence this short that states an observed fact is only that answer

# each sentence read by meaning costs an embedding (~15 ms): a 4,000-character answer must not cost everyone else
MEANING_SENTENCES = 16


def pain_candidates(message) -> list:
    """Every pain the owner's complaints may be about, by meaning, with its probability (the classifier's
    ``PainMatch``; none below any threshold is dropped here). Only a sentence that states something and sounds like a
    complaint (difficulty, delay, error, loss, a lack) is read: a plain fact that resembles a pain ("预算一年三万",
    "IT没人", "批次号手写在单子上") is an observation, not the owner's pain. On the open dev interviews this kept every
    expected pain found and cut the pains they do not list from 1.9 to 1.3 a case."""
    from advisor.diagnosis.pain_classifier import NONE, matches
    sentences = [message.sentence_text(i).strip() for i in range(len(message.sentences))
                 if any(c.modality in ("fact", "uncertain") for c in message.clauses_of(i))]
    # a bounded reading per turn: each sentence read by meaning costs an embedding
    sentences = [s for s in sentences if complains(s)][:MEANING_SENTENCES]
    return [m for m in matches(sentences) if m.pain != NONE]


def _only_of_unused_systems(sentence: str, unused: list[str]) -> bool:
    """The sentence tells a system's story (unused or not bought) and complains of nothing besides: the status reader
    often takes the whole sentence as the story ("上过CRM，销售嫌填麻烦，半年没人登录"); "仓库系统没上，发货老发错"
    complains besides."""
    rest = _besides(sentence, sorted(unused, key=len, reverse=True))  # the whole story first, then its clauses
    return rest != sentence and not complains(rest)


def _pains_by_meaning(ctx: Context, silent: list) -> None:
    """Pains the words missed, found by meaning at the fitted threshold (a surer reading by the words is never
    overruled: these are marked less sure and only add findings, they do not move the score)."""
    from advisor.diagnosis.pain_classifier import threshold
    if skips(ctx.message.text.strip()):
        return  # "不清楚，没算过" answers our question: not knowing a figure complains of nothing
    said = {f.key for f in ctx.facts if f.key.startswith("pain.")}
    # a system left unused or not bought is a fact of the system, not a pain of its topic by meaning; a pain that names
    # what it needs is its own ("报价三十万，太贵了，没上": funding names the money)
    unused = [f.evidence for f in ctx.facts if f.key.startswith("system.") and f.value is False]
    for match in pain_candidates(ctx.message):
        needs = _lex()["pain_needs"].get(match.pain)
        if match.probability >= threshold() and f"pain.{match.pain}" not in said and \
                not any(c.text in match.sentence for c in silent) and \
                not _stated_plainly(ctx, match.pain, match.sentence) and \
                (has_word(match.sentence, needs) if needs else not _only_of_unused_systems(match.sentence, unused)):
            said.add(f"pain.{match.pain}")
            ctx.add(f"pain.{match.pain}", 2, match.sentence, MEANING)
