"""Behaviour of the answer scorer (app/scoring.py): what it credits, what it refuses to credit,
and the shape of what it returns to the review page."""

import itertools
import json
import math

import pytest

from app import scoring, scoring_text
from app.scoring import SCORER_VERSION, KeyPointResult, Score, highlight_spans, score_answer
from app.scoring_terms import ABBREVIATIONS, SYNONYMS

# A question from the bank (seed/questions/04-vector-search.toml), shortened reference.
PROMPT = "What is approximate nearest-neighbour (ANN) search, and why do embedding systems depend on it?"
REFERENCE = (
    "Nearest-neighbour search returns the k stored vectors most similar to a query. Done exactly, "
    "it compares the query with every vector, so exact search is linear in corpus size. Classic "
    "exact index structures do not help, because the curse of dimensionality defeats tree indexes. "
    "ANN trades a little recall for large speed-ups: indexes such as HNSW graphs, IVF clustering and "
    "product quantization examine only a small fraction of the data. Quality is recall@k measured "
    "against exact search. And brute force is fine for small collections: up to about a million "
    "vectors an exact scan is fast and needs no tuning."
)
KEY_POINTS = (
    "exact search is linear in corpus size",
    "curse of dimensionality defeats tree indexes",
    "ANN trades a little recall for large speed-ups",
    "recall@k measured against exact search",
    "brute force is fine for small collections",
)
PRECISE = (
    "Exact search compares the query with every vector, so its cost is linear in the corpus size, and "
    "kd-trees fail because of the curse of dimensionality. ANN gives up a little recall for big speed-ups, "
    "measured as recall@k against exact search; for small collections brute force is fine."
)
PADDING = (
    " Outside work I love baking sourdough bread, hiking in the mountains with my family, playing the "
    "piano in a jazz band, growing tomatoes on the balcony, reading historical novels about sailing "
    "ships, and watching football on Sunday afternoons with friends from the village choir."
)


def _score(answer, key_points=KEY_POINTS, reference=REFERENCE, prompt=PROMPT):
    return score_answer(reference, answer, key_points, prompt=prompt)


def _coverage(score, key_point):
    return next(kp for kp in score.key_points if kp.text == key_point)


# --------------------------------------------------------------------------- matching


def test_an_abbreviation_covers_its_expansion_and_the_other_way_round():
    key_point = "graph indexes like HNSW lead recall at given latency"
    answer = "Hierarchical navigable small world graphs give the best recall at a given latency."
    spelled_out = _score(answer, [key_point])
    assert _coverage(spelled_out, key_point).covered

    key_point = "ANN trades a little recall for large speed-ups"
    answer = "Approximate nearest neighbour search trades recall for a large speed-up."
    short = _score(answer, [key_point], prompt="")
    assert _coverage(short, key_point).covered


@pytest.mark.parametrize(
    ("key_point", "answer"),
    [
        (
            "product quantization compresses vectors for memory",
            "PQ compresses the vectors so they take far less memory.",
        ),
        (
            "IVF clustering probes the nearest cells",
            "The inverted file index clusters the data and probes only the nearest cells.",
        ),
        ("small learning rate with warmup", "Use a small LR and a warm-up phase."),
        (
            "fp16 narrow range, bf16 wide range",
            "Half precision has a narrow range, while bfloat16 has a wide range.",
        ),
        (
            "int8 is about 4x smaller than float32",
            "8-bit integers are four times smaller than fp32.",
        ),
        (
            "measure the OOV rate on your own data",
            "Measure how many out-of-vocabulary words there are on your own data.",
        ),
        (
            "DDP replicates the model and all-reduces gradients",
            "Distributed data parallel replicates the model and all-reduces gradients.",
        ),
        (
            "BM25 plus dense fusion for hybrid search",
            "Fuse keyword search and dense retrieval for hybrid search.",
        ),
        (
            "MRR rewards the rank of the first relevant result",
            "Mean reciprocal rank rewards the rank of the first relevant result.",
        ),
    ],
)
def test_abbreviations_and_synonyms_of_the_field_cover_key_points(key_point, answer):
    score = score_answer("", answer, [key_point])
    assert _coverage(score, key_point).covered, score.key_points


