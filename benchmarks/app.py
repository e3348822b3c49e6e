"""The app as a user meets it: ``python app.py`` to HTTP-ready and to a usable page in headless Chromium, and the
peak memory (RSS) of the app process with the local LLM loaded.

    python -m benchmarks.app [--llm] [--json OUT]
"""
from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import AppProcess, bench_main


def page_ready_s(app: AppProcess, started: float) -> float:
    """Seconds from process start until the greeting is visible in the page (Debian chromium, headless)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--no-first-run"])
        page = browser.new_page()
        page.goto(app.url)
        page.locator("#chat").get_by_text("您好").first.wait_for(timeout=120_000)
        ready = time.perf_counter() - started
        browser.close()
    return ready


def rss_mb(pid: int) -> dict:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {"rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
            "peak_rss_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1)}


def run(with_llm: bool) -> dict:
    out: dict = {}
    started = time.perf_counter()
    with AppProcess() as app:  # the index is built by a previous run or by this one (see index_build_s elsewhere)
        out["http_ready_s"] = round(app.ready_s, 1)
        out["page_ready_s"] = round(page_ready_s(app, started), 1)
        out["memory_deterministic"] = rss_mb(app.proc.pid)
    # a second cold start, now certainly with the index built
    started = time.perf_counter()
    with AppProcess() as app:
        out["http_ready_warm_index_s"] = round(app.ready_s, 1)
        out["page_ready_warm_index_s"] = round(page_ready_s(app, started), 1)
    if with_llm:
        from gradio_client import Client
        with AppProcess({"ADVISOR_LLM": "local"}) as app:  # a question the moment the page is there
            started = time.perf_counter()
            Client(app.url, verbose=False).predict("数据销毁有哪些要求？", "", [], api_name="/ask")
            out["first_llm_answer_in_app_s"] = round(time.perf_counter() - started, 1)
            out["memory_local_llm"] = rss_mb(app.proc.pid)
        with AppProcess({"ADVISOR_LLM": "local"}) as app:  # the owner reads the page first; the model warms meanwhile
            client, started = Client(app.url, verbose=False), time.perf_counter()
            client.predict("", api_name="/start")  # the page opens: the model starts warming behind it
            while "已加载并预热" not in client.predict(api_name="/status") and time.perf_counter() - started < 600:
                time.sleep(1)
            out["llm_warm_up_after_ready_s"] = round(time.perf_counter() - started, 1)
            started = time.perf_counter()
            client.predict("数据销毁有哪些要求？", "", [], api_name="/ask")
            out["first_llm_answer_after_warm_up_s"] = round(time.perf_counter() - started, 1)
    return out


def rows(r: dict) -> list[tuple[str, str, str]]:
    out = [("`python app.py` → HTTP ready (first run)", f"{r['http_ready_s']} s", ""),
           ("`python app.py` → page usable in Chromium (first run)", f"{r['page_ready_s']} s", "≤ 15 s"),
           ("`python app.py` → page usable, index already built", f"{r['page_ready_warm_index_s']} s", "≤ 15 s"),
           ("app RSS, deterministic mode", f"{r['memory_deterministic']['peak_rss_mb']} MB peak", "")]
    if "memory_local_llm" in r:
        out += [("first clause answer in the app with the local LLM (incl. model load)",
                 f"{r['first_llm_answer_in_app_s']} s", ""),
                ("app RSS with the local LLM loaded", f"{r['memory_local_llm']['peak_rss_mb']} MB peak", ""),
                ("local LLM loaded and prompt cache warmed, behind the page after the first visit",
                 f"{r['llm_warm_up_after_ready_s']} s", ""),
                ("first clause answer in the app once warmed (complete answer)",
                 f"{r['first_llm_answer_after_warm_up_s']} s", "")]
    return out


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, __doc__, "App start, page ready, memory", run, rows)


if __name__ == "__main__":
    raise SystemExit(main())
