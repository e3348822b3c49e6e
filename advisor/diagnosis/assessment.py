"""Assessment on the structure of the MIIT 2024 indicators (``knowledge/indicators/miit2024.yaml``): item scores
with ranges where facts are missing, per-scene levels with the criterion met, the overall level by the rule,
confidence, the missing facts that matter most, and pain points with the owner's words.

Example:
    >>> from advisor.diagnosis.vocabulary import EnterpriseProfile
    >>> assess(EnterpriseProfile()).insufficient
    True
"""
from __future__ import annotations

import math
from functools import lru_cache

import yaml

from advisor.config import knowledge_path
from advisor.diagnosis.vocabulary import (
    PAIN_POINTS,
    Assessment,
    EnterpriseProfile,
    Evidence,
    ItemScore,
    Level,
    PainPointFinding,
    PainPointId,
    SceneAssessment,
)

UNKNOWN_PRIOR = 0.3  # share of an unknown item's points assumed in the point estimate (shown as a range too)

# which systems put which scene at level 2 (a system manages the process and collects data online)
SCENE_SYSTEMS = {
    "finance": ["erp"], "procurement": ["erp", "scm"], "warehouse": ["wms", "erp"],
    "production_control": ["mes"], "scheduling": ["mes"], "quality": ["qms", "mes"], "equipment": ["iot"],
    "marketing": ["crm"], "after_sales": ["crm"], "product_design": ["plm"], "process_design": ["plm"],
    "hr": ["hrm"], "office": ["oa"], "decision": ["bi"], "energy": ["iot"],
}
# words that tie a manual-records remark to a scene (that scene is then at level 1)
SCENE_WORDS = {
    "quality": ["质量", "质检", "检验", "合格"], "warehouse": ["库存", "仓库", "出入库", "库房"],
    "production_control": ["生产", "车间", "报工", "产量"], "scheduling": ["排产", "排程", "计划"],
    "procurement": ["采购", "供应商"], "finance": ["财务", "记账", "账"], "equipment": ["设备", "点检", "保养"],
    "marketing": ["销售", "客户", "订单"], "hr": ["考勤", "工资", "人事"], "product_design": ["设计", "图纸"],
    "office": ["审批", "办公"], "decision": ["报表", "经营数据"],
}


@lru_cache(maxsize=1)
def indicator_model() -> dict:
    return yaml.safe_load(knowledge_path("indicators", "miit2024.yaml").read_text("utf-8"))


def _band(pct: float, bands=((10, 0.0), (20, 0.25), (40, 0.5), (60, 0.75))) -> float:
    for limit, share in bands:
        if pct <= limit:
            return share
    return 1.0


