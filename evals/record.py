"""Case authoring: an interview held in the app (a stored session) becomes an ``interview`` case whose expectation is
the current outcome, marked as a draft for a consultant to review.

Example:
    >>> from advisor.config import Settings
    >>> from advisor.service import Advisor
    >>> adv = Advisor(Settings(data_dir="/tmp/record-doctest", llm="none"))
    >>> sid, _ = adv.open_interview(None)
    >>> _ = adv.interview_reply(sid, "我们做五金，员工30人，没有ERP，全靠纸质单据。")
    >>> "kind: interview" in record_session(adv, sid)
    True
"""
from __future__ import annotations

import yaml

from evals.kinds.interview import outcome


def record_session(advisor, session_id: str, case_id: str | None = None) -> str:
    interview = advisor.load_interview(session_id)
    turns = [t.user for t in interview.state.turns if t.user]
    result = outcome(interview)
    expect = {"level": [result["level"]] if result["level"] else None, "start_stage": result["start_stage"],
              "tech_path": result["tech_path"], "partner_types": result["partner_types"],
              "pain_points": result["pain_points"], "insufficient": result["insufficient"] or None}
    case = {"id": case_id or f"iv-rec-{session_id[:8]}", "kind": "interview", "tags": ["recorded", "draft"],
            "notes": f"由会话 {session_id[:8]}… 生成的草稿：expect 为当前结果，请顾问逐项复核后再提交。",
            "turns": turns, "expect": {k: v for k, v in expect.items() if v is not None}}
    return yaml.safe_dump([case], allow_unicode=True, sort_keys=False, width=120)
