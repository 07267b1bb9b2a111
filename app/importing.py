"""What the import pages of sets and of the bank share: reading the pasted text or the uploaded
file within the limits, and the format to read it in."""

from __future__ import annotations

from flask import request

from .extensions import csrf
from .question_files import MAX_FILE_BYTES, BankFileError, decode, detect_format

# A pasted text and a file can both come in one request (multipart: no encoding overhead).
IMPORT_REQUEST_BYTES = 2 * MAX_FILE_BYTES + 64 * 1024


def open_import_request() -> None:
    """Raise this request's size limits (the app's are sized for answers) to what an import may
    send, then check its CSRF token. Import views are exempt from the app-wide check, which
    would read the form under the smaller limit first; they must call this before anything else.
    Raises RequestEntityTooLarge when even these limits are passed."""
    request.max_content_length = IMPORT_REQUEST_BYTES
    request.max_form_memory_size = IMPORT_REQUEST_BYTES
    if request.method == "POST":
        csrf.protect()


def submitted_text(form) -> tuple[str, str | None, str | None]:
    """(text, file name, problem): the uploaded file when one was chosen, else the pasted text."""
    upload = form.file.data
    if upload is not None and upload.filename:
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            return decode(data), upload.filename, None
        except BankFileError as exc:
            return "", upload.filename, f"{upload.filename}: {exc.problems[0]}"
    return form.text.data or "", None, None


def chosen_format(form, text: str, filename: str | None) -> str:
    return form.format.data if form.format.data not in (None, "", "auto") else detect_format(text, filename)
