/* Vigil: what every page needs. No inline script anywhere (the CSP forbids it). */
(function () {
  "use strict";

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  window.vigilCsrfToken = csrfToken;

  // htmx requests carry the CSRF token like forms do.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // The language switch applies as soon as a language is chosen.
  document.addEventListener("DOMContentLoaded", function () {
    const select = document.getElementById("language-select");
    if (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    }
    scheduleBreakReminder();
  });

  // The break reminder: due at data-reminder-at (epoch seconds), set by the server.
  function scheduleBreakReminder() {
    const body = document.body;
    const dialog = document.getElementById("break-reminder");
    const dueAt = Number(body.dataset.reminderAt || 0);
    if (!dialog || !dueAt) { return; }
    const wait = Math.max(0, dueAt * 1000 - Date.now());
    window.setTimeout(function () {
      if (!dialog.open) { dialog.showModal(); }
    }, wait);
    dialog.querySelectorAll("[data-break-choice]").forEach(function (button) {
      button.addEventListener("click", function () {
        const form = new FormData();
        form.append("choice", button.dataset.breakChoice);
        fetch(body.dataset.breakUrl, {
          method: "POST", body: form, credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() },
        }).finally(function () {
          dialog.close();
          body.dataset.reminderAt = "";
        });
      });
    });
  }
})();