def test_stemming_and_british_or_american_spelling_do_not_matter():
    key_point = "verify retrieval quality after quantizing"
    for answer in (
        "After quantising the vectors, verify the retrieval quality.",
        "Once the index is quantized, verify that retrieval quality holds.",
        "Verifying retrieval quality matters after quantization.",
    ):
        score = score_answer("", answer, [key_point])
        assert _coverage(score, key_point).coverage == pytest.approx(1.0), answer
    answer = "Normalize vectors; the neighbors are the same."
    american = score_answer("", answer, ["normalised vectors", "neighbours"])
    assert american.key_points[0].coverage == pytest.approx(1.0)
    assert "neighbors" in american.matched_terms


def test_word_order_does_not_matter():
    key_point = "cosine ignores magnitude, dot product does not"
    score = score_answer("", "The dot product depends on magnitude, which cosine ignores.", [key_point])
    assert _coverage(score, key_point).coverage == pytest.approx(1.0)


def test_multi_word_terms_match_as_one_term():
    key_point = "curse of dimensionality defeats tree indexes"
    score = score_answer("", "Because of the curse of dimensionality, kd-trees are defeated.", [key_point])
    result = _coverage(score, key_point)
    assert result.covered
    assert "curse of dimensionality" in result.matched_terms


def test_stop_words_never_count_as_matches():
    score = _score("It is what it is, and that is all there is to it for the most part.")
    assert score.value == 0.0
    assert score.matched_terms == ()
    stop_only = score_answer("", "the of and in is", ["the curse of the tree"])
    assert stop_only.key_points[0].matched_terms == ()


def test_a_missing_key_point_is_reported_missed():
    score = _score("Exact search compares the query with every vector, so it is linear in the corpus size.")
    assert "exact search is linear in corpus size" in score.covered
    assert "curse of dimensionality defeats tree indexes" in score.missed
    assert set(score.covered) | set(score.missed) == set(KEY_POINTS)


# --------------------------------------------------------------------------- what is not rewarded


@pytest.mark.parametrize("answer", ["", "   ", "\n\t  \n"])
def test_an_empty_answer_scores_zero_with_every_key_point_missed(answer):
    score = _score(answer)
    assert score.value == 0.0
    assert score.missed == list(KEY_POINTS)
    assert all(kp.coverage == 0.0 and kp.matched_terms == () for kp in score.key_points)
    assert sum(score.components.values()) == 0.0


def test_copying_the_question_scores_low():
    copied = _score(PROMPT)
    reworded = _score("Approximate nearest neighbour search is what embedding systems depend on; ANN matters.")
    precise = _score(PRECISE)
    assert copied.value < 0.1
    assert reworded.value < 0.15
    assert precise.value > 0.6


def test_a_prompt_term_counts_once_the_key_point_is_actually_made():
    prompt = "Explain recall@k, MRR and nDCG. What does each one reward?"
    key_point = "MRR rewards the rank of the first relevant result"
    named_only = score_answer("", "MRR is MRR.", [key_point], prompt=prompt)
    explained = score_answer(
        "", "MRR rewards the rank of the first relevant result in the list.", [key_point], prompt=prompt
    )
    assert _coverage(named_only, key_point).coverage == 0.0
    assert _coverage(explained, key_point).coverage == pytest.approx(1.0)


def test_padding_with_unrelated_words_does_not_beat_the_short_precise_answer():
    precise = _score(PRECISE)
    padded = _score(PRECISE + PADDING + PADDING.replace("I love", "I also enjoy"))
    assert padded.value < precise.value
    assert padded.components.get("padding_penalty", 0.0) < 0


def test_an_on_topic_long_answer_is_not_treated_as_padding():
    score = _score(REFERENCE)
    assert "padding_penalty" not in score.components
    assert score.value > 0.9


def test_a_bare_list_of_key_point_words_costs_something():
    listed = _score("exact linear corpus; curse dimensionality trees; ANN recall speed-ups; recall@k; brute small")
    assert listed.components.get("keyword_list_penalty", 0.0) < 0
    assert listed.value < _score(PRECISE).value


