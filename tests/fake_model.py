"""A small stand-in for an OpenAI-compatible chat-completions server, started by the tests that
need one, so that nothing calls the internet. It records what it was sent and answers as told."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeModel:
    url: str = ""
    reply: str = "- You named cosine similarity.\n- **Missing:** why normalising first makes it a dot product."
    status: int = 200
    delay: float = 0.0
    raw_body: bytes | None = None  # sent as is instead of a chat-completions reply
    received: list[dict] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def fake_model() -> Iterator[FakeModel]:
    model = FakeModel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # the name http.server calls
            length = int(self.headers.get("Content-Length") or 0)
            model.received.append({"path": self.path, **json.loads(self.rfile.read(length) or b"{}")})
            model.headers.append(dict(self.headers))
            time.sleep(model.delay)
            body = model.raw_body
            if body is None:
                choice = {"index": 0, "message": {"role": "assistant", "content": model.reply}}
                body = json.dumps({"id": "fake", "object": "chat.completion", "choices": [choice]}).encode()
            try:
                self.send_response(model.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: that is the case under test

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    model.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield model
    finally:
        server.shutdown()
        server.server_close()