def _item_scores(p: EnterpriseProfile) -> dict[str, tuple[float, float, str] | None]:
    """item id -> (low, high, reason) when facts bear on it, else None (unknown)."""
    systems = {k.split(".", 1)[1]: f.value for k, f in p.keys_with_prefix("system.").items()}
    present = [s for s, v in systems.items() if v]
    out: dict[str, tuple[float, float, str] | None] = {}
    # equipment 20 = network 8 + digital 6 + networked 6
    if p.has("equipment_networked_pct") or "iot" in systems:
        pct = p.get("equipment_networked_pct", 50.0 if systems.get("iot") else 5.0)
        digital = p.get("equipment_digital_pct", pct)
        network = 6.0 if systems.get("iot") else 2.0 if present else 0.0
        value = network + 6 * _band(digital) + 6 * _band(pct)
        out["equipment"] = (value, value + 2, f"设备联网率约{pct:.0f}%，数字化率约{digital:.0f}%")
    else:
        out["equipment"] = None
    if p.has("manual_records") or systems.get("iot") or p.has("auto_collection_pct"):
        if p.has("auto_collection_pct"):
            v = 10 * p.get("auto_collection_pct") / 100
        elif systems.get("iot"):
            v = 8.0 if p.get("integration") else 6.0
        else:
            v = 2.0 if present else 0.0
        out["data_collection"] = (v, v + 1, "数据主要靠手工/纸质/Excel记录" if p.get("manual_records") and not systems.get("iot")
                                  else "部分业务数据自动采集")
    else:
        out["data_collection"] = None
    if systems:
        n = len(present)
        v = 0 if n == 0 else 2.5 if n == 1 else 5 if n <= 3 else 7.5 if n <= 5 else 10
        if n >= 2 and p.get("integration"):
            v = min(10, v + 2.5)
        out["info_systems"] = (v, v, f"在用系统：{'、'.join(s.upper() for s in present) or '无'}")
    else:
        out["info_systems"] = None
    measures = p.get("security_measures") or []
    if measures or p.has("pain.security"):
        v = min(10.0, 1.25 * len(measures))
        out["security"] = (v, v + (0 if p.has("pain.security") else 1.25), f"安全措施：{'、'.join(measures) or '缺乏'}")
    else:
        out["security"] = None
    if p.has("has_plan") or p.has("leadership") or p.has("pain.strategy_leadership"):
        v = (4.0 if p.get("has_plan") else 0.0) + (3.5 if p.get("leadership") else 0.0)
        out["planning"] = (v, v, "有转型规划" if p.get("has_plan") else "尚无成文规划")
        out["mechanisms"] = (1.875 if p.get("has_plan") else 0.0, 3.75 if p.get("has_plan") else 1.875,
                             "管理机制据规划情况推断")
    else:
        out["planning"] = out["mechanisms"] = None
    if p.has("digital_staff") or p.has("training") or p.has("pain.talent_shortage"):
        staff = p.get("digital_staff", 0) or 0
        v = (3.0 if staff > 0 else 0.0) + (1.5 if staff >= 3 else 0.0) + (1.5 if p.get("training") else 0.0)
        out["talent"] = (v, v + 1.5, f"专职/兼职数字化人员{staff}人" + ("，有培训" if p.get("training") else ""))
    else:
        out["talent"] = None
    if p.has("digital_budget_pct"):
        pct = p.get("digital_budget_pct")
        v = 1.5 if pct < 1 else 3 if pct < 3 else 4.5 if pct < 5 else 6 if pct < 10 else 7.5
        out["funding"] = (v, v, f"数字化投入约占营收{pct:g}%")
    elif p.has("pain.funding"):
        out["funding"] = (0.0, 1.5, "资金投入不足")
    else:
        out["funding"] = None
    trend = {"up": 1.0, "flat": 0.5, "down": 0.0}
    out["quality"] = (7 * trend[p.get("quality_trend")],) * 2 + ("合格率趋势",) if p.has("quality_trend") else None
    out["green"] = (7 * trend[p.get("energy_trend")] if p.get("energy_trend") != "up" else 0.0,) * 2 + ("能耗趋势",) \
        if p.has("energy_trend") else None
    out["market"] = (3 * trend[p.get("revenue_trend")],) * 2 + ("营收趋势",) if p.has("revenue_trend") else None
    out["value"] = None
    return out


def _scenes(p: EnterpriseProfile) -> list[SceneAssessment]:
    model = indicator_model()
    systems = p.keys_with_prefix("system.")
    integrated = bool(p.get("integration"))
    manual = [f for f in p.facts if f.key == "manual_records" and not f.superseded]
    scenes = []
    for scene in model["scenes"]:
        sa = SceneAssessment(id=scene["id"], label=scene["label"], group=scene["group"],
                             constrained=scene["constrained"])
        owned = [systems[f"system.{s}"] for s in SCENE_SYSTEMS.get(scene["id"], [])
                 if f"system.{s}" in systems and _credits_scene(systems[f"system.{s}"], scene["id"])]
        positive = [f for f in owned if f.value]
        if positive:
            sa.level, sa.criterion = 2, model["scene_levels"][2]
            if integrated and len([f for f in systems.values() if f.value]) >= 2:
                sa.level, sa.criterion = 3, model["scene_levels"][3]
            if systems.get("system.ai") and systems["system.ai"].value and scene["id"] in (
                    "scheduling", "equipment", "quality", "decision"):
                sa.level, sa.criterion = 4, model["scene_levels"][4]
            sa.evidence = [Evidence(quote=f.evidence, turn=f.turn) for f in positive[:2]]
        else:
            words = SCENE_WORDS.get(scene["id"], [])
            tied = [f for f in manual if any(w in f.evidence for w in words)]
            if tied or owned:
                sa.level, sa.criterion = 1, model["scene_levels"][1]
                sa.evidence = [Evidence(quote=f.evidence, turn=f.turn) for f in (tied or owned)[:2]]
        scenes.append(sa)
    return scenes


def _credits_scene(system_fact, scene_id: str) -> bool:
    """A system counts for every scene it serves, unless the owner said what they use it for: "财务用金蝶" puts
    finance at level 2, not procurement and the warehouse too."""
    system = system_fact.key.split(".", 1)[1]
    served = [sid for sid, systems in SCENE_SYSTEMS.items() if system in systems]
    named = [sid for sid in served if any(w in system_fact.evidence for w in SCENE_WORDS.get(sid, []))]
    return not named or scene_id in named


