"""Prompt templates live in ``prompts/`` as files (``$name`` placeholders), never as strings in code.

Example:
    >>> "NOT_IN_CORPUS" in render("qa_system", language="中文")
    True
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Template

from advisor.config import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"


@lru_cache(maxsize=32)
def _template(name: str, root: Path = PROMPTS_DIR) -> Template:
    return Template((root / f"{name}.md").read_text("utf-8"))


def render(name: str, **values: str) -> str:
    return _template(name).safe_substitute(**values)
