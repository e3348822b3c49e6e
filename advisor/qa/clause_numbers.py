"""Clause numbers as people write and say them: "5.3.2.7", "五点二点四", "第四章第二条", "第5章", "5.3.3下面第一条",
"6.3.2的第二点", "第6章里的第二节", "五章三节", "第六章3.2节", "四点二条", "chapter 5 section 3", "the third
point of 6.3.2". Numerals are read by the
interview's numeral parser (``advisor.diagnosis.quantities``).

A reference is (clause id, item id or None): a position under a clause names its sub-clause, or else its list item.

Example:
    >>> from advisor.config import Settings
    >>> from advisor.corpus.knowledge_base import KnowledgeBase
    >>> kb = KnowledgeBase.load(Settings(data_dir="/tmp/kb-doctest"))
    >>> [clause_refs(q, kb, kb.guide.doc_id) for q in ("五点二点四讲什么", "第四章第二条", "5.3.3下面第一条")]
    [[('5.2.4', None)], [('4.2', None)], [('5.3.3.1', None)]]
    >>> clause_refs("6.3.2的第二点说了什么？", kb, kb.guide.doc_id)
    [('6.3.2', '6.3.2/2)')]
    >>> clause_refs("投入三点五万够不够", kb, kb.guide.doc_id)
    []
    >>> clause_refs("What does clause five point three point two say?", kb, kb.guide.doc_id)
    [('5.3.2', None)]
"""
from __future__ import annotations

import re

from advisor.diagnosis.quantities import read_number
from advisor.qa.followup import parts_of

_N = r"[零〇一二两三四五六七八九十\d]{1,3}"
# "clause five point three point two" / "section 6 point 3 point 2": English says the dots
_EN_DIGITS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}
_EN_DIGIT = rf"(?:{'|'.join(_EN_DIGITS)}|\d{{1,2}})"
_ARABIC_ID = re.compile(r"(?<![\d.A-Za-z/-])(\d{1,2}(?:\.\d{1,2}){1,5})(?![\d.]*\d)")
# "五点二点四", "五.二.四", "5.3.2.七" (two 点 at least: "四点五" alone is a number, not a clause)
_SPOKEN_ID = re.compile(rf"(?<![零〇一二两三四五六七八九十\d点.、])({_N}(?:\s*[点.]\s*{_N}){{2,5}}|{_N}(?:、{_N}){{2,5}})"
                        rf"(?![零〇一二两三四五六七八九十\d])")
# "四点二条", "第四点二条", "标准四点二", "六点三那节讲什么": one 点 names a clause only after a clause word or with
# one or a question about what it says right after it ("四点五万", "下午四点二十" stay numbers and times)
_SPOKEN_PAIR = re.compile(rf"(?<![零〇一二两三四五六七八九十\d点.])({_N}\s*点\s*{_N})(?![零〇一二两三四五六七八九十\d])")
_PAIR_AFTER = re.compile(r"\s*(?:[那这]一?)?\s*(?:[条节款]|讲|说的|说了|说啥|说什么|写|规定|提到|要求|是什么|是啥|的内容)")
_TIME_BEFORE = re.compile(r"(?:上午|下午|中午|晚上|早上|凌晨|今天|明天|昨天|周.|星期.)\s*$")
# between a chapter and its section: "第五章的第三节", "第6章里第二节", "五章三节"
_JOIN = r"\s*(?:的|里面|里头|里|当中|中|下面|下边|下)?\s*的?\s*"
# a chapter said with 第 ("第五章"), or without it or as 第N部分 only with its section ("五章三节", "第五部分第三节":
# not "前三章", "第二部分是装配")
_SECTION = rf"{_JOIN}(?:第\s*)?({_N})\s*[节条](?:{_JOIN}(?:第\s*)?({_N})\s*(?:小节|[条款项点]))?" \
           rf"(?:{_JOIN}(?:第\s*)?({_N})\s*[条款项点])?"  # "第5章第3节第2小节第7条"
