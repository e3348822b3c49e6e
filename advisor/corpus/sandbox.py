"""Reading and parsing an upload in a child process with time, memory, text-size and clause-count bounds.

A crafted file (a .docx declaring hundreds of MiB, a text of thousands of tiny clauses, a PDF that loops) costs at
most ``timeout_s`` seconds and ``memory_mb`` MiB of a process that is then gone; the app's own memory and threads are
never involved. The child is forked, so readers registered at run time (see :mod:`advisor.corpus.readers`) are there
too; a fork that hangs on a lock some other thread held is ended by the same time limit.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rules.txt"
    >>> _ = p.write_text("1 范围\\n本文件适用于本厂。\\n2 要求\\n应当记录。", "utf-8")
    >>> [c.clause_id for c in parse_bounded(p, "R-1", "厂规", ParseLimits()).clauses]
    ['1', '2']
"""
from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

from advisor.corpus.parsing import DocKind, Document, parse_text
from advisor.corpus.readers import read_document_text


@dataclass(frozen=True)
class ParseLimits:
    timeout_s: float = 60.0
    memory_mb: int = 1536
    max_chars: int = 2_000_000
    max_clauses: int = 1500

    @classmethod
    def from_settings(cls, settings) -> "ParseLimits":
        return cls(timeout_s=settings.parse_timeout_s, memory_mb=settings.parse_memory_mb,
                   max_chars=settings.max_document_chars, max_clauses=settings.max_document_clauses)


def parse_bounded(path: Path, doc_id: str, title: str, limits: ParseLimits, kind: DocKind = DocKind.user,
                  reliability: str = "用户上传", source_path: str = "") -> Document:
    """The parsed document, or ValueError with a reason a user can act on."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_parse_in_child, daemon=True,
                            args=(sender, Path(path), doc_id, title, kind, reliability, source_path, limits))
    child.start()
    sender.close()
    try:
        if not receiver.poll(limits.timeout_s):
            raise ValueError(f"{Path(path).name}: 解析超过 {limits.timeout_s:.0f} 秒仍未完成，已停止（文件过大或结构异常）")
        try:
            ok, payload = receiver.recv()
        except EOFError:
            raise ValueError(f"{Path(path).name}: 解析时超出内存上限（{limits.memory_mb} MiB）或异常退出，已拒绝") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if not ok:
        raise ValueError(payload)
    return payload


def _parse_in_child(sender, path: Path, doc_id: str, title: str, kind: DocKind, reliability: str,
                    source_path: str, limits: ParseLimits) -> None:
    import resource
    memory = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.timeout_s) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        sender.send((True, _parse(path, doc_id, title, kind, reliability, source_path, limits)))
    except ValueError as exc:
        sender.send((False, str(exc)))
    except MemoryError:
        sender.send((False, f"{path.name}: 解析时超出内存上限（{limits.memory_mb} MiB），已拒绝"))
    except Exception as exc:  # noqa: BLE001 - a reader's library failing on a malformed file
        sender.send((False, f"{path.name}: 文件无法解析（{type(exc).__name__}）"))
    finally:
        sender.close()
        os._exit(0)  # nothing of the parent's (threads, atexit handlers) runs in the child


def _parse(path: Path, doc_id: str, title: str, kind: DocKind, reliability: str, source_path: str,
           limits: ParseLimits) -> Document:
    text = read_document_text(path)  # raises ValueError for broken/encrypted/mislabelled files
    if not text.strip():
        raise ValueError(f"{path.name}: 没有可提取的文字（扫描版 PDF 需先做文字识别）")
    if len(text) > limits.max_chars:
        raise ValueError(f"{path.name}: 提取出的文字过多（{len(text):,} 字，上限 {limits.max_chars:,} 字）")
    doc = parse_text(text, doc_id=doc_id, title=title, kind=kind, reliability=reliability,
                     source_path=source_path or str(path))
    if len(doc.clauses) > limits.max_clauses:
        raise ValueError(f"{path.name}: 条款过多（{len(doc.clauses):,} 条，上限 {limits.max_clauses:,} 条），"
                         "请拆分文件或检查编号格式")
    return doc
