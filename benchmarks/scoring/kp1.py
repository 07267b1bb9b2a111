"""The previous scorer, kp-1, for comparison: its two files are taken from git history and run
in a separate process (they are a package named `app` too).

    kp1_scores([(reference, answer, key_points, prompt), ...]) -> [(value, [covered, ...]), ...]

Needs a clone with history; returns None when git cannot give the files.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KP1_COMMIT = "7a652a1"  # the last commit with SCORER_VERSION kp-1
FILES = ("app/scoring.py", "app/scoring_terms.py")

_RUNNER = """
import json, sys
from app.scoring import score_answer
out = []
for reference, answer, key_points, prompt in json.load(sys.stdin):
    s = score_answer(reference, answer, key_points, prompt=prompt)
    out.append([s.value, [kp.covered for kp in s.key_points]])
json.dump(out, sys.stdout)
"""

Task = tuple[str, str, Sequence[str], str]


def kp1_scores(tasks: Sequence[Task]) -> list[tuple[float, list[bool]]] | None:
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "app"
        package.mkdir()
        (package / "__init__.py").write_text("", encoding="utf-8")
        for name in FILES:
            try:
                source = subprocess.run(
                    ["git", "show", f"{KP1_COMMIT}:{name}"], cwd=ROOT, capture_output=True, check=True, text=True
                ).stdout
            except (OSError, subprocess.CalledProcessError):
                return None
            (package / Path(name).name).write_text(source, encoding="utf-8")
        payload = json.dumps([[r, a, list(k), p] for r, a, k, p in tasks])
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER], cwd=tmp, input=payload, capture_output=True, check=True, text=True
        )
        return [(float(v), list(c)) for v, c in json.loads(done.stdout)]
