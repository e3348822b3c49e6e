"""The executive summary: plain words for the owner. Without a model, built from the assessment and plan; with one,
written by it from the same facts (JSON in, prose out) and kept only if every number in it appears in those facts and
every clause number exists in the guide — otherwise the built one is used and the report says why.

Example:
    >>> unsupported("先做仓储，12个月内把账实相符率提到98%（见6.4.3.2）。", {"12", "98"}, {"6.4.3.2"})
    []
    >>> unsupported("三个月回本，省下200万（见9.9.9）。", {"12", "98"}, {"6.4.3.2"})
    ['200', '9.9.9']
"""
from __future__ import annotations

import json
import re

_CLAUSE = re.compile(r"(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,4}(?![\d.]*\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def deterministic_summary(report) -> str:
    a, p, profile = report.assessment, report.plan, report.profile
    who = "、".join(filter(None, [str(profile.get("industry") or ""),
                                  f"约{profile.get('employees')}人" if profile.get("employees") else ""]))
    parts = [f"{'贵企业（' + who + '）' if who else '贵企业'}"
             + ("信息还不够，暂不判断数字化等级" if a.insufficient else
                f"目前的数字化水平估计为{a.level_label}（总分约{a.score_estimate:.0f}分）") + "。"]
    if a.pain_points:
        top = a.pain_points[0]
        said = f"（您说：“{top.evidence[0].quote}”）" if top.evidence else ""
        parts.append(f"最要紧的问题是{top.label}{said}。")
    start = next((s for s in p.stages if s.status == "start"), None)
    if start and start.scenes:
        parts.append(f"建议从{'、'.join(start.scenes)}开始{start.label}，第一步：{p.first_step or start.actions[0]}。")
    kpi = next((g for g in (start.goals if start else []) if "场景数字化能力等级" not in g.indicator), None)
    if kpi:
        name = kpi.indicator.split("：")[-1]
        parts.append(f"首月先测出“{name}”的现状，{kpi.deadline}做到{kpi.target}。" if kpi.measure else
                     f"{kpi.deadline}把“{name}”从{kpi.baseline}做到{kpi.target}。")
    if report.next_level and report.next_level.gaps:
        parts.append(f"离{report.next_level.target.label}还差：{report.next_level.summary.split('：', 1)[-1]}。")
    return "".join(parts)


def facts_for_summary(report) -> dict:
    """What the model may use: the diagnosis as compact JSON (its numbers are the only numbers allowed)."""
    a, p = report.assessment, report.plan
    start = next((s for s in p.stages if s.status == "start"), None)
    return {"行业": report.profile.get("industry"), "员工人数": report.profile.get("employees"),
            "等级": a.level_label, "总分估计": round(a.score_estimate), "痛点": [x.label for x in a.pain_points[:3]],
            "企业原话": [x.evidence[0].quote for x in a.pain_points[:2] if x.evidence],
            "起步阶段": start.label if start else "", "试点场景": start.scenes if start else [],
            "第一步": p.first_step, "第一阶段指标": [f"{g.indicator}：{g.baseline}→{g.target}（{g.deadline}）"
                                              for g in (start.goals if start else [])][:4],
            "离下一级": report.next_level.summary if report.next_level else "", "依据条款": ["6.4.3.2", "6.3.2"]}


def allowed_numbers(payload: dict) -> set[str]:
    """The numbers a summary may use: those in the facts, the Chinese numerals there as digits ("一级" is 1级), and
    how many items each list holds ("3个痛点" when three are listed)."""
    text = json.dumps(payload, ensure_ascii=False)
    numbers = set(_NUMBER.findall(text))
    numbers |= {str(i) for i, ch in enumerate("零一二三四五六七八九十") if ch in text}
    numbers |= {str(len(v)) for v in payload.values() if isinstance(v, list)}
    return numbers


def unsupported(text: str, numbers: set[str], clauses: set[str]) -> list[str]:
    """Clause numbers that do not exist and numbers that appear nowhere in the facts given (a score such as 19.2 is a
    number of the facts, not a clause)."""
    bad = [c for c in _CLAUSE.findall(text) if c not in clauses and c not in numbers]
    rest = _CLAUSE.sub(" ", text)
    plain = lambda n: n.rstrip("0").rstrip(".") if "." in n else n  # noqa: E731 - "98.0" is 98
    return [n for n in _NUMBER.findall(rest) if n not in numbers and plain(n) not in numbers] + bad


def llm_summary(chat, report, guide_clauses: set[str]) -> tuple[str, str]:
    """(summary, note): the model's when it passes the checks, else the built one and why."""
    from advisor.llm.prompts import render
    facts = facts_for_summary(report)
    payload = json.dumps(facts, ensure_ascii=False)
    try:
        text = chat.complete([("human", render("summary", language="中文", diagnosis=payload))],
                             first_token_timeout=chat.settings.llm_timeout_s, total_timeout=chat.settings.llm_timeout_s * 2)
    except Exception as exc:  # noqa: BLE001 - the built summary is always there
        return deterministic_summary(report), f"大模型未能撰写摘要（{exc}），以下为按诊断结果生成的摘要"
    text = " ".join(text.split())
    bad = unsupported(text, allowed_numbers(facts), guide_clauses) if text else ["（空）"]
    if bad:
        return deterministic_summary(report), f"大模型的摘要含有诊断中没有的数字或条款（{'、'.join(bad[:3])}），已改用按诊断结果生成的摘要"
    return text, "大模型依据诊断结果撰写，数字与条款号已逐一核对"
