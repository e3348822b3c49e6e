"""Reading an owner's message the way a consultant does, before any fact is taken from it: sentences and clauses
with their offsets, what each clause is (a fact, a wish or plan, a question, a remark about someone else, an
uncertain guess), negation with its scope, and the topic a clause inherits from the sentence or echo before it
("设备联网？百分之五左右吧").

Example:
    >>> m = read("明年准备上WMS。设备联网？百分之五左右吧。ERP买了没用起来。")
    >>> [(c.text, c.modality) for c in m.clauses]
    [('明年准备上WMS', 'wish'), ('设备联网', 'echo'), ('百分之五左右吧', 'fact'), ('ERP买了没用起来', 'fact')]
    >>> m.clauses[2].topic
    '设备联网'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from advisor.config import per_knowledge
from advisor.diagnosis.lexicon import extraction_lexicon, find_all, find_word, has_word, mandarin
from advisor.diagnosis.quantities import find_quantities

_SENTENCE_END = re.compile(r"[。！!？?\n]+|(?<=[a-z\d])\.(?=\s|$)|；|;")
# "80,000" is one number; a space between Chinese words is a pause of speech typed or transcribed ("人不多 三十五个")
_CLAUSE_SEP = re.compile(r"[，：:—]+|,(?!\d{3}(?!\d))|--|\s-\s|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


@dataclass
class Clause:
    text: str
    start: int  # offset in the message
    sentence: int  # index of its sentence
    modality: str = "fact"  # fact | wish | question | echo | other_party | uncertain
    topic: str = ""  # an echoed topic this clause answers ("设备联网？" → the next clause's topic)
    correction: bool = False  # the clause or the one before corrects something said earlier

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Message:
    text: str  # as read: dialect function words in Mandarin (same length as what was said)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # (start, end) offsets
    clauses: list[Clause] = field(default_factory=list)
    said: str = ""  # the message as the owner typed it

    def sentence_text(self, index: int) -> str:
        a, b = self.sentences[index]
        return self.text[a:b]

    def sentence_of(self, clause: Clause) -> str:
        return self.sentence_text(clause.sentence)

    def clauses_of(self, sentence: int) -> list[Clause]:
        return [c for c in self.clauses if c.sentence == sentence]

    def as_said(self, span: str) -> str:
        """``span`` of :attr:`text` in the owner's own words (the reading changed dialect words, not lengths)."""
        at = self.text.find(span)
        return self.said[at:at + len(span)] if at >= 0 and self.said else span


def _split(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(" 。！!？?\n；;.")]


def spoken_length(text: str) -> int:
    """Length in characters, an ASCII word counting as one and a list's commas as none ("ERP、MES、WMS那些" is as
    short as "系统那些")."""
    return len(re.sub(r"[、,，/ ]", "", re.sub(r"[A-Za-z]+", "A", text)))


@per_knowledge
def _served() -> re.Pattern:
    """Those a clause works for ("帮别人代工面膜": done for others, said of us), built once: every clause is read."""
    lex = extraction_lexicon()
    for_whom = "|".join(map(re.escape, lex["systems"]["benefactive"]))
    return re.compile(rf"(?:{for_whom})(?:{'|'.join(map(re.escape, lex['modality']['served']))})")


def _modality(clause: str, sentence: str, last: bool, lex: dict) -> str:
    mod = lex["modality"]
    stripped = sentence.strip()
    asks = stripped.endswith(("？", "?"))
    # "maybe 20 percent?" is a hesitant answer; "Is 20 percent good?", "Do we need 50 wan?" ask us
    hesitant = asks and bool(find_quantities(clause)) and \
        not re.match(r"(?:is|are|was|do|does|did|can|could|would|will|should)\b", clause, re.I)
    if asks and spoken_length(clause) <= 8 and not has_word(clause, mod["question_words"]) and \
            clause == stripped.rstrip("？? "):  # "设备联网？", "Budget?": the owner repeats our topic before answering
        return "uncertain" if hesitant else "echo"
    asks_us = has_word(clause, mod["question_words"] + mod["addressed_to_us"])
    if hesitant and last and not asks_us:
        return "uncertain"  # "Hmm, maybe 20 percent?"
    if asks and (asks_us or last):
        return "question"  # "你说有没有便宜的SaaS，能管库存？": every clause that asks us is the question
    if has_word(_served().sub("", clause), mod["third_party"]):
        return "other_party"
    if has_word(clause, mod["uncertain"]) and not has_word(clause, lex["pain_points"]["strategy_leadership"]):
        return "uncertain"
    if has_word(clause, mod["wish"]):
        return "wish"
    if clause.endswith("吧") and not re.search(r"[\d一二两三四五六七八九十百千万亿成]", clause):
        return "uncertain"  # "ERP那种是大公司才用的吧": a supposition, not a statement about us
    return "fact"


