"""A shared deployment on loopback: a Chroma server and several `pse serve` processes on one database.

Used by the multi-instance test and by `benchmarks/bench_serve.py --instances 2`. The Chroma server
is `chroma run` (the command the chromadb package installs beside Python), started on a copy of an
index that is already built, so no test or benchmark pays for embedding the corpus again: `chroma
run --path` serves the same folder layout a `PersistentClient` writes. Every process listens on
127.0.0.1 only and is stopped when its block ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
CHROMA = BIN / "chroma"
PSE = BIN / "pse"


class NotStarted(RuntimeError):
    """A server of the deployment did not start (missing program, or it exited or hung)."""


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def wait_until(
    url: str,
    ready: Callable[[httpx.Response], bool],
    process: subprocess.Popen[bytes],
    log: Path,
    seconds: float,
) -> None:
    """Poll `url` until `ready` says so; `NotStarted` with the log's end if the process exits or
    the time runs out, so a failure says why instead of timing out later in a request."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NotStarted(f"{process.args!r} exited with {process.returncode}:\n{_tail(log)}")
        try:
            if ready(httpx.get(url, timeout=2)):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    raise NotStarted(f"{url} was not ready after {seconds:.0f} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any PSE_ setting of the caller's, plus `extra`, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSE_")}
    return env | {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"} | extra


@contextmanager
def chroma_server(index_folder: Path, workdir: Path, seconds: float = 60) -> Iterator[str]:
    """`chroma run` on a copy of a built index's `chroma` folder; yields the server's URL."""
    if not CHROMA.exists():
        raise NotStarted(f"{CHROMA} is missing: the chromadb package installs it")
    path = workdir / "chroma-server"
    shutil.copytree(index_folder, path)
    port, log = free_port(), workdir / "chroma.log"
    command = [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=clean_env())
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(f"{url}/api/v2/heartbeat", lambda r: r.status_code == 200, process, log, seconds)
        yield url
    finally:
        _stop(process)


@dataclass
class Instance:
    """One `pse serve` process of the deployment."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path


@contextmanager
def instances(
    count: int,
    workdir: Path,
    database_url: str,
    chroma_url: str,
    seconds: float = 180,
    **extra: str,
) -> Iterator[list[Instance]]:
    """`count` `pse serve` processes, started together, each with its own data folder and port,
    sharing the database and the Chroma server; yields them once every one reports `ok`."""
    started: list[Instance] = []
    with ExitStack() as stack:
        for n in range(count):
            data, port = workdir / f"instance-{n}", free_port()
            data.mkdir(parents=True, exist_ok=True)
            env = clean_env(
                PSE_DATA_DIR=str(data),
                PSE_DATABASE_URL=database_url,
                PSE_CHROMA_URL=chroma_url,
                **extra,
            )
            log = data / "server.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [str(PSE), "serve", "--port", str(port)],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            stack.callback(_stop, process)
            started.append(Instance(f"http://127.0.0.1:{port}", process, env, log))
        for instance in started:
            wait_until(
                f"{instance.url}/api/health",
                lambda r: r.status_code == 200 and r.json()["status"] == "ok",
                instance.process,
                instance.log,
                seconds,
            )
        yield started
