"""What of a model's answer may be shown while it is still being written.

Tokens are held back until a phrase is complete (up to a comma or a full stop); then internal markup (echoed ``<clause>`` delimiters, the
``NOT_IN_CORPUS`` marker) is removed and every citation is checked against the clauses retrieved for the question,
exactly as in the final answer (an unverified one is marked at once, never shown as if it were fine). Once the text
starts to repeat the system prompt, nothing more is shown until the final, verified answer replaces it.

Example:
    >>> guard = GuardedStream(cite=lambda m: m.group(2) == "5.3.2.7", leaks=lambda text: False)
    >>> guard.feed("数据应按规定销毁 [T/TJBDA 002—2026 5.3.2")
    ''
    >>> guard.feed(".7]，并留存记录。<clauses>")
    '数据应按规定销毁 [T/TJBDA 002—2026 5.3.2.7]，并留存记录。'
    >>> guard.feed("另见 [T/TJBDA 002—2026 9.9.9]。NOT_IN_CORPUS") + guard.flush()
    '另见 [T/TJBDA 002—2026 9.9.9]（⚠未核实）。'
"""
from __future__ import annotations

import re
from collections.abc import Callable

CITATION = re.compile(r"\[([^\[\]]{1,60}?)\s+(\d{1,2}(?:\.\d{1,2}){0,5}(?:/[\w:)]+)?)\]")
NOT_IN_CORPUS = "NOT_IN_CORPUS"
UNVERIFIED = "（⚠未核实）"
_ECHOED_CLAUSE_TAG = re.compile(r"<clause\s+ref=\"([^\"]*)\"[^>]*>")
_ANY_TAG = re.compile(r"</?[A-Za-z_][\w-]*(?:\s[^<>]*)?/?>")
_PHRASE_END = re.compile(r"[。！？!?；;，,：\n]")  # never inside a citation or a tag
HOLDING = "\n\n（正在核验……）"


def strip_markup(raw: str) -> str:
    """Small models sometimes echo the prompt's delimiters: keep a ``<clause ref="[…]">``'s reference, drop tags and
    the refusal marker."""
    return _ANY_TAG.sub("", _ECHOED_CLAUSE_TAG.sub(lambda m: m.group(1), raw)).replace(NOT_IN_CORPUS, "")


def leaks(answer: str, system_prompt: str, window: int = 24) -> bool:
    """The answer repeats a stretch of the system prompt (whitespace and brackets ignored)."""
    compact = re.sub(r"\s+|\[[^\]]*\]", "", answer)
    source = re.sub(r"\s+|\[[^\]]*\]", "", system_prompt)
    return any(source[i:i + window] in compact for i in range(0, max(len(source) - window, 1), 8))


class GuardedStream:
    """``cite(match)``: whether a citation written by the model is one of the retrieved (document, clause) pairs
    (None: not a citation of ours, left as it is). ``leaks(text)``: whether the text so far repeats the system prompt."""

    def __init__(self, cite: Callable[[re.Match], bool | None], leaks: Callable[[str], bool]) -> None:
        self._cite, self._leaks = cite, leaks
        self._raw = ""
        self._released = 0
        self.stopped = False

    def feed(self, piece: str) -> str:
        self._raw += piece
        ends = [m.end() for m in _PHRASE_END.finditer(self._raw, self._released)]
        return self._release(ends[-1]) if ends else ""

    def flush(self) -> str:
        return self._release(len(self._raw))

    def _release(self, upto: int) -> str:
        if self.stopped or upto <= self._released:
            return ""
        if self._leaks(self._raw[:upto]):
            self.stopped = True
            return HOLDING
        span, self._released = self._raw[self._released:upto], upto
        return CITATION.sub(self._mark, strip_markup(span))

    def _mark(self, m: re.Match) -> str:
        return m.group(0) + (UNVERIFIED if self._cite(m) is False else "")
