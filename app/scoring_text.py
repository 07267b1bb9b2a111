"""How the answer scorer reads a text: words, sentences, the field's terms, and what turns a
statement around (negations, directions, measured results).

Every text (answer, reference answer, key point, question) goes through `analyse`, which returns
its units in order: one per content word or recognised phrase of the field, each with its
sentence, the direction it states ("less memory": down) and whether a negation reaches it
("does not ignore magnitude": "ignore" and "magnitude" are negated). Pure and cached.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

from app.scoring_terms import (
    ABBREVIATIONS,
    BRITISH_PREFIXES,
    BROADER,
    CLAUSE_WORDS,
    DIRECTION_VERBS,
    DOWN_WORDS,
    GENERIC_WORDS,
    ISE_EXCEPTIONS,
    JOIN_PREFIXES,
    MEASURE_UNITS,
    MEASURED_RESULT_WORDS,
    MEASURES,
    NEGATION_PHRASES,
    NEGATIONS,
    NOT_MEASURES,
    NOT_NEGATION,
    STEM_ALIASES,
    STOP_WORDS,
    SYNONYMS,
    UP_WORDS,
    WORD_STEMS,
)

UP = "~up"
DOWN = "~down"
MEASURED = "~measured_result"  # a number tied to a measure ("recall@10 from 0.74 to 0.81")

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ISE_RE = re.compile(r"^(\w{4,})is(e|es|ed|ing|er|ers|ation|ations|able)$")
_YSE_RE = re.compile(r"^(\w{3,})ys(e|es|ed|ing|er|ers)$")
_MULTIPLIER_WORDS = frozenset({"times", "fold"})
# A sentence ends at . ! ? followed by space, at a line break or a semicolon, and before a list
# marker ("1.", "2)", "-", "•", "i)") that starts a line.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'’”)]*\s+|\n\s*|;\s*")
_LIST_MARKER_RE = re.compile(r"\s*(?:\d{1,2}[.)]|[-–•●○*▪]|\(?[ivx]{1,4}\)|\(?[a-h]\))\s*", re.IGNORECASE)
_NUMBERED_RE = re.compile(r"\s*(?:\d{1,2}|[ivx]{1,4}|[a-h])\.", re.IGNORECASE)
_NO_SPLIT_BEFORE = frozenset({"e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "fig.", "e.g", "i.e", "resp.", "incl."})
_CLAUSE_PUNCT_RE = re.compile(r"[,;:()\[\]—–]|\s-\s|\n")
_NEGATIVE_ANY = frozenset({"any", "no"})  # "not any more", "no longer": no direction
# "padding is excluded" says what "excludes padding" says: a passive implicit negation reaches
# back to its subject.
_BE_WORDS = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "gotten"})
_ABSORB_WITHIN = 3
_PHRASE_BREAKS = frozenset(
    {
        "through",
        "with",
        "by",
        "for",
        "in",
        "on",
        "at",
        "when",
        "while",
        "because",
        "since",
        "so",
        "to",
        "from",
        "into",
        "via",
        "using",
        "before",
        "after",
        "during",
        "than",
        "which",
        "that",
        "and",
        "or",
        "but",
        "if",
        "unless",
        "where",
        "whereas",
    }
)  # a negation turns round a direction word at most this many words after it
_NUMBER_RE = re.compile(r"(?<![\w@^/])(\d+(?:[.,]\d+)*)\s*(%|[a-zA-Z]+)?")

# snowballstemmer runs the Snowball algorithms in pure Python, or through PyStemmer's C build
# of the same algorithms when that is installed: same stems, a hundred times faster.
_STEMMER = snowballstemmer.stemmer("english")
_BRITISH_PREFIX_RE = re.compile("^(?:" + "|".join(sorted(BRITISH_PREFIXES, key=len, reverse=True)) + ")")


def _american_spelling(word: str) -> str:
    british = _BRITISH_PREFIX_RE.match(word)
    if british:
        return BRITISH_PREFIXES[british.group()] + word[british.end() :]
    if word not in ISE_EXCEPTIONS:
        word = _ISE_RE.sub(r"\1iz\2", word)
        word = _YSE_RE.sub(r"\1yz\2", word)
    return word


@lru_cache(maxsize=65536)
def normalise(word: str) -> str:
    """The comparable form of one word, or "" for a stop word."""
    word = word.lower().replace("’", "'")
    if word in STOP_WORDS:
        return ""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if not word or word in STOP_WORDS:
        return ""
    word = _american_spelling(word)
    stem = WORD_STEMS.get(word) or _STEMMER.stemWord(word)
    return STEM_ALIASES.get(stem, stem)


@dataclass(frozen=True)
class Word:
    norm: str  # "" for a stop word
    start: int
    end: int
    low: str  # the word in lower case, apostrophes straightened

    @property
    def key(self) -> str:
        """How the word takes part in a phrase: stop words by their own spelling."""
        return self.norm or "'" + self.low


def words(text: str) -> list[Word]:
    """The words of `text` with their offsets, compounds like "pre-trained" joined."""
    raw = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    out: list[Word] = []
    i = 0
    while i < len(raw):
        token, start, end = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        low = token.lower().replace("’", "'")
        if nxt and low in JOIN_PREFIXES and text[end : nxt[1]] == "-":
            # "pre-trained" is the word "pretrained", not "pre" and "trained"
            token, end = low + nxt[0], nxt[2]
            i += 1
        elif nxt and low.isdigit() and nxt[0].lower() in _MULTIPLIER_WORDS:
            # "32 times smaller" says the same as "32x smaller"
            token, end = low + "x", nxt[2]
            i += 1
        out.append(Word(normalise(token), start, end, token.lower().replace("’", "'")))
        i += 1
    return out


def is_content(norm: str) -> bool:
    # Single letters ("k" in "recall@k") only count inside a known phrase such as "k-NN".
    return bool(norm) and not norm.startswith("'") and (len(norm) > 1 or norm.isdigit())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or list item of `text`, blank ones left out."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        before = text[max(0, m.start() - 6) : m.start()].lower().split()
        if "\n" not in m.group() and ";" not in m.group():
            if before and before[-1] in _NO_SPLIT_BEFORE:
                continue
            if _NUMBERED_RE.fullmatch(text, start, m.start()):
                continue  # "1. The header...": a list number, not a sentence
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        marker = _LIST_MARKER_RE.match(text, s)
        if marker and marker.end() <= e:
            s = marker.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and _WORD_RE.search(text, s, e):
            out.append((s, e))
    return out


# --------------------------------------------------------------------------- term table


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(w.key for w in words(phrase))


def concept_name(phrase: str) -> str:
    return "~" + "_".join(k.lstrip("'") for k in phrase_key(phrase))


def _build_phrase_table() -> tuple[dict[tuple[str, ...], str], dict[str, frozenset[str]], dict[str, tuple[int, ...]]]:
    """Map each normalised variant to its concept; note what each concept also says."""
    table: dict[tuple[str, ...], str] = {}
    implied: dict[str, set[str]] = {}

    def add(concept: str, variant: str) -> None:
        key = phrase_key(variant)
        # A variant made only of stop words, or one letter alone, would match everywhere;
        # letters together ("q k v", "o n") are specific enough.
        letters_only = len(key) > 1 and all(not k.startswith("'") for k in key)
        if not (letters_only or any(is_content(k) for k in key)):
            return
        table.setdefault(key, concept)  # the first group to claim a variant keeps it

    for abbreviation, expansions in ABBREVIATIONS.items():
        concept = "~" + abbreviation
        add(concept, abbreviation)
        for expansion in expansions:
            add(concept, expansion)
        implied.setdefault(concept, set()).update(n for n in phrase_key(expansions[0]) if is_content(n))
    for group in SYNONYMS:
        for variant in group:
            add(concept_name(group[0]), variant)
    for narrow, broad_terms in BROADER.items():
        concept = table.get(phrase_key(narrow), concept_name(narrow))
        for broad in broad_terms:
            implied.setdefault(concept, set()).add(table.get(phrase_key(broad), concept_name(broad)))
    # For each first word, the lengths of the phrases that start with it, longest first.
    lengths: dict[str, set[int]] = {}
    for key in table:
        lengths.setdefault(key[0], set()).add(len(key))
    return (
        table,
        {c: frozenset(v) for c, v in implied.items()},
        {w: tuple(sorted(ls, reverse=True)) for w, ls in lengths.items()},
    )


_PHRASES, _IMPLIED, _PHRASE_LENGTHS = _build_phrase_table()
# The broader concepts of each narrower one: two concepts that share one are siblings.
BROADER_OF: dict[str, frozenset[str]] = {
    _PHRASES.get(phrase_key(narrow), concept_name(narrow)): frozenset(
        _PHRASES.get(phrase_key(b), concept_name(b)) for b in broad
    )
    for narrow, broad in BROADER.items()
}
_GENERIC_STEMS = frozenset(normalise(w) for w in GENERIC_WORDS)
_MEASURE_STEMS = frozenset(normalise(w) for w in MEASURES) | MEASURES
# Concepts that negate what follows them in their clause ("ignores magnitude" says magnitude
# does not count): the groups named by these words.
IMPLICIT_NEGATIONS = frozenset(concept_name(w) for w in ("ignore", "prevent", "skip")) | frozenset(
    normalise(w) for w in ("avoid", "prevent", "eliminate", "remove", "exclude", "omit")
)


def is_generic(norm: str) -> bool:
    return norm in _GENERIC_STEMS


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Unit:
    """One content word, recognised phrase, direction word or measured number of a text."""

    primary: str  # what a key point asks for: a concept ("~ann"), a stem, UP/DOWN or MEASURED
    features: frozenset[str]  # everything this unit counts as in an answer
    own: tuple[str, ...]  # stems of its own words, for partial credit of a phrase
    start: int  # character offsets in the text
    end: int
    word: int  # index of its first word
    sentence: int
    clause: int
    sign: int = 0  # +1 up, -1 down (after a negation turned it round), 0 no direction
    negated: bool = False  # inside the reach of a negation that it did not absorb
    targets: tuple[int, ...] = ()  # for a direction word: the units whose quantity it moves
    is_generic: bool = False  # made only of common words of the field ("model", "data")

    @property
    def direction_only(self) -> bool:
        return self.primary in (UP, DOWN)

    @property
    def numeric(self) -> bool:
        return self.primary.isdigit()

    @property
    def generic(self) -> bool:
        return self.is_generic


@dataclass(frozen=True)
class Text:
    text: str
    units: tuple[Unit, ...]
    sentences: tuple[tuple[int, int], ...]  # character spans
    sentence_features: tuple[frozenset[str], ...]
    sentence_words: tuple[tuple[int, int], ...]  # (first, end) word index of each sentence
    sentence_units: tuple[tuple[Unit, ...], ...]  # the units of each sentence
    lows: tuple[str, ...]  # every word in lower case, for the passive-voice check
    word_count: int
    stop_count: int
    features: frozenset[str]


def _sign_of(low: str) -> int:
    if low in UP_WORDS:
        return 1
    if low in DOWN_WORDS:
        return -1
    return 0


def _clauses(text: str, ws: list[Word], sentence_of: list[int]) -> list[int]:
    """The clause number of each word: a new clause at punctuation, a new sentence, or a
    clause word ("but", "because", "which")."""
    out: list[int] = []
    clause = 0
    for i, w in enumerate(ws):
        if i and (
            sentence_of[i] != sentence_of[i - 1]
            or _CLAUSE_PUNCT_RE.search(text, ws[i - 1].end, w.start)
            or w.low in CLAUSE_WORDS
        ):
            clause += 1
        out.append(clause)
    return out


def _by_first_word() -> dict[str, tuple[list[tuple[str, ...]], list[tuple[str, ...]]]]:
    """For each first word: the non-negations and the negation phrases that start with it."""
    out: dict[str, tuple[list[tuple[str, ...]], list[tuple[str, ...]]]] = {}
    for p in NOT_NEGATION:
        out.setdefault(p[0], ([], []))[0].append(p)
    for p in NEGATION_PHRASES:
        out.setdefault(p[0], ([], []))[1].append(p)
    return out


_PHRASES_BY_FIRST = _by_first_word()


def _negation_cues(ws: list[Word], covered: list[bool]) -> list[tuple[int, int]]:
    """(first word, last word) of each negation in the text, outside recognised phrases."""
    lows = [w.low for w in ws]
    cues: list[tuple[int, int]] = []
    i = 0
    while i < len(ws):
        if covered[i]:
            i += 1
            continue
        starting = _PHRASES_BY_FIRST.get(lows[i])
        if starting and any(tuple(lows[i : i + len(p)]) == p for p in starting[0]):
            i += 2
            continue
        phrase = next((p for p in starting[1] if tuple(lows[i : i + len(p)]) == p), None) if starting else None
        if phrase:
            cues.append((i, i + len(phrase) - 1))
            i += len(phrase)
            continue
        if lows[i] in NEGATIONS or lows[i].endswith("n't"):
            cues.append((i, i))
        i += 1
    return cues


def _measured_numbers(text: str, ws: list[Word]) -> list[tuple[int, int, int]]:
    """(start, end, word index) of each number tied to a measure: with a unit of one (40 ms,
    3.1%, 10x) or near a measure's name (recall@10 from 0.74 to 0.81); a number of days or
    people is none."""
    starts = [w.start for w in ws]
    found = []
    for m in _NUMBER_RE.finditer(text):
        unit = (m.group(2) or "").lower()
        wi = max(0, bisect.bisect_right(starts, m.start()) - 1)
        if unit in NOT_MEASURES:
            continue
        if unit in MEASURE_UNITS or unit == "%":
            found.append((m.start(), m.end(), wi))
            continue
        near = ws[max(0, wi - 4) : wi + 5]
        if any(w.low in _MEASURE_STEMS or w.norm in _MEASURE_STEMS for w in near) and not any(
            w.low in NOT_MEASURES for w in ws[wi : wi + 2]
        ):
            found.append((m.start(), m.end(), wi))
    return found


@lru_cache(maxsize=4096)
def analyse(text: str, key_point: bool = False) -> Text:
    """The units of `text`. In a key point, words such as "measurable" ask for a measured
    result; in an answer they are ordinary words, and only a measured number says one."""
    ws = words(text)
    spans = sentence_spans(text)
    starts = [s for s, _ in spans]
    sentence_of = [max(0, bisect.bisect_right(starts, w.start) - 1) for w in ws]
    clause_of = _clauses(text, ws, sentence_of)
    keys = [w.key for w in ws]

    raw: list[dict[str, Any]] = []  # units before negation and targets are settled
    covered = [False] * len(ws)
    in_negation = {j for a, b in _negation_cues(ws, covered) for j in range(a, b + 1)}
    i = 0
    while i < len(ws):
        for length in _PHRASE_LENGTHS.get(keys[i], ()):
            concept = i + length <= len(keys) and _PHRASES.get(tuple(keys[i : i + length]))
            if concept:
                own = tuple(k for k in keys[i : i + length] if is_content(k))
                feats = {concept, *own, *_IMPLIED.get(concept, ())}
                sign = next((s for s in (_sign_of(w.low) for w in ws[i : i + length]) if s), 0)
                raw.append(
                    {
                        "primary": concept,
                        "features": feats,
                        "own": own,
                        "first": i,
                        "last": i + length - 1,
                        "sign": sign,
                    }
                )
                for j in range(i, i + length):
                    covered[j] = True
                i += length
                break
        else:
            w = ws[i]
            sign = _sign_of(w.low)
            if key_point and w.low in MEASURED_RESULT_WORDS:
                raw.append({"primary": MEASURED, "features": {MEASURED}, "own": (), "first": i, "last": i, "sign": 0})
            elif sign and i not in in_negation and not (i and ws[i - 1].low in _NEGATIVE_ANY):
                d = UP if sign > 0 else DOWN
                raw.append(
                    {
                        "primary": d,
                        "features": {d},
                        "own": (),
                        "first": i,
                        "last": i,
                        "sign": sign,
                        "verb": w.low in DIRECTION_VERBS,
                    }
                )
            elif is_content(w.norm):
                raw.append(
                    {"primary": w.norm, "features": {w.norm}, "own": (w.norm,), "first": i, "last": i, "sign": 0}
                )
            i += 1
    if not key_point:
        for start, end, wi in _measured_numbers(text, ws):
            raw.append(
                {
                    "primary": MEASURED,
                    "features": {MEASURED},
                    "own": (),
                    "first": wi,
                    "last": wi,
                    "sign": 0,
                    "span": (start, end),
                }
            )
        raw.sort(key=lambda u: u["first"])

    negated = [False] * len(raw)
    signs = [u["sign"] for u in raw]
    cues = [(a, b, False) for a, b in _negation_cues(ws, covered)]
    cues += [(u["first"], u["last"], True) for u in raw if u["primary"] in IMPLICIT_NEGATIONS]
    for first, last, implicit in cues:
        passive = implicit and first > 0 and ws[first - 1].low in _BE_WORDS
        scope = [
            k
            for k, u in enumerate(raw)
            if clause_of[u["first"]] == clause_of[first] and (u["first"] > last or (passive and u["last"] < first))
        ]
        if implicit:
            # "ignores the padding tokens through the attention mask": only the object is ignored
            scope = [k for k in scope if not _phrase_break(ws, last, raw[k]["first"])]
        near = [k for k in scope if raw[k]["first"] - last <= _ABSORB_WITHIN]
        turned = next((k for k in near if signs[k]), None) if not implicit else None
        if turned is not None:
            signs[turned] = -signs[turned]  # "not less memory" says more memory
        else:
            for k in scope:
                negated[k] = not negated[k]

    units: list[Unit] = []
    for k, u in enumerate(raw):
        first, last = u["first"], u["last"]
        start, end = u.get("span", (ws[first].start, ws[last].end))
        primary = u["primary"]
        if primary in (UP, DOWN):
            primary = UP if signs[k] > 0 else DOWN
        unit_feats: frozenset[str] = frozenset(
            u["features"] - {UP, DOWN} | ({primary} if primary in (UP, DOWN) else set())
        )
        than = u["last"] + 1 < len(ws) and ws[u["last"] + 1].low == "than"
        targets = _targets(raw, k, clause_of, than) if signs[k] else ()
        units.append(
            Unit(
                primary,
                unit_feats,
                u["own"],
                start,
                end,
                first,
                sentence_of[first] if ws else 0,
                clause_of[first] if ws else 0,
                signs[k],
                negated[k],
                targets,
                bool(u["own"]) and all(is_generic(n) for n in u["own"]),
            )
        )
    sentence_features = [set[str]() for _ in spans]
    sentence_units: list[list[Unit]] = [[] for _ in spans]
    for unit in units:
        if spans:
            sentence_features[unit.sentence] |= unit.features
            sentence_units[unit.sentence].append(unit)
    sentence_words = [[len(ws), 0] for _ in spans]
    for i, sentence in enumerate(sentence_of):
        if spans:
            sentence_words[sentence][0] = min(sentence_words[sentence][0], i)
            sentence_words[sentence][1] = max(sentence_words[sentence][1], i + 1)
    return Text(
        text,
        tuple(units),
        tuple(spans),
        tuple(frozenset(f) for f in sentence_features),
        tuple((a, b) if b else (0, 0) for a, b in sentence_words),
        tuple(tuple(u) for u in sentence_units),
        tuple(w.low for w in ws),
        len(ws),
        sum(1 for w in ws if not w.norm),
        frozenset(f for u in units for f in u.features),
    )


def _phrase_break(ws: list[Word], cue: int, word: int) -> bool:
    """A preposition or conjunction stands between the cue word and `word` (exclusive): `word` is
    outside the phrase that follows the cue."""
    lo, hi = sorted((cue, word))
    return any(w.low in _PHRASE_BREAKS for w in ws[lo + 1 : hi])


def _targets(raw: list[dict[str, Any]], k: int, clause_of: list[int], than: bool = False) -> tuple[int, ...]:
    """The units whose quantity the direction word `k` moves: the next content unit of its
    clause ("less memory"), and for a verb the one before it too ("the diameter decreases by a
    factor of 10"); the one before when nothing follows ("the learning rate is lower") or when
    "than" follows ("the teacher is larger than the student"). A term of the field that moves
    something by itself ("compresses") moves itself and its neighbours."""
    clause = clause_of[raw[k]["first"]]

    def content(j: int) -> bool:
        return (
            0 <= j < len(raw)
            and raw[j]["primary"] not in (UP, DOWN, MEASURED)
            and clause_of[raw[j]["first"]] == clause
            and bool(raw[j]["own"])
            and not all(is_generic(n) for n in raw[j]["own"])
        )

    after = next((j for j in (k + 1, k + 2) if content(j)), None)
    before = next((j for j in (k - 1, k - 2) if content(j)), None)
    if raw[k]["primary"] not in (UP, DOWN):
        # "faster" moves its own quantity; "shrinks the index" moves the index too
        return (k, *(j for j in (after, before) if j is not None))
    if after is None or (than and before is not None):
        return (before,) if before is not None else ()
    if before is not None and raw[k].get("verb"):
        return (after, before)
    return (after,)
