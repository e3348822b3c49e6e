"""Two or three follow-up questions a reader is likely to ask next, drawn from the neighbours of the clause an answer
rests on: its first part, its next sibling, a clause it refers to, its parent, its previous sibling.

Example:
    >>> from advisor.config import Settings
    >>> from advisor.corpus.knowledge_base import KnowledgeBase
    >>> kb = KnowledgeBase.load(Settings(data_dir="/tmp/kb-doctest"))
    >>> suggest_followups("6.2", kb)
    ['第一点“业务现状评估”具体怎么做？', '“制定规划”有哪些要求？']
"""
from __future__ import annotations

import re

from advisor.qa.followup import parts_of


def _label(clause) -> str:
    """A short name for a clause or a list item (an item is named by its first words)."""
    if not clause.is_item:
        return clause.title
    words = re.split(r"[：:，,。；;]", re.sub(r"^[-\s]*\d+[.)）]\s*", "", clause.text.split("\n")[0]))[0]
    return words if len(words) <= 16 else words[:15] + "…"


def _ask_about(clause, lang: str) -> str:
    if clause.base_id.split(".")[0] == "3":  # a term: what it means
        return f"“{_label(clause)}”是什么意思？" if lang == "zh" else f"What does “{_label(clause)}” mean?"
    return f"“{_label(clause)}”有哪些要求？" if lang == "zh" else f"What does the guide require for “{_label(clause)}”?"


def suggest_followups(anchor_id: str | None, corpus, lang: str = "zh", limit: int = 3) -> list[str]:
    if not anchor_id:
        return []
    guide = corpus.guide
    anchor = corpus.clause(guide.doc_id, anchor_id)
    if anchor is None:
        return []
    out: list[str] = []
    parts = parts_of(corpus, anchor.clause_id)
    if len(parts) >= 2:
        out.append(f"第一点“{_label(parts[0])}”具体怎么做？" if lang == "zh"
                   else f"What does the first point, “{_label(parts[0])}”, involve?")
    siblings = parts_of(corpus, anchor.parent) if anchor.parent else []
    ids = [c.clause_id for c in siblings]
    here = ids.index(anchor.clause_id) if anchor.clause_id in ids else None
    if here is not None and here + 1 < len(ids):
        out.append(_ask_about(siblings[here + 1], lang))
    for ref in anchor.refs:
        referred = corpus.clause(guide.doc_id, ref)
        if referred is not None and referred.clause_id != anchor.clause_id:
            out.append(f"{ref}“{referred.title}”讲的是什么？" if lang == "zh" else f"What does {ref} “{referred.title}” say?")
            break
    parent = corpus.clause(guide.doc_id, anchor.parent) if anchor.parent else None
    if parent is not None and parent.parent:
        out.append(f"“{parent.title}”还包括哪些方面？" if lang == "zh" else f"What else does “{parent.title}” cover?")
    if here and len(siblings[here - 1].title) > 2:  # not "概述"
        out.append(_ask_about(siblings[here - 1], lang))
    return out[:limit]


def nearest_questions(found, corpus, lang: str = "zh", limit: int = 3) -> list[str]:
    """When a question is refused: questions about the nearest clauses the guide does have (what it can answer)."""
    guide = corpus.guide
    out: list[str] = []
    for r in found.results if found is not None else []:
        clause = corpus.clause(guide.doc_id, r.clause_id) if r.doc_id == guide.doc_id else None
        if clause is not None and clause.text and clause.base_id not in ("封面", "前言"):
            question = _ask_about(clause, lang)
            if question not in out:
                out.append(question)
        if len(out) >= limit:
            break
    return out
