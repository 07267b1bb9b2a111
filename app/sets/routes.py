"""My question sets: a user's own questions, their import and export, and read-only share links.

Every page and action answers 404 for a set that is not the signed-in user's (a share link shows
a set read-only, and only while its owner shares it). Every change is a POST with a CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..attempts.forms import ConfirmForm
from ..extensions import csrf
from ..importing import import_page
from ..models import Category, Question
from ..question_files import FORMATS
from ..question_forms import (
    MoveForm,
    Preview,
    QuestionForm,
    SetForm,
    preview_of,
    stored_preview,
)
from ..services import authoring, question_sets

bp = Blueprint("sets", __name__)


def _own_set(set_id: int, *, with_questions: bool = False) -> Category:
    category = question_sets.set_of(current_user.id, set_id, with_questions=with_questions)
    if category is None:
        abort(404)
    return category


def _own_question(set_id: int, question_id: int) -> Question:
    question = question_sets.question_of(current_user.id, set_id, question_id)
    if question is None:
        abort(404)
    return question


def _to_set(category: Category, anchor: str | None = None):
    return redirect(url_for(".show", set_id=category.id, _anchor=anchor))


@bp.route("/sets/")
@login_required
def index():
    """My sets, with their question counts."""
    return render_template("sets/index.html", rows=question_sets.sets_of(current_user.id))


@bp.route("/sets/new", methods=["GET", "POST"])
@login_required
def new():
    form = SetForm()
    if form.validate_on_submit():
        try:
            category = question_sets.create_set(current_user.id, form.name.data, form.description.data or "")
        except authoring.AuthoringError as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"Created the set “{category.name}”. Add questions, or import them.", "success")
            return _to_set(category)
    return render_template("sets/set_form.html", form=form, category=None)


@bp.route("/sets/<int:set_id>")
@login_required
def show(set_id: int):
    category = _own_set(set_id, with_questions=True)
    return render_template(
        "sets/show.html",
        category=category,
        questions=category.questions,
        in_use=sum(1 for q in category.questions if q.archived_at is None),
        formats=FORMATS,
        form=ConfirmForm(),
        share_url=url_for(".shared", token=category.share_token, _external=True) if category.share_token else None,
    )


@bp.route("/sets/<int:set_id>/edit", methods=["GET", "POST"])
@login_required
def edit(set_id: int):
    category = _own_set(set_id)
    form = SetForm(obj=category)
    if form.validate_on_submit():
        authoring.update_category(category, form.name.data, form.description.data or "")
        flash("Saved the set.", "success")
        return _to_set(category)
    return render_template("sets/set_form.html", form=form, category=category)


@bp.route("/sets/<int:set_id>/delete", methods=["GET", "POST"])
@login_required
def delete(set_id: int):
    """GET: ask first. POST: delete the set and its questions (past attempts keep their copies)."""
    category = _own_set(set_id, with_questions=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        question_sets.delete_set(category)
        flash(f"Deleted the set “{category.name}”.", "success")
        return redirect(url_for(".index"))
    return render_template("sets/delete_set.html", category=category, form=form)


@bp.route("/sets/<int:set_id>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(set_id: int):
    category = _own_set(set_id)
    form = QuestionForm()
    if form.validate_on_submit() and request.form.get("action") != "preview":
        try:
            question = authoring.create_question(category, form.values(), clock.now())
        except authoring.AuthoringError as exc:
            form.prompt.errors.append(str(exc))
        else:
            flash("Added the question.", "success")
            return _to_set(category, f"question-{question.id}")
    return render_template(
        "authoring/question_form.html",
        form=form,
        category=category,
        question=None,
        back=url_for(".show", set_id=category.id),
        preview=_preview(form, category),
    )


def _preview(form: QuestionForm, category: Category) -> Preview | None:
    """The typed question as the interview and the review would show it (nothing is saved)."""
    if request.method != "POST" or not form.prompt.data:
        return None
    return preview_of(category.name, form.values())


@bp.route("/sets/<int:set_id>/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(set_id: int, question_id: int):
    """Edit a question. Past attempts keep the question as it was asked."""
    question = _own_question(set_id, question_id)
    form = QuestionForm(data=QuestionForm.data_of(question) if request.method == "GET" else None)
    if form.validate_on_submit() and request.form.get("action") != "preview":
        authoring.update_question(question, form.values(), clock.now())
        flash("Saved the question. Past interviews keep the version they asked.", "success")
        return _to_set(question.category, f"question-{question.id}")
    return render_template(
        "authoring/question_form.html",
        form=form,
        category=question.category,
        question=question,
        back=url_for(".show", set_id=set_id),
        preview=_preview(form, question.category) or stored_preview(question),
        delete_url=url_for(".delete_question", set_id=set_id, question_id=question.id),
    )


@bp.route("/sets/<int:set_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@login_required
def delete_question(set_id: int, question_id: int):
    """GET: ask first. POST: delete it, or archive it when attempts used it."""
    question = _own_question(set_id, question_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = authoring.remove_question(question, clock.now())
        flash(
            "Archived the question: your past interviews used it, so it stays for their history, "
            "and is no longer asked."
            if outcome == "archived"
            else "Deleted the question.",
            "success",
        )
        return _to_set(question.category)
    return render_template(
        "authoring/delete_question.html",
        question=question,
        form=form,
        used=authoring.is_used(question.id),
        back=url_for(".show", set_id=set_id),
    )


@bp.route("/sets/<int:set_id>/questions/<int:question_id>/restore", methods=["POST"])
@login_required
def restore_question(set_id: int, question_id: int):
    question = _own_question(set_id, question_id)
    if ConfirmForm().validate_on_submit():
        authoring.restore_question(question, clock.now())
        flash("The question is back in use.", "success")
    return _to_set(question.category, f"question-{question.id}")


@bp.route("/sets/<int:set_id>/questions/<int:question_id>/move", methods=["POST"])
@login_required
def move_question(set_id: int, question_id: int):
    question = _own_question(set_id, question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    authoring.move_question(question, -1 if form.direction.data == "up" else 1)
    return _to_set(question.category, f"question-{question.id}")


@bp.route("/sets/<int:set_id>/import", methods=["GET", "POST"])
@csrf.exempt  # checked by import_page, once the size limit is raised
@login_required
def import_questions(set_id: int):
    """Paste or upload; a dry run first; nothing is written until it is confirmed. A set takes
    every question of a file, whatever category the file names."""
    category = _own_set(set_id, with_questions=True)
    return import_page(
        into=f"“{category.name}”",
        target=category.name,
        back=url_for(".show", set_id=set_id),
        show_category=False,
        plan=lambda text, fmt, _category_name: question_sets.plan_import(category, text, fmt),
        write=lambda text, fmt, fingerprint, _category_name: question_sets.run_import(
            category, text, fmt, fingerprint, clock.now()
        ),
    )


@bp.route("/sets/<int:set_id>/export.<fmt>")
@login_required
def export(set_id: int, fmt: str):
    category = _own_set(set_id, with_questions=True)
    if fmt not in FORMATS:
        abort(404)
    _, extension, media_type = FORMATS[fmt]
    return Response(
        question_sets.export(category, fmt),
        mimetype=media_type,
        headers={"Content-Disposition": f'attachment; filename="{category.slug}.{extension}"'},
    )


@bp.route("/sets/<int:set_id>/share", methods=["POST"])
@login_required
def share(set_id: int):
    category = _own_set(set_id)
    if ConfirmForm().validate_on_submit():
        question_sets.share(category)
        flash(
            "Anyone signed in who has the link can now see this set and copy it. Stop sharing at any time.", "success"
        )
    return _to_set(category, "sharing")


@bp.route("/sets/<int:set_id>/unshare", methods=["POST"])
@login_required
def unshare(set_id: int):
    category = _own_set(set_id)
    if ConfirmForm().validate_on_submit():
        question_sets.stop_sharing(category)
        flash("The link no longer works. Copies already made stay with the people who made them.", "success")
    return _to_set(category, "sharing")


def _shared_or_404(token: str) -> Category:
    category = question_sets.shared_set(token)
    if category is None:
        abort(404)
    return category


@bp.route("/shared/<token>")
@login_required
def shared(token: str):
    """A set someone shares: read-only; the visitor may copy it into their own sets."""
    category = _shared_or_404(token)
    questions = [q for q in category.questions if q.archived_at is None]
    return render_template(
        "sets/shared.html",
        category=category,
        questions=questions,
        form=ConfirmForm(),
        own=category.owner_id == current_user.id,
    )


@bp.route("/shared/<token>/copy", methods=["POST"])
@login_required
def copy(token: str):
    category = _shared_or_404(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        copy = question_sets.copy_set(category, current_user.id, clock.now())
    except authoring.AuthoringError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".shared", token=token))
    flash(f"Copied “{category.name}” into your sets. Your copy is yours to change.", "success")
    return _to_set(copy)
