"""Document ids that a reader cannot tell apart (#25 item 3): a skeleton in the manner of Unicode TR39 — NFKC,
combining marks and invisible fillers dropped, the Latin look-alikes of Cyrillic and Greek letters, every dash-like
stroke (一 ー ─ ⸺ — …) one dash, O/0 and l/1/I one letter, spaces dropped, case folded — and an id that is another's
plus a suffix (" 附录") counted as the same. A hand-kept subset of TR39's confusables, for ids (no library kept here
carries the table).

Example:
    >>> too_close("Т/ТЈВDА 002一2026", "T/TJBDA 002—2026"), too_close("T/TJBDA OO2-2026", "T/TJBDA 002—2026")
    (True, True)
    >>> too_close("T/TJBDA 002—2026 附录", "T/TJBDA 002—2026"), too_close("GB/T 22240-2020", "GB/T 22239-2019")
    (True, False)
    >>> too_close("GB/T 12", "GB/T 1")
    False
"""
from __future__ import annotations

import unicodedata

_LATIN = {  # Cyrillic and Greek letters drawn like Latin ones
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X",
    "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "d", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ү": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "α": "a", "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "υ": "u", "ϲ": "c",
}
_DASHES = ("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u02d7\u2043\u2e3a\u2e3b\u2500\u2501"
           "\u4e00\u30fc\u2f00\u3161\u2796\u23af\u2574\u2576")  # …, 一 ー ⼀ ㅡ, box strokes
_SLASHES = "\u2044\u2215\u29f8\u3033\u30ce\u4e3f\u2571"
_FILLERS = {"\u3164", "\u2800", "\u115f", "\u1160", "\uffa0", "\u180e", "\u2060", "\u034f", "\u17b4", "\u17b5"}
_SAME = str.maketrans({"0": "o", "1": "l", "I": "l", "|": "l", "ǀ": "l", **{d: "-" for d in _DASHES},
                       **{s: "/" for s in _SLASHES}})


def skeleton(text: str) -> str:
    """What a reader sees of an id, whatever characters spell it."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_LATIN.get(ch, ch) for ch in unicodedata.normalize("NFD", text)
                   if unicodedata.category(ch) not in ("Mn", "Me", "Cf", "Zs", "Cc") and ch not in _FILLERS
                   and not ch.isspace())
    return text.translate(_SAME).casefold().translate(_SAME)


def too_close(new: str, existing: str) -> bool:
    """Whether ``new`` reads as ``existing`` (the same skeleton, or it plus a suffix that does not continue its
    last number or word)."""
    a, b = skeleton(new), skeleton(existing)
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if not shorter or not longer.startswith(shorter):
        return False
    after = longer[len(shorter)]
    return not (after.isascii() and after.isalnum())  # "附录", "-draft", "(2)" are suffixes; "2" continues a number
