"""Asking the operator's language model: one request to an OpenAI-compatible chat-completions
endpoint (a hosted service or a local model server), with a timeout and a readable error for
every way it can fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from flask import Flask

# A reply longer than this is cut: it is shown on the review and kept with the answer.
MAX_REPLY_CHARS = 8_000


class ModelUnavailable(Exception):
    """The model did not give a usable reply; the message says so in the user's words."""


@dataclass(frozen=True)
class Endpoint:
    url: str
    model: str
    key: str | None
    timeout: float

    @property
    def address(self) -> str:
        """Where requests go: the configured address, completed with /chat/completions."""
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"

    @property
    def host(self) -> str:
        return httpx.URL(self.url).host


def endpoint(app: Flask) -> Endpoint | None:
    """The configured endpoint, or None when feedback is off."""
    config = app.config
    if not config.get("LLM_URL"):
        return None
    return Endpoint(config["LLM_URL"], config["LLM_MODEL"], config.get("LLM_KEY"), float(config["LLM_TIMEOUT_SECONDS"]))


def chat(where: Endpoint, messages: list[dict[str, str]]) -> str:
    """The model's reply to `messages`, or ModelUnavailable."""
    headers = {"Authorization": f"Bearer {where.key}"} if where.key else {}
    body = {"model": where.model, "messages": messages, "temperature": 0.2}
    try:
        response = httpx.post(where.address, json=body, headers=headers, timeout=where.timeout)
    except httpx.TimeoutException:
        raise ModelUnavailable(
            f"The feedback model did not answer within {where.timeout:g} seconds. Try again later."
        ) from None
    except httpx.HTTPError:
        raise ModelUnavailable("The feedback model could not be reached. Try again later.") from None
    if response.status_code != 200:
        raise ModelUnavailable(
            f"The feedback model refused the request (HTTP {response.status_code}). Try again later."
        )
    text = _reply_text(response)
    if not text:
        raise ModelUnavailable("The feedback model sent a reply Rehearse could not read. Try again later.")
    return text[:MAX_REPLY_CHARS]


def _reply_text(response: httpx.Response) -> str:
    try:
        data: Any = response.json()
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
    return content.strip() if isinstance(content, str) else ""
