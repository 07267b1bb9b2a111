"""The term data and the constants are tied to SCORER_VERSION: stored scores say which version
made them, so changing either without a new version would make old and new scores look alike.

When you change app/data/scoring_terms.toml or app/data/scoring_params.toml on purpose, bump
SCORER_VERSION in app/scoring.py and add its fingerprint here (the failure message prints it)."""

import hashlib

from app.scoring import PARAMS_FILE, SCORER_VERSION
from app.scoring_terms import TERMS_FILE, read_data

FINGERPRINTS = {
    "kp-2": "b4e774b8b66d224f",
    "kp-3": "f66850dac521f7ba",
}


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in (TERMS_FILE, PARAMS_FILE):
        digest.update(name.encode() + b"\0" + read_data(name) + b"\0")
    return digest.hexdigest()[:16]


def test_the_data_and_constants_match_the_scorer_version():
    assert SCORER_VERSION in FINGERPRINTS, f"add {SCORER_VERSION!r}: {fingerprint()!r}"
    assert FINGERPRINTS[SCORER_VERSION] == fingerprint(), (
        f"app/data changed without a new SCORER_VERSION; bump it and add its fingerprint {fingerprint()!r}"
    )


def test_each_version_has_its_own_fingerprint():
    assert len(set(FINGERPRINTS.values())) == len(FINGERPRINTS)
