"""Grounded clause Q&A: refusal when nothing relevant exists, verbatim clause lookup, an extractive answer without
an LLM, and an LLM answer whose citations and quotes are verified against the retrieved clauses before they are shown.

Example:
    >>> from advisor.qa.answer import QAService
    >>> from advisor.qa.retrieval import Retriever
    >>> from advisor.llm.client import ChatClient
    >>> from advisor.config import Settings
    >>> qa = QAService(Retriever.from_settings(), ChatClient(None, Settings(llm="none")))
    >>> ans = qa.answer("数据销毁有哪些要求？")
    >>> ans.citations[0].clause_id, ans.citations_valid
    ('5.3.2.7', True)
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum

from pydantic import BaseModel, Field

from advisor.config import GUIDE_DOC_ID, with_own_settings
from advisor.corpus.parsing import Clause, DocKind, Document
from advisor.language import is_english
from advisor.llm.client import ChatClient, LLMUnavailable
from advisor.llm.prompts import neutralise, render
from advisor.qa.answer_types import answer_type
from advisor.qa.checks import mark_claims, mixes_chinese, rests_on
from advisor.qa.followup import Exchange, Rewrite, exchange_of, model_rewrite, rewrite, switches_topic
from advisor.qa.retrieval import RetrievalResult, RetrievedClause, Retriever
from advisor.qa.streaming import NOT_IN_CORPUS, GuardedStream, citations_marked, leaks, strip_markup

_CLAUSE_ONLY = re.compile(
    r"^\s*(?:请?(?:给出|查看|显示|打开)?\s*)?(?:条款|第)?\s*\d{1,2}(?:\.\d{1,2}){0,5}\s*(?:条|章)?\s*"
    r"(?:讲的是什么|讲了什么|说了什么|是什么|的内容|内容|原文|的原文|要求什么|写了什么)?\s*[？?。]?\s*$"
    r"|^\s*(?:what\s+does\s+)?(?:clause|section)\s+\d{1,2}(?:\.\d{1,2}){0,5}\s*(?:say|says|mean)?\s*\??\s*$",
    re.IGNORECASE)
MAX_CONTEXT_CLAUSES = 2
MAX_CLAUSE_CHARS = 300


class AnswerMode(StrEnum):
    llm = "llm"
    extractive = "extractive"
    lookup = "lookup"
    refused = "refused"


class Citation(BaseModel):
    doc_id: str
    clause_id: str
    title: str = ""
    quote: str = ""  # a verbatim span of the clause, when one is shown
    verified: bool = False
    source: str = "evidence"  # evidence (shown by us from retrieval) | model (cited by the LLM)
    note: str = ""

    @property
    def label(self) -> str:
        return f"[{self.doc_id} {self.clause_id}]"


class Answer(BaseModel):
    question: str
    language: str = "zh"
    text: str = ""
    mode: AnswerMode = AnswerMode.extractive
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list)
    unverified_quotes: list[str] = Field(default_factory=list)
    fallback_reason: str = ""  # set when an LLM was configured but the answer fell back
    exchange: Exchange | None = None  # what the conversation remembers of this question (for follow-ups)
    sources_text: str = ""  # the verbatim evidence appended after a generated answer
    retrieval: RetrievalResult | None = None
    related: dict[str, list[str]] = Field(default_factory=dict)  # for lookups: refers_to / referred_by

    @property
    def citations_valid(self) -> bool:
        """Every citation shown is verified, and there is at least one (for a non-refused answer)."""
        if self.refused:
            return True
        return bool(self.citations) and all(c.verified for c in self.citations) and not self.unverified_quotes

    def cited_ids(self) -> list[str]:
        out: list[str] = []
        for c in self.citations:
            if c.doc_id == GUIDE_DOC_ID and c.clause_id.split("/")[0] not in out:
                out.append(c.clause_id.split("/")[0])
        return out


def _lang(question: str) -> str:
    return "en" if is_english(question) else "zh"


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


@with_own_settings(lambda qa: qa.settings)
class QAService:
    def __init__(self, retriever: Retriever, chat: ChatClient, settings=None) -> None:
        """``settings``: the advisor's (its prompts folder); by default the retriever's, if it has any."""
        self.retriever = retriever
        self.chat = chat
        self.settings = settings or getattr(retriever, "settings", None)

    def answer(self, question: str, use_llm: bool = True, history: list[Exchange] | None = None) -> Answer:
        final = [event for event in self.stream(question, use_llm=use_llm, history=history)
                 if isinstance(event, Answer)]
        return final[-1]

    def stream(self, question: str, use_llm: bool = True,
               history: list[Exchange] | None = None) -> Iterator[str | Answer]:
        """Yield text pieces as they are produced, then the final verified :class:`Answer`. ``history``: the earlier
        exchanges of the conversation; a follow-up is made standalone from them before retrieval."""
        question = (question or "").strip()
        lang = _lang(question)
        if not question:
            yield (ans := Answer(question="", language=lang, refused=True, mode=AnswerMode.refused,
                                 text=_t(lang, "请输入问题。", "Please enter a question.")))
            return
        meant, found = self.retrieve(question, history, k=8, use_llm=use_llm)
        for event in self._respond(question, lang, found, use_llm):
            if isinstance(event, Answer):
                event.exchange = exchange_of(meant, found)
            yield event

    def retrieve(self, question: str, history: list[Exchange] | None, k: int,
                 use_llm: bool = False) -> tuple[Rewrite, RetrievalResult]:
        """The question as meant in its conversation, and the clauses found for it (the evals rank these too).
        With a model, a follow-up read from context is rewritten by it (kept only if it keeps the user's words)."""
        meant = rewrite(question, history or [], self.retriever.corpus)
        if meant.how == "context":  # a topic switch or an unrelated question is asked alone (the old topic dropped)
            alone = self.retriever.search(question, k=k)
            last = next((e.anchor for e in reversed(history or []) if e.anchor), None)
            if switches_topic(question, meant, alone, last, self.retriever.lexicon.tokenize):
                return Rewrite(question=question, standalone=question), alone
        if use_llm and self.chat.available and meant.how == "context":
            meant = model_rewrite(self.chat, question, history or [], meant, self.retriever.lexicon)
        found = self.retriever.search(meant.standalone, k=k, anchors=meant.anchors,
                                      own_words=question if meant.rewritten else None)
        found.understood_as = (meant.shown or meant.standalone) if meant.rewritten else ""
        return meant, found

    def _respond(self, question: str, lang: str, found: RetrievalResult, use_llm: bool) -> Iterator[str | Answer]:
        if found.lookup and _CLAUSE_ONLY.match(question):
            ans = self._lookup_answer(question, lang, found)
            yield from _in_blocks(ans.text)
            yield ans
            return
        if found.refused:
            ans = self._refusal(question, lang, found)
            yield from _in_blocks(ans.text)
            yield ans
            return
        if use_llm and self.chat.available:
            pieces: list[str] = []
            retrieved = {(r.doc_id, r.clause_id): r for r in found.results}
            system_prompt = self._system_prompt(lang)

            def verified(written: str | None, clause_id: str) -> bool | None:
                citation = self._cite(written, clause_id, retrieved)
                return None if citation is None else citation.verified

            guard = GuardedStream(cite=verified, leaks=lambda text: leaks(text, system_prompt),
                                  quoted=lambda quote: any(quote in r.text for r in found.results))
            try:
                for piece in self.chat.stream(self._messages(question, lang, found)):
                    pieces.append(piece)
                    if shown := guard.feed(piece):
                        yield shown
                if shown := guard.flush():
                    yield shown
                ans = self._verify_llm_answer(question, lang, found, "".join(pieces))
                if ans.sources_text:
                    yield ans.sources_text
                yield ans
                return
            except LLMUnavailable as exc:
                reason = str(exc)
                notice = _t(lang, f"\n\n> ⚠ 大模型不可用（{reason}），以下为确定性模式下的条款摘录。\n\n",
                            f"\n\n> ⚠ The language model is unavailable ({reason}); below is the extractive answer.\n\n")
                yield notice
                ans = self._extractive(question, lang, found)
                ans.fallback_reason = reason
                yield from _in_blocks(ans.text)
                ans.text = notice.strip() + "\n\n" + ans.text
                yield ans
                return
        ans = self._extractive(question, lang, found)
        yield from _in_blocks(ans.text)
        yield ans

    # --- modes ---------------------------------------------------------------------------------------------------
    def _refusal(self, question: str, lang: str, found: RetrievalResult) -> Answer:
        near = "；".join(f"“{r.title}”（{r.clause_id}）" if r.clause_id != r.title else f"“{r.title}”"
                        for r in found.results[:3] if r.text)
        unmet = answer_type(found.refusal_reason) if found.refusal_reason else None
        if said := ("、" if lang == "zh" else ", ").join(found.missing_clauses):
            text = _t(lang, f"{GUIDE_DOC_ID} 中没有 {said} 这一条款编号，不作推测。最接近的条款是：{near or '无'}。",
                      f"{GUIDE_DOC_ID} has no clause numbered {said}, so I will not guess. Nearest: {near or 'none'}.")
        elif unmet is not None:
            text = _t(lang, f"指南没有规定{unmet.label}，这类问题请以主管部门、法律法规或服务商的正式文件为准。"
                            f"指南在相关方面讲的是：{near or '无'}。",
                      f"The guide does not give {unmet.label_en}; on this subject it covers: {near or 'nothing close'}.")
        else:
            text = _t(lang, f"知识库中没有找到能回答这个问题的条款，不作推测。最接近的内容是：{near or '无'}。"
                      "如果您的问题与数字化转型有关，可以换个说法或直接询问条款号。",
                      f"The corpus does not cover this question, so I will not guess. Nearest: {near or 'none'}.")
        return Answer(question=question, language=lang, text=text, mode=AnswerMode.refused, refused=True,
                      retrieval=found)

    def _lookup_answer(self, question: str, lang: str, found: RetrievalResult) -> Answer:
        parts = []
        citations = []
        related: dict[str, list[str]] = {}
        doc = self.retriever.corpus.guide
        for clause_id in found.lookup:
            clause = self.retriever.lookup(clause_id)
            related = {"refers_to": clause.refs, "referred_by": doc.referenced_by(clause.clause_id)}
            parts.append(clause_markdown(clause, doc, lang))
            citations.append(Citation(doc_id=GUIDE_DOC_ID, clause_id=clause.clause_id, title=clause.title,
                                      quote=clause.text, verified=True))
        intro = _t(lang, "以下为条款原文：\n\n", "The clause, quoted verbatim in Chinese:\n\n")
        return Answer(question=question, language=lang, text=intro + "\n\n---\n\n".join(parts), mode=AnswerMode.lookup,
                      citations=citations, retrieval=found, related=related)

    def _evidence(self, found: RetrievalResult, limit: int = 3) -> list[RetrievedClause]:
        top = found.results[:limit]
        if not top:
            return []
        best = top[0].score
        return [r for r in top if r.via == "lookup" or r.score >= best * 0.6] or top[:1]

    def _excerpt(self, r: RetrievedClause) -> str:
        """The clause text, with the matching list items first for long clauses (verbatim lines only)."""
        if r.matched_items and (len(r.text) > MAX_CLAUSE_CHARS or r.via == "lookup"):  # a named item: that item
            lines = []
            for item_id in r.matched_items[:2]:
                item = self.retriever.corpus.clause(r.doc_id, item_id)
                if item:
                    lines.append(item.text)
            return "\n".join(lines)
        return r.text

    def _extractive(self, question: str, lang: str, found: RetrievalResult) -> Answer:
        evidence = self._evidence(found)
        intro = _t(lang, "根据知识库，以下条款与您的问题最相关（原文摘录）：",
                   "According to the corpus, these clauses answer your question (quoted verbatim in Chinese):")
        blocks = [intro]
        citations = []
        for r in evidence:
            excerpt = self._excerpt(r)
            label = _card_label(r, lang)
            blocks.append(f"**[{r.doc_id} {r.clause_id}] {r.title}**{label}\n\n{_t(lang, '位置', 'Location')}："
                          f"{' > '.join(r.path)}\n\n{_quote_block(excerpt)}")
            citations.append(Citation(doc_id=r.doc_id, clause_id=r.clause_id, title=r.title, quote=excerpt,
                                      verified=self._is_verbatim(r, excerpt)))
        return Answer(question=question, language=lang, text="\n\n".join(blocks), mode=AnswerMode.extractive,
                      citations=citations, retrieval=found)

    @staticmethod
    def prompt_prefix() -> list[tuple[str, str]]:
        """The part every (Chinese) question's prompt starts with, for :meth:`ChatClient.warm_up`."""
        return [("system", render("qa_system", language="中文")), ("human", "<clauses>\n")]

    def _messages(self, question: str, lang: str, found: RetrievalResult) -> list[tuple[str, str]]:
        context = []
        for r in found.results[:MAX_CONTEXT_CLAUSES]:
            excerpt = self._excerpt(r)[:MAX_CLAUSE_CHARS]
            ref, title = neutralise(f"{r.doc_id} {r.clause_id}"), neutralise(r.title).replace('"', "'")
            context.append(f'<clause ref="[{ref}]" title="{title}">\n{neutralise(excerpt)}\n</clause>')
        language = "English" if lang == "en" else "中文"
        return [("system", render("qa_system", language=language)),
                ("human", render("qa_user", markup={"clauses": "\n".join(context)}, question=question,
                                 language=language))]

    @staticmethod
    def _system_prompt(lang: str) -> str:
        return render("qa_system", language="English" if lang == "en" else "中文")

    def _cite(self, written: str | None, clause_id: str,
              retrieved: dict[tuple[str, str], RetrievedClause]) -> Citation | None:
        """The citation the model wrote (a document as written and a clause, or a clause alone: of the retrieved
        document that has it, else of the guide), verified only against the (document, clause) pairs retrieved for
        this question, never by the text; None when it is no citation of a document we hold ("[来源：GB/T
        23011-2022, 3.3]" quoted from a card)."""
        base = clause_id.split("/")[0]
        if written is None:
            written = next((doc for doc, clause in retrieved if clause == base), self.retriever.corpus.guide.doc_id)
        written = written.strip()
        doc_id = self.retriever.corpus.resolve_doc_id(written)
        if doc_id is None and not _looks_like_our_id(written):
            return None
        doc_id = doc_id or written
        hit = retrieved.get((doc_id, base))
        exists = self.retriever.corpus.clause(doc_id, base) is not None
        return Citation(doc_id=doc_id, clause_id=base, title=hit.title if hit else "", source="model",
                        verified=hit is not None,
                        note="" if hit else ("该条款未在检索结果中" if exists else "知识库中不存在该条款"))

    def _verify_llm_answer(self, question: str, lang: str, found: RetrievalResult, raw: str) -> Answer:
        if leaks(raw, self._system_prompt(lang)):
            ans = self._extractive(question, lang, found)
            ans.fallback_reason = "模型输出包含系统说明，已丢弃"
            return ans
        if raw.strip().startswith(NOT_IN_CORPUS) or (NOT_IN_CORPUS in raw and len(raw.strip()) < 40):
            # The calibrated retriever already judged these clauses relevant; a small model's "not in corpus" is
            # less reliable than that, so the reader gets the clauses themselves rather than a refusal.
            ans = self._extractive(question, lang, found)
            ans.fallback_reason = _t(lang, "模型未能依据条款作答", "the model did not answer from the clauses")
            ans.text = _t(lang, "> 模型未能依据条款作答，以下为条款摘录。\n\n",
                          "> The model did not answer from the clauses; here they are.\n\n") + ans.text
            return ans
        raw = strip_markup(raw).strip()
        retrieved = {(r.doc_id, r.clause_id): r for r in found.results}
        citations: list[Citation] = []
        unverified: list[str] = []

        def cite(written: str | None, clause_id: str) -> bool | None:
            cit = self._cite(written, clause_id, retrieved)
            if cit is not None and not any(c.doc_id == cit.doc_id and c.clause_id == cit.clause_id for c in citations):
                citations.append(cit)
            return None if cit is None else cit.verified

        def quoted(quote: str) -> bool:
            if any(quote in r.text for r in found.results):
                return True
            unverified.append(quote)
            return False
        text = citations_marked(raw, cite, quoted)
        # the evidence the answer rests on, quoted verbatim, so a reader can check every claim
        evidence = self._evidence(found)
        pairs = [(c.doc_id, c.clause_id) for c in citations if c.verified] + [(r.doc_id, r.clause_id) for r in evidence]
        text = mark_claims(text, *rests_on(self.retriever.corpus, pairs))
        if lang == "en" and mixes_chinese(text):
            ans = self._extractive(question, lang, found)
            ans.fallback_reason = "the model mixed Chinese into an English answer"
            return ans
        heading = _t(lang, "\n\n**依据条款（原文）**", "\n\n**Sources (verbatim, Chinese)**")
        blocks = [heading]
        for r in evidence:
            excerpt = self._excerpt(r)
            blocks.append(f"- [{r.doc_id} {r.clause_id}] {r.title}{_card_label(r, lang)}：「{excerpt[:MAX_CLAUSE_CHARS]}」")
            if not any(c.doc_id == r.doc_id and c.clause_id == r.clause_id for c in citations):
                citations.append(Citation(doc_id=r.doc_id, clause_id=r.clause_id, title=r.title, quote=excerpt,
                                          verified=self._is_verbatim(r, excerpt)))
        sources = "\n".join(blocks)
        return Answer(question=question, language=lang, text=text.strip() + sources, mode=AnswerMode.llm,
                      citations=citations, unverified_quotes=unverified, retrieval=found, sources_text=sources)

    def _is_verbatim(self, r: RetrievedClause, excerpt: str) -> bool:
        clause: Clause | None = self.retriever.corpus.clause(r.doc_id, r.clause_id)
        return clause is not None and all(line in clause.text for line in excerpt.split("\n"))


def _looks_like_our_id(text: str) -> bool:
    """An id written like the guide's or a standard's ("T/…", "GB/T …"): a citation to check even if we hold no such
    document (then it is flagged), as opposed to a label quoted from a clause ("来源：…")."""
    return bool(re.match(r"^(?:T/|GB|DB|JR|YD|SJ)[\w/ .—–-]*\d", text.strip(), re.IGNORECASE)) and "：" not in text


def _in_blocks(text: str) -> Iterator[str]:
    """A ready answer streamed paragraph by paragraph, so the first clause shows before the rest is laid out."""
    blocks = text.split("\n\n")
    for i, block in enumerate(blocks):
        yield block + ("\n\n" if i < len(blocks) - 1 else "")


def clause_markdown(clause: Clause, doc: Document, lang: str = "zh") -> str:
    """One clause verbatim with its place in the tree and its cross-references (lookup answers, clause browser)."""
    body = clause.text or _t(lang, "（本条仅为标题，内容见其下级条款：", "(A heading only; see its sub-clauses: ") + "、".join(
        c.clause_id for c in doc.sections if c.parent == clause.clause_id) + _t(lang, "）", ")")
    header = _t(lang, f"**[{doc.doc_id} {clause.clause_id}] {clause.title}**\n\n位置：{clause.path_text}",
                f"**[{doc.doc_id} {clause.clause_id}] {clause.title}**\n\nLocation: {clause.path_text}")
    lines = [header, "", _quote_block(body)]
    back = doc.referenced_by(clause.clause_id)
    if clause.refs:
        lines.append(_t(lang, f"\n本条引用：{'、'.join(clause.refs)}", f"\nRefers to: {', '.join(clause.refs)}"))
    if back:
        lines.append(_t(lang, f"\n引用本条的条款：{'、'.join(back)}", f"\nReferred to by: {', '.join(back)}"))
    return "\n".join(lines)


def _quote_block(text: str) -> str:
    """Verbatim text as a Markdown quote: each line its own paragraph (lines never run together), and a number that
    starts a line kept as printed ("2)" is not renumbered by a Markdown ordered list)."""
    lines = [re.sub(r"^(\s*(?:-\s+)?)(\d+)([.)）])", r"\1\2\\\3", line) for line in text.split("\n") if line.strip()]
    return "\n>\n".join(f"> {line}" for line in lines)


def _card_label(r: RetrievedClause, lang: str) -> str:
    if r.kind == DocKind.card:
        return _t(lang, "（本项目整理的摘要卡片，非标准原文）", " (our summary card, not the standard's text)")
    if r.kind == DocKind.user:
        return _t(lang, "（用户添加的文档）", " (user-added document)")
    return ""
