"""The shared bank, kept by admins in the browser: categories, questions, import, export, and who
is an admin. Every page and action answers 404 to anyone who is not an admin (signed out
included), before anything else is looked at; every change is a POST with a CSRF token."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from .. import clock
from ..attempts.forms import ConfirmForm
from ..extensions import csrf
from ..importing import import_page
from ..models import Category, Question
from ..numbers import id_arg, page_arg
from ..question_files import FORMATS
from ..question_forms import (
    BankQuestionForm,
    CategoryForm,
    DeleteCategoryForm,
    MoveForm,
    Preview,
    SearchForm,
    preview_of,
    stored_preview,
)
from ..services import accounts, authoring, bank

bp = Blueprint("admin", __name__)
csrf.exempt(bp)  # checked in admins_only, after the 404 for everyone else


@bp.before_request
def admins_only():
    if not current_user.is_authenticated or not current_user.is_admin:
        abort(404)
    if request.endpoint != "admin.import_questions":  # that view raises its size limit first
        csrf.protect()


def _category(category_id: int) -> Category:
    category = bank.category_by_id(category_id)
    if category is None:
        abort(404)
    return category


def _question(question_id: int) -> Question:
    question = bank.bank_question(question_id)
    if question is None:
        abort(404)
    return question


@bp.route("/")
def index():
    """The bank's categories, in the order candidates see them."""
    return render_template("admin/index.html", rows=bank.categories_with_counts(), formats=FORMATS, form=ConfirmForm())


@bp.route("/categories/new", methods=["GET", "POST"])
def new_category():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = bank.create_category(form.name.data, form.slug.data or None, form.description.data or "")
        except bank.BankError as exc:
            form.slug.errors.append(str(exc))
        else:
            flash(f"Added the category “{category.name}”.", "success")
            return redirect(url_for(".index", _anchor=f"category-{category.id}"))
    return render_template("admin/category_form.html", form=form, category=None)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def edit_category(category_id: int):
    """Rename or describe a category. Its slug stays: files refer to it."""
    category = _category(category_id)
    form = CategoryForm(obj=category)
    del form.slug
    if form.validate_on_submit():
        authoring.update_category(category, form.name.data, form.description.data or "")
        flash("Saved the category.", "success")
        return redirect(url_for(".index", _anchor=f"category-{category.id}"))
    return render_template("admin/category_form.html", form=form, category=category)