def test_off_topic_answer_scores_low():
    score = _score("I would normalise the database schema, add indexes on foreign keys and cache hot rows in Redis.")
    assert score.value < 0.15


# --------------------------------------------------------------------------- no key points


def test_without_key_points_they_are_derived_from_the_reference_and_marked_so():
    good = score_answer(REFERENCE, PRECISE, prompt=PROMPT)
    unrelated = score_answer(REFERENCE, "I enjoy baking bread and hiking with friends.", prompt=PROMPT)
    assert good.derived_key_points and all(kp.derived for kp in good.key_points)
    assert [kp.text for kp in good.key_points] == scoring.derive_key_points(REFERENCE)
    assert set(good.components) >= {"key_point_coverage", "reference_overlap"}
    assert good.value > 0.5 > unrelated.value
    assert good.matched_terms
    for kp in good.key_points:
        start, end = kp.reference_span
        assert REFERENCE[start:end] == kp.text


# --------------------------------------------------------------------------- the returned value


@pytest.mark.parametrize(
    "answer",
    [
        PRECISE,
        REFERENCE * 3,
        PRECISE + PADDING * 5,
        "42 " * 400,
        "ANN " * 300,
        "ÄÖÜ ñ 漢字 — ∑",
        "k-NN, O(N·d), recall@10!",
    ],
)
def test_the_value_stays_in_0_to_1_and_the_components_add_up(answer):
    score = _score(answer)
    assert 0.0 <= score.value <= 1.0
    assert math.fsum(score.components.values()) == pytest.approx(score.value, abs=1e-12)
    for name, contribution in score.components.items():
        assert contribution == pytest.approx(score.parts[name] * score.weights[name])
    for kp in score.key_points:
        assert 0.0 <= kp.coverage <= 1.0
        assert kp.covered == (kp.status == "covered")
        assert kp.status in scoring.STATUSES
    assert score.version == SCORER_VERSION


def test_the_components_are_explained_in_words():
    score = _score(PRECISE + PADDING * 2)
    lines = score.explain()
    assert len(lines) == len(score.components)
    assert lines[0].startswith(f"{score.key_point_summary()}: credit ")
    assert score.key_point_summary().startswith(f"{len(score.covered)} of {len(score.key_points)} key points covered")
    assert any(line.startswith("minus ") for line in lines)


def test_scoring_is_deterministic():
    first = _score(PRECISE + PADDING).to_dict()
    scoring_text.analyse.cache_clear()
    scoring_text.normalise.cache_clear()
    second = _score(PRECISE + PADDING).to_dict()
    assert first == second


def test_to_dict_is_json_and_from_dict_reads_it_back():
    score = _score(PRECISE + PADDING)
    stored = json.loads(json.dumps(score.to_dict()))
    again = Score.from_dict(stored)
    assert again == score
    assert again.covered == score.covered and again.missed == score.missed
    assert isinstance(again.key_points[0], KeyPointResult)
    assert Score.from_dict(_score("").to_dict()) == _score("")


def test_matched_terms_are_the_answers_own_words():
    score = _score(PRECISE)
    assert score.matched_terms
    for term in score.matched_terms:
        assert term in PRECISE
    assert len({t.lower() for t in score.matched_terms}) == len(score.matched_terms)
    for kp in score.key_points:
        if kp.status in ("covered", "partly"):
            assert {t.lower() for t in kp.matched_terms} <= {t.lower() for t in score.matched_terms}


# --------------------------------------------------------------------------- highlighting


def test_highlight_spans_are_the_offsets_of_every_whole_word_occurrence():
    answer = "HNSW is fast. Tune hnsw graphs, not HNSWlib or preHNSW."
    spans = highlight_spans(answer, ["HNSW"])
    assert spans == [(0, 4), (19, 23)]
    assert [answer[s:e] for s, e in spans] == ["HNSW", "hnsw"]


def test_highlight_spans_are_sorted_and_merged_where_terms_overlap():
    answer = "Approximate nearest neighbour search beats exact nearest-neighbour search."
    spans = highlight_spans(answer, ["neighbour search", "nearest neighbour", "exact", "Approximate nearest"])
    assert spans == sorted(spans)
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans))
    assert answer[spans[0][0] : spans[0][1]] == "Approximate nearest neighbour search"
    assert (answer.index("exact"), answer.index("exact") + 5) in spans


