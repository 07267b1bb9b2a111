"""Rehearse installed as a deployment installs it (`python -m pip install .`, no -e) in a new
virtual environment, with the source gone, served from another directory: the migrations and the
question bank come from the installed package."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import urllib.request

import pytest

from tests.system.servers import clean_environment, copy_project, new_venv, pip_install, serve

pytestmark = pytest.mark.slow

HEAD_OF_INSTALLED_MIGRATIONS = """
from alembic.script import ScriptDirectory
from app.config import Config
print(Config.MIGRATIONS_DIR, ScriptDirectory(Config.MIGRATIONS_DIR).get_current_head())
"""


def test_an_installed_package_serves_from_anywhere_without_its_source(tmp_path):
    clone = copy_project(tmp_path / "rehearse")
    python = new_venv(tmp_path / "venv")
    pip_install(python, ".", cwd=clone)
    shutil.rmtree(clone)  # nothing may be found through the source tree
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()

    with serve(python.parent / "rehearse", cwd=elsewhere, env=clean_environment()) as server:
        loaded = re.search(r"Loaded the question bank: (\d+) added", server.output)
        assert loaded and int(loaded.group(1)) >= 60, server.output
        with urllib.request.urlopen(f"{server.url}/auth/login", timeout=5) as response:
            page = response.read().decode()
        assert "<title>Sign in · Rehearse</title>" in page
        stylesheet = re.search(r'href="(/static/[^"]+/css/app\.css)"', page)
        assert stylesheet, page
        with urllib.request.urlopen(f"{server.url}{stylesheet.group(1)}", timeout=5) as response:
            assert response.status == 200 and b"{" in response.read()

    # The data lives in ./instance of the directory it was served from, migrated to the newest schema.
    database = elsewhere / "instance" / "rehearse.db"
    with sqlite3.connect(database) as conn:
        (questions,) = conn.execute("SELECT count(*) FROM question").fetchone()
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert questions == int(loaded.group(1))
    where, head = subprocess.run(
        [str(python), "-c", HEAD_OF_INSTALLED_MIGRATIONS], cwd=elsewhere, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "site-packages" in where
    assert version == head
