"""Progress over time (T0 → T1), as EU DMAT measures a firm before and after: two diagnoses of the same enterprise
compared on scores, level, scene levels, the KPI facts and the pain points (resolved, new, still there).

Example:
    >>> from advisor.diagnosis.assessment import assess
    >>> from advisor.diagnosis.vocabulary import EnterpriseProfile, Fact
    >>> t0, t1 = EnterpriseProfile(), EnterpriseProfile()
    >>> _ = t0.add(Fact(key="pain.manual_records", value=True, evidence="全靠纸质单据", turn=1))
    >>> _ = t1.add(Fact(key="system.mes", value=True, evidence="车间上了MES", turn=1))
    >>> c = compare(Snapshot.of("2026-01-05", t0, assess(t0)), Snapshot.of("2026-11-26", t1, assess(t1)))
    >>> [p for p in c.pains_resolved], c.t1_date
    (['纸质手工记录、数据采集自动化低'], '2026-11-26')
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from advisor.diagnosis.vocabulary import Assessment, EnterpriseProfile

# facts whose change is progress the owner can see (the KPIs' baselines and the level's inputs)
TRACKED = ("equipment_networked_pct", "digital_staff", "digital_budget_wan", "has_plan", "leadership", "integration",
           "training", "manual_records", "employees", "revenue_wan")


class Snapshot(BaseModel):
    date: str
    score: float
    level: str
    scenes: dict[str, tuple[str, int | None]]  # id → (label, level)
    facts: dict[str, str]  # tracked fact → as said ("设备联网率：约10%")
    pains: dict[str, str]  # id → label

    @classmethod
    def of(cls, date: str, profile: EnterpriseProfile, assessment: Assessment) -> "Snapshot":
        current = profile.current()
        return cls(date=date, score=assessment.score_estimate, level=assessment.level_label,
                   scenes={s.id: (s.label, s.level) for s in assessment.scenes},
                   facts={k: current[k].describe() for k in TRACKED if k in current},
                   pains={str(p.id): p.label for p in assessment.pain_points})


class SceneChange(BaseModel):
    label: str
    before: int | None
    after: int | None


class Comparison(BaseModel):
    t0_date: str
    t1_date: str
    score: tuple[float, float]
    level: tuple[str, str]
    scenes: list[SceneChange] = Field(default_factory=list)  # scenes known at either time
    facts: list[tuple[str, str, str]] = Field(default_factory=list)  # (fact, before, after) where either was said
    pains_resolved: list[str] = Field(default_factory=list)
    pains_new: list[str] = Field(default_factory=list)
    pains_remaining: list[str] = Field(default_factory=list)

    def markdown(self) -> list[str]:
        delta = self.score[1] - self.score[0]
        L = [f"## 与上次诊断相比（{self.t0_date} → {self.t1_date}）", "",
             f"- 总分估计：{self.score[0]:.1f} → {self.score[1]:.1f}（{delta:+.1f}）；等级：{self.level[0]} → {self.level[1]}",
             f"- 已解决的痛点：{'、'.join(self.pains_resolved) or '无'}；新出现：{'、'.join(self.pains_new) or '无'}；"
             f"仍然存在：{'、'.join(self.pains_remaining) or '无'}", ""]
        if self.scenes:
            L += ["| 场景 | 上次 | 本次 |", "|---|---|---|"]
            L += [f"| {s.label} | {_lv(s.before)} | {_lv(s.after)} |" for s in self.scenes]
            L.append("")
        if self.facts:
            L += ["| 指标/情况 | 上次 | 本次 |", "|---|---|---|"]
            L += [f"| {name} | {before} | {after} |" for name, before, after in self.facts]
            L.append("")
        return L


def _lv(level: int | None) -> str:
    return "未涉及" if level is None else f"{level}级"


def compare(t0: Snapshot, t1: Snapshot) -> Comparison:
    from advisor.diagnosis.facts import FACTS
    scenes = [SceneChange(label=label, before=t0.scenes.get(sid, ("", None))[1], after=level)
              for sid, (label, level) in t1.scenes.items()
              if level is not None or t0.scenes.get(sid, ("", None))[1] is not None]
    facts = [(FACTS[k].label_zh, t0.facts.get(k, "未说明").split("：")[-1], t1.facts.get(k, "未说明").split("：")[-1])
             for k in TRACKED if k in t0.facts or k in t1.facts]
    return Comparison(t0_date=t0.date, t1_date=t1.date, score=(t0.score, t1.score), level=(t0.level, t1.level),
                      scenes=scenes, facts=facts,
                      pains_resolved=[v for k, v in t0.pains.items() if k not in t1.pains],
                      pains_new=[v for k, v in t1.pains.items() if k not in t0.pains],
                      pains_remaining=[v for k, v in t1.pains.items() if k in t0.pains])
