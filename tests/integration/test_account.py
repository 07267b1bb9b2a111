"""The account's whole life through its pages: change the password, sign out everywhere, delete
the account and its data, sign-in lifetimes on the server, clean-up, the data export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, Attempt, Category, LoginSession, PasswordReset, Question, Rating, User
from app.services import accounts, authoring, question_sets
from tests.helpers import AuthActions, add_bank, csrf_token

NEW_PASSWORD = "plum orchard whistles twice"


def change_password(client, current, new=NEW_PASSWORD, confirm=None):
    token = csrf_token(client, "/account/")
    return client.post(
        "/account/password",
        data={"current": current, "password": new, "confirm": confirm or new, "csrf_token": token},
    )


def signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def second_browser(app) -> AuthActions:
    other = AuthActions(app.test_client())
    assert other.login().status_code == 302
    return other


def test_the_account_page_offers_each_step_of_the_accounts_life(client, user):
    html = client.get("/account/").get_data(as_text=True)
    for text in ("Change your password", "Sign out everywhere", "Download all my data", "Delete my account"):
        assert text in html
    assert 'href="/account/"' in client.get("/").get_data(as_text=True)


def test_changing_the_password_asks_for_the_current_one_and_ends_the_other_sign_ins(app, client, user):
    other = second_browser(app)
    wrong = change_password(client, "not my password at all")
    assert wrong.status_code == 422
    assert "The current password is incorrect." in wrong.get_data(as_text=True)
    assert signed_in(other.client)

    response = change_password(client, AuthActions.PASSWORD)
    assert response.status_code == 302
    page = client.get("/account/").get_data(as_text=True)
    assert "Your password was changed. 1 other sign-in was ended." in page
    assert not signed_in(other.client)  # the other browser is signed out
    assert signed_in(client)  # this one is not

    other.client.get("/")
    assert other.login().status_code == 200  # the old password no longer works
    assert other.login(password=NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("password123", None, "This is a very common password."),
        ("short", None, "Use 8 to 128 characters."),
        (NEW_PASSWORD, "something else entirely", "The two passwords differ."),
    ],
)
def test_a_weak_or_mistyped_new_password_is_refused_and_changes_nothing(app, client, user, new, confirm, message):
    with app.app_context():
        before = db.session.get(User, user.id).password_hash
    response = change_password(client, AuthActions.PASSWORD, new, confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == before


def test_sign_out_everywhere_ends_every_sign_in_this_one_included(app, client, user):
    other = second_browser(app)
    cookie = client.get_cookie("session").value
    token = csrf_token(client, "/account/")
    response = client.post("/account/sign-out-everywhere", data={"csrf_token": token}, follow_redirects=True)
    assert "You are signed out everywhere" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert not signed_in(other.client)
    client.set_cookie("session", cookie)  # a copy of the old cookie is worthless
    assert not signed_in(client)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(LoginSession.ended_at.is_(None))) == 0


def test_sign_out_everywhere_needs_a_csrf_token(client, user):
    assert client.post("/account/sign-out-everywhere").status_code == 400
    assert signed_in(client)


def finished_attempt_with_rating(app, client):
    add_bank(app, categories=1, per_category=2)
    token = csrf_token(client, "/attempts/new")
    client.post("/attempts/new", data={"question_count": 2, "minutes": 5, "csrf_token": token})
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        attempt_id = attempt.id
    client.post(
        f"/attempts/{attempt_id}/answers/1",
        json={"text": "cosine similarity", "revision": 0},
        headers={"X-CSRFToken": token},
    )
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    client.post(
        f"/attempts/{attempt_id}/answers/1/rating",
        data={"a1-grade": "3", "a1-note": "my private note", "csrf_token": token},
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 1
    return attempt_id


def rows_of_user(app, user_id: int) -> dict[str, int]:
    """How many rows each table holds that belong to the user (directly, as the owner of a question
    set and its questions, or through an attempt)."""
    with app.app_context():
        counts = {}
        for table in db.metadata.sorted_tables:
            for column in ("user_id", "owner_id"):
                if column in table.c:
                    counts[f"{table.name}.{column}"] = db.session.scalar(
                        sa.select(sa.func.count()).select_from(table).where(table.c[column] == user_id)
                    )
        counts["answer"] = db.session.scalar(
            sa.select(sa.func.count(Answer.id)).join(Attempt).where(Attempt.user_id == user_id)
        )
        counts["user"] = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.id == user_id))
        return counts


def delete_account(client, password, understood=True):
    token = csrf_token(client, "/account/delete")
    data = {"password": password, "csrf_token": token}
    if understood:
        data["understood"] = "y"
    return client.post("/account/delete", data=data)


def test_deleting_the_account_asks_for_the_password_and_says_it_cannot_be_undone(app, client, user):
    page = client.get("/account/delete").get_data(as_text=True)
    assert "It cannot be undone." in page
    assert "every interview, answer, score, rating and note" in page

    wrong = delete_account(client, "not my password at all")
    assert wrong.status_code == 422
    assert "The password is incorrect." in wrong.get_data(as_text=True)
    unticked = delete_account(client, AuthActions.PASSWORD, understood=False)
    assert unticked.status_code == 422
    assert "Tick the box to confirm." in unticked.get_data(as_text=True)
    assert rows_of_user(app, user.id)["user"] == 1
    assert signed_in(client)


def test_deleting_the_account_removes_all_its_data_and_signs_out(app, client, user):
    finished_attempt_with_rating(app, client)
    other = second_browser(app)
    with app.app_context():
        accounts.request_password_reset(user.email, datetime.now(UTC))
        own_set = question_sets.create_set(user.id, "My set", "")
        for n in (1, 2):
            fields = authoring.QuestionFields(f"Mine {n}?", "Yes.", ["yes"], "easy", [])
            authoring.create_question(own_set, fields, datetime.now(UTC))
        question_sets.share(own_set)
        set_id = own_set.id
    token = csrf_token(client, "/attempts/new")
    client.post("/attempts/new", data={"categories": set_id, "question_count": 2, "minutes": 5, "csrf_token": token})
    with app.app_context():
        attempt_id = db.session.scalar(sa.select(Attempt.id).where(Attempt.state == "in_progress"))
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})
    before = rows_of_user(app, user.id)
    assert before["attempt.user_id"] == 2 and before["answer"] == 4 and before["rating.user_id"] == 1
    assert before["login_session.user_id"] == 2 and before["password_reset.user_id"] == 1
    assert before["category.owner_id"] == 1 and before["question.owner_id"] == 2

    response = delete_account(client, AuthActions.PASSWORD)
    assert response.status_code == 302
    assert "Your account and all its data were deleted." in client.get("/").get_data(as_text=True)
    assert set(rows_of_user(app, user.id).values()) == {0}
    with app.app_context():  # the bank stays; only the user's own set and its questions went
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 2
        assert db.session.scalar(sa.select(sa.func.count(Category.id))) == 1
    assert not signed_in(client)
    assert not signed_in(other.client)
    # The address is free again.
    assert AuthActions(client).register().status_code == 302


def age_sign_ins(app, *, started: timedelta = timedelta(0), seen: timedelta = timedelta(0)) -> None:
    with app.app_context():
        for login in db.session.scalars(sa.select(LoginSession)):
            login.created_at -= started
            login.last_seen_at -= seen
        db.session.commit()


def test_a_sign_in_ends_after_its_idle_lifetime_on_the_server(app, client, user):
    idle = app.config["SESSION_IDLE_SECONDS"]
    age_sign_ins(app, seen=timedelta(seconds=idle - 60))
    assert signed_in(client)  # used again in time: the idle clock starts over
    with app.app_context():
        seen = db.session.scalar(sa.select(LoginSession.last_seen_at))
    assert datetime.now(UTC) - seen < timedelta(seconds=60)
    age_sign_ins(app, seen=timedelta(seconds=idle + 1))
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_a_sign_in_ends_after_its_absolute_lifetime_even_when_in_use(app, client, user):
    absolute = app.config["SESSION_ABSOLUTE_SECONDS"]
    age_sign_ins(app, started=timedelta(seconds=absolute - 60))
    assert signed_in(client)
    age_sign_ins(app, started=timedelta(seconds=61))
    assert not signed_in(client)


def test_a_sign_in_is_written_at_most_every_few_minutes_not_on_every_request(app, client, user):
    with app.app_context():
        first = db.session.scalar(sa.select(LoginSession.last_seen_at))
    for _ in range(3):
        assert signed_in(client)
    with app.app_context():
        assert db.session.scalar(sa.select(LoginSession.last_seen_at)) == first


def test_ended_and_expired_sign_ins_and_reset_links_are_cleaned_up(app, client, runner, user):
    now = datetime.now(UTC)
    with app.app_context():
        ended = LoginSession(user_id=user.id, token_hash="a" * 64, created_at=now, last_seen_at=now, ended_at=now)
        idle = LoginSession(user_id=user.id, token_hash="b" * 64, created_at=now, last_seen_at=now - timedelta(days=2))
        old = LoginSession(user_id=user.id, token_hash="c" * 64, created_at=now - timedelta(days=15), last_seen_at=now)
        used = PasswordReset(user_id=user.id, token_hash="d" * 64, expires_at=now + timedelta(minutes=5), used_at=now)
        expired = PasswordReset(user_id=user.id, token_hash="e" * 64, expires_at=now - timedelta(seconds=1))
        live = PasswordReset(user_id=user.id, token_hash="f" * 64, expires_at=now + timedelta(minutes=5))
        db.session.add_all([ended, idle, old, used, expired, live])
        db.session.commit()
    result = runner.invoke(args=["users", "clean-up"])
    assert result.exit_code == 0, result.output
    assert "Removed 3 ended or expired sign-ins and 2 used or expired reset links." in result.output
    assert signed_in(client)  # the live sign-in stays
    with app.app_context():
        assert db.session.scalars(sa.select(PasswordReset.token_hash)).all() == ["f" * 64]
        assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 1


def test_signing_in_removes_the_users_own_dead_sign_ins(app, client, auth, user):
    second_browser(app).logout()
    auth.logout()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 2  # both ended
    auth.login()
    with app.app_context():
        assert db.session.scalars(sa.select(LoginSession.ended_at)).all() == [None]


def test_an_administrator_resets_a_password_from_the_command_line(app, client, runner, user):
    unknown = runner.invoke(args=["users", "reset-password", "nobody@example.com"], input="x\nx\n")
    assert unknown.exit_code == 1
    assert "No account has the email nobody@example.com." in unknown.output
    weak = runner.invoke(args=["users", "reset-password", user.email], input="password1\npassword1\n")
    assert weak.exit_code == 1
    assert "easy to guess" in weak.output or "common" in weak.output
    assert signed_in(client)

    done = runner.invoke(args=["users", "reset-password", user.email], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert done.exit_code == 0, done.output
    assert f"Changed the password of {user.email}; its sign-ins were ended." in done.output
    assert not signed_in(client)
    other = AuthActions(app.test_client())
    assert other.login().status_code == 200
    assert other.login(password=NEW_PASSWORD).status_code == 302


def test_the_export_leaves_out_the_reference_answers_of_an_interview_in_progress(app, client, user):
    add_bank(app, categories=1, per_category=2)
    token = csrf_token(client, "/attempts/new")
    client.post("/attempts/new", data={"question_count": 2, "minutes": 5, "csrf_token": token})
    exported = client.get("/account/export.json")
    body = exported.get_data(as_text=True)
    assert "SECRET-REFERENCE" not in body
    assert "cosine similarity" not in body  # a key point
    [attempt] = exported.get_json()["attempts"]
    assert [a["reference_answer"] for a in attempt["answers"]] == [None, None]
    assert [a["key_points"] for a in attempt["answers"]] == [None, None]
    assert attempt["answers"][0]["prompt"].startswith("Prompt 0.")

    client.post(f"/attempts/{attempt['id']}/submit", data={"csrf_token": token})
    [closed] = client.get("/account/export.json").get_json()["attempts"]
    assert all(a["reference_answer"].startswith("SECRET-REFERENCE") for a in closed["answers"])
    assert closed["answers"][0]["key_points"] == ["cosine similarity", "normalised vectors", "dot product"]


def test_without_email_the_forgotten_password_page_says_who_can_help(client):
    html = client.get("/auth/forgot").get_data(as_text=True)
    assert "cannot send you a reset link" in html
    assert "Forgotten your password?" in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/auth/register/anything").status_code == 404
