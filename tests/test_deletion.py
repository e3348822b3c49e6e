"""#25 item 8: deleting a session removes the copies the page served of its files (Gradio serves every file from a
copy in its cache); a removed or refused upload leaves no copy either."""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from advisor.config import Settings
from advisor.service import Advisor, forget_cached_copies


def test_deleting_a_session_removes_the_served_copies_of_its_files(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(cache))
    adv = Advisor(Settings(data_dir=tmp_path / "data", llm="none"))
    session_id, _ = adv.open_interview(None)
    (adv.session_files(session_id) / "报告.md").write_text("我们的营收三千万", "utf-8")
    copy = cache / "a1b2" / "报告.md"
    copy.parent.mkdir(parents=True)
    copy.write_text("我们的营收三千万", "utf-8")
    other = cache / "c3d4" / "别人的报告.md"  # another session's file: same size, other content
    other.parent.mkdir(parents=True)
    other.write_text("别家的营收三千万", "utf-8")
    assert adv.delete_session(session_id)
    assert not copy.exists() and not copy.parent.exists() and other.exists()


def test_a_refused_upload_leaves_no_copy_and_only_the_cache_is_touched(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(cache))
    adv = Advisor(Settings(data_dir=tmp_path / "data", llm="none"))
    upload = cache / "e5f6" / "坏文件.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"not a pdf")
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(b"not a pdf")
    adv.forget_upload(outside)
    adv.forget_upload(upload)
    assert not upload.exists() and outside.exists()
    assert forget_cached_copies(cache, []) == 0


@pytest.mark.integration
def test_after_delete_my_data_its_report_no_longer_downloads(app_server):
    from gradio_client import Client
    client = Client(app_server.url, verbose=False)
    session_id, *_ = client.predict("", api_name="/start")
    client.predict("我们是做服装的，员工60人，订单靠微信接。", session_id, [], api_name="/chat")
    client.predict(session_id, api_name="/export")
    client.predict(session_id, api_name="/report")
    own = {p.read_bytes() for p in (app_server.data_dir / "files" / session_id).rglob("*") if p.is_file()}
    cache = app_server.data_dir / "gradio-cache"
    served = [p for p in cache.rglob("*") if p.is_file() and p.read_bytes() in own]
    assert len(served) >= 5  # the report (3 files), its charts and the export, each served from a copy
    urls = [app_server.url + "gradio_api/file=" + urllib.parse.quote(str(p)) for p in served]
    assert all(_status(u) == 200 for u in urls)
    client.predict(session_id, api_name="/delete")
    assert all(_status(u) in (403, 404) for u in urls)
    assert not [p for p in cache.rglob("*") if p.is_file() and p.read_bytes() in own]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_one_visitor_cannot_open_sessions_without_end(tmp_path):
    """#25 item 6: 750 sessions in 60 s from one client, each kept 180 days."""
    from advisor.service import TooManySessions
    adv = Advisor(Settings(data_dir=tmp_path / "data", llm="none", max_new_sessions_per_hour=3))
    opened = [adv.open_interview(None, client="198.51.100.7")[0] for _ in range(3)]
    with pytest.raises(TooManySessions, match="稍后再试"):
        adv.open_interview(None, client="198.51.100.7")
    assert adv.open_interview(opened[0], client="198.51.100.7")[0] == opened[0]  # resuming one's own goes on
    assert adv.open_interview(None, client="203.0.113.5")[0] not in opened  # another visitor is not held up
    assert adv.open_interview(None)[0]  # the single user on loopback (no client) has no quota


