"""The extraction lexicon (``knowledge/lexicon/extraction.yaml``), validated on load, and the word tests the reader
uses: Chinese words match as substrings; English words case-insensitively on word boundaries, a lower-case word of five
letters or more as a stem ("ransom" in "ransomware"); an acronym in capitals only as written ("IT" is not "it"),
or in lower case beside Chinese ("我们的erp").

Example:
    >>> find_word("We never bought the ERP modules", ["erp"])
    (20, 'erp')
"""
from __future__ import annotations

import re
from functools import lru_cache

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, field_validator

from advisor.config import knowledge_path, per_knowledge


class _Dialect(BaseModel):
    means: dict[str, str]
    keep: list[str]

    @field_validator("means")
    @classmethod
    def _same_length(cls, means: dict[str, str]) -> dict[str, str]:
        uneven = [k for k, v in means.items() if len(k) != len(v)]
        if uneven:
            raise ValueError(f"dialect words must be replaced by Mandarin of the same length: {uneven}")
        return means


class _Shape(BaseModel):
    """The top level must hold every role the reader uses (a missing role is a clear error at start, not a KeyError
    in the middle of an interview)."""

    model_config = ConfigDict(extra="allow")
    dialect: _Dialect
    modality: dict[str, list[str]]
    people: dict[str, list[str]]
    money: dict[str, list[str] | dict[str, float]]  # words by role; yuan_per: exchange rates
    equipment: dict[str, list[str]]
    systems: dict
    booleans: dict[str, dict[str, list[str]]]
    plan_of_others: dict[str, list[str]]
    security: dict[str, list[str]]
    trends: dict[str, list[str]]
    industry: dict
    pain_points: dict[str, list[str]]
    pain_topics: dict[str, list[str]]
    pain_facts: dict[str, list[str]]
    pain_needs: dict[str, list[str]]
    pain_fact_words: dict[str, list[str]]
    pain_gone: list[str]
    pain_retracted: list[str]
    pain_since: list[str]
    pain_still: list[str]
    pain_unrelated: list[list[str]]
    pain_constructions: dict[str, list[list[str]]]
    pain_topic_questions: list[str]
    complaint_markers: list[str]
    complaint_softeners: list[str]
    complaint_look_alikes: list[str]
    severity_markers: list[str]


@per_knowledge
def extraction_lexicon() -> dict:
    raw = yaml.safe_load(knowledge_path("lexicon", "extraction.yaml").read_text("utf-8"))
    _Shape.model_validate(raw)
    return {k: raw[k] for k in raw}


@per_knowledge
def trade_names() -> dict[str, str]:
    """The owners' names of their trade and the formal name of that industry (``knowledge/lexicon/trade_names.yaml``),
    the longest first."""
    raw = TypeAdapter(dict[str, str]).validate_python(
        yaml.safe_load(knowledge_path("lexicon", "trade_names.yaml").read_text("utf-8")))
    return dict(sorted(raw.items(), key=lambda item: -len(item[0])))


@per_knowledge
def compile_words() -> int:
    """Compile the pattern of every word of the lexicon now (at start), so that an owner's turn does not pay for the
    first use of each of its words; the number of words."""
    def words(node) -> list[str]:
        if isinstance(node, str):
            return [node]
        items = [*node, *node.values()] if isinstance(node, dict) else node if isinstance(node, list) else []
        return [w for item in items for w in words(item)]  # a dict's keys too: some are words (English trades)
    every = set(words(extraction_lexicon()))
    for word in every:
        _pattern(word)
    return len(every)


@lru_cache(maxsize=16384)
def _pattern(word: str) -> re.Pattern:
    if not word.isascii():
        return re.compile(re.escape(word))
    if _acronym(word):  # an acronym: "IT" is not the pronoun "it"
        return re.compile(rf"(?<![A-Za-z]){word}(?![A-Za-z])")
    # a lower-case English word of five letters or more is a stem: "ransom" in "ransomware", "backup" in "backups"
    tail = "" if " " not in word and len(word) >= 5 and word.islower() else "(?![A-Za-z])"
    return re.compile(rf"(?<![A-Za-z]){re.escape(word)}{tail}", re.IGNORECASE)


def _acronym_in_chinese(word: str, text: str, at: int) -> bool:
    """"erp" typed in lower case beside Chinese ("我们的erp") is still the acronym."""
    near = text[max(0, at - 1):at] + text[at + len(word):at + len(word) + 1]
    return bool(re.search(r"[\u4e00-\u9fff]", near))


@lru_cache(maxsize=4096)
def _acronym(word: str) -> bool:
    return re.fullmatch(r"[A-Z][A-Z0-9]{1,3}", word) is not None


def _matches(word: str, text: str, start: int = 0):
    yield from _pattern(word).finditer(text, start)
    if _acronym(word):
        for m in re.finditer(rf"(?<![A-Za-z]){word}(?![A-Za-z])", text[start:], re.IGNORECASE):
            at = m.start() + start
            if text[at:m.end() + start] != word and _acronym_in_chinese(word, text, at):
                yield _Span(at, at + len(word))


class _Span:
    """A match found beside Chinese: the same interface as a regex match."""

    def __init__(self, a: int, b: int) -> None:
        self._a, self._b = a, b

    def start(self) -> int:
        return self._a

    def end(self) -> int:
        return self._b


