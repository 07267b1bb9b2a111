"""A new user in a real browser: create an account, sign out, sign in, see the bank, sign out."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Category, Question

PASSWORD = "violet tractor sings loudly"


def test_register_sign_in_see_the_bank_and_sign_out(app, page, live_url):
    with app.app_context():
        categories = db.session.scalar(sa.select(sa.func.count(Category.id)))
        questions = db.session.scalar(sa.select(sa.func.count(Question.id)))
    assert questions > 0

    page.goto(live_url + "/")
    page.get_by_role("button", name="Create a free account").click()
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    expect(page.get_by_text("Signed in as grace@example.com")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email or password is incorrect.")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Question bank").click()
    expect(page).to_have_title(re.compile("^Question bank"))
    expect(page.get_by_text(f"{questions} questions in {categories} categories")).to_be_visible()
    first_category = page.locator(".card-list h2 a").first
    name = first_category.inner_text()
    first_category.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert page.locator(".question-list li").count() > 0

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_url + "/bank/")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))


def test_pages_fit_a_phone_screen(app, browser, live_url):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_url + "/auth/register")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    expect(page.get_by_role("main").get_by_role("button", name="Create account")).to_be_visible()
    context.close()
