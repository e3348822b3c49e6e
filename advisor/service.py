"""The one object the web app, the CLI and the evaluation share: settings, corpus, retriever, model, services.

Heavy parts load lazily and once (the index on first search, the LLM on first generation).

Example:
    >>> from advisor.service import Advisor
    >>> from advisor.config import Settings
    >>> adv = Advisor(Settings(llm="none"))
    >>> adv.answer("数据销毁有哪些要求？").cited_ids()[0]
    '5.3.2.7'
"""
from __future__ import annotations

import contextvars
import os
import re
import threading
import time
from dataclasses import asdict
from functools import cached_property
from pathlib import Path

from advisor.access import RateQuota, audit
from advisor.config import GUIDE_DOC_ID, Settings, default_settings, with_own_settings
from advisor.corpus.knowledge_base import KnowledgeBase
from advisor.corpus.parsing import Clause, Document
from advisor.corpus.shared_documents import SharedDocuments
from advisor.diagnosis.extraction import prepare_reader
from advisor.diagnosis.interview import Interview, Turn
from advisor.diagnosis.progress import Comparison, Snapshot, compare
from advisor.diagnosis.report import Report
from advisor.diagnosis.summary import llm_summary
from advisor.llm.client import ChatClient
from advisor.qa.answer import Answer, QAService
from advisor.qa.followup import Exchange
from advisor.qa.retrieval import Retriever
from advisor.session_files import SessionFiles
from advisor.sessions import (SessionNotFound, SessionReadings, SessionStore, TooManySessions, forget_cached_copies,
                              well_formed)
from advisor.text import normalised


