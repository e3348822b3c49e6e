"""The pain classifier scored writer against writer: fitted on every writer's sentences but one and scored on the one
left out, for each writer in turn (never trained and scored on the same sentences). Prints the pooled precision and
recall of the pains (a "none" sentence read as a pain is a false positive) at a range of thresholds, and per pain at the
fitted one (``knowledge/lexicon/pain_examples/threshold.yaml``, fitted on interview cases by ``calibrate-pains``).

``python -m evals pains``
"""
from __future__ import annotations

from advisor.diagnosis.pain_classifier import NONE, PainModel, _get_embedder, examples, threshold

GRID = (0.2, 0.3, 0.4, 0.5)


def held_out() -> list[tuple[set[str], dict[str, float]]]:
    """(the pains a held-out sentence complains of, or none; every class's probability)."""
    by_writer = examples()
    embedder = _get_embedder()
    rows = []
    for writer, items in by_writer.items():
        model = PainModel([i for w, rest in by_writer.items() if w != writer for i in rest], embedder)
        for item, ranked in zip(items, model.predict([i.text for i in items])):
            rows.append((set(item.labels), {m.pain: m.probability for m in ranked}))
    return rows


def scores(rows: list[tuple[set[str], dict[str, float]]], limit: float,
           pain: str | None = None) -> tuple[float, float, int]:
    """(precision, recall, support) of the pains read at ``limit`` (of one ``pain`` when given), as the app reads them:
    every pain at least that sure, so a sentence of two pains is right only when both are read."""
    tp = fp = fn = 0
    for gold, probabilities in rows:
        read = {p for p, probability in probabilities.items() if p != NONE and probability >= limit}
        wanted = gold - {NONE}
        if pain is not None:
            read, wanted = read & {pain}, wanted & {pain}
        tp += len(read & wanted)
        fp += len(read - wanted)
        fn += len(wanted - read)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp + fn


def main() -> None:
    rows = held_out()
    print(f"{len(rows)} held-out sentences, {len(examples())} writers")
    for limit in GRID:
        precision, recall, _ = scores(rows, limit)
        print(f"  threshold {limit:.2f}: precision {precision:.3f}  recall {recall:.3f}")
    fitted = threshold()
    print(f"per pain at the fitted threshold {fitted}:")
    for pain in sorted(set().union(*(gold for gold, _ in rows)) - {NONE}):
        precision, recall, support = scores(rows, fitted, pain)
        print(f"  {pain:24s} precision {precision:.3f}  recall {recall:.3f}  ({support})")