_CHAPTER = re.compile(rf"第\s*({_N})\s*章(?:{_SECTION})?|(?<![前后头两几第])({_N})\s*章{_SECTION}"
                      rf"|第\s*({_N})\s*部分{_SECTION}")
# a section numbered within the chapter named before it ("第六章3.2节" is 6.3.2)
_WITHIN = re.compile(rf"{_JOIN}(?:第\s*)?(\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})\s*[节条款]"
                     rf"|{_JOIN}(\d{{1,2}}\.\d{{1,2}})(?=讲|说|写|规定|是什么|是啥|[?？])")  # "第6章3.2讲什么"
_POSITION = re.compile(rf"\s*(?:条|节|款)?\s*(?:下面|下边|下的|下|里面|里头|里|中|当中|之中)?\s*的?\s*"
                       rf"(?:第\s*({_N})\s*(?:条|点|小项|子项|小点|项|款|个|部分|小节|方面)|(最后)\s*(?:一|那)?\s*(?:条|点|项|个)"
                       rf"|[-.]?[（(]\s*({_N})\s*[)）]"  # "5.3.2（7）", "5.3.2.(7)"
                       rf"|\s*,?\s*(?:item|point|bullet|no\.|number|#)\s*({_EN_DIGIT})\b)",  # "5.3.2 item 7"
                       re.IGNORECASE)
_EN_ORDINALS = {w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(),
                                            1)}
_EN_ORDINAL = rf"(?:{'|'.join(_EN_ORDINALS)}|last|\d{{1,2}}(?:st|nd|rd|th))"
# English names the position first: "the third point of 6.3.2", "item 7 under 5.3.2", "6.3.2's second bullet"
_EN_POSITION_BEFORE = re.compile(rf"(?:the\s+({_EN_ORDINAL})\s+(?:point|item|bullet|sub-?clause)"
                                 rf"|(?:item|point|bullet)\s+({_EN_DIGIT}))\s+(?:of|in|under)\s+(?:the\s+)?"
                                 rf"(?:clause|section)?\s*$", re.IGNORECASE)
_EN_POSITION_AFTER = re.compile(rf"['’]s\s+({_EN_ORDINAL})\s+(?:point|item|bullet|sub-?clause)", re.IGNORECASE)
_NOT_AN_ID_AFTER = re.compile(r"\s*(?:万|亿|千|百|元|块|个|%|％|倍|成|年|月|天|小时|分|人|台|家|米|吨|公斤|度|℃|点\s*\d|G\b|GB)")


# "5-3-2-7", "5 3 2 7", "5，3，2，7", "5。3。2。7": three numbers or more of one or two digits, one separator between
_SEPARATED_ID = re.compile(r"(?<![\d.])\d{1,2}(?:([-\s,，、。·])\d{1,2})(?:\1\d{1,2}){1,4}(?![\d])")
# only where the question speaks of a clause there ("第5-3-2条", "5 3 2 7说了什么"): not a bin code, a score or a room
_CLAUSE_BEFORE = re.compile(r"(?:第|条款|条文|clause|section|指南|标准)\s*$", re.IGNORECASE)
_CLAUSE_AFTER = re.compile(r"\s*(?:条|款|节|说|讲|写|规定|是什么|是啥|的内容|里面|里头|[?？]|$)")
# "六三一一讲的啥", "标准五三二七": one digit a level, said on without a dot, only before a question about what it says
# or after a document word (not "一二三条", "五六个")
_SPOKEN_RUN = re.compile(r"(?<![零〇一二两三四五六七八九十百千万\d点.、第])([一二三四五六][一二三四五六七八九]{2,4})"
                         r"(?![零〇一二两三四五六七八九十百千万\d级章个人年月次种类项步])")  # not "一二三级", "三四五章"
