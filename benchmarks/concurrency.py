"""Concurrent interview sessions through the app's HTTP API, each checking it only ever sees its own data.

    python -m benchmarks.concurrency [--sessions 1 5 20] [--think S] [--client page|gradio_client] [--url URL]
                                     [--no-document] [--long-answers N]
    (starts its own app if no URL is given)

Unless ``--no-document``, a consultant adds a 150-clause document through the app while the sessions run (it is
parsed in a child process and indexed beside the searches; removed again at the end), and the table says how long
that took and whether the sessions noticed.

``--long-answers N``: N more owners send 4,000-character answers back to back for the whole run (#25: one owner
must not slow everyone); the figures are the other owners' turns.

Two clients: ``page`` (default) speaks the protocol the app's own web page speaks — one session hash per open page,
``POST /gradio_api/queue/join`` then the ``/gradio_api/queue/data`` event stream — through one shared connection
pool, costing the client ~4 ms of CPU a call, as browsers on other machines cost the server nothing of its CPU.
``gradio_client`` is the official Python client; it spends ~125 ms of CPU per call (measured: 10 s of client CPU
for 80 turns against 1.7 s in the server) and polls its queue every 50 ms, so 20 of them on the same 2 cores
measure the harness more than the app. The table reports the server's own CPU per call either way.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.common import AppProcess, print_table, summary_ms, write_json

TURNS = ["我们是第{n}号测试企业，做机械零部件，员工{e}人，年营收{r}万。", "财务用金蝶ERP，车间记录靠纸质单据，第{n}号企业没有MES。",
         "老板亲自牵头，但第{n}号企业还没有成文规划。", "最大的问题是第{n}号企业各部门数据对不上。"]
CLIENTS = ("page", "gradio_client")


def _text(message) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


class PageCaller:
    """Calls the app's endpoints the way its own web page does: one session hash per open page, each event sent to
    ``/gradio_api/queue/join`` and its result read from the ``/gradio_api/queue/data`` event stream. One connection
    pool is shared by every simulated page, as the server sees many browsers.

    >>> pages = PageCaller("http://127.0.0.1:7860/")  # doctest: +SKIP
    >>> page = pages.open_page()  # doctest: +SKIP
    >>> session_id, history, panel, info = page("start", "")  # doctest: +SKIP
    """

    def __init__(self, url: str, pool_size: int = 64) -> None:
        import httpx
        limits = httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size)
        self.http = httpx.Client(base_url=url, timeout=120, limits=limits)
        config = self.http.get("config").raise_for_status().json()
        self.fn_index = {d["api_name"]: d["id"] for d in config["dependencies"] if d.get("api_name")}

    def open_page(self):
        import secrets
        session_hash = secrets.token_hex(6)
        return lambda api, *data: self.call(session_hash, api, *data)

    def call(self, session_hash: str, api: str, *data) -> list:
        joined = self.http.post("gradio_api/queue/join", json={
            "data": list(data), "fn_index": self.fn_index[api], "session_hash": session_hash,
            "event_data": None, "trigger_id": None}).raise_for_status()
        event_id = joined.json()["event_id"]
        with self.http.stream("GET", "gradio_api/queue/data", params={"session_hash": session_hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") == event_id and message.get("msg") == "process_completed":
                    if not message.get("success"):
                        raise RuntimeError(f"{api}: {message.get('output')}")
                    return message["output"]["data"]
        raise RuntimeError(f"{api}: the event stream ended without a result")

    def close(self) -> None:
        self.http.close()


class GradioClientCaller:
    """The same calls through the official ``gradio_client`` (one client per session, as its docs show)."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client
        self.client = Client(url, verbose=False)

    def __call__(self, api: str, *data) -> list:
        return list(self.client.predict(*data, api_name=f"/{api}"))

    def close(self) -> None:
        self.client.close()


