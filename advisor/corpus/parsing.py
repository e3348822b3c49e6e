"""Clause-aware parsing of Chinese standards (plain text, Markdown, PDF, DOCX) into clause records.

A Chinese standard numbers its clauses ``5.3.2.7 数据销毁``; terms put the number on its own line (``3.1`` then
the term); list items read ``1)`` or ``- 1)``. A line is taken for a heading only when its number continues the
clause tree (a child of the current clause, or the next sibling of one of its ancestors) and the rest reads like a
title, so a cross-reference inside a sentence ("结合6.5中的…") never becomes a heading.

Example:
    >>> doc = parse_text("5 框架\\n5.1 概述\\n见6.5中的要求。\\n", doc_id="X", title="X")
    >>> [c.clause_id for c in doc.clauses]
    ['5', '5.1']
    >>> doc.clauses[1].refs
    []
"""
from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field

from advisor.corpus.readers import read_document_text

PARSER_VERSION = "4"  # 4: paragraphs kept (one blank line between them)

_HEADING = re.compile(r"^(?:#{1,6}\s*)?(\d{1,2}(?:\.\d{1,2}){0,5})(?:\s+|\u3000)(\S.*)$")
_BARE_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,5})$")
_LIST_ITEM = re.compile(r"^(?:[-*]\s*)?(\d{1,2}\))\s*(.*)$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(\S.*)$")
_REF = re.compile(r"(?<![\d.A-Za-z/-])(\d{1,2}(?:\.\d{1,2}){1,5})(?![\d.]*\d)(?!\s*[-—]\d)")
_CHAPTER_REF = re.compile(r"第\s*(\d{1,2})\s*章")
_SENTENCE_PUNCT = re.compile(r"[，。；：！？,;:!?（(]")
_MAX_TITLE_CHARS = 40


_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d-"


def clean_doc_id(text: str) -> str:
    """A document id as shown: NFKC-normalised, invisible format characters (bidi controls, zero-width) removed,
    whitespace collapsed."""
    import unicodedata
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def canonical_doc_id(text: str) -> str:
    """The id two documents may not share: :func:`clean_doc_id`, every dash folded to one, spaces dropped, case
    folded. "T/TJBDA 002-2026", "t/tjbda 002—2026\u200b" and "T/TJBDA\u3000002—2026" are all the guide.

    >>> canonical_doc_id("T/TJBDA\u3000002-2026\u200b") == canonical_doc_id("T/TJBDA 002—2026")
    True
    """
    text = clean_doc_id(text)
    for dash in _DASHES:
        text = text.replace(dash, "-")
    return text.replace(" ", "").casefold()


class DocKind(StrEnum):
    guide = "guide"  # the Tianjin guide, quoted verbatim
    card = "card"  # our own summary of a cited standard: never the standard's text
    user = "user"  # a document a user added


class Clause(BaseModel):
    """One clause (or one list item of a long clause) with its verbatim text."""

    doc_id: str
    clause_id: str  # as printed ("5.3.2.7", "3.1", "1"); list items add a suffix ("6.4.3.2/2)")
    title: str
    heading: str  # the heading line(s) exactly as printed
    path: list[str]  # heading path, e.g. ["5 数字化转型工作框架", "5.3 数字化技术", ...]
    text: str  # the body, verbatim (lines joined by "\n")
    parent: str | None = None
    refs: list[str] = Field(default_factory=list)  # clause ids this clause refers to
    is_item: bool = False
    order: int = 0

    @property
    def base_id(self) -> str:
        """The clause id an item is reported under."""
        return self.clause_id.split("/", 1)[0]

    @property
    def path_text(self) -> str:
        return " > ".join(self.path)

    @property
    def key(self) -> str:
        return f"{self.doc_id}::{self.clause_id}"


class Document(BaseModel):
    doc_id: str
    title: str
    kind: DocKind = DocKind.user
    reliability: str = ""
    source_path: str = ""
    content_hash: str = ""
    clauses: list[Clause] = Field(default_factory=list)

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.clause_id == clause_id), None)

    @property
    def sections(self) -> list[Clause]:
        """Clauses without their list-item records."""
        return [c for c in self.clauses if not c.is_item]

    def referenced_by(self, clause_id: str) -> list[str]:
        return [c.clause_id for c in self.sections if clause_id in c.refs]


def _is_next_number(number: str, stack: list[str], seen: set[str]) -> bool:
    """True when ``number`` continues the clause tree whose open path is ``stack``."""
    if number in seen:
        return False
    parts = [int(p) for p in number.split(".")]
    if not stack:
        return len(parts) == 1
    if len(parts) == 1:
        top = int(stack[0].split(".")[0])
        return top < parts[0] <= top + 2
    parent = ".".join(str(p) for p in parts[:-1])
    if parent not in stack:
        return False
    # first child, or the next sibling of an open clause
    siblings = [s for s in seen if s.rsplit(".", 1)[0] == parent and s.count(".") == number.count(".")]
    expected = 1 + max((int(s.rsplit(".", 1)[1]) for s in siblings), default=0)
    return parts[-1] == expected


def _looks_like_title(title: str) -> bool:
    return len(title) <= _MAX_TITLE_CHARS and not _SENTENCE_PUNCT.search(title)


