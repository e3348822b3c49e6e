"""``python -m advisor interview [--script FILE.yaml [--case ID]] [--report OUT.md|.docx|.json]``."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

from advisor.config import Settings
from advisor.diagnosis.interview import Interview, run_script
from advisor.llm.client import ChatClient
from advisor.diagnosis.planning import build_plan
from advisor.diagnosis.report import Report


def run_interview_command(args, settings: Settings) -> int:
    chat = ChatClient.from_settings(settings) if settings.llm != "none" else None
    chat = chat if chat is not None and chat.available else None
    if args.script:
        cases = yaml.safe_load(Path(args.script).read_text("utf-8"))
        cases = cases if isinstance(cases, list) else [cases]
        case = next((c for c in cases if not args.case or c.get("id") == args.case), None)
        if not case or not case.get("turns"):
            print(f"脚本中没有找到{'用例 ' + args.case if args.case else '含 turns 的用例'}", file=sys.stderr)
            return 2
        if getattr(args, "enterprise", None):  # stored as a session of the enterprise, for later comparison
            return _scripted_for_enterprise(args, settings, [str(t) for t in case["turns"]])
        iv = run_script([str(t) for t in case["turns"]], chat)
        for turn in iv.state.turns:
            if turn.user:
                print(f"企业：{turn.user}")
            print(f"顾问：{turn.reply}\n")
    else:
        iv = Interview(chat=chat)
        print(f"顾问：{iv.start().reply}\n")
        while not iv.state.finished:
            try:
                text = input("企业> ")
            except EOFError:
                break
            print(f"\n顾问：{iv.reply(text).reply}\n")
    assessment = iv.assess()
    report = Report(profile=iv.state.profile, assessment=assessment, plan=build_plan(assessment, iv.state.profile))
    if args.report:
        try:
            print(f"报告已写入 {report.write(Path(args.report))}")
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    else:
        print(report.to_markdown())
    return 0


def _scripted_for_enterprise(args, settings: Settings, turns: list[str]) -> int:
    from advisor.service import Advisor
    advisor = Advisor(settings)
    session_id, _ = advisor.open_interview(None)
    for text in turns:
        advisor.interview_reply(session_id, text)
    advisor.set_enterprise(session_id, args.enterprise)
    report = advisor.report(session_id)
    if args.report:
        print(f"报告已写入 {report.write(Path(args.report))}（会话 {session_id}，企业 {args.enterprise}）")
    else:
        print(report.to_markdown())
    return 0
