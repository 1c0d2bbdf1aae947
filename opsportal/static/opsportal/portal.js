/* OpsPortal: small progressive enhancements. No inline script is allowed by the CSP. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // htmx requests carry the CSRF token read from <body data-csrf>.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.body.dataset.csrf;
    if (token) { event.detail.headers["X-CSRFToken"] = token; }
  });

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    // The country switcher submits itself when a country is picked.
    document.querySelectorAll(".js-autosubmit").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll(".js-hide-when-auto").forEach(function (el) { el.classList.add("visually-hidden"); });

    // On a phone the list's filters fold while none is in use, so its first records show first.
    if (window.matchMedia && window.matchMedia("(max-width: 720px)").matches) {
      document.querySelectorAll("details[data-fold-on-phone]").forEach(function (box) { box.open = false; });
    }

    // The phone menu opens and closes with a button that says whether it is open.
    var toggle = document.querySelector(".js-menu-toggle");
    var nav = document.getElementById("main-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
  });

  // After htmx swaps a fragment in, keep the keyboard where the person was (the moved card,
  // the logged entry). Looked up in the document after settling: with hx-swap="outerHTML" the
  // event's target is the old element, already out of the page, and holds nothing to focus.
  document.addEventListener("htmx:afterSettle", function () {
    var focus = document.querySelector("[data-focus-after-swap]");
    if (focus) {
      focus.removeAttribute("data-focus-after-swap");
      focus.focus();
      if (focus.scrollIntoView) { focus.scrollIntoView({block: "nearest"}); }
    }
  });
})();
