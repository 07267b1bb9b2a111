"""Helpers for tests: reading CSRF tokens as a browser would, signing in, skipping with a reason."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa


def require(flag: str, reason: str) -> None:
    """Skip with a reason, or fail when the environment says this must run."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} ({flag}=1)")
    pytest.skip(reason)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form at `url`, read as a browser would."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class AuthActions:
    PASSWORD = "correct horse battery staple"

    def __init__(self, client):
        self.client = client

    def register(self, email: str = "ada@example.com", password: str = PASSWORD, follow: bool = False):
        token = csrf_token(self.client, "/auth/register")
        return self.client.post(
            "/auth/register",
            data={"email": email, "password": password, "confirm": password, "csrf_token": token},
            follow_redirects=follow,
        )

    def login(self, email: str = "ada@example.com", password: str = PASSWORD, next: str | None = None):
        token = csrf_token(self.client, "/auth/login")
        url = "/auth/login" + (f"?next={next}" if next else "")
        return self.client.post(url, data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        token = csrf_token(self.client, "/")
        return self.client.post("/auth/logout", data={"csrf_token": token})


def add_bank(app, categories: int = 2, per_category: int = 3) -> None:
    """A small question bank: categories cat-0.., questions q-<c>-<q> with three key points."""
    from app.extensions import db
    from app.models import Category, Question

    with app.app_context():
        for c in range(categories):
            category = Category(slug=f"cat-{c}", name=f"Category {c}", description=f"About {c}.", position=c)
            db.session.add(category)
            for q in range(per_category):
                category.questions.append(
                    Question(
                        slug=f"q-{c}-{q}",
                        prompt=f"Prompt {c}.{q} <b>bold</b>?",
                        reference_answer=f"SECRET-REFERENCE-{c}-{q} uses cosine similarity over normalised vectors.",
                        key_points=["cosine similarity", "normalised vectors", "dot product"],
                        difficulty="hard",
                        tags=["tag-a"],
                        position=q,
                    )
                )
        db.session.commit()


@contextmanager
def watching(app, event: str, listener: Callable) -> Iterator[None]:
    """`listener` on `event` of every engine of the app (autosave has a pool of its own)."""
    from app.extensions import db

    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        sa.event.listen(engine, event, listener)
    try:
        yield
    finally:
        for engine in engines:
            sa.event.remove(engine, event, listener)
