"""Runs cases through the same library calls the app and the CLI use, and summarises the metrics."""
from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from advisor.config import GUIDE_DOC_ID
from advisor.service import Advisor

from evals.metrics import first_hit_rank, hits, median, rate
from evals.schema import ClauseQACase, InterviewCase

Progress = Callable[[int, int], None]


def run_clause_qa(advisor: Advisor, case: ClauseQACase, with_answer: bool) -> dict:
    found = advisor.retriever.search(case.question, k=10)
    retrieved = found.guide_ids(10)
    rank = first_hit_rank(retrieved, case.gold) if case.gold else None
    gold_hit = next((r for r in found.results if r.doc_id == GUIDE_DOC_ID and hits(r.clause_id, case.gold)), None)
    out = {"id": case.id, "kind": case.kind, "question": case.question, "gold": case.gold, "retrieved": retrieved,
           "rank": rank, "refused": found.refused, "relevance": found.relevance,
           # what each retriever alone ranked the gold clause (None: not in its list); the fusion's contributions
           "bm25_rank": gold_hit.bm25_rank if gold_hit else None,
           "dense_rank": gold_hit.dense_rank if gold_hit else None,
           "via": gold_hit.via if gold_hit else None,
           "latency_ms": found.latency_ms, "tags": case.tags}
    if case.gold:
        out["passed"] = (not found.refused) and rank is not None and rank <= 5
    else:
        out["passed"] = found.refused
    if with_answer:
        answer = advisor.answer(case.question)
        out.update({"answer": answer.text, "cited": answer.cited_ids(), "citations_valid": answer.citations_valid,
                    "answer_refused": answer.refused, "fallback": answer.fallback_reason})
        if case.gold:
            out["passed"] = out["passed"] and answer.citations_valid and not answer.refused
        else:
            out["passed"] = answer.refused
    return out


def run_interview(advisor: Advisor, case: InterviewCase, with_llm: bool) -> dict:
    from evals.kinds.interview import evaluate_interview
    return evaluate_interview(advisor, case)


def _run_one(advisor: Advisor, case, with_llm: bool) -> dict:
    if isinstance(case, ClauseQACase):
        return run_clause_qa(advisor, case, with_llm)
    return run_interview(advisor, case, with_llm)


def run_case(advisor: Advisor, case, with_llm: bool, timeout_s: float | None = None) -> dict:
    """One case; a crash or a timeout is recorded as that case's error and the run goes on."""
    started = time.perf_counter()
    # a daemon thread per case: a case that hangs past its timeout is abandoned, not waited for
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"case-{case.id}")
    future = worker.submit(_run_one, advisor, case, with_llm)
    try:
        out = future.result(timeout=timeout_s)
    except FutureTimeout:
        out = {"id": case.id, "kind": case.kind, "passed": False,
               "error": f"Timeout: the case did not finish within {timeout_s:g} s", "traceback": ""}
    except Exception as exc:  # noqa: BLE001 - a crashing case is recorded and the run goes on
        out = {"id": case.id, "kind": case.kind, "passed": False, "error": f"{type(exc).__name__}: {exc}",
               "traceback": "".join(traceback.format_exception(exc))}
    finally:
        worker.shutdown(wait=False)
    out.setdefault("latency_ms", round((time.perf_counter() - started) * 1000, 1))
    return out


def run_cases(advisor: Advisor, cases: list, with_llm: bool = False, jobs: int = 1,
              progress: Progress | None = None, timeout_s: float | None = None) -> dict:
    results: list[dict] = [None] * len(cases)  # type: ignore[list-item]
    done = 0

    def one(i: int) -> None:
        nonlocal done
        results[i] = run_case(advisor, cases[i], with_llm, timeout_s)
        done += 1
        if progress:
            progress(done, len(cases))

    if jobs > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, range(len(cases))))
    else:
        for i in range(len(cases)):
            one(i)
    return {"summary": summarise(results, with_llm), "cases": results}


def summarise(results: list[dict], with_llm: bool = False) -> dict:
    summary: dict = {}
    qa = [r for r in results if r["kind"] == "clause_qa"]
    if qa:
        answerable = [r for r in qa if r.get("gold")]
        ooc = [r for r in qa if not r.get("gold")]
        ranks = [r.get("rank") for r in answerable]
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
            "bm25_recall_at_5": rate(sum(1 for r in answerable if (r.get("bm25_rank") or 99) <= 5), len(answerable)),
            "dense_recall_at_5": rate(sum(1 for r in answerable if (r.get("dense_rank") or 99) <= 5),
                                      len(answerable)),
            "found_only_by_bm25": sum(1 for r in answerable
                                      if (r.get("bm25_rank") or 99) <= 5 < (r.get("dense_rank") or 99)),
            "found_only_by_dense": sum(1 for r in answerable
                                       if (r.get("dense_rank") or 99) <= 5 < (r.get("bm25_rank") or 99)),
            "found_by_lookup": sum(1 for r in answerable if r.get("via") == "lookup"),
        }
        if with_llm:
            answered = [r for r in answerable if "citations_valid" in r and not r.get("answer_refused")]
            s["citation_validity"] = rate(sum(1 for r in answered if r["citations_valid"]), len(answered))
            s["answer_refusal_accuracy"] = rate(
                sum(1 for r in qa if "answer_refused" in r and r["answer_refused"] == (not r.get("gold"))), len(qa))
        summary["clause_qa"] = s
    iv = [r for r in results if r["kind"] == "interview"]
    if iv:
        checks = [v for r in iv for v in (r.get("checks") or {}).values()]
        summary["interview"] = {
            "cases": len(iv),
            "passed": sum(1 for r in iv if r.get("passed")),
            "checks": len(checks),
            "checks_passed": sum(1 for v in checks if v),
            "checks_passed_rate": rate(sum(1 for v in checks if v), len(checks)),
            "errors": sum(1 for r in iv if r.get("error")),
            "median_latency_ms": median([r["latency_ms"] for r in iv if "latency_ms" in r]),
        }
        summary["interview"]["level_confusion"] = level_confusion(iv)
        summary["interview"]["pain_point_recall"] = pain_point_table(iv)
    return summary


def level_confusion(results: list[dict]) -> dict[str, dict[str, int]]:
    """expected level(s) → estimated level ("insufficient" when the assessment declined to judge) → count."""
    table: dict[str, dict[str, int]] = {}
    for r in results:
        want = (r.get("expect") or {}).get("level")
        if want is None or not r.get("result"):
            continue
        row = "|".join(str(x) for x in (want if isinstance(want, list) else [want]))
        got = r["result"]["level"]
        col = "insufficient" if r["result"].get("insufficient") else str(got)
        table.setdefault(row, {}).setdefault(col, 0)
        table[row][col] += 1
    return dict(sorted(table.items()))


def pain_point_table(results: list[dict]) -> dict[str, dict[str, int]]:
    """Per pain point: cases expecting it, of those found, and found where no expectation named it (expectations
    list what must be found, not everything present, so the last column is a prompt to review, not an error count)."""
    table: dict[str, dict[str, int]] = {}
    for r in results:
        if not r.get("result"):
            continue
        expected = set((r.get("expect") or {}).get("pain_points") or [])
        found = set(r["result"]["pain_points"])
        for pid in expected | found:
            row = table.setdefault(pid, {"expected": 0, "found": 0, "found_unlisted": 0})
            row["expected"] += pid in expected
            row["found"] += pid in expected and pid in found
            row["found_unlisted"] += pid in found and pid not in expected
    return dict(sorted(table.items()))
