"""The staged plan, derived by rules from the assessment and profile (the guide's 6.3 and 6.4); every
recommendation carries the clauses that ask for it.

Example:
    >>> from advisor.diagnosis.vocabulary import EnterpriseProfile
    >>> from advisor.diagnosis.assessment import assess
    >>> build_plan(assess(EnterpriseProfile())).start_stage.value
    'pilot'
"""
from __future__ import annotations

from advisor.diagnosis.plan_content import plan_content
from advisor.diagnosis.priorities import budget_wan, capabilities, doable, owner_goals, prioritise, scene_kpi
from advisor.diagnosis.vocabulary import (
    Assessment,
    EnterpriseProfile,
    PainPointId,
    PartnerRecommendation,
    PartnerType,
    Plan,
    Priority,
    Recommendation,
    Stage,
    StageGoal,
    StagePlan,
    TechPath,
)

STAGE_ORDER = [Stage.pilot, Stage.integration, Stage.fusion, Stage.ecosystem]
STAGE_GOALS = {
    Stage.pilot: ("试点场景达到规范级（二级），数据采集覆盖相关业务80%以上节点", "6.4.3.2"),
    Stage.integration: ("多个关键场景达到规范级，建立贯通各部门的数据共享机制、消除信息孤岛", "6.4.3.2"),
    Stage.fusion: ("整体数字化能力达到集成级（三级），核心业务系统全面集成、数据实时交互", "6.4.3.2"),
    Stage.ecosystem: ("与供应商、经销商、重点客户系统对接，长期实现协同级（四级）", "6.4.3.2"),
}
STAGE_MONTHS = {Stage.pilot: "6–12个月", Stage.integration: "12–18个月", Stage.fusion: "18–24个月",
                Stage.ecosystem: "24个月以上"}
def start_stage(assessment: Assessment) -> tuple[Stage, str]:
    """The stage whose goal is the enterprise's next level (6.4.3.2)."""
    level = int(assessment.level or 1)
    # a pilot is done where the owner said which scenes a system runs, not where an ERP is merely owned
    at_two = [s for s in assessment.scenes if (s.level or 0) >= 2 and s.named]
    if assessment.insufficient:
        return Stage.pilot, "信息不足以判断等级，按起步企业从单场景试点开始，并在试点中补齐诊断数据"
    if level == 1:
        if len(at_two) >= 2:
            return Stage.integration, f"已有{len(at_two)}个场景达到规范级（相当于试点已完成），下一步是业务线整合"
        return Stage.pilot, "当前为一级初始，下一目标是让1–2个试点场景达到规范级（二级）"
    if level == 2:
        return Stage.fusion, "当前为二级规范，下一目标是整体达到集成级（三级）"
    return Stage.ecosystem, f"当前为{assessment.level_label}，下一目标是与产业链伙伴协同（四级）"


def choose_tech_path(assessment: Assessment, profile: EnterpriseProfile) -> tuple[TechPath, list[str]]:
    level = int(assessment.level or 1)
    foundation = assessment.dimension_scores.get("foundation", {}).get("estimate", 0)
    systems = [k for k, f in profile.keys_with_prefix("system.").items() if f.value]
    wants_ai = bool(profile.get("goal.ai")) or bool(profile.get("system.ai"))
    if level >= 3 or (wants_ai and level >= 2):
        return TechPath.ai_innovation, [f"已达{assessment.level_label}" if level >= 3 else "企业明确提出智能化目标且已有规范级基础",
                                        "6.3.2 3)：追求创新和智能化的场景可探索人工智能（如大模型），同步完善数据治理和安全保障"]
    if level == 1:
        return TechPath.saas_lightweight, [f"数字化基础得分估计{foundation:.0f}/50，在用系统{len(systems)}个，属基础薄弱",
                                           "6.3.2 1)：基础薄弱的企业宜优先采用低成本、易部署的SaaS工具或轻量化方案"]
    return TechPath.platform_integration, [f"已有{len(systems)}个在用系统、达到{assessment.level_label}，需求较复杂",
                                           "6.3.2 2)：可引入云平台或行业平台进行定制开发和系统集成，打通数据孤岛"]


