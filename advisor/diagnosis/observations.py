"""诊断观察: what the advisor infers from a fact the owner stated plainly (no IT person, no written plan, a small
budget, little networked equipment), with the owner's words as its reason; left out where the owner complained of the
same thing, since the pain says it. The rules are data (``knowledge/observations.yaml``)."""
from __future__ import annotations


import yaml
from pydantic import BaseModel, ConfigDict

from advisor.config import knowledge_path, per_knowledge
from advisor.diagnosis.vocabulary import EnterpriseProfile, Observation, PainPointId


class ObservationRule(BaseModel):
    """One entry of ``knowledge/observations.yaml``."""
    model_config = ConfigDict(extra="forbid")
    fact: str
    equals: bool | int | None = None
    below: float | None = None
    text: str
    text_en: str
    clauses: list[str]
    unless_pain: PainPointId


@per_knowledge
def observation_rules() -> tuple[ObservationRule, ...]:
    data = yaml.safe_load(knowledge_path("observations.yaml").read_text("utf-8"))
    return tuple(ObservationRule.model_validate(item) for item in data["observations"])


def budget_share(p: EnterpriseProfile) -> tuple[float | None, str]:
    """The digital budget as a share of revenue (said, or computed), with the owner's words it rests on."""
    if p.has("digital_budget_pct"):
        return p.get("digital_budget_pct"), p.current()["digital_budget_pct"].evidence
    if p.has("digital_budget_wan") and p.get("revenue_wan"):
        facts = p.current()
        return (p.get("digital_budget_wan") / p.get("revenue_wan") * 100,
                f"{facts['digital_budget_wan'].evidence}；{facts['revenue_wan'].evidence}")
    return None, ""


def observations(p: EnterpriseProfile) -> list[Observation]:
    """What the facts show that the owner did not complain of (a complaint of the same thing is a pain already)."""
    out = []
    for rule in observation_rules():
        if p.has(f"pain.{rule.unless_pain.value}"):
            continue
        if rule.fact == "budget_share_pct":
            value, words = budget_share(p)
        else:
            fact = p.current().get(rule.fact)
            value, words = (fact.value, fact.evidence) if fact else (None, "")
        if value is None:
            continue
        if (rule.equals is not None and value == rule.equals) or (rule.below is not None and value < rule.below):
            out.append(Observation(text=rule.text, text_en=rule.text_en, reason=f"企业原话：“{words}”",
                                   clauses=rule.clauses))
    return out