def find_word(text: str, words, start: int = 0) -> tuple[int, str] | None:
    """(position, word) of the earliest of ``words`` in ``text`` at or after ``start`` (the longest of those that start
    there: "基本上" before "基本"), else None."""
    best: tuple[int, str] | None = None
    for word in words:
        word = str(word)
        m = _pattern(word).search(text, start) if not _acronym(word) else next(_matches(word, text, start), None)
        if m and (best is None or m.start() < best[0] or m.start() == best[0] and len(word) > len(best[1])):
            best = (m.start(), str(word))
    return best


def find_all(text: str, words) -> list[tuple[int, int, str]]:
    """Every match of ``words``: (start, end, word), in order; a longer word wins where two overlap."""
    hits = []
    for word in sorted(map(str, words), key=len, reverse=True):
        for m in _matches(word, text):
            if not any(a < m.end() and m.start() < b for a, b, _ in hits):
                hits.append((m.start(), m.end(), word))
    return sorted(hits)


def has_word(text: str, words) -> bool:
    return find_word(text, words) is not None


def system_names(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, system id, named by a brand) of every system name or brand in ``text``, in order."""
    systems = extraction_lexicon()["systems"]
    out = []
    for sid, words in systems.items():
        if isinstance(words, dict):  # the other entries are verbs and markers, not systems
            out += [(a, b, sid, False) for a, b, _ in find_all(text, words["names"])]
            out += [(a, b, sid, True) for a, b, _ in find_all(text, words["brands"])]
    for a, b, sid in _described_systems(text):
        if not any(x < b and a < y for x, y, _, _ in out):
            out.append((a, b, sid, True))  # as sure as a brand: the owner's description, not the system's name
    return sorted(out)


def _described_systems(text: str) -> list[tuple[int, int, str]]:
    """A system said by what it is for ("会员营销系统", "订货平台", "溯源系统", "booking system"): a word of its domain,
    then at most a few more words (no comma; a 的 only right before it: "库存管理的系统"), then a word for software."""
    return [(m.start(), m.end(), sid) for sid, pattern in _description_patterns() for m in pattern.finditer(text)]


@per_knowledge
def _description_patterns() -> list[tuple[str, re.Pattern]]:
    """One pattern per system, compiled once: system names are looked for in every clause of every turn."""
    systems = extraction_lexicon()["systems"]
    nouns = "|".join(map(re.escape, sorted(systems["system_nouns"], key=len, reverse=True)))
    gap = rf"[^\W\d_A-Za-z{re.escape(systems['described_gap_stop'])}]"
    fillers = "|".join(map(re.escape, systems["domain_fillers"]))
    before = "|".join(map(re.escape, sorted(systems["before_no"], key=len, reverse=True)))  # "仓库那块暂时还没系统"
    out = []
    for sid, words in systems.items():
        if isinstance(words, dict) and words.get("described"):
            domains = "|".join(map(re.escape, sorted(words["described"], key=len, reverse=True)))
            out.append((sid, re.compile(rf"(?<![A-Za-z])(?:{domains})(?:{gap}{{0,4}}?的?| management | )(?:{nouns})(?![A-Za-z])",
                                        re.IGNORECASE)))
            # "质量这块没系统": the domain stands for the system, and the no that follows it is read as of a name
            out.append((sid, re.compile(rf"(?:{domains})(?:{fillers})?(?=(?:也|都|{before})*(?:没有|没啥|没什么|没上|没用|没|无)"
                                        rf"(?:任何|什么|啥)?(?:{nouns})(?![问性化题对接上之以前]))")))
            # not "没什么系统问题", "没系统性的培训", "没上系统之前": the no is of something else, or of a time past
    return out


@per_knowledge
def _dialect_pattern() -> tuple[re.Pattern, dict[str, str]]:
    dialect = extraction_lexicon()["dialect"]
    table = dict(dialect["means"]) | {word: word for word in dialect["keep"]}
    return re.compile("|".join(map(re.escape, sorted(table, key=len, reverse=True)))), table


@per_knowledge  # it leaves out the dialect table's characters, which are the folder's
def _simplified() -> dict[int, str]:
    """Traditional characters as their simplified form, one character for one (zhconv's MediaWiki table), so that
    "系統？冇啊，全部手寫單" is read like "系统？没啊，全部手写单"."""
    from zhconv import zhconv
    zhconv.loaddict()
    dialect = "".join(_dialect_pattern()[1])  # "嗰" stays for the dialect table (it means 那), not zhconv's "𠮶"
    return {ord(k): v for k, v in zhconv.zhcdicts["zh2Hans"].items() if len(k) == 1 and len(v) == 1 and k not in dialect}


def mandarin(text: str) -> str:
    """Traditional characters simplified and dialect function words as their Mandarin meaning, same length (offsets
    and quotes stay the owner's).

    >>> mandarin("我哋冇ERP，系统都冇")
    '我们没ERP，系统都没'
    >>> mandarin("庫存就用緊秦絲")
    '库存就在用秦丝'
    """
    pattern, table = _dialect_pattern()
    return pattern.sub(lambda m: table[m.group(0)], text.translate(_simplified()))
