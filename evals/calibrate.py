"""Fit what is fitted, on one part of the cases, and report on the other: the refusal model (logistic regression of
"the guide answers this question" on the retrieval evidence, and its threshold; written to
``knowledge/retrieval_calibration.json``) and the pain classifier's threshold.

The refusal rests on what the guide says, not on how the question sounds: its evidence is the meaning of the best
clauses (dense) and of the everyday questions people ask of them (asked, ``clause_questions.yaml``); word coverage,
which counted an owner's everyday words against the question, is shown in the details but no longer decides
(issue #23). Questions asking for an answer type the guide never gives are refused before the model is asked."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from advisor.config import knowledge_path
from advisor.qa.retrieval import CALIBRATION_NAME

from evals.metrics import first_hit_rank
from evals.schema import ClauseQACase, load_cases

FEATURES = ("dense", "asked", "english", "off_topic")
MAX_WRONGLY_REFUSED = 0.02  # of the fitted half's answerable questions


def question_rows(advisor, case_files: list[Path]) -> list[dict]:
    """Each clause question (follow-ups replayed through the conversation path, as the page does): its relevance
    features, whether it names a clause (always answered), whether it asks for an answer type the nearest clauses do
    not give (always refused), whether it is answerable, and whether its gold clause is in the top 5."""
    from evals.kinds.clause_qa import _conversation
    rows = []
    for case in [c for c in load_cases(case_files) if isinstance(c, ClauseQACase)]:
        _meant, found = advisor.qa.retrieve(case.question, _conversation(advisor, case), k=10)
        rank = first_hit_rank(found.guide_ids(10), case.gold) if case.gold else None
        rows.append({"id": case.id, "x": [found.features[f] for f in FEATURES], "answerable": bool(case.gold),
                     "found": bool(case.gold) and rank is not None and rank <= 5, "named": bool(found.lookup),
                     "unmet_type": found.refusal_reason not in ("",)})
    return rows


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Every other answerable and every other out-of-corpus question, in file order: both halves get each file and
    both labels."""
    fit, held = [], []
    for label in (True, False):
        part = [r for r in rows if r["answerable"] is label]
        fit += part[0::2]
        held += part[1::2]
    return fit, held


def fit_weights(rows: list[dict], l2: float = 0.01, steps: int = 20000) -> dict[str, float]:
    """Logistic regression of "the guide answers it" on the features (raw feature scale)."""
    x = np.array([r["x"] for r in rows])
    y = np.array([1.0 if r["answerable"] else 0.0 for r in rows])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    xs = (x - mean) / std
    w, b = np.zeros(xs.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xs @ w + b)))
        w -= 0.1 * (xs.T @ (p - y) / len(y) + l2 * w)
        b -= 0.1 * float(np.mean(p - y))
    raw_w, raw_b = w / std, b - float(np.sum(w * mean / std))
    return {"bias": round(raw_b, 4), **{f: round(float(v), 4) for f, v in zip(FEATURES, raw_w)}}


def refusal_figures(rows: list[dict], weights: dict[str, float], threshold: float) -> dict:
    """The product's decision (a named clause is answered; an unmet answer type is refused; else the relevance
    against the threshold): out-of-corpus refused, answerable wrongly refused, accuracy."""
    def refused(r: dict) -> bool:
        z = weights["bias"] + sum(weights[f] * v for f, v in zip(FEATURES, r["x"]))
        return not r["named"] and (r["unmet_type"] or 1 / (1 + np.exp(-z)) < threshold)
    ooc = [r for r in rows if not r["answerable"]]
    ans = [r for r in rows if r["answerable"]]
    return {"questions": len(rows), "out_of_corpus": len(ooc), "answerable": len(ans),
            "out_of_corpus_refused": round(sum(map(refused, ooc)) / max(len(ooc), 1), 3),
            "answerable_wrongly_refused": round(sum(map(refused, ans)) / max(len(ans), 1), 3),
            "refusal_accuracy": round(sum(refused(r) != r["answerable"] for r in rows) / max(len(rows), 1), 3)}