_VERSION_BEFORE = re.compile(r"(?:[vV]|version|版本?|IP|ip|python|Python)\s*$")
_DOCUMENT_BEFORE = re.compile(r"(?:条款|条文|指南|标准)\s*$")
_LISTED_ID_AFTER = re.compile(r"\s*(?:说|讲|写|规定|是什么|是啥|的内容|里面|里头)")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_EN_SPOKEN_ID = re.compile(rf"\b({_EN_DIGIT}(?:\s+(?:point|dot)\s+{_EN_DIGIT}){{1,5}})\b", re.IGNORECASE)
# "chapter 5 section 3", "Clause 6, part 2", "条款5"
_NAMED_PART = re.compile(rf"\b(?:chapter|clause|section)\s+({_EN_DIGIT})(?:\s*,?\s*(?:section|part|clause|item)\s+"
                         rf"({_EN_DIGIT}))?(?![\d.]*\d)|条款\s*(\d{{1,2}})(?![\d.])", re.IGNORECASE)


def _as_written(query: str) -> str:
    """The question with clause numbers typed otherwise written with dots, the length unchanged (positions hold):
    full-width digits, "5-3-2-7" and its kin, and "5.3.2点7" (a dotted number said on)."""
    query = query.translate(_FULL_WIDTH)
    query = _SEPARATED_ID.sub(lambda m: re.sub(r"[-\s,，、。·]", ".", m.group(0))
                              if _CLAUSE_BEFORE.search(query[:m.start()]) or _CLAUSE_AFTER.match(query, m.end())
                              else m.group(0), query)
    return re.sub(r"(?<=\d\.\d\.\d)点(?=\d)", ".", query)  # two dots at least: "6.4点3度" is a measure


def numeral(text: str) -> int | None:
    """A numeral said in Arabic or Chinese digits ("十二", "两", "7")."""
    value = read_number(f"{text.strip()}个", "个")
    return int(value) if value is not None and value == int(value) else None


def _english_position(said: str) -> int | None:
    """"third", "3rd", "3", "three", "last" (-1)."""
    said = said.lower()
    if said == "last":
        return -1
    if said in _EN_ORDINALS:
        return _EN_ORDINALS[said]
    digits = re.sub(r"\D", "", _EN_DIGITS.get(said, said))
    return int(digits) if digits else None


def _spoken_id(text: str) -> str | None:
    parts = [numeral(p) for p in re.split(r"\s*[点.、]\s*", text)]
    return ".".join(map(str, parts)) if all(p is not None for p in parts) else None


def _listed_id(query: str, m: re.Match) -> bool:
    """"标准五、二、四说的是啥" names one clause; "第三、四、五条" and "一、二、三号车间" list several things."""
    return not re.search(r"第\s*$", query[:m.start()]) and not re.match(r"\s*[条款章节号个]", query[m.end():]) and \
        bool(_CLAUSE_BEFORE.search(query[:m.start()]) or _LISTED_ID_AFTER.match(query, m.end()))


def _mentions(query: str) -> list[tuple[int, int, str]]:
    """(start, end, clause id as said) of every clause number in the question, in order."""
    found = []
    for m in _ARABIC_ID.finditer(query):
        if not _NOT_AN_ID_AFTER.match(query, m.end()) or re.match(r"\s*[条节款]", query[m.end():]):
            found.append((m.start(), m.end(), m.group(1)))
    for m in _SPOKEN_ID.finditer(query):
        said = _spoken_id(m.group(1))
        if said and not _NOT_AN_ID_AFTER.match(query, m.end()) and ("、" not in m.group(1) or _listed_id(query, m)):
            found.append((m.start(), m.end(), said))
    for m in _SPOKEN_RUN.finditer(query):
        if _LISTED_ID_AFTER.match(query, m.end()) or _DOCUMENT_BEFORE.search(query[:m.start()]):
            found.append((m.start(), m.end(), ".".join(str(numeral(ch)) for ch in m.group(1))))
    for m in _SPOKEN_PAIR.finditer(query):
        said = _spoken_id(m.group(1))
        clause_said = _PAIR_AFTER.match(query, m.end()) or _CLAUSE_BEFORE.search(query[:m.start()])
        if said and clause_said and not _TIME_BEFORE.search(query[:m.start()]) and \
                not _NOT_AN_ID_AFTER.match(query, m.end()):
            found.append((m.start(), m.end(), said))
    for m in _EN_SPOKEN_ID.finditer(query):
        if _CLAUSE_BEFORE.search(query[:m.start()]) or m.group(1).count("point") + m.group(1).count("dot") >= 2:
            said = re.split(r"\s+(?:point|dot)\s+", m.group(1).lower())
            found.append((m.start(), m.end(), ".".join(_EN_DIGITS.get(p, p) for p in said)))
    for m in _CHAPTER.finditer(query):
        numbers = [numeral(g) for g in m.groups() if g]
        if None in numbers:
            continue
        said, end = ".".join(map(str, numbers)), m.end()
        within = _WITHIN.match(query, end) if len(numbers) == 1 else None
        if within:  # "第六章3.2节" is 6.3.2; "第六章6.3.2节" names 6.3.2 itself
            section = within.group(1) or within.group(2)
            said = section if section.startswith(f"{said}.") else f"{said}.{section}"
            end = within.end()
        found.append((m.start(), end, said))
    for m in _NAMED_PART.finditer(query):
        found.append((m.start(), m.end(), ".".join(_EN_DIGITS.get(g.lower(), g) for g in m.groups() if g)))
    # one number read two ways ("section 5 point 4" is not also chapter 5): the longer reading stands
    return sorted(f for f in found if not any(o[0] < f[1] and f[0] < o[1] and o[2].count(".") > f[2].count(".")
                                              for o in found))