def choose_partners(stage: Stage, assessment: Assessment, profile: EnterpriseProfile) -> list[PartnerRecommendation]:
    pains = {p.id for p in assessment.pain_points}
    partners: list[PartnerRecommendation] = []
    if stage == Stage.pilot:
        partners.append(PartnerRecommendation(type=PartnerType.specialist_vendor, label=PartnerType.specialist_vendor.label,
                                              why="转型初始阶段宜选“小快轻准”的SaaS或低代码方案，由专注该领域的供应商快速落地试点场景"))
    else:
        partners.append(PartnerRecommendation(type=PartnerType.platform_provider, label=PartnerType.platform_provider.label,
                                              why="中期以后需要把分散的工具整合为统一的数据与业务平台，宜选具备平台服务能力和生态资源的伙伴"))
    if stage == Stage.ecosystem:
        partners.append(PartnerRecommendation(type=PartnerType.specialist_vendor, label=PartnerType.specialist_vendor.label,
                                              why="成熟阶段引入大数据分析、人工智能（如大模型）等专项技术赋能业务创新"))
    if assessment.insufficient or PainPointId.strategy_leadership in pains or not profile.get("has_plan"):
        partners.append(PartnerRecommendation(type=PartnerType.consultancy, label=PartnerType.consultancy.label,
                                              why="缺少成文规划或需要顶层设计、业务诊断和组织变革支持，宜引入咨询机构（亦见6.2.4）",
                                              clauses=["6.3.2", "6.2.4"]))
    return partners


def pilot_priorities(priorities: list[Priority]) -> list[Priority]:
    """1–2 scenes from the top-right of the matrix (high value, easy now); else the best two overall (6.4.3.2 2))."""
    top = [p for p in priorities if p.quadrant == "先做"]
    return (top or priorities)[:2]


def _stage_plans(assessment: Assessment, profile: EnterpriseProfile, stage: Stage, reason: str,
                 priorities: list[Priority]) -> list[StagePlan]:
    start_index = STAGE_ORDER.index(stage)
    stages: list[StagePlan] = []
    have, planned = capabilities(profile), set()  # each action is planned once, in the first stage that can do it
    for i, s in enumerate(STAGE_ORDER):
        goal_text, clause = STAGE_GOALS[s]
        if i < start_index:
            stages.append(StagePlan(stage=s, label=s.label, status="skipped", clauses=[clause],
                                    reason=f"已具备该阶段的成果（{assessment.level_label}），无需重复"))
            continue
        sp = StagePlan(stage=s, label=s.label, status="start" if i == start_index else "later",
                       reason=reason if i == start_index else "后续阶段，前一阶段验收后启动", clauses=[clause, "6.4.3.2"],
                       duration_months=STAGE_MONTHS[s])
        # each stage works on its own scenes; what a stage builds counts as had for the next
        have |= _fill_stage(sp, assessment, profile, _scenes_for(s, stage, priorities), have, planned)
        sp.kpis = [f"{g.indicator}：{g.baseline} → {g.target}" for g in sp.goals]
        stages.append(sp)
    return stages


def _scenes_for(s: Stage, start: Stage, priorities: list[Priority]) -> list[Priority]:
    pilot = pilot_priorities(priorities)
    rest = [p for p in priorities if p not in pilot]
    if s == Stage.pilot or (s == start and s != Stage.pilot):
        return pilot if s == Stage.pilot else (pilot + rest)[:3]
    if s == Stage.integration:
        return rest[:3]
    return pilot + rest[:3]


def _action_line(label: str, action) -> str:
    return f"【{label}】{action.text}（{action.tool}；成本{action.cost}；依据 {'、'.join(action.clauses)}）"


