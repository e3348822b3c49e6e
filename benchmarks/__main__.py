"""``python -m benchmarks [--llm] [--json OUT]``: every benchmark in one run, one table, one JSON file.

Without ``--llm`` the local-model figures are skipped (they take several minutes on 2 cores)."""
from __future__ import annotations

import argparse
import time

from benchmarks import app, concurrency, latency, retrieval
from benchmarks.common import PROJECT_ROOT, AppProcess, machine, print_table, write_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", action="store_true", help="include the bundled local LLM")
    parser.add_argument("--json", default=str(PROJECT_ROOT / "benchmarks" / "results" / "latest.json"))
    args = parser.parse_args(argv)
    started = time.time()
    results = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"), "with_llm": args.llm}
    results["retrieval"] = retrieval.run()
    results["latency"] = latency.run(args.llm)
    results["app"] = app.run(args.llm)
    with AppProcess() as server:
        concurrency.warm_up(server.url)
        pid = server.proc.pid
        results["concurrency"] = [concurrency.run(server.url, n, server_pid=pid) for n in (1, 5, 20)]
        results["concurrency"].append(concurrency.run(server.url, 20, think_s=3.0, server_pid=pid))
        results["concurrency"].append(concurrency.run(server.url, 20, client="gradio_client", server_pid=pid))
    rows = [*retrieval.rows(results["retrieval"]), *latency.rows(results["latency"]), *app.rows(results["app"]),
            *concurrency.rows(results["concurrency"])]
    m = results["machine"]
    print_table(rows, f"数转顾问 benchmarks — {m['cpus']} CPUs, Python {m['python']}, {m['platform']}, "
                      f"{results['date']} ({time.time() - started:.0f} s)")
    (PROJECT_ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    write_json(args.json, results)
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