@with_own_settings(lambda advisor: advisor.settings)
class Advisor:
    def __init__(self, settings: Settings | None = None, retriever: Retriever | None = None,
                 chat: ChatClient | None = None, progress=None) -> None:
        self.settings = settings or default_settings()
        self._retriever = retriever
        self._chat = chat
        self._progress = progress
        self._lock = threading.RLock()  # brief: creating the shared parts (page loads take it)
        self._kb_changes = threading.RLock()  # long: one knowledge-base change at a time, never under ``_lock``
        self.model_warmed = False  # set by prepare_model()
        self._pending: dict[str, SessionReadings] = {}  # session id → the model's readings still running, its lock
        self._model_preparation_started = False
        self._session_quota = RateQuota(self.settings.max_new_sessions_per_hour, 3600.0)
        self._reader_preparing = False  # set by the first open_interview()

    @property
    def retriever(self) -> Retriever:
        marker = self.shared_documents.pending()  # another process added or removed one (checked every few seconds)
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever.from_settings(self.settings, progress=self._progress)
                self.shared_documents.followed(marker)
                marker = None
            retriever = self._retriever
        if marker is not None and self._kb_changes.acquire(blocking=False):  # a change under way: the next check
            try:
                retriever.kb = KnowledgeBase.load(self.settings)
                retriever.refresh()
                self.shared_documents.followed(marker)
            finally:
                self._kb_changes.release()
        return retriever

    @cached_property
    def shared_documents(self) -> SharedDocuments:
        return SharedDocuments(lambda: self.sessions, self.settings.user_dir)

    @property
    def chat(self) -> ChatClient:
        with self._lock:
            if self._chat is None:
                self._chat = ChatClient.from_settings(self.settings, progress=self._progress)
            return self._chat

    @property
    def qa(self) -> QAService:
        _ = self.retriever  # another process's documents are followed before a question is answered
        return self._qa

    @cached_property
    def _qa(self) -> QAService:
        return QAService(self.retriever, self.chat, self.settings)

    def answer(self, question: str, history: list[Exchange] | None = None) -> Answer:
        """A clause answer; ``history`` (earlier exchanges, from earlier answers' ``.exchange``) makes follow-ups
        ("第二点具体怎么做？") standalone first."""
        return self.qa.answer(self.clip(question), history=history)

    # --- interview sessions (stored before every reply is shown) ------------------------------------------------
    @cached_property
    def sessions(self) -> SessionStore:
        store = SessionStore(self.settings.sessions_db, url=self.settings.database_url)
        if self.settings.session_retention_days > 0:
            store.purge(self.settings.session_retention_days)
        return store

    def interview_chat(self) -> ChatClient | None:
        """The LLM extraction layer when a model is configured and up; None means rules only."""
        if self.settings.llm == "none":
            return None
        return self.chat if self.chat.available else None

    def prepare_reader(self) -> None:
        prepare_reader()  # the reader of answers, with this advisor's word lists, now (the page: in the background)

    def open_interview(self, session_id: str | None, client: str = "") -> tuple[str, Interview]:
        """Resume ``session_id`` or, when it is empty or unknown, start a new session. A ``client`` (served beyond
        loopback: the visitor's address) may start only ``max_new_sessions_per_hour`` sessions an hour."""
        # the reader (word lists, status classifier: about a second) is prepared while the owner reads the greeting;
        # not a daemon, so a process that ends meanwhile waits for it (a short-lived CLI prepares it first instead)
        with self._lock:
            if not self._reader_preparing:
                self._reader_preparing = True
                threading.Thread(target=contextvars.copy_context().run, args=(prepare_reader,),  # our folders
                                 name="prepare-reader").start()
        try:
            return session_id, self.load_interview(session_id)  # type: ignore[arg-type]
        except SessionNotFound:
            pass
        if client and not self._session_quota.allow(client):
            raise TooManySessions("这台设备新开的会话过多，请稍后再试，或继续使用已有的会话（粘贴会话编号后点“恢复会话”）。")
        session_id = self.sessions.create()
        interview = Interview(chat=self.interview_chat())
        interview.start()
        self.sessions.save(session_id, interview.state)
        return session_id, interview

    def load_interview(self, session_id: str) -> Interview:
        state = self.sessions.load(session_id) if well_formed(session_id) else None
        with self._lock:
            if state is None:
                if (unknown := self._pending.get(session_id)) is not None and not unknown.futures:
                    del self._pending[session_id]  # made by _session_lock for an id with no session
                raise SessionNotFound(session_id)
            readings = self._pending.setdefault(session_id, SessionReadings())
        return Interview(state=state, chat=self.interview_chat(), answerer=self.owner_question_reply,
                         pending=readings.futures, lock=readings.lock)

    def _session_lock(self, session_id: str | None) -> threading.RLock:
        """The session's one lock (held while its state is loaded, changed and saved)."""
        if not well_formed(session_id):
            raise SessionNotFound(session_id)
        with self._lock:
            return self._pending.setdefault(session_id, SessionReadings()).lock  # type: ignore[arg-type]

    def interview_reply(self, session_id: str, text: str) -> tuple[Interview, Turn]:
        """One turn: extract, answer, and store the turn before returning it."""
        with self._session_lock(session_id):
            interview = self.load_interview(session_id)
            text = self.clip(text)
            turn = interview.reply(text)  # a long answer is read in a process of its own (reader_process)
            self.sessions.save(session_id, interview.state)
        return interview, turn

    def qa_history(self, session_id: str | None) -> list[Exchange]:
        """The session's clause Q&A conversation so far (empty for no or an unknown session)."""
        try:
            state = self.load_interview(session_id).state if session_id else None
        except SessionNotFound:
            return []
        return [Exchange(**turn) for turn in state.qa] if state else []

    def remember(self, session_id: str | None, answer: Answer, shown: str = "") -> None:
        """Store what the conversation needs of an answer, and the answer as shown (kept to the last 20)."""
        if not session_id or answer.exchange is None:
            return
        answer.exchange.answer = shown or answer.text
        self._edit_qa(session_id, lambda qa: [*qa, asdict(answer.exchange)][-20:])

    def forget_last_question(self, session_id: str | None) -> str:
        """Drop the conversation's last exchange (to ask it again: regenerate); returns its question ("" if none)."""
        dropped: list[str] = []

        def drop(qa: list) -> list:
            dropped.extend(e["question"] for e in qa[-1:])
            return qa[:-1]
        self._edit_qa(session_id, drop)
        return dropped[0] if dropped else ""

    def clear_qa(self, session_id: str | None) -> None:
        self._edit_qa(session_id, lambda qa: [])

    def _edit_qa(self, session_id: str | None, change) -> None:
        try:
            with self._session_lock(session_id):
                interview = self.load_interview(session_id)  # type: ignore[arg-type]
                interview.state.qa = change(list(interview.state.qa))
                self.sessions.save(session_id, interview.state)  # type: ignore[arg-type]
        except SessionNotFound:
            return

    def clip(self, text: str | None) -> str:
        """The one place a message is made fit to read and store: normalised (control characters removed, a lone
        surrogate replaced: :func:`advisor.text.normalised`) and cut to ``max_message_chars``. The faces tell the user
        what was changed with :meth:`input_notes`."""
        return normalised(text)[0][: self.settings.max_message_chars]

    def input_notes(self, text: str | None) -> list[str]:
        """What :meth:`clip` changes in a message, in words for the user (empty: nothing)."""
        clean, removed = normalised(text)
        notes = [f"消息中含有无法显示或保存的字符（{'、'.join(removed)}），已去除或替换。"] if removed else []
        limit = self.settings.max_message_chars
        if len(clean) > limit:
            notes.append(f"消息过长（{len(clean)} 字），只保留前 {limit} 个字符。")
        return notes

    def owner_question_reply(self, question: str) -> str:
        """A short grounded answer to an owner's own question mid-interview: the nearest clause of the guide, quoted
        with its number, or a plain "the guide does not say" (the clause Q&A tab has the full answer)."""
        found = self.retriever.search(question, k=3)
        guide = [r for r in found.results if r.doc_id == GUIDE_DOC_ID]
        if found.refused or not guide:
            return "关于这个问题，指南（T/TJBDA 002—2026）没有直接的规定；诊断结束后可在“条款问答”里进一步查询。"
        best = guide[0]
        text = re.sub(r"\s+", "", best.text)
        excerpt = text[:110] + ("……" if len(text) > 110 else "")
        return (f"顺带回答您的问题：指南 {GUIDE_DOC_ID} {best.clause_id}《{best.title}》写道：“{excerpt}”"
                f"（原文见“条款问答”）。我们接着访谈。")

    def report(self, session_id: str, model_summary: bool = True) -> Report:
        """The diagnosis of a session. ``model_summary=False``: with the summary built from the diagnosis at once
        (the page shows that report first and asks ``with_model_summary`` for the model's afterwards)."""
        interview = self.load_interview(session_id)
        if interview.pending:  # the model's last readings join the report if they come within the time budget
            interview.wait(timeout=self.settings.llm_timeout_s)  # not under the lock: a turn meanwhile goes on
            with interview.lock:  # merged into the state as stored now (a turn may have been saved meanwhile)
                interview = self.load_interview(session_id)
                interview.settle(timeout=0)
                self.sessions.save(session_id, interview.state)
        enterprise = self.sessions.enterprise_of(session_id)
        comparison = None
        if enterprise:  # a later diagnosis of the same enterprise: compared with its first one (T0 → T1)
            ids = [sid for sid, _c, _u in self.sessions.sessions_of(enterprise)]  # oldest first
            if session_id in ids and ids.index(session_id) > 0:  # only a diagnosis made before this one is T0
                comparison = compare(self._snapshot(ids[0]), self._snapshot(session_id, interview))
        report = Report.of_interview(interview, enterprise=enterprise or "", comparison=comparison)
        return self.with_model_summary(report) if model_summary else report

    def with_model_summary(self, report: Report) -> Report:
        """The report with the model's summary, kept only if its numbers and clauses check out (else the built one
        and why); the report as it was when no model is configured."""
        chat = self.interview_chat()
        if chat is None:
            return report
        guide = {c.clause_id for c in self.retriever.corpus.guide.sections}
        summary, note = llm_summary(chat, report, guide)
        return report.model_copy(update={"summary": summary, "summary_note": note})

    # --- enterprises followed over time -----------------------------------------------------------------------
    def set_enterprise(self, session_id: str, name: str) -> str:
        """Attach the session to an enterprise (a name the user chooses, stored locally); returns the clean name."""
        name = " ".join((name or "").split())[:60]
        if not name:
            raise ValueError("企业名称不能为空")
        if not (well_formed(session_id) and self.sessions.set_enterprise(session_id, name)):
            raise SessionNotFound(session_id)
        return name

    def enterprises(self) -> list[tuple[str, int, float, float]]:
        return self.sessions.enterprises()

    def enterprise_sessions(self, name: str) -> list[tuple[str, Snapshot]]:
        return [(sid, self._snapshot(sid)) for sid, _c, _u in self.sessions.sessions_of(name)]

    def compare_enterprise(self, name: str) -> Comparison | None:
        """Its first diagnosis against its latest (None with fewer than two)."""
        history = self.enterprise_sessions(name)
        return compare(history[0][1], history[-1][1]) if len(history) >= 2 else None

    def _snapshot(self, session_id: str, interview: Interview | None = None) -> Snapshot:
        interview = interview or self.load_interview(session_id)
        summary = self.sessions.summary(session_id)
        day = time.strftime("%Y-%m-%d", time.localtime(summary.updated)) if summary else ""
        return Snapshot.of(day, interview.state.profile, interview.assess())

    def session_summary(self, session_id: str):
        """Age and size of a stored session (None when there is none), so a link to it can be confirmed first."""
        return self.sessions.summary(session_id) if well_formed(session_id) else None

    def export_session(self, session_id: str) -> str:
        """Everything stored for the session, as JSON (the owner's copy of their data)."""
        return self.load_interview(session_id).state.model_dump_json(indent=2)

    @cached_property
    def files(self) -> SessionFiles:
        """The report and export files made for sessions (deleted with them; ``files.sweep_every`` while serving)."""
        return SessionFiles(self.settings.data_dir / "files", self.cache_dir)

    def session_files(self, session_id: str) -> Path:
        """Where the session's report and export files are written (deleted with the session)."""
        return self.files.folder(session_id)

    def delete_session(self, session_id: str) -> bool:
        """The session, its stored turns and every report or export file made for it, with the copies the page
        served of them (Gradio serves a file from a copy in its cache: the copy goes too)."""
        if not well_formed(session_id):
            return False
        self.files.forget(session_id)
        return self.sessions.delete(session_id)

    def forget_files_of_gone_sessions(self, every_s: float | None = None):
        """Files of sessions gone (purged, or deleted by another process): now, or now and then every ``every_s``."""
        if every_s is None:
            return self.files.forget_gone(self.sessions.existing)
        return self.files.sweep_every(every_s, self.sessions.existing)

    def cache_dir(self) -> Path:
        """Where the web page keeps the copies of the files it serves (``GRADIO_TEMP_DIR``, set by ``offline``)."""
        return Path(os.environ.get("GRADIO_TEMP_DIR") or self.settings.data_dir / "gradio-cache")

    def forget_upload(self, path: Path) -> None:
        """An upload the page received (kept in its cache) and the app refused or removed: deleted now, not in a day."""
        cache = self.cache_dir().resolve()
        path = Path(path).resolve()
        if path.is_relative_to(cache) and path.is_file():
            forget_cached_copies(cache, [path])

    # --- knowledge base ---------------------------------------------------------------------------------------
    def preview_document(self, path: Path) -> Document:
        return self.retriever.kb.preview(path)

    def add_document(self, path: Path, doc_id: str | None = None, progress=None, who: str = "") -> Document:
        """Add a user document and index it (raises ValueError with a readable reason); the change is audited.
        Parsing runs in a bounded subprocess and indexing under its own lock: page loads and searches go on (on the
        corpus as it was) until the new one is swapped in."""
        with self._kb_changes:
            doc = self.retriever.kb.add_document(path, doc_id=doc_id)
            self.shared_documents.publish(doc.doc_id, doc.title, Path(doc.source_path))
            audit(self.settings.data_dir, who, "add", doc.doc_id, Path(doc.source_path), store=self.sessions)
            self.retriever.refresh(progress=progress)
            return doc

    def remove_document(self, doc_id: str, progress=None, who: str = "") -> None:
        with self._kb_changes:
            doc = self.retriever.kb.document(doc_id)
            audit(self.settings.data_dir, who, "remove", doc_id, Path(doc.source_path), store=self.sessions)
            forget_cached_copies(self.cache_dir(), [Path(doc.source_path)])  # the uploaded copy the page kept
            self.retriever.kb.remove_document(doc_id)
            self.shared_documents.withdraw(doc_id, Path(doc.source_path))
            self.retriever.refresh(progress=progress)

    def clause(self, clause_id: str, doc_id: str = GUIDE_DOC_ID) -> Clause | None:
        return self.retriever.lookup(clause_id, doc_id)

    def outline(self, doc_id: str = GUIDE_DOC_ID) -> list[Clause]:
        """The document's clause tree in order (sections only)."""
        return self.retriever.kb.document(doc_id).sections

    def prepare_model(self) -> int:
        """Load the configured model and warm its prompt cache with the Q&A and extraction prompts, so the first
        question does not pay for them. Returns how many prompt prefixes were warmed (0: no local model)."""
        if self.settings.llm == "none":
            return 0
        from advisor.diagnosis.model_facts import extraction_prompt_prefix
        warmed = self.chat.warm_up([QAService.prompt_prefix(), extraction_prompt_prefix(self.chat.settings.llm_reading)])
        self.model_warmed = warmed > 0
        return warmed

    def prepare_model_soon(self, delay_s: float = 2.0, on_done=None) -> bool:
        """:meth:`prepare_model` once per process, in a background thread after ``delay_s``. The app calls it on the
        first page visit: at start, on 2 cores, it delayed the first page by ~8 s (21–22 s instead of 13–14 s), and
        the pause lets the greeting reach the browser first. ``on_done(warmed, seconds)`` reports the outcome.
        Returns whether this call started it."""
        with self._lock:
            if self._model_preparation_started or self.settings.llm == "none":
                return False
            self._model_preparation_started = True

        def prepare() -> None:
            started = time.perf_counter()
            warmed = self.prepare_model()
            if on_done:
                on_done(warmed, time.perf_counter() - started)

        timer = threading.Timer(delay_s, prepare)
        timer.daemon = True
        timer.start()
        return True

    def status(self) -> dict:
        return {"llm": self.chat.describe(), "llm_available": self.chat.available,
                "llm_warmed": self.model_warmed,
                "embedder": self.settings.embedder, "store": self.settings.store,
                "index": self.retriever.index.status(),
                "documents": [{"doc_id": d.doc_id, "title": d.title, "kind": str(d.kind),
                               "clauses": len(d.sections), "records": len(d.clauses)}
                              for d in self.retriever.kb.documents]}
