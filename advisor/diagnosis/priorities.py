"""What to do first: candidate scenes (below 二级 today) scored on value (the owner's pains and how sharply they were
put, a constrained scene of the indicators, typical for the trade, money at stake; only scenes the owner spoke of,
had pains in, or that are typical of the trade) and ease (the first action's
prerequisites met, its cost class against the stated budget, an IT person on staff); the pilot scenes come from the
top-right of that matrix. Actions and KPIs are picked from ``knowledge/plan.yaml`` by what the enterprise already has.

Example:
    >>> from advisor.diagnosis.assessment import assess
    >>> from advisor.diagnosis.vocabulary import EnterpriseProfile, Fact
    >>> p = EnterpriseProfile()
    >>> _ = p.add(Fact(key="industry", value="食品加工", evidence="我们做食品加工", turn=1))
    >>> _ = p.add(Fact(key="pain.quality_traceability", value=True, evidence="出了问题查不到是哪批原料", turn=2))
    >>> prioritise(assess(p), p)[0].label
    '质量管理'
"""
from __future__ import annotations

import re

from advisor.diagnosis.plan_content import Action, plan_content
from advisor.diagnosis.vocabulary import Assessment, EnterpriseProfile, Priority, StageGoal

QUADRANTS = {(True, True): "先做", (True, False): "重点投入", (False, True): "顺手做", (False, False): "暂缓"}
_MONEY = re.compile(r"\d+\s*万|万块|损失|赔|罚|返工|报废|积压|退货")


def capabilities(profile: EnterpriseProfile) -> set[str]:
    """What the enterprise already has, by the plan content's capability → facts map."""
    have = set()
    for capability, keys in plan_content().capabilities_from_facts.items():
        for key in keys:
            value = profile.get(key)
            if value is True or (isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 30):
                have.add(capability)
    return have


def budget_wan(profile: EnterpriseProfile) -> float | None:
    """A yearly digital budget the owner stated (万元), directly or as a share of revenue."""
    if (stated := profile.get("digital_budget_wan")) is not None:
        return float(stated)
    pct, revenue = profile.get("digital_budget_pct"), profile.get("revenue_wan")
    return float(pct) * float(revenue) / 100 if pct is not None and revenue else None


def doable(actions: list[Action], have: set[str], limit: int = 2) -> list[Action]:
    """The actions whose prerequisites are met, in order, each one's gains counting for the next."""
    have, out = set(have), []
    for action in actions:
        if set(action.needs) <= have:
            out.append(action)
            have |= set(action.gives)
        if len(out) == limit:
            break
    return out