def test_highlight_spans_of_a_score_cover_its_matched_terms():
    score = _score(PRECISE)
    spans = highlight_spans(PRECISE, score.matched_terms)
    marked = " ".join(PRECISE[s:e].lower() for s, e in spans)
    for term in score.matched_terms:
        assert term.lower() in marked
    assert highlight_spans(PRECISE, []) == []
    assert highlight_spans("", ["ANN"]) == []


def test_highlight_spans_match_phrases_across_line_breaks():
    answer = "Use approximate nearest\nneighbour search."
    assert highlight_spans(answer, ["approximate nearest neighbour"]) == [(4, 33)]


# --------------------------------------------------------------------------- the term table


def test_no_variant_in_the_term_table_belongs_to_two_groups():
    claimed = {}
    groups = [("~" + abbr, (abbr, *expansions)) for abbr, expansions in ABBREVIATIONS.items()]
    groups += [(scoring_text.concept_name(group[0]), group) for group in SYNONYMS]
    conflicts = []
    for concept, variants in groups:
        for variant in variants:
            key = scoring_text.phrase_key(variant)
            if claimed.setdefault(key, concept) != concept:
                conflicts.append((variant, claimed[key], concept))
    assert conflicts == []
    names = [concept for concept, _ in groups]
    assert len(names) == len(set(names))


def test_the_pure_python_and_c_stemmers_agree():
    stemmer_c = pytest.importorskip("Stemmer").Stemmer("english")
    from snowballstemmer.english_stemmer import EnglishStemmer

    pure = EnglishStemmer()
    words = {w for text in (REFERENCE, PRECISE, PADDING) for w in text.lower().split()}
    words |= {"quantization", "quantizing", "normalized", "neighbors", "generalization", "hierarchical"}
    assert {w: stemmer_c.stemWord(w) for w in words} == {w: pure.stemWord(w) for w in words}


# --------------------------------------------------------------------------- kp-3


@pytest.mark.parametrize(
    "answer", ["No response.", "No submission.", "I don't know", "N/A", "-", "No idea, sorry", "Empty submission."]
)
def test_an_answer_that_says_there_is_no_answer_scores_zero(answer):
    score = score_answer(REFERENCE, answer, prompt=PROMPT)
    assert score.value == 0.0
    assert all(kp.status == "missed" and kp.evidence is None for kp in score.key_points)


def test_no_to_a_yes_or_no_question_is_an_answer():
    reference = "No. Real traffic comes in bursts, so arrivals are not independent."
    prompt = "Does the assumption of independent arrivals hold for real internet traffic?"
    assert (
        score_answer(reference, "No, traffic comes in bursts, so arrivals are not independent.", prompt=prompt).value
        > 0.5
    )
    assert not scoring.is_no_answer("No.", reference)
    assert scoring.is_no_answer("No answer.", reference)


def test_a_string_of_terms_names_key_points_without_making_them():
    stuffed = (
        "exact search, linear, corpus size, curse of dimensionality, tree indexes, ANN, recall, speed-ups, "
        "recall@k, exact search, brute force, small collections. All of these matter to me."
    )
    score = _score(stuffed)
    listed = [kp for kp in score.key_points if kp.status == "partly"]
    assert len(listed) >= 4
    for kp in listed:
        assert kp.reason == scoring.LISTED_REASON
        assert kp.evidence_text and kp.evidence_text in stuffed and "All of these" not in kp.evidence_text
    assert not score.covered
    assert score.value < _score(PRECISE).value / 2


def test_a_list_is_the_answer_when_the_question_asks_for_a_number_of_things():
    prompt = "Name 3 index families used for approximate nearest-neighbour search."
    key_points = ("graph indexes such as HNSW", "IVF clustering", "product quantization")
    answer = "HNSW graph indexes, IVF clustering with inverted lists, product quantization codes, LSH hashing."
    score = score_answer("", answer, key_points, prompt=prompt)
    assert score.covered == list(key_points)


