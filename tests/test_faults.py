"""Faults: the model down, hanging or talking nonsense; the process killed mid-interview; a full disk or read-only
data folder; two processes starting on one data folder. Nothing acknowledged may be lost, every failure is said."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BrokenModel, HangingModel, free_port
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from advisor.config import PROJECT_ROOT, Settings
from advisor.diagnosis.extraction import prepare_reader
from advisor.diagnosis.interview import Interview, InterviewState
from advisor.llm.client import ChatClient
from advisor.qa.answer import AnswerMode
from advisor.service import Advisor
from advisor.sessions import SessionStore, StorageError


def _chat(model, timeout: float = 1.0) -> ChatClient:
    return ChatClient(model, Settings(llm="none", llm_timeout_s=timeout, llm_reading="schema"), label="fake")


@pytest.mark.parametrize("model,note", [
    (BrokenModel(messages=iter([])), "大模型提取不可用"),
    (HangingModel(messages=iter([])), "大模型提取不可用"),
    (GenericFakeChatModel(messages=iter([AIMessage(content="好的，我提取到：员工很多（不是 JSON）")])), "大模型提取不可用"),
    (GenericFakeChatModel(messages=iter([AIMessage(content='{"facts": [{"key": "employees", "value": 999, '
                                                           '"evidence": "模型编造的原话"}]}')])), "对不上，已舍弃"),
], ids=["down", "hanging", "malformed-json", "unverifiable-evidence"])
def test_interview_keeps_rule_facts_when_the_model_fails(model, note):
    prepare_reader()  # the rules' word lists and classifier, loaded once a process: the wait measured is the model's
    iv = Interview(chat=_chat(model))
    iv.start()
    started = time.monotonic()
    turn = iv.reply("我们做机械零部件，员工80人，财务用金蝶ERP。")
    assert time.monotonic() - started < 1.0  # the model never makes the owner wait: it reads in the background
    assert turn.asked and turn.reply
    notes = iv.settle(timeout=10)
    facts = iv.state.profile.current()
    assert facts["employees"].value == 80 and facts["system.erp"].value is True
    assert all(f.evidence in "我们做机械零部件，员工80人，财务用金蝶ERP。" for f in facts.values())
    assert len(notes) == 1 and note in notes[0]


@pytest.mark.integration
def test_openai_server_down_falls_back_with_notice(real_retriever):
    """The real ChatOpenAI client against a loopback port where nothing listens."""
    settings = Settings(llm="openai", openai_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout_s=5,
                        data_dir=real_retriever.settings.data_dir)
    advisor = Advisor(settings, retriever=real_retriever)
    started = time.monotonic()
    answer = advisor.answer("数据销毁有哪些要求？")
    assert time.monotonic() - started < 30
    assert answer.mode == AnswerMode.extractive and answer.fallback_reason
    assert "大模型不可用" in answer.text and answer.citations[0].clause_id == "5.3.2.7"


_INTERVIEW_UNTIL_KILLED = """
import sys
from advisor.config import Settings
from advisor.service import Advisor
advisor = Advisor(Settings(data_dir=sys.argv[1], llm="none"))
session_id, _ = advisor.open_interview(None)
print("SID", session_id, flush=True)
for i in range(10_000):
    advisor.interview_reply(session_id, f"第{i}条：员工{i + 10}人，用纸质单据记录。")
    print("ACK", i, flush=True)
"""


def test_sigkill_mid_interview_loses_no_acknowledged_turn(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _INTERVIEW_UNTIL_KILLED, str(tmp_path)], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, text=True)
    session_id, acked = None, -1
    for line in proc.stdout:
        if line.startswith("SID"):
            session_id = line.split()[1]
        elif line.startswith("ACK"):
            acked = int(line.split()[1])
            if acked >= 12:
                break
    time.sleep(0.05)  # land the kill somewhere inside the next turn
    proc.kill()
    proc.wait(timeout=10)
    for line in proc.stdout:  # anything acknowledged before the kill landed
        if line.startswith("ACK"):
            acked = int(line.split()[1])
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    state = advisor.load_interview(session_id).state
    said = [t.user for t in state.turns if t.user]
    for i in range(acked + 1):
        assert f"第{i}条：员工{i + 10}人，用纸质单据记录。" in said
    assert (tmp_path / "sessions.sqlite3").exists()
    with sqlite3.connect(tmp_path / "sessions.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    advisor.interview_reply(session_id, "继续：我们还有MES。")  # and the interview goes on
    assert advisor.load_interview(session_id).state.turns[-1].user == "继续：我们还有MES。"


def test_full_disk_is_a_clear_error_and_earlier_sessions_survive(tmp_path):
    store = SessionStore(tmp_path / "sessions.db")
    kept = store.create()
    iv = Interview(state=store.load(kept))
    iv.start()
    iv.reply("员工50人")
    store.save(kept, iv.state)
    with store._db() as db:  # SQLite's own page limit raises SQLITE_FULL exactly as a full disk does
        pages = db.exec_driver_sql("PRAGMA page_count").scalar()
        db.exec_driver_sql(f"PRAGMA max_page_count = {pages + 1}")
    big = InterviewState()
    big.turns = iv.state.turns * 2000
    with pytest.raises(StorageError, match="磁盘是否已满"):
        store.save("x" * 32, big)
    # the failed connection was dropped (with its page limit): the store goes on with a fresh one
    assert store.load(kept).turns[-1].user == "员工50人"
    assert store.load("x" * 32) is None
    store.save("y" * 32, iv.state)
    assert store.load("y" * 32).turns[-1].user == "员工50人"


_OPEN_READ_ONLY = """
import sys
from advisor.config import Settings
from advisor.service import Advisor
from advisor.sessions import StorageError
advisor = Advisor(Settings(data_dir=sys.argv[1], llm="none"))
try:
    advisor.interview_reply(sys.argv[2], "新的一轮回答")