def one_session(call, n: int, think_s: float = 0.0) -> dict:
    """A scripted interview; returns per-turn latencies and whether any other session's words leaked in.
    ``think_s`` > 0: the owner reads and types for a random 0.5–1.5 × think_s between turns (seeded per session)."""
    import random
    pause = random.Random(n)
    session_id, *_ = call("start", "")
    latencies, leaks, errors = [], 0, 0
    for template in TURNS:
        if think_s:
            time.sleep(think_s * pause.uniform(0.5, 1.5))
        started = time.perf_counter()
        try:
            _, history, _panel, sid, *_ = call("chat", template.format(n=n, e=50 + n, r=1000 + n), session_id, [])
        except Exception:  # noqa: BLE001 - counted, reported
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
        said = " ".join(_text(m) for m in history if m["role"] == "user")
        others = [k for k in range(100) if k != n and f"第{k}号" in said]
        leaks += bool(others) or sid != session_id or f"第{n}号" not in said
    return {"session": session_id, "latencies": latencies, "leaks": leaks, "errors": errors}


def _cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU of a local process (None when the app runs elsewhere)."""
    if pid is None:
        return None
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def warm_up(url: str) -> None:
    """One throwaway interview, so the first measured turn does not pay for the server's lazy set-up."""
    pages = PageCaller(url)
    try:
        one_session(pages.open_page(), 0)
    finally:
        pages.close()


def _document(folder) -> "Path":
    from pathlib import Path
    path = Path(folder) / "并发测试制度.md"
    path.write_text("# 并发测试制度\n\n" + "".join(f"## {i} 设备点检第{i}条\n\n操作工每班开机前点检第{i}号设备的油温、"
                                                 f"压力和润滑，记录在点检表第{i}栏。\n\n" for i in range(1, 151)), "utf-8")
    return path


class DocumentAdder:
    """Adds a document through the app one second into the run (the consultant's upload), and removes it after."""

    DOC_ID = "BENCH-并发-01"

    def __init__(self, url: str) -> None:
        import tempfile
        import threading
        from gradio_client import Client
        self.client, self.folder = Client(url, verbose=False), tempfile.mkdtemp()
        self.seconds: float | None = None
        self.error = ""
        self.thread = threading.Thread(target=self._add, daemon=True)

    def _add(self) -> None:
        from gradio_client import handle_file
        time.sleep(1.0)
        started = time.perf_counter()
        try:
            self.client.predict(handle_file(str(_document(self.folder))), self.DOC_ID, api_name="/add_document")
            self.seconds = round(time.perf_counter() - started, 1)
        except Exception as exc:  # noqa: BLE001 - reported in the table
            self.error = str(exc)[:200]

    def finish(self) -> dict:
        self.thread.join(600)
        if self.seconds is not None:
            self.client.predict(self.DOC_ID, api_name="/remove_document")
        self.client.close()
        return {"document_added_s": self.seconds, "document_error": self.error}


class LongAnswers:
    """``count`` owners sending 4,000-character answers back to back until stopped (their turns are not measured)."""

    TEXT = ("我们车间的情况比较复杂，" + "设备有老有新，数据靠人工抄录，库存经常对不上，订单交期也经常延误。" * 120)[:4000]

    def __init__(self, pages: "PageCaller", count: int) -> None:
        import threading
        self.stop = threading.Event()
        self.turns = 0
        self.threads = [threading.Thread(target=self._talk, args=(pages.open_page(),), daemon=True)
                        for _ in range(count)]

    def _talk(self, call) -> None:
        session_id, *_ = call("start", "")
        while not self.stop.is_set():
            try:
                call("chat", self.TEXT, session_id, [])
                self.turns += 1
            except Exception:  # noqa: BLE001 - the measured owners' figures are what counts
                continue

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> dict:
        self.stop.set()
        for thread in self.threads:
            thread.join(120)
        return {"long_answer_clients": len(self.threads), "long_answer_turns": self.turns}


