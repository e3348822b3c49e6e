"""Path to the next level, on assessments built by hand at each boundary of the rule (#17)."""
from __future__ import annotations

import pytest

from advisor.diagnosis.assessment import assess
from advisor.diagnosis.next_level import path_to_next_level
from advisor.diagnosis.vocabulary import EnterpriseProfile, Level


def _hand(level: int | None, estimate: float, scene_levels: list[tuple[bool, int | None]]):
    """A real assessment with the overall level, the score estimate and the 16 scenes' (constrained, level) set by hand."""
    base = assess(EnterpriseProfile())
    scenes = [s.model_copy(update={"constrained": c, "level": lv}) for s, (c, lv) in zip(base.scenes, scene_levels)]
    return base.model_copy(update={"level": Level(level) if level else None, "insufficient": level is None,
                                   "score_estimate": estimate, "scenes": scenes})


ALL_AT = lambda lv: [(i < 8, lv) for i in range(16)]  # noqa: E731 - 8 constrained, 8 not


@pytest.mark.parametrize("level,estimate,scenes,kinds,summary_bits", [
    (1, 30.0, ALL_AT(2), ["score"], ["总分再加10.0分"]),  # scenes fine, score short
    (1, 45.0, [(i < 8, 2 if i >= 8 else 1) for i in range(16)], ["constrained"], ["约束性场景"]),  # constrained short
    (1, 45.0, [(i < 8, 2 if i in (0, 1, 2) else 1) for i in range(16)], ["scenes"], ["再有3个业务场景"]),
    (1, 35.0, ALL_AT(1), ["constrained", "scenes", "score"], ["约束性", "业务场景", "总分"]),  # everything short
    (2, 55.0, ALL_AT(3), ["score"], ["三级", "总分再加5.0分"]),
    (2, 65.0, [(i < 8, 3 if i < 4 else 2) for i in range(16)], ["constrained", "scenes"], ["再有1个约束性场景"]),
    (3, 85.0, [(i < 8, 4 if i < 10 else 3) for i in range(16)], [], ["已满足"]),  # the next level's rule is met
    (3, 70.0, ALL_AT(3), ["constrained", "scenes", "score"], ["四级"]),
])
def test_gaps_at_each_boundary(level, estimate, scenes, kinds, summary_bits):
    path = path_to_next_level(_hand(level, estimate, scenes))
    assert path.target == Level(level + 1)
    assert [g.kind for g in path.gaps] == kinds
    assert all(bit in path.summary for bit in summary_bits), path.summary
    for gap in path.gaps:
        assert gap.candidates, f"{gap.kind} gap without a way to close it"


def test_no_path_without_a_level_or_at_the_top():
    assert path_to_next_level(_hand(None, 10.0, ALL_AT(None))) is None
    assert path_to_next_level(_hand(4, 90.0, ALL_AT(4))) is None


def test_the_score_gap_names_the_items_with_most_headroom_first():
    path = path_to_next_level(_hand(1, 20.0, ALL_AT(2)))
    score = next(g for g in path.gaps if g.kind == "score")
    assert score.candidates[0].startswith("设备系统")  # 20 points, none credited: the largest headroom


def test_the_report_names_the_trade_and_date_and_says_what_the_next_level_needs():
    from advisor.diagnosis.interview import run_script
    from advisor.diagnosis.planning import build_plan
    from advisor.diagnosis.report import Report
    iv = run_script(["我们做实木家具，员工60来个人，年营收三千万出头。", "ERP只有财务在用，仓库用Excel，车间派工靠纸质单子。",
                     "设备都没联网。", "没有IT，也没有规划。"])
    a = iv.assess()
    report = Report(profile=iv.state.profile, assessment=a, plan=build_plan(a, iv.state.profile))
    assert "实木家具" in report.title and report.created in report.title and "/" not in report.file_stem
    md = report.to_markdown()
    assert md.startswith(f"# {report.title}") and "## 离二级规范还差什么" in md
    assert report.next_level.summary.startswith("二级差：") and '"next_level"' in report.to_json()
