"""Fit the refusal model: logistic regression of "a gold clause is in the top 5" on the retrieval evidence
features, over the held-out questions in ``evals/calibration.yaml``. Writes ``knowledge/retrieval_calibration.json``."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from advisor.config import knowledge_path
from advisor.qa.retrieval import CALIBRATION_NAME, Retriever

from evals.metrics import first_hit_rank
from evals.schema import ClauseQACase, load_cases

FEATURES = ("dense", "coverage", "unknown", "expanded")


def calibrate(retriever: Retriever, case_file: Path, l2: float = 0.01, steps: int = 20000) -> dict:
    cases = [c for c in load_cases([case_file]) if isinstance(c, ClauseQACase)]
    rows, labels = [], []
    for case in cases:
        found = retriever.search(case.question, k=10)
        rank = first_hit_rank(found.guide_ids(10), case.gold) if case.gold else None
        rows.append([found.features[f] for f in FEATURES])
        labels.append(1.0 if (case.gold and rank is not None and rank <= 5) else 0.0)
    x = np.array(rows)
    y = np.array(labels)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    xs = (x - mean) / std
    w = np.zeros(xs.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xs @ w + b)))
        w -= 0.1 * (xs.T @ (p - y) / len(y) + l2 * w)
        b -= 0.1 * float(np.mean(p - y))
    # back to raw feature scale
    raw_w = w / std
    raw_b = b - float(np.sum(w * mean / std))
    p = 1 / (1 + np.exp(-(x @ raw_w + raw_b)))
    accuracy = float(np.mean((p >= 0.5) == (y == 1)))
    weights = {"bias": round(raw_b, 4), **{f: round(float(v), 4) for f, v in zip(FEATURES, raw_w)}}
    payload = {"weights": weights, "fitted_on": str(case_file), "cases": len(y), "positives": int(y.sum()),
               "train_accuracy": round(accuracy, 4)}
    knowledge_path(CALIBRATION_NAME).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return payload


def calibrate_pains(case_files: list[Path], max_unlisted: float = 1.0) -> dict:
    """Fit the pain classifier's threshold on every other interview case that lists expected pains and report on the
    rest: recall of the expected pains, and pains found that the case does not list (per case; a prompt to review,
    often real), by meaning alone, by words alone and by both. The threshold is fitted on meaning alone: the highest
    recall whose unlisted finds stay within ``max_unlisted`` per case (about what the words alone add). The word lists
    were written with these cases in view, so only the classifier's own figures say how it carries over."""
    from advisor.diagnosis import pain_classifier
    from advisor.diagnosis.extraction import extract_rules
    from advisor.diagnosis.reading import read
    cases = [c for c in load_cases(case_files) if c.kind == "interview" and c.expect.pain_points]
    rows = []
    for case in cases:
        pain_classifier.use_embedder(False)
        by_words = {f.key[5:] for i, t in enumerate(case.turns, 1) for f in extract_rules(t, i)[0]
                    if f.key.startswith("pain.")}
        pain_classifier.use_embedder(None)
        sentences = [m.sentence_text(i).strip() for t in case.turns for m in [read(t)]
                     for i in range(len(m.sentences)) if any(c.modality in ("fact", "uncertain") for c in m.clauses_of(i))]
        rows.append((set(case.expect.pain_points), by_words, pain_classifier.best_matches(sentences)))

    def figures(part, threshold: float | None, words_too: bool = True) -> dict:
        expected = found = unlisted = 0
        for want, words, matches in part:
            got = (words if words_too else set()) | (
                {m.pain for m in matches if m.similarity >= threshold} if threshold is not None else set())
            expected, found, unlisted = expected + len(want), found + len(want & got), unlisted + len(got - want)
        return {"recall": round(found / max(expected, 1), 4), "unlisted_per_case": round(unlisted / max(len(part), 1), 2)}

    fit, held = rows[0::2], rows[1::2]
    grid = [round(0.80 + 0.005 * i, 3) for i in range(33)]
    within = [t for t in grid if figures(fit, t, False)["unlisted_per_case"] <= max_unlisted] or grid[-1:]
    best = max(within, key=lambda t: (figures(fit, t, False)["recall"], t))
    return {"threshold": best, "cases": len(rows), "fit_cases": len(fit), "held_out_cases": len(held),
            **{name: {"meaning": figures(part, best, False), "words": figures(part, None),
                      "words+meaning": figures(part, best)} for name, part in (("fit", fit), ("held_out", held))}}


def write_pain_threshold(threshold: float) -> None:
    import re
    path = knowledge_path("lexicon", "pain_exemplars.yaml")
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"(?m)^threshold: .*$", f"threshold: {threshold}", text, count=1), "utf-8")