except StorageError as exc:
    print("CLEAR-ERROR", exc)
    sys.exit(3)
print("WROTE")
"""


def _read_only_command(data: Path, session_id: str) -> list[str]:
    """The probe sees ``data`` on a read-only filesystem: a private read-only bind mount when we are root (root ignores
    file permissions), plain permissions otherwise."""
    probe = [sys.executable, "-c", _OPEN_READ_ONLY, str(data), session_id]
    if os.geteuid() != 0:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        return probe
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return ["unshare", "--mount", "sh", "-c", script, "sh", str(data), *probe]


def test_read_only_data_folder_is_a_clear_error_and_sessions_survive(tmp_path):
    data = tmp_path / "data"
    advisor = Advisor(Settings(data_dir=data, llm="none"))
    session_id, _ = advisor.open_interview(None)
    advisor.interview_reply(session_id, "员工70人")
    try:
        result = subprocess.run(_read_only_command(data, session_id), cwd=PROJECT_ROOT, capture_output=True,
                                text=True, timeout=120)
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "CLEAR-ERROR" in result.stdout and "数据目录是否可写" in result.stdout
    assert "Traceback" not in result.stderr
    state = Advisor(Settings(data_dir=data, llm="none")).load_interview(session_id).state
    assert [t.user for t in state.turns if t.user] == ["员工70人"]


@pytest.mark.integration
def test_two_processes_starting_on_one_data_folder(tmp_path):
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path / "data"), "ADVISOR_LLM": "none"}
    cmd = [sys.executable, "-X", "faulthandler", "-m", "advisor", "search", "数据销毁有哪些要求", "--json"]
    procs = [subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    deadline = time.monotonic() + 300
    outputs = []
    for proc in procs:
        try:
            outputs.append(proc.communicate(timeout=max(1.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:  # a hang: every thread's stack (faulthandler on SIGABRT), then fail
            for other in procs:
                other.send_signal(signal.SIGABRT)
            stacks = [other.communicate()[1][-4000:] for other in procs]
            pytest.fail("a process hung:\n" + "\n----\n".join(stacks))
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert json.loads(out)["results"][0]["clause_id"] == "5.3.2.7"
    settings = Settings(data_dir=tmp_path / "data", llm="none")
    from advisor.qa.index import ClauseIndex
    from advisor.corpus.knowledge_base import KnowledgeBase
    assert ClauseIndex(settings, KnowledgeBase.load(settings)).ensure() == "fresh"


def test_the_typed_answer_stays_in_the_box_until_its_turn_is_stored(tmp_path, monkeypatch):
    """Why 10 of #16: the box was cleared before the turn was stored, so a server dying during a (slow, LLM) turn
    lost what the owner typed. Now the first update only greys the box; it is cleared with the stored reply."""
    import app
    from advisor.service import Advisor
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    monkeypatch.setattr(app, "advisor", advisor)
    session_id, _ = advisor.open_interview(None)
    turn = app.chat("我们做食品，员工五十人。", session_id)
    box = next(turn)[0]
    assert box["interactive"] is False and "value" not in box  # greyed, the words still in it
    assert len(advisor.load_interview(session_id).state.turns) == 1  # a crash here: nothing stored, nothing cleared
    box = list(turn)[-1][0]
    assert box["value"] == "" and len(advisor.load_interview(session_id).state.turns) == 2


def test_a_turn_that_fails_unexpectedly_gives_the_box_back_and_says_so(tmp_path, monkeypatch, caplog):
    """A bug in reading an answer left the page showing its placeholder forever: now the conversation is shown as it
    was, the typed words are back in an enabled box, the owner is told, and the traceback is logged."""
    import app
    from advisor.service import Advisor
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    monkeypatch.setattr(app, "advisor", advisor)
    session_id, iv = advisor.open_interview(None)
    shown = app.chat_history(iv)
    monkeypatch.setattr(advisor, "interview_reply", lambda *_: 1 / 0)
    with pytest.warns(UserWarning, match="没能处理"):
        views = list(app.chat("我们做家具，员工二十人。", session_id, shown))
    box, conversation = views[-1][0], views[-1][1]
    assert box["value"] == "我们做家具，员工二十人。" and box["interactive"] is True and conversation == shown
    assert "ZeroDivisionError" in caplog.text


def test_a_turn_loads_its_session_once_and_an_unknown_session_starts_anew(tmp_path, monkeypatch):
    """#24 item 4: the page loaded the session to show the pending message, then the service loaded it again. The
    pending message now joins the conversation the page shows; the service alone loads the session."""
    import app
    from advisor.service import Advisor
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    monkeypatch.setattr(app, "advisor", advisor)
    session_id, iv = advisor.open_interview(None)
    loads = []
    real_load = advisor.sessions.load
    monkeypatch.setattr(advisor.sessions, "load", lambda sid: loads.append(sid) or real_load(sid))
    shown = app.chat_history(iv)
    views = list(app.chat("我们做食品，员工五十人。", session_id, shown))
    assert views[0][1][:len(shown)] == shown and views[0][1][-2]["content"] == "我们做食品，员工五十人。"
    assert loads == [session_id] and len(advisor.load_interview(session_id).state.turns) == 2
    views = list(app.chat("我们做五金，三十个人。", "f" * 32, []))  # well formed, but no such session
    new_id = views[-1][3]
    assert new_id != "f" * 32 and advisor.load_interview(new_id).state.turns[-1].user == "我们做五金，三十个人。"
