"""Each input of the hardening audit, sent exactly as the audit sent it, on SQLite and PostgreSQL:
a clear 4xx that changes nothing, or the text stored by the one text rule, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, Attempt, Rating
from tests.helpers import add_bank, csrf_token

BIG = "1" + "0" * 24  # 25 digits: far past any 64-bit integer


@pytest.fixture
def attempt_id(app, client, user) -> int:
    add_bank(app, categories=1, per_category=3)
    token = csrf_token(client, "/attempts/new")
    client.post("/attempts/new", data={"question_count": 2, "minutes": 5, "csrf_token": token})
    with app.app_context():
        return db.session.scalar(sa.select(Attempt.id))


def stored(app, attempt_id) -> list[tuple[str, int, str | None]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(Answer.text, Answer.revision, Answer.late_text)
                .where(Answer.attempt_id == attempt_id)
                .order_by(Answer.position)
            )
        ]


def autosave_raw(client, attempt_id, body: str | bytes, number: int = 1):
    token = csrf_token(client, "/")
    return client.post(
        f"/attempts/{attempt_id}/answers/{number}",
        data=body,
        headers={"X-CSRFToken": token, "Content-Type": "application/json", "Accept": "application/json"},
    )


def post_answer(client, attempt_id, number=1, **fields):
    token = csrf_token(client, f"/attempts/{attempt_id}/questions/{number}")
    data = {"csrf_token": token, "revision": "0", "text": "", "action": "save", **fields}
    return client.post(f"/attempts/{attempt_id}/questions/{number}", data=data)


# --- NUL characters and lone surrogates ---------------------------------------------------------


def test_nul_characters_are_removed_from_autosaved_answers_and_later_saves_still_work(app, client, attempt_id):
    reply = autosave_raw(client, attempt_id, '{"text": "cosine\\u0000 similarity", "revision": 0}')
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert stored(app, attempt_id)[0][:2] == ("cosine similarity", 1)
    again = autosave_raw(client, attempt_id, '{"text": "cosine similarity and more", "revision": 1}')
    assert again.status_code == 200
    assert stored(app, attempt_id)[0][:2] == ("cosine similarity and more", 2)


def test_lone_surrogates_are_removed_from_autosaved_answers(app, client, attempt_id):
    body = '{"text": "a\\ud800b \\udc00c \\ud83d\\ude00", "revision": 0}'
    reply = autosave_raw(client, attempt_id, body)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert stored(app, attempt_id)[0][0] == "ab c \U0001f600"  # the valid pair (an emoji) stays


def test_nul_characters_are_removed_from_posted_answers(app, client, attempt_id):
    response = post_answer(client, attempt_id, text="dot\x00 product")
    assert response.status_code == 302
    assert stored(app, attempt_id)[0][:2] == ("dot product", 1)


def test_nul_characters_are_removed_from_notes(app, client, attempt_id):
    token = csrf_token(client, f"/attempts/{attempt_id}/submit")
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    response = client.post(
        f"/attempts/{attempt_id}/answers/1/rating",
        data={"a1-grade": "2", "a1-note": "remember\x00 this\r\nline", "csrf_token": token},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Rating.note)) == "remember this\nline"


def test_the_cli_removes_nul_from_an_email(app, runner):
    result = runner.invoke(args=["users", "create", "nul\x00@example.com"], input="plum orchard whistles\n" * 2)
    assert result.exit_code == 0, result.output
    assert "Created user nul@example.com." in result.output


# --- numbers beyond 64 bits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [f"/attempts/{BIG}", f"/attempts/{BIG}/questions/1", f"/attempts/1/questions/{BIG}", f"/questions/{BIG}/history"],
)
def test_ids_beyond_the_database_integers_are_not_found(client, user, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_an_autosave_to_an_answer_number_beyond_64_bits_is_not_found(client, attempt_id):
    assert autosave_raw(client, attempt_id, '{"text": "x", "revision": 0}', number=int(BIG)).status_code == 404


@pytest.mark.parametrize("query", [f"page={BIG}", f"category={BIG}", f"page=1&category={BIG}"])
def test_page_and_category_beyond_64_bits_are_not_found(client, user, query):
    assert client.get(f"/attempts/?{query}").status_code == 404


def test_a_page_or_category_that_is_not_a_number_is_ignored(client, user):
    assert client.get("/attempts/?page=abc&category=x").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        '{"text": "x", "revision": 1000000000000000000000000000000}',  # 10**30
        '{"text": "x", "revision": 0, "seconds": 1e400}',
        '{"text": "x", "revision": true}',
        '{"text": "x", "revision": -1}',
        '{"text": "x", "revision": 0, "seconds": "NaN"}',
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 40_000 + "1" + "}" * 40_000,  # as deep as fits in the request size limit
    ],
    ids=["revision 10**30", "seconds 1e400", "revision true", "revision -1", "seconds NaN", "nested list", "nested"],
)
def test_autosave_refuses_numbers_and_shapes_it_cannot_store_and_changes_nothing(app, client, attempt_id, body):
    before = stored(app, attempt_id)
    reply = autosave_raw(client, attempt_id, body)
    assert reply.status_code == 400
    assert reply.get_json()["error"].startswith("Send JSON with 'text' (a string) and 'revision' (a whole number")
    assert stored(app, attempt_id) == before


@pytest.mark.parametrize("revision", ["1" + "0" * 29, "abc", "", "-1", "1e3", "²"])
def test_a_damaged_form_revision_is_refused_with_a_message_and_the_text_shown_again(app, client, attempt_id, revision):
    response = post_answer(client, attempt_id, text="my typed answer", revision=revision)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This page&#39;s form was damaged" in html
    assert "my typed answer</textarea>" in html
    assert 'name="revision" type="hidden" value="0"' in html  # Save now works
    assert stored(app, attempt_id)[0][:2] == ("", 0)


@pytest.mark.parametrize("action", ["goto-²", "goto-٣", "goto-" + BIG, "goto-", "goto--1", "teleport"])
def test_an_unknown_button_saves_the_text_and_stays_on_the_question(app, client, attempt_id, action):
    response = post_answer(client, attempt_id, text="kept", action=action)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/attempts/{attempt_id}/questions/1"
    assert "Saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert stored(app, attempt_id)[0][:2] == ("kept", 1)


@pytest.mark.parametrize("seconds", ["1e400", "nan", "-inf", BIG])
def test_form_time_measures_that_are_not_finite_are_ignored(app, client, attempt_id, seconds):
    response = post_answer(client, attempt_id, text="kept", seconds=seconds, opened_at=seconds)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Answer.seconds_spent).where(Answer.position == 0)) <= 300


# --- line breaks count once ---------------------------------------------------------------------


def long_answer_with_line_breaks(limit: int) -> str:
    """Exactly `limit` characters once each line break is one character."""
    line = "x" * 99 + "\n"
    text = line * (limit // 100)
    return text[:limit]


def test_a_20000_character_answer_with_line_breaks_is_accepted_by_autosave_and_by_the_buttons(app, client, attempt_id):
    limit = app.config["ANSWER_MAX_CHARS"]
    text = long_answer_with_line_breaks(limit)
    assert len(text) == limit and text.count("\n") == 200
    posted = text.replace("\n", "\r\n")  # as a browser posts a textarea
    for action in ("next", "submit"):
        response = post_answer(
            client, attempt_id, text=posted, action=action, revision=str(stored(app, attempt_id)[0][1])
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        if action == "next":
            assert stored(app, attempt_id)[0][0] == text
    # The JSON autosave measures the same way (a script may send CRLF too).
    other = autosave_raw(client, attempt_id, '{"text": "' + posted.replace("\r\n", "\\r\\n") + '", "revision": 0}', 2)
    assert other.status_code in (200,), other.get_data(as_text=True)[:300]


def test_one_character_over_the_limit_is_refused_with_the_count(app, client, attempt_id):
    limit = app.config["ANSWER_MAX_CHARS"]
    text = long_answer_with_line_breaks(limit) + "y"
    response = post_answer(client, attempt_id, text=text.replace("\n", "\r\n"), action="next")
    assert response.status_code == 422
    assert f"Your answer has {limit + 1:,} characters; the limit is {limit:,}." in response.get_data(as_text=True)
    assert stored(app, attempt_id)[0][:2] == ("", 0)
