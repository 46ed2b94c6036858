"""A throwaway PostgreSQL server for tests, started from the local binaries.

Tests of the PostgreSQL gazetteer run against a real server, never a mock.
:func:`temporary_server` finds ``initdb`` and ``pg_ctl`` (on ``PATH`` or under
``/usr/lib/postgresql/*/bin``, where Debian puts them), creates a cluster in a
temporary directory, starts it on a free local port, and removes it all
afterwards. Run as root, it runs the server as the ``postgres`` user, since
PostgreSQL refuses to run as root.

Set ``LGDS_TEST_POSTGRES_DSN`` to use a server you already have instead.

The pytest fixture ``postgres_dsn`` (in ``tests/conftest.py`` of this
repository, or your own) wraps this; when no server can be had it skips with
the reason, except under CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["PostgresUnavailable", "find_binaries", "temporary_server"]

DSN_VARIABLE = "LGDS_TEST_POSTGRES_DSN"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found or started here; the message says why."""


def find_binaries() -> Path:
    """Return the directory holding ``initdb`` and ``pg_ctl``, newest version first.

    Raises:
        PostgresUnavailable: PostgreSQL's server binaries are not installed.
    """
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("initdb")
    for candidate in [*debian, *([str(Path(on_path).parent)] if on_path else [])]:
        if all((Path(candidate) / tool).exists() for tool in ("initdb", "pg_ctl", "createdb")):
            return Path(candidate)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install them, e.g. "
        "`apt-get install postgresql`, or set " + DSN_VARIABLE
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        runuser = shutil.which("runuser") or shutil.which("su")
        if runuser is None:
            raise PostgresUnavailable("running as root and neither runuser nor su is available")
        if runuser.endswith("runuser"):
            return [runuser, "-u", "postgres", "--", *command]
        return [runuser, "postgres", "-s", "/bin/sh", "-c", " ".join(command)]
    return command


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = subprocess.run(
        _as_server_user(command), capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode != 0:
        raise PostgresUnavailable(
            f"{Path(command[0]).name} failed ({result.returncode}): "
            f"{(result.stderr or result.stdout).strip()[-500:]}"
        )
    return result


@contextmanager
def temporary_server(
    *, database: str = "lgds_test", settings: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Start a PostgreSQL server for the ``with`` block; yield its connection string.

    ``settings`` are extra server settings (``{"shared_buffers": "4GB"}``); the
    server always runs without fsync, for speed, so it is for tests only.

    Raises:
        PostgresUnavailable: no binaries, or the server would not start.
    """
    extra = ""
    for name, value in (settings or {}).items():
        if not re.fullmatch(r"[a-z_]+", name) or not re.fullmatch(r"[\w.]+", value):
            raise ValueError(f"not a plain server setting: {name}={value!r}")
        extra += f" -c {name}={value}"
    existing = os.environ.get(DSN_VARIABLE)
    if existing:
        yield existing
        return
    bindir = find_binaries()
    root = Path(tempfile.mkdtemp(prefix="lgds-pg-"))
    data = root / "data"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    port = _free_port()
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off{extra}")
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
              str(root / "server.log"), "-w", "-t", "60", "start"])
        try:
            _run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
                  "postgres", database])
            yield f"postgresql://postgres@127.0.0.1:{port}/{database}"
        finally:
            subprocess.run(
                _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "-w", "stop"]),
                capture_output=True, check=False,
            )
            time.sleep(0.1)
    finally:
        shutil.rmtree(root, ignore_errors=True)
