"""What every extractor shares: the context of one message (its reading, the turn, the question it answers, the
facts found so far), the registry extractors join with ``@extractor``, and the word tests they use."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from advisor.diagnosis.facts import plausible
from advisor.diagnosis.lexicon import extraction_lexicon, find_all
from advisor.diagnosis.reading import Clause, Message
from advisor.diagnosis.vocabulary import Fact, FactSource

# confidences: an explicit statement, a brand standing for a system, a pain found by meaning, a plan
STRONG, BRAND, MEANING, WISH = 0.9, 0.6, 0.55, 0.5


@dataclass
class Context:
    message: Message
    turn: int
    question: str = ""  # id of the question this message answers
    facts: list[Fact] | None = None
    known: frozenset[str] = frozenset()  # keys the profile already holds

    def add(self, key: str, value, evidence: str, confidence: float = STRONG, source: FactSource = FactSource.rules,
            **extra) -> None:
        if not plausible(key, value):
            return
        self.facts.append(Fact(key=key, value=value, evidence=self.message.as_said(evidence.strip()), turn=self.turn,
                               source=source, confidence=confidence, **extra))


Extractor = Callable[[Context], None]
EXTRACTORS: list[Extractor] = []


def extractor(fn: Extractor) -> Extractor:
    EXTRACTORS.append(fn)
    return fn


def _lex() -> dict:
    return extraction_lexicon()


def _readable(clause: Clause) -> bool:
    """A statement about the enterprise as it is (not a plan, a question, a guess, or what the owner corrected)."""
    return clause.modality == "fact"


def _cue_before(text: str, end: int, words, window: int = 14) -> tuple[int, str] | None:
    """The cue word nearest before ``end`` within ``window`` characters (three times that in English)."""
    window = window * 3 if text[:end].isascii() else window
    hits = [h for h in find_all(text[max(0, end - window):end], words)]
    return (hits[-1][0], hits[-1][2]) if hits else None


