"""Earlier versions of the scorer, for comparison: their files are taken from git history and run
in a separate process (they are a package named `app` too).

    kp1_scores([(reference, answer, key_points, prompt), ...]) -> [(value, [covered, ...]), ...]
    kp2_scores(...)  # the same for kp-2

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
KP1_FILES = ("app/scoring.py", "app/scoring_terms.py")
KP2_COMMIT = "f705ac9"  # the last commit with SCORER_VERSION kp-2
KP2_FILES = (
    "app/scoring.py",
    "app/scoring_key_points.py",
    "app/scoring_meaning.py",
    "app/scoring_terms.py",
    "app/scoring_text.py",
    "app/data/scoring_terms.toml",
    "app/data/scoring_params.toml",
)

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
    return scores_at(KP1_COMMIT, KP1_FILES, tasks)


def kp2_scores(tasks: Sequence[Task]) -> list[tuple[float, list[bool]]] | None:
    return scores_at(KP2_COMMIT, KP2_FILES, tasks)


def scores_at(commit: str, files: Sequence[str], tasks: Sequence[Task]) -> list[tuple[float, list[bool]]] | None:
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "app"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        for name in files:
            try:
                source = subprocess.run(
                    ["git", "show", f"{commit}:{name}"], cwd=ROOT, capture_output=True, check=True, text=True
                ).stdout
            except (OSError, subprocess.CalledProcessError):
                return None
            (package / Path(name).relative_to("app")).write_text(source, encoding="utf-8")
        payload = json.dumps([[r, a, list(k), p] for r, a, k, p in tasks])
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER], cwd=tmp, input=payload, capture_output=True, check=True, text=True
        )
        return [(float(v), list(c)) for v, c in json.loads(done.stdout)]