def read(said: str) -> Message:
    lex = extraction_lexicon()
    text = mandarin(said)
    message = Message(text=text, sentences=_split(text), said=said)
    topic = ""
    for index, (a, b) in enumerate(message.sentences):
        sentence = text[a:b]
        parts = [p for p in _CLAUSE_SEP.split(sentence) if p.strip(" 。！!？?\n；;.")]
        pos, wish, other = 0, False, False
        for n, part in enumerate(parts):
            offset = sentence.find(part, pos)
            pos = offset + len(part)
            stripped = part.strip(" 。！!？?\n；;.")
            start = a + offset + part.find(stripped)
            modality = _modality(stripped, sentence, n == len(parts) - 1, lex)
            answer = parts[n + 1].strip(" 。！!？?\n；;.") if n + 1 < len(parts) else None
            if modality == "fact" and spoken_length(stripped) <= 8 and answer is not None and (
                    sentence[pos:pos + 1] in ("：", ":") and len(parts[n + 1].strip()) <= 8 or
                    stripped.endswith(tuple(lex["modality"]["topic_particles"])) and
                    answer_polarity(stripped) is None and answer_polarity(answer) is not None):
                modality = "echo"  # "MES：也没", "规划嘛，没有": a topic named or set off by its particle, then a bare
                # answer to it
            if has_word(stripped, lex["modality"]["contrast"] + lex["modality"]["present"]):
                wish = False
            if modality == "fact" and wish:
                modality = "wish"  # "明年准备上WMS，再把系统打通": the plan carries over the sentence's clauses
            wish = wish or modality == "wish"
            if modality == "fact" and other and (lead := find_word(stripped, lex["leading"]["third_person"])) is not None \
                    and lead[0] == 0:
                modality = "other_party"  # "隔壁厂搞得热闹，他亲自抓": a clause led by "he" goes on about the other firm
            other = modality == "other_party" or (other and modality != "fact")
            clause = Clause(text=stripped, start=start, sentence=index, modality=modality)
            clause.correction = has_word(stripped, lex["modality"]["correction"])
            if clause.modality == "echo":
                topic = stripped
            elif topic:
                clause.topic, topic = topic, ""
            message.clauses.append(clause)
    said = [clause.correction for clause in message.clauses]  # the correction word itself, before it carries over
    for n, (before, after) in enumerate(zip(message.clauses, message.clauses[1:])):
        if said[n] and len(before.text) <= 6 and after.sentence == before.sentence:
            after.correction = True  # "不对，系统之间根本没打通": the clause after a bare "不对" is the correction
    for before, after in zip(message.clauses, message.clauses[1:]):
        if after.correction and after.sentence == before.sentence:
            before.modality = "corrected" if before.modality == "fact" else before.modality
    return message


def skips(text: str) -> bool:
    """A short answer that says the owner does not know or would rather not say ("不清楚，没算过", "这个说不好",
    "pass"): the word ends its clause, so "不知道哪个渠道有用" (not knowing something) is no skip."""
    if len(text) > 24:
        return False
    for _, end, _ in find_all(text, extraction_lexicon()["modality"]["skip"]):
        rest = re.split(r"[，,。.！!？?；;]", text[end:].lstrip(), maxsplit=1)[0].strip("过了呢啊呀吧哦的哈耶 ")
        if len(rest) <= 2:  # "跳过这题", "不清楚多少"; not "不知道哪个产品赚钱", "not sure which sells"
            return True
    return False


