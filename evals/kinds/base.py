"""What an evaluation kind is: a case model, how one case runs, how results are summarised and reported.
One :func:`register_kind` call adds a kind; the case-file schema, the runner and the report derive from
:data:`KINDS` (see ARCHITECTURE.md, "add an eval kind")."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CaseBase(BaseModel):
    """Fields every case has; a kind's case model adds ``kind: Literal["<name>"]`` and its own fields."""

    model_config = ConfigDict(extra="ignore")
    id: str
    tags: list[str] = Field(default_factory=list)
    notes: str = ""


def _no_lines(_: Any) -> list[str]:
    return []


@dataclass(frozen=True)
class EvalKind:
    name: str
    case_model: type[CaseBase]
    run: Callable[[Any, Any, bool], dict]  # (advisor, case, with_llm) -> result dict with "passed"
    summarise: Callable[[list[dict], bool], dict]  # (this kind's results, with_llm) -> summary figures
    report_section: Callable[[dict], list[str]] = _no_lines  # Markdown lines under the kind's summary table
    failure_lines: Callable[[dict], list[str]] = _no_lines  # Markdown lines for one failing case


KINDS: dict[str, EvalKind] = {}


def register_kind(kind: EvalKind) -> EvalKind:
    KINDS[kind.name] = kind
    return kind


def table(header: list[str], rows: list[list]) -> list[str]:
    """A Markdown table (cells escaped) followed by a blank line."""
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(cell(v) for v in row) + " |" for row in rows], ""]
