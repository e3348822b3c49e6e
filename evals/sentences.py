"""Single owner messages with what a careful reader takes from them (``tests/data/owner_sentences.yaml``, written
fresh by someone who had read neither the code nor the cases; ``evals/cases/owner_sentences_holdout.yaml``, the same
kind, kept for reporting only). Each message is read alone, as the first thing said after ``asked``; the stated facts
are compared atom by atom as the interview cases are, and ``absent`` keys must not be read at all.

``python -m evals sentences FILE…`` prints precision and recall by key and the messages that miss.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from advisor.diagnosis.extraction import extract_rules
from advisor.diagnosis.vocabulary import EnterpriseProfile
from evals.gold import gold_view
from evals.kinds.interview import _atoms, compare_facts
from evals.metrics import rate

SCORED = ("industry", "employees", "revenue_wan", "equipment_networked_pct", "digital_staff", "leadership", "has_plan",
          "integration", "manual_records", "digital_budget_wan", "digital_budget_pct", "systems_in_use",
          "systems_not_in_use", "security_measures")


class OwnerSentence(BaseModel):
    text: str
    asked: str = ""
    facts: dict[str, Any] = Field(default_factory=dict)
    absent: list[str] = Field(default_factory=list)


def load(path: Path) -> list[OwnerSentence]:
    return [OwnerSentence.model_validate(item) for item in yaml.safe_load(Path(path).read_text("utf-8"))]


def read_alone(sentence: OwnerSentence) -> dict[str, Any]:
    """The gold view of what the rules read from one message."""
    profile = EnterpriseProfile()
    for fact in extract_rules(sentence.text, turn=1, question=sentence.asked)[0]:
        profile.add(fact)
    return gold_view(profile)


def judge(sentence: OwnerSentence) -> tuple[dict[str, dict[str, int]], list[str]]:
    """(per-key counts, what went wrong in words) for one message."""
    got = read_alone(sentence)
    want = {k: v for k, v in sentence.facts.items() if k in SCORED}
    counts = compare_facts({k: v for k, v in got.items() if k in want or k in sentence.absent}, want)
    wrong = [f"{k}: {v}" for k, v in counts.items() if v["fp"] or v["fn"]]
    for key in sentence.absent:
        atoms = [a for a in _atoms(got) if a.split(":", 1)[0] == key]
        if atoms and key not in want:
            wrong.append(f"{key} read but not said")
    return counts, [f"{w} (read {got})" for w in wrong]


def score(sentences: list[OwnerSentence]) -> dict:
    per_key: dict[str, dict[str, int]] = {}
    misses: list[tuple[str, list[str]]] = []
    for s in sentences:
        counts, wrong = judge(s)
        for key, row in counts.items():
            total = per_key.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})
            for k in total:
                total[k] += row[k]
        if wrong:
            misses.append((s.text, wrong))
    tp, fp, fn = (sum(r[k] for r in per_key.values()) for k in ("tp", "fp", "fn"))
    return {"messages": len(sentences), "right": len(sentences) - len(misses), "precision": rate(tp, tp + fp),
            "recall": rate(tp, tp + fn), "per_key": per_key, "misses": misses}


def main(files: list[str], show_misses: bool = True, half: str = "") -> int:
    """``half``: "fit" (the even-numbered messages, read while mending the reader) or "report" (the odd ones)."""
    for path in files:
        sentences = load(Path(path))
        sentences = sentences[{"fit": 0, "report": 1}[half]::2] if half else sentences
        result = score(sentences)
        print(f"{path}{' (' + half + ' half)' if half else ''}: {result['right']}/{result['messages']} messages read right, "
              f"fact precision {result['precision']}, recall {result['recall']}")
        for key, row in sorted(result["per_key"].items()):
            print(f"  {key}: P {rate(row['tp'], row['tp'] + row['fp'])}  R {rate(row['tp'], row['tp'] + row['fn'])}")
        if show_misses:
            for text, wrong in result["misses"]:
                print(f"  ✗ {text}\n      " + "\n      ".join(wrong))
    return 0
