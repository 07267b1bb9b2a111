// The review page: keys 1–4 rate the answer being read (as in Anki), saved without leaving the page.
(function () {
  "use strict";

  var forms = Array.prototype.slice.call(document.querySelectorAll(".rating-form"));
  if (!forms.length) return;

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

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form);
    });
    form.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      radio.addEventListener("change", function () { send(form); });
    });
  });

  // The answer being read: the one holding the focus, else the first whose heading is on screen.
  function currentForm() {
    var active = document.activeElement && document.activeElement.closest(".review-item");
    if (active) return active.querySelector(".rating-form");
    var items = document.querySelectorAll(".review-item");
    for (var i = 0; i < items.length; i++) {
      var box = items[i].getBoundingClientRect();
      if (box.bottom > 80) return items[i].querySelector(".rating-form");
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "textarea" || tag === "select" || (tag === "input" && event.target.type !== "radio")) return;
    if (["1", "2", "3", "4"].indexOf(event.key) === -1) return;
    var form = currentForm();
    if (!form) return;
    var radio = form.querySelector('input[type="radio"][value="' + event.key + '"]');
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    send(form);
  });
})();
