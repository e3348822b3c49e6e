"""The one vocabulary of interview facts: every key the extractors may produce, its value type and unit, its
Chinese/English label, the question that asks for it and the scoring item that uses it. Labels, the LLM extraction
schema, coercion of model values and the interview's question keys derive from :data:`FACTS`
(``tests/test_reading.py::test_every_key_produced_is_labelled_and_every_key_consumed_is_produced`` proves it whole;
the evaluation's view of a profile is ``evals/gold.py``).

Families: ``system.<id>`` (a system in use or not), ``pain.<id>`` (a pain point, value = severity 1–3).

Example:
    >>> spec("employees").label_zh, spec("system.mes").label_zh
    ('员工人数', 'MES')
    >>> describe_value("security_measures", ["firewall", "backup"])
    '防火墙、数据备份'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from advisor.diagnosis.vocabulary import PAIN_POINTS, PainPointId

ValueType = Literal["int", "float", "bool", "text", "trend", "list", "severity", "targets"]

SYSTEMS = {"erp": "ERP", "mes": "MES", "wms": "WMS", "crm": "CRM", "plm": "PLM", "oa": "OA", "scm": "SCM/SRM",
           "qms": "QMS", "hrm": "HR系统", "iot": "设备物联/数采", "bi": "BI看板", "cloud": "云服务/SaaS", "ai": "AI应用",
           "control": "过程控制（DCS/SCADA）"}  # process control runs the plant; an IoT platform collects machines' data
SECURITY_MEASURES = {"firewall": "防火墙", "backup": "数据备份", "access_control": "权限管控", "antivirus": "杀毒/终端防护",
                     "mlps": "等级保护", "encryption": "数据加密"}
TRENDS = {"up": "上升", "down": "下降", "flat": "持平"}


@dataclass(frozen=True)
class FactSpec:
    key: str
    type: ValueType
    label_zh: str
    label_en: str
    unit: str = ""  # as shown after the value: "人", "万元", "%"
    question: str = ""  # id of the interview question that asks for it (knowledge/interview.yaml)
    scoring: str = ""  # id of the MIIT item that uses it (knowledge/indicators/miit2024.yaml), "" if none
    llm: bool = True  # offered to the model in the extraction schema
    lower: float | None = None  # plausible range: a value outside it never reaches the score
    upper: float | None = None


def _specs() -> dict[str, FactSpec]:
    specs = [
        FactSpec("industry", "text", "行业", "industry", question="basics"),
        FactSpec("employees", "int", "员工人数", "employees", "人", "basics", lower=1, upper=100_000),
        FactSpec("revenue_wan", "float", "年营收", "annual revenue", "万元", "basics", lower=10, upper=10_000_000),
        FactSpec("manual_records", "bool", "主要靠纸质/Excel记录", "records kept by hand", question="systems",
                 scoring="data_collection"),
        FactSpec("integration", "bool", "系统间数据打通", "systems share data", question="integration",
                 scoring="info_systems"),
        FactSpec("equipment_networked_pct", "float", "设备联网率", "equipment networked", "%", "equipment",
                 "equipment", lower=0, upper=100),
        FactSpec("digital_staff", "int", "IT/数字化人员", "IT/digital staff", "人", "talent", "talent", lower=0,
                 upper=10_000),
        FactSpec("leadership", "bool", "一把手亲自牵头", "the boss leads it personally", question="leadership",
                 scoring="planning"),
        FactSpec("has_plan", "bool", "有成文的数字化规划", "a written digital plan", question="leadership",
                 scoring="planning"),
        FactSpec("training", "bool", "开展数字化培训", "digital training", question="talent", scoring="talent"),
        FactSpec("digital_budget_wan", "float", "每年数字化投入", "yearly digital budget", "万元", "budget",
                 "funding", lower=0, upper=1_000_000),
        FactSpec("digital_budget_pct", "float", "数字化投入占营收", "digital budget share of revenue", "%", "budget",
                 "funding", lower=0, upper=50),
        FactSpec("security_measures", "list", "安全措施", "security measures", question="security",
                 scoring="security"),
        FactSpec("quality_trend", "trend", "合格率趋势", "pass-rate trend", question="results", scoring="quality"),
        FactSpec("energy_trend", "trend", "能耗趋势", "energy-use trend", question="results", scoring="green"),
        FactSpec("revenue_trend", "trend", "营收趋势", "revenue trend", question="results", scoring="market"),
        FactSpec("goal.ai", "bool", "希望应用AI", "wants to apply AI", question="goals"),
        # the owner's own figures and targets ("准时交货率八成五，想提到九成五"): [{metric, now, target, unit}]
        FactSpec("owner_targets", "targets", "企业自己的指标目标", "the owner's own targets", question="goals", llm=False),
    ]
    specs += [FactSpec(f"system.{sid}", "bool", label, label, question="systems", scoring="info_systems")
              for sid, label in SYSTEMS.items()]
    specs += [FactSpec(f"pain.{pid.value}", "severity", PAIN_POINTS[pid].label, pid.value.replace("_", " "),
                       question="pains") for pid in PainPointId]
    return {s.key: s for s in specs}


FACTS: dict[str, FactSpec] = _specs()


def spec(key: str) -> FactSpec:
    return FACTS[key]


def plausible(key: str, value: Any) -> bool:
    """A value inside the key's range (an absurd percentage or headcount never reaches the score)."""
    s = FACTS.get(key)
    if s is None:
        return False
    if s.type in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return (s.lower is None or value >= s.lower) and (s.upper is None or value <= s.upper)
    return True


