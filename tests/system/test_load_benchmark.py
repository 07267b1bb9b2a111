"""benchmarks/load.py run briefly on both databases, as benchmarks/README.md tells: it starts
both servers, signs its users in, drives them with wrk and finds every save answered "saved" in
the database. Its speed figures belong in benchmarks/README.md and are not asserted here.

Needs wrk (REQUIRE_WRK=1 makes its absence a failure) and PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.helpers import require
from tests.system.servers import ROOT, clean_environment

pytestmark = pytest.mark.slow

LINE = re.compile(
    r"^autosave db=(?P<db>\w+) users=3 rps=(?P<rps>[\d.]+) p50_ms=[\d.]+ p99_ms=[\d.]+ "
    r"errors=(?P<errors>\d+) lost=(?P<lost>\d+) baseline_rps=(?P<baseline>[\d.]+) ratio=[\d.]+$"
)


def test_the_load_benchmark_drives_both_databases_and_loses_no_save(tmp_path):
    if shutil.which("wrk") is None:
        require("REQUIRE_WRK", "wrk is not installed (Debian package 'wrk')")
    postgres = os.environ.get("TEST_DATABASE_URL")
    if not postgres:
        require("REQUIRE_POSTGRES", "TEST_DATABASE_URL is not set")
    command = [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--users", "3", "--seconds", "3"]
    command += ["--warmup", "1", "--move-after", "3", "--workers", "2", "--rounds", "2"]
    command += ["--database-url", "sqlite", "--database-url", postgres]
    done = subprocess.run(command, cwd=tmp_path, env=clean_environment(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr

    lines = done.stdout.strip().splitlines()
    results = [LINE.match(line) for line in lines[-2:]]
    assert all(results), done.stdout
    assert [r["db"] for r in results] == ["sqlite", "postgresql"]
    for r in results:
        assert (r["errors"], r["lost"]) == ("0", "0"), done.stdout
        assert float(r["rps"]) > 0 and float(r["baseline"]) > 0, done.stdout
    # Both servers were measured in both rounds, and the users also moved between questions: page
    # loads were made, and answered.
    measured = [line.split()[:3] for line in lines if line.lstrip().startswith("round ")]
    assert sorted(measured) == sorted([["round", n, kind] for n in "12" for kind in ("bare", "rehearse")] * 2), (
        done.stdout
    )
    assert (
        sum("pages=" in line for line in lines if line.lstrip().startswith("round ") and " rehearse " in line) == 4
    ), done.stdout
