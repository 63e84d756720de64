// ppdesk: the few lines of script the pages use. Every page works without it; it only adds
// conveniences. No inline handlers (the Content-Security-Policy forbids them): behaviour hangs
// off data-* attributes. Each area appends its own section below.
"use strict";

// The session's CSRF token, for fetch() calls that change something (header X-CSRF-Token).
function ppdeskCsrfToken() {
  const field = document.querySelector('input[name="_csrf"]');
  return field ? field.value : "";
}

document.addEventListener("DOMContentLoaded", function () {
  // <form data-confirm="Sure?">: ask before sending (deactivate a user, revoke a token).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  // <button data-copy="#id">: copy the text of an element (a token shown once).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const source = document.querySelector(button.getAttribute("data-copy"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent.trim());
      }
    });
  });
});

// ---- knowledge base (owner: kb) ------------------------------------------------------------
// <input data-kb-suggest="ID">: while the user types, ask /kb/suggest?q=<value> (150 ms after
// the last keystroke) and put the answer, an HTML fragment with up to five article links (or
// nothing), into the element with id ID. Only the latest answer is shown. The target gets
// data-kb-state="ready" and data-kb-count="<links>" after each answer (for tests and styling).
// <textarea data-kb-preview="ID" data-kb-preview-url="URL">: live Markdown preview; posts the
// text (with the CSRF token) to URL 400 ms after the last keystroke and shows the returned HTML
// (rendered and sanitised by the server) in the element with id ID.
document.addEventListener("DOMContentLoaded", function () {
  function debounce(fn, ms) {
    let timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, ms);
    };
  }

  document.querySelectorAll("[data-kb-suggest]").forEach(function (input) {
    const target = document.getElementById(input.getAttribute("data-kb-suggest"));
    if (!target) {
      return;
    }
    target.setAttribute("aria-live", "polite");
    let asked = 0;
    let lastQuery = null;
    const show = function (html, ticket) {
      if (ticket !== asked) {
        return;
      }
      target.innerHTML = html;
      target.setAttribute("data-kb-count", String(target.querySelectorAll("a.kb-suggestion-link").length));
      target.setAttribute("data-kb-state", "ready");
    };
    const ask = function () {
      const query = input.value;
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      const ticket = ++asked;
      if (query.trim() === "") {
        show("", ticket);
        return;
      }
      target.setAttribute("data-kb-state", "loading");
      fetch("/kb/suggest?q=" + encodeURIComponent(query), {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { show(html, ticket); })
        .catch(function () { show("", ticket); });
    };
    input.addEventListener("input", debounce(ask, 150));
    if (input.value.trim() !== "") {
      ask();
    }
  });

  document.querySelectorAll("textarea[data-kb-preview]").forEach(function (textarea) {
    const target = document.getElementById(textarea.getAttribute("data-kb-preview"));
    const url = textarea.getAttribute("data-kb-preview-url");
    if (!target || !url) {
      return;
    }
    let asked = 0;
    const render = function () {
      const ticket = ++asked;
      const body = new URLSearchParams();
      body.set("_csrf", ppdeskCsrfToken());
      body.set("body", textarea.value);
      fetch(url, {
        method: "POST",
        headers: { "X-CSRF-Token": ppdeskCsrfToken() },
        body: body,
        credentials: "same-origin",
      })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && ticket === asked) {
            target.innerHTML = html;
          }
        })
        .catch(function () {});
    };
    textarea.addEventListener("input", debounce(render, 400));
  });
});
// ---- end knowledge base --------------------------------------------------------------------
