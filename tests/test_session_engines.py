"""#24: one session store, two engines. The same tests run against SQLite (a file under the data folder, the default)
and PostgreSQL (a throwaway server, ``integration``); a store opened again on the same database stands for another
process or a restart."""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import free_port
from sqlalchemy import func, select, text, update

from advisor.access import audit
from advisor.config import Settings
from advisor.diagnosis.interview import InterviewState, Turn
from advisor.sessions import AUDIT, MIGRATIONS, SESSIONS, SessionStore, StorageError

OpenStore = Callable[[], SessionStore]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def open_store(request, tmp_path) -> Iterator[OpenStore]:
    """Opens a store on this test's own database; each call is another process's store on it."""
    url = request.getfixturevalue("postgres_server").new_database() if request.param == "postgresql" else None
    opened: list[SessionStore] = []

    def open_one() -> SessionStore:
        opened.append(SessionStore(tmp_path / "data" / "sessions.sqlite3", url=url))
        return opened[-1]
    yield open_one
    for store in opened:
        store.close()


def said(*answers: str) -> InterviewState:
    """An interview state in which the owner gave ``answers`` (no reader needed)."""
    return InterviewState(turns=[Turn(index=i, user=a, reply="好的") for i, a in enumerate(answers, start=1)])


def answers(state: InterviewState | None) -> list[str]:
    assert state is not None
    return [t.user for t in state.turns if t.user]


def test_a_session_is_created_saved_and_resumed_after_a_restart(open_store):
    store = open_store()
    session_id = store.create()
    assert len(session_id) == 32 and answers(store.load(session_id)) == []
    store.save(session_id, said("员工50人，做包装印刷。"))
    store.save(session_id, said("员工50人，做包装印刷。", "财务用金蝶ERP"))
    restarted = open_store()
    assert answers(restarted.load(session_id)) == ["员工50人，做包装印刷。", "财务用金蝶ERP"]
    summary = restarted.summary(session_id)
    assert summary.answers == 2 and summary.created <= summary.updated <= time.time()
    assert restarted.load("x" * 32) is None and restarted.summary("x" * 32) is None


def test_enterprise_records(open_store):
    store = open_store()
    first, second, other = store.create(), store.create(), store.create()
    assert store.set_enterprise(first, "甲厂") and store.set_enterprise(second, "甲厂")
    assert store.set_enterprise(other, "乙厂") and not store.set_enterprise("x" * 32, "甲厂")
    assert store.enterprise_of(first) == "甲厂" and store.enterprise_of(store.create()) is None
    assert [sid for sid, _created, _updated in store.sessions_of("甲厂")] == [first, second]  # oldest first
    rows = open_store().enterprises()
    assert [(name, count) for name, count, _first, _last in rows] == [("乙厂", 1), ("甲厂", 2)]
    assert all(isinstance(value, float) for row in rows for value in row[2:])


def test_purge_deletes_only_stale_sessions(open_store):
    store = open_store()
    stale, fresh = store.create(), store.create()
    with store._db() as db:
        db.execute(update(SESSIONS).where(SESSIONS.c.id == stale).values(updated=time.time() - 200 * 86400))
    assert store.purge(180) == 1
    assert store.load(stale) is None and store.load(fresh) is not None


def test_a_deleted_session_leaves_no_copy(open_store, tmp_path):
    store = open_store()
    session_id = store.create()
    store.save(session_id, said("我们的秘密配方编号是XJ-778899，员工30人"))
    assert store.delete(session_id) and not store.delete(session_id)
    assert open_store().load(session_id) is None
    with store._db() as db:
        assert db.scalar(select(func.count()).select_from(SESSIONS).where(SESSIONS.c.state.contains("XJ-778899"))) == 0
        engine = db.dialect.name
    if engine == "sqlite":  # the pages were overwritten and the write-ahead log emptied
        on_disk = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir() if p.is_file())
        assert "XJ-778899".encode() not in on_disk


