// The interview page: autosave, a countdown kept in step with the server, and conflict handling.
// Without this script the page still works: every button posts the answer with the form.
(function () {
  "use strict";

  var root = document.getElementById("interview");
  if (!root) return;

  var form = document.getElementById("answer-form");
  var textarea = document.getElementById("text");
  var revisionInput = document.getElementById("revision");
  var flagInput = document.getElementById("flagged");
  var saveState = document.getElementById("save-state");
  var timerEl = document.getElementById("timer");
  var announcer = document.getElementById("time-announcer");
  var wordCount = document.getElementById("word-count");
  var conflictBox = document.getElementById("conflict");
  var conflictText = document.getElementById("conflict-text");
  var timeoutForm = document.getElementById("timeout-form");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  var saveUrl = root.dataset.saveUrl;
  var statusUrl = root.dataset.statusUrl;
  var submitUrl = root.dataset.submitUrl;
  var reviewUrl = root.dataset.reviewUrl;
  var announceAt = root.dataset.announceAt.split(",").map(Number);
  var maxChars = parseInt(textarea.getAttribute("maxlength"), 10);
  var draftKey = "rehearse:draft:" + saveUrl;

  var SAVE_DELAY_MS = 2000;
  var MAX_BACKOFF_MS = 30000;

  var revision = parseInt(revisionInput.value, 10);
  // What the server holds; the box may differ (typed before this script ran, or a refused form).
  var savedText = root.dataset.savedText;
  var savedFlag = root.dataset.savedFlag === "true";
  var saving = false;
  var conflict = false;
  var closed = false;
  var leaving = false;
  var saveTimer = null;
  var retryTimer = null;
  var backoff = 1000;
  var pendingSeconds = 0;
  var lastTick = performance.now();
  var previousLeft = null;
  var recentSends = []; // {text, revision} this tab sent recently: a 409 answering one of them is our own save
  var conflictRevision = null; // the other version's revision, adopted only when the user chooses

  // --- the clock: the server's remaining time, counted down locally ----------------------
  // performance.now() is monotonic: changing the computer's clock neither adds nor takes time.
  var deadlineLocal = performance.now() + parseFloat(root.dataset.remaining) * 1000;

  function syncClock(remainingSeconds) {
    deadlineLocal = performance.now() + remainingSeconds * 1000;
    tick();
  }

  function formatClock(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    return (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
  }

  function tick() {
    var now = performance.now();
    if (document.visibilityState === "visible") pendingSeconds += Math.max(0, now - lastTick) / 1000;
    lastTick = now;
    var left = Math.max(0, Math.ceil((deadlineLocal - now) / 1000));
    timerEl.textContent = formatClock(left);
    timerEl.classList.toggle("timer-low", left <= 60);
    // Tell screen readers when a mark is crossed (not when a page opens already past it).
    if (previousLeft !== null) {
      announceAt.forEach(function (mark) {
        if (previousLeft > mark && left <= mark && left > 0) {
          announcer.textContent = mark >= 60 ? mark / 60 + (mark === 60 ? " minute" : " minutes") + " left." : mark + " seconds left.";
        }
      });
    }
    previousLeft = left;
    if (left <= 0) timeUp();
  }

  // --- the save state, announced only when it changes ----------------------------------------
  function setState(text, kind) {
    if (saveState.textContent !== text) saveState.textContent = text;
    saveState.dataset.kind = kind || "";
  }

  function dirty() {
    return textarea.value !== savedText || flagInput.checked !== savedFlag;
  }

  // --- a copy in this browser, until the server has it ------------------------------------
  function keepDraft() {
    try {
      localStorage.setItem(draftKey, JSON.stringify({ text: textarea.value, revision: revision }));
    } catch (e) { /* storage full or disabled: autosave still runs */ }
  }

  function dropDraft() {
    try { localStorage.removeItem(draftKey); } catch (e) { /* nothing kept */ }
  }

  function restoreDraft() {
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (e) { draft = null; }
    if (!draft || typeof draft.text !== "string" || draft.text === textarea.value) {
      if (!dirty()) dropDraft();
      return;
    }
    if (draft.revision === revision) {
      // Typed here but not saved before the page went away: put it back; it is saved below.
      textarea.value = draft.text;
      setState("Restored text this browser had not saved yet", "dirty");
    } else {
      // The server has a newer text from elsewhere: let the user choose.
      var serverRevision = revision;
      revision = draft.revision;
      revisionInput.value = String(revision);
      textarea.value = draft.text;
      showConflict({ text: savedText, revision: serverRevision });
    }
  }

  // --- saving ------------------------------------------------------------------------------
  function payload() {
    return { text: textarea.value, revision: revision, flagged: flagInput.checked, seconds: pendingSeconds };
  }

  function post(body, keepalive) {
    recentSends.push({ text: body.text, revision: body.revision });
    if (recentSends.length > 5) recentSends.shift();
    return fetch(saveUrl, {
      method: "POST",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: {} }; }
      );
    });
  }

  function scheduleSave(delay) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, delay);
  }

  function save(options) {
    clearTimeout(saveTimer);
    var keepalive = options && options.keepalive;
    if ((saving && !keepalive) || conflict || closed) return Promise.resolve();
    if (!dirty() && pendingSeconds < 15) return Promise.resolve();
    saving = true;
    var body = payload();
    if (dirty()) setState("Saving…", "saving");
    return post(body, keepalive).then(
      function (reply) {
        saving = false;
        try {
          handleReply(reply.status, reply.data, body);
        } catch (error) {
          console.error(error); // a fault of this script: say so rather than claim anything
          keepDraft();
          setState("This page could not handle the server's reply; your text is kept in this browser. Reload to go on.", "error");
        }
      },
      function () { saving = false; offline(); }
    );
  }

  function handleReply(status, data, sent) {
    if (status === 200) {
      backoff = 1000;
      pendingSeconds = Math.max(0, pendingSeconds - sent.seconds);
      revision = data.revision;
      revisionInput.value = String(revision);
      if (data.status === "late") return lateReply(data, sent);
      savedText = sent.text;
      savedFlag = sent.flagged;
      markNav(data.answered, data.flagged);
      if (typeof data.remaining_seconds === "number") syncClock(data.remaining_seconds);
      if (dirty()) {
        keepDraft(); // typed while the save was on its way: the copy follows the new revision
        setState("Unsaved changes", "dirty");
        scheduleSave(SAVE_DELAY_MS);
      } else {
        dropDraft();
        setState("Saved", "saved");
      }
    } else if (status === 409) {
      var ours = recentSends.some(function (s) { return s.text === data.text && s.revision + 1 === data.revision; });
      if (ours) {
        // Two saves from this tab crossed: the stored text is ours, so just catch up.
        revision = data.revision;
        revisionInput.value = String(revision);
        savedText = data.text;
        if (dirty()) save(); else setState("Saved", "saved");
      } else {
        showConflict(data);
      }
    } else if (status === 401) {
      keepDraft();
      setState("You were signed out. Your text is kept in this browser: sign in again and reopen this question.", "error");
    } else if (status === 400) {
      keepDraft();
      setState((data.error ? data.error + " " : "") + "Reload the page to keep saving; your text is kept in this browser.", "error");
    } else if (status === 413 || status === 422) {
      setState(data.error || "This answer could not be saved.", "error");
    } else if (status === 404) {
      setState("This interview no longer exists.", "error");
    } else if (status === 503 && data.error) {
      offline(data.error + " Retrying…"); // the server is up but cannot save just now
    } else {
      offline();
    }
  }

  function lateReply(data, sent) {
    // The server closed the interview: what it received is kept as late text.
    closed = true;
    savedText = sent.text;
    if (textarea.value !== sent.text || data.held === false) keepDraft(); else dropDraft();
    setState("Time is up. Your last text was kept as late; opening the review…", "late");
    leaving = true;
    setTimeout(function () { window.location.assign(data.review_url || reviewUrl); }, 1500);
  }

  function offline(message) {
    keepDraft();
    setState(message || "Offline — retrying", "offline");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(save, backoff);
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
  }

  function markNav(answered, flagged) {
    var current = form.querySelector('.nav-question[aria-current="step"]');
    if (!current) return;
    current.classList.toggle("answered", !!answered);
    current.classList.toggle("unanswered", !answered);
    current.classList.toggle("flagged", !!flagged);
    var n = current.dataset.position;
    current.setAttribute("aria-label", "Question " + n + ", " + (answered ? "answered" : "unanswered") + (flagged ? ", flagged" : ""));
  }

  // --- a newer text saved elsewhere ------------------------------------------------------
  function showConflict(data) {
    conflict = true;
    conflictRevision = data.revision;
    conflictText.textContent = data.text;
    conflictBox.dataset.text = data.text;
    conflictBox.hidden = false;
    keepDraft();
    setState("Not saved: another tab changed this answer", "error");
    conflictBox.scrollIntoView({ block: "nearest" });
  }

  function resolveConflict(useTheirs) {
    if (useTheirs) {
      textarea.value = conflictBox.dataset.text;
      savedText = textarea.value;
      dropDraft();
    }
    revision = conflictRevision;
    revisionInput.value = String(revision);
    conflict = false;
    conflictBox.hidden = true;
    updateCounts();
    if (useTheirs) setState("Saved", "saved");
    else save();
  }

  document.getElementById("keep-mine").addEventListener("click", function () { resolveConflict(false); });
  document.getElementById("use-theirs").addEventListener("click", function () { resolveConflict(true); });

  // --- time is up: send the last text, then submit; keep trying until both are done ----------
  function timeUp() {
    if (closed) return;
    closed = true;
    textarea.readOnly = true; // the time is up: what is in the box is what gets sent
    clearInterval(clockInterval);
    clearTimeout(saveTimer);
    clearTimeout(retryTimer);
    setState("Time is up — submitting…", "saving");
    if (conflict) keepDraft(); // the user has not chosen: neither text overwrites the other
    finish(1000);
  }

  function finish(delay) {
    var body = payload();
    var flush = !conflict && dirty() ? post(body, true) : Promise.resolve(null);
    flush
      .then(function (reply) {
        if (reply && reply.status === 200) {
          revision = reply.data.revision;
          if (reply.data.status === "late") { lateReply(reply.data, body); return "closed"; }
          savedText = body.text;
          dropDraft();
        } else if (reply && reply.status === 409) {
          keepDraft(); // another tab's text stays; this one reaches the review as late text
        } else if (reply && (reply.status === 400 || reply.status === 401)) {
          keepDraft();
          setState("Time is up. This page cannot save any more (signed out or expired); your text is kept in this browser and reaches the review when you open it signed in.", "error");
          return "stopped";
        } else if (reply && reply.status >= 500) {
          throw new Error("server");
        }
        return fetch(submitUrl, { method: "POST", body: new FormData(timeoutForm), credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error("not submitted");
            leaving = true;
            window.location.assign(reviewUrl);
          });
      })
      .catch(function () {
        keepDraft();
        setState("Time is up. Your text is kept in this browser while the connection comes back — retrying…", "offline");
        setTimeout(function () { finish(Math.min(MAX_BACKOFF_MS, delay * 2)); }, delay);
      });
  }

  // --- events ----------------------------------------------------------------------------
  function updateCounts() {
    var trimmed = textarea.value.trim();
    var words = trimmed ? trimmed.split(/\s+/).length : 0;
    var text = words + (words === 1 ? " word" : " words");
    var left = maxChars - textarea.value.length;
    if (left < 2000) text += " · " + left.toLocaleString() + " characters left";
    wordCount.textContent = text;
  }

  textarea.addEventListener("input", function () {
    updateCounts();
    keepDraft();
    if (!conflict) setState("Unsaved changes", "dirty");
    scheduleSave(SAVE_DELAY_MS);
  });
  textarea.addEventListener("paste", function (event) {
    var pasted = (event.clipboardData || window.clipboardData).getData("text") || "";
    var room = maxChars - textarea.value.length + (textarea.selectionEnd - textarea.selectionStart);
    if (pasted.length > room) {
      setState("The pasted text was cut: an answer holds at most " + maxChars.toLocaleString() + " characters.", "error");
    }
  });
  textarea.addEventListener("blur", function () { if (dirty()) save(); });
  flagInput.addEventListener("change", function () { save(); });

  form.addEventListener("submit", function () {
    // The form carries the text and the time spent; nothing is lost by leaving through it.
    leaving = true;
    clearTimeout(saveTimer);
    form.elements.seconds.value = String(Math.round(pendingSeconds));
    form.elements.opened_at.value = "";
  });

  window.addEventListener("online", function () { if (dirty()) save(); });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (dirty()) save({ keepalive: true });
    } else {
      lastTick = performance.now();
      fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.state && data.state !== "in_progress") { leaving = true; window.location.assign(data.review_url); }
          else if (typeof data.remaining_seconds === "number") syncClock(data.remaining_seconds);
        }, function () {});
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (!leaving && dirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- start -------------------------------------------------------------------------------
  var clockInterval = setInterval(tick, 250);
  var refused = document.getElementById("conflict-server");
  if (refused) {
    // The form was refused as stale: offer the same choice as for an autosave. Until the user
    // chooses, this page keeps the stale revision, so nothing can overwrite the other text.
    refused.hidden = true;
    var serverRevision = revision;
    revision = parseInt(root.dataset.staleRevision, 10);
    revisionInput.value = String(revision);
    showConflict({ text: savedText, revision: serverRevision });
  } else {
    restoreDraft();
    if (dirty() && !conflict) { setState("Unsaved changes", "dirty"); scheduleSave(500); }
  }
  updateCounts();
  tick();
})();
