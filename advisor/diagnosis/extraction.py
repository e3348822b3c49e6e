"""Facts from an owner's free text. The deterministic layer (lexicon and patterns in
``knowledge/lexicon/extraction.yaml``) always runs; an LLM layer adds what the rules missed when a model is set.

Example:
    >>> facts, intents = extract_rules("我们做汽车零部件，员工120人，年营收8000万，财务用金蝶，没有MES。", turn=1)
    >>> {f.key: f.value for f in facts}["employees"], {f.key: f.value for f in facts}["system.mes"]
    (120, False)
"""
from __future__ import annotations

import re
from functools import lru_cache

import yaml

from advisor.config import knowledge_path
from advisor.diagnosis.vocabulary import Fact, FactSource, PainPointId

_SEPARATORS = "。；;！!？?\n，,"
_SPLIT = re.compile(f"[{_SEPARATORS}]")
_CLAUSE = re.compile(f"[^{_SEPARATORS}]+")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    return yaml.safe_load(knowledge_path("lexicon", "extraction.yaml").read_text("utf-8"))


def _contains(span: str, word: str) -> int:
    """Index of ``word`` in ``span`` (ASCII words match case-insensitively on word boundaries), else -1."""
    if word.isascii():
        m = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", span, re.IGNORECASE)
        return m.start() if m else -1
    return span.find(word)


def _negated(span: str, pos: int) -> bool:
    before = span[max(0, pos - 8):pos]
    return any(_contains(before, n) >= 0 for n in lexicon()["negations"])


def _number(text: str) -> float | None:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    if text in _CN_NUM:
        return float(_CN_NUM[text])
    return None


