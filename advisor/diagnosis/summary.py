"""The executive summary: plain words for the owner. Without a model, built from the assessment and plan; with one,
written by it from the same facts (JSON in, prose out) and kept only if it passes a whitelist — otherwise the built
one is used and the report says why. The whitelist (#25): every number, in Arabic or Chinese numerals, is one of the
diagnosis (not of the owner's quoted words, which an owner could fill with anything); every level named is the
diagnosed one or the next; every clause number is one the diagnosis cites; and no address, contact detail, rating of
someone else's or Markdown/HTML markup at all.

Example:
    >>> unsupported("先做仓储，12个月内把账实相符率提到98%（见6.4.3.2）。", {"12", "98"}, {"6.4.3.2"})
    []
    >>> unsupported("三个月回本，省下两百万（见9.9.9）。评为五级，详见 www.example.cn", {"12", "98"}, {"6.4.3.2"}, {"1"})
    ['网址或联系方式：www.example.cn', '三', '两百万', '9.9.9', '五级']
"""
from __future__ import annotations

import json
import re

import cn2an

_CLAUSE = re.compile(r"(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,4}(?![\d.]*\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_RUN = re.compile(f"(?<![第{_CN_DIGITS}十百千万亿])[{_CN_DIGITS}十百千万亿]+(?:点[{_CN_DIGITS}]+)?")
# after a Chinese numeral, these make it a quantity (一些, 一起, 统一, 十分重要 are words, not numbers)
_UNIT = re.compile(r"^(?:个|人|名|位|元|块|年|月|天|日|周|小时|%|％|成|倍|分|项|次|家|台|套|条|笔|单|吨|件|星|期|季度)")
_LEVEL = re.compile(f"(?<![下上每同高低])([{_CN_DIGITS}1-9])级")
_CONTACT = re.compile(r"(?i)(?:https?://|ftp://|www\.|mailto:)\S*|\S+@\S+|[a-z0-9-]+\.(?:com|cn|net|org|io|top|xyz|info|biz|cc)"
                      r"\b\S*|电话|手机|微信号|QQ|邮箱|热线|扫码|二维码|网址|联系方式|联系人|客服")
_RATING = re.compile(f"[A-E]{{1,3}}级|[{_CN_DIGITS}十\\d]+星级?|评级|认证|排名")
_MARKUP = re.compile(r"!\[|\]\(|<\s*[A-Za-z/!]|\[[^\]]*\]\s*\(|^#|\*\*")


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
    """The numbers a summary may use: those of the diagnosis in Arabic or Chinese numerals (not those of the owner's
    quoted words), how many items each list holds ("3个痛点" when three are listed), and one ("先做一件事")."""
    own = {k: v for k, v in payload.items() if k != "企业原话"}
    text = json.dumps(own, ensure_ascii=False)
    numbers = set(_NUMBER.findall(text)) | {"1"}
    numbers |= {_plain(v) for _raw, v in chinese_numbers(text, quantities_only=False)}
    numbers |= {str(len(v)) for v in own.values() if isinstance(v, list)}
    return numbers


def allowed_levels(payload: dict) -> set[str]:
    """The levels a summary may name: the one diagnosed and those the "next level" text names, as digits."""
    text = f"{payload.get('等级') or ''} {payload.get('离下一级') or ''}"
    return {_level(m) for m in _LEVEL.findall(text)}


def chinese_numbers(text: str, quantities_only: bool = True) -> list[tuple[str, str]]:
    """(as written, value) of the Chinese numerals in ``text``: with ``quantities_only``, only those that count or
    measure something (a unit follows, or the numeral has several digits), not 第一 or 一些.

    >>> chinese_numbers("三个痛点，省下两百万，第一步先统一口径，十分重要")
    [('三', '3'), ('两百万', '2000000')]
    """
    found = []
    for m in _CN_RUN.finditer(text):
        raw, after = m.group(), text[m.end():]
        if raw == "十" and after.startswith("分"):
            continue
        several = len(raw) > 1 and any(c in raw for c in "十百千万亿点")
        if quantities_only and not (several or _UNIT.match(after)):
            continue
        try:
            found.append((raw, _plain(str(cn2an.cn2an(raw, "smart")))))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def _plain(n: str) -> str:
    return n.rstrip("0").rstrip(".") if "." in n else n  # "98.0" is 98


def _level(raw: str) -> str:
    return str("零一二三四五六七八九".index(raw)) if raw in "零一二三四五六七八九" else raw


def unsupported(text: str, numbers: set[str], clauses: set[str], levels: set[str] | None = None) -> list[str]:
    """What in ``text`` is not of the diagnosis: addresses, contact details, others' ratings and markup, then
    clause numbers not among ``clauses``, numbers (Arabic or Chinese) not among ``numbers``, and levels not among
    ``levels`` (when given). A score such as 19.2 is a number of the facts, not a clause."""
    bad = [f"网址或联系方式：{m.group()}" for m in _CONTACT.finditer(text)]
    bad += [f"评级：{m.group()}" for m in _RATING.finditer(text)]
    bad += ["标记"] if _MARKUP.search(text) else []
    wrong_clauses = [c for c in _CLAUSE.findall(text) if c not in clauses and c not in numbers]
    rest = _CLAUSE.sub(" ", _CONTACT.sub(" ", text))
    rest_levels = _LEVEL.sub(" ", rest)
    bad += [raw for raw, value in chinese_numbers(rest_levels) if value not in numbers]
    bad += [n for n in _NUMBER.findall(rest_levels) if n not in numbers and _plain(n) not in numbers]
    bad += wrong_clauses
    if levels is not None:
        bad += [m.group() for m in _LEVEL.finditer(rest) if _level(m.group(1)) not in levels]
    return bad


def diagnosis_clauses(report, guide_clauses: set[str]) -> set[str]:
    """The guide's clauses the diagnosis itself cites (its plan, pains and the summary's grounds)."""
    found: set[str] = {"6.4.3.2", "6.3.2"}

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("clauses", "clause"):
                    found.update([item] if isinstance(item, str) else [c for c in item if isinstance(c, str)])
                elif key not in ("evidence", "quote"):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(report.plan.model_dump())
    walk(report.assessment.model_dump())
    return found & guide_clauses if guide_clauses else found


def llm_summary(chat, report, guide_clauses: set[str]) -> tuple[str, str]:
    """(summary, note): the model's when it passes the checks, else the built one and why."""
    from advisor.llm.prompts import render
    facts = facts_for_summary(report)
    payload = json.dumps(facts, ensure_ascii=False)
    try:
        text = chat.complete([("human", render("summary", language="English" if report.language == "en" else "中文",
                                                       diagnosis=payload))],
                             first_token_timeout=chat.settings.llm_timeout_s, total_timeout=chat.settings.llm_timeout_s * 2)
    except Exception as exc:  # noqa: BLE001 - the built summary is always there
        return deterministic_summary(report), f"大模型未能撰写摘要（{exc}），以下为按诊断结果生成的摘要"
    text = " ".join(text.split())
    bad = unsupported(text, allowed_numbers(facts), diagnosis_clauses(report, guide_clauses),
                      allowed_levels(facts)) if text else ["（空）"]
    if bad:
        return deterministic_summary(report), (f"大模型的摘要含有诊断中没有的内容（{'、'.join(bad[:3])}），"
                                               "已改用按诊断结果生成的摘要")
    return text, "大模型依据诊断结果撰写，数字、等级与条款号已逐一核对"
