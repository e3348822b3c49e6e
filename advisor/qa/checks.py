"""Checks on what a generated answer says, against the clauses it rests on: a count ("分三个阶段") must be the number
of parts the clause lists, a figure ("80%", "3个月") must appear in those clauses. A claim that fails is marked in
the answer (never silently corrected: the reader sees both the claim and what the clause says).

Example:
    >>> mark_claims("实施分三个阶段，覆盖率达到90%。", counts={4}, texts=["数据采集覆盖率达到80%"])
    '实施分三个阶段（⚠条款列出4项），覆盖率达到90%（⚠条款中无此数字）。'
"""
from __future__ import annotations

import re

import cn2an

_COUNT = re.compile(r"(?:分为|分成|分|包括|包含|共有|共|有|以下)\s*([一二两三四五六七八九十\d]{1,3})\s*"
                    r"(?:个(?:阶段|方面|部分|步骤|环节|维度)?|项|类|点|阶段|方面|种|步|部分|大类|条)")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|个月|月|天|年|周|次|小时|倍)")


def _number(text: str) -> int | None:
    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def mark_claims(text: str, counts: set[int], texts: list[str]) -> str:
    """``counts``: how many parts each clause the answer rests on lists; ``texts``: those clauses' text."""
    def count(m: re.Match) -> str:
        said = _number(m.group(1))
        if not counts or said is None or said in counts:
            return m.group(0)
        return f"{m.group(0)}（⚠条款列出{'或'.join(map(str, sorted(counts)))}项）"

    compact = [re.sub(r"\s+", "", t).replace("％", "%") for t in texts]

    def figure(m: re.Match) -> str:
        wanted = re.sub(r"\s+", "", m.group(0)).replace("％", "%")
        return m.group(0) if any(wanted in t for t in compact) else f"{m.group(0)}（⚠条款中无此数字）"

    return _FIGURE.sub(figure, _COUNT.sub(count, text))


def rests_on(corpus, pairs: list[tuple[str, str]]) -> tuple[set[int], list[str]]:
    """For the (document, clause) pairs an answer rests on: how many parts each lists (sub-clauses or list items,
    when two or more) and their texts, with their parts' texts."""
    from advisor.qa.followup import parts_of
    counts, texts = set(), []
    for doc_id, clause_id in pairs:
        clause = corpus.clause(doc_id, clause_id)
        if clause is None:
            continue
        texts.append(clause.text)
        parts = parts_of(corpus, clause_id) if doc_id == corpus.guide.doc_id else []
        if len(parts) >= 2:
            counts.add(len(parts))
            texts += [p.text for p in parts]
    return counts, texts


_CJK_OUTSIDE_QUOTES = re.compile(r"[\u4e00-\u9fff]")


def mixes_chinese(english_answer: str) -> bool:
    """An English answer with Chinese outside quoted clause text (「…」, “…”) and citations ([…])."""
    bare = re.sub(r"「[^」]*」|“[^”]*”|\"[^\"]*\"|\[[^\]]*\]|（[^）]*⚠[^）]*）", "", english_answer)
    return bool(_CJK_OUTSIDE_QUOTES.search(bare))
