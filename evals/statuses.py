"""The status classifier scored writer against writer: fitted on every writer's sentences but one, scored on the one
left out, for each writer in turn (never trained and scored on the same sentences). For each key it prints precision
and recall of the statuses (not "says nothing") at a range of thresholds, and with ``--write`` keeps per key the
lowest threshold whose pooled held-out precision is at least ``--precision`` in
``knowledge/lexicon/status_examples/thresholds.yaml``.

``python -m evals statuses [--precision 0.9] [--write]``
"""
from __future__ import annotations

import yaml

from advisor.config import knowledge_path
from advisor.diagnosis.status_classifier import BOOLEAN_KEYS, StatusModel, _rows, asked_about, examples

GRID = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# a system's status overturns the rules' reading (in use) rather than adding to it: it must be surer than that
OVERTURNING = {"systems": 0.98}


def held_out() -> dict[str, list[tuple[str, str, float]]]:
    """Per key: (gold label, predicted label, probability) of every held-out row."""
    by_writer = examples()
    out: dict[str, list[tuple[str, str, float]]] = {k: [] for k in (*BOOLEAN_KEYS, "systems")}
    for writer, items in by_writer.items():
        model = StatusModel({w: rest for w, rest in by_writer.items() if w != writer})
        for key in out:
            if key not in model.models:
                continue
            texts, labels = _rows(asked_about({writer: items}, key), key)
            if not texts:
                continue
            pipeline = model.models[key]
            for gold, probs in zip(labels, pipeline.predict_proba(texts)):
                i = int(probs.argmax())
                out[key].append((gold, str(pipeline.classes_[i]), float(probs[i])))
    return out


def _scores(rows, threshold: float, empty: str) -> tuple[float, float, int]:
    """(precision, recall, how many said) of the statuses other than ``empty``, at ``threshold``."""
    said = [(g, p) for g, p, prob in rows if p != empty and prob >= threshold]
    right = sum(g == p for g, p in said)
    relevant = sum(g != empty for g, _, _ in rows)
    return (right / len(said) if said else 1.0), (right / relevant if relevant else 0.0), len(said)


def main(target: float = 0.9, write: bool = False) -> int:
    rows = held_out()
    chosen = {}
    for key, found in rows.items():
        empty = "in_use" if key == "systems" else "none"  # in use is the rules' default reading of a system named
        print(f"{key}: {len(found)} held-out rows, {sum(g != empty for g, _, _ in found)} with a status")
        for t in GRID:
            p, r, n = _scores(found, t, empty)
            print(f"  threshold {t:.1f}: precision {p:.3f} recall {r:.3f} ({n} said)")
            if key not in chosen and p > OVERTURNING.get(key, target - 1e-9) and p >= target and n:
                chosen[key] = t
        chosen.setdefault(key, 0.99)  # never sure enough: the model stays silent on this key
    print("thresholds:", chosen)
    if write:
        path = knowledge_path("lexicon", "status_examples", "thresholds.yaml")
        path.write_text("# fitted writer against writer by `python -m evals statuses --write`\n" +
                        yaml.safe_dump(chosen, sort_keys=True), "utf-8")
        print("written", path)
    return 0
