"""Answer types the guide does not give (``knowledge/lexicon/answer_types.yaml``): a question asking for a figure,
a date, a procedure at an authority or a statutory entitlement, where the nearest clauses state none, is not
answered from those clauses; it gets "指南没有规定…" with what the guide does say.

Example:
    >>> unmet_answer_type("天津的数字化补贴最高能拿多少钱？", ["企业应制定数字化转型规划。"]).name
    'amount'
    >>> unmet_answer_type("试点阶段数据采集覆盖率要多少？", ["数据采集覆盖率达到80%以上"]) is None
    True
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

import yaml
from pydantic import BaseModel, field_validator

from advisor.config import knowledge_path, per_knowledge


class AnswerType(BaseModel):
    name: str
    label: str
    label_en: str
    asked: list[str]
    stated: list[str]

    @field_validator("asked", "stated")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)  # a broken pattern fails on load, with its text in the error
        return patterns

    def is_asked(self, question: str) -> bool:
        return bool(_any(tuple(self.asked)).search(question))

    def is_stated(self, text: str) -> bool:
        return bool(_any(tuple(self.stated)).search(text))


@cache
def _any(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@per_knowledge
def answer_types() -> tuple[AnswerType, ...]:
    data = yaml.safe_load(knowledge_path("lexicon", "answer_types.yaml").read_text("utf-8"))
    return tuple(AnswerType(**t) for t in data["types"])


def unmet_answer_type(question: str, nearest_texts: list[str]) -> AnswerType | None:
    """The first answer type the question asks for that none of the nearest clauses states (None: nothing unmet)."""
    for kind in answer_types():
        if kind.is_asked(question) and not any(kind.is_stated(t) for t in nearest_texts):
            return kind
    return None


def answer_type(name: str) -> AnswerType | None:
    return next((t for t in answer_types() if t.name == name), None)
