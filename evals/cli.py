"""``python -m evals run FILES… [--llm none|local|openai] [--json OUT] [--report OUT.md|OUT.html] [--jobs N]
[--filter X] [--min metric=value …] [--timeout S]``, ``python -m evals compare OLD.json NEW.json``,
``python -m evals record SESSION [--out FILE.yaml]``, ``python -m evals calibrate`` and
``python -m evals sentences FILE…``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from advisor.llm.backends import backend_choices


def _bar(done: int, total: int) -> None:
    if not sys.stderr.isatty() and done < total:
        return
    pct = int(done * 100 / total) if total else 100
    print(f"\r评测进度 [{'#' * (pct // 5):<20}] {done}/{total}", end="" if done < total else "\n",
          file=sys.stderr, flush=True)


def _metric(summary: dict, name: str):
    """``recall_at_5`` (searched in every kind) or ``interview.checks_passed_rate``."""
    if "." in name:
        kind, key = name.split(".", 1)
        return summary.get(kind, {}).get(key)
    for values in summary.values():
        if name in values:
            return values[name]
    return None


def cmd_run(args) -> int:
    from advisor.config import load_settings
    from advisor.service import Advisor

    from evals.report import write_report
    from evals.runner import run_cases
    from evals.schema import CaseFileError, load_cases

    try:
        cases = load_cases([Path(f) for f in args.files])
    except CaseFileError as exc:
        print(f"用例文件有误：\n{exc}", file=sys.stderr)
        return 2
    if args.filter:
        cases = [c for c in cases if any(f in (c.id, c.kind, *c.tags) or c.id.startswith(f) for f in args.filter)]
    if not cases:
        print("没有可运行的用例", file=sys.stderr)
        return 2
    settings = load_settings(llm=args.llm)
    advisor = Advisor(settings)
    with_llm = args.llm != "none"
    if with_llm and not advisor.chat.available:
        print(f"大模型不可用：{advisor.chat.describe()}", file=sys.stderr)
        return 2
    result = run_cases(advisor, cases, with_llm=with_llm, jobs=args.jobs, progress=_bar, timeout_s=args.timeout)
    result["llm"] = advisor.chat.describe() if with_llm else "none"
    for kind, values in result["summary"].items():
        print(f"[{kind}] " + "  ".join(f"{k}={v}" for k, v in values.items() if not isinstance(v, dict)))
    failing = [c for c in result["cases"] if not c.get("passed")]
    for c in failing[:30]:
        print(f"  ✗ {c['id']}: {c.get('error') or c.get('why') or c.get('retrieved', '')}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    if args.report:
        write_report(result, Path(args.report))
    status = 0
    for gate in args.min or []:
        name, _, bar = gate.partition("=")
        value = _metric(result["summary"], name)
        if value is None or value < float(bar):
            print(f"未达门槛：{name}={value} < {bar}", file=sys.stderr)
            status = 1
    return status


def cmd_compare(args) -> int:
    from evals.compare import compare
    old = json.loads(Path(args.old).read_text("utf-8"))
    new = json.loads(Path(args.new).read_text("utf-8"))
    text, regressed = compare(old, new, tolerance=args.tolerance)
    print(text)
    return 1 if regressed else 0


def cmd_record(args) -> int:
    from advisor.config import load_settings
    from advisor.service import Advisor, SessionNotFound

    from evals.record import record_session
    try:
        text = record_session(Advisor(load_settings(llm="none")), args.session, case_id=args.id)
    except SessionNotFound:
        print(f"没有找到会话 {args.session}", file=sys.stderr)
        return 2
    if args.out:
        out = Path(args.out)
        existing = out.read_text("utf-8").rstrip() + "\n\n" if out.exists() else ""
        out.write_text(existing + text, "utf-8")
        print(f"已写入 {out}（草稿：请顾问复核 expect 后再提交）", file=sys.stderr)
    else:
        print(text)
    return 0


def cmd_calibrate_pains(args) -> int:
    from evals.calibrate import calibrate_pains, write_pain_threshold
    result = calibrate_pains([Path(f) for f in args.files])
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.write:
        write_pain_threshold(result["threshold"])
    return 0


def cmd_calibrate(args) -> int:
    from advisor.config import default_settings
    from advisor.service import Advisor

    from evals.calibrate import calibrate
    advisor = Advisor(default_settings().model_copy(update={"llm": "none"}))
    payload = calibrate(advisor, [Path(f) for f in args.files], write=args.write)
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run")
    p.add_argument("files", nargs="+")
    p.add_argument("--llm", default="none", choices=backend_choices())
    p.add_argument("--json")
    p.add_argument("--report")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--filter", action="append")
    p.add_argument("--min", action="append", help="gate: metric=value, e.g. recall_at_5=0.95")
    p.add_argument("--timeout", type=float, default=600.0, help="per-case timeout in seconds (default 600)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("record", help="turn an interview held in the app (a stored session) into a draft case")
    p.add_argument("session", help="the session id shown in the app")
    p.add_argument("--out", help="append the case to this YAML file (default: print it)")
    p.add_argument("--id", help="case id (default: iv-rec-<first 8 characters of the session>)")
    p.set_defaults(func=cmd_record)
    p = sub.add_parser("compare")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--tolerance", type=float, default=0.01)
    p.set_defaults(func=cmd_compare)
    p = sub.add_parser("calibrate", help="fit the refusal model on half the clause questions, report on the other half")
    p.add_argument("files", nargs="*", default=["evals/cases/clause_qa.yaml", "evals/calibration.yaml",
                                                "evals/calibration-own-words.yaml",
                                                "../shared/cases/clause_followups-dev.yaml",
                                                "../shared/cases/clause_qa-dev2.yaml"])
    p.add_argument("--write", action="store_true", help="store the weights and threshold fitted on the first half")
    p.set_defaults(func=cmd_calibrate)
    p = sub.add_parser("calibrate-pains", help="fit the pain classifier's threshold on half the interview cases, "
                                               "report on the other half")
    p.add_argument("files", nargs="+")
    p.add_argument("--write", action="store_true",
                   help="store the fitted threshold in knowledge/lexicon/pain_examples/threshold.yaml")
    p.set_defaults(func=cmd_calibrate_pains)
    p = sub.add_parser("sentences", help="read single owner messages and score the facts by key")
    p.add_argument("files", nargs="+")
    p.add_argument("--quiet", action="store_true", help="figures only, not the messages that miss")
    p.add_argument("--half", choices=["fit", "report"], default="",
                   help="only the even-numbered messages (fit) or the odd-numbered ones (report)")
    p.set_defaults(func=lambda args: __import__("evals.sentences").sentences.main(args.files, not args.quiet,
                                                                                  args.half))
    p = sub.add_parser("untranslated", help="Chinese segments of the cases' reports the English report lacks")
    p.add_argument("files", nargs="+")
    p.add_argument("--yaml", action="store_true", help="print them as catalogue lines to fill in")
    p.set_defaults(func=lambda args: __import__("evals.untranslated").untranslated.main(args.files, args.yaml))
    p = sub.add_parser("pains", help="score the pain classifier writer against writer")
    p.set_defaults(func=lambda args: __import__("evals.pains").pains.main())
    p = sub.add_parser("statuses", help="score the status classifier writer against writer; fit its thresholds")
    p.add_argument("--precision", type=float, default=0.9, help="held-out precision each key's threshold must reach")
    p.add_argument("--write", action="store_true", help="store the thresholds in knowledge/lexicon/status_examples/")
    p.set_defaults(func=lambda args: __import__("evals.statuses").statuses.main(args.precision, args.write))
    args = parser.parse_args(argv)
    return args.func(args)