def _pain_points(p: EnterpriseProfile) -> list[PainPointFinding]:
    findings = []
    for pid in PainPointId:
        facts = [f for f in p.facts if f.key == f"pain.{pid.value}" and not f.superseded]
        if not facts:
            continue
        severity = min(3, max(int(f.value) for f in facts) + (1 if len(facts) >= 2 else 0))
        info = PAIN_POINTS[pid]
        findings.append(PainPointFinding(id=pid, label=info.label, severity=severity, clauses=list(info.clauses),
                                         evidence=[Evidence(quote=f.evidence, turn=f.turn) for f in facts[:3]]))
    return sorted(findings, key=lambda f: -f.severity)


MISSING_QUESTIONS = {
    "equipment": "生产设备的联网率/数字化率", "data_collection": "业务数据是自动采集还是手工记录",
    "info_systems": "在用的信息系统（ERP、MES 等）", "security": "网络与数据安全措施",
    "planning": "是否有转型规划、谁牵头", "mechanisms": "数字化管理制度", "talent": "数字化人员与培训",
    "funding": "数字化投入占营收的比例", "quality": "产品合格率的变化", "green": "能耗的变化",
    "market": "营收/人均营收的变化", "value": "成本的变化",
}


def assess(p: EnterpriseProfile) -> Assessment:
    model = indicator_model()
    scored = _item_scores(p)
    items: list[ItemScore] = []
    dims: dict[str, dict[str, float]] = {}
    for dim in model["dimensions"]:
        d = {"points": dim["points"], "low": 0.0, "high": 0.0, "estimate": 0.0}
        for item in dim["items"]:
            s = scored.get(item["id"])
            pts = item["points"]
            if s is None:
                low, high, reason, known = 0.0, pts, "未知", False
            else:
                low, high, reason, known = min(s[0], pts), min(s[1], pts), s[2], True
            est = (low + high) / 2 if known else pts * UNKNOWN_PRIOR
            items.append(ItemScore(id=item["id"], label=item["label"], points=pts, low=round(low, 2),
                                   high=round(high, 2), known=known, reason=reason, reliability=item["reliability"]))
            d["low"] += low
            d["high"] += high
            d["estimate"] += est
        dims[dim["id"]] = {k: round(v, 2) for k, v in d.items()}
    low = sum(d["low"] for d in dims.values())
    high = sum(d["high"] for d in dims.values())
    estimate = sum(d["estimate"] for d in dims.values())
    scenes = _scenes(p)
    assessed = [s for s in scenes if s.level is not None]
    known_points = sum(i.points for i in items if i.known)
    reasoning = [f"已了解 {len([i for i in items if i.known])}/{len(items)} 个评分项（覆盖 {known_points:.0f}/100 分），"
                 f"{len(assessed)}/16 个业务场景。",
                 f"总分估计 {estimate:.1f}（可能范围 {low:.1f}–{high:.1f}；未知项按满分的{UNKNOWN_PRIOR:.0%}计入估计）。"]
    insufficient = known_points < 30 or len(assessed) < 2
    level: Level | None = None
    if insufficient:
        reasoning.append("信息不足：已知评分项不足30分或了解的业务场景少于2个，不给出等级。")
    else:
        level = Level.L1
        for rule in model["level_rule"]:
            lv = rule["level"]
            # the scene counts of the rule are scaled to the scenes this interview could assess
            share = len(assessed) / 16
            need = max(1, math.ceil(rule["min_scenes"] * share))
            need_c = max(1, math.ceil(rule["min_constrained"] * share)) if any(s.constrained for s in assessed) else 0
            at = [s for s in assessed if s.level >= lv]
            at_c = [s for s in at if s.constrained]
            ok = estimate >= rule["min_score"] and len(at) >= need and len(at_c) >= need_c
            reasoning.append(f"{Level(lv).label}：总分≥{rule['min_score']}（估计{estimate:.1f}）且≥{need}个已评场景达"
                             f"{lv}级（实际{len(at)}）、其中约束性≥{need_c}（实际{len(at_c)}）→ {'满足' if ok else '不满足'}")
            if ok:
                level = Level(lv)
            else:
                break
    missing = [MISSING_QUESTIONS[i.id] for i in sorted(items, key=lambda i: -i.points) if not i.known]
    confidence = round(min(0.95, known_points / 100 * 0.7 + len(assessed) / 16 * 0.3), 2)
    return Assessment(level=level, level_label=level.label if level else "信息不足", insufficient=insufficient,
                      score_low=round(low, 1), score_high=round(high, 1), score_estimate=round(estimate, 1),
                      dimension_scores=dims, items=items, scenes=scenes, pain_points=_pain_points(p),
                      confidence=confidence, missing=missing[:5], reasoning=reasoning)