def clause_refs(query: str, kb, doc_id: str) -> list[tuple[str, str | None]]:
    """The clauses the question names, each with the list item it points at (or None), in the order named."""
    return resolve_clause_numbers(query, kb, doc_id)[0]


def resolve_clause_numbers(query: str, kb, doc_id: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The clauses named (as :func:`clause_refs`), and the numbers plainly named that the document does not have
    ("5.3.2.9讲什么": 5.3.2 ends at 5.3.2.8): said with a clause word ("第9.2条"), or three levels or more under a
    chapter it has; a version or an address ("2.3.1版", "IP 192.168.1.1") is no clause."""
    out: list[tuple[str, str | None]] = []
    missing: list[str] = []
    query = _as_written(query)
    for start, end, said in _mentions(query):
        clause, n = kb.clause(doc_id, said), None
        if clause is None and "." in said:  # "6.4.3.2.2": the list item numbered on as if it were a sub-clause
            parent, _, last = said.rpartition(".")
            clause, n = kb.clause(doc_id, parent), int(last)
        # said with a clause word ("第8.1条"), or three levels or more under a chapter the document has and not a
        # version or an address ("用的1.2.3版本", "IP 192.168.1.1", "Python 3.11.4")
        plainly_a_clause = bool(_CLAUSE_BEFORE.search(query[:start]) or re.match(r"\s*[条节款]", query[end:])) or \
            said.count(".") >= 2 and kb.clause(doc_id, said.split(".")[0]) is not None and \
            not _VERSION_BEFORE.search(query[:start]) and not re.match(r"\s*版", query[end:])
        if clause is None:
            missing += [said] if plainly_a_clause else []
            continue
        ref: tuple[str, str | None] = (clause.clause_id, None)
        position = _POSITION.match(query, end)
        if position:
            english = position.group(4) and _EN_DIGITS.get(position.group(4).lower(), position.group(4))
            n = -1 if position.group(2) else numeral(position.group(1) or position.group(3) or english or "")
        elif english := _EN_POSITION_BEFORE.search(query[:start]) or _EN_POSITION_AFTER.match(query, end):
            n = _english_position(next(g for g in english.groups() if g))
        if n is not None:
            parts = parts_of(kb, clause.clause_id)
            if parts and n != 0 and -1 <= n <= len(parts):
                picked = parts[n - 1] if n > 0 else parts[-1]
                ref = (picked.clause_id, None) if not picked.is_item else (clause.clause_id, picked.clause_id)
            elif said != clause.clause_id:
                missing += [said] if plainly_a_clause else []
                continue  # "5.3.2.9": no such clause, and no such part of 5.3.2 either
        if ref not in out:
            out.append(ref)
    return out, list(dict.fromkeys(missing))
