/* Quick capture at an event: entries survive a dropped network.
 *
 * Each entry carries an id made here (capture_id). It is sent with fetch; when the network is
 * away (or the send fails on the way), the entry waits in localStorage and is sent again when
 * the network returns, on the next page load, and every half minute while some wait. The
 * server saves an id once, so an entry that did arrive before the network dropped is not
 * created twice. Without this script the forms post and redirect as usual.
 * No inline script is allowed by the CSP: the page's words come in data- attributes.
 */
(function () {
  "use strict";

  var root = document.getElementById("capture");
  if (!root) { return; }
  var msg = root.dataset;
  var KEY = msg.queueKey;
  var RETRY_MS = 30000;
  var sending = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- the stored queue: {waiting: [entry], refused: [entry]} -----------------------------------
  function load() {
    try {
      var data = JSON.parse(localStorage.getItem(KEY) || "{}");
      return {waiting: data.waiting || [], refused: data.refused || []};
    } catch (e) {
      return {waiting: [], refused: []};
    }
  }
  function store(data) { localStorage.setItem(KEY, JSON.stringify(data)); }
  function update(fn) { var data = load(); fn(data); store(data); render(); }
  function without(list, id) { return list.filter(function (e) { return e.id !== id; }); }

  // --- sending one entry: "saved", "refused" (keep for fixing) or "wait" (try again later) ----------
  function csrf() { return document.body.dataset.csrf || ""; }

  function send(entry) {
    var body = new URLSearchParams();
    Object.keys(entry.fields).forEach(function (name) { body.append(name, entry.fields[name]); });
    body.set("csrfmiddlewaretoken", csrf());
    return fetch(entry.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: {"X-Requested-With": "fetch", "X-CSRFToken": csrf(), "Accept": "application/json"}
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {
        // Signed out (a redirect to sign in), a stale token, or the server is away: wait.
        return {result: "wait", signIn: response.status < 500};
      }
      return response.json().then(function (data) {
        if (response.ok && data.ok) { return {result: "saved", data: data}; }
        if (response.status === 400) { return {result: "refused", data: data}; }
        return {result: "wait"};
      });
    }, function () {
      return {result: "wait"};  // no network, or it dropped on the way
    });
  }

  function flush() {
    if (sending || !navigator.onLine) { render(); return; }
    var next = load().waiting[0];
    if (!next) { render(); return; }
    sending = true;
    send(next).then(function (outcome) {
      sending = false;
      if (outcome.result === "wait") {
        note(outcome.signIn ? msg.msgSignIn : "");
        render();
        return;
      }
      note("");
      update(function (data) {
        data.waiting = without(data.waiting, next.id);
        if (outcome.result === "refused") {
          next.errors = outcome.data.errors || {};
          next.existing = outcome.data.existing || null;
          data.refused.push(next);
        }
      });
      if (outcome.result === "saved") { sent(outcome.data); }
      flush();
    });
  }

  // --- the page ---------------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  function note(text) {
    var p = document.getElementById("capture-queue-note");
    p.textContent = text || "";
    p.classList.toggle("hidden", !text);
  }

  function sent(data) {
    var li = el("li", "", data.message + " ");
    var link = el("a", "", msg.msgOpen);
    link.href = data.url;
    li.appendChild(link);
    document.getElementById("capture-sent").prepend(li);
  }

  function errorText(errors) {
    var parts = [];
    Object.keys(errors || {}).forEach(function (field) { parts = parts.concat(errors[field]); });
    return parts.join(" ") || msg.msgRefusedOther;
  }

  function render() {
    var data = load();
    document.getElementById("capture-offline").classList.toggle("hidden", navigator.onLine);
    var box = document.getElementById("capture-queue");
    box.classList.toggle("hidden", data.waiting.length === 0);
    document.getElementById("capture-queue-count").textContent = String(data.waiting.length);
    var list = document.getElementById("capture-queue-list");
    list.replaceChildren.apply(list, data.waiting.map(function (e) { return el("li", "", e.label); }));
    var refused = document.getElementById("capture-refused");
    refused.classList.toggle("hidden", data.refused.length === 0);
    refused.replaceChildren.apply(refused, data.refused.map(function (entry) {
      var li = el("li", "message message-error");
      li.appendChild(el("strong", "", msg.msgRefused + " " + entry.label));
      li.appendChild(el("div", "", errorText(entry.errors)));
      var actions = el("div", "actions");
      var back = el("button", "", msg.msgBack);
      back.type = "button";
      back.addEventListener("click", function () { putBack(entry); });
      var remove = el("button", "danger", msg.msgRemove);
      remove.type = "button";
      remove.addEventListener("click", function () {
        update(function (d) { d.refused = without(d.refused, entry.id); });
      });
      actions.appendChild(back);
      actions.appendChild(remove);
      li.appendChild(actions);
      return li;
    }));
  }

  // --- the forms ------------------------------------------------------------------------------
  function kindOf(form) {
    var input = form.querySelector("input[name='form']");
    return input ? input.value : "";
  }

  function formFor(entry) {
    var found = null;
    document.querySelectorAll("form.js-capture").forEach(function (form) {
      if (kindOf(form) === entry.fields.form) { found = form; }
    });
    return found;
  }

  function idField(form) {
    return Array.prototype.find.call(form.elements, function (f) { return /(^|-)capture_id$/.test(f.name); });
  }

  function fresh(form) {
    form.reset();
    clearErrors(form);
    var id = idField(form);
    if (id) { id.value = newId(); }
  }

  function clearErrors(form) {
    form.querySelectorAll(".js-error").forEach(function (n) { n.remove(); });
    form.querySelectorAll(".has-error").forEach(function (n) { n.classList.remove("has-error"); });
    var top = form.querySelector(".form-errors");
    if (top) { top.replaceChildren(); top.classList.add("hidden"); }
    form.querySelectorAll(".capture-existing").forEach(function (n) { n.remove(); });
  }

  function showErrors(form, data) {
    clearErrors(form);
    var first = null;
    Object.keys(data.errors || {}).forEach(function (field) {
      var input = form.elements.namedItem(kindOf(form) + "-" + field);
      var list = el("ul", "errorlist js-error");
      data.errors[field].forEach(function (text) { list.appendChild(el("li", "", text)); });
      if (input && input.closest(".field")) {
        var box = input.closest(".field");
        box.classList.add("has-error");
        box.appendChild(list);
        input.setAttribute("aria-invalid", "true");
        first = first || input;
        if (field === "handle" && data.existing) {
          var p = el("p", "notice capture-existing js-error", msg.msgExists + " ");
          var link = el("a", "", data.existing.name);
          link.href = data.existing.url;
          p.appendChild(link);
          box.after(p);
        }
      } else {
        var top = form.querySelector(".form-errors");
        top.appendChild(list);
        top.classList.remove("hidden");
      }
    });
    if (first) { first.focus(); }
  }

  function putBack(entry) {
    var form = formFor(entry);
    if (!form) { return; }
    fresh(form);
    Object.keys(entry.fields).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && name !== "csrfmiddlewaretoken") { field.value = entry.fields[name]; }
    });
    update(function (d) { d.refused = without(d.refused, entry.id); });
    showErrors(form, {errors: entry.errors, existing: entry.existing});
  }

  function entryOf(form) {
    var id = idField(form);
    if (id && !id.value) { id.value = newId(); }
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") { fields[name] = String(value); }
    });
    var labelField = form.elements.namedItem(form.dataset.labelField);
    var label = labelField ? labelField.value : "";
    if (labelField && labelField.tagName === "SELECT" && labelField.selectedIndex >= 0) {
      label = labelField.options[labelField.selectedIndex].text;
    }
    return {id: id ? id.value : newId(), action: form.action, fields: fields, label: label, at: Date.now()};
  }

  function queue(form, entry) {
    update(function (data) {
      if (!data.waiting.some(function (e) { return e.id === entry.id; })) { data.waiting.push(entry); }
    });
    fresh(form);
  }

  document.querySelectorAll("form.js-capture").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var entry = entryOf(form);
      if (!navigator.onLine || load().waiting.length) {
        // Offline, or earlier entries still wait: keep the order, send them all together.
        queue(form, entry);
        flush();
        return;
      }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      send(entry).then(function (outcome) {
        button.disabled = false;
        if (outcome.result === "saved") {
          fresh(form);
          sent(outcome.data);
        } else if (outcome.result === "refused") {
          showErrors(form, outcome.data);  // nothing was saved: the same id may be sent again
        } else {
          note(outcome.signIn ? msg.msgSignIn : "");
          queue(form, entry);
        }
      });
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  window.setInterval(function () { if (load().waiting.length) { flush(); } }, RETRY_MS);
  render();
  flush();
})();
