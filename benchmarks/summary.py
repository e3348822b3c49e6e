"""How often the local model's executive summary passes verification (every number in the diagnosis, every clause
number in the guide), over interview cases; the built summary is used for the others.

    python -m benchmarks.summary [FILES ...] [--llm local] [--json OUT]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from advisor.config import Settings
from advisor.diagnosis.interview import Interview
from advisor.diagnosis.report import Report
from advisor.diagnosis.summary import llm_summary
from advisor.llm.client import ChatClient
from evals.schema import load_cases

from benchmarks.common import PROJECT_ROOT, print_table, summary_ms, write_json

DEFAULT = PROJECT_ROOT.parent / "shared" / "cases" / "interviews-dev.yaml"


def run(files: list[Path], llm: str = "local") -> dict:
    from advisor.corpus.knowledge_base import KnowledgeBase
    settings = Settings(llm=llm)
    chat = ChatClient.from_settings(settings)
    guide = {c.clause_id for c in KnowledgeBase.load(settings).guide.sections}
    passed, seconds, reasons = 0, [], []
    cases = [c for c in load_cases(files) if c.kind == "interview"]
    for case in cases:
        iv = Interview(chat=None)
        iv.start()
        for text in case.turns:
            iv.reply(text)
        report = Report.of_interview(iv)
        started = time.perf_counter()
        _text, note = llm_summary(chat, report, guide)
        seconds.append(time.perf_counter() - started)
        if "已逐一核对" in note:
            passed += 1
        else:
            reasons.append(f"{case.id}: {note}")
    return {"cases": len(cases), "passed": passed, "rate": round(passed / max(len(cases), 1), 3),
            "latency": summary_ms(seconds), "failures": reasons}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=[str(DEFAULT)])
    parser.add_argument("--llm", default="local")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    r = run([Path(f) for f in args.files], args.llm)
    print_table([("model summaries passing verification", f"{r['passed']}/{r['cases']} ({r['rate']:.0%}); "
                  f"p50 {r['latency']['p50_ms'] / 1000:.1f} s", "≥ 90%")], f"Executive summary ({args.llm})")
    for line in r["failures"]:
        print("-", line)
    write_json(args.json, {"summary": r})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
