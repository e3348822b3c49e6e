"""Evaluation kinds, one module each, registered on import (see :mod:`evals.kinds.base`)."""
from evals.kinds import clause_qa, interview  # noqa: F401 - each module registers its kind
from evals.kinds.base import KINDS, CaseBase, EvalKind, register_kind

__all__ = ["KINDS", "CaseBase", "EvalKind", "register_kind"]