@bp.route("/categories/<int:category_id>/move", methods=["POST"])
def move_category(category_id: int):
    category = _category(category_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    bank.move_category(category, -1 if form.direction.data == "up" else 1)
    return redirect(url_for(".index", _anchor=f"category-{category.id}"))


@bp.route("/categories/<int:category_id>/delete", methods=["GET", "POST"])
def delete_category(category_id: int):
    """GET: ask first (and, if it has questions, where they go). POST: delete."""
    category = _category(category_id)
    count = authoring.question_count(category.id)
    form = DeleteCategoryForm()
    others = [SelectChoice(c.id, c.name) for c, _ in bank.categories_with_counts() if c.id != category.id]
    form.move_to.choices = [SelectChoice(0, "— choose a category —"), *others]
    if form.validate_on_submit():
        target = bank.category_by_id(form.move_to.data) if form.move_to.data else None
        try:
            moved = bank.delete_category(category, target)
        except bank.BankError as exc:
            form.move_to.errors.append(str(exc))
        else:
            flash(
                f"Deleted “{category.name}”"
                + (f"; its {moved} questions are now in “{target.name}”." if moved and target else "."),
                "success",
            )
            return redirect(url_for(".index"))
    return render_template("admin/delete_category.html", category=category, count=count, form=form, others=others)


@bp.route("/questions/")
def questions():
    """Search and filter the bank's questions by text, category, tag and difficulty."""
    form = SearchForm(request.args)
    rows = bank.categories_with_counts()
    form.category.choices = [SelectChoice("", "Any")] + [SelectChoice(str(c.id), c.name) for c, _ in rows]
    form.tag.choices = [SelectChoice("", "Any")] + [SelectChoice(t, t) for t in bank.all_tags()]
    search = bank.Search(
        text=(form.q.data or "")[:200],
        category_id=id_arg("category"),
        tag=(form.tag.data or "")[:40],
        difficulty=form.difficulty.data or "",
        archived=request.args.get("archived") == "1",
    )
    results = bank.search_questions(search, page_arg())
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/questions.html", form=form, page=results, search=search, args=args)


def _category_choices(form: BankQuestionForm) -> None:
    form.category.choices = [SelectChoice(c.id, c.name) for c, _ in bank.categories_with_counts()]


def _preview(form: BankQuestionForm, question: Question | None) -> Preview | None:
    """The typed question as the interview and the review would show it, else the stored one."""
    if request.method == "POST" and form.prompt.data:
        category = bank.category_by_id(form.category.data) if form.category.data else None
        return preview_of(category.name if category else "", form.values())
    return stored_preview(question) if question is not None else None


@bp.route("/questions/new", methods=["GET", "POST"])
def new_question():
    form = BankQuestionForm()
    _category_choices(form)
    if not form.category.choices:
        flash("Add a category first: every question belongs to one.", "info")
        return redirect(url_for(".new_category"))
    if request.method == "GET":  # a link from a category preselects it
        form.category.data = id_arg("category")
    if form.validate_on_submit() and request.form.get("action") != "preview":
        category = _category(form.category.data)
        try:
            question = authoring.create_question(category, form.values(), clock.now())
        except authoring.AuthoringError as exc:
            form.prompt.errors.append(str(exc))
        else:
            flash("Added the question to the bank.", "success")
            return redirect(url_for(".edit_question", question_id=question.id))
    return render_template(
        "authoring/question_form.html",
        form=form,
        category=None,
        question=None,
        back=url_for(".questions"),
        preview=_preview(form, None),
    )


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(question_id: int):
    """Every field of a bank question, a preview, and when it last changed. Past attempts keep
    the question as they asked it."""
    question = _question(question_id)
    form = BankQuestionForm(
        data={**BankQuestionForm.data_of(question), "category": question.category_id}
        if request.method == "GET"
        else None
    )
    _category_choices(form)
    if form.validate_on_submit() and request.form.get("action") != "preview":
        try:
            authoring.update_question(question, form.values(), clock.now(), category=_category(form.category.data))
        except authoring.AuthoringError as exc:
            form.category.errors.append(str(exc))
        else:
            flash("Saved the question. Past interviews keep the version they asked.", "success")
            return redirect(url_for(".edit_question", question_id=question.id))
    return render_template(
        "authoring/question_form.html",
        form=form,
        category=question.category,
        question=question,
        back=url_for(".questions"),
        preview=_preview(form, question),
        delete_url=url_for(".delete_question", question_id=question.id),
    )


@bp.route("/questions/<int:question_id>/delete", methods=["GET", "POST"])
def delete_question(question_id: int):
    """GET: ask first. POST: delete it, or archive it when attempts used it."""
    question = _question(question_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = authoring.remove_question(question, clock.now())
        flash(
            "Archived the question: attempts used it, so it stays for their history and is no longer asked."
            if outcome == "archived"
            else "Deleted the question.",
            "success",
        )
        return redirect(url_for(".questions"))
    return render_template(
        "authoring/delete_question.html",
        question=question,
        form=form,
        used=authoring.is_used(question.id),
        back=url_for(".edit_question", question_id=question.id),
    )


@bp.route("/questions/<int:question_id>/restore", methods=["POST"])
def restore_question(question_id: int):
    question = _question(question_id)
    authoring.restore_question(question, clock.now())
    flash("The question is back in use: new interviews may ask it.", "success")
    return redirect(url_for(".edit_question", question_id=question.id))


@bp.route("/import", methods=["GET", "POST"])
def import_questions():
    """Paste or upload; a dry run first; nothing is written until it is confirmed."""
    return import_page(
        into="the shared bank",
        target="the shared bank",
        back=url_for(".index"),
        show_category=True,
        plan=bank.plan_import,
        write=lambda text, fmt, fingerprint, category_name: bank.run_import(
            text, fmt, fingerprint, clock.now(), category_name
        ),
    )


@bp.route("/export.<fmt>")
def export(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    _, extension, media_type = FORMATS[fmt]
    return Response(
        bank.export(fmt),
        mimetype=media_type,
        headers={"Content-Disposition": f'attachment; filename="rehearse-bank.{extension}"'},
    )


@bp.route("/users/")
def users():
    return render_template(
        "admin/users.html",
        page=accounts.users_page(page_arg()),
        form=ConfirmForm(),
    )


@bp.route("/users/<int:user_id>/admin", methods=["POST"])
def set_admin(user_id: int):
    """Make a user an admin (grant=1) or take it back (grant=0)."""
    user = accounts.user_by_id(user_id)
    if user is None:
        abort(404)
    grant = request.form.get("grant") == "1"
    try:
        accounts.set_admin(user, grant, current_user.id)
    except accounts.AdminChangeRefused as exc:
        flash(str(exc), "error")
    else:
        flash(f"{user.email} is {'now' if grant else 'no longer'} an administrator.", "success")
    return redirect(url_for(".users"))
