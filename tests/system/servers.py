"""What the system tests share: a copy of the project as a fresh clone holds it, a new virtual
environment, and `rehearse serve` running on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Settings a developer's shell may hold that would make a test use something other than its own.
DEPLOYMENT_VARIABLES = (
    "DATABASE_URL",
    "SECRET_KEY",
    "REDIS_URL",
    "REHEARSE_ENV",
    "REHEARSE_INSTANCE_PATH",
    "REHEARSE_SEED_DIR",
    "REHEARSE_PROXIES",
    "WEB_CONCURRENCY",
)


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without deployment settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT_VARIABLES}
    env.update(settings)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def project_files() -> list[str]:
    """What a fresh clone holds: tracked files plus new ones not ignored."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def copy_project(target: Path) -> Path:
    """A copy of the project as a fresh clone would have it."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the project's files")
    for name in project_files():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, path)
    return target


def new_venv(path: Path) -> Path:
    """A new virtual environment; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / "bin" / "python"


def pip_install(python: Path, *args: str, cwd: Path) -> None:
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]


@dataclass
class Served:
    port: int
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def output(self) -> str:
        return "".join(self.lines)


@contextmanager
def serve(
    rehearse: Path | str, *, cwd: Path, env: Mapping[str, str], workers: int = 1, timeout: float = 90
) -> Iterator[Served]:
    """`rehearse serve` on a free port, started and answering; stopped on leaving."""
    port = free_port()
    process = subprocess.Popen(
        [str(rehearse), "serve", "--port", str(port), "--workers", str(workers)],
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(port, process)
    started = threading.Event()

    def read_output() -> None:  # drained all along, so that a chatty server never blocks on its pipe
        for line in process.stdout:
            served.lines.append(line)
            if "Rehearse is running on" in line:
                started.set()
        started.set()

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    try:
        started.wait(timeout)
        assert f"Rehearse is running on http://127.0.0.1:{port}/" in served.output, served.output
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{served.url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(f"rehearse serve is not answering:\n{served.output}") from None
                time.sleep(0.2)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
