"""The shared vocabulary of every layer: levels, pain points, stages, paths, partners, the enterprise profile,
the assessment and the plan. These pydantic models are also the JSON the reports and the evals emit.

Example:
    >>> Level.L2.label
    '二级规范'
    >>> PAIN_POINTS[PainPointId.data_silos].clauses
    ('4.3', '5.4.2.2')
"""
from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, Field


class Level(IntEnum):
    L1 = 1
    L2 = 2
    L3 = 3
    L4 = 4

    @property
    def label(self) -> str:
        return {1: "一级初始", 2: "二级规范", 3: "三级集成", 4: "四级协同"}[int(self)]


class PainPointId(StrEnum):
    data_silos = "data_silos"
    manual_records = "manual_records"
    data_quality = "data_quality"
    process_inefficiency = "process_inefficiency"
    production_visibility = "production_visibility"
    quality_traceability = "quality_traceability"
    supply_chain = "supply_chain"
    decision_support = "decision_support"
    product_lifecycle = "product_lifecycle"
    talent_shortage = "talent_shortage"
    funding = "funding"
    security = "security"
    strategy_leadership = "strategy_leadership"
    customer_marketing = "customer_marketing"


class PainPointInfo(NamedTuple):
    label: str
    clauses: tuple[str, ...]


PAIN_POINTS: dict[PainPointId, PainPointInfo] = {
    PainPointId.data_silos: PainPointInfo("信息孤岛/系统不互通", ("4.3", "5.4.2.2")),
    PainPointId.manual_records: PainPointInfo("纸质手工记录、数据采集自动化低", ("5.3.2.2", "6.3.1.2.1")),
    PainPointId.data_quality: PainPointInfo("数据质量差、口径不一", ("5.3.2.3",)),
    PainPointId.process_inefficiency: PainPointInfo("流程冗余、效率低", ("6.2.1", "5.4.2.1")),
    PainPointId.production_visibility: PainPointInfo("生产过程不透明、设备未联网", ("5.4.1.2", "6.3.1.2.1")),
    PainPointId.quality_traceability: PainPointInfo("质量追溯难", ("6.3.1.2.3",)),
    PainPointId.supply_chain: PainPointInfo("供应链协同弱、库存积压或缺料", ("5.4.1.4", "6.3.1.2.3")),
    PainPointId.decision_support: PainPointInfo("决策缺数据支撑", ("5.4.1.1",)),
    PainPointId.product_lifecycle: PainPointInfo("研发设计周期长、产品数据分散", ("5.4.1.3",)),
    PainPointId.talent_shortage: PainPointInfo("数字化人才不足", ("5.2.2", "6.4.2")),
    PainPointId.funding: PainPointInfo("资金投入不足", ("5.2.5",)),
    PainPointId.security: PainPointInfo("网络与数据安全薄弱", ("5.3.3",)),
    PainPointId.strategy_leadership: PainPointInfo("缺乏规划与领导机制", ("5.2.1", "5.2.2")),
    PainPointId.customer_marketing: PainPointInfo("营销获客与客户服务弱", ("5.3.2.5", "6.4.1")),
}


class Stage(StrEnum):
    pilot = "pilot"
    integration = "integration"
    fusion = "fusion"
    ecosystem = "ecosystem"

    @property
    def label(self) -> str:
        return {"pilot": "单场景试点", "integration": "业务线整合", "fusion": "全业务融合",
                "ecosystem": "生态协同"}[self.value]


class TechPath(StrEnum):
    saas_lightweight = "saas_lightweight"
    platform_integration = "platform_integration"
    ai_innovation = "ai_innovation"

    @property
    def label(self) -> str:
        return {"saas_lightweight": "SaaS 轻量化方案", "platform_integration": "云平台/行业平台集成",
                "ai_innovation": "人工智能创新应用"}[self.value]


class PartnerType(StrEnum):
    platform_provider = "platform_provider"
    specialist_vendor = "specialist_vendor"
    consultancy = "consultancy"

    @property
    def label(self) -> str:
        return {"platform_provider": "一站式平台服务商", "specialist_vendor": "专业技术供应商",
                "consultancy": "咨询机构"}[self.value]


class Area(StrEnum):
    """The four areas of the diagnosis interview (the guide's 6.2.1–6.2.4)."""

    business = "business"
    technology = "technology"
    market = "market"
    pain_points = "pain_points"

    @property
    def label(self) -> str:
        return {"business": "业务现状（6.2.1）", "technology": "技术能力（6.2.2）", "market": "市场环境（6.2.3）",
                "pain_points": "痛点与需求（6.2.4）"}[self.value]


class FactSource(StrEnum):
    rules = "rules"
    learned = "learned"  # the status classifier (advisor.diagnosis.status_classifier)
    llm = "llm"


class Fact(BaseModel):
    """One thing the owner told us, with their own words as evidence."""

    key: str  # a key of advisor.diagnosis.facts.FACTS: "employees", "system.erp", "pain.data_silos"
    value: Any
    evidence: str  # the owner's words (a span of the message)
    turn: int
    source: FactSource = FactSource.rules
    confidence: float = 0.9  # explicit statement 0.9, verified model fact 0.7, a brand for a system 0.6, a plan 0.5
    superseded: bool = False  # a later correction (or a surer reading) replaced it
    scenes: list[str] | None = None  # for a system: the scenes the owner tied it to (None: not said)

    def describe(self, language: str = "zh") -> str:
        """The fact in plain words ("ERP：在用", "员工人数：约120人"), for the live panel, recaps and the report."""
        from advisor.diagnosis.facts import describe
        return describe(self.key, self.value, language)


