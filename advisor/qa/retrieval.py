"""Hybrid clause retrieval: jieba BM25 + dense (Chroma), reciprocal-rank fusion, synonym/glossary expansion,
direct lookup of clause numbers, and a calibrated "nothing relevant" decision.

Results are clause-level: a list item's hit is reported under its clause, with the item named.

Example:
    >>> from advisor.qa.retrieval import Retriever
    >>> r = Retriever.from_settings()
    >>> r.search("企业不再需要的旧数据要怎么处理？").results[0].clause_id
    '5.3.2.7'
"""
from __future__ import annotations

import copy
import json
import math
import re
import threading
import time
from collections import Counter, defaultdict

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import BaseModel, ConfigDict, Field
from rank_bm25 import BM25Okapi

from advisor.config import (GUIDE_DOC_ID, Settings, default_settings, knowledge_path, per_knowledge, settings_used,
                            with_own_settings)
from advisor.corpus.knowledge_base import KnowledgeBase
from advisor.corpus.parsing import Clause, DocKind
from advisor.qa.answer_types import unmet_answer_type
from advisor.qa.clause_numbers import resolve_clause_numbers
from advisor.qa.fusion import RRF_K, reciprocal_rank_fusion
from advisor.qa.index import ClauseIndex
from advisor.qa.lexicon import Lexicon
from advisor.qa.question_bank import OffTopicBank, QuestionBank
from advisor.qa.scope import SCOPE_CLAUSE, asks_scope, scope_reading

CALIBRATION_NAME = "retrieval_calibration.json"
DENSE_CANDIDATES = 40
# the everyday questions (clause_questions.yaml) vote like the clause text's own rankings, and more: they hold the
# words owners use, which the guide's text does not
FUSION_WEIGHTS = {"bm25": 1.0, "dense": 1.0, "asked": 2.0}


class RetrievedClause(BaseModel):
    """One clause in a ranking, with what each retriever said about it (the debug view)."""

    doc_id: str
    clause_id: str
    title: str
    path: list[str]
    text: str
    kind: DocKind
    score: float  # fused
    bm25_score: float = 0.0
    bm25_rank: int | None = None
    dense_score: float = 0.0
    dense_rank: int | None = None
    asked_score: float = 0.0  # cosine with the nearest everyday question of this clause (clause_questions.yaml)
    asked_rank: int | None = None
    matched_terms: list[str] = Field(default_factory=list)
    matched_items: list[str] = Field(default_factory=list)  # item ids ("6.4.3.2/2)") that matched best
    via: str = "hybrid"  # hybrid | lookup

    @property
    def citation(self) -> str:
        return f"{self.doc_id} {self.clause_id}"


class RetrievalResult(BaseModel):
    query: str
    expanded_terms: list[str] = Field(default_factory=list)
    english: bool = False
    lookup: list[str] = Field(default_factory=list)  # clause ids asked for by number
    results: list[RetrievedClause] = Field(default_factory=list)
    refused: bool = False
    refusal_reason: str = ""  # "" (relevance) | an answer type the guide does not give (answer_types.yaml)
    missing_clauses: list[str] = Field(default_factory=list)  # numbers asked for that the document does not have
    scope_reading: str = ""  # an applicability question: chapter 1 read for the asker's case
    understood_as: str = ""  # the standalone question a follow-up was rewritten into ("" when asked alone)
    relevance: float = 0.0  # calibrated probability that the top results answer the query (0..1)
    features: dict[str, float] = Field(default_factory=dict)  # what the relevance was computed from
    latency_ms: float = 0.0

    def guide_ids(self, k: int = 10) -> list[str]:
        return [r.clause_id for r in self.results if r.doc_id == GUIDE_DOC_ID][:k]


class Filters(BaseModel):
    model_config = ConfigDict(frozen=True)
    doc_id: str | None = None
    chapter: str | None = None  # "5" or "5.3": the clause or anything under it


