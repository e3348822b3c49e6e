"""Interview cases: feed every turn, assess, plan, check ``expect``; where a case carries ``facts:`` (what a careful
human reader extracts), compare the profile with them fact by fact (numbers within ±20 %)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.diagnosis.interview import Interview
from advisor.diagnosis.planning import build_plan
from evals.gold import gold_view, same_industry
from evals.kinds.base import CaseBase, EvalKind, register_kind, table
from evals.metrics import median, rate

Stage = Literal["pilot", "integration", "fusion", "ecosystem"]
TechPath = Literal["saas_lightweight", "platform_integration", "ai_innovation"]
PartnerType = Literal["platform_provider", "specialist_vendor", "consultancy"]
NUMBER_TOLERANCE = 0.2


class InterviewExpect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: list[int] | int | None = None
    start_stage: list[Stage] | Stage | None = None
    tech_path: list[TechPath] | TechPath | None = None
    partner_types: list[PartnerType] | None = None
    pain_points: list[str] | None = None
    insufficient: bool | None = None


class InterviewCase(CaseBase):
    kind: Literal["interview"]
    turns: list[str] = Field(min_length=1)
    expect: InterviewExpect = Field(default_factory=InterviewExpect)
    facts: dict[str, Any] | None = None  # schema: the top of ../shared/cases/interviews-dev.yaml


def outcome(iv, assessment=None) -> dict:
    """What an interview came to, in the case file's vocabulary (also the draft expectation of a recorded case).
    ``assessment``: ``iv.assess()`` when the caller already has it."""
    assessment = assessment or iv.assess()
    plan = build_plan(assessment, iv.state.profile)
    return {"level": int(assessment.level) if assessment.level else None, "start_stage": plan.start_stage.value,
            "tech_path": plan.tech_path.value, "partner_types": [p.type.value for p in plan.partners],
            "pain_points": [p.id.value for p in assessment.pain_points], "insufficient": assessment.insufficient}


def _same(key: str, got, want) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(got - want) <= NUMBER_TOLERANCE * abs(want) + 1e-9
    if key == "industry":
        return same_industry(str(got), str(want))
    return got == want


def _atoms(facts: dict) -> dict[str, Any]:
    """Lists become one atom per member ("systems_in_use:erp"), so each is counted alone."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if isinstance(value, list):
            out.update({f"{key}:{member}": True for member in value})
        elif value is not None:
            out[key] = value
    return out


def compare_facts(got: dict, want: dict) -> dict[str, dict[str, int]]:
    """Per key: true positives, false positives (said wrong, or not said at all), false negatives."""
    got, want = _atoms(got), _atoms(want)
    per_key: dict[str, dict[str, int]] = {}
    for atom in set(got) | set(want):
        key = atom.split(":", 1)[0]
        row = per_key.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})
        if atom in got and atom in want and _same(key, got[atom], want[atom]):
            row["tp"] += 1
            continue
        row["fp"] += atom in got
        row["fn"] += atom in want
    return per_key


def _question_stats(iv: Interview) -> tuple[int, int | None]:
    """(redundant questions, questions asked until the assessment first gave a level). A question is redundant when
    the final profile holds a fact it asks for whose evidence came from a turn before it was asked."""
    facts = iv.state.profile.current().values()
    redundant = 0
    for turn in iv.state.turns:
        question = iv.question(turn.asked) if turn.asked else None
        if question and any(iv.answers(question, f.key) and f.turn <= turn.index for f in facts):
            redundant += 1
    return redundant, iv.state.questions_to_level


def run(advisor, case: InterviewCase, with_llm: bool) -> dict:
    iv = Interview(chat=advisor.interview_chat())
    iv.start()
    for text in case.turns:
        iv.reply(text)
    iv.settle()  # the model's facts that were still being read join before the assessment
    assessment = iv.assess()
    result = outcome(iv, assessment)
    expect = case.expect.model_dump(exclude_none=True)
    checks: dict[str, bool] = {}
    for key, want in expect.items():
        got = result[key]
        if key in ("level", "start_stage", "tech_path"):
            checks[key] = got in (want if isinstance(want, list) else [want])
        elif key in ("partner_types", "pain_points"):
            checks[key] = all(w in got for w in want)
        else:
            checks[key] = got == want
    out = {"id": case.id, "kind": case.kind, "turns": case.turns, "expect": expect, "result": result,
           "checks": checks, "passed": all(checks.values()), "reasoning": assessment.reasoning,
           "facts": [f.model_dump(mode="json") for f in iv.state.profile.current().values()], "tags": case.tags}
    if case.facts is not None:
        view = gold_view(iv.state.profile)
        out["fact_view"] = view
        out["gold_facts"] = case.facts
        out["fact_counts"] = compare_facts(view, case.facts)
        out["redundant_questions"], out["questions_to_level"] = _question_stats(iv)
    return out


def _fact_figures(results: list[dict]) -> dict:
    per_key: dict[str, dict[str, int]] = {}
    for r in results:
        for key, row in (r.get("fact_counts") or {}).items():
            total = per_key.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})
            for k in total:
                total[k] += row[k]
    tp, fp, fn = (sum(row[k] for row in per_key.values()) for k in ("tp", "fp", "fn"))
    with_facts = [r for r in results if "fact_counts" in r]
    to_level = [r["questions_to_level"] for r in with_facts if r.get("questions_to_level") is not None]
    return {"fact_precision": rate(tp, tp + fp), "fact_recall": rate(tp, tp + fn),
            "redundant_questions": sum(r.get("redundant_questions", 0) for r in with_facts),
            "median_questions_to_level": median(to_level),
            "fact_per_key": {k: {**v, "precision": rate(v["tp"], v["tp"] + v["fp"]),
                                 "recall": rate(v["tp"], v["tp"] + v["fn"])} for k, v in sorted(per_key.items())}}