def parse_text(text: str, doc_id: str, title: str, kind: DocKind = DocKind.user, reliability: str = "",
               source_path: str = "") -> Document:
    """Parse a standard's plain text (or Markdown) into a :class:`Document` of clause records."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Document(doc_id=doc_id, title=title, kind=kind, reliability=reliability, source_path=source_path,
                   content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())
    sections, preamble = _split_sections(lines)
    _add_records(doc, sections, preamble)
    return doc


def _heading(lines: list[str], i: int, stack: list[str], seen: set[str], md_counter: int):
    """(number, title, heading as printed, index of the next line) when line ``i`` opens a clause, else None."""
    line = lines[i].strip()
    m = _HEADING.match(line)
    if m and _looks_like_title(m.group(2)) and _is_next_number(m.group(1), stack, seen):
        return m.group(1), m.group(2).strip(), line, i + 1
    bare = _BARE_NUMBER.match(line)
    if bare and _is_next_number(bare.group(1), stack, seen):
        # a term: the number on its own line, the term on the next non-empty line
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j < len(lines) and _looks_like_title(lines[j].strip()):
            return bare.group(1), lines[j].strip(), f"{line}\n{lines[j].strip()}", j + 1
        return None
    if line.replace(" ", "").replace("\u3000", "") in ("前言", "引言") and not stack:
        return "前言", "前言", line, i + 1
    if (md := _MD_HEADING.match(line)) and not m:
        return f"H{md_counter + 1}", md.group(2).strip(), line, i + 1
    return None


def _split_sections(lines: list[str]) -> tuple[list[dict], dict]:
    """The clause tree as sections (id, title, heading, body lines, path of ids), and what precedes the first."""
    sections: list[dict] = []
    stack: list[str] = []
    seen: set[str] = set()
    preamble = {"id": "封面", "title": "封面", "heading": "", "body": [], "path_ids": []}
    current = preamble
    md_counter, i = 0, 0
    while i < len(lines):
        line = lines[i].strip()
        heading = _heading(lines, i, stack, seen, md_counter) if line else None
        if heading is None:
            current["body"].append(line)
            i += 1
            continue
        number, head_title, head_line, i = heading
        if re.fullmatch(r"\d+(?:\.\d+)*", number):
            depth = number.count(".")
            stack = [s for s in stack if s.count(".") < depth and number.startswith(s + ".")]
            stack.append(number)
            seen.add(number)
            path_ids = list(stack)
        else:
            md_counter += number.startswith("H")
            path_ids = [number]
        current = {"id": number, "title": head_title, "heading": head_line, "body": [], "path_ids": path_ids}
        sections.append(current)
    return sections, preamble


def _add_records(doc: Document, sections: list[dict], preamble: dict) -> None:
    """One record per clause, plus one per list item of a clause; references kept only to clauses that exist."""
    by_id = {s["id"]: s for s in sections}
    if any(x for x in preamble["body"]):
        sections.insert(0, preamble)
        by_id["封面"] = preamble
    order = 0
    for sec in sections:
        body_lines = _trim(sec["body"])
        sec_path = [_label(by_id[p]) for p in sec["path_ids"] if p in by_id] or [_label(sec)]
        parent = sec["path_ids"][-2] if len(sec["path_ids"]) > 1 else None
        body = "\n".join(body_lines)
        doc.clauses.append(Clause(doc_id=doc.doc_id, clause_id=sec["id"], title=sec["title"], heading=sec["heading"],
                                  path=sec_path, text=body, parent=parent, order=order,
                                  refs=_refs(body, own=sec["id"])))
        order += 1
        for item_no, item_text in _list_items(body_lines):
            doc.clauses.append(Clause(
                doc_id=doc.doc_id, clause_id=f"{sec['id']}/{item_no}", title=f"{sec['title']} {item_no}",
                heading="", path=sec_path + [item_no], text=item_text, parent=sec["id"], is_item=True,
                order=order, refs=_refs(item_text, own=sec["id"])))
            order += 1
    known = {c.clause_id for c in doc.sections}
    for c in doc.clauses:
        c.refs = [r for r in c.refs if r in known and r != c.base_id]


def _label(sec: dict) -> str:
    return f"{sec['id']} {sec['title']}" if sec["id"] not in ("前言", "封面") else sec["title"]


def _trim(body: list[str]) -> list[str]:
    lines = list(body)
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    # collapse blank runs to one blank line: the text keeps paragraphs, not layout
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return out


def _list_items(body_lines: list[str]) -> list[tuple[str, str]]:
    """Numbered items; when a clause has several lists, the k-th list's items are named "k:1)", "k:2)"…"""
    items = []
    group = 1
    for ln in body_lines:
        m = _LIST_ITEM.match(ln)
        if m:
            if m.group(1) == "1)" and items:
                group += 1
            items.append((m.group(1) if group == 1 else f"{group}:{m.group(1)}", ln))
    return items if len(items) >= 2 else []


def _refs(text: str, own: str) -> list[str]:
    refs: list[str] = []
    for ln in text.split("\n"):
        if ln.startswith("[来源") or ln.startswith("［来源"):
            continue  # a source line cites another document's clause numbers
        ln = re.sub(r"GB/T\s*[\d.]+-\d{4}(?:,\s*[\d.]+)?", "", ln)
        for m in _REF.finditer(ln):
            if m.group(1) not in refs:
                refs.append(m.group(1))
        for m in _CHAPTER_REF.finditer(ln):
            if m.group(1) not in refs:
                refs.append(m.group(1))
    return [r for r in refs if r != own]


def parse_file(path: Path, doc_id: str | None = None, title: str | None = None, kind: DocKind = DocKind.user,
               reliability: str = "") -> Document:
    text = read_document_text(path)
    if not text.strip():
        raise ValueError(f"{path.name}: 没有可提取的文字（扫描版 PDF 需先做文字识别）")
    return parse_text(text, doc_id=doc_id or path.stem, title=title or path.stem, kind=kind,
                      reliability=reliability, source_path=str(path))
