/* The daily form, offline first. "Gửi" keeps the report on the phone (IndexedDB, in storage
   the browser is asked to persist), then sends it to POST .../reports/queued when the network
   allows, with the id made here as its Idempotency-Key: sent twice, it is stored once. A
   server that is down, busy (429) or slow keeps the report waiting; a refusal (422) shows why.
   The same queue as the visit page (uptake/static/fieldwork/visit.js). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("send-data").textContent);
  var T = data.t;
  var STORE = "queue";
  var form = document.getElementById("send-form");
  var sending = false, timer = null, delay = 5000, blocked = false, dbp = null;

  function $(id) { return document.getElementById(id); }
  function fmt(s, p) { return s.replace(/%\((\w+)\)s/g, function (m, k) { return p[k]; }); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return h.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, "$1-$2-$3-$4-$5");
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function today() {
    // The campaign's calendar day, whatever the phone's time zone.
    var parts = new Intl.DateTimeFormat("en-CA", { timeZone: data.tz, year: "numeric",
      month: "2-digit", day: "2-digit" }).format(new Date());
    return parts.slice(0, 10);
  }
  function hm(iso) {
    // "14:05 17/08", on the campaign's clock.
    var p = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: data.tz, hour: "2-digit", minute: "2-digit",
      day: "2-digit", month: "2-digit", hourCycle: "h23" }).formatToParts(new Date(iso))
      .forEach(function (x) { p[x.type] = x.value; });
    return p.hour + ":" + p.minute + " " + p.day + "/" + p.month;
  }

  /* --- IndexedDB ------------------------------------------------------------------------- */

  function db() {
    if (!dbp) {
      dbp = new Promise(function (resolve, reject) {
        var open = indexedDB.open("uptake-send-" + data.campaign + "-" + data.user, 1);
        open.onupgradeneeded = function () {
          open.result.createObjectStore(STORE, { keyPath: "id" }).createIndex("at", "at");
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbp;
  }
  function tx(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode), out;
        out = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(out && "result" in out ? out.result : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function all() {
    return tx("readonly", function (s) { return s.index("at").getAll(); });
  }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function drop(id) { return tx("readwrite", function (s) { s.delete(id); }); }

  /* --- the form -------------------------------------------------------------------------- */

  function unit() {
    var code = form.elements.unit.value;
    return data.units.filter(function (u) { return u.code === code; })[0] || data.units[0];
  }
  function number(name) { return form.elements[name] ? form.elements[name].value.trim() : ""; }

  function build() {
    var u = unit(), latest = data.latest[u.code] || {};
    var groups = $("s-groups");
    groups.textContent = "";
    u.groups.forEach(function (key) {
      var box = el("div", "field");
      box.appendChild(el("p", "label", data.groups[key]));
      var pair = el("div", "pair");
      [["with_smartphone", "📱"], ["installed", "✓"]].forEach(function (f) {
        var id = "s-" + key + "-" + f[0], wrap = el("div");
        var label = el("label", "", T[f[0]]);
        label.htmlFor = id;
        var input = el("input");
        input.type = "number"; input.min = "0"; input.step = "1"; input.inputMode = "numeric";
        input.id = id; input.name = key + "." + f[0];
        if (latest[key] && latest[key][f[0]] != null) input.value = latest[key][f[0]];
        wrap.appendChild(label); wrap.appendChild(input); pair.appendChild(wrap);
      });
      box.appendChild(pair);
      groups.appendChild(box);
    });
    var acts = $("s-activities");
    [].slice.call(acts.querySelectorAll(".field")).forEach(function (f) { acts.removeChild(f); });
    acts.hidden = !u.activities.length;
    u.activities.forEach(function (key) {
      var box = el("div", "field"), id = "s-act-" + key;
      var label = el("label", "", data.activities[key]);
      label.htmlFor = id;
      var input = el("input");
      input.type = "number"; input.min = "0"; input.step = "1"; input.inputMode = "numeric";
      input.id = id; input.name = "act." + key;
      box.appendChild(label); box.appendChild(input);
      acts.appendChild(box);
    });
  }

  function collect() {
    var u = unit(), errors = [], figures = {}, activities = {};
    var whole = /^\d{1,10}$/;
    u.groups.forEach(function (key) {
      var pair = {};
      ["with_smartphone", "installed"].forEach(function (f) {
        var v = number(key + "." + f);
        if (v === "") errors.push([key + "." + f, data.groups[key] + ": " + T.required]);
        else if (!whole.test(v)) errors.push([key + "." + f, data.groups[key] + ": " + T.whole]);
        else pair[f] = parseInt(v, 10);
      });
      if (pair.installed > pair.with_smartphone) {
        errors.push([key + ".installed", data.groups[key] + ": " + T.more]);
      }
      figures[key] = pair;
    });
    u.activities.forEach(function (key) {
      var v = number("act." + key);
      if (v === "") return;
      if (!whole.test(v)) errors.push(["act." + key, data.activities[key] + ": " + T.whole]);
      else activities[key] = parseInt(v, 10);
    });
    return { errors: errors, report: { unit: u.code, date: today(), figures: figures,
      activities: activities, note: form.elements.note.value.trim() } };
  }

  function showErrors(errors) {
    var box = $("form-errors");
    box.textContent = "";
    box.hidden = !errors.length;
    if (!errors.length) return;
    var ul = el("ul");
    errors.forEach(function (e) { ul.appendChild(el("li", "", e[1])); });
    box.appendChild(ul);
    box.focus();
  }

  function queue(ev) {
    ev.preventDefault();
    var got = collect();
    showErrors(got.errors);
    if (got.errors.length) return;
    if (got.report.date < data.start || got.report.date > data.end) {
      showErrors([["date", T.closed]]);
      return;
    }
    var item = { id: uuid(), at: Date.now(), state: "waiting", unit_name: unit().name,
      report: got.report };
    item.report.pressed_at = new Date().toISOString();
    put(item).then(function () {
      var m = $("msg");
      m.textContent = T.queued;
      m.className = "msg good";
      form.elements.note.value = "";
      render();
      flush();
    });
  }

  /* --- sending --------------------------------------------------------------------------- */

  function later() {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 60000);
  }

  function flush() {
    if (sending) return;
    sending = true;
    all().then(function (items) {
      var next = items.filter(function (i) { return i.state === "waiting"; })[0];
      if (!next) { sending = false; render(); return; }
      return fetch(data.urls.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(),
          "Idempotency-Key": next.id },
        body: JSON.stringify(next.report)
      }).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          return r.json().then(function (body) {
            next.state = "sent"; next.result = body;
            delay = 5000; blocked = false;
            return put(next).then(function () { return "next"; });
          });
        }
        if (r.status >= 500 || r.status === 429 || r.status === 408) throw new Error(r.status);
        return r.json().catch(function () { return {}; }).then(function (body) {
          var errors = body.errors || [];
          var field = errors.length ? errors[0].field : "";
          if (r.status === 401 || field === "csrf") { blocked = true; return "stop"; }
          next.state = "rejected";
          next.error = errors.map(function (e) { return e.message; }).join(" ");
          return put(next).then(function () { return "next"; });
        });
      }).then(function (what) {
        sending = false;
        if (what === "next") flush(); else render();
      });
    }).catch(function () {
      sending = false;
      render();
      later();
    });
  }

  /* --- what the page shows --------------------------------------------------------------- */

  function render() {
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; }).length;
      $("waiting").textContent = waiting ? fmt(T.waiting, { n: waiting }) : T.none_waiting;
      $("flush").hidden = !waiting;
      var net = $("net");
      net.textContent = blocked ? "" : navigator.onLine ? T.online : T.offline;
      net.className = "net" + (blocked || !navigator.onLine ? " off" : "");
      if (blocked) {
        var a = el("a", "", T.login);
        a.href = data.urls.login + "?next=" + encodeURIComponent(data.urls.page);
        net.appendChild(a);
      }
      document.documentElement.setAttribute("data-waiting", String(waiting));
      var list = $("queue");
      list.textContent = "";
      items.slice().reverse().slice(0, 30).forEach(function (i) {
        var li = el("li", i.state);
        li.appendChild(el("span", "what", i.unit_name + " · " + i.report.date.split("-").reverse().join("/")));
        li.appendChild(el("span", "state", T[i.state === "waiting" ? "pending" : i.state]));
        var times = fmt(T.pressed, { time: hm(i.report.pressed_at) });
        if (i.result) {
          times += " · " + fmt(T.received, { time: hm(i.result.received_at) }) + " · " +
            (T[i.result.status] || i.result.status);
        }
        li.appendChild(el("span", "times", times));
        if (i.state === "rejected") {
          li.appendChild(el("span", "why", i.error));
          var b = el("button", "small", T.discard);
          b.type = "button";
          b.onclick = function () { drop(i.id).then(render); };
          li.appendChild(b);
        }
        list.appendChild(li);
      });
    });
  }

  /* --- wiring ---------------------------------------------------------------------------- */

  $("day").textContent = today().split("-").reverse().join("/");
  build();
  form.elements.unit.addEventListener("change", build);
  form.addEventListener("submit", queue);
  $("flush").onclick = function () { delay = 5000; blocked = false; flush(); };
  window.addEventListener("online", function () { delay = 5000; flush(); });
  window.addEventListener("offline", render);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") flush();
  });
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.urls.sw, { scope: data.urls.page })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () {
        var urls = [].map.call(document.querySelectorAll("link[rel=stylesheet], script[src]"),
          function (e) { return e.href || e.src; }).filter(function (u) {
          return u.indexOf(location.origin + "/") === 0;
        });
        return caches.open(data.cache).then(function (cache) {
          return Promise.all(urls.map(function (u) {
            return cache.match(u).then(function (hit) { return hit || cache.add(u); });
          })).then(function () { return cache.match(data.urls.page, { ignoreSearch: true }); });
        });
      })
      .then(function (hit) {
        if (!hit) return;
        $("ready").hidden = false;
        document.documentElement.setAttribute("data-offline", "ready");
      }, function () {});
  }
  render();
  flush();
})();
