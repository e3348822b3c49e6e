"""Concurrent interview sessions through the app's API (gradio_client), each checking it only ever sees its own data.

    python -m benchmarks.concurrency [--sessions 1 5 20] [--url http://127.0.0.1:7860/]  (starts its own app if no URL)
"""
from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

from .common import print_table, summary_ms, write_json

TURNS = ["我们是第{n}号测试企业，做机械零部件，员工{e}人，年营收{r}万。", "财务用金蝶ERP，车间记录靠纸质单据，第{n}号企业没有MES。",
         "老板亲自牵头，但第{n}号企业还没有成文规划。", "最大的问题是第{n}号企业各部门数据对不上。"]


def _text(message) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def one_session(url: str, n: int, think_s: float = 0.0) -> dict:
    """A scripted interview; returns per-turn latencies and whether any other session's words leaked in.
    ``think_s`` > 0: the owner reads and types for a random 0.5–1.5 × think_s between turns (seeded per session)."""
    import random
    from gradio_client import Client
    pause = random.Random(n)
    client = Client(url, verbose=False)
    session_id, *_ = client.predict("", api_name="/start")
    latencies, leaks, errors = [], 0, 0
    for template in TURNS:
        if think_s:
            time.sleep(think_s * pause.uniform(0.5, 1.5))
        started = time.perf_counter()
        try:
            _, history, panel, sid = client.predict(template.format(n=n, e=50 + n, r=1000 + n), session_id,
                                                    api_name="/chat")
        except Exception:  # noqa: BLE001 - counted, reported
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
        said = " ".join(_text(m) for m in history if m["role"] == "user")
        others = [k for k in range(100) if k != n and f"第{k}号" in said]
        leaks += bool(others) or sid != session_id or f"第{n}号" not in said
    return {"session": session_id, "latencies": latencies, "leaks": leaks, "errors": errors}


def run(url: str, sessions: int, think_s: float = 0.0) -> dict:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        results = list(pool.map(lambda n: one_session(url, n, think_s), range(1, sessions + 1)))
    wall = time.perf_counter() - started
    latencies = [t for r in results for t in r["latencies"]]
    return {"sessions": sessions, "think_s": think_s, "turns": len(latencies), "wall_s": round(wall, 2),
            "throughput_turns_per_s": round(len(latencies) / wall, 2), "turn_latency": summary_ms(latencies),
            "errors": sum(r["errors"] for r in results), "leaks": sum(r["leaks"] for r in results),
            "distinct_sessions": len({r["session"] for r in results})}


class LocalApp:
    """``python app.py`` on a free port for the duration of a benchmark."""

    def __init__(self, env: dict | None = None) -> None:
        import os
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.env = {**os.environ, "ADVISOR_LLM": "none", **(env or {})}
        self.proc = None
        self.ready_s = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> "LocalApp":
        import subprocess
        import sys
        import urllib.request

        from .common import PROJECT_ROOT
        started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "app.py", "--port", str(self.port)], cwd=PROJECT_ROOT,
                                     env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while time.perf_counter() - started < 300:
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        self.ready_s = time.perf_counter() - started
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def rows(results: list[dict]) -> list[tuple[str, str, str]]:
    out = []
    for r in results:
        lat = r["turn_latency"]
        pace = f", owners think ~{r['think_s']:g} s" if r.get("think_s") else ", back to back"
        out.append((f"{r['sessions']} concurrent sessions ({r['turns']} turns{pace})",
                    f"{r['throughput_turns_per_s']} turns/s; p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms; "
                    f"errors {r['errors']}, leaks {r['leaks']}", "p95 ≤ 1000 ms, 0 errors, 0 leaks"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--url")
    parser.add_argument("--think", type=float, default=0.0, help="seconds an owner takes between turns (0: none)")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    if args.url:
        results = [run(args.url, n, args.think) for n in args.sessions]
    else:
        with LocalApp() as app:
            results = [run(app.url, n, args.think) for n in args.sessions]
    print_table(rows(results), "Concurrent sessions (deterministic mode, through gradio_client)")
    write_json(args.json, {"concurrency": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
