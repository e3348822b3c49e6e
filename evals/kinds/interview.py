"""Interview cases for the evaluation runner: send every turn, assess, plan, check ``expect``."""
from __future__ import annotations

from advisor.diagnosis.interview import run_script
from advisor.diagnosis.planning import build_plan


def outcome(iv, assessment=None) -> dict:
    """What an interview came to, in the case file's vocabulary (also the draft expectation of a recorded case).
    ``assessment``: ``iv.assess()`` when the caller already has it."""
    assessment = assessment or iv.assess()
    plan = build_plan(assessment, iv.state.profile)
    return {"level": int(assessment.level) if assessment.level else None, "start_stage": plan.start_stage.value,
            "tech_path": plan.tech_path.value, "partner_types": [p.type.value for p in plan.partners],
            "pain_points": [p.id.value for p in assessment.pain_points], "insufficient": assessment.insufficient}


def evaluate_interview(advisor, case) -> dict:
    iv = run_script(case.turns, advisor.interview_chat())
    assessment = iv.assess()
    result = outcome(iv, assessment)
    expect = case.expect.model_dump(exclude_none=True)
    checks: dict[str, bool] = {}
    for key, want in expect.items():
        got = result[key]
        if key in ("level", "start_stage", "tech_path"):
            options = want if isinstance(want, list) else [want]
            checks[key] = got in options
        elif key in ("partner_types", "pain_points"):
            checks[key] = all(w in got for w in want)
        else:
            checks[key] = got == want
    return {"id": case.id, "kind": case.kind, "turns": case.turns, "expect": expect, "result": result,
            "checks": checks, "passed": all(checks.values()), "reasoning": assessment.reasoning,
            "facts": [f.model_dump() for f in iv.state.profile.current().values()], "tags": case.tags}
