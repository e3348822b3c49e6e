"""What exactly is missing for the next level — the question owners and consultants ask first. From the same level
rule the assessment applies (``knowledge/indicators/miit2024.yaml``, scene counts scaled to the scenes assessed): the
score still missing and the smallest set of items whose headroom closes it, the scenes still to reach the next level
(constrained ones first), each with the evidence for today's state.

Example:
    >>> from advisor.diagnosis.assessment import assess
    >>> from advisor.diagnosis.vocabulary import EnterpriseProfile
    >>> path_to_next_level(assess(EnterpriseProfile())) is None  # no level yet: nothing to measure from
    True
"""
from __future__ import annotations

import math

from pydantic import BaseModel, Field

from advisor.diagnosis.assessment import indicator_model
from advisor.diagnosis.vocabulary import Assessment, Level


class Gap(BaseModel):
    kind: str  # score | scenes | constrained
    need: float
    have: float
    detail: str
    candidates: list[str] = Field(default_factory=list)  # items or scenes that would close it, best first
    evidence: list[str] = Field(default_factory=list)  # the owner's words for today's state


class NextLevel(BaseModel):
    target: Level
    gaps: list[Gap]
    summary: str  # "二级差：再有2个约束性场景到二级 + 总分再加6.0分"

    @property
    def met(self) -> bool:
        return not self.gaps


def _rule(level: int) -> dict:
    return next(r for r in indicator_model()["level_rule"] if r["level"] == level)


def _score_gap(a: Assessment, rule: dict) -> Gap | None:
    missing = rule["min_score"] - a.score_estimate
    if missing <= 0:
        return None
    # the items with the most points still open (max − what we credit today), taken until the gap is covered
    headroom = sorted(((i.points - (i.low + i.high) / 2, i) for i in a.items), key=lambda h: -h[0])
    picked, covered = [], 0.0
    for room, item in headroom:
        if covered >= missing or room <= 0:
            break
        picked.append(f"{item.label}（可再得约{room:.1f}分；现状：{item.reason}）")
        covered += room
    return Gap(kind="score", need=rule["min_score"], have=a.score_estimate, candidates=picked,
               detail=f"总分再加{missing:.1f}分（估计{a.score_estimate:.1f} → {rule['min_score']}）")


def _scene_gaps(a: Assessment, rule: dict, target: int) -> list[Gap]:
    assessed = [s for s in a.scenes if s.level is not None]
    share = len(assessed) / 16
    need = max(1, math.ceil(rule["min_scenes"] * share))
    need_c = max(1, math.ceil(rule["min_constrained"] * share)) if any(s.constrained for s in assessed) else 0
    at = [s for s in assessed if s.level >= target]
    at_c = [s for s in at if s.constrained]
    below = sorted((s for s in a.scenes if (s.level or 0) < target),
                   key=lambda s: (not s.constrained, -(s.level or 0)))  # constrained, then closest, first
    label = Level(target).label
    gaps = []
    if len(at_c) < need_c:
        short = need_c - len(at_c)
        gaps.append(Gap(kind="constrained", need=need_c, have=len(at_c),
                        detail=f"再有{short}个约束性场景达到{label}",
                        candidates=[f"{s.label}（现为{s.level or '未知'}级）" for s in below if s.constrained][:short + 2],
                        evidence=[e.quote for s in below if s.constrained for e in s.evidence][:3]))
    if len(at) < need:
        short = need - len(at)
        gaps.append(Gap(kind="scenes", need=need, have=len(at), detail=f"再有{short}个业务场景达到{label}",
                        candidates=[f"{s.label}（现为{s.level or '未知'}级）" for s in below][:short + 2],
                        evidence=[e.quote for s in below for e in s.evidence][:3]))
    return gaps


def path_to_next_level(a: Assessment) -> NextLevel | None:
    """The gaps to the level above the assessed one; None without a level or at the top."""
    if a.level is None or int(a.level) >= 4:
        return None
    target = int(a.level) + 1
    rule = _rule(target)
    gaps = _scene_gaps(a, rule, target)
    score = _score_gap(a, rule)
    if score is not None:
        gaps.append(score)
    label = Level(target).label
    summary = f"{label[:2]}差：" + " + ".join(g.detail for g in gaps) if gaps else f"已满足{label}的条件"
    return NextLevel(target=Level(target), gaps=gaps, summary=summary)
