"""The corpus: the bundled documents (``knowledge/documents.yaml``) plus the documents users added.

Example:
    >>> from advisor.config import Settings
    >>> kb = KnowledgeBase.load(Settings(data_dir="/tmp/kb-doctest"))
    >>> kb.guide.clause("5.3.2.7").title
    '数据销毁'
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from advisor.config import GUIDE_DOC_ID, Settings
from advisor.corpus.lookalikes import too_close
from advisor.corpus.parsing import (
    PARSER_VERSION,
    Clause,
    DocKind,
    Document,
    canonical_doc_id,
    clean_doc_id,
    parse_file,
    parse_text,
)
from advisor.corpus.readers import supported_label, supported_suffixes
from advisor.corpus.sandbox import ParseLimits, parse_bounded

_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


@dataclass
class KnowledgeBase:
    documents: list[Document]
    user_dir: Path
    max_upload_bytes: int
    limits: ParseLimits = field(default_factory=ParseLimits)
    _by_key: dict[str, Clause] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._reindex()

    def _reindex(self) -> None:
        self._by_key = {c.key: c for d in self.documents for c in d.clauses}

    def snapshot(self) -> "KnowledgeBase":
        """A copy whose document list later additions and removals do not touch (what a search reads)."""
        return KnowledgeBase(documents=list(self.documents), user_dir=self.user_dir,
                             max_upload_bytes=self.max_upload_bytes, limits=self.limits)

    @classmethod
    def load(cls, settings: Settings) -> "KnowledgeBase":
        docs = [_load_bundled(settings.knowledge_dir, entry)
                for entry in yaml.safe_load((settings.knowledge_dir / "documents.yaml").read_text("utf-8"))]
        user_dir = settings.user_dir
        user_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(user_dir.iterdir()):
            if path.suffix.lower() in supported_suffixes():
                meta = read_meta(path)
                try:
                    docs.append(parse_file(path, doc_id=meta.get("doc_id"), title=meta.get("title"),
                                           kind=DocKind.user, reliability=meta.get("reliability", "用户上传")))
                except ValueError:
                    continue  # an unreadable upload never takes the corpus down; it was reported when added
        return cls(documents=docs, user_dir=user_dir, max_upload_bytes=settings.max_upload_bytes,
                   limits=ParseLimits.from_settings(settings))

    @property
    def guide(self) -> Document:
        return self.document(GUIDE_DOC_ID)

    def document(self, doc_id: str) -> Document:
        for d in self.documents:
            if d.doc_id == doc_id:
                return d
        raise KeyError(doc_id)

    def clause(self, doc_id: str, clause_id: str) -> Clause | None:
        return self._by_key.get(f"{doc_id}::{clause_id}")

    def resolve_doc_id(self, text: str) -> str | None:
        """The document a written id means (look-alikes included; ids cannot collide, see add_document)."""
        wanted = canonical_doc_id(text)
        return next((d.doc_id for d in self.documents if canonical_doc_id(d.doc_id) == wanted), None)

    def clauses(self) -> list[Clause]:
        return [c for d in self.documents for c in d.clauses]

    def content_hash(self) -> str:
        digest = hashlib.sha256(PARSER_VERSION.encode())
        for d in sorted(self.documents, key=lambda d: d.doc_id):
            digest.update(f"{d.doc_id}\x00{d.content_hash}\x00{d.kind}".encode())
        return digest.hexdigest()

    # --- user documents -------------------------------------------------------------------------------------
    def preview(self, path: Path, doc_id: str | None = None) -> Document:
        """Parse without adding: what the clause tree of an upload would look like."""
        self._check_size(path)
        return parse_bounded(path, doc_id=doc_id or path.stem, title=path.stem, limits=self.limits)

    def add_document(self, path: Path, doc_id: str | None = None, title: str | None = None) -> Document:
        """Copy ``path`` into the user folder and parse it. Raises ValueError with a readable reason."""
        self._check_size(path)
        # one plain path component inside the user folder, whatever the browser claimed the name was
        safe = re.sub(r"\.{2,}", "_", _SAFE_NAME.sub("_", Path(path.name).name)).lstrip("._") or "document.txt"
        if Path(safe).suffix.lower() not in supported_suffixes():
            raise ValueError(f"{path.name}: 不支持的文件类型（支持 {supported_label()}）")
        doc_id = clean_doc_id(doc_id or Path(safe).stem)
        if not doc_id:
            raise ValueError("文档编号不能为空")
        taken = next((d.doc_id for d in self.documents if canonical_doc_id(d.doc_id) == canonical_doc_id(doc_id)
                      or too_close(doc_id, d.doc_id)), None)
        if taken is not None:
            # look-alikes (another dash or letter of another script, a mark, a filler, a suffix) read as the same id
            raise ValueError(f"文档编号“{doc_id}”与已有文档“{taken}”相同或形近，请换一个编号（或先删除原文档）")
        doc = parse_bounded(path, doc_id=doc_id, title=title or doc_id, limits=self.limits,
                            source_path=str(self.user_dir / safe))
        target = self.user_dir / safe
        if target.exists():
            raise ValueError(f"同名文件 {safe} 已存在")
        shutil.copyfile(path, target)
        write_meta(target, doc_id, doc.title)
        self.documents = [*self.documents, doc]
        self._reindex()
        return doc

    def _check_size(self, path: Path) -> None:
        size, limit = path.stat().st_size, self.max_upload_bytes
        if size > limit:
            raise ValueError(f"{path.name}: 文件过大（{size / 2**20:.1f} MiB，上限 {limit / 2**20:.0f} MiB）")

    def remove_document(self, doc_id: str) -> None:
        doc = self.document(doc_id)
        if doc.kind != DocKind.user:
            raise ValueError("只能删除用户添加的文档")
        source = Path(doc.source_path)
        source.unlink(missing_ok=True)
        meta_path(source).unlink(missing_ok=True)
        self.documents = [d for d in self.documents if d is not doc]
        self._reindex()


def _load_bundled(root: Path, entry: dict) -> Document:
    path = root / entry["path"]
    return parse_text(path.read_text("utf-8"), doc_id=entry["doc_id"], title=entry["title"],
                      kind=DocKind(entry["kind"]), reliability=entry.get("reliability", ""), source_path=str(path))


def meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def write_meta(path: Path, doc_id: str, title: str) -> None:
    """The id and title of the upload at ``path``, kept beside it."""
    meta_path(path).write_text(json.dumps({"doc_id": doc_id, "title": title}, ensure_ascii=False), "utf-8")


def read_meta(path: Path) -> dict:
    try:
        return json.loads(meta_path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
