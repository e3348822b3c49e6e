"""What of a model's answer may be shown while it is still being written.

Tokens are held back until a phrase is complete (up to a comma or a full stop, never inside an open bracket or
quotation mark: a citation split by a comma or a line break is released whole); then internal markup (echoed
``<clause>`` delimiters, the ``NOT_IN_CORPUS`` marker) is removed and every citation, in any form the model writes
it ("[文档 5.3.2.7]", "【文档，5.3.2.7】", "（文档，5.3.2.7）", "[5.3.2.7]", "第5.3.2.7条"), is checked against the
clauses retrieved for the question, and every quotation against their text, exactly as in the final answer (an
unverified one is marked at once, never shown as if it were fine). Once the text starts to repeat the system prompt,
nothing more is shown until the final, verified answer replaces it.

Example:
    >>> guard = GuardedStream(cite=lambda doc, clause: clause == "5.3.2.7", leaks=lambda text: False)
    >>> guard.feed("数据应按规定销毁 [T/TJBDA 002—2026，5.3.2")
    ''
    >>> guard.feed(".7]，并留存记录。<clauses>")
    '数据应按规定销毁 [T/TJBDA 002—2026，5.3.2.7]，并留存记录。'
    >>> guard.feed("另见 [T/TJBDA 002—2026 9.9.9]、第9.9.8条。NOT_IN_CORPUS") + guard.flush()
    '另见 [T/TJBDA 002—2026 9.9.9]（⚠未核实）、第9.9.8条（⚠未核实）。'
"""
from __future__ import annotations

import re
from collections.abc import Callable

# a document and its clause in brackets: "[T/TJBDA 002—2026 5.3.2.7]", "【…，5.3.2.7】", "（…，5.3.2.7）"
CITATION = re.compile(r"[\[【（(]([^\[\]【】（）()]{1,60}?)(?:\s+|\s*[，,、]\s*)(\d{1,2}(?:\.\d{1,2}){0,5}(?:/[\w:)]+)?)[\]】）)]")
# a clause number alone, as a citation: "[5.3.2.7]", "【5.3.2.7】", "（见5.3.2.7）", "第5.3.2.7条"
# (a number with one dot in brackets is a clause only after 见: "（1.5）倍" is a figure)
BARE_CITATION = re.compile(r"[\[【（(]\s*(?:(?:见|参见|详见|依据|see )\s*(\d{1,2}(?:\.\d{1,2}){1,5})|(\d{1,2}(?:\.\d{1,2}){2,5}))"
                           r"\s*[\]】）)]|第\s*(\d{1,2}(?:\.\d{1,2}){1,5})\s*[条款节]")
QUOTATION = re.compile(r"[「“\"]([^」”\"]{4,200})[」”\"]")
NOT_IN_CORPUS = "NOT_IN_CORPUS"
UNVERIFIED = "（⚠未核实）"
_ECHOED_CLAUSE_TAG = re.compile(r"<clause\s+ref=\"([^\"]*)\"[^>]*>")
_ANY_TAG = re.compile(r"</?[A-Za-z_][\w-]*(?:\s[^<>]*)?/?>")
_PHRASE_END = re.compile(r"[。！？!?；;，,：\n]")
_PAIRS = {"[": "]", "【": "】", "（": "）", "(": ")", "「": "」", "“": "”", '"': '"'}
_OPEN_AT_MOST = 120  # an opening mark unclosed for longer than this is no citation or quotation: stop holding for it
HOLDING = "\n\n（正在核验……）"
UNQUOTED = "（⚠非原文，未核实）"


def strip_markup(raw: str) -> str:
    """Small models sometimes echo the prompt's delimiters: keep a ``<clause ref="[…]">``'s reference, drop tags and
    the refusal marker."""
    return _ANY_TAG.sub("", _ECHOED_CLAUSE_TAG.sub(lambda m: m.group(1), raw)).replace(NOT_IN_CORPUS, "")


def leaks(answer: str, system_prompt: str, window: int = 24) -> bool:
    """The answer repeats a stretch of the system prompt (whitespace and brackets ignored)."""
    compact = re.sub(r"\s+|\[[^\]]*\]", "", answer)
    source = re.sub(r"\s+|\[[^\]]*\]", "", system_prompt)
    return any(source[i:i + window] in compact for i in range(0, max(len(source) - window, 1), 8))


def _phrase_ends(text: str) -> list[int]:
    """Where a phrase of ``text`` may end: after a comma or a stop outside every bracket and quotation (one left open
    longer than ``_OPEN_AT_MOST`` characters is let go)."""
    opened: list[int] = []
    ends = []
    for i, ch in enumerate(text):
        opened = [at for at in opened if i - at <= _OPEN_AT_MOST]
        if opened and ch == _PAIRS[text[opened[-1]]]:  # first: '"' opens and closes
            opened.pop()
        elif ch in _PAIRS:
            opened.append(i)
        elif not opened and _PHRASE_END.match(ch):
            ends.append(i + 1)
    return ends


def citations_marked(text: str, cite: Callable[[str | None, str], bool | None],
                     quoted: Callable[[str], bool] | None = None) -> str:
    """``text`` with every citation ``cite`` finds unverified, and every quotation ``quoted`` does not find in the
    clauses, marked as such."""
    def outside_quotes(part: str) -> str:
        part = CITATION.sub(lambda m: m.group(0) + (UNVERIFIED if cite(m.group(1), m.group(2)) is False else ""), part)
        return BARE_CITATION.sub(lambda m: m.group(0) + (
            UNVERIFIED if cite(None, next(g for g in m.groups() if g)) is False else ""), part)
    out, at = [], 0
    for m in QUOTATION.finditer(text):  # a quotation is checked as written; a reference inside it is the clause's own
        out += [outside_quotes(text[at:m.start()]), m.group(0)]
        if quoted is not None and not quoted(m.group(1).strip()):
            out.append(UNQUOTED)
        at = m.end()
    return "".join(out) + outside_quotes(text[at:])


class GuardedStream:
    """``cite(document as written or None, clause)``: whether a citation written by the model is one of the retrieved
    (document, clause) pairs (None: not a citation of ours, left as it is); ``quoted(text)``: whether a quotation is
    in the retrieved clauses; ``leaks(text)``: whether the text so far repeats the system prompt."""

    def __init__(self, cite: Callable[[str | None, str], bool | None], leaks: Callable[[str], bool],
                 quoted: Callable[[str], bool] | None = None) -> None:
        self._cite, self._leaks, self._quoted = cite, leaks, quoted
        self._raw = ""
        self._released = 0
        self.stopped = False

    def feed(self, piece: str) -> str:
        self._raw += piece
        ends = _phrase_ends(self._raw[self._released:])
        return self._release(self._released + ends[-1]) if ends else ""

    def flush(self) -> str:
        return self._release(len(self._raw))

    def _release(self, upto: int) -> str:
        if self.stopped or upto <= self._released:
            return ""
        if self._leaks(self._raw[:upto]):
            self.stopped = True
            return HOLDING
        span, self._released = self._raw[self._released:upto], upto
        return citations_marked(strip_markup(span), self._cite, self._quoted)
