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

import threading
from functools import cached_property

from .config import Settings, default_settings
from .llm import Generator
from .qa import Answer, QAService
from .retrieval import Retriever


class Advisor:
    def __init__(self, settings: Settings | None = None, retriever: Retriever | None = None,
                 generator: Generator | None = None, progress=None) -> None:
        self.settings = settings or default_settings()
        self._retriever = retriever
        self._generator = generator
        self._progress = progress
        self._lock = threading.RLock()

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever.from_settings(self.settings)
            return self._retriever

    @property
    def generator(self) -> Generator:
        with self._lock:
            if self._generator is None:
                self._generator = Generator.from_settings(self.settings, progress=self._progress)
            return self._generator

    @cached_property
    def qa(self) -> QAService:
        return QAService(self.retriever, self.generator)

    def answer(self, question: str) -> Answer:
        return self.qa.answer(question)

    def status(self) -> dict:
        return {"llm": self.generator.describe(), "llm_available": self.generator.available,
                "embedder": self.settings.embedder, "store": self.settings.store,
                "index": self.retriever.index.status(),
                "documents": [{"doc_id": d.doc_id, "title": d.title, "kind": str(d.kind),
                               "clauses": len(d.sections), "records": len(d.clauses)}
                              for d in self.retriever.kb.documents]}