def prioritise(assessment: Assessment, profile: EnterpriseProfile) -> list[Priority]:
    content, have = plan_content(), capabilities(profile)
    industry = content.industry_of(profile.get("industry"))
    budget = budget_wan(profile)
    pains: dict[str, tuple[int, str, bool]] = {}  # scene → (severity, pain label, money at stake)
    count: dict[str, int] = {}  # scene → how many pains land on it
    for pain in assessment.pain_points:
        scene = _scene_of(pain, content.pains.get(str(pain.id), {}).get("scene"))
        if scene is None:
            continue
        scene = industry.instead.get(scene, scene) if industry is not None else scene
        count[scene] = count.get(scene, 0) + 1
        money = any(_MONEY.search(e.quote) for e in pain.evidence) or pains.get(scene, (0, "", False))[2]
        if pain.severity > pains.get(scene, (0, "", False))[0]:
            pains[scene] = (pain.severity, pain.label, money)
        else:
            pains[scene] = (*pains[scene][:2], money)
    out = []
    unfit = set(industry.instead) if industry is not None else set()
    known = [s for s in assessment.scenes if s.id in content.scenes and (s.level or 0) < 2 and s.id not in unfit and
             (s.id in pains or (industry is not None and s.id in industry.scenes) or s.level is not None)]
    if len(known) < 2:  # the interview said little: the constrained scenes fill in, and say so
        known += [s for s in assessment.scenes if s.constrained and s.level is None and s not in known and
                  s.id not in unfit][:2 - len(known)]
    for scene in known:
        severity, pain_label, money = pains.get(scene.id, (0, "", False))
        typical = industry is not None and scene.id in industry.scenes
        raw = (2.5 * severity + max(count.get(scene.id, 0) - 1, 0) + (2 if scene.constrained else 0)
               + (2 if typical else 0) + (1.5 if money else 0))
        actions = content.scenes[scene.id].actions
        first = (doable(actions, have, 1) or actions[:1])[0]
        missing = len(set(first.needs) - have)
        over_budget = budget is not None and content.cost_wan[first.cost] > budget
        ease = 10 - {"低": 0, "中": 3, "高": 6}[first.cost] - 2 * missing - (3 if over_budget else 0) \
            + (1 if profile.get("digital_staff") else 0)
        ease = max(0.0, min(10.0, float(ease)))
        reasons = [r for r in (
            f"痛点“{pain_label}”" + ("（说得很重）" if severity >= 3 else "") if severity else "",
            "约束性场景" if scene.constrained else "", f"{industry.label}行业常见" if typical else "",
            "涉及损失/返工等真金白银" if money else "",
            "访谈未涉及，按约束性场景补位" if not (severity or typical or scene.level is not None) else "",
            f"起步成本{first.cost}" + ("，超出所说预算" if over_budget else ""),
            "前置条件已具备" if not missing else f"缺前置条件：{'、'.join(sorted(set(first.needs) - have))}") if r]
        out.append((raw, Priority(scene=scene.id, label=scene.label, value=round(min(raw, 10.0), 1),
                                  ease=round(ease, 1), quadrant=QUADRANTS[(raw >= 5, ease >= 5)], reasons=reasons,
                                  first_action=first.text, cost=first.cost)))
    order = list(QUADRANTS.values())  # within a quadrant: more value (uncapped), then easier
    return [p for _, p in sorted(out, key=lambda x: (order.index(x[1].quadrant), -x[0] - x[1].ease, x[1].scene))]


def _scene_of(pain, default: str | None) -> str | None:
    """The scene a pain is about: the one whose words the owner used for it most ("仓库板材对不上账" is the warehouse's,
    whatever the pain's kind), else the pain kind's usual scene."""
    from advisor.diagnosis.assessment import scene_words
    said = " ".join(e.quote for e in pain.evidence)
    hits = {scene: sum(said.count(w) for w in words) for scene, words in scene_words().items()}
    best = max(hits.values(), default=0)
    if best == 0:
        return default
    tied = [scene for scene, n in hits.items() if n == best]
    return default if default in tied else tied[0]


def scene_kpi(scene_id: str, label: str, profile: EnterpriseProfile, deadline: str) -> StageGoal:
    """The scene's KPI with the owner's baseline (and words) where a fact gives it, else how to measure it."""
    kpi = plan_content().scenes[scene_id].kpi
    fact = profile.current().get(kpi.baseline_fact) if kpi.baseline_fact else None
    clause = plan_content().scenes[scene_id].actions[0].clauses[0]
    target = kpi.target + ("" if kpi.target.endswith(("%", "半")) or not kpi.unit else kpi.unit)
    if fact is not None:
        return StageGoal(indicator=f"{label}：{kpi.name}", baseline=f"{fact.value:g}{kpi.unit}", target=target,
                         deadline=deadline, clause=clause, evidence=fact.evidence)
    return StageGoal(indicator=f"{label}：{kpi.name}", baseline="首月测定", target=target, deadline=deadline,
                     clause=clause, measure=kpi.measure)


def owner_goals(profile: EnterpriseProfile, deadline: str) -> list[StageGoal]:
    """The owner's own measures and targets ("准时交货率八成五，想提到九成五"), as goals with the owner's words; the
    guide's 6.4.3.2 asks for goals the enterprise can measure, and these are the ones it already measures."""
    fact = profile.current().get("owner_targets")
    if fact is None:
        return []
    return [StageGoal(indicator=f"{t['metric']}（企业自定）", baseline=f"{t['now']:g}{t['unit']}",
                      target=f"{t['target']:g}{t['unit']}", deadline=deadline, clause="6.4.3.2", evidence=fact.evidence)
            for t in fact.value]
