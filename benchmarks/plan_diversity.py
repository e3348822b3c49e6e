"""How much two enterprises' plans share: for every pair of interview cases that start at the same stage, the share
of action and KPI lines the two plans have in common (|A ∩ B| / min(|A|, |B|), a line compared as written). Also how
many KPIs have a baseline from the owner's facts or a first-month measurement instruction.

    python -m benchmarks.plan_diversity [FILES ...] [--json OUT]
    (default: the dev interviews ../shared/cases/interviews-dev.yaml, deterministic mode)
"""
from __future__ import annotations

import argparse
import itertools
import statistics
from pathlib import Path

from advisor.diagnosis.interview import Interview
from advisor.diagnosis.planning import build_plan
from evals.schema import load_cases

from benchmarks.common import PROJECT_ROOT, print_table, write_json

DEFAULT = PROJECT_ROOT.parent / "shared" / "cases" / "interviews-dev.yaml"


def plans(files: list[Path]) -> list[dict]:
    out = []
    for case in [c for c in load_cases(files) if c.kind == "interview"]:
        iv = Interview(chat=None)
        iv.start()
        for text in case.turns:
            iv.reply(text)
        plan = build_plan(iv.assess(), iv.state.profile)
        active = [s for s in plan.stages if s.status != "skipped"]
        lines = {x for s in active for x in s.actions} | {k for s in active for k in s.kpis}
        goals = [g for s in active[:2] for g in s.goals]
        out.append({"id": case.id, "start": str(plan.start_stage), "lines": lines, "industry": plan.industry,
                    "kpis": len(goals), "kpis_grounded": sum(bool(g.evidence or g.measure or "级" in g.baseline)
                                                             for g in goals)})
    return out


def shared(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(min(len(a), len(b)), 1)


def run(files: list[Path]) -> dict:
    made = plans(files)
    pairs = [(x, y) for x, y in itertools.combinations(made, 2) if x["start"] == y["start"]]
    ratios = [shared(x["lines"], y["lines"]) for x, y in pairs]
    return {"cases": len(made), "pairs_same_start": len(pairs),
            "mean_shared": round(statistics.mean(ratios), 3) if ratios else None,
            "median_shared": round(statistics.median(ratios), 3) if ratios else None,
            "max_shared": round(max(ratios), 3) if ratios else None,
            "pairs_over_40pct": sum(r > 0.4 for r in ratios),
            "kpis": sum(m["kpis"] for m in made), "kpis_grounded": sum(m["kpis_grounded"] for m in made),
            "industries": sorted({m["industry"] for m in made if m["industry"]})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=[str(DEFAULT)])
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    r = run([Path(f) for f in args.files])
    print_table([
        (f"plan lines shared by two enterprises at the same start stage ({r['pairs_same_start']} pairs of "
         f"{r['cases']})", f"mean {r['mean_shared']:.0%}, median {r['median_shared']:.0%}, max {r['max_shared']:.0%}; "
         f"{r['pairs_over_40pct']} pairs over 40%", "≤ 40%"),
        ("KPIs with a baseline from a fact, a level, or a first-month measurement", f"{r['kpis_grounded']}/{r['kpis']}",
         "all"),
        ("industries recognised", "、".join(r["industries"]) or "—", ""),
    ], "Plan diversity (deterministic mode)")
    write_json(args.json, {"plan_diversity": r})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
