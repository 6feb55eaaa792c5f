"""A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary folder, `pg_ctl start`.

Debian's `postgresql` package (which `make test` installs as root) puts the server's programs under
/usr/lib/postgresql/<version>/bin, off the PATH. PostgreSQL refuses to run as root, so as root the
cluster's folder belongs to the `postgres` user and its programs run through `runuser`. The server
listens on a free loopback port and a unix socket in its own folder, never on another address.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

USER = "pse"
MISSING = (
    "PostgreSQL's initdb was not found (on the PATH or under /usr/lib/postgresql/*/bin): "
    "apt-get install postgresql (make test does it as root)"
)


def missing_server() -> None:
    """Without a server: skip with a note on a developer's machine, fail under CI=true."""
    if os.environ.get("CI") == "true":
        pytest.fail(MISSING)
    pytest.skip(MISSING)


def server_bin() -> Path | None:
    """The folder of `initdb` and `pg_ctl`: on the PATH, or the newest Debian version's."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    """Run as `postgres` when we are root (the server will not start as root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def cluster(bin_dir: Path) -> Iterator[str]:
    """Start a cluster; yield the URL of its `postgres` database; stop it and remove its folder."""
    home = Path(tempfile.mkdtemp(prefix="pse-pg-"))
    data, log = home / "data", home / "server.log"
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust"]
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log)]

    def run(command: list[str]) -> None:
        done = subprocess.run(_as_owner(command), capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {done.stderr or done.stdout}\n{tail}")

    try:
        run([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"])
        run([*pg_ctl, "-o", options, "-w", "-t", "60", "start"])
        try:
            yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"
        finally:
            run([*pg_ctl, "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(home, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A fresh, empty database on the cluster, so each test starts from nothing."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'create database "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
