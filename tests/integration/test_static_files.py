"""Static files: versioned addresses, kept a year, compressed; pages compressed too."""

from __future__ import annotations

import gzip
import re

import brotli

from app.static_files import STATIC_FOLDER, version_of

ASSET = re.compile(r'(?:href|src)="(/static/([0-9a-f]{12})/([^"]+))"')


def assets(client, path="/auth/login") -> list[tuple[str, str, str]]:
    return ASSET.findall(client.get(path).get_data(as_text=True))


def test_every_static_address_on_a_page_carries_the_current_version(client):
    found = assets(client)
    names = {name for _, _, name in found}
    assert {"css/app.css", "vendor/pico/pico.jade.min.css", "js/site.js"} <= names
    assert {version for _, version, _ in found} == {version_of()}


def test_static_files_are_kept_a_year_and_sent_compressed(client):
    url = next(url for url, _, name in assets(client) if name == "vendor/pico/pico.jade.min.css")
    original = (STATIC_FOLDER / "vendor/pico/pico.jade.min.css").read_bytes()
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.get_data() == original
    cache = plain.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    squeezed = client.get(url, headers={"Accept-Encoding": "br"})
    assert squeezed.headers["Content-Encoding"] == "br"
    body = squeezed.get_data()
    assert len(body) < len(original) / 4
    assert brotli.decompress(body) == original
    assert "Accept-Encoding" in squeezed.headers["Vary"]


def test_an_old_version_still_gets_the_file_but_not_for_keeps(client):
    reply = client.get("/static/000000000000/css/app.css")
    assert reply.status_code == 200
    assert reply.get_data() == (STATIC_FOLDER / "css/app.css").read_bytes()
    assert "no-cache" in reply.headers["Cache-Control"]
    assert client.get("/static/000000000000/css/missing.css").status_code == 404


def test_an_address_without_a_version_gets_the_file_but_not_for_keeps(client):
    reply = client.get("/static/js/site.js")
    assert reply.status_code == 200
    assert reply.get_data() == (STATIC_FOLDER / "js/site.js").read_bytes()
    assert "no-cache" in reply.headers["Cache-Control"]
    assert client.get("/static/js/missing.js").status_code == 404
    assert client.get("/static/js/../../factory.py").status_code == 404


def test_pages_are_compressed_and_signed_in_pages_never_stored(client, user):
    reply = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert b"Rehearse" in gzip.decompress(reply.get_data())
    assert reply.headers["Cache-Control"] == "no-store"


def test_the_version_changes_with_any_file_and_only_then(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("a { color: red }")
    (tmp_path / "b.js").write_text("export {};")
    first = version_of(tmp_path)
    assert version_of(tmp_path) == first
    (tmp_path / "css" / "a.css").write_text("a { color: blue }")
    assert version_of(tmp_path) != first
