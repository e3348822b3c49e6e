"""Session data: export, delete, retention, ids nobody can guess."""
import sqlite3
import subprocess
import sys
import time

from advisor.config import PROJECT_ROOT, Settings
from advisor.service import Advisor, SessionNotFound
from advisor.sessions import SessionStore


def test_ids_are_unguessable_and_malformed_ids_are_refused(tmp_path):
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    ids = {advisor.open_interview(None)[0] for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 32 for i in ids)
    for bad in ("", "../sessions.sqlite3", "x' OR '1'='1", next(iter(ids)) + "A"):
        try:
            advisor.load_interview(bad)
            raise AssertionError(f"{bad!r} was accepted")
        except SessionNotFound:
            pass


def test_retention_deletes_only_stale_sessions(tmp_path):
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    stale, _ = advisor.open_interview(None)
    fresh, _ = advisor.open_interview(None)
    with sqlite3.connect(tmp_path / "sessions.sqlite3") as db:
        db.execute("UPDATE sessions SET updated = ? WHERE id = ?", (time.time() - 200 * 86400, stale))
    again = Advisor(Settings(data_dir=tmp_path, llm="none", session_retention_days=180))
    assert again.open_interview(stale)[0] != stale  # purged on start: a new session instead
    assert again.load_interview(fresh)


def test_session_cli_exports_and_deletes(tmp_path):
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    sid, _ = advisor.open_interview(None)
    advisor.interview_reply(sid, "员工9人，做包装印刷。")
    env = {"ADVISOR_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "advisor", "session", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True)

    assert "包装印刷" in cli("export", sid).stdout
    assert cli("delete", sid).returncode == 0
    gone = cli("export", sid)
    assert gone.returncode == 2 and "没有找到会话" in gone.stderr


def test_ids_never_start_with_a_dash(tmp_path, monkeypatch):
    """A leading "-" would make `python -m advisor session export <id>` read the id as an option."""
    import secrets
    drawn = iter(["-" + "a" * 31, "-" + "b" * 31, "c" * 32])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(drawn))
    assert Advisor(Settings(data_dir=tmp_path, llm="none")).open_interview(None)[0] == "c" * 32


def test_one_store_shared_by_many_threads_keeps_every_turn(tmp_path):
    """The app's worker threads share one store (one connection under a lock): 16 sessions answering at once each
    find exactly their own turns, and a second process reading the file sees them all committed."""
    from concurrent.futures import ThreadPoolExecutor
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))

    def interview(n: int) -> tuple[str, list[str]]:
        session_id, _ = advisor.open_interview(None)
        said = [f"第{n}号企业第{k}轮：员工{50 + n}人" for k in range(5)]
        for message in said:
            advisor.interview_reply(session_id, message)
        return session_id, said

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(interview, range(16)))
    for session_id, said in results:
        assert [t.user for t in advisor.load_interview(session_id).state.turns if t.user] == said
    with sqlite3.connect(tmp_path / "sessions.sqlite3") as db:  # another connection: all committed to the file
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 16


def test_data_folder_deleted_while_running_does_not_swallow_turns(tmp_path):
    """Someone removes the data folder under a running app: the store notices its file is gone and starts a new one,
    instead of acknowledging turns into a deleted file that no restart could read."""
    import shutil
    data = tmp_path / "data"
    advisor = Advisor(Settings(data_dir=data, llm="none"))
    advisor.open_interview(None)
    shutil.rmtree(data)
    session_id, _ = advisor.open_interview(None)
    advisor.interview_reply(session_id, "删除之后的回答：员工60人")
    restarted = Advisor(Settings(data_dir=data, llm="none"))  # what a restart reads from disk
    assert [t.user for t in restarted.load_interview(session_id).state.turns if t.user] == ["删除之后的回答：员工60人"]


def test_deleted_turns_leave_no_trace_and_files_are_private(tmp_path):
    import stat

    from advisor.diagnosis.interview import Interview
    store = SessionStore(tmp_path / "data" / "sessions.sqlite3")
    sid = store.create()
    iv = Interview()
    iv.start()
    iv.reply("我们的秘密配方编号是XJ-778899，员工30人")
    store.save(sid, iv.state)
    assert store.delete(sid)
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir() if p.is_file())
    assert "XJ-778899".encode() not in on_disk  # overwritten and the write-ahead log emptied
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data" / "sessions.sqlite3").stat().st_mode) == 0o600
