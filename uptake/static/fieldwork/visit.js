/* The visit page, offline first: visits are kept on the phone (localStorage) and sent to
   POST /api/v1/visits when the network allows, each with the id made here, so that sending
   one twice never stores it twice. The outcome buttons save: no tap after the outcome. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("visit-data").textContent);
  var T = data.t;
  var KEY = "uptake.visits." + data.campaign + "." + data.user;
  var LAST = "uptake.visits.hamlet." + data.campaign;
  var KEEP_SENT = 30;
  var PHONE = /\+?\d(?:[\s.\-()]*\d){7,}/;
  /* People's names, as the server sees them (fieldwork/actions.py looks_like_a_name): a
     kinship word before a capitalised word ("nhà ông Ba", "chị Lan"), but not in a place's
     name ("12 Bà Triệu", "Cầu Ông Lãnh"); "Tên: ..."; a family name with no house number. */
  var KIN = ["ông", "bà", "anh", "chị", "cô", "chú", "bác", "cụ", "dì", "cậu", "mợ", "thím",
    "em", "mr", "mrs", "ms", "miss"];
  var HOME = ["nhà", "hộ", "đình", "gặp", "của", "cho", "với"];
  var SURNAMES = ["nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng",
    "bùi", "đỗ", "hồ", "ngô", "dương", "lý", "đinh", "trương", "lương", "lâm", "mai", "tạ",
    "cao", "châu"];
  function cap(w) { return !!w && w.charAt(0) !== w.charAt(0).toLowerCase(); }
  function isName(text) {
    if (/(^|[^\wÀ-ỹ])(họ và tên|họ tên|tên|name)\s*:/i.test(text)) return true;
    var words = text.split(/\s+/).map(function (w) {
      return w.replace(/^[.,;:()"']+|[.,;:()"']+$/g, "");
    }).filter(Boolean);
    for (var i = 0; i < words.length - 1; i++) {
      if (KIN.indexOf(words[i].toLowerCase()) < 0 || !cap(words[i + 1])) continue;
      var before = i ? words[i - 1] : "";
      var home = HOME.indexOf(before.toLowerCase()) >= 0;
      if (cap(words[i]) && !home && (cap(before) || /^\d/.test(before))) continue;
      return true;
    }
    return !/\d/.test(text) && words.length >= 2 &&
      SURNAMES.indexOf(words[0].toLowerCase()) >= 0 && words.slice(0, 3).every(cap);
  }
  var form = document.getElementById("visit-form");
  var sending = false, timer = null, delay = 5000, blocked = false;

  function $(id) { return document.getElementById(id); }
  function fmt(s, p) { return s.replace(/%\((\w+)\)s/g, function (m, k) { return p[k]; }); }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; }
  }
  function save(items) {
    var sent = items.filter(function (i) { return i.state === "sent"; });
    var drop = sent.length - KEEP_SENT;
    items = items.filter(function (i) { return i.state !== "sent" || drop-- <= 0; });
    localStorage.setItem(KEY, JSON.stringify(items));
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
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function say(text, bad) {
    var m = $("msg");
    if (!m) return;
    m.textContent = text;
    m.className = "msg" + (bad ? " bad" : " good");
  }

  /* --- the form ------------------------------------------------------------------------- */

  function count(name) {
    var n = parseInt(form.elements[name].value, 10);
    return isNaN(n) || n < 0 ? 0 : n;
  }

  function problem(v) {
    if (!v.hamlet) return [T.hamlet, "hamlet"];
    if (!v.household) return [T.household, "household"];
    if (PHONE.test(v.household) || v.household.indexOf("@") >= 0) return [T.phone, "household"];
    if (PHONE.test(v.note)) return [T.phone, "note"];
    if (isName(v.household)) return [T.name, "household"];
    if (isName(v.note)) return [T.name, "note"];
    if (v.already_had > v.smartphones) return [T.had, "already_had"];
    if (v.installed_now > v.smartphones - v.already_had) return [T.now, "installed_now"];
    if (v.outcome === "installed" && !v.installed_now) return [T.installed, "installed_now"];
    if (v.outcome === "already_had" && (!v.already_had || v.installed_now)) {
      return [T.already_had, "already_had"];
    }
    if (v.outcome === "refused" && (v.installed_now || v.smartphones <= v.already_had)) {
      return [T.refused, "smartphones"];
    }
    return null;
  }

  function record(outcome) {
    var empty = outcome === "no_smartphone" || outcome === "nobody_home";
    var v = {
      id: uuid(),
      campaign: data.campaign,
      hamlet: form.elements.hamlet.value,
      team: form.elements.team && form.elements.team.value ? +form.elements.team.value : null,
      household: form.elements.household.value.replace(/\s+/g, " ").trim(),
      visited_at: new Date().toISOString(),
      outcome: outcome,
      smartphones: empty ? 0 : count("smartphones"),
      already_had: empty ? 0 : count("already_had"),
      installed_now: empty ? 0 : count("installed_now"),
      note: form.elements.note.value.trim(),
      revisit_of: form.elements.revisit_of.value || null
    };
    var bad = problem(v);
    if (bad) {
      say(bad[0], true);
      if (form.elements[bad[1]]) form.elements[bad[1]].focus();
      return;
    }
    var items = load();
    items.push({ v: v, state: "waiting" });
    save(items);
    localStorage.setItem(LAST, v.hamlet);
    say(fmt(T.saved, { household: v.household }));
    form.elements.household.value = "";
    form.elements.note.value = "";
    ["smartphones", "already_had", "installed_now"].forEach(function (n) {
      form.elements[n].value = 0;
    });
    setRevisit(null);
    render();
    flush();
  }

  function setRevisit(due) {
    var box = $("revisit");
    form.elements.revisit_of.value = due ? due.id : "";
    box.hidden = !due;
    if (due) {
      box.firstChild.textContent = fmt(T.revisit, { household: due.household });
      form.elements.hamlet.value = due.hamlet;
      form.elements.household.value = due.household;
      window.scrollTo(0, 0);
    }
  }

  /* --- sending -------------------------------------------------------------------------- */

  function mark(id, state, error) {
    var items = load();
    items.forEach(function (i) {
      if (i.v.id === id) { i.state = state; i.error = error || ""; }
    });
    save(items);
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 60000);
  }

  function flush() {
    if (sending) return;
    var next = load().filter(function (i) { return i.state === "waiting"; })[0];
    render();
    if (!next) return;
    sending = true;
    fetch(data.urls.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(),
        "Idempotency-Key": next.v.id },
      body: JSON.stringify(next.v)
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        mark(next.v.id, "sent");
        delay = 5000;
        blocked = false;
        return "next";
      }
      // The server or its database is down (5xx, 503 with Retry-After), too busy (429) or
      // too slow (408): the visit stays waiting and is sent again later, never dropped.
      if (r.status >= 500 || r.status === 429 || r.status === 408) throw new Error(r.status);
      return r.json().catch(function () { return {}; }).then(function (body) {
        var errors = body.errors || [];
        var field = errors.length ? errors[0].field : "";
        if (r.status === 401 || field === "csrf") {
          blocked = true;  // the session is gone: keep the visits until the user logs in
          return "stop";
        }
        mark(next.v.id, "rejected", errors.map(function (e) { return e.message; }).join(" "));
        return "next";
      });
    }).then(function (what) {
      sending = false;
      if (what === "next") flush(); else render();
    }, function () {
      sending = false;
      render();
      later();
    });
  }

  /* --- what the page shows -------------------------------------------------------------- */

  function render() {
    var items = load();
    var waiting = items.filter(function (i) { return i.state === "waiting"; }).length;
    $("waiting").textContent = fmt(T.waiting, { n: waiting });
    $("waiting").className = "waiting" + (waiting ? " some" : "");
    $("send").hidden = !waiting;
    var net = $("net");
    net.textContent = blocked ? "" : navigator.onLine ? T.online : T.offline;
    net.className = "net" + (blocked || !navigator.onLine ? " off" : "");
    if (blocked) {
      // The session is gone: log in again (the visits stay on the phone meanwhile).
      var a = el("a", "", T.login);
      a.href = data.urls.login + "?next=" + encodeURIComponent(data.urls.page);
      net.appendChild(a);
    }
    if (!form) return;

    var recent = $("recent");
    recent.textContent = "";
    items.slice(-8).reverse().forEach(function (i) {
      var li = el("li", i.state);
      li.appendChild(el("span", "what", i.v.household + " · " + (data.outcomes[i.v.outcome] || "")));
      li.appendChild(el("span", "state", T[i.state === "waiting" ? "pending" : i.state]));
      if (i.state === "rejected") {
        li.appendChild(el("span", "why", i.error));
        var drop = el("button", "small", T.discard);
        drop.type = "button";
        drop.onclick = function () {
          save(load().filter(function (x) { return x.v.id !== i.v.id; }));
          render();
        };
        li.appendChild(drop);
      }
      recent.appendChild(li);
    });
    $("recent-section").hidden = !items.length;

    // Households to revisit: the server's list and this phone's own "nobody home".
    var due = {}, order = [];
    data.due.forEach(function (d) { due[d.id] = d; order.push(d.id); });
    items.forEach(function (i) {
      var v = i.v, first = v.revisit_of || v.id;
      if (v.outcome === "nobody_home" && !v.revisit_of && data.hamlets[v.hamlet]) {
        due[v.id] = { id: v.id, hamlet: v.hamlet, household: v.household,
          at: new Date(v.visited_at).toTimeString().slice(0, 5) };
        order.push(v.id);
      } else if (v.outcome !== "nobody_home") {
        delete due[first];
      }
    });
    var list = $("due");
    list.textContent = "";
    var here = form.elements.hamlet.value;
    order.forEach(function (id) {
      var d = due[id];
      if (!d || d.hamlet !== here) return;
      delete due[id];
      var li = el("li");
      li.appendChild(el("span", "what", d.household + " · " + d.at));
      var go = el("button", "small", "↻");
      go.type = "button";
      go.setAttribute("aria-label", fmt(T.revisit, { household: d.household }));
      go.onclick = function () { setRevisit(d); };
      li.appendChild(go);
      list.appendChild(li);
    });
    $("due-section").hidden = !list.children.length;
  }

  /* --- wiring --------------------------------------------------------------------------- */

  if (form) {
    var last = localStorage.getItem(LAST);
    if (last && data.hamlets[last]) form.elements.hamlet.value = last;
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    form.addEventListener("keydown", function (ev) {
      // Enter in a box would "click" the first outcome: it only closes the keyboard.
      if (ev.key === "Enter" && ev.target.tagName === "INPUT") {
        ev.preventDefault();
        ev.target.blur();
      }
    });
    form.addEventListener("click", function (ev) {
      var b = ev.target.closest("button");
      if (!b) return;
      if (b.name === "outcome") {
        ev.preventDefault();
        record(b.value);
      } else if (b.classList.contains("step")) {
        var input = $(b.getAttribute("data-for"));
        input.value = Math.max(0, (parseInt(input.value, 10) || 0) + +b.getAttribute("data-step"));
      }
    });
    form.elements.hamlet.addEventListener("change", render);
    $("revisit-cancel").onclick = function () {
      setRevisit(null);
      form.elements.household.value = "";
    };
  }
  $("send").onclick = function () { delay = 5000; blocked = false; flush(); };
  window.addEventListener("online", function () { delay = 5000; flush(); });
  window.addEventListener("offline", render);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") flush();
  });

  // Opens with no network: the service worker (the manifest is linked in the page's head).
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.urls.sw, { scope: data.urls.page })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () {
        // Whatever else the page loads (the site's header styles, ...) is kept as well.
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
  flush();
})();
