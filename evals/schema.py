"""Case files: a YAML list of cases, validated before anything runs (file, case id, field, what is wrong)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Union

import yaml
from pydantic import Field, TypeAdapter, ValidationError

from evals.kinds import KINDS, CaseBase
from evals.kinds.clause_qa import ClauseQACase
from evals.kinds.interview import InterviewCase

__all__ = ["CaseFileError", "ClauseQACase", "InterviewCase", "load_cases"]

def _case_adapter() -> TypeAdapter:
    """One discriminated union over every registered kind (``kind:`` picks the model)."""
    models = tuple(kind.case_model for kind in KINDS.values())
    return TypeAdapter(Annotated[Union[models], Field(discriminator="kind")])  # noqa: UP007 - built at run time


class CaseFileError(ValueError):
    """A readable list of what is wrong in which file and case."""


def load_cases(paths: list[Path]) -> list[CaseBase]:
    adapter = _case_adapter()
    cases: list = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            raw = yaml.safe_load(Path(path).read_text("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(f"{path}: not UTF-8 text (byte {exc.start}); save the case file as UTF-8")
            continue
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path}: cannot read YAML ({exc})")
            continue
        if not isinstance(raw, list):
            problems.append(f"{path}: the file must be a YAML list of cases")
            continue
        for n, item in enumerate(raw, start=1):
            case_id = item.get("id", f"#{n}") if isinstance(item, dict) else f"#{n}"
            try:
                case = adapter.validate_python(item)
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
