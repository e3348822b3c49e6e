"""Case files: a YAML list of cases, validated before anything runs (file, case id, field, what is wrong)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

Stage = Literal["pilot", "integration", "fusion", "ecosystem"]
TechPath = Literal["saas_lightweight", "platform_integration", "ai_innovation"]
PartnerType = Literal["platform_provider", "specialist_vendor", "consultancy"]


class _Case(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    tags: list[str] = Field(default_factory=list)
    notes: str = ""


class ClauseQACase(_Case):
    kind: Literal["clause_qa"]
    question: str
    gold: list[str]

    @field_validator("gold", mode="before")
    @classmethod
    def _as_strings(cls, value):
        if not isinstance(value, list):
            raise ValueError("gold must be a list of clause ids, e.g. [\"5.3.2.7\"] or []")
        return [str(v) for v in value]


class InterviewExpect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: list[int] | int | None = None
    start_stage: list[Stage] | Stage | None = None
    tech_path: list[TechPath] | TechPath | None = None
    partner_types: list[PartnerType] | None = None
    pain_points: list[str] | None = None
    insufficient: bool | None = None


class InterviewCase(_Case):
    kind: Literal["interview"]
    turns: list[str] = Field(min_length=1)
    expect: InterviewExpect = Field(default_factory=InterviewExpect)


Case = Annotated[ClauseQACase | InterviewCase, Field(discriminator="kind")]
_adapter = TypeAdapter(Case)


class CaseFileError(ValueError):
    """A readable list of what is wrong in which file and case."""


def load_cases(paths: list[Path]) -> list[ClauseQACase | InterviewCase]:
    cases: list = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            raw = yaml.safe_load(Path(path).read_text("utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path}: cannot read YAML ({exc})")
            continue
        if not isinstance(raw, list):
            problems.append(f"{path}: the file must be a YAML list of cases")
            continue
        for n, item in enumerate(raw, start=1):
            case_id = item.get("id", f"#{n}") if isinstance(item, dict) else f"#{n}"
            try:
                case = _adapter.validate_python(item)
            except ValidationError as exc:
                for err in exc.errors():
                    field = ".".join(str(p) for p in err["loc"]) or "(case)"
                    problems.append(f"{path}: case {case_id}: field {field}: {err['msg']}")
                continue
            if case.id in seen:
                problems.append(f"{path}: case {case.id}: duplicate id (also in {seen[case.id]})")
                continue
            seen[case.id] = str(path)
            cases.append(case)
    if problems:
        raise CaseFileError("\n".join(problems))
    return cases