@with_own_settings(lambda retriever: retriever.settings)
class Retriever:
    """The hybrid searcher. Build once per process (BM25 over every clause record stays in memory)."""

    def __init__(self, settings: Settings, kb: KnowledgeBase, index: ClauseIndex, lexicon: Lexicon) -> None:
        self.settings = settings
        self.kb = kb
        self.index = index
        self.lexicon = lexicon
        self._lock = threading.Lock()  # one refresh at a time
        self._swap = threading.Lock()  # a search's view is taken whole, never half old and half new
        self.bank = QuestionBank.load(index.embeddings, lexicon)
        self.off_topic = OffTopicBank.load(index.embeddings)
        self.__dict__.update(self._sparse_view(kb))

    @classmethod
    def from_settings(cls, settings: Settings | None = None, embeddings=None, progress=None) -> Retriever:
        settings = settings or default_settings()
        with settings_used(settings):
            kb = KnowledgeBase.load(settings)
            index = ClauseIndex(settings, kb, embeddings=embeddings)
            index.ensure(progress=progress)
            return cls(settings, kb, index, Lexicon.load(settings.knowledge_dir / "lexicon"))

    def _sparse_view(self, kb: KnowledgeBase) -> dict:
        """Everything a search reads, built anew from a frozen copy of the corpus (never changed afterwards)."""
        corpus = kb.snapshot()
        records = corpus.clauses()
        self.lexicon.add_words([c.title for c in records if 2 <= len(c.title) <= 12])
        asked = defaultdict(str)  # a guide clause's everyday questions are searched as part of it
        for clause_id, question in self.bank.entries:
            asked[f"{GUIDE_DOC_ID}::{clause_id}"] += f" {question}"
        tokens = [self.lexicon.tokenize(f"{c.title} {c.title} {c.path_text} {c.text}{asked[c.key]}")
                  for c in records]
        df = Counter(t for toks in tokens for t in set(toks))
        return {"corpus": corpus, "records": records, "_record_pos": {c.key: i for i, c in enumerate(records)},
                "_tokens": tokens, "_bm25": BM25Okapi(tokens),
                "_idf": {t: math.log(1 + (len(tokens) - d + 0.5) / (d + 0.5)) for t, d in df.items()}}

    def refresh(self, progress=None) -> None:
        """After documents were added or removed: bring the dense index up to date, then swap in a new view in one
        step. Searches running meanwhile finish on the view they started with (a removed document's clauses are
        simply absent from the dense hits)."""
        with self._lock:
            self.index.kb = self.kb
            self.index.ensure(progress=progress)
            view = self._sparse_view(self.kb)
            with self._swap:
                self.__dict__.update(view)

    def _view(self) -> Retriever:
        with self._swap:
            view = copy.copy(self)
        view._named_items = {}
        return view

    # --- public API ---------------------------------------------------------------------------------------------
    def lookup(self, clause_id: str, doc_id: str = GUIDE_DOC_ID) -> Clause | None:
        return self.corpus.clause(doc_id, clause_id)

    def search(self, query: str, k: int = 10, filters: Filters | None = None, anchors: list[str] | None = None,
               own_words: str | None = None) -> RetrievalResult:
        """Expand the query, rank clauses by BM25 and by the dense index, fuse the two rankings, put clauses named
        by number (or ``anchors``, resolved from a follow-up) first, then decide refusal from the calibrated relevance
        of the best clauses. ``own_words``: the question as the user asked it, when ``query`` is its rewrite (words
        the corpus never uses count against relevance only if the user said them)."""
        return self._view()._search(query, k, filters, anchors, own_words)

    def _search(self, query: str, k: int, filters: Filters | None, anchors: list[str] | None,
                own_words: str | None) -> RetrievalResult:
        started = time.perf_counter()
        filters = filters or Filters()
        # a character typed over and over ("啊啊啊啊", "？？？？") is one: noise must not outweigh the words
        query = re.sub(r"(.)\1{3,}", r"\1", (query or "").strip()[: self.settings.max_message_chars])
        expansion = self.lexicon.expand(query)
        result = RetrievalResult(query=query, expanded_terms=expansion.added, english=expansion.english)
        if not query:
            result.refused = True
            return result
        lookups, missing = self._clause_numbers(own_words or query, filters)
        if asks_scope(own_words or query) and self._allowed_guide(filters):
            scope = self.corpus.clause(GUIDE_DOC_ID, SCOPE_CLAUSE)
            lookups = [scope, *[c for c in lookups if c != scope]] if scope else lookups
            result.scope_reading = scope_reading(own_words or query, "en" if expansion.english else "zh")
        lookups += self._anchored(anchors or [], filters)
        result.lookup = [c.clause_id for c in lookups]
        q_tokens = self.lexicon.tokenize(expansion.text)
        vector = self.bank.embed(expansion.text if expansion.english else query)
        ranked = self._with_lookups(_guide_before_namesakes(self._fused(query, expansion, q_tokens, filters, vector)),
                                    lookups)
        q_set = set(q_tokens)
        for e in ranked[:k]:
            e.matched_terms = sorted(q_set & self._terms_of(e), key=lambda t: -self._idf.get(t, 0))[:12]
        result.results = ranked[:k]
        asked_as = own_words or query  # the off-topic questions meet the question as asked, in its own language
        own_vector = vector if asked_as == query and not expansion.english else self.bank.embed(asked_as)
        off_topic = self.off_topic.nearest(own_vector) - self.bank.refusal_evidence(own_vector, [])[1]
        asked = self.bank.refusal_evidence(vector, [e.clause_id for e in ranked[:3] if e.doc_id == GUIDE_DOC_ID])[0]
        result.features = self.relevance_features(asked_as, expansion, q_tokens, ranked, off_topic, asked)
        result.relevance = self._relevance(result.features)
        threshold = self.settings.refusal_threshold
        result.refused = not lookups and result.relevance < (_calibrated_threshold() if threshold is None else threshold)
        unmet = None if lookups else unmet_answer_type(own_words or query, [r.text for r in ranked[:3]])
        if not lookups:  # "5.3.2.9讲什么": the number is not in the guide, whatever the words around it find
            result.missing_clauses, result.refused = missing, result.refused or bool(missing)
        if unmet is not None:
            # "补贴最高能拿多少钱？": the nearest clauses set no amount, so the guide does not answer it
            result.refused, result.refusal_reason = True, unmet.name
        result.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        return result

    def _rankings(self, query: str, expansion, q_tokens: list[str], filters: Filters, vector):
        """Each retriever's ranked records: (record index, score) for BM25 and for the dense index."""
        # headings without a body ("5.3.2 数据要素技术") are reached through their sub-clauses or by number
        allowed = [bool(c.text) and self._allowed(c, filters) for c in self.records]
        bm25_scores = self._bm25.get_scores(q_tokens) if q_tokens else [0.0] * len(self.records)
        bm25 = sorted((i for i in range(len(self.records)) if allowed[i] and bm25_scores[i] > 0),
                      key=lambda i: -bm25_scores[i])[:DENSE_CANDIDATES]
        dense_query = expansion.text if expansion.english else query
        hits = self.index.dense_search(dense_query, DENSE_CANDIDATES, where=self._where(filters), vector=vector)
        dense = [(self._record_pos[key], sim) for key, sim in hits if key in self._record_pos]
        asked = [(self._record_pos[f"{GUIDE_DOC_ID}::{cid}"], sim) for cid, sim in self.bank.rank(vector, q_tokens)
                 if f"{GUIDE_DOC_ID}::{cid}" in self._record_pos]
        # a user's document has no everyday questions: its clauses vote here with their own words, so the guide's
        # extra vote never buries an upload that answers the question better
        uploads = [(i, s) for i, s in dense if self.corpus.document(self.records[i].doc_id).kind == DocKind.user]
        for upload in sorted(uploads, key=lambda pair: -pair[1]):  # merged in without reordering the bank's ranking
            at = next((n for n, (_, sim) in enumerate(asked) if sim < upload[1]), len(asked))
            asked.insert(at, upload)
        return {"bm25": [(i, float(bm25_scores[i])) for i in bm25],
                "dense": [(i, float(s)) for i, s in dense if allowed[i]],
                "asked": [(i, s) for i, s in asked if self._allowed(self.records[i], filters)]}

    def _fused(self, query: str, expansion, q_tokens: list[str], filters: Filters, vector) -> list[RetrievedClause]:
        """Clauses by reciprocal-rank fusion of the two rankings (a clause takes the best rank of its records)."""
        rankings = self._rankings(query, expansion, q_tokens, filters, vector)
        key = lambda i: (self.records[i].doc_id, self.records[i].base_id)
        fused = reciprocal_rank_fusion({name: [key(i) for i, _ in ranking] for name, ranking in rankings.items()},
                                       RRF_K, tie_break=lambda k: k[1], weights=FUSION_WEIGHTS)
        first_score: dict[str, dict] = {name: {} for name in rankings}
        items: dict[tuple[str, str], list[str]] = {}
        record_of: dict[tuple[str, str], Clause] = {}
        for name, ranking in rankings.items():
            for i, score in ranking:
                first_score[name].setdefault(key(i), score)
                record_of.setdefault(key(i), self.records[i])
                if name == "bm25" and self.records[i].is_item and len(items.setdefault(key(i), [])) < 3:
                    items[key(i)].append(self.records[i].clause_id)
        out = []
        for (doc_id, base_id), f in fused:
            section = self.corpus.clause(doc_id, base_id) or record_of[(doc_id, base_id)]
            out.append(RetrievedClause(doc_id=section.doc_id, clause_id=section.clause_id, title=section.title,
                                       path=section.path, text=section.text, kind=self.corpus.document(doc_id).kind,
                                       score=f.score, bm25_rank=f.ranks.get("bm25"), dense_rank=f.ranks.get("dense"),
                                       bm25_score=first_score["bm25"].get((doc_id, base_id)) or 0.0,
                                       dense_score=first_score["dense"].get((doc_id, base_id)) or 0.0,
                                       asked_score=first_score["asked"].get((doc_id, base_id)) or 0.0,
                                       asked_rank=f.ranks.get("asked"),
                                       matched_items=items.get((doc_id, base_id), [])))
        return out

    def _with_lookups(self, ranked: list[RetrievedClause], lookups: list[Clause]) -> list[RetrievedClause]:
        """Clauses the question names by number ("5.3.2.7 说了什么") come first, in the order named."""
        for clause in reversed(lookups):
            ranked = [e for e in ranked if not (e.doc_id == clause.doc_id and e.clause_id == clause.clause_id)]
            ranked.insert(0, RetrievedClause(doc_id=clause.doc_id, clause_id=clause.clause_id, title=clause.title,
                                             path=clause.path, text=clause.text,
                                             kind=self.corpus.document(clause.doc_id).kind, score=1.0, via="lookup",
                                             matched_items=self._named_items.get(clause.key, [])))
        return ranked

    # --- internals ------------------------------------------------------------------------------------------
    def relevance_features(self, query: str, expansion, q_tokens: list[str], ranked: list[RetrievedClause],
                           off_topic: float = 0.0, asked: float | None = None) -> dict[str, float]:
        """Evidence that the best clauses answer the query, as features for the calibrated refusal model: dense: best
        dense cosine among the top 3; coverage: IDF-weighted share of the query's words found in the best of the top 3
        (words the corpus never uses count against it); unknown: share of the query's words the corpus never uses;
        expanded: a synonym/glossary term fired; asked: cosine with the nearest everyday question of the top 3 clauses
        (``asked``: the first writer's, QuestionBank.refusal_evidence); english: the question is in English (it meets
        the Chinese clauses at a lower cosine for the same fit); off_topic: how much nearer the question as asked comes
        to a question the guide does not answer (off_topic_questions.yaml) than to any clause's own (0 if not)."""
        top = ranked[:3]
        dense_best = max((e.dense_score for e in top), default=0.0)
        # in English the user's own words are the guide terms the glossary found (English is never in the corpus)
        own = set(self.lexicon.tokenize(" ".join(expansion.added) if expansion.english else query))
        known = [t for t in set(q_tokens) if t in self._idf and (t in own or not expansion.english)]
        unknown = [t for t in own if t not in self._idf and len(t) >= 2]
        max_idf = max(self._idf.values(), default=1.0)
        total = sum(self._idf[t] for t in known) + max_idf * len(unknown)
        covered = 0.0
        if total > 0 and top:
            covered = max(sum(self._idf[t] for t in known if t in self._terms_of(e)) for e in top) / total
        # the guide's clauses weigh the first writer's questions; an upload's clause its own meaning (it has none)
        asked = max([e.asked_score for e in top if asked is None or e.doc_id != GUIDE_DOC_ID] + [asked or 0.0])
        return {"dense": round(dense_best, 4), "coverage": round(covered, 4), "asked": round(asked, 4),
                "unknown": round(len(unknown) / max(len(own), 1), 4), "expanded": 1.0 if expansion.added else 0.0,
                "english": 1.0 if expansion.english else 0.0,
                # evidence only against: a question far from both ("红烧肉怎么做") gains nothing by it
                "off_topic": round(max(0.0, off_topic), 4)}

    def _relevance(self, features: dict[str, float]) -> float:
        weights = _calibration()
        z = weights["bias"] + sum(weights.get(name, 0.0) * value for name, value in features.items())
        return round(1.0 / (1.0 + math.exp(-z)), 4)

    def _terms_of(self, e: RetrievedClause) -> set[str]:
        terms = set(self._tokens[self._record_pos[f"{e.doc_id}::{e.clause_id}"]])
        for item_id in e.matched_items:
            terms |= set(self._tokens[self._record_pos[f"{e.doc_id}::{item_id}"]])
        return terms

    def _clause_numbers(self, query: str, filters: Filters) -> tuple[list[Clause], list[str]]:
        """Clauses the question names by number, as written or said ("五点二点四", "第四章第二条", "5.3.3下面第一条");
        a list item named is remembered (``self._named_items``); and the numbers named that it lacks ("5.3.2.9")."""
        doc_id = filters.doc_id or GUIDE_DOC_ID
        found: list[Clause] = []
        refs, missing = resolve_clause_numbers(query, self.corpus, doc_id)
        for clause_id, item_id in refs:
            c = self.corpus.clause(doc_id, clause_id)
            if c and c not in found:
                found.append(c)
                if item_id:
                    self._named_items[c.key] = [item_id]
        return found, missing

    def _anchored(self, anchors: list[str], filters: Filters) -> list[Clause]:
        """Clauses a follow-up points at; a list item ("6.3.1.1/2)") as its clause with that item named."""
        doc_id = filters.doc_id or GUIDE_DOC_ID
        out = []
        for anchor in anchors:
            c = self.corpus.clause(doc_id, anchor)
            if c is not None and c.is_item:
                item, c = c, self.corpus.clause(doc_id, c.base_id)
                if c is not None:
                    self._named_items[c.key] = [item.clause_id]
            if c is not None:
                out.append(c)
        return out

    @staticmethod
    def _allowed_guide(filters: Filters) -> bool:
        return filters.doc_id in (None, GUIDE_DOC_ID) and filters.chapter in (None, SCOPE_CLAUSE)

    @staticmethod
    def _allowed(c: Clause, filters: Filters) -> bool:
        if filters.doc_id and c.doc_id != filters.doc_id:
            return False
        if filters.chapter and not (c.base_id == filters.chapter or c.base_id.startswith(filters.chapter + ".")):
            return False
        return True

    @staticmethod
    def _where(filters: Filters) -> dict | None:
        conditions = []
        if filters.doc_id:
            conditions.append({"doc_id": filters.doc_id})
        if filters.chapter:
            conditions.append({"chapter": filters.chapter.split(".")[0]})
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _guide_before_namesakes(ranked: list[RetrievedClause]) -> list[RetrievedClause]:
    """A user document's clause never ranks above the guide's clause of the same number (an upload titled
    "5.3.2.7 数据销毁" saying "no destruction needed" cannot push the real 5.3.2.7 down)."""
    out = list(ranked)
    # a chapter number ("1", "2") is every document's own: only a numbered clause below a chapter can impersonate
    for guide in [e for e in ranked if e.doc_id == GUIDE_DOC_ID and "." in e.clause_id]:
        namesakes = [i for i, e in enumerate(out) if e.kind == DocKind.user and e.clause_id == guide.clause_id]
        here = out.index(guide)
        if namesakes and namesakes[0] < here:
            out.insert(namesakes[0], out.pop(here))
    return out


@per_knowledge
def _calibration_file() -> dict:
    """Logistic weights and threshold fitted by ``python -m evals calibrate --write`` on half the clause questions."""
    return json.loads(knowledge_path(CALIBRATION_NAME).read_text("utf-8"))


def _calibration() -> dict[str, float]:
    return _calibration_file()["weights"]


def _calibrated_threshold() -> float:
    return float(_calibration_file().get("threshold", 0.5))


class ClauseRetriever(BaseRetriever):
    """The hybrid retriever as a langchain ``BaseRetriever`` (clause-level ``Document``s with debug metadata)."""

    searcher: Retriever
    k: int = 5
    filters: Filters | None = None

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        found = self.searcher.search(query, k=self.k, filters=self.filters)
        if found.refused:
            return []
        return [LCDocument(page_content=r.text, metadata=r.model_dump(exclude={"text"})) for r in found.results]
