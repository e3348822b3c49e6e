r"""Untrusted text at the door and on the way out (#25 items 4 and 9), below every package that needs it.

``normalised`` is what any message becomes before it is read or stored: line ends unified, a Word line break (VT,
FF) made a line break, other control characters (NUL, ESC, DEL, C1) and non-characters (U+FFFE, U+FFFF, U+FDD0–FDEF)
removed, a lone surrogate replaced by U+FFFD. ``inert`` is untrusted text shown as Markdown: no HTML, no image, no
link (bracketed, autolinked or bare).

Example:
    >>> normalised("a\x0bb\x00c\x1b[31m\ufffed\ud800") == ("a\nbc[31md\ufffd", ["控制字符 3 个", "无效代理字符 1 个"])
    True
    >>> inert(r"\[x](http://203.0.113.9/a) <img>") == "\\\\\\[x\\](http\u200b://203.0.113.9/a) &lt;img>"
    True
"""
from __future__ import annotations

import re

_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n"})
# C0 controls but tab and newline, DEL, C1 controls, and the non-characters
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
                      + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
                      + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_URL_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|file|javascript|data|www)(:|\.)(?=\S)")


def normalised(text: str | None) -> tuple[str, list[str]]:
    """(the text fit to read, store and print; what was removed, for the message the user sees)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").translate(_LINE_BREAKS)
    notes = []
    text, controls = _CONTROL.subn("", text)
    if controls:
        notes.append(f"控制字符 {controls} 个")
    text, surrogates = _SURROGATE.subn("\ufffd", text)
    if surrogates:
        notes.append(f"无效代理字符 {surrogates} 个")
    return text, notes


def printable(text: str) -> str:
    """Text fit for XML (a Word report) and any file: what :func:`normalised` keeps."""
    return normalised(text)[0]


def inert(text: str) -> str:
    r"""Untrusted text (messages, uploaded documents, report quotes) shown as Markdown: no HTML tag survives, no
    Markdown image or link is formed (backslashes and brackets escaped), and no address is linkified (a zero-width
    space after its scheme), so nothing runs and nothing is fetched from anywhere."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
    return unlinked(text.replace("[", "\\[").replace("]", "\\]"))


def unlinked(text: str) -> str:
    """No address in the text is linkified by a Markdown renderer: a zero-width space after its scheme."""
    return _URL_SCHEME.sub(lambda m: m.group(1) + "\u200b" + m.group(2), text)
