"""Two app processes behind nginx, sharing PostgreSQL and a Chroma server (scripts/serve-cluster.sh, issue #24): an
owner's interview goes on on either process, a document one process adds is searched on the other within seconds, and
a process killed mid-interview loses no acknowledged turn."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field

import pytest

from advisor.config import PROJECT_ROOT
from benchmarks.common import free_port
from benchmarks.concurrency import PageCaller

pytestmark = pytest.mark.integration
SCRIPT = PROJECT_ROOT / "scripts" / "serve-cluster.sh"
TURNS = ["我们做机械零部件，员工80人，年营收3000万。", "财务用金蝶ERP，车间记录靠纸质单据。", "老板亲自牵头，但还没有成文规划。",
         "最大的问题是各部门数据对不上。"]


def _why_unavailable() -> str | None:
    from postgres_server import why_unavailable
    path = f"{os.environ.get('PATH', '')}:/usr/sbin"  # nginx, for a user whose PATH lacks it
    missing = [name for name in ("nginx", "curl") if shutil.which(name, path=path) is None]
    if not (PROJECT_ROOT / ".venv" / "bin" / "chroma").exists():
        missing.append(".venv/bin/chroma")
    return (f"cluster not possible here: no {', '.join(missing)}" if missing else None) or why_unavailable()


@dataclass
class Cluster:
    url: str  # nginx
    apps: dict[str, tuple[str, int]] = field(default_factory=dict)  # name → (url, pid)

    def port_of(self, name: str) -> int:
        return int(self.apps[name][0].rsplit(":", 1)[1].strip("/"))


@pytest.fixture(scope="module")
def cluster():
    reason = _why_unavailable()
    if reason:
        pytest.skip(reason)
    env = {**os.environ, "ADVISOR_LLM": "none"}
    for name in ("ADVISOR_DATA_DIR", "ADVISOR_DATABASE_URL", "ADVISOR_STORE", "GRADIO_TEMP_DIR"):
        env.pop(name, None)  # the script gives each process its own
    proc = subprocess.Popen([str(SCRIPT), str(free_port())], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    said: list[str] = []
    try:
        found = Cluster(url="")
        deadline = time.time() + 900  # two cold app starts and the index built into Chroma, on 2 shared cores
        while not found.url and time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                pytest.fail("serve-cluster.sh ended before it was ready:\n" + "".join(said[-30:]))
            said.append(line)
            if match := re.match(r"app (\w+): (\S+) \(pid (\d+)\)", line):
                found.apps[match[1]] = (match[2], int(match[3]))
            elif match := re.search(r"cluster ready: (\S+)", line):
                found.url = match[1]
        assert found.url, "serve-cluster.sh was not ready within 15 minutes:\n" + "".join(said[-30:])
        yield found
    finally:
        proc.send_signal(signal.SIGTERM)  # its trap stops nginx, the apps, Chroma and PostgreSQL
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _until_refused(port: int, timeout: float = 10) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return
        time.sleep(0.05)
    pytest.fail(f"port {port} still answers {timeout:.0f} s after SIGKILL")


def _users(history: list[dict]) -> list[str]:
    return [m["content"] if isinstance(m["content"], str) else "".join(p.get("text", "") for p in m["content"])
            for m in history if m["role"] == "user"]


def test_an_interview_begun_on_one_process_goes_on_on_the_other(cluster):
    on_a, on_b = PageCaller(cluster.apps["a"][0]), PageCaller(cluster.apps["b"][0])
    try:
        page_a = on_a.open_page()
        session_id, *_ = page_a("start", "")
        for text in TURNS[:2]:
            page_a("chat", text, session_id, [])
        page_b = on_b.open_page()  # the same owner, later, on the other process
        resumed, history, _panel, _info = page_b("resume", session_id)
        assert resumed == session_id and _users(history) == TURNS[:2]
        _box, history, _panel, same, *_ = page_b("chat", TURNS[2], session_id, [])
        assert same == session_id and _users(history) == TURNS[:3]
    finally:
        on_a.close()
        on_b.close()


def test_a_document_added_on_one_process_is_found_by_a_search_on_the_other(cluster, tmp_path):
    from gradio_client import Client, handle_file
    doc = tmp_path / "冷库巡检制度.md"
    doc.write_text("1 范围\n本制度规定冷库巡检。\n2 巡检要求\n冷库温度每两小时记录一次，偏离零下十八度立即报告值班长。\n",
                   "utf-8")
    on_a, on_b = Client(cluster.apps["a"][0], verbose=False), Client(cluster.apps["b"][0], verbose=False)
    message, *_ = on_a.predict(handle_file(str(doc)), "LK-01", api_name="/add_document")
    try:
        assert "LK-01" in str(message)
        question, found, deadline = "冷库温度多久记录一次？", "", time.time() + 30  # the marker is read every few s
        while time.time() < deadline and "LK-01" not in found:
            _chat, found, *_ = on_b.predict(question, "", [], api_name="/ask")
            found = str(found)
            time.sleep(1)
        assert "LK-01" in found, f"process b never found the document process a added: {found[:300]}"
    finally:
        on_a.predict("LK-01", api_name="/remove_document")


def test_a_killed_process_loses_no_acknowledged_turn_and_nginx_sends_the_owner_on(cluster):
    answered_by: list[str] = []
    pages = PageCaller(cluster.url)
    pages.http.event_hooks["response"].append(  # the app that answered (after any nginx tried first and skipped)
        lambda r: answered_by.append(r.headers.get("x-advisor-upstream", "").split(", ")[-1])
        if r.url.path.endswith("/join") else None)
    a, b = f"127.0.0.1:{cluster.port_of('a')}", f"127.0.0.1:{cluster.port_of('b')}"
    try:
        for _ in range(40):  # pages are routed by their session hash: take one that nginx sends to process a
            page = pages.open_page()
            session_id, *_ = page("start", "")
            if answered_by[-1] == a:
                break
        assert answered_by[-1] == a, f"nginx never routed a page to {a}: {set(answered_by)}"
        for text in TURNS[:2]:  # acknowledged by a
            _box, history, *_ = page("chat", text, session_id, [])
            assert answered_by[-1] == a
        os.kill(cluster.apps["a"][1], signal.SIGKILL)
        _until_refused(cluster.port_of("a"))  # dead, not dying: a request a dying process takes fails (it is not
        # sent on, since a's turn may have been stored), the owner's next one goes on on b
        _box, history, _panel, same, *_ = page("chat", TURNS[2], session_id, [])  # the next request
        assert answered_by[-1] == b and same == session_id
        assert _users(history) == TURNS[:3]  # nothing acknowledged by a is lost
        _box, history, *_ = page("chat", TURNS[3], session_id, [])
        assert answered_by[-1] == b and _users(history) == TURNS
    finally:
        pages.close()
