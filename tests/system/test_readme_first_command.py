"""The README's first command, followed as a new user would on a fresh machine:
install into a new virtual environment, `rehearse serve` on a free port, fetch the sign-in page."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def project_files() -> list[str]:
    """What a fresh clone holds: tracked files plus new ones not ignored."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A copy of the project installed with `python -m pip install -e .` in a new venv."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the project's files")
    base = tmp_path_factory.mktemp("new-user")
    clone = base / "rehearse"
    for name in project_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", "."],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    return clone, venv / "bin" / "rehearse"


def test_rehearse_serve_prepares_the_database_loads_the_bank_and_serves(installed):
    clone, rehearse = installed
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "REHEARSE_ENV", "REHEARSE_INSTANCE_PATH")
    }
    server = subprocess.Popen(
        [str(rehearse), "serve", "--port", str(port)],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Rehearse is running on" in line:
                break
        output = "".join(lines)
        assert f"Rehearse is running on http://127.0.0.1:{port}/" in output, output
        loaded = re.search(r"Loaded the question bank: (\d+) added", output)
        assert loaded and int(loaded.group(1)) >= 60, output

        html = ""
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login", timeout=5) as response:
                    assert response.status == 200
                    assert response.headers["Server"].startswith("gunicorn")
                    html = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert "<title>Sign in · Rehearse</title>" in html
        assert (clone / "instance" / "rehearse.db").exists()
        assert (clone / "instance" / "secret_key").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
