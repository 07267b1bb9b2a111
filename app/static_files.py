"""Static files under a versioned path, kept by browsers for a year, sent compressed.

The version is a digest of everything in app/static, placed in the URL path
(/static/<version>/css/app.css), so a changed file gets a new address and a cached copy can
never go stale. One version for the whole folder because the scripts are ES modules that
import each other by relative paths: those resolve inside the same version too.
Compression (gzip, Brotli or Zstandard, as the browser asks) is Flask-Compress's, for pages too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

STATIC_FOLDER = Path(__file__).resolve().parent / "static"
_versions: dict[tuple, str] = {}


def version_of(folder: Path = STATIC_FOLDER) -> str:
    """A short digest of every file's path and content. Computed again only when a file's size
    or modification time changed."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    fingerprint = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if fingerprint not in _versions:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        _versions[fingerprint] = digest.hexdigest()[:12]
    return _versions[fingerprint]


def url_path() -> str:
    """Flask's static_url_path: url_for('static', ...) then gives versioned addresses."""
    return f"/static/{version_of()}"


def register(app: Flask) -> None:
    app.add_url_rule("/static/<version>/<path:filename>", "static_other_version", _other_version)

    @app.after_request
    def never_revalidate(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code in (200, 304):
            # The address changes with the content, so the copy a browser has is always right.
            response.cache_control.immutable = True
            if response.status_code == 200 and response.is_streamed:
                # Read the file now (the largest is 83 KB): compressed whole, it is sent with its
                # length rather than as a chunked stream.
                response.direct_passthrough = False
                response.set_data(response.get_data())
        return response


def _other_version(version: str, filename: str) -> Response:
    """A page served before the files changed asks for the old version: send today's file, but
    never let it be kept under the old address. An address without a version
    (/static/css/app.css, from a bookmark or a script) gets the file the same way."""
    try:
        return send_from_directory(STATIC_FOLDER, filename, max_age=0)
    except NotFound:
        return send_from_directory(STATIC_FOLDER, f"{version}/{filename}", max_age=0)
