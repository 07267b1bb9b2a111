"""The account's whole life in a real browser: change the password (another browser is signed
out), sign out everywhere, delete the account and its data."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User

PASSWORD = "violet tractor sings loudly"
NEW_PASSWORD = "amber kettle hums softly"


def register(page, live_url, email):
    page.goto(live_url + "/auth/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()


def sign_in(page, live_url, email, password):
    page.goto(live_url + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()


def test_change_password_sign_out_everywhere_and_delete_the_account(app, browser, page, live_url):
    register(page, live_url, "lin@example.com")
    other = browser.new_context().new_page()  # a second browser, signed in too
    sign_in(other, live_url, "lin@example.com", PASSWORD)
    expect(other.get_by_text("Signed in as lin@example.com")).to_be_visible()

    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("The current password is incorrect.")).to_be_visible()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password was changed. 1 other sign-in was ended.")).to_be_visible()

    other.reload()
    expect(other.get_by_role("link", name="Sign in")).to_be_visible()  # the other browser is signed out
    sign_in(other, live_url, "lin@example.com", NEW_PASSWORD)
    expect(other.get_by_text("Signed in as lin@example.com")).to_be_visible()

    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_text("You are signed out everywhere")).to_be_visible()
    other.reload()
    expect(other.get_by_role("link", name="Sign in")).to_be_visible()
    other.context.close()

    sign_in(page, live_url, "lin@example.com", NEW_PASSWORD)
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Delete my account and all my data").click()
    expect(page.get_by_text("It cannot be undone.")).to_be_visible()
    page.get_by_label("Your password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(page.get_by_text("Tick the box to confirm.")).to_be_visible()
    page.get_by_label("Your password").fill(NEW_PASSWORD)
    page.get_by_label(re.compile("I understand that my account")).check()
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(page.get_by_text("Your account and all its data were deleted.")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "lin@example.com")) is None

    sign_in(page, live_url, "lin@example.com", NEW_PASSWORD)
    expect(page.get_by_text("The email or password is incorrect.")).to_be_visible()
