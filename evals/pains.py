"""The pain classifier scored writer against writer: fitted on every writer's sentences but one and scored on the one
left out, for each writer in turn (never trained and scored on the same sentences). Prints the pooled precision and
recall of the pains (a "none" sentence read as a pain is a false positive) at a range of thresholds, and per pain at the
fitted one (``knowledge/lexicon/pain_examples/threshold.yaml``, fitted on interview cases by ``calibrate-pains``).

``python -m evals pains``
"""
from __future__ import annotations

from advisor.diagnosis.pain_classifier import NONE, PainModel, _get_embedder, examples, threshold

GRID = (0.0, 0.2, 0.3, 0.4, 0.5)


def held_out() -> list[tuple[set[str], str, float]]:
    """(the pains a held-out sentence complains of, or none; the likeliest read; its probability)."""
    by_writer = examples()
    embedder = _get_embedder()
    rows = []
    for writer, items in by_writer.items():
        model = PainModel([i for w, rest in by_writer.items() if w != writer for i in rest], embedder)
        for item, ranked in zip(items, model.predict([i.text for i in items])):
            rows.append((set(item.labels), ranked[0].pain, ranked[0].probability))
    return rows


def scores(rows: list[tuple[set[str], str, float]], limit: float, pain: str | None = None) -> tuple[float, float, int]:
    """(precision, recall, support) of the likeliest pain read at ``limit`` (of one ``pain`` when given); a sentence of
    two pains is read right by either."""
    tp = fp = fn = 0
    for gold, predicted, p in rows:
        read = predicted if predicted != NONE and p >= limit else NONE
        wanted = gold - {NONE} if pain is None else gold & {pain}
        if pain is not None and read != pain and not wanted:
            continue
        tp += read != NONE and read in wanted
        fp += read != NONE and read not in gold
        fn += bool(wanted) and read not in wanted
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp + fn


def main() -> None:
    rows = held_out()
    print(f"{len(rows)} held-out sentences, {len(examples())} writers")
    for limit in GRID:
        precision, recall, _ = scores(rows, limit)
        print(f"  threshold {limit:.2f}: precision {precision:.3f}  recall {recall:.3f}")
    fitted = threshold()
    print(f"per pain at the fitted threshold {fitted}:")
    for pain in sorted(set().union(*(gold for gold, _, _ in rows)) - {NONE}):
        precision, recall, support = scores(rows, fitted, pain)
        print(f"  {pain:24s} precision {precision:.3f}  recall {recall:.3f}  ({support})")