def extract_rules(message: str, turn: int) -> tuple[list[Fact], set[str]]:
    """(facts, intents) where intents ⊆ {skip, correction, finish}."""
    lex = lexicon()
    facts: list[Fact] = []
    intents: set[str] = set()
    text = message.strip()
    if any(_contains(text, m) >= 0 for m in lex["finish_markers"]) and len(text) <= 20:
        intents.add("finish")
    if any(_contains(text, m) >= 0 for m in lex["skip_markers"]) and len(text) <= 20:
        intents.add("skip")
    if any(_contains(text[:12], m) >= 0 for m in lex["correction_markers"]):
        intents.add("correction")

    def add(key: str, value, evidence: str) -> None:
        facts.append(Fact(key=key, value=value, evidence=evidence.strip(), turn=turn, source=FactSource.rules))

    # whole-message patterns: numbers
    for m in re.finditer(r"(?:员工|工人|职工|人员|团队|staff|employees)[^\d。，,]{0,6}?(\d{1,6})\s*(?:多)?(?:个|名|人)?|(\d{1,6})\s*(?:多)?(?:个|名)?(?:员工|工人|职工|人(?![民工均])|employees|staff|people)",
                         text, re.IGNORECASE):
        add("employees", int(m.group(1) or m.group(2)), m.group(0))
        break
    for m in re.finditer(r"(?:营收|营业额|收入|产值|销售额|revenue|turnover)[^\d。，,]{0,8}?(\d+(?:\.\d+)?)\s*(亿|万|million|百万)", text, re.IGNORECASE):
        value, unit = float(m.group(1)), m.group(2)
        wan = value * 10000 if unit == "亿" else value * 100 if unit in ("million", "百万") else value
        add("revenue_wan", wan, m.group(0))
        break
    for industry, words in lex["industries"].items():
        hit = next((w for w in words if _contains(text, w) >= 0), None)
        if hit:
            add("industry", industry, _span_around(text, hit))
            break

    bounds = [(m.start(), m.end()) for m in _CLAUSE.finditer(text) if m.group(0).strip()]
    spans = [text[a:b] for a, b in bounds]
    for index, span in enumerate(spans):
        # systems, with negation ("没有ERP")
        for system, aliases in lex["systems"].items():
            for alias in aliases:
                pos = _contains(span, alias)
                if pos >= 0:
                    add(f"system.{system}", not _negated(span, pos), span)
                    break
        for marker in lex["integration_markers"]:
            pos = _contains(span, marker)
            if pos >= 0:
                add("integration", not _negated(span, pos) and "不" not in span[max(0, pos - 2):pos], span)
                break
        if any(_contains(span, m) >= 0 for m in lex["manual_markers"]):
            add("manual_records", True, span)
            add(f"pain.{PainPointId.manual_records.value}", 2, span)
        # percentages: networked equipment, automatic collection, digital spending
        pct = _percent(span)
        if pct is not None and index > 0 and not re.search(r"联网|上网|数控|数字化|投入|预算|占营收|采集|networked|"
                                                            r"spend|budget", span, re.IGNORECASE):
            # "设备联网基本没有，不到5%": the topic is in the clause before; the evidence is the owner's exact words
            span = text[bounds[index - 1][0]:bounds[index][1]]
        elif pct is None and re.search(r"(?:没有?|未|不)联网|联网(?:基本)?(?:没有|为零|是零)", span):
            pct = 0.0  # "设备都没联网" / "设备联网基本没有"
        if pct is not None:
            if re.search(r"联网|上网|networked", span, re.IGNORECASE):
                add("equipment_networked_pct", pct, span)
            elif re.search(r"数控|数字化设备|自动化设备|数字化率", span):
                add("equipment_digital_pct", pct, span)
            elif re.search(r"投入|预算|花在|占营收|spend|budget", span, re.IGNORECASE):
                add("digital_budget_pct", pct, span)
            elif re.search(r"自动采集|自动收集", span):
                add("auto_collection_pct", pct, span)
        m = re.search(r"(?:IT|信息化|数字化|技术)(?:人员|专员|岗|部门|团队)[^\d]{0,4}(\d+|[一二两三四五六七八九十])\s*(?:个|名|人)", span)
        if m:
            add("digital_staff", int(_number(m.group(1)) or 0), span)
        elif re.search(r"没有(?:专职)?(?:IT|信息化|技术)(?:人员|部门|的人)?|no IT", span, re.IGNORECASE):
            add("digital_staff", 0, span)
        if any(_contains(span, w) >= 0 for w in lex["leadership_markers"]):
            add("leadership", True, span)
        for w in lex["plan_markers"]:
            pos = _contains(span, w)
            if pos >= 0:
                add("has_plan", not _negated(span, pos), span)
                break
        for w in lex["training_markers"]:
            pos = _contains(span, w)
            if pos >= 0:
                add("training", not _negated(span, pos), span)
                break
        measures = [w for w in lex["security_measures"] if _contains(span, w) >= 0 and not _negated(span, _contains(span, w))]
        if measures:
            add("security_measures", measures, span)
        for name, key in (("合格率|良品率|良率", "quality_trend"), ("能耗|电费|用电", "energy_trend"), ("营收|销售额|收入", "revenue_trend")):
            if re.search(name, span):
                if re.search(r"提升|提高|上升|增长|上涨|变好", span):
                    add(key, "up", span)
                elif re.search(r"下降|降低|减少|下滑|变差", span):
                    add(key, "down", span)
                elif re.search(r"持平|差不多|没变化", span):
                    add(key, "flat", span)
        if any(_contains(span, w) >= 0 for w in lex["ai_goal_markers"]) and re.search(r"想|希望|计划|打算|目标|want|plan", span):
            add("goal.ai", True, span)
        # pain points: keywords, severity from intensity words
        for pain, words in lex["pain_points"].items():
            hit = next((w for w in words if _contains(span, w) >= 0), None)
            if hit is None:
                continue
            if pain == "security" and not re.search(r"中毒|病毒|勒索|黑客|泄露|没.{0,2}备份|丢|担心|薄弱|不安全|hacked|ransom", span):
                continue  # "我们有防火墙" is a measure, not a pain
            if pain == "supply_chain" and not re.search(r"积压|缺料|断料|不及时|压货|呆滞|交期|不准|慢|乱|shortage|excess", span):
                continue
            severity = 3 if any(_contains(span, w) >= 0 for w in lex["severity_markers"]) else 2
            add(f"pain.{pain}", severity, span)
    return facts, intents


