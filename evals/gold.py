"""The evaluation's view of a profile: the case files' ``facts:`` vocabulary (``../shared/cases/interviews-dev.yaml``)
and the loose industry comparison the fact scores use. Evaluation only: the library never reads a gold answer.

Example:
    >>> same_industry("铝合金门窗厂", "门窗制造"), same_industry("软件开发", "水产加工")
    (True, False)
"""
from __future__ import annotations

from typing import Any

from advisor.diagnosis.lexicon import extraction_lexicon, has_word
from advisor.diagnosis.plan_content import plan_content

# the systems the case files label (their schema); another the reader knows (process control) is not scored
GOLD_SYSTEMS = ("erp", "mes", "wms", "crm", "plm", "oa", "scm", "qms", "hrm", "iot", "bi", "cloud", "ai")
GOLD_SCALARS = ("industry", "employees", "revenue_wan", "equipment_networked_pct", "digital_staff", "leadership",
                "has_plan", "integration", "manual_records", "digital_budget_wan", "digital_budget_pct")


def gold_view(profile) -> dict[str, Any]:
    """The profile in the case files' ``facts:`` vocabulary (systems split into in use / not in use)."""
    current = profile.current()
    view: dict[str, Any] = {k: current[k].value for k in GOLD_SCALARS if k in current}
    systems = {k.split(".", 1)[1]: f.value for k, f in current.items()
               if k.startswith("system.") and k.split(".", 1)[1] in GOLD_SYSTEMS}
    if any(systems.values()):
        view["systems_in_use"] = sorted(s for s, v in systems.items() if v)
    if not all(systems.values()):
        view["systems_not_in_use"] = sorted(s for s, v in systems.items() if not v)
    if current.get("security_measures") and current["security_measures"].value:
        view["security_measures"] = sorted(current["security_measures"].value)
    return view


def same_industry(a: str, b: str) -> bool:
    """Loosely the same industry: one label contains the other, they share a specific two-character term, or the
    words of a sector of ``knowledge/plan.yaml`` (the sectors the plan and the interview's questions fit) name both."""
    said = (a.strip(), b.strip())  # as written: an acronym is one only in capitals ("EMS shop")
    a, b = said[0].lower(), said[1].lower()
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    generic = set(extraction_lexicon()["industry"]["generic_terms"])
    pairs = {a[i:i + 2] for i in range(len(a) - 1)} & {b[i:i + 2] for i in range(len(b) - 1)}
    if any(p not in generic and all("\u4e00" <= ch <= "\u9fff" for ch in p) for p in pairs):
        return True
    return bool(_sectors_named(said[0]) & _sectors_named(said[1]))


def _sectors_named(label: str) -> set[str]:
    """Every sector of ``knowledge/plan.yaml`` whose words the label holds ("陶瓷餐具外贸": ceramics and trading)."""
    return {i.id for i in plan_content().industries if has_word(label, i.words)}
