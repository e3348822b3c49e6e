"""Long answers read in a process of their own, so that one owner's long answers do not slow everyone (#25).

The rules are Python: read in a thread of the serving process, a 4,000-character answer holds the interpreter lock
that every other owner's turn needs for the second or so it takes, and two owners sending such answers back to back
pushed the others' turns to seconds. An answer longer than ``Settings.long_message_chars`` is read instead by one
persistent child interpreter (spawned, never forked: a fork of the serving app with its threads once hung; the word
lists and classifiers are prepared there once), one answer at a time, while the serving process only waits. If the
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
import threading
from concurrent.futures import ProcessPoolExecutor

from advisor.config import Settings, settings_in_effect, settings_used
from advisor.diagnosis.extraction import extract_rules, prepare_reader
from advisor.diagnosis.vocabulary import Fact

log = logging.getLogger(__name__)
_pools: dict[str, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()
_child_settings: Settings | None = None  # in the child: the folders of the advisor that started it


def _prepare(settings: Settings) -> None:
    global _child_settings
    _child_settings = settings
    with settings_used(settings):
        prepare_reader()


def _read(message: str, turn: int, question: str, known: frozenset[str]) -> tuple[list[Fact], set[str]]:
    with settings_used(_child_settings or settings_in_effect()):
        return extract_rules(message, turn, question, known)


def _pid() -> int:
    return os.getpid()


def _pool(settings: Settings) -> ProcessPoolExecutor:
    key = str(settings.knowledge_dir)  # what the reader reads (its model caches are the same for any data folder)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                              initializer=_prepare, initargs=(settings,))
        return _pools[key]


def _drop(settings: Settings, pool: ProcessPoolExecutor) -> None:
    with _pools_lock:
        if _pools.get(str(settings.knowledge_dir)) is pool:
            del _pools[str(settings.knowledge_dir)]
    pool.shutdown(wait=False, cancel_futures=True)


def read_apart(message: str, turn: int, question: str = "", known=frozenset()) -> tuple[list[Fact], set[str]]:
    """:func:`~advisor.diagnosis.extraction.extract_rules` in the reader process of the settings in effect."""
    settings = settings_in_effect()
    pool = None
    try:
        pool = _pool(settings)
        return pool.submit(_read, message, turn, question, frozenset(known)).result(settings.long_reading_timeout_s)
    except Exception as error:  # noqa: BLE001 - a child that cannot start, died or hangs: read here, start afresh
        log.warning("long answer read in the serving process: the reader process failed (%s)", type(error).__name__)
        if pool is not None:
            _drop(settings, pool)
        return extract_rules(message, turn, question, known)


def reader_pid() -> int:
    """The reader process's id (started if need be) for the settings in effect."""
    return _pool(settings_in_effect()).submit(_pid).result(60)


def start_reader() -> None:
    """Start the reader process now (the app, before it serves), so the first long answer does not wait for it."""
    _pool(settings_in_effect()).submit(_pid)
