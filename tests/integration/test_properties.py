"""Property-based tests: arbitrary text and numbers thrown at the autosave endpoint and at the
answer and note forms. Never a 500; a refusal (4xx) leaves the database as it was; what is
stored is the text rule applied to what was sent. A modest number of examples keeps CI short."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Answer, Attempt, Rating
from app.text import clean_text
from tests.helpers import add_bank, csrf_token

PROFILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as it may come: any code point (NUL, lone surrogates, CR and LF included).
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=20),
)
json_values = st.recursive(
    st.one_of(numbers, any_text),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(any_text, children, max_size=3),
    max_leaves=6,
)


@pytest.fixture
def attempt(app, client, user):
    add_bank(app, categories=1, per_category=2)
    token = csrf_token(client, "/attempts/new")
    client.post("/attempts/new", data={"question_count": 2, "minutes": 30, "csrf_token": token})
    with app.app_context():
        attempt_id = db.session.scalar(sa.select(Attempt.id))
    return attempt_id, token


def snapshot(app, attempt_id):
    with app.app_context():
        answers = db.session.execute(
            sa.select(Answer.text, Answer.revision, Answer.flagged, Answer.late_text)
            .where(Answer.attempt_id == attempt_id)
            .order_by(Answer.position)
        ).all()
        notes = db.session.execute(sa.select(Rating.grade, Rating.note)).all()
        return [tuple(a) for a in answers], [tuple(n) for n in notes]


def to_json(payload) -> bytes:
    # Python's encoder writes lone surrogates as \\udXXX escapes, as a browser's JSON.stringify does.
    return json.dumps(payload, allow_nan=True).encode()


@PROFILE
@given(
    text=st.one_of(any_text, numbers),
    revision=st.one_of(numbers, st.integers(min_value=0, max_value=3)),
    seconds=numbers,
    flagged=st.one_of(numbers, st.booleans()),
    extra=st.dictionaries(any_text, json_values, max_size=2),
)
def test_autosave_never_fails_and_a_refusal_changes_nothing(
    app, client, attempt, text, revision, seconds, flagged, extra
):
    attempt_id, token = attempt
    before = snapshot(app, attempt_id)
    payload = {**extra, "text": text, "revision": revision, "seconds": seconds, "flagged": flagged}
    reply = client.post(
        f"/attempts/{attempt_id}/answers/1",
        data=to_json(payload),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert reply.status_code < 500, reply.get_data(as_text=True)[:300]
    after = snapshot(app, attempt_id)
    if reply.status_code >= 400:
        assert after == before
        if reply.status_code == 409:  # a stale revision: the reply carries the stored text instead
            assert reply.get_json()["text"] == after[0][0][0]
        else:
            assert reply.get_json()["error"]
    elif reply.status_code == 200 and reply.get_json()["status"] == "saved":
        assert after[0][0][0] == clean_text(text)


@PROFILE
@given(
    body=st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda v: json.dumps(v, allow_nan=True).encode()),
        st.integers(min_value=1, max_value=3000).map(lambda n: b"[" * n + b"]" * n),
    )
)
def test_autosave_of_arbitrary_bodies_is_refused_cleanly(app, client, attempt, body):
    attempt_id, token = attempt
    before = snapshot(app, attempt_id)
    reply = client.post(
        f"/attempts/{attempt_id}/answers/1",
        data=body,
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert reply.status_code < 500
    if reply.status_code >= 400:
        assert snapshot(app, attempt_id) == before


form_values = st.one_of(any_text.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=60))


def form_body(fields: dict[str, bytes | str]) -> bytes:
    """A form body as a client may send it, bytes included (URL-encoded by hand)."""
    from urllib.parse import quote_from_bytes

    parts = []
    for name, value in fields.items():
        raw = value if isinstance(value, bytes) else value.encode()
        parts.append(f"{name}={quote_from_bytes(raw)}")
    return "&".join(parts).encode()


@PROFILE
@given(
    text=form_values,
    revision=st.one_of(form_values, st.integers(min_value=-(2**70), max_value=2**70).map(lambda n: str(n).encode())),
    action=st.one_of(form_values, st.sampled_from([b"next", b"previous", b"save", b"goto-2", b"goto-\xc2\xb2"])),
    seconds=form_values,
)
def test_the_answer_form_never_fails_and_a_refusal_changes_nothing(
    app, client, attempt, text, revision, action, seconds
):
    attempt_id, token = attempt
    before = snapshot(app, attempt_id)
    response = client.post(
        f"/attempts/{attempt_id}/questions/1",
        data=form_body({"csrf_token": token, "text": text, "revision": revision, "action": action, "seconds": seconds}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert snapshot(app, attempt_id) == before


@pytest.fixture
def closed_attempt(app, client, attempt):
    attempt_id, token = attempt
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    return attempt_id, token


@PROFILE
@given(grade=form_values, note=form_values)
def test_the_note_form_never_fails_and_a_refusal_changes_nothing(app, client, closed_attempt, grade, note):
    attempt_id, token = closed_attempt
    before = snapshot(app, attempt_id)
    response = client.post(
        f"/attempts/{attempt_id}/answers/1/rating",
        data=form_body({"csrf_token": token, "a1-grade": grade, "a1-note": note}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    after = snapshot(app, attempt_id)
    if response.status_code >= 400 or "flash-error" in client.get(f"/attempts/{attempt_id}").get_data(as_text=True):
        assert after[1] == before[1]
    for _grade, stored_note in after[1]:
        assert "\x00" not in stored_note and "\r" not in stored_note
