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
