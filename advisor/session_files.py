"""The files made for a session (reports, charts, exports), kept in a folder of their own under the data folder and
deleted with the session, with the copies the web page served of them. Several processes may share one database
(``ADVISOR_DATABASE_URL``), each with its own data folder: a session deleted through one process, or purged for its
age, leaves files in the others' folders, so each process sweeps its folder for sessions that are gone."""
from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path
from typing import Callable

from advisor.sessions import forget_cached_copies, private_folder, well_formed

log = logging.getLogger(__name__)


class SessionFiles:
    def __init__(self, root: Path, cache: Callable[[], Path]) -> None:
        self.root = root  # <data dir>/files/<session id>/…
        self._cache = cache  # where the page keeps the copies it serves (read when needed: tests change it)

    def folder(self, session_id: str) -> Path:
        return private_folder(self.root / session_id)

    def forget(self, session_id: str) -> None:
        """The session's files and the page's copies of them."""
        folder = self.root / session_id
        forget_cached_copies(self._cache(), [p for p in folder.rglob("*") if p.is_file()])
        shutil.rmtree(folder, ignore_errors=True)

    def forget_gone(self, existing: Callable[[list[str]], set[str]]) -> int:
        """The files of every session that ``existing`` (the store's ids among those given) no longer holds; how
        many sessions' files went."""
        folders = [f.name for f in self.root.iterdir() if f.is_dir() and well_formed(f.name)] \
            if self.root.is_dir() else []
        gone = set(folders) - existing(folders) if folders else set()
        for session_id in gone:
            self.forget(session_id)
        return len(gone)

    def sweep_every(self, seconds: float, existing: Callable[[list[str]], set[str]]) -> threading.Thread:
        """``forget_gone`` now and then every ``seconds``, in a daemon thread (a database that is down is tried
        again next time)."""
        stop = threading.Event()

        def sweep() -> None:
            while True:
                try:
                    self.forget_gone(existing)
                except Exception as exc:  # noqa: BLE001 - housekeeping never stops the app
                    log.warning("could not sweep the files of deleted sessions: %s", exc)
                if stop.wait(seconds):
                    return
        thread = threading.Thread(target=sweep, name="session-files-sweep", daemon=True)
        thread.stop = stop  # type: ignore[attr-defined]
        thread.start()
        return thread
