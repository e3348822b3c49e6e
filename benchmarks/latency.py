"""Latency of the library calls the app makes: clause answers (deterministic; local LLM time to first token and
total), interview turns (deterministic; with the local LLM extraction layer), report generation.

    python -m benchmarks.latency [--llm] [--json OUT]
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from advisor.config import Settings
from advisor.diagnosis.interview import Interview
from advisor.service import Advisor
from evals.schema import InterviewCase, load_cases

from benchmarks.common import PROJECT_ROOT, bench_main, summary_ms

INTERVIEW_CASES = PROJECT_ROOT / "evals" / "cases" / "interview.yaml"

QUESTIONS = ["数据销毁有哪些要求？", "老板不重视数字化怎么办？", "What does the guide say about data security?",
             "中小企业怎么选择技术路径和合作伙伴？", "试点阶段应该怎么做？", "5.2.3 讲的是什么"]
# with the model: the first four plus four more that it answers (not lookups), as the app asks them once warmed
LLM_QUESTIONS = [*QUESTIONS[:5], "数据采集汇聚有哪些要求？", "怎么建立数据安全管理制度？", "培训应该怎么分层分类？"]


def answer_latency(advisor: Advisor, questions: list[str]) -> dict:
    first, total = [], []
    for q in questions:
        started = time.perf_counter()
        got_first = None
        for event in advisor.qa.stream(q):
            if got_first is None:
                got_first = time.perf_counter() - started
        total.append(time.perf_counter() - started)
        first.append(got_first or total[-1])
    return {"first_token": summary_ms(first), "total": summary_ms(total)}


def turn_latency(advisor: Advisor, cases: list[InterviewCase]) -> dict:
    """The reply (rules, at once) and, with a model, the model's reading of the same turn in the background (waited
    for after each reply, as an owner who takes that long to type would give it)."""
    times, readings = [], []
    for case in cases:
        iv = Interview(chat=advisor.interview_chat())
        iv.start()
        for text in case.turns:
            started = time.perf_counter()
            iv.reply(text)
            times.append(time.perf_counter() - started)
            if iv.chat is not None:
                iv.settle()
                readings.append(time.perf_counter() - started)
    return {**summary_ms(times), "model_reading": summary_ms(readings) if readings else None}


def report_latency(advisor: Advisor, cases: list[InterviewCase], out_dir: Path) -> dict:
    times = []
    for case in cases:
        session_id, _ = advisor.open_interview(None)
        for text in case.turns:
            advisor.interview_reply(session_id, text)
        started = time.perf_counter()
        report = advisor.report(session_id)
        report.radar_png()
        report.timeline_png()
        for ext in (".md", ".docx", ".json"):
            report.write(out_dir / f"{case.id}{ext}")
        times.append(time.perf_counter() - started)
    return summary_ms(times)


def run(with_llm: bool, data_dir: Path | None = None) -> dict:
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="bench-latency-"))
    det = Advisor(Settings(data_dir=data_dir, llm="none"))
    det.retriever.search("预热")
    det.prepare_reader()  # as the app does before it serves
    cases = load_cases([INTERVIEW_CASES])
    out = {"answer_deterministic": answer_latency(det, QUESTIONS),
           "turn_deterministic": turn_latency(det, cases),
           "report": report_latency(det, cases, data_dir)}
    if with_llm:
        llm = Advisor(Settings(data_dir=data_dir, llm="local"), retriever=det.retriever)
        started = time.perf_counter()
        llm.prepare_model()  # load the model and warm its prompt cache once, as the app does behind the first page
        out["llm_load_s"] = round(time.perf_counter() - started, 1)
        out["answer_local_llm"] = answer_latency(llm, LLM_QUESTIONS)
        out["turn_local_llm"] = turn_latency(llm, cases[:1])
    return out


def rows(r: dict) -> list[tuple[str, str, str]]:
    def fmt(s: dict) -> str:
        return f"p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms (n={s['n']})"
    out = [("clause answer, deterministic: first piece", fmt(r["answer_deterministic"]["first_token"]), "≤ 1 s"),
           ("clause answer, deterministic: total", fmt(r["answer_deterministic"]["total"]), ""),
           ("interview turn, deterministic (incl. pains by meaning)", fmt(r["turn_deterministic"]), "p95 ≤ 50 ms"),
           ("report (assess + plan + 2 charts + md/docx/json)", fmt(r["report"]), "≤ 3 s")]
    if "answer_local_llm" in r:
        out += [("local LLM load (once per process)", f"{r['llm_load_s']} s", ""),
                ("clause answer, local LLM: first token", fmt(r["answer_local_llm"]["first_token"]), "≤ 8 s"),
                ("clause answer, local LLM: total", fmt(r["answer_local_llm"]["total"]), ""),
                ("interview turn with the local LLM: reply", fmt(r["turn_local_llm"]), "p95 ≤ 50 ms"),
                ("the model's reading of that turn (background)", fmt(r["turn_local_llm"]["model_reading"]),
                 "p50 ≤ 10 s")]
    return out


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__, "Latency of answers, interview turns and reports", run, rows)


if __name__ == "__main__":
    raise SystemExit(main())
