"""How long does score_answer take for a 300-word answer against a 250-word reference with
6 key points? The target is under 5 ms.

    python -m benchmarks.scoring.bench_speed

Three cases, each timed many times and reported as median and 95th percentile:
- cold: every cache emptied first (the first answer after the server starts);
- new answer: the reference and key points seen before, the answer never (the usual case
  in the app: many users answer the same questions);
- repeat: the same answer again (re-rendering a review page).
Writes the figures to timing.txt beside this file; evaluate.py copies them into RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import app.scoring as scoring  # noqa: E402
import app.scoring_key_points as scoring_key_points  # noqa: E402
import app.scoring_meaning as scoring_meaning  # noqa: E402
import app.scoring_text as scoring_text  # noqa: E402
from benchmarks.scoring.project_set import load_bank  # noqa: E402

HERE = Path(__file__).resolve().parent
RUNS = 300


def _question_with_six_key_points(bank):
    """The six-key-point question whose reference is closest to 250 words."""
    six = [q for q in bank.values() if len(q.key_points) == 6]
    return min(six, key=lambda q: abs(len(q.answer.split()) - 250))


def _answers(bank, count: int, words: int = 300) -> list[str]:
    """`count` different 300-word answers made of sentences from the whole bank."""
    sentences = [s.strip() + "." for q in bank.values() for s in q.answer.split(".") if len(s.split()) > 4]
    rng = random.Random(7)
    out = []
    for _ in range(count):
        rng.shuffle(sentences)
        text, n = [], 0
        for s in sentences:
            text.append(s)
            n += len(s.split())
            if n >= words:
                break
        out.append(" ".join(" ".join(text).split()[:words]))
    return out


def _clear_caches() -> None:
    scoring_text.normalise.cache_clear()
    scoring_text.analyse.cache_clear()
    scoring._reference_spans.cache_clear()
    scoring._reference_words.cache_clear()
    scoring._reference_terms.cache_clear()
    scoring_meaning._key_point_pairs.cache_clear()
    scoring_meaning._key_point_comparison.cache_clear()
    scoring_key_points.derive_claims.cache_clear()


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _backends():
    """The stemmer scoring.py picked, and the pure-Python one if that was not it."""
    from snowballstemmer.english_stemmer import EnglishStemmer

    picked = scoring_text._STEMMER
    yield f"{type(picked).__module__}.{type(picked).__name__}", picked
    if not isinstance(picked, EnglishStemmer):
        yield "snowballstemmer pure Python", EnglishStemmer()


def _measure(q, answers) -> list[tuple[str, list[float]]]:
    def score(answer: str):
        return scoring.score_answer(q.answer, answer, q.key_points, prompt=q.prompt)

    cold = []
    for a in answers[:50]:
        _clear_caches()
        cold.append(_time(lambda a=a: score(a)))
    _clear_caches()
    score(answers[0])  # the question's own texts are now cached
    new = [_time(lambda a=a: score(a)) for a in answers[1:]]
    repeat = [_time(lambda: score(answers[0])) for _ in range(RUNS)]
    return [("cold (all caches empty)", cold), ("new answer, question seen before", new), ("same answer again", repeat)]


def main() -> int:
    bank = load_bank()
    q = _question_with_six_key_points(bank)
    answers = _answers(bank, RUNS)
    original = scoring_text._STEMMER
    rows = []
    try:
        for name, stemmer in _backends():
            scoring_text._STEMMER = stemmer
            for case, xs in _measure(q, answers):
                p95 = statistics.quantiles(xs, n=20)[-1]
                rows.append(f"| {name} | {case} | {len(xs)} | {statistics.median(xs):.2f} | {p95:.2f} |")
    finally:
        scoring_text._STEMMER = original
        _clear_caches()

    load = os.getloadavg()
    lines = [
        f"`python -m benchmarks.scoring.bench_speed`: `{q.slug}` (reference {len(q.answer.split())} words, "
        f"{len(q.key_points)} key points), answers of {len(answers[0].split())} words; Python "
        f"{platform.python_version()} on {platform.machine()}, one core, SCORER_VERSION "
        f"`{scoring.SCORER_VERSION}`; machine load average {load[0]:.2f} (1 min) on {os.cpu_count()} cores "
        "while measuring.",
        "",
        "| stemmer | case | runs | median ms | p95 ms |",
        "| --- | --- | --- | --- | --- |",
        *rows,
    ]
    text = "\n".join(lines)
    print(text)
    (HERE / "timing.txt").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
