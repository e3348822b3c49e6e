"""Reading and parsing an upload in a child process with time, memory, text-size and clause-count bounds.

A crafted file (a .docx declaring hundreds of MiB, a text of thousands of tiny clauses, a PDF that loops) costs at
most ``timeout_s`` seconds and ``memory_mb`` MiB of a process that is then gone; the app's own memory and threads are
never involved. The child is a fresh interpreter (spawned): a fork of the serving app, with its threads, OpenMP and Chroma, once
hung. The reader is sent with the call; only a reader that cannot be sent (a lambda registered at run time) runs in
a fork, where a hang is still ended by the time limit.

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

from advisor.corpus import readers
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


class ChildFailed(RuntimeError):
    """The child ran out of time or memory, or died."""


def in_child(func, *args, timeout_s: float, memory_mb: int | None = None, nice: int = 0, start: str = "spawn"):
    """``func(*args)`` in a child process (``start``: "spawn", a fresh interpreter, or "fork") with a time limit, an
    optional address-space limit and a lower CPU priority (``nice``). Returns its result; an exception it raised is
    raised again here; anything else is ChildFailed."""
    context = multiprocessing.get_context(start)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(sender, func, args, memory_mb, nice, timeout_s), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise ChildFailed(f"超过 {timeout_s:.0f} 秒仍未完成")
        try:
            ok, payload = receiver.recv()
        except EOFError:
            raise ChildFailed("超出内存上限或异常退出") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if not ok:
        raise payload
    return payload


def _child_main(sender, func, args, memory_mb: int | None, nice: int, timeout_s: float) -> None:
    import resource
    if memory_mb:
        memory = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(timeout_s) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    if nice:
        os.nice(nice)
    try:
        sender.send((True, func(*args)))
    except MemoryError:
        sender.send((False, ChildFailed("超出内存上限")))
    except Exception as exc:  # noqa: BLE001 - handed to the parent as it is (if it pickles)
        try:
            sender.send((False, exc))
        except Exception:  # noqa: BLE001
            sender.send((False, ChildFailed(f"{type(exc).__name__}")))
    finally:
        sender.close()
        os._exit(0)  # nothing of the parent's (threads, atexit handlers) runs in the child


def parse_bounded(path: Path, doc_id: str, title: str, limits: ParseLimits, kind: DocKind = DocKind.user,
                  reliability: str = "用户上传", source_path: str = "") -> Document:
    """The parsed document, or ValueError with a reason a user can act on."""
    name = Path(path).name
    reader = readers.READERS.get(Path(path).suffix.lower())  # looked up now: registrations made at run time count
    # a fresh interpreter: a fork of the app (threads, OpenMP, Chroma) once hung in the full suite; a reader
    # registered at run time as a lambda cannot be sent to one, and only such a reader is run in a fork
    start = "spawn" if _sendable(reader) else "fork"
    try:
        return in_child(_parse, Path(path), doc_id, title, kind, reliability, source_path, limits, reader,
                        timeout_s=limits.timeout_s, memory_mb=limits.memory_mb, start=start)
    except ChildFailed as exc:
        if "秒" in str(exc):
            raise ValueError(f"{name}: 解析{exc}，已停止（文件过大或结构异常）") from None
        raise ValueError(f"{name}: 解析时{exc}（内存上限 {limits.memory_mb} MiB），已拒绝") from None
    except (ValueError, OSError) as exc:
        raise ValueError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a reader's library failing on a malformed file
        raise ValueError(f"{name}: 文件无法解析（{type(exc).__name__}）") from None


def _sendable(reader) -> bool:
    import pickle
    try:
        pickle.dumps(reader)
        return True
    except Exception:  # noqa: BLE001 - lambdas, local functions
        return False


def _parse(path: Path, doc_id: str, title: str, kind: DocKind, reliability: str, source_path: str,
           limits: ParseLimits, reader=None) -> Document:
    # the reader travels with the call (a spawned child has only the built-in registrations)
    text = reader(path, path.read_bytes()) if reader else read_document_text(path)  # ValueError: unreadable
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
