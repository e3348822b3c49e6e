"""The one zh/en switch: a question or an answer in English gets English back; everything else is Chinese.

Example:
    >>> is_english("What does the guide say about data destruction?"), is_english("数据销毁有哪些要求？")
    (True, False)
"""
from __future__ import annotations

import re

_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")


def is_english(text: str) -> bool:
    letters = len(_LATIN.findall(text))
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    return letters >= 2 and cjk < 2
