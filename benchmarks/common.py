"""Helpers shared by the benchmark scripts: timing, percentiles, a printed table, machine facts."""
from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary_ms(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1) if ms else 0.0,
            "p95_ms": round(percentile(ms, 95), 1), "max_ms": round(max(ms), 1) if ms else 0.0}


@contextmanager
def stopwatch():
    """``with stopwatch() as t: ...`` then ``t()`` gives the elapsed seconds."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def peak_rss_mb(children: bool = False) -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return round(usage.ru_maxrss / 1024, 1)  # Linux reports KiB


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine()}


def print_table(rows: list[tuple[str, str, str]], title: str = "") -> None:
    """Rows of (measure, figure, target/comment)."""
    if title:
        print(f"\n## {title}\n")
    widths = [max(len(str(r[i])) for r in rows + [("measure", "figure", "target")]) for i in range(3)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(("measure", "figure", "target"), widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")


def write_json(path: str | Path | None, data: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")


def bench_main(argv: list[str] | None, doc: str, title: str, run, rows, with_llm_flag: bool = True) -> int:
    """The command line every benchmark script shares: [--llm] [--json OUT], a printed table, optional JSON."""
    import argparse
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    if with_llm_flag:
        parser.add_argument("--llm", action="store_true", help="also measure the bundled local model")
    parser.add_argument("--json", help="write the figures as JSON here")
    args = parser.parse_args(argv)
    result = run(args.llm) if with_llm_flag else run()
    print_table(rows(result), title)
    write_json(args.json, result)
    return 0


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppProcess:
    """``python app.py`` in a subprocess on a free loopback port (deterministic mode unless ``env`` says otherwise),
    for benchmarks and tests alike. ``start`` returns once the page answers HTTP 200; ``ready_s`` is how long it took.

    >>> with AppProcess({"ADVISOR_LLM": "none"}) as app:  # doctest: +SKIP
    ...     print(app.url)
    """

    def __init__(self, env: dict | None = None, args: list[str] | None = None) -> None:
        self.args = args or []  # more app.py arguments ("--host", "0.0.0.0")
        self.port = free_port()
        self.env = {**os.environ, "ADVISOR_LLM": "none", **(env or {})}
        self.proc = None
        self.ready_s = 0.0
        self.log_path: Path | None = None  # what the app printed (its progress, warnings, tracebacks)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 300) -> "AppProcess":
        import subprocess
        import sys
        import tempfile
        import urllib.request
        started = time.perf_counter()
        log = tempfile.NamedTemporaryFile("wb", prefix=f"app-{self.port}-", suffix=".log", delete=False)
        self.log_path = Path(log.name)
        with log:
            self.proc = subprocess.Popen([sys.executable, "app.py", "--port", str(self.port), *self.args],
                                         cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app.py exited during start (code {self.proc.returncode})")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        self.ready_s = time.perf_counter() - started
                        return self
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"app.py did not answer within {timeout:.0f} s")

    def log_tail(self, chars: int = 12000, with_threads: bool = False) -> str:
        """The end of what the app printed; ``with_threads``: after asking it for every thread's stack first (the
        server prints them on SIGUSR1: ``advisor.web.guard.serve``), so a turn that hangs says where."""
        import signal
        if with_threads and self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR1)
            time.sleep(1.0)
        text = self.log_path.read_text("utf-8", errors="replace") if self.log_path and self.log_path.exists() else ""
        return text[-chars:]

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a model still loading or warming may hold the exit: end it
                self.proc.kill()
                self.proc.wait(timeout=30)
        if self.log_path:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> "AppProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
