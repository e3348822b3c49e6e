"""The report in English for an owner who was interviewed in English: the Chinese report is cut into segments (runs of
text between punctuation, table bars and quotes that hold Chinese), each looked up in ``knowledge/report_en.yaml``
with its numbers as placeholders ("总分再加28.0分" is "总分再加{0}分"), and the punctuation made English. The owner's own
words have no Chinese in an English interview and pass unchanged; a segment the catalogue lacks stays Chinese and is
listed by :func:`untranslated` (the tests hold the open cases' reports to none).

Example:
    >>> to_english("- 主要痛点：纸质手工记录、质量追溯难")
    '- Main pain points: paper-based manual records, hard to trace quality'
"""
from __future__ import annotations

import re

import yaml
from pydantic import BaseModel, field_validator

from advisor.config import knowledge_path, per_knowledge

_CJK = "\u4e00-\u9fff"
_DELIMITERS = r"|；;，,、（）()“”‘’：:。！!？?*\[\]<>《》【】·\n/+→#"
_SEGMENT = re.compile(rf"[^{_DELIMITERS}]*[{_CJK}][^{_DELIMITERS}]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PLACEHOLDER = re.compile(r"\{\d+\}")
_PUNCTUATION = [("：", ": "), ("；", "; "), ("，", ", "), ("、", ", "), ("。", ". "), ("（", " ("), ("）", ") "),
                ("“", ' "'), ("”", '" '), ("《", ' "'), ("》", '" '), ("【", " ["), ("】", "] "),
                ("！", "! "), ("？", "? "), ("　", " ")]
_GLOSS = re.compile(rf"(?<=[A-Za-z])（[{_CJK}、]+）")
_ORDINAL = {c: str(n) for n, c in enumerate("一二三四五六七八九十", 1)}


class Catalog(BaseModel):
    """Chinese segment → English, numbers written as {0}, {1}… on both sides (validated: the same placeholders)."""
    segments: dict[str, str]

    @field_validator("segments")
    @classmethod
    def _same_placeholders(cls, segments: dict[str, str]) -> dict[str, str]:
        for zh, en in segments.items():
            if sorted(_PLACEHOLDER.findall(zh)) != sorted(_PLACEHOLDER.findall(en)) or not en.strip():
                raise ValueError(f"report_en.yaml: '{zh}' -> '{en}': the numbers' placeholders differ or it is empty")
        return segments


@per_knowledge
def catalog() -> Catalog:
    return Catalog.model_validate(yaml.safe_load(knowledge_path("report_en.yaml").read_text("utf-8")))


def _key(segment: str) -> tuple[str, list[str]]:
    """The segment with its numbers as placeholders, and the numbers."""
    numbers = _NUMBER.findall(segment)
    counter = iter(range(len(numbers)))
    return _NUMBER.sub(lambda _m: f"{{{next(counter)}}}", segment), numbers


def _parts(said: str) -> tuple[str, str, str]:
    """(what comes before, the segment proper, what comes after): spaces and list or quote marks stay as they are."""
    core = said.strip().lstrip("->").strip()
    start = said.find(core)
    return said[:start], core, said[start + len(core):]


def segments(text: str) -> list[str]:
    """The catalogue keys of the Chinese segments in ``text`` (each once, in order)."""
    return list(dict.fromkeys(_key(_parts(m.group(0))[1])[0] for m in _SEGMENT.finditer(text)))


def untranslated(text: str) -> list[str]:
    known = catalog().segments
    return [s for s in segments(text) if s not in known]


def _segment_in_english(m: re.Match) -> str:
    before, core, after = _parts(m.group(0))
    key, numbers = _key(core)
    english = catalog().segments.get(key)
    if english is None:
        return m.group(0)
    if english[:1].isupper() and english[1:2].islower():  # written to stand alone: a capital only where one starts
        english = english[0].lower() + english[1:]
    return before + _PLACEHOLDER.sub(lambda p: numbers[int(p.group(0)[1:-1])], english) + after


def to_english(text: str) -> str:
    """``text`` (Markdown, line by line) with every catalogued segment in English and English punctuation."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^(#+ )([一二三四五六七八九十])、", lambda m: f"{m.group(1)}{_ORDINAL[m.group(2)]}。", line)
        line = _GLOSS.sub("", line)  # "bakery（烘焙）": the Chinese words an English trade was glossed with
        line = _SEGMENT.sub(_segment_in_english, line)
        for zh, en in _PUNCTUATION:
            line = line.replace(zh, en)
        line = re.sub(r"(?<=\S) {2,}", " ", line).rstrip()
        line = re.sub(r"([(\[]) ", r"\1", re.sub(r" ([,.;:)\]])", r"\1", line))
        line = re.sub(r" (\*\*|\")(?=[\s,.;:)]|$)", r"\1", line)  # no space before a closing bold or quote
        # a sentence, a list item or a table cell starts with a capital
        out.append(re.sub(r"(^|^[-#>]+ |\| |\. |\*\*|\[|\] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), line))
    return "\n".join(out)
