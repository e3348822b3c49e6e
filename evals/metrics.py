"""Metric helpers shared by the runner and the reports."""
from __future__ import annotations

import statistics


def hits(retrieved_id: str, gold: list[str]) -> bool:
    """A retrieved clause counts when it equals a gold id or lies under it (gold 5.3.2 is hit by 5.3.2.7)."""
    return any(retrieved_id == g or retrieved_id.startswith(g + ".") for g in gold)


def first_hit_rank(retrieved: list[str], gold: list[str], k: int = 10) -> int | None:
    for rank, cid in enumerate(retrieved[:k], start=1):
        if hits(cid, gold):
            return rank
    return None


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


def rate(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0
