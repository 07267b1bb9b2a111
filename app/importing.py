"""The import page that a set and the shared bank share: reading the pasted text or the uploaded
file within the limits, a dry run first, and writing only what the dry run showed."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from .extensions import csrf
from .import_plan import ImportPlan
from .question_files import FORMATS, MAX_FILE_BYTES, BankFileError, decode, detect_format
from .question_forms import ImportForm
from .services.authoring import PlanChanged

# A pasted text and a file can both come in one request (multipart: no encoding overhead).
IMPORT_REQUEST_BYTES = 2 * MAX_FILE_BYTES + 64 * 1024

# (text, format, category name for questions the file does not place) -> the plan
Planner = Callable[[str, str, str | None], ImportPlan]
# (text, format, fingerprint of the confirmed dry run, category name) -> the plan written
Writer = Callable[[str, str, str, str | None], ImportPlan]


def open_import_request() -> None:
    """Raise this request's size limits (the app's are sized for answers) to what an import may
    send, then check its CSRF token. Import views are exempt from the app-wide check, which
    would read the form under the smaller limit first; they must call this before anything else.
    Raises RequestEntityTooLarge when even these limits are passed."""
    request.max_content_length = IMPORT_REQUEST_BYTES
    request.max_form_memory_size = IMPORT_REQUEST_BYTES
    if request.method == "POST":
        csrf.protect()


def submitted_text(form: ImportForm) -> tuple[str, str | None, str | None]:
    """(text, file name, problem): the uploaded file when one was chosen, else the pasted text."""
    upload = form.file.data
    if upload is not None and upload.filename:
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            return decode(data), upload.filename, None
        except BankFileError as exc:
            return "", upload.filename, f"{upload.filename}: {exc.problems[0]}"
    return form.text.data or "", None, None


def chosen_format(form: ImportForm, text: str, filename: str | None) -> str:
    return form.format.data if form.format.data not in (None, "", "auto") else detect_format(text, filename)


def import_page(*, into: str, target: str, back: str, show_category: bool, plan: Planner, write: Writer):
    """The import page: paste or upload; a dry run; on confirmation, `write` (which refuses when
    the plan no longer matches the dry run), then back to `back`. `target` names where the
    questions go on the page, `into` in the message after the import."""

    def page(template: str, form: ImportForm, status: int = 200, **context) -> ResponseReturnValue:
        context |= {"form": form, "target": target, "back": back, "show_category": show_category}
        return render_template(template, **context), status

    try:
        open_import_request()
        form = ImportForm()
        submitted = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = ImportForm(formdata=None)
        form.file.errors = [f"That is more than an import may send: files and texts up to {MAX_FILE_BYTES:,} bytes."]
        return page("authoring/import.html", form, 413)
    if not submitted:
        return page("authoring/import.html", form)
    text, filename, problem = submitted_text(form)
    if problem:
        form.file.errors.append(problem)
        return page("authoring/import.html", form)
    if not text.strip():
        form.text.errors.append("Paste some questions, or choose a file.")
        return page("authoring/import.html", form)
    fmt = chosen_format(form, text, filename)
    category_name = form.category.data or None
    if request.form.get("action") == "confirm":
        try:
            written = write(text, fmt, form.fingerprint.data or "", category_name)
        except PlanChanged as exc:
            flash(str(exc), "error")
        else:
            flash(f"Imported into {into}: {written.summary()}.", "success")
            return redirect(back)
    planned = plan(text, fmt, category_name)
    form.text.data, form.format.data, form.fingerprint.data = text, fmt, planned.fingerprint()
    status = 422 if planned.problems else 200
    return page("authoring/dry_run.html", form, status, plan=planned, fmt=fmt, fmt_label=FORMATS[fmt][0])
