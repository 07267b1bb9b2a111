// The review page: ratings saved without leaving the page, keys 1–4 (as in Anki) for the answer
// that has the focus, and text this browser typed but never sent, handed in as late text.
(function () {
  "use strict";

  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  // --- ratings -------------------------------------------------------------------------------
  function send(form) {
    var state = form.querySelector(".rating-state");
    state.textContent = "Saving…";
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
      .then(function (reply) {
        state.textContent = reply.ok ? "Rated " + reply.data.name : reply.data.error || "Not saved. Try again.";
      }, function () {
        state.textContent = "Not saved: you seem to be offline. Try again.";
      });
  }

  document.querySelectorAll(".rating-form").forEach(function (form) {
    var pending = null;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form);
    });
    // Arrow keys step through the grades: save the one the user settles on.
    form.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        clearTimeout(pending);
        pending = setTimeout(function () { send(form); }, 600);
      });
    });
  });

  // Keys 1–4 act only inside an answer that has the focus (click it, or Tab into it).
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (["1", "2", "3", "4"].indexOf(event.key) === -1) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "textarea" || tag === "select" || (tag === "input" && event.target.type !== "radio")) return;
    var item = event.target.closest && event.target.closest(".review-item");
    if (!item) return;
    var form = item.querySelector(".rating-form");
    var radio = form.querySelector('input[type="radio"][value="' + event.key + '"]');
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    send(form);
  });

  // --- text typed in this browser that never reached the server ---------------------------------
  var review = document.getElementById("review");
  if (!review) return;
  var prefix = "rehearse:draft:" + review.dataset.answersUrl;
  var leftovers = [];
  try {
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) leftovers.push(key);
    }
  } catch (e) { return; }
  if (!leftovers.length) return;
  var notice = document.getElementById("leftover-notice");
  Promise.all(leftovers.map(function (key) {
    var draft;
    try { draft = JSON.parse(localStorage.getItem(key)); } catch (e) { draft = null; }
    if (!draft || typeof draft.text !== "string") { localStorage.removeItem(key); return false; }
    return fetch(key.slice("rehearse:draft:".length), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ text: draft.text, revision: draft.revision }),
      credentials: "same-origin",
    }).then(function (r) {
      if (!r.ok) return false;
      localStorage.removeItem(key);
      return r.json().then(function (data) { return !!data.kept_late; }, function () { return false; });
    }, function () { return false; });
  })).then(function (results) {
    if (results.indexOf(true) !== -1) {
      notice.hidden = false;
      notice.textContent = "Text this browser had not sent before the end was added as late text. Reloading…";
      setTimeout(function () { window.location.reload(); }, 1200);
    }
  });
})();
