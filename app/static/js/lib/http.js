// Requests from the pages' scripts: same-origin, asking for JSON, with the page's CSRF token.

export function csrfToken(doc = globalThis.document) {
  const meta = doc && doc.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

// The reply as {status, data}; a body that is not JSON gives data = {}. A network failure rejects.
async function asReply(response) {
  let data;
  try {
    data = await response.json();
  } catch {
    data = {};
  }
  return { status: response.status, ok: response.ok, data };
}

export async function postJSON(url, body, { keepalive = false, fetchImpl = globalThis.fetch, token = csrfToken() } = {}) {
  const response = await fetchImpl(url, {
    method: "POST",
    keepalive,
    headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  return asReply(response);
}

// A form posted as the browser would (its own csrf_token field included), answered in JSON.
export async function postForm(url, formData, { fetchImpl = globalThis.fetch, token = csrfToken() } = {}) {
  const response = await fetchImpl(url, {
    method: "POST",
    body: formData,
    headers: { "X-CSRFToken": token, Accept: "application/json" },
    credentials: "same-origin",
  });
  return asReply(response);
}

export async function getJSON(url, { fetchImpl = globalThis.fetch } = {}) {
  const response = await fetchImpl(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  return asReply(response);
}