PARTICLES = " .!！。了的事呢啊哦呀吧啦~"  # what may close a bare answer ("没有的事", "有的啦")


def after_answer(text: str, hit: tuple[int, str]) -> str:
    """What ``text`` says after the answer word ``hit`` (position, word), closing particles left out ("有的啦": "")."""
    return text[hit[0] + len(hit[1]):].strip(PARTICLES)

_INTERJECTION = re.compile(r"[嗯啊呃哦额唔哈噢呢这个嘛…。.\s]+|(?:hmm+|um+|uh+|er+|well|ok|okay|so)[.…\s]*", re.I)


def first_answer(message: Message, statements_only: bool = False) -> Clause | None:
    """The first clause that says something ("嗯，需要": not "嗯"; "Hmm, half": not "Hmm"); ``statements_only``: not
    a question back either ("有规划吗？好像没有")."""
    return next((c for c in message.clauses if not _INTERJECTION.fullmatch(c.text) and
                 not (statements_only and c.modality == "question")), None)


def answer_polarity(text: str, said_after: int = 3) -> bool | None:
    """Yes or no, for a short answer ("没有。", "也没", "有，财务在用", "we do"); None when it says more than that
    (more than ``said_after`` characters after the answer word: "没系统" is a no of something named)."""
    mod = extraction_lexicon()["modality"]
    text = text.strip()
    if len(text) > 24 or has_word(text[:6], mod["double_negation"]):
        return None
    while (lead := find_word(text, mod["answer_lead"])) is not None and lead[0] == 0 and len(lead[1]) < len(text):
        text = text[len(lead[1]):].lstrip(" ，,")
    if (set_phrase := find_word(text, mod["not_a_no"])) is not None and set_phrase[0] == 0:
        return None
    no, yes = find_word(text, mod["answer_no"]), find_word(text, mod["answer_yes"])
    for hit, value in ((no, False), (yes, True)):
        # the answer word and at most a particle or a few words after it ("没有的事", "有，财务在用" is two clauses)
        if hit is not None and hit[0] == 0 and len(after_answer(text, hit)) <= said_after:
            return value
    return None


def short_answer(clause: Clause) -> bool | None:
    """Yes or no, for a clause that answers an echoed topic ("ERP？没有。", "联网？没有的事", "MES: yes")."""
    return answer_polarity(clause.text) if clause.topic else None


def negated(clause: str, position: int, window: int | None = None) -> bool:
    """Whether the word at ``position`` is negated: a negator shortly before it with no contrast word between
    ("没有MES", "没上专门的WMS", "We never bought the ERP"), unless doubly negated ("不是没有")."""
    mod = extraction_lexicon()["modality"]
    window = window or (30 if clause[:position].isascii() else 8)  # English says more letters for the same words
    before = clause[max(0, position - window):position]
    if has_word(before, mod["double_negation"]):
        return False
    if disposal_negated(clause, position):
        return True
    hit = None
    for word in mod["negators"]:
        for m in re.finditer(re.escape(word) if not word.isascii() else rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])",
                             before, re.IGNORECASE):
            if hit is None or m.start() > hit:
                hit = m.start()
    if hit is None:
        return False
    between = before[hit:]
    # "不通" / "不录" right before is a negated verb, not a negated object; a contrast or relating word ends the scope
    return not has_word(between, mod["contrast"]) and not has_word(between[1:], mod["relating"])


@per_knowledge
def _negated_disposal() -> re.Pattern:
    mod = extraction_lexicon()["modality"]

    def words(group: str) -> str:
        return "|".join(map(re.escape, sorted(mod[group], key=len, reverse=True)))
    return re.compile(rf"(?:{words('negators')})(?:{words('disposal')})[^，,；;。.!?！？]*$")


def disposal_negated(clause: str, position: int) -> bool:
    """Whether ``position`` follows a negated 把 in its clause ("没有把MES和金蝶打通"): what follows is its object and the
    verb it is not done to, so the verb is negated and the object is not."""
    return not clause[:position].isascii() and _negated_disposal().search(clause[:position]) is not None