def test_two_processes_saving_at_once_see_each_others_writes(open_store):
    stores = [open_store(), open_store()]
    turns = 8

    def interview(store: SessionStore, n: int) -> tuple[str, list[str]]:
        session_id, words = store.create(), []
        for k in range(turns):
            words.append(f"第{n}号企业第{k}轮：员工{50 + n}人")
            store.save(session_id, said(*words))
        return session_id, words

    results: dict[int, tuple[str, list[str]]] = {}
    threads = [threading.Thread(target=lambda n=n: results.__setitem__(n, interview(stores[n % 2], n)))
               for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 6
    for n, (session_id, words) in results.items():
        assert answers(stores[(n + 1) % 2].load(session_id)) == words  # read by the other process


def test_knowledge_base_changes_are_audited_in_the_store(open_store, tmp_path):
    writer, reader = open_store(), open_store()
    document = tmp_path / "制度.md"
    document.write_text("1 范围\n本制度用于审计测试。\n", "utf-8")
    audit(tmp_path / "machine-a", "顾问", "add", "AUDIT-01", document, store=writer)
    audit(tmp_path / "machine-a", "", "remove", "AUDIT-01", document, store=writer)
    with reader._db() as db:
        rows = db.execute(select(AUDIT).order_by(AUDIT.c.id)).mappings().all()
    assert [(r["who"], r["action"], r["doc_id"]) for r in rows] == [("顾问", "add", "AUDIT-01"),
                                                                    ("local", "remove", "AUDIT-01")]
    assert all(len(r["sha256"]) == 64 and r["when"] for r in rows)
    assert len((tmp_path / "machine-a" / "audit.log").read_text("utf-8").splitlines()) == 2  # the local copy too


def test_migrations_are_applied_once_and_recorded_by_name(open_store):
    """Three processes starting at once on a new database: they migrate one after the other, each step once."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        stores = list(pool.map(lambda _: open_store(), range(3)))
    with stores[0]._db() as db:
        recorded = db.scalars(text("SELECT name FROM migrations")).all()
    assert sorted(recorded) == sorted(name for name, _step in MIGRATIONS)


def test_processes_creating_one_sqlite_file_at_once_all_open_it(tmp_path):
    """The switch of a new file to WAL is a race SQLite reports as "locked" without waiting; every opener must still
    get its store (it failed about once in 14 such starts before the switch was retried)."""
    for attempt in range(40):
        path = tmp_path / str(attempt) / "sessions.sqlite3"
        with ThreadPoolExecutor(max_workers=3) as pool:
            stores = list(pool.map(lambda _: SessionStore(path), range(3)))
        for store in stores:
            store.close()
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize("version", [1, 2])
def test_a_sqlite_file_from_before_named_migrations_is_adopted(tmp_path, version):
    """A file the earlier store wrote (schema by ``PRAGMA user_version``) opens with its sessions and is brought up to
    date: the steps it had are recorded, not run again."""
    path = tmp_path / "sessions.sqlite3"
    earlier = ["CREATE TABLE sessions (id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, "
               "state TEXT NOT NULL)", "ALTER TABLE sessions ADD COLUMN enterprise TEXT"]
    with sqlite3.connect(path) as db:
        for statement in earlier[:version]:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("INSERT INTO sessions(id, created, updated, state) VALUES (?, ?, ?, ?)",
                   ("a" * 32, time.time(), time.time(), said("员工20人").model_dump_json()))
    store = SessionStore(path)
    assert answers(store.load("a" * 32)) == ["员工20人"]
    assert store.set_enterprise("a" * 32, "丙厂") and store.enterprises()[0][:2] == ("丙厂", 1)
    with store._db() as db:
        assert sorted(db.scalars(text("SELECT name FROM migrations"))) == sorted(name for name, _step in MIGRATIONS)


def test_an_unreachable_database_server_is_a_clear_error_without_its_password(tmp_path):
    url = f"postgresql://advisor:s3cret-pw@127.0.0.1:{free_port()}/advisor"
    with pytest.raises(StorageError, match="ADVISOR_DATABASE_URL") as raised:
        SessionStore(tmp_path / "unused.sqlite3", url=url)
    assert "s3cret-pw" not in str(raised.value) and "127.0.0.1" in str(raised.value)
    assert not (tmp_path / "unused.sqlite3").exists()


def test_the_database_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADVISOR_DATABASE_URL", "postgresql://advisor@db.internal/advisor")
    assert Settings().database_url == "postgresql://advisor@db.internal/advisor"
    monkeypatch.setenv("ADVISOR_DATABASE_URL", "")
    assert Settings().database_url is None
    with pytest.raises(ValueError, match="PostgreSQL URL"):
        Settings(database_url="mysql://advisor@db.internal/advisor")


def test_the_service_audits_knowledge_base_changes_through_its_store(tmp_path, fake_embeddings):
    from advisor.qa.retrieval import Retriever
    from advisor.service import Advisor
    settings = Settings(data_dir=tmp_path / "data", llm="none", embed_in_background=False)
    advisor = Advisor(settings, retriever=Retriever.from_settings(settings, embeddings=fake_embeddings))
    document = tmp_path / "厂规.md"
    document.write_text("1 范围\n本制度用于审计测试。\n", "utf-8")
    advisor.add_document(document, doc_id="AUDIT-02", who="顾问")
    advisor.remove_document("AUDIT-02", who="顾问")
    another_process = SessionStore(settings.sessions_db)
    with another_process._db() as db:
        changes = db.execute(select(AUDIT.c.action, AUDIT.c.doc_id).order_by(AUDIT.c.id)).all()
    assert changes == [("add", "AUDIT-02"), ("remove", "AUDIT-02")]


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def test_a_document_added_through_one_process_is_searched_by_another(engine, request, tmp_path, fake_embeddings):
    """#24 item 2: the uploaded documents' bytes live in the store and every process mirrors them; a process that
    did not add a document finds it within the check interval, and loses it when it is removed elsewhere. Two advisors
    on one database with their own user folders stand for two machines."""
    from advisor.qa.retrieval import Retriever
    from advisor.service import Advisor

    url = request.getfixturevalue("postgres_server").new_database() if engine == "postgresql" else None

    def process(name: str) -> Advisor:
        settings = Settings(data_dir=tmp_path / "shared", user_docs_dir=tmp_path / name, llm="none",
                            embed_in_background=False, database_url=url)
        advisor = Advisor(settings, retriever=Retriever.from_settings(settings, embeddings=fake_embeddings))
        advisor.shared_documents.every_s = 0.0  # check on every use (the page: every few seconds)
        return advisor
    first, second = process("machine-a"), process("machine-b")
    assert not second.retriever.search("冷库温度巡检记录多久归档").results[0].doc_id.startswith("COLD")
    document = tmp_path / "冷库制度.md"
    document.write_text("1 范围\n\n本制度规定冷库温度巡检记录每日归档，保存三年。\n", "utf-8")
    first.add_document(document, doc_id="COLD-01", who="顾问")
    found = second.retriever.search("冷库温度巡检记录多久归档").results
    assert found[0].doc_id == "COLD-01" and "COLD-01" in [d.doc_id for d in second.retriever.kb.documents]
    assert (tmp_path / "machine-b" / "冷库制度.md").read_bytes() == document.read_bytes()
    first.remove_document("COLD-01", who="顾问")
    assert "COLD-01" not in [d.doc_id for d in second.retriever.kb.documents]
    assert not (tmp_path / "machine-b" / "冷库制度.md").exists() and not second.sessions.documents()
    first.add_document(document, doc_id="COLD-03", who="顾问")
    second.remove_document(second.retriever.kb.resolve_doc_id("COLD-03"), who="顾问")  # the other way round
    assert "COLD-03" not in [d.doc_id for d in first.retriever.kb.documents]
    assert not (tmp_path / "machine-a" / "冷库制度.md").exists()
    (tmp_path / "machine-c").mkdir()  # a document a folder held before its process met the store stays its own
    (tmp_path / "machine-c" / "old.md").write_text("1 范围\n\n旧文档。\n", "utf-8")
    (tmp_path / "machine-c" / "old.md.meta.json").write_text('{"doc_id": "OLD-01", "title": "旧"}', "utf-8")
    third = process("machine-c")
    assert "OLD-01" in [d.doc_id for d in third.retriever.kb.documents] and not first.sessions.documents()
    assert (tmp_path / "machine-c" / "old.md").exists()
    same_folder = process("machine-a")  # two processes on one folder (one machine): the other reloads too
    first.add_document(document, doc_id="COLD-04", who="顾问")
    assert "COLD-04" in [d.doc_id for d in same_folder.retriever.kb.documents]
    first.remove_document("COLD-04", who="顾问")  # a file name used again for another document: the new one stands
    document.write_text("1 范围\n\n本制度规定冷库除霜每周一次。\n", "utf-8")
    first.add_document(document, doc_id="COLD-05", who="顾问")
    assert "COLD-05" in [d.doc_id for d in second.retriever.kb.documents]
    assert "除霜" in (tmp_path / "machine-b" / "冷库制度.md").read_text("utf-8")


def test_shared_documents_are_kept_listed_and_deleted_on_both_engines(open_store):
    writer, reader = open_store(), open_store()
    before = reader.documents_marker()
    writer.put_document("COLD-02", "冷库.md", "冷库制度", "1 范围\n冷库。\n".encode())
    assert reader.documents_marker() != before
    assert [(r.doc_id, r.name, r.title, bytes(r.body)) for r in reader.documents()] == [
        ("COLD-02", "冷库.md", "冷库制度", "1 范围\n冷库。\n".encode())]
    writer.drop_document("COLD-02")
    assert reader.documents() == [] and reader.documents_marker() == before


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def test_files_made_by_one_process_go_when_the_session_is_deleted_through_another(engine, request, tmp_path,
                                                                                    monkeypatch):
    """#24: a report written through one process (its own data folder) and served from its page's cache is gone once
    the owner deletes the session through another process on the same database, or once the session is purged for
    its age; the files of sessions that still exist stay."""
    from advisor.service import Advisor
    url = request.getfixturevalue("postgres_server").new_database() if engine == "postgresql" else None
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio-cache"))  # this test's own page cache
    first = Advisor(Settings(data_dir=tmp_path / "machine-a", llm="none", database_url=url))
    another_process = SessionStore(first.settings.sessions_db, url=url)  # its own folder holds none of these files
    deleted, kept, purged = (first.sessions.create() for _ in range(3))
    for session_id in (deleted, kept, purged):
        (first.session_files(session_id) / "报告.md").write_text(f"报告 {session_id}", "utf-8")
    served = first.cache_dir() / "copy"  # the page serves a copy from its cache
    served.mkdir(parents=True)
    (served / "报告.md").write_text(f"报告 {deleted}", "utf-8")
    (tmp_path / "machine-a" / "files" / "not a session").mkdir()  # a folder no session id names: left alone
    assert first.forget_files_of_gone_sessions() == 0  # nothing gone yet
    assert another_process.delete(deleted)
    with another_process._db() as db:  # the third is purged for its age
        db.execute(update(SESSIONS).where(SESSIONS.c.id == purged).values(updated=0))
    assert another_process.purge(30) == 1
    sweeping = first.forget_files_of_gone_sessions(every_s=0.05)  # as the app does while it serves
    deadline = time.time() + 10
    while time.time() < deadline and any(p.exists() for p in (
            tmp_path / "machine-a" / "files" / purged, tmp_path / "machine-a" / "files" / deleted, served / "报告.md")):
        time.sleep(0.05)
    sweeping.stop.set()
    sweeping.join(5)
    assert (tmp_path / "machine-a" / "files" / "not a session").is_dir()
    assert not (tmp_path / "machine-a" / "files" / deleted).exists() and not (served / "报告.md").exists()
    assert not (tmp_path / "machine-a" / "files" / purged).exists()
    assert (first.session_files(kept) / "报告.md").read_text("utf-8") == f"报告 {kept}"
    another_process.close()