def summarise(iv: list[dict], with_llm: bool) -> dict:
    checks = [v for r in iv for v in (r.get("checks") or {}).values()]
    s = {"cases": len(iv), "passed": sum(1 for r in iv if r.get("passed")), "checks": len(checks),
         "checks_passed": sum(1 for v in checks if v), "checks_passed_rate": rate(sum(1 for v in checks if v), len(checks)),
         "errors": sum(1 for r in iv if r.get("error")),
         "median_latency_ms": median([r["latency_ms"] for r in iv if "latency_ms" in r])}
    if any("fact_counts" in r for r in iv):
        s.update(_fact_figures(iv))
    s["level_confusion"] = level_confusion(iv)
    s["pain_point_recall"] = pains = pain_point_table(iv)
    # the pains found against what the owners voiced: recall, precision, and pains they never raised per case
    found, expected = sum(v["found"] for v in pains.values()), sum(v["expected"] for v in pains.values())
    unlisted = sum(v["found_unlisted"] for v in pains.values())
    judged = sum(1 for r in iv if r.get("result"))
    s["pain_recall"], s["pain_precision"] = rate(found, expected), rate(found, found + unlisted)
    s["unlisted_pains_per_case"] = round(unlisted / judged, 2) if judged else 0.0
    return s


def level_confusion(results: list[dict]) -> dict[str, dict[str, int]]:
    """expected level(s) → estimated level ("insufficient" when the assessment declined to judge) → count."""
    table_: dict[str, dict[str, int]] = {}
    for r in results:
        want = (r.get("expect") or {}).get("level")
        if want is None or not r.get("result"):
            continue
        row = "|".join(str(x) for x in (want if isinstance(want, list) else [want]))
        col = "insufficient" if r["result"].get("insufficient") else str(r["result"]["level"])
        table_.setdefault(row, {}).setdefault(col, 0)
        table_[row][col] += 1
    return dict(sorted(table_.items()))


def pain_point_table(results: list[dict]) -> dict[str, dict[str, int]]:
    """Per pain point: cases expecting it, of those found, and found where no expectation named it (expectations
    list what must be found, not everything present, so the last column is a prompt to review, not an error count)."""
    table_: dict[str, dict[str, int]] = {}
    for r in results:
        if not r.get("result"):
            continue
        expected = set((r.get("expect") or {}).get("pain_points") or [])
        found = set(r["result"]["pain_points"])
        for pid in expected | found:
            row = table_.setdefault(pid, {"expected": 0, "found": 0, "found_unlisted": 0})
            row["expected"] += pid in expected
            row["found"] += pid in expected and pid in found
            row["found_unlisted"] += pid in found and pid not in expected
    for row in table_.values():
        row["precision"] = rate(row["found"], row["found"] + row["found_unlisted"])
    return dict(sorted(table_.items()))


def report_section(values: dict) -> list[str]:
    lines: list[str] = []
    confusion = values.get("level_confusion")
    if confusion:
        columns = sorted({c for row in confusion.values() for c in row})
        lines += ["### 等级混淆表（行：期望等级；列：估计结果）", ""]
        lines += table(["期望 \\ 估计", *columns], [[row, *[confusion[row].get(c, 0) for c in columns]] for row in confusion])
    pains = values.get("pain_point_recall")
    if pains:
        lines += ["### 痛点识别（识别率：期望该痛点的用例中识别出的比例；精确率：识别出的该痛点中企业确实提过的比例）", ""]
        lines += table(["痛点", "期望", "识别", "识别率", "未列入期望", "精确率"],
                       [[p, v["expected"], v["found"], f"{v['found'] / v['expected']:.2f}" if v["expected"] else "-",
                         v["found_unlisted"], v["precision"]] for p, v in pains.items()])
    per_key = values.get("fact_per_key")
    if per_key:
        lines += ["### 事实提取（逐项；数值允许 ±20%）", ""]
        lines += table(["事实", "正确", "多报/错报", "漏报", "精确率", "召回率"],
                       [[k, v["tp"], v["fp"], v["fn"], v["precision"], v["recall"]] for k, v in per_key.items()])
    return lines


def failure_lines(c: dict) -> list[str]:
    import json
    lines = [f"- 期望：{json.dumps(c.get('expect'), ensure_ascii=False)}",
             f"- 结果：{json.dumps(c.get('result'), ensure_ascii=False)}",
             f"- 检查：{json.dumps(c.get('checks'), ensure_ascii=False)}", "", "对话（企业的回答）："]
    lines += [f"{i}. {turn}" for i, turn in enumerate(c.get("turns", []), start=1)]
    if c.get("fact_counts"):
        wrong = {k: v for k, v in c["fact_counts"].items() if v["fp"] or v["fn"]}
        lines += ["", f"事实差异：{json.dumps(wrong, ensure_ascii=False)}",
                  f"- 提取：{json.dumps(c.get('fact_view'), ensure_ascii=False)}",
                  f"- 标注：{json.dumps(c.get('gold_facts'), ensure_ascii=False)}"]
    if c.get("facts"):
        lines += ["", "提取的事实（证据为企业原话）："]
        lines += [f"- {f['key']} = {f['value']}（第{f['turn']}轮，{f['source']}：“{f['evidence']}”）" for f in c["facts"]]
    if c.get("reasoning"):
        lines += ["", "评估推理：", *[f"- {r}" for r in c["reasoning"]]]
    return lines


register_kind(EvalKind("interview", InterviewCase, run, summarise, report_section, failure_lines))