def test_the_opposite_word_contradicts_a_key_point():
    key_point = "underfitting: train and validation error both high"
    wrong = score_answer("", "When train and validation error are both high, the model is overfitting.", [key_point])
    right = score_answer("", "When train and validation error are both high, the model is underfitting.", [key_point])
    assert wrong.key_points[0].status == "contradicted"
    assert wrong.key_points[0].reason == "you said the opposite"
    assert right.key_points[0].status == "covered"


def test_a_key_point_that_names_both_opposites_is_not_contradicted_by_one_of_them():
    key_point = "binary logistic loss for the positive versus k negatives"
    answer = "It trains a binary logistic loss: the observed word is the positive, k sampled words the negatives."
    assert score_answer("", answer, [key_point]).key_points[0].status == "covered"


def test_a_passive_implicit_negation_says_what_the_active_one_says():
    key_point = "mean pooling with the attention mask excludes padding"
    answer = "Mean pooling averages the token vectors using the attention mask, so that padding is excluded."
    assert score_answer("", answer, [key_point]).key_points[0].status == "covered"


def test_numbers_and_directions_the_question_does_not_give_are_the_answers_own():
    prompt = "What happens to the collision domain diameter if you increase the speed of a network by a factor of 10?"
    reference = "Diameter decreases by a factor of 10, e.g. 300m to 30m."
    right = score_answer(reference, "The collision domain diameter decreases by a factor of 10.", prompt=prompt)
    wrong = score_answer(reference, "The collision domain diameter will be increased.", prompt=prompt)
    assert right.parts["copy_penalty"] < wrong.parts["copy_penalty"]
    assert right.value > 2 * wrong.value
    worked = "P(B) = 0.6^3 * 0.4^3 = 0.0138, P(C) = 20 * 0.0138 = 0.276, so B, C, A."
    calculation = score_answer("B is least likely, then C, then A.", worked, prompt="Order the events B, C and A.")
    assert "copy_penalty" not in calculation.components


def test_derived_key_points_add_the_share_of_reference_words_used():
    score = score_answer(REFERENCE, PRECISE, prompt=PROMPT)
    assert score.weights["reference_recall"] > 0
    assert 0 < score.parts["reference_recall"] <= 1
    assert math.fsum(score.components.values()) == pytest.approx(score.value, abs=1e-12)
    assert any("reference answer's words" in line for line in score.explain())


# --- the user's own word on key points ------------------------------------------------------------

CHECKED_POINTS = [
    "underfitting: train and validation error both high",
    "overfitting: low train error, high validation error",
    "regularise or add data against overfitting",
]
CHECKED_ANSWER = (
    "When train and validation error are both high, the model is overfitting. "
    "Low train error with high validation error means overfitting; add data or regularise."
)


def test_checks_that_agree_with_the_scorer_change_nothing():
    score = score_answer("", CHECKED_ANSWER, CHECKED_POINTS)
    assert [kp.status for kp in score.key_points] == ["contradicted", "covered", "covered"]
    assert score.with_checks({}) == pytest.approx(score.value, abs=1e-6)
    assert score.with_checks({1: True, 2: True}) == pytest.approx(score.value, abs=1e-6)


def test_overruling_a_contradiction_refunds_its_penalty_and_counts_the_point():
    score = score_answer("", CHECKED_ANSWER, CHECKED_POINTS)
    accepted = score.with_checks({0: True})
    assert accepted > score.value
    # Saying "I did not" about a contradicted point removes the penalty, but gives no credit.
    refused = score.with_checks({0: False})
    assert score.value <= refused < accepted


def test_every_point_checked_makes_the_value_the_share_the_user_made():
    score = score_answer("", CHECKED_ANSWER, CHECKED_POINTS)
    assert score.with_checks({0: False, 1: False, 2: False}) == 0.0
    assert score.with_checks({0: True, 1: True, 2: True}) == 1.0
    assert score.with_checks({0: True, 1: False, 2: False}) == pytest.approx(1 / score.required, abs=1e-6)


def test_checks_survive_storage():
    score = score_answer("", CHECKED_ANSWER, CHECKED_POINTS)
    stored = Score.from_dict(json.loads(json.dumps(score.to_dict())))
    assert stored.with_checks({0: True}) == pytest.approx(score.with_checks({0: True}), abs=1e-6)