def _number_text(value: float) -> str:
    if value >= 10_000 and value % 10_000 == 0:
        return f"{value / 10_000:g}亿"
    if value >= 10_000:
        return f"{value / 10_000:.1f}亿"
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def describe_value(key: str, value: Any, language: str = "zh") -> str:
    s = FACTS[key]
    if s.type == "bool":
        if key.startswith("system."):
            return ("在用" if value else "没有/未在用") if language == "zh" else ("in use" if value else "not in use")
        return ("是" if value else "否") if language == "zh" else ("yes" if value else "no")
    if s.type == "list":
        labels = SECURITY_MEASURES if key == "security_measures" else {}
        return "、".join(labels.get(v, str(v)) for v in value) if value else "无"
    if s.type == "trend":
        return TRENDS.get(value, str(value))
    if s.type == "targets":
        return "；".join(f"{t['metric']} {t['now']:g}{t['unit']} → {t['target']:g}{t['unit']}" for t in value)
    if s.type == "severity":
        return {1: "提到", 2: "明确提出", 3: "严重"}.get(int(value), str(value))
    if s.type in ("int", "float"):
        if s.unit == "万元":
            return f"约{_number_text(float(value))}" + ("" if float(value) >= 10_000 else "万元")
        return f"约{value:g}{s.unit}" if isinstance(value, float) else f"{value}{s.unit}"
    return str(value)


def describe(key: str, value: Any, language: str = "zh") -> str:
    """"员工人数：约60人", "MES：没有/未在用", "痛点：质量追溯难（明确提出）"."""
    s = FACTS.get(key)
    if s is None:
        return f"{key}：{value}"
    label = s.label_zh if language == "zh" else s.label_en
    if key.startswith("pain."):
        return f"痛点：{label}" if language == "zh" else f"pain point: {label}"
    sep = "：" if language == "zh" else ": "
    return f"{label}{sep}{describe_value(key, value, language)}"


def coerce(key: str, value: Any) -> Any:
    """A model's value in the key's type ("是" → True, "80" → 80), or None when it is not of that type. Numbers are
    re-read from the evidence by the caller (:func:`advisor.diagnosis.model_facts.verify_llm_fact`)."""
    s = FACTS.get(key)
    if s is None:
        return None
    if s.type in ("int", "float"):
        if isinstance(value, bool):
            return None
        try:
            number = float(str(value).replace(",", "").strip().rstrip("%％"))
        except ValueError:
            return None
        return int(number) if s.type == "int" else number
    if s.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "是", "有", "1", "在用"):
            return True
        if text in ("false", "no", "否", "没有", "无", "0", "未用"):
            return False
        return None
    if s.type == "severity":
        return 2
    if s.type == "trend":
        return value if value in TRENDS else None
    if s.type == "list":
        return [v for v in (value if isinstance(value, list) else [value]) if v in SECURITY_MEASURES] or None
    return str(value).strip() or None


def llm_schema() -> dict:
    """The JSON schema the model fills: one item per fact, with the owner's exact words as evidence."""
    keys = [k for k, s in FACTS.items() if s.llm]
    return {"type": "object", "properties": {"facts": {"type": "array", "items": {
        "type": "object", "required": ["key", "value", "evidence"],
        "properties": {"key": {"type": "string", "enum": keys},
                       "value": {"type": ["string", "number", "boolean"]},
                       "evidence": {"type": "string"}}}}},
        "required": ["facts"]}
