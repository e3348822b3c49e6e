"""Long answers read in a process of their own, so that one owner's long answers do not slow everyone (#25).

The rules are Python: read in a thread of the serving process, a 4,000-character answer holds the interpreter lock
that every other owner's turn needs for the second or so it takes, and two owners sending such answers back to back
pushed the others' turns to seconds. An answer longer than ``Settings.long_message_chars`` is read instead by one
persistent child interpreter (spawned, never forked: a fork of the serving app with its threads once hung; the word
lists and classifiers are prepared there once, at the first long answer: a process that gets none never starts one),
one answer at a time, while the serving process only waits; it ends when the serving process does. If the
child cannot start, dies or takes longer than ``Settings.long_reading_timeout_s``, the answer is read here as before
and the child is started again for the next one.

Example:
    >>> facts, _ = read_apart("我们做机械零部件，员工八十人。" * 3, turn=1)
    >>> {f.key: f.value for f in facts}["employees"], reader_pid() != os.getpid()
    (80, True)
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from advisor.config import Settings, settings_in_effect, settings_used
from advisor.diagnosis.extraction import extract_rules, prepare_reader
from advisor.diagnosis.vocabulary import Fact

log = logging.getLogger(__name__)
_pools: dict[tuple[str, str], ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()
_read_here = threading.Lock()  # the fallback reads one long answer at a time too
_child_settings: Settings | None = None  # in the child: the folders of the advisor that started it


def _prepare(settings: Settings) -> None:
    global _child_settings
    _child_settings = settings
    threading.Thread(target=_end_with, args=(os.getppid(),), daemon=True, name="end-with-parent").start()
    with settings_used(settings):
        prepare_reader()


def _end_with(parent: int) -> None:
    """The reader ends when the process it reads for is gone (killed: a pool's worker would otherwise live on)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _read(message: str, turn: int, question: str, known: frozenset[str]) -> tuple[list[Fact], set[str]]:
    with settings_used(_child_settings or settings_in_effect()):
        return extract_rules(message, turn, question, known)


def _pid() -> int:
    return os.getpid()


def _key(settings: Settings) -> tuple[str, str]:
    return str(settings.knowledge_dir), str(settings.prompts_dir)  # what the reader reads


@contextmanager
def _plain_main() -> Iterator[None]:
    """The child is spawned without running the serving script again (spawn imports ``__main__`` in the child, and
    ``app.py`` builds the page and an advisor at import)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _pool(settings: Settings) -> ProcessPoolExecutor:
    with _pools_lock:
        if _key(settings) not in _pools:
            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_prepare, initargs=(settings,))
            with _plain_main():
                pool.submit(_pid)  # the child starts now, while __main__ is plain
            _pools[_key(settings)] = pool
        return _pools[_key(settings)]


def _end(settings: Settings, pool: ProcessPoolExecutor) -> None:
    """A child that died or hangs is ended (killed: a hung one would go on using a core) and forgotten."""
    with _pools_lock:
        if _pools.get(_key(settings)) is pool:
            del _pools[_key(settings)]
    for process in list(getattr(pool, "_processes", {}).values()):  # no public way to stop a busy worker
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def read_apart(message: str, turn: int, question: str = "", known=frozenset()) -> tuple[list[Fact], set[str]]:
    """:func:`~advisor.diagnosis.extraction.extract_rules` in the reader process of the settings in effect. An error
    of the reading itself is raised as it would be here; only a child that cannot start, died or hangs is read around."""
    settings = settings_in_effect()
    pool = None
    try:
        pool = _pool(settings)
        future = pool.submit(_read, message, turn, question, frozenset(known))
        return future.result(settings.long_reading_timeout_s)
    except (BrokenProcessPool, FutureTimeout, OSError, RuntimeError) as error:
        log.warning("long answer read in the serving process: the reader process failed (%s)", type(error).__name__)
        if pool is not None:
            _end(settings, pool)
        with _read_here:
            return extract_rules(message, turn, question, known)


def reader_pid() -> int:
    """The reader process's id (started if need be) for the settings in effect."""
    return _pool(settings_in_effect()).submit(_pid).result(60)


