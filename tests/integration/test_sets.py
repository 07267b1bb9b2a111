"""My question sets through the pages: writing, importing with a dry run, exporting, sharing, and
that nobody else ever reaches them. Each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, Attempt, Category, Question
from app.question_files import FORMATS
from tests.helpers import AuthActions, add_bank, csrf_token

TEN = "".join(
    f"Question {n}\nWhat is idea number {n}?\nAnswer:\nIdea {n} is a thing. It matters for reason {n}.\n"
    for n in range(1, 11)
)


def post(client, url: str, data: dict | None = None, *, form_page: str = "/", **kwargs):
    return client.post(url, data={"csrf_token": csrf_token(client, form_page), **(data or {})}, **kwargs)


def make_set(client, name="Company X", description="For the *onsite*.") -> int:
    response = post(client, "/sets/new", {"name": name, "description": description}, form_page="/sets/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/sets/(\d+)", response.headers["Location"]).group(1))


def add_question(client, set_id: int, **fields) -> Question:
    data = {"prompt": "What is X?", "answer": "X is a thing.", "key_points": "thing", "difficulty": "easy", "tags": ""}
    data.update(fields)
    url = f"/sets/{set_id}/questions/new"
    response = post(client, url, {**data, "action": "save"}, form_page=url)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def questions_of(app, set_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Question.slug, Question.prompt, Question.reference_answer, Question.key_points, Question.tags)
            .where(Question.category_id == set_id)
            .order_by(Question.position)
        ).all()
        return [tuple(r) for r in rows]


def import_text(client, set_id: int, text: str, action="check", fmt="auto", fingerprint="", filename=None):
    url = f"/sets/{set_id}/import"
    data = {"format": fmt, "fingerprint": fingerprint, "action": action}
    if filename:
        data["file"] = (io.BytesIO(text.encode() if isinstance(text, str) else text), filename)
        data["text"] = ""
    else:
        data["text"] = text
    return post(client, url, data, form_page=url, content_type="multipart/form-data")


def fingerprint_of(html: str) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)


@pytest.fixture
def other(app):
    """A second signed-in user, with their own client."""
    client = app.test_client()
    AuthActions(client).register("eve@example.com")
    return client


# --- writing ----------------------------------------------------------------------------------


def test_a_user_writes_a_set_and_its_questions(app, client, user):
    set_id = make_set(client)
    html = client.get(f"/sets/{set_id}").get_data(as_text=True)
    assert "No questions yet" in html and "<em>onsite</em>" in html
    add_question(client, set_id, prompt="First?", answer="One.\r\nTwo.", key_points="- one\r\n- two", tags="A, b, a")
    add_question(client, set_id, prompt="Second?", answer="Yes.", key_points="")
    assert questions_of(app, set_id) == [
        ("first", "First?", "One.\nTwo.", ["one", "two"], ["a", "b"]),
        ("second", "Second?", "Yes.", [], []),
    ]
    with app.app_context():
        second = db.session.scalar(sa.select(Question).where(Question.slug == "second"))
        assert second.owner_id == db.session.scalar(sa.select(Category.owner_id).where(Category.id == set_id))
        second_id = second.id
    # Reorder: the second moves up.
    post(client, f"/sets/{set_id}/questions/{second_id}/move", {"direction": "up"})
    assert [q[0] for q in questions_of(app, set_id)] == ["second", "first"]


def test_a_refused_form_keeps_what_was_typed_with_a_message_per_field(app, client, user):
    set_id = make_set(client)
    url = f"/sets/{set_id}/questions/new"
    typed = "A question I thought about for a long time <script>alert(1)</script>"
    response = post(
        client,
        url,
        {"prompt": typed, "answer": "", "key_points": "\n".join(f"p{n}" for n in range(8)), "action": "save"},
        form_page=url,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Write a reference answer." in html
    assert "Give at most 6 key points (you gave 8)." in html
    assert "A question I thought about for a long time &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "p7" in html
    assert questions_of(app, set_id) == []


def test_nul_and_lone_surrogates_are_removed_and_crlf_counts_once(app, client, user):
    set_id = make_set(client)
    add_question(client, set_id, prompt="Wh\x00at?", answer="a\r\n" * 6_000 + "end")
    [(_, prompt, answer, _, _)] = questions_of(app, set_id)
    assert prompt == "What?"
    assert answer.count("\n") == 6_000 and "\r" not in answer


def test_authored_markdown_is_rendered_and_html_in_it_is_shown_as_text(app, client, user):
    set_id = make_set(client, description="<script>alert('x')</script> and `code`")
    add_question(client, set_id, prompt="Explain <img src=x onerror=alert(1)> **this**", answer="```\nrm -rf /\n```")
    html = client.get(f"/sets/{set_id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt; <strong>this</strong>" in html
    assert "<code>code</code>" in html


def test_deleting_asks_first_and_a_used_question_is_archived(app, client, user):
    set_id = make_set(client)
    add_question(client, set_id)
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id))
    page = client.get(f"/sets/{set_id}/questions/{question_id}/delete").get_data(as_text=True)
    assert "Delete the question?" in page and "cannot be undone" in page
    assert len(questions_of(app, set_id)) == 1
    # Once an attempt used it, deleting archives it instead.
    start = post(client, "/attempts/new", {"question_count": 1, "categories": [set_id]}, form_page="/attempts/new")
    assert start.status_code == 302
    page = client.get(f"/sets/{set_id}/questions/{question_id}/delete").get_data(as_text=True)
    assert "archived" in page
    post(client, f"/sets/{set_id}/questions/{question_id}/delete")
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question is not None and question.archived_at is not None
    # The set itself: confirmation page, then gone; the attempt keeps its copy.
    assert "cannot be undone" in client.get(f"/sets/{set_id}/delete").get_data(as_text=True)
    post(client, f"/sets/{set_id}/delete")
    with app.app_context():
        assert db.session.get(Category, set_id) is None
        [answer] = db.session.scalars(sa.select(Answer)).all()
        assert (answer.prompt, answer.question_id) == ("What is X?", None)


# --- nobody else ------------------------------------------------------------------------------


def test_another_user_gets_404_on_every_page_and_action_of_my_set(app, client, user, other):
    set_id = make_set(client)
    add_question(client, set_id)
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id))
    before = questions_of(app, set_id)
    q = f"/sets/{set_id}/questions/{question_id}"
    for url in (
        f"/sets/{set_id}",
        f"/sets/{set_id}/edit",
        f"/sets/{set_id}/delete",
        f"/sets/{set_id}/import",
        f"/sets/{set_id}/questions/new",
        q,
        f"{q}/delete",
        f"/sets/{set_id}/export.csv",
        f"/questions/{question_id}/history",
        f"/bank/questions/{question_id}",
    ):
        assert other.get(url).status_code == 404, url
    for url, data in (
        (f"/sets/{set_id}/edit", {"name": "Mine now"}),
        (f"/sets/{set_id}/delete", {}),
        (f"/sets/{set_id}/share", {}),
        (f"/sets/{set_id}/questions/new", {"prompt": "P?", "answer": "A."}),
        (q, {"prompt": "Changed?", "answer": "A.", "difficulty": "easy"}),
        (f"{q}/delete", {}),
        (f"{q}/move", {"direction": "up"}),
        (f"{q}/restore", {}),
        (f"/sets/{set_id}/import", {"text": TEN, "action": "check"}),
    ):
        assert post(other, url, data, form_page="/sets/").status_code == 404, url
    assert questions_of(app, set_id) == before
    assert "Company X" not in other.get("/sets/").get_data(as_text=True)
    # Signed out: sent to sign in, never shown.
    anonymous = app.test_client()
    assert anonymous.get(f"/sets/{set_id}").status_code == 302


def test_changes_without_a_csrf_token_are_refused(app, client, user):
    set_id = make_set(client)
    for url, data in (
        (f"/sets/{set_id}/edit", {"name": "New name"}),
        (f"/sets/{set_id}/delete", {}),
        (f"/sets/{set_id}/import", {"text": TEN, "action": "check"}),
        (f"/sets/{set_id}/share", {}),
    ):
        assert client.post(url, data=data).status_code == 400, url
    with app.app_context():
        category = db.session.get(Category, set_id)
        assert (category.name, category.share_token) == ("Company X", None)


def test_interviews_progress_and_practice_never_use_another_users_questions(app, client, user, other):
    add_bank(app, categories=1, per_category=2)
    set_id = make_set(client)
    for n in range(3):
        add_question(client, set_id, prompt=f"Private {n}?")
    # Eve asks for every question there is, and practises: only the bank's two.
    response = post(other, "/attempts/new", {"question_count": 3}, form_page="/attempts/new")
    assert "have 2 questions" in response.get_data(as_text=True)
    assert f'value="{set_id}"' not in other.get("/attempts/new").get_data(as_text=True)
    refused = post(other, "/attempts/new", {"question_count": 1, "categories": [set_id]}, form_page="/attempts/new")
    assert refused.status_code == 200 and "not a valid choice" in refused.get_data(as_text=True)
    with app.app_context():
        private = ",".join(
            str(i) for i in db.session.scalars(sa.select(Question.id).where(Question.owner_id.is_not(None)))
        )
    post(other, "/attempts/practice", {"questions": private}, form_page="/attempts/practice")  # named outright
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 0
    preview = other.get("/attempts/practice?question_count=5").get_data(as_text=True)
    assert "Private" not in preview
    shown = re.search(r'name="questions" type="hidden" value="([\d,]+)"', preview).group(1)
    post(other, "/attempts/practice", {"questions": shown}, form_page="/attempts/practice")
    with app.app_context():
        prompts = db.session.scalars(sa.select(Answer.prompt)).all()
        assert prompts and not any(p.startswith("Private") for p in prompts)
    # The owner may draw from the bank and the set together.
    post(client, "/attempts/new", {"question_count": 5, "categories": [1, set_id]}, form_page="/attempts/new")
    with app.app_context():
        mine = db.session.scalars(sa.select(Answer.prompt).join(Attempt).where(Attempt.user_id == user.id)).all()
        assert len(mine) == 5 and sum(p.startswith("Private") for p in mine) == 3


# --- import -----------------------------------------------------------------------------------


def test_a_pasted_seed_layout_is_a_dry_run_until_confirmed(app, client, user):
    set_id = make_set(client)
    response = import_text(client, set_id, TEN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="added">10<' in html and "Dry run: nothing is written yet" in html
    assert questions_of(app, set_id) == []
    confirm = import_text(client, set_id, TEN, action="confirm", fmt="plain", fingerprint=fingerprint_of(html))
    assert confirm.status_code == 302
    assert len(questions_of(app, set_id)) == 10
    again = import_text(client, set_id, TEN).get_data(as_text=True)
    assert 'data-testid="unchanged">10<' in again and "Nothing to import" in again


def test_an_uploaded_file_with_windows_line_breaks_is_confirmed_as_its_dry_run_showed(app, client, user):
    set_id = make_set(client)
    crlf = TEN.replace("\n", "\r\n")
    dry = import_text(client, set_id, crlf, filename="guide.txt").get_data(as_text=True)
    assert 'data-testid="added">10<' in dry
    # The confirmation sends the text back from the page's form, as a browser does (with CRLF).
    confirm = import_text(client, set_id, crlf, action="confirm", fmt="plain", fingerprint=fingerprint_of(dry))
    assert confirm.status_code == 302
    assert [q[2] for q in questions_of(app, set_id)][:1] == ["Idea 1 is a thing. It matters for reason 1."]


def test_a_confirmation_that_no_longer_matches_the_dry_run_writes_nothing(app, client, user):
    set_id = make_set(client)
    html = import_text(client, set_id, TEN).get_data(as_text=True)
    add_question(client, set_id, prompt="What is idea number 3?", answer="Changed in another tab.")
    response = import_text(client, set_id, TEN, action="confirm", fmt="plain", fingerprint=fingerprint_of(html))
    page = response.get_data(as_text=True)
    assert "changed since the dry run" in page and 'data-testid="changed">1<' in page
    assert len(questions_of(app, set_id)) == 1


BAD_IMPORTS = {
    "deep json": ('{"a": ' + "[" * 50_000 + "]" * 50_000 + "}", "json", "Line 1:", "nested more than 20"),
    "category as text": ('category = "x"\n[[questions]]\nslug = "q"\n', "toml", "Line 1:", "must be a table"),
    "long name": ('[category]\nslug = "c"\nname = "' + "n" * 200 + '"\n', "toml", "Line 1:", "the limit is 120"),
    "description as a table": (
        '{"category": {"slug": "c", "name": "C", "description": {"x": 1}},\n "questions": []}',
        "json",
        "Line 1:",
        "must be text, not a table",
    ),
    "bad csv": ("prompt,answer\nA?,\n", "csv", "Line 2:", "'answer' is missing or empty"),
}


@pytest.mark.parametrize("case", list(BAD_IMPORTS))
def test_a_bad_import_names_the_line_and_writes_nothing(app, client, user, case):
    text, fmt, line, problem = BAD_IMPORTS[case]
    set_id = make_set(client)
    response = import_text(client, set_id, text, fmt=fmt)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert line in html and problem in html
    assert 'value="confirm"' not in html
    forced = import_text(client, set_id, text, action="confirm", fmt=fmt, fingerprint="0" * 32)
    assert forced.status_code == 422
    assert questions_of(app, set_id) == []


def test_a_nul_is_refused_in_an_uploaded_file_and_removed_from_pasted_text(app, client, user):
    text = "Question 1\nWhat\x00?\nAnswer:\nThis.\n"
    set_id = make_set(client)
    uploaded = import_text(client, set_id, text, fmt="plain", filename="questions.txt")
    assert uploaded.status_code == 422
    assert "Line 1:" in uploaded.get_data(as_text=True) and "contains a NUL character" in uploaded.get_data(
        as_text=True
    )
    # Pasted text is typed text: the text rule removes the NUL, as from every form field.
    pasted = import_text(client, set_id, text, fmt="plain")
    html = unescape(pasted.get_data(as_text=True))
    assert pasted.status_code == 200 and "What?" in html and 'value="confirm"' in html
    assert questions_of(app, set_id) == []


def test_uploads_over_the_limit_or_not_utf8_are_refused_and_a_bom_is_fine(app, client, user):
    set_id = make_set(client)
    big = import_text(client, set_id, "Question 1\n" + "x" * 20_000_000 + "\nAnswer:\nA.\n", filename="big.txt")
    assert big.status_code == 413 and "up to 1,000,000 bytes" in big.get_data(as_text=True)
    latin = import_text(client, set_id, "Question 1\nCafé?\nAnswer:\nOui.".encode("latin-1"), filename="l.txt")
    assert "not UTF-8 text" in latin.get_data(as_text=True)
    bom = import_text(client, set_id, "\ufeffprompt,answer\nA?,B.\n".encode(), filename="with-bom.csv")
    assert 'data-testid="added">1<' in bom.get_data(as_text=True)
    assert questions_of(app, set_id) == []


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_an_export_imports_back_to_the_same_set(app, client, user, fmt):
    set_id = make_set(client)
    add_question(client, set_id, prompt='=HYPERLINK("http://x")?', answer="- a list\n- of two", key_points="a\nb")
    add_question(
        client,
        set_id,
        prompt="Two lines\nof prompt?",
        answer="Code:\n\n```\n# not a heading\n```",
        tags="py, code",
        difficulty="hard",
    )
    exported = client.get(f"/sets/{set_id}/export.{fmt}")
    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    # Into the same set: nothing changes.
    same = import_text(client, set_id, text, fmt=fmt).get_data(as_text=True)
    assert 'data-testid="unchanged">2<' in same and 'data-testid="added">0<' in same
    # Into a new set: the same questions.
    copy_id = make_set(client, name="Copy")
    html = import_text(client, copy_id, text, fmt=fmt).get_data(as_text=True)
    import_text(client, copy_id, text, action="confirm", fmt=fmt, fingerprint=fingerprint_of(html))
    assert questions_of(app, copy_id) == questions_of(app, set_id)


# --- sharing ----------------------------------------------------------------------------------


def test_a_share_link_is_read_only_copyable_and_revocable(app, client, user, other):
    set_id = make_set(client)
    add_question(client, set_id, prompt="Shared question?")
    post(client, f"/sets/{set_id}/share")
    page = client.get(f"/sets/{set_id}").get_data(as_text=True)
    link = re.search(r'value="(http://localhost/shared/[^"]+)"', page).group(1)
    path = link.removeprefix("http://localhost")
    shared = other.get(path).get_data(as_text=True)
    assert "Shared question?" in shared and "Copy into my sets" in shared and "Edit" not in shared
    copied = post(other, f"{path}/copy")
    copy_id = int(re.search(r"/sets/(\d+)", copied.headers["Location"]).group(1))
    assert copy_id != set_id and [q[1] for q in questions_of(app, copy_id)] == ["Shared question?"]
    # Revoked: the link is gone; the copy stays Eve's.
    post(client, f"/sets/{set_id}/unshare")
    assert other.get(path).status_code == 404
    assert post(other, f"{path}/copy").status_code == 404
    assert other.get(f"/sets/{copy_id}").status_code == 200
    assert client.get(f"/sets/{copy_id}").status_code == 404


def test_my_data_download_holds_my_sets_and_nobody_elses(app, client, user, other):
    set_id = make_set(client)
    add_question(client, set_id, prompt="Mine only?")
    [mine] = client.get("/account/export.json").json["question_sets"]
    assert mine["name"] == "Company X" and [q["prompt"] for q in mine["questions"]] == ["Mine only?"]
    assert other.get("/account/export.json").json["question_sets"] == []


def test_ids_beyond_what_the_database_stores_are_404(client, user):
    huge = "9" * 25
    for url in (f"/sets/{huge}", f"/sets/1/questions/{huge}", f"/sets/{huge}/export.csv", "/sets/1/export.exe"):
        assert client.get(url).status_code == 404, url
    assert post(client, f"/sets/{huge}/share").status_code == 404