class EnterpriseProfile(BaseModel):
    facts: list[Fact] = Field(default_factory=list)

    def add(self, fact: Fact) -> bool:
        """Keep ``fact``; where it disagrees with the current value of its key, the surer one stands and, as sure,
        the later one (a correction). Both stay, the other marked superseded, so both spans remain evidence.
        Returns whether the fact is now current."""
        current = self.current().get(fact.key)
        if current is not None and current.value == fact.value:
            # the same fact said again in other words is kept: each span is evidence (paper records in the workshop
            # and in quality control tie two different scenes to level 1)
            if not any(f.key == fact.key and f.evidence == fact.evidence for f in self.facts):
                self.facts.append(fact)
            return True
        # the surest span of the current value is what a new value must match ("没人登录了" read by the rules, then
        # by meaning less surely: a later bare mention does not overturn the rules' reading)
        if current is not None and fact.confidence < max(f.confidence for f in self.facts
                                                        if f.key == fact.key and not f.superseded):
            fact.superseded = True
            self.facts.append(fact)
            return False
        for old in self.facts:
            if old.key == fact.key and not old.superseded:
                old.superseded = True
        self.facts.append(fact)
        return True

    def current(self) -> dict[str, Fact]:
        out: dict[str, Fact] = {}
        for f in self.facts:
            if not f.superseded:
                out[f.key] = f
        return out

    def get(self, key: str, default=None):
        fact = self.current().get(key)
        return fact.value if fact else default

    def has(self, key: str) -> bool:
        return key in self.current()

    def keys_with_prefix(self, prefix: str) -> dict[str, Fact]:
        return {k: v for k, v in self.current().items() if k.startswith(prefix)}


class Evidence(BaseModel):
    quote: str
    turn: int


class PainPointFinding(BaseModel):
    id: PainPointId
    label: str
    severity: int = Field(ge=1, le=3)  # 1 mentioned, 2 stated as a problem, 3 stated as severe / repeated
    evidence: list[Evidence]
    clauses: list[str]


class Observation(BaseModel):
    """What the advisor infers from a fact the owner stated plainly (no IT person, no written plan): shown apart from
    the owner's pain points, with its reason (``knowledge/observations.yaml``)."""
    text: str
    text_en: str
    reason: str  # the fact and the owner's words
    clauses: list[str]


class ItemScore(BaseModel):
    id: str
    label: str
    points: float
    low: float
    high: float
    known: bool
    reason: str
    reliability: str


class SceneAssessment(BaseModel):
    id: str
    label: str
    group: str
    constrained: bool
    level: int | None = None  # None = unknown
    named: bool = False  # the owner tied a system to this scene in words (not only "we have an ERP")
    criterion: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class Assessment(BaseModel):
    level: Level | None
    level_label: str
    insufficient: bool
    score_low: float
    score_high: float
    score_estimate: float
    dimension_scores: dict[str, dict[str, float]]  # id -> {points, low, high, estimate}
    items: list[ItemScore]
    scenes: list[SceneAssessment]
    pain_points: list[PainPointFinding]
    confidence: float
    missing: list[str]  # facts that would change the result most, most important first
    reasoning: list[str]
    observations: list[Observation] = Field(default_factory=list)  # inferred from facts, not the owner's complaints
    label_note: str = ("等级为依据《中小企业数字化水平评测指标（2024年版）》公开结构的估算：分值与等级规则来自第三方工具的"
                       "实现，基于公开信息，请以官方文本和正式评测为准。")


class StageGoal(BaseModel):
    indicator: str
    baseline: str
    target: str
    deadline: str
    clause: str
    evidence: str = ""  # the owner's words the baseline comes from
    measure: str = ""  # when no fact gives the baseline: how to take it in the first month


class Priority(BaseModel):
    """A candidate scene scored for the priorities matrix (value to the enterprise × ease of doing it now)."""

    scene: str
    label: str
    value: float  # 0–10
    ease: float  # 0–10
    quadrant: str  # 先做 | 重点投入 | 顺手做 | 暂缓
    reasons: list[str] = Field(default_factory=list)
    first_action: str = ""
    cost: str = ""


class StagePlan(BaseModel):
    stage: Stage
    label: str
    status: str  # start | later | skipped
    reason: str
    scenes: list[str] = Field(default_factory=list)
    goals: list[StageGoal] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    kpis: list[str] = Field(default_factory=list)
    duration_months: str = ""
    clauses: list[str] = Field(default_factory=list)


class Recommendation(BaseModel):
    title: str
    detail: str
    clauses: list[str]
    key_terms: list[str] = Field(default_factory=list)  # words the cited clause must contain (checked in tests)


class PartnerRecommendation(BaseModel):
    type: PartnerType
    label: str
    why: str
    clauses: list[str] = Field(default_factory=lambda: ["6.3.2"])


class Plan(BaseModel):
    start_stage: Stage
    stages: list[StagePlan]
    priorities: list[Priority] = Field(default_factory=list)
    industry: str = ""  # the sector the stated trade was read as
    first_step: str = ""  # the one thing to start on Monday
    tech_path: TechPath
    tech_path_reasons: list[str]
    partners: list[PartnerRecommendation]
    partner_checklist: list[str]
    organisation: list[Recommendation]
    budget: Recommendation
    risks: list[Recommendation]
    training: Recommendation
    monitoring: Recommendation
    security: list[Recommendation]
    iteration: Recommendation