def _percent(span: str) -> float | None:
    m = re.search(r"(\d{1,3}(?:\.\d+)?)\s*[%％]|百分之(\d{1,3})|([一二两三四五六七八九十])成|(\d)成", span)
    if not m:
        return None
    if m.group(1):
        return float(m.group(1))
    if m.group(2):
        return float(m.group(2))
    return (_number(m.group(3)) if m.group(3) else float(m.group(4))) * 10


def _span_around(text: str, word: str) -> str:
    for span in _SPLIT.split(text):
        if word in span:
            return span.strip()
    return word


EXTRACTION_SCHEMA = {
    "type": "object",
    "properties": {
        "facts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "enum": [
                        "employees", "revenue_wan", "industry", "digital_staff", "digital_budget_pct",
                        "equipment_networked_pct", "leadership", "has_plan", "training",
                        *[f"system.{s}" for s in ("erp", "mes", "crm", "wms", "plm", "bi", "oa", "scm", "qms", "iot",
                                                  "cloud", "ai")],
                        *[f"pain.{p.value}" for p in PainPointId]]},
                    "value": {"type": ["string", "number", "boolean"]},
                    "evidence": {"type": "string"},
                },
                "required": ["key", "value", "evidence"],
            },
        }
    },
    "required": ["facts"],
}


_INT_KEYS = {"employees", "digital_staff"}
_FLOAT_KEYS = {"revenue_wan", "digital_budget_pct", "equipment_networked_pct"}
_BOOL_KEYS = {"leadership", "has_plan", "training"}
_TRUE = {"true", "yes", "是", "有", "已", "1"}
_FALSE = {"false", "no", "否", "没有", "无", "未", "0"}


def coerce_value(key: str, value):
    """The model's value in the type the scoring expects ("80人" → 80, "30%" → 30.0, "是" → True), or None.
    Models return strings for numbers often enough that this is the layer where the two extractors meet."""
    if key in _INT_KEYS or key in _FLOAT_KEYS:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            match = re.search(r"\d+(?:\.\d+)?", str(value).replace(",", ""))
            if not match:
                return None
            number = float(match.group(0))
            if key == "revenue_wan" and "亿" in str(value):
                number *= 10_000
        return int(number) if key in _INT_KEYS else number
    if key in _BOOL_KEYS or key.startswith("system."):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text.startswith(("是", "有", "已")):
            return True
        if text in _FALSE or text.startswith(("没", "无", "未", "否", "不")):
            return False
        return None
    return str(value).strip() or None


def extraction_prompt_prefix() -> list[tuple[str, str]]:
    """The part every extraction prompt starts with, for :meth:`ChatClient.warm_up`."""
    from advisor.llm.prompts import render
    return [("system", render("extract_system")), ("human", render("extract_user", question="", message="")[:8])]


def extract_llm(chat, message: str, question: str, turn: int) -> list[Fact]:
    """Facts from the model, kept only when their evidence really occurs in the message."""
    from advisor.llm.prompts import render
    out = chat.json([("system", render("extract_system")),
                          ("human", render("extract_user", question=question, message=message))],
                         EXTRACTION_SCHEMA, name="facts",
                         # half the budget to start (prompt processing), the whole budget to finish
                         first_token_timeout=chat.settings.llm_timeout_s / 2,
                         total_timeout=chat.settings.llm_timeout_s)
    facts = []
    for item in out.get("facts", []):
        evidence = str(item.get("evidence", "")).strip()
        if not evidence or evidence not in message:
            continue  # unverifiable: never trusted
        value = 2 if item["key"].startswith("pain.") else coerce_value(item["key"], item.get("value"))
        if value is None:
            continue  # a value of the wrong kind ("很多" for a headcount) is dropped, not guessed
        facts.append(Fact(key=item["key"], value=value, evidence=evidence, turn=turn, source=FactSource.llm))
    return facts
