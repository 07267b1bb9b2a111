"""The answer scorer's word lists, read from the data file app/data/scoring_terms.toml.

The file holds stop words, spelling variants, the abbreviations and synonym groups of the field,
which narrower terms also say a broader one, and the words that turn a statement around
(negations, directions, passive voice). Changing it changes scores: bump
`app.scoring.SCORER_VERSION` with it (tests/unit/test_scoring_version.py checks).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

TERMS_FILE = "scoring_terms.toml"


def read_data(name: str) -> bytes:
    """The bytes of a data file shipped in app/data/."""
    return resources.files("app").joinpath("data", name).read_bytes()


def _load() -> dict[str, Any]:
    return tomllib.loads(read_data(TERMS_FILE).decode("utf-8"))


_DATA = _load()
_WORDS = _DATA["words"]
_MEANING = _DATA["meaning"]

STOP_WORDS: frozenset[str] = frozenset(_WORDS["stop"])
JOIN_PREFIXES: frozenset[str] = frozenset(_WORDS["join_prefixes"])
GENERIC_WORDS: frozenset[str] = frozenset(_WORDS["generic"])
ISE_EXCEPTIONS: frozenset[str] = frozenset(_WORDS["ise_exceptions"])
BRITISH_PREFIXES: dict[str, str] = dict(_WORDS["british_prefixes"])
WORD_STEMS: dict[str, str] = dict(_WORDS["stems"])
STEM_ALIASES: dict[str, str] = dict(_WORDS["stem_aliases"])
NO_ANSWER_WORDS: frozenset[str] = frozenset(_WORDS["no_answer"])
NO_ANSWER_MARKERS: frozenset[str] = frozenset(_WORDS["no_answer_markers"])
VAGUE_WORDS: frozenset[str] = frozenset(_WORDS["vague"])

ABBREVIATIONS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _DATA["abbreviations"].items()}
SYNONYMS: tuple[tuple[str, ...], ...] = tuple(tuple(group) for group in _DATA["groups"]["synonyms"])
BROADER: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _DATA["broader"].items()}

NEGATIONS: frozenset[str] = frozenset(_MEANING["negation"])
NEGATION_PHRASES: tuple[tuple[str, ...], ...] = tuple(tuple(p.split()) for p in _MEANING["negation_phrases"])
NOT_NEGATION: tuple[tuple[str, ...], ...] = tuple(tuple(p.split()) for p in _MEANING["not_negation"])
CLAUSE_WORDS: frozenset[str] = frozenset(_MEANING["clause_words"])
UP_WORDS: frozenset[str] = frozenset(_MEANING["up"])
DOWN_WORDS: frozenset[str] = frozenset(_MEANING["down"])
DIRECTION_VERBS: frozenset[str] = frozenset(_MEANING["direction_verbs"])
SYMMETRIC_WORDS: frozenset[str] = frozenset(_MEANING["symmetric"])
PASSIVE_WORDS: frozenset[str] = frozenset(_MEANING["passive"])
ANTONYMS: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in _MEANING["antonyms"])
MEASURED_RESULT_WORDS: frozenset[str] = frozenset(_MEANING["measured_result_words"])
MEASURES: frozenset[str] = frozenset(_MEANING["measures"])
MEASURE_UNITS: frozenset[str] = frozenset(_MEANING["measure_units"])
NOT_MEASURES: frozenset[str] = frozenset(_MEANING["not_measures"])
