// Saram: visits that work offline. The member's open visits are kept in IndexedDB (only what
// the visit page shows, expiring); visits recorded without a connection are queued there and
// sent when the phone is back online. Logging out deletes the store.
(function () {
  "use strict";
  var DB = "saram-offline";
  var match = location.pathname.match(/^(.*?\/my\/)/);
  if (!match || !window.idb) return;
  var BASE = match[1];

  function open() {
    return idb.openDB(DB, 1, {
      upgrade: function (db) {
        db.createObjectStore("bundle");
        db.createObjectStore("queue", { keyPath: "id" });
      },
    });
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function status(kind, values) {
    var box = document.getElementById("offline-status") || document.getElementById("offline-banner");
    if (!box || !box.dataset[kind]) return;
    box.hidden = false;
    var line = document.createElement("p");
    line.className = "offline-" + kind;
    line.textContent = fill(box.dataset[kind], values || {});
    box.appendChild(line);
  }
  function isoLocal(value) {
    // "2025-06-30T09:00" from a datetime-local field, with the phone's offset.
    var d = value ? new Date(value) : new Date();
    var off = -d.getTimezoneOffset();
    var sign = off >= 0 ? "+" : "-";
    var pad = function (n) { return String(Math.floor(Math.abs(n))).padStart(2, "0"); };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":00" + sign + pad(off / 60) + ":" + pad(off % 60);
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  async function current(db) {
    var bundle = await db.get("bundle", "current");
    if (bundle && new Date(bundle.expires_at) < new Date()) {
      await db.delete("bundle", "current");
      return null;
    }
    return bundle || null;
  }
  async function refresh(db) {
    if (!navigator.onLine) return;
    var response = await fetch(BASE + "offline.json", { credentials: "same-origin" });
    if (!response.ok || response.redirected) return;
    var bundle = await response.json();
    var stored = await db.get("bundle", "current");
    if (stored && stored.user !== bundle.user) await db.clear("queue"); // another person's phone data
    await db.put("bundle", bundle, "current");
  }
  // One send at a time: the "online" event, the page's start and a form queued a moment ago can
  // all ask at once; overlapping sends split the queue between them and the phone then counted
  // only the last one's records. A later call waits for the one in flight, then sends what is left.
  var sending = Promise.resolve();
  function flush(db) {
    sending = sending.catch(function () {}).then(function () { return flushNow(db); });
    return sending;
  }
  async function flushNow(db) {
    if (!navigator.onLine) return;
    var items = (await db.getAll("queue")).filter(function (i) { return !i.error; });
    if (!items.length) return;
    var response = await fetch(BASE + "sync/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ items: items }),
    });
    if (!response.ok) return;
    var answer = await response.json();
    var sent = 0, conflicts = 0;
    for (var r of answer.results) {
      if (r.status === "stored" || r.status === "duplicate") { sent++; await db.delete("queue", r.id); }
      else if (r.status === "conflict") { conflicts++; await db.delete("queue", r.id); }
      else {
        var item = await db.get("queue", r.id);
        if (item) { item.error = r.message; await db.put("queue", item); }
        status("error", { n: 1, message: r.message });
      }
    }
    if (sent) status("sent", { n: sent });
    if (conflicts) status("conflict", { n: conflicts });
    document.documentElement.dataset.offlineSynced = String(sent + conflicts);
  }
  async function queue(db, item) {
    var bundle = await current(db);
    var seen = bundle && bundle.assignments.find(function (a) { return a.id === item.assignment; });
    item.id = newId();
    item.version = seen ? seen.version : "";
    item.queued_at = new Date().toISOString();
    await db.put("queue", item);
  }
  function fromForm(form, kind, assignment) {
    var data = new FormData(form);
    var item = { kind: kind, assignment: assignment };
    data.forEach(function (value, key) {
      if (key === "csrfmiddlewaretoken") return;
      if (key === "needs") (item.needs = item.needs || []).push(value);
      else item[key] = value;
    });
    item.visited_at = isoLocal(item.visited_at);
    item.needs = item.needs || [];
    return item;
  }

  // The member's pages: forms are queued instead of sent when there is no connection.
  function hookForms(db) {
    var m = location.pathname.match(/\/my\/(\d+)\/$/);
    var assignment = m ? Number(m[1]) : null;
    document.querySelectorAll("form#visit-form, form[data-offline-kind]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (navigator.onLine || assignment === null) return;
        event.preventDefault();
        var kind = form.dataset.offlineKind || "visit";
        queue(db, fromForm(form, kind, assignment)).then(function () {
          status("saved");
          location.href = BASE;
        });
      });
    });
    document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        db.close();
        idb.deleteDB(DB).finally(function () { form.submit(); });
      });
    });
  }

  // The app shell (shown by the service worker when a visit page cannot be reached).
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  async function renderShell(db) {
    var app = document.getElementById("offline-app");
    if (!app) return;
    var body = document.getElementById("offline-body");
    var words = app.dataset;
    var bundle = await current(db);
    body.textContent = "";
    if (!bundle) { body.appendChild(el("p", { class: "card muted" }, words.empty)); return; }
    var queued = await db.getAll("queue");
    if (queued.length) status("queued", { n: queued.length });
    var m = location.pathname.match(/\/my\/(\d+)\/$/) || location.hash.match(/^#(\d+)$/);
    var chosen = m && bundle.assignments.find(function (a) { return a.id === Number(m[1]); });
    if (!chosen) {
      body.appendChild(el("h1", {}, words.back));
      bundle.assignments.forEach(function (a) {
        var card = el("a", { class: "card visit-card", href: BASE + "app/#" + a.id, "data-assignment": a.id });
        card.style.display = "block";
        card.appendChild(el("h2", {}, a.name));
        card.appendChild(el("div", { class: "address" }, a.address));
        card.appendChild(el("div", { class: "muted" }, a.purpose));
        card.appendChild(el("div", {}, words.due + " " + a.due_on));
        body.appendChild(card);
      });
      return;
    }
    body.appendChild(el("nav", { class: "crumbs" })).appendChild(el("a", { href: BASE + "app/" }, words.back));
    var card = el("section", { class: "card visit-card" });
    card.appendChild(el("h1", {}, chosen.name));
    card.appendChild(el("div", { class: "address" }, chosen.address));
    if (chosen.phone) card.appendChild(el("a", { class: "tel", href: "tel:" + chosen.phone }, chosen.phone));
    card.appendChild(el("p", {}, chosen.purpose));
    body.appendChild(card);
    // 긴급 first, as on the visit page: one tap with a reason, kept and sent like a visit.
    if (bundle.alert_reasons && bundle.alert_reasons.length) {
      var urgent = el("form", { class: "card urgent", id: "offline-urgent-form" });
      urgent.appendChild(el("h2", {}, words.urgent));
      var reasons = el("fieldset", { class: "outcomes" });
      reasons.appendChild(el("legend", {}, words.reason));
      bundle.alert_reasons.forEach(function (r, i) {
        var label = el("label");
        var input = el("input", { type: "radio", name: "reason", value: r.value });
        if (i === 0) input.required = true;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + r.label));
        reasons.appendChild(label);
      });
      urgent.appendChild(reasons);
      urgent.appendChild(el("label", { for: "offline-urgent-note" }, words.urgentNote));
      urgent.appendChild(el("input", { type: "text", name: "note", id: "offline-urgent-note", maxlength: "300" }));
      urgent.appendChild(el("button", { type: "submit", class: "danger", id: "offline-raise" }, words.raise));
      urgent.appendChild(el("p", { class: "muted" }, words.urgentHint));
      urgent.addEventListener("submit", function (event) {
        event.preventDefault();
        queue(db, fromForm(urgent, "urgent", chosen.id)).then(function () {
          if (navigator.onLine) return flush(db).then(function () { location.href = BASE; });
          location.href = BASE + "app/";
        });
      });
      body.appendChild(urgent);
    }
    var form = el("form", { class: "card", id: "offline-visit-form" });
    form.appendChild(el("h2", {}, words.visit));
    var when = el("input", { type: "datetime-local", name: "visited_at", id: "offline-when" });
    var now = new Date(); now.setSeconds(0, 0);
    when.value = isoLocal(now.toISOString()).slice(0, 16);
    form.appendChild(el("label", { for: "offline-when" }, words.when));
    form.appendChild(when);
    var outcomes = el("fieldset", { class: "outcomes" });
    outcomes.appendChild(el("legend", {}, words.outcome));
    bundle.outcomes.forEach(function (o, i) {
      var label = el("label");
      var input = el("input", { type: "radio", name: "outcome", value: o.value });
      if (i === 0) input.required = true;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + o.label));
      outcomes.appendChild(label);
    });
    form.appendChild(outcomes);
    var needs = el("fieldset", { class: "needs" });
    needs.appendChild(el("legend", {}, words.needs));
    bundle.needs.forEach(function (n) {
      var label = el("label");
      label.appendChild(el("input", { type: "checkbox", name: "needs", value: n.value }));
      label.appendChild(document.createTextNode(" " + n.label));
      needs.appendChild(label);
    });
    form.appendChild(needs);
    form.appendChild(el("label", { for: "offline-note" }, words.note));
    form.appendChild(el("textarea", { name: "note", id: "offline-note", rows: "3" }));
    form.appendChild(el("button", { type: "submit", id: "offline-save" }, words.save));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      queue(db, fromForm(form, "visit", chosen.id)).then(function () {
        if (navigator.onLine) return flush(db).then(function () { location.href = BASE; });
        location.href = BASE + "app/";
      });
    });
    body.appendChild(form);
  }

  async function start() {
    var db = await open();
    hookForms(db);
    var bundle = await current(db);
    if (!bundle && document.getElementById("offline-app") && !navigator.onLine) {
      // nothing cached, or it expired and was deleted
    }
    try { await flush(db); await refresh(db); } catch (e) { /* offline: try again later */ }
    await renderShell(db);
    var queued = await db.getAll("queue");
    if (queued.length && !document.getElementById("offline-app")) status("queued", { n: queued.length });
    document.documentElement.dataset.offlineReady = "1";
    window.addEventListener("online", function () {
      flush(db).then(function () { return refresh(db); }).catch(function () {});
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(BASE + "sw.js", { scope: BASE }).catch(function () {});
  }
  start();
})();
