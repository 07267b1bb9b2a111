"""Key points derived from a reference answer, for questions that have none (plain-text imports),
and scores stored by earlier versions of the scorer."""

import json

from app.scoring import Score, derive_key_points, score_answer
from app.scoring_key_points import asked_count, derive_claims

REFERENCE = """Possible differences:
1. The UDP header (8 bytes) is much shorter than the TCP header (20-60 bytes).
2. The UDP header has a fixed length while the TCP header has a variable length.
- Sequence number
- Acknowledgment number
One of the following justifications should be given:
UDP includes the packet length, while TCP has a header length field instead."""


def test_one_key_point_per_claim_without_headings_or_instructions():
    assert derive_key_points(REFERENCE) == [
        "The UDP header (8 bytes) is much shorter than the TCP header (20-60 bytes).",
        "The UDP header has a fixed length while the TCP header has a variable length.",
        "Sequence number",
        "Acknowledgment number",
        "UDP includes the packet length, while TCP has a header length field instead.",
    ]


def test_sentences_of_prose_are_claims_and_abbreviations_do_not_cut_them():
    prose = "Cosine ignores magnitude, e.g. for long documents. Dot product does not! Is that a problem? Often."
    # "Often." has no content word: no claim
    assert derive_key_points(prose) == [
        "Cosine ignores magnitude, e.g. for long documents.",
        "Dot product does not!",
        "Is that a problem?",
    ]


def test_derivation_is_deterministic_and_keeps_each_claims_place_in_the_reference():
    assert derive_key_points(REFERENCE) == derive_key_points(REFERENCE)
    for claim in derive_claims(REFERENCE):
        assert " ".join(REFERENCE[claim.start : claim.end].split()) == claim.text
    assert derive_key_points("") == []
    assert derive_key_points("Possible differences:") == []


def test_derived_key_points_are_marked_and_the_question_asks_for_a_number_of_them():
    prompt = "State at least 2 of the differences between the UDP and TCP headers."
    answer = "The UDP header is only 8 bytes, shorter than TCP's. TCP has a sequence number, UDP has none."
    score = score_answer(REFERENCE, answer, prompt=prompt)
    assert score.derived_key_points
    assert all(kp.derived for kp in score.key_points)
    assert score.required == 2
    assert len(score.covered) >= 2
    assert score.parts["key_point_coverage"] == 1.0
    assert "(the question asks for 2)" in score.explain()[0]


def test_the_number_a_question_asks_for():
    assert asked_count("State at least 4 of the differences shown in the lecture.") == 4
    assert asked_count("Name the 3 service classes and explain the differences.") == 3
    assert asked_count("Please NAME and DESCRIBE two challenges.") == 2
    assert asked_count("give 1 advantage and disadvantage compared to the carrier extension.") == 2
    assert asked_count("Explain your answer in 2-5 sentences.") is None
    assert asked_count("You flip a coin 6 times. Explain in 1-4 sentences.") is None
    assert asked_count("What is ANN search?") is None


# --------------------------------------------------------------------------- stored scores

KP1_DETAIL = {
    "value": 0.62,
    "version": "kp-1",
    "key_points": [
        {"text": "exact search is linear", "covered": True, "coverage": 0.74, "matched_terms": ["linear"]},
        {"text": "brute force is fine", "covered": False, "coverage": 0.1, "matched_terms": []},
    ],
    "matched_terms": ["linear"],
    "components": {"key_point_coverage": 0.4, "reference_overlap": 0.22},
    "parts": {"key_point_coverage": 0.667, "reference_overlap": 0.55},
    "weights": {"key_point_coverage": 0.6, "reference_overlap": 0.4},
}


def test_a_score_stored_by_kp1_reads_back_with_statuses():
    score = Score.from_dict(json.loads(json.dumps(KP1_DETAIL)))
    assert score.version == "kp-1"
    assert score.value == 0.62
    assert [kp.status for kp in score.key_points] == ["covered", "missed"]
    assert score.covered == ["exact search is linear"]
    assert score.missed == ["brute force is fine"]
    assert score.contradicted == []
    assert score.key_points[0].evidence is None and not score.key_points[0].derived
    assert score.explain() == [
        "key-point coverage 0.67 × 0.60 = 0.40",
        "overlap with the reference answer 0.55 × 0.40 = 0.22",
    ]


def test_a_new_score_round_trips_through_json():
    score = score_answer(
        "Exact search is linear in corpus size. Brute force is fine for small collections.",
        "Exact search is not linear in the corpus size. Brute force is fine for small collections of vectors.",
        ["exact search is linear in corpus size", "brute force is fine for small collections"],
    )
    stored = json.loads(json.dumps(score.to_dict()))
    assert Score.from_dict(stored) == score
    assert stored["key_points"][0]["status"] == "contradicted"
    assert stored["key_points"][0]["evidence_text"] == "Exact search is not linear in the corpus size."
    assert stored["key_points"][1]["status"] == "covered"
    assert set(stored) >= {"required", "derived_key_points", "partly_credit", "version"}
