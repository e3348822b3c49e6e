"""A throwaway PostgreSQL for tests: ``initdb`` in a temporary folder, ``pg_ctl start`` on a free loopback port,
stopped and removed afterwards. PostgreSQL refuses to run as root, and the tests run as root here and in CI, so then
the server runs as the unprivileged ``postgres`` user (``runuser``) in a folder it owns."""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from benchmarks.common import free_port

BIN = Path("/usr/local/bin")
SERVER_USER = "postgres"


def _binary(name: str) -> str | None:
    return shutil.which(name, path=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))


def why_unavailable() -> str | None:
    """Why no server can be started on this machine (None: it can)."""
    missing = [name for name in ("initdb", "pg_ctl") if _binary(name) is None]
    return f"PostgreSQL is not installed: no {' or '.join(missing)} in {BIN} or on PATH" if missing else None


class PostgresServer:
    def __init__(self) -> None:
        # under /tmp, not pytest's tmp_path: the server user must be able to reach it (pytest's folders are 0700)
        self.folder = Path(tempfile.mkdtemp(prefix="advisor-postgres-"))
        self.port = free_port()
        self._as_server_user = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
        self._databases = itertools.count(1)

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as_server_user, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.folder / "server.log"
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr.strip()}\n"
                               + (log.read_text("utf-8", "replace")[-2000:] if log.exists() else ""))

    def start(self) -> PostgresServer:
        if self._as_server_user:
            shutil.chown(self.folder, SERVER_USER, SERVER_USER)  # KeyError: no such user, said by its name
        data = str(self.folder / "data")
        self._run(_binary("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        # the socket in our folder (the default /var/run/postgresql may not be writable); fsync off: throwaway data
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(_binary("pg_ctl"), "-D", data, "-l", str(self.folder / "server.log"), "-o", options, "-w", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database: each test its own, so none sees another's rows."""
        name = f"test_{next(self._databases)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(_binary("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def main() -> None:
    """``PYTHONPATH=. python tests/postgres_server.py [DATABASE]``: a throwaway server for a demo
    (scripts/serve-cluster.sh). Prints the URL of the new, empty database ``DATABASE`` (default ``advisor``) on one
    line, then runs until SIGTERM or Ctrl-C and removes everything."""
    import signal
    import sys
    reason = why_unavailable()
    if reason:
        raise SystemExit(reason)
    name = sys.argv[1] if len(sys.argv) > 1 else "advisor"
    server = PostgresServer().start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # SystemExit: the finally below stops the server
    try:
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        print(server.url(name), flush=True)
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
