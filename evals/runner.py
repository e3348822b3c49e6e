"""Runs cases through the same library calls the app and the CLI use, and summarises the metrics."""
from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from advisor.diagnosis.extraction import prepare_reader
from advisor.service import Advisor
from evals.kinds import KINDS

Progress = Callable[[int, int], None]


def _run_one(advisor: Advisor, case, with_llm: bool) -> dict:
    return KINDS[case.kind].run(advisor, case, with_llm)


def run_case(advisor: Advisor, case, with_llm: bool, timeout_s: float | None = None) -> dict:
    """One case; a crash or a timeout is recorded as that case's error and the run goes on."""
    started = time.perf_counter()
    # a daemon thread per case: a case that hangs past its timeout is abandoned, not waited for
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"case-{case.id}")
    future = worker.submit(_run_one, advisor, case, with_llm)
    try:
        out = future.result(timeout=timeout_s)
    except FutureTimeout:
        out = {"id": case.id, "kind": case.kind, "passed": False,
               "error": f"Timeout: the case did not finish within {timeout_s:g} s", "traceback": ""}
    except Exception as exc:  # noqa: BLE001 - a crashing case is recorded and the run goes on
        out = {"id": case.id, "kind": case.kind, "passed": False, "error": f"{type(exc).__name__}: {exc}",
               "traceback": "".join(traceback.format_exception(exc))}
    finally:
        worker.shutdown(wait=False)
    out.setdefault("latency_ms", round((time.perf_counter() - started) * 1000, 1))
    return out


def run_cases(advisor: Advisor, cases: list, with_llm: bool = False, jobs: int = 1,
              progress: Progress | None = None, timeout_s: float | None = None) -> dict:
    results: list[dict] = [None] * len(cases)  # type: ignore[list-item]
    done = 0
    prepare_reader()  # once, before any case is timed

    def one(i: int) -> None:
        nonlocal done
        results[i] = run_case(advisor, cases[i], with_llm, timeout_s)
        done += 1
        if progress:
            progress(done, len(cases))

    if jobs > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, range(len(cases))))
    else:
        for i in range(len(cases)):
            one(i)
    return {"summary": summarise(results, with_llm), "cases": results}


def summarise(results: list[dict], with_llm: bool = False) -> dict:
    """Each registered kind summarises its own results (kinds with no case in the run are left out)."""
    return {name: kind.summarise(mine, with_llm) for name, kind in KINDS.items()
            if (mine := [r for r in results if r["kind"] == name])}