def test_long_answers_are_read_in_a_process_of_their_own_and_here_if_it_fails(tmp_path, monkeypatch):
    """#25 item 5: two owners sending 4,000-character answers pushed the other owners' short turns to seconds (the
    rules held the interpreter lock). A long answer is now read by the reader process; a short one here; and when
    that process fails (here: no time given to it), the long answer is read here and nothing is lost."""
    from advisor.diagnosis import interview as interview_module
    from advisor.diagnosis import reader_process
    from advisor.diagnosis.extraction import extract_rules
    read_here = []

    def spy(message, *args, **kwargs):
        read_here.append(len(message))
        return extract_rules(message, *args, **kwargs)
    monkeypatch.setattr(interview_module, "extract_rules", spy)
    monkeypatch.setattr(reader_process, "extract_rules", spy)  # its fallback; the reader process is not patched
    long_answer = "我们做机械零部件，员工八十人，财务用金蝶。" * 12
    adv = Advisor(Settings(data_dir=tmp_path / "data", llm="none", long_message_chars=100))
    session_id = adv.open_interview(None)[0]
    interview, _ = adv.interview_reply(session_id, long_answer)
    assert read_here == [] and interview.state.profile.current()["employees"].value == 80  # read apart
    adv.interview_reply(session_id, "去年营收三千万")
    assert read_here == [len("去年营收三千万")]  # a short answer is read here
    failing = Advisor(Settings(data_dir=tmp_path / "other", llm="none", long_message_chars=100,
                               long_reading_timeout_s=0.0))
    other = failing.open_interview(None)[0]
    interview, _ = failing.interview_reply(other, long_answer)
    assert read_here[-1] == len(long_answer) and interview.state.profile.current()["employees"].value == 80


def test_the_reader_process_ends_when_the_serving_process_is_killed(tmp_path):
    """A pool's worker outlives a killed parent: every app a test or an operator killed left a 280 MB reader behind."""
    import os
    import signal
    import subprocess
    import sys
    import time
    script = ("from advisor.diagnosis.reader_process import reader_pid; import time; print(reader_pid(), flush=True); "
              "time.sleep(600)")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              env=os.environ | {"ADVISOR_DATA_DIR": str(tmp_path / "data")})
    reader = int(parent.stdout.readline())
    os.kill(reader, 0)  # alive
    parent.kill()
    parent.wait(30)
    for _ in range(100):
        try:
            os.kill(reader, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(reader, signal.SIGKILL)
    raise AssertionError("the reader process lived on after the serving process was killed")


def test_a_damaged_or_locked_session_store_is_named_as_such(tmp_path):
    """#25 item 9: a damaged database reported "disk full?"; a locked one held every request 30 s."""
    import sqlite3

    from advisor.sessions import BUSY_TIMEOUT_S, SessionStore, StorageError, _storage_message
    damaged = tmp_path / "sessions.sqlite3"
    damaged.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StorageError) as raised:
        SessionStore(damaged).create()
    assert "已损坏" in str(raised.value) and "磁盘是否已满" not in str(raised.value)
    locked = _storage_message(damaged, sqlite3.OperationalError("database is locked"))
    assert "占用" in locked and "磁盘" not in locked
    assert BUSY_TIMEOUT_S <= 5


@pytest.mark.integration
def test_making_a_report_shows_one_progress_bar_and_the_page_says_it_is_chinese(app_server):
    """#25 item 9: four progress bars at once while a report was made; <html lang="en"> on a Chinese page."""
    import json
    with urllib.request.urlopen(app_server.url + "config", timeout=30) as response:
        config = json.loads(response.read())
    report = next(d for d in config["dependencies"] if d.get("api_name") == "report")
    assert report["show_progress_on"] and len(report["show_progress_on"]) == 1
    with urllib.request.urlopen(app_server.url, timeout=30) as response:
        assert re.search(r'<html\s+lang="zh-CN"', response.read().decode("utf-8"))


@pytest.mark.integration
def test_the_status_tab_follows_a_knowledge_base_change(app_server):
    """#25 item 9: the status tab did not refresh after a knowledge-base change."""
    import json
    with urllib.request.urlopen(app_server.url + "config", timeout=30) as response:
        config = json.loads(response.read())
    ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    docs = next(i for i, elem in ids.items() if elem == "kb-docs")
    status = next(i for i, elem in ids.items() if elem == "status")
    assert any([docs, "change"] in [list(t) for t in d["targets"]] and status in d["outputs"]
               for d in config["dependencies"])