def calibrate(advisor, case_files: list[Path], write: bool = False) -> dict:
    """Fit on one half of the questions, report on the other half (and the reverse, as a check on the spread).
    The threshold is the one that refuses the most out-of-corpus questions of the fitted half while wrongly refusing
    at most ``MAX_WRONGLY_REFUSED`` of its answerable ones. ``write``: store the weights fitted on the first half."""
    rows = question_rows(advisor, case_files)
    fit, held = split(rows)
    out = {"fitted_on": [str(f) for f in case_files], "folds": []}
    for train, test in ((fit, held), (held, fit)):
        weights = fit_weights(train)
        grid = [round(0.05 * i, 2) for i in range(1, 20)]
        ok = [t for t in grid
              if refusal_figures(train, weights, t)["answerable_wrongly_refused"] <= MAX_WRONGLY_REFUSED] or [0.5]
        threshold = max(ok, key=lambda t: (refusal_figures(train, weights, t)["out_of_corpus_refused"], -abs(t - 0.5)))
        out["folds"].append({"weights": weights, "threshold": threshold,
                             "fit": refusal_figures(train, weights, threshold),
                             "held_out": refusal_figures(test, weights, threshold)})
    if write:
        first = out["folds"][0]
        payload = {"weights": first["weights"], "threshold": first["threshold"], "fitted_on": out["fitted_on"],
                   "split": "every other answerable and out-of-corpus question (python -m evals calibrate)",
                   "fit": first["fit"], "held_out": first["held_out"]}
        knowledge_path(CALIBRATION_NAME).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return out


def calibrate_pains(case_files: list[Path], max_unlisted: float = 1.0) -> dict:
    """Fit the pain classifier's threshold on every other interview case that lists expected pains and report on the
    rest: recall of the expected pains, and pains found that the case does not list (per case; a prompt to review,
    often real), by meaning alone, by words alone and by both. The threshold is fitted on meaning alone: the highest
    recall whose unlisted finds stay within ``max_unlisted`` per case. The word lists were written with these cases in
    view, so only the classifier's own figures say how it carries over."""
    from advisor.diagnosis import pain_classifier
    from advisor.diagnosis.extraction import extract_rules
    from advisor.diagnosis.extractors.pains import pain_candidates
    from advisor.diagnosis.reading import read
    cases = [c for c in load_cases(case_files) if c.kind == "interview" and c.expect.pain_points]
    rows = []
    for case in cases:
        pain_classifier.use_embedder(False)
        by_words = {f.key[5:] for i, t in enumerate(case.turns, 1) for f in extract_rules(t, i)[0]
                    if f.key.startswith("pain.")}
        pain_classifier.use_embedder(None)
        rows.append((set(case.expect.pain_points), by_words, [m for t in case.turns for m in pain_candidates(read(t))]))

    def figures(part, threshold: float | None, words_too: bool = True) -> dict:
        expected = found = unlisted = 0
        for want, words, matches in part:
            got = (words if words_too else set()) | (
                {m.pain for m in matches if m.probability >= threshold}
                if threshold is not None else set())
            expected, found, unlisted = expected + len(want), found + len(want & got), unlisted + len(got - want)
        return {"recall": round(found / max(expected, 1), 4), "unlisted_per_case": round(unlisted / max(len(part), 1), 2)}

    fit, held = rows[0::2], rows[1::2]
    grid = [round(0.1 + 0.025 * i, 3) for i in range(33)]
    within = [t for t in grid if figures(fit, t, False)["unlisted_per_case"] <= max_unlisted] or grid[-1:]
    best = max(within, key=lambda t: (figures(fit, t, False)["recall"], t))
    return {"threshold": best, "cases": len(rows), "fit_cases": len(fit), "held_out_cases": len(held),
            **{name: {"meaning": figures(part, best, False), "words": figures(part, None),
                      "words+meaning": figures(part, best)} for name, part in (("fit", fit), ("held_out", held))}}


def write_pain_threshold(threshold: float) -> None:
    import re
    path = knowledge_path("lexicon", "pain_examples", "threshold.yaml")
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"(?m)^threshold: .*$", f"threshold: {threshold}", text, count=1), "utf-8")