def _fill_stage(sp: StagePlan, assessment: Assessment, profile: EnterpriseProfile, scenes: list[Priority],
                have: set[str], planned: set[str]) -> set[str]:
    """The goals and actions of one stage, from the plan content for its scenes; returns what the stage builds."""
    content, s = plan_content(), sp.stage
    gained: set[str] = set()
    deadline = {Stage.pilot: "12个月内", Stage.integration: "18个月内", Stage.fusion: "24个月内"}.get(s, "长期")
    for p in scenes:
        actions = content.scenes[p.scene].actions
        if s in (Stage.pilot, Stage.integration):
            picked = doable([a for a in actions if a.text not in planned], have | gained)
        else:  # the deeper actions: the ones needing what earlier stages built
            picked = [a for a in actions if a.needs and set(a.needs) <= have | gained][-1:]
        picked = [a for a in picked if a.text not in planned]
        planned |= {a.text for a in picked}
        gained |= {g for a in picked for g in a.gives}
        sp.actions += [_action_line(p.label, a) for a in picked]
    if s in (Stage.pilot, Stage.integration):
        sp.scenes = [p.label for p in scenes]
        sp.goals = [_level_goal(assessment, p, deadline) for p in scenes]
        sp.goals += [scene_kpi(p.scene, p.label, profile, deadline) for p in scenes]
        if s == Stage.pilot:
            sp.goals = owner_goals(profile, deadline) + sp.goals
    if s == Stage.pilot:
        sp.actions.append(f"每3–6个月按PDCA复盘{'、'.join(sp.scenes)}试点的指标，达标后再扩大范围（6.4.3.2）")
    elif s == Stage.integration:
        systems = [f.describe().split("：")[0] for f in profile.keys_with_prefix("system.").values() if f.value]
        if not profile.get("integration") and systems:
            sp.actions.append(f"为{'、'.join(systems)}和新上线的系统定统一的数据标准和接口规范，落实“一数一源”"
                              "（5.3.2.3、5.4.2.2）")
    elif s == Stage.fusion:
        sp.goals = [StageGoal(indicator="整体数字化水平等级", baseline=f"{assessment.level_label}（总分约"
                              f"{assessment.score_estimate:.0f}）", target="三级集成（总分≥60）", deadline=deadline,
                              clause="6.4.3.2")]
        if profile.get("goal.ai") or "decision" in {p.scene for p in scenes}:
            sp.goals.append(StageGoal(indicator="上线的智能分析模型数", baseline="0", target="≥2（如需求预测、设备维护预测）",
                                      deadline=deadline, clause="6.3.1.2.3", measure="首月盘点已在用的分析模型与报表"))
        if not sp.actions:
            sp.actions.append("核心业务系统全面集成、数据实时交互（6.4.3.2）")
    else:
        strong = [sc.label for sc in assessment.scenes if (sc.level or 0) >= 2]
        base = "、".join(strong[:3]) or "已上线系统"
        sp.goals = [StageGoal(indicator=f"以{base}为基础、与主要供应商/客户打通的数据接口数", baseline="0",
                              target="覆盖主要伙伴", deadline="长期", clause="6.3.1.2.3",
                              measure="阶段启动时清点已与供应商、客户打通的接口")]
        sp.actions.append(f"以{base}的数据为基础，与供应商、经销商、重点客户系统对接，实现库存、订单等数据互通"
                          "（6.3.1.2.3 2)）")
    return gained


def _level_goal(assessment: Assessment, p: Priority, deadline: str) -> StageGoal:
    """The scene's level today (with the owner's words) → 二级; when the interview did not reach it, how to rate it."""
    scene = next((sc for sc in assessment.scenes if sc.id == p.scene), None)
    level = scene.level if scene else None
    baseline = {None: "未知（访谈未涉及）", 0: "零级（未开展）", 1: "一级（工具辅助/手工记录）"}.get(level, f"{level}级")
    return StageGoal(indicator=f"{p.label}场景数字化能力等级", baseline=baseline, target="二级（规范级）",
                     deadline=deadline, clause="6.4.3.2",
                     evidence=scene.evidence[0].quote if scene and scene.evidence and level is not None else "",
                     measure="" if level is not None else
                     f"首月对照“{p.label}”场景的分级说明（工信部2024年指标，本项目整理）自评当前等级")


def _budget(profile: EnterpriseProfile, pilot: list[Priority]) -> Recommendation:
    revenue, stated = profile.get("revenue_wan"), budget_wan(profile)
    cost = {"低": 0, "中": 0, "高": 0}
    for p in pilot:
        cost[p.cost] += 1
    pilot_wan = sum(plan_content().cost_wan[c] * n for c, n in cost.items())
    parts = ["宜合理规划数字化投资，确定投入总额占营业额的比例并逐年适度增加"]
    if stated is not None:
        parts.append(f"您说每年可投入约{stated:g}万元；试点阶段的起步动作估计约{pilot_wan:g}万元/年")
        if stated < pilot_wan:
            parts.append("预算不够同时做两个试点：先只做成本“低”的那一项，见效后再追加")
    elif revenue:
        parts.append(f"按年营收约{revenue:.0f}万元估算，若取1%–3%，年度投入约{revenue * 0.01:.0f}–{revenue * 0.03:.0f}万元"
                     f"；试点起步动作估计约{pilot_wan:g}万元/年")
    else:
        parts.append(f"营收与预算未知；试点起步动作估计约{pilot_wan:g}万元/年")
    parts.append("（金额与比例为本工具按成本档位的估算，指南未规定具体数值）；可争取城市试点等政策资金支持。")
    return Recommendation(title="资金保障", detail="；".join(parts[:-1]) + parts[-1], clauses=["5.2.5", "6.4.3.3"],
                          key_terms=["营业"])


