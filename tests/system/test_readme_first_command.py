"""The README's first command, followed as a new user would on a fresh machine:
install into a new virtual environment, `rehearse serve` on a free port, fetch the sign-in page."""

from __future__ import annotations

import re
import urllib.request

import pytest

from tests.system.servers import clean_environment, copy_project, new_venv, pip_install, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A copy of the project installed with `python -m pip install -e .` in a new venv."""
    base = tmp_path_factory.mktemp("new-user")
    clone = copy_project(base / "rehearse")
    python = new_venv(base / "venv")
    pip_install(python, "-e", ".", cwd=clone)
    return clone, python.parent / "rehearse"


def test_rehearse_serve_prepares_the_database_loads_the_bank_and_serves(installed):
    clone, rehearse = installed
    with serve(rehearse, cwd=clone, env=clean_environment(), workers=2) as server:
        loaded = re.search(r"Loaded the question bank: (\d+) added", server.output)
        assert loaded and int(loaded.group(1)) >= 60, server.output
        with urllib.request.urlopen(f"{server.url}/auth/login", timeout=5) as response:
            assert response.status == 200
            assert response.headers["Server"].startswith("gunicorn")
            html = response.read().decode()
        assert "<title>Sign in · Rehearse</title>" in html
        assert (clone / "instance" / "rehearse.db").exists()
        assert (clone / "instance" / "secret_key").exists()