def run(url: str, sessions: int, think_s: float = 0.0, client: str = "page", server_pid: int | None = None,
        add_document: bool = False, long_answers: int = 0) -> dict:
    if client not in CLIENTS:
        raise ValueError(f"client must be one of {CLIENTS}")
    pages = PageCaller(url) if client == "page" else None
    # pages and clients are opened before the clock starts: the figure is the turn, not the client's set-up
    callers = [pages.open_page() if pages else GradioClientCaller(url) for _ in range(sessions)]
    adder = DocumentAdder(url) if add_document else None
    hogs = LongAnswers(PageCaller(url), long_answers) if long_answers else None
    if hogs:
        hogs.start()
        time.sleep(1.0)  # the long answers are being read when the measured owners begin
    server_cpu, client_cpu, started = _cpu_seconds(server_pid), time.process_time(), time.perf_counter()
    if adder:
        adder.thread.start()
    try:
        with ThreadPoolExecutor(max_workers=sessions) as pool:
            results = list(pool.map(lambda n: one_session(callers[n - 1], n, think_s), range(1, sessions + 1)))
    finally:
        for closable in [pages] if pages else callers:
            closable.close()
    wall = time.perf_counter() - started
    document = adder.finish() if adder else {}
    document.update(hogs.finish() if hogs else {})
    client_cpu = time.process_time() - client_cpu
    server_cpu = None if server_cpu is None else _cpu_seconds(server_pid) - server_cpu
    latencies = [t for r in results for t in r["latencies"]]
    calls = len(latencies) + sessions  # chat turns + one start per session
    return {"sessions": sessions, "think_s": think_s, "client": client, "turns": len(latencies),
            "wall_s": round(wall, 2), "throughput_turns_per_s": round(len(latencies) / wall, 2),
            "turn_latency": summary_ms(latencies),
            "server_cpu_ms_per_call": None if server_cpu is None else round(server_cpu / calls * 1000, 1),
            "client_cpu_ms_per_call": round(client_cpu / calls * 1000, 1),
            "errors": sum(r["errors"] for r in results), "leaks": sum(r["leaks"] for r in results),
            "distinct_sessions": len({r["session"] for r in results}), **document}


def rows(results: list[dict]) -> list[tuple[str, str, str]]:
    out = []
    for r in results:
        lat = r["turn_latency"]
        pace = f"owners think ~{r['think_s']:g} s" if r.get("think_s") else "back to back"
        cpu = (f"; CPU per call: server {r['server_cpu_ms_per_call']} ms, client {r['client_cpu_ms_per_call']} ms"
               if r.get("server_cpu_ms_per_call") is not None else "")
        if r.get("long_answer_clients"):
            pace += f", {r['long_answer_clients']} more owners sending 4,000-character answers ({r['long_answer_turns']})"
        if "document_added_s" in r:
            pace += (f", a 150-clause document added mid-run in {r['document_added_s']} s" if r["document_added_s"]
                     else f", adding a document FAILED: {r['document_error']}")
        out.append((f"{r['sessions']} concurrent sessions ({r['turns']} turns, {pace}, {r.get('client', 'page')})",
                    f"{r['throughput_turns_per_s']} turns/s; p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms; "
                    f"errors {r['errors']}, leaks {r['leaks']}{cpu}", "p95 ≤ 1000 ms, 0 errors, 0 leaks"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--url")
    parser.add_argument("--think", type=float, default=0.0, help="seconds an owner takes between turns (0: none)")
    parser.add_argument("--client", choices=CLIENTS, default="page")
    parser.add_argument("--no-document", action="store_true", help="do not add a document during the run")
    parser.add_argument("--long-answers", type=int, default=0, help="owners sending 4,000-character answers meanwhile")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    add = not args.no_document
    if args.url:
        results = [run(args.url, n, args.think, args.client, add_document=add, long_answers=args.long_answers)
                   for n in args.sessions]
    else:
        with AppProcess() as app:
            warm_up(app.url)
            results = [run(app.url, n, args.think, args.client, app.proc.pid, add, args.long_answers)
                       for n in args.sessions]
    print_table(rows(results), "Concurrent sessions (deterministic mode)")
    write_json(args.json, {"concurrency": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
