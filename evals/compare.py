"""Metric deltas and flipped cases between two runs."""
from __future__ import annotations


LOWER_IS_BETTER = ("errors", "answerable_refused", "redundant_questions", "questions_to_level", "unlisted_pains_per_case")
NOT_A_QUALITY = ("latency_ms", "cases", "answerable", "passed", "checks")


def compare(old: dict, new: dict, tolerance: float = 0.01) -> tuple[str, bool]:
    lines = ["指标变化："]
    regressed = False
    for kind, values in new.get("summary", {}).items():
        for key, value in values.items():
            before = old.get("summary", {}).get(kind, {}).get(key)
            if isinstance(value, (int, float)) and isinstance(before, (int, float)) and before != value:
                delta = value - before
                lines.append(f"  {kind}.{key}: {before} → {value} ({delta:+.4g})")
                worse = delta > tolerance if key.endswith(LOWER_IS_BETTER) else delta < -tolerance
                if worse and not key.endswith(NOT_A_QUALITY):
                    regressed = True
    old_cases = {c["id"]: c for c in old.get("cases", [])}
    for c in new.get("cases", []):
        before = old_cases.get(c["id"])
        if before is None:
            continue
        if before.get("passed") and not c.get("passed"):
            lines.append(f"  通过→失败：{c['id']}")
            regressed = True
        elif not before.get("passed") and c.get("passed"):
            lines.append(f"  失败→通过：{c['id']}")
    return "\n".join(lines), regressed