def _security(assessment: Assessment) -> list[Recommendation]:
    pains = {p.id for p in assessment.pain_points}
    item = next((i for i in assessment.items if i.id == "security"), None)
    if not (PainPointId.security in pains or (item and (not item.known or item.high < 5))):
        return []
    return [
        Recommendation(title="网络安全措施", detail="成立领导小组、建立网络安全管理制度，部署防火墙、入侵检测等防护，定期开展风险评估",
                       clauses=["5.3.3.1"], key_terms=["网络安全", "防火墙", "入侵检测"]),
        Recommendation(title="数据安全措施", detail="建立数据安全管理制度，做好数据备份与恢复、加密脱敏和数据台账",
                       clauses=["5.3.3.2"], key_terms=["数据安全", "数据备份"]),
        Recommendation(title="等级保护与个人信息（本项目整理的标准卡片，非标准原文）",
                       detail="业务系统多按GB/T 22239第二级定级备案；处理客户/员工个人信息遵循GB/T 35273的目的明确、最小必要等原则",
                       clauses=["2"], key_terms=["GB/T 22239", "GB/T 35273"]),
    ]


def build_plan(assessment: Assessment, profile: EnterpriseProfile | None = None) -> Plan:
    profile = profile or EnterpriseProfile()
    stage, reason = start_stage(assessment)
    priorities = prioritise(assessment, profile)
    stages = _stage_plans(assessment, profile, stage, reason, priorities)
    path, path_reasons = choose_tech_path(assessment, profile)
    pilot = pilot_priorities(priorities)
    budget, security = _budget(profile, pilot), _security(assessment)
    industry = plan_content().industry_of(profile.get("industry"))
    # the trade's usual first step suits an enterprise starting out; later, the top priority's own first action
    starting = stage == Stage.pilot and industry and pilot and set(industry.scenes) & {p.scene for p in pilot}
    first_step = industry.first_step if starting else (pilot[0].first_action if pilot else "")
    return Plan(
        start_stage=stage, stages=stages, tech_path=path, tech_path_reasons=path_reasons, priorities=priorities,
        industry=industry.label if industry else "", first_step=first_step,
        partners=choose_partners(stage, assessment, profile),
        partner_checklist=["技术能力匹配度", "服务范围覆盖度（规划设计到实施运维的全生命周期支持）", "安全合规与风险管控能力"],
        organisation=[
            Recommendation(title="一把手工程", detail="实施高层负责制，由企业主要负责人牵头数字化转型",
                           clauses=["5.2.2", "6.4.3.3"], key_terms=["一把手"]),
            Recommendation(title="跨部门数字化转型工作组", detail="成立跨部门工作组，明确各部门职责分工和协同机制",
                           clauses=["6.4.3.3"], key_terms=["跨部门数字化转型工作组"]),
        ],
        budget=budget,
        risks=[Recommendation(title="风险预案", detail="识别技术实施、数据安全、业务连续性风险，制定备用方案并定期审视",
                              clauses=["6.4.3.3"], key_terms=["风险", "备用方案"])],
        training=Recommendation(title="培训与团队建设", detail="分层分类培训：高层数字化战略研修，业务/技术人员系统操作和数据分析培训",
                                clauses=["6.4.2", "6.3.1.2.2"], key_terms=["培训"]),
        monitoring=Recommendation(title="监控与评估", detail="建立KPI体系，定期监测各阶段指标完成情况并纳入绩效考核",
                                  clauses=["6.5.1", "6.4.3.3"], key_terms=["KPI"]),
        security=security,
        iteration=Recommendation(title="敏捷迭代", detail="每阶段细分为3–6个月的迭代周期，按计划—执行—检查—改进闭环评估",
                                 clauses=["6.4.3.2"], key_terms=["3-6个月", "Plan"]),
    )
