// On every page: times in the reader's own time zone, and signing out forgets the answer
// drafts this browser kept, so the next person at a shared computer cannot read them.
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var date = new Date(el.getAttribute("datetime"));
    if (isNaN(date)) return;
    el.title = el.textContent;
    el.textContent = format.format(date);
  });

  var signOut = document.getElementById("sign-out");
  if (!signOut) return;
  signOut.addEventListener("submit", function () {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf("rehearse:") === 0) localStorage.removeItem(key);
      }
    } catch (e) { /* storage disabled: nothing kept */ }
  });
})();
