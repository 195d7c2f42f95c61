/* The service worker of a page that works with no network (uptake/lib/offline.py): the visit
   page (#4) and the offline daily form (#16), each in its own folder, which is its scope. It
   keeps the page and its files so that the page opens with no network at all. The page is
   asked from the network first (fresh figures), and from the cache when there is none or it
   is too slow; the files are versioned and come from the cache only. What the page stores
   (visits, reports) is not its business: the page keeps it (IndexedDB) and sends it itself.
   Version {{ version }}. */
"use strict";
var CACHE = "{{ cache }}";
var PREFIX = "{{ prefix }}";
var PAGE = "{{ page }}";
var KEEP = {{ keep_json|safe }};
var STATIC = "{{ static_prefix }}";
var SLOW = 4000;  // ms: past this, a weak network loses to the kept page

// Never keep a log-in page or an error in place of the page.
function keepPage(cache, response) {
  if (response.ok && !response.redirected) return cache.put(PAGE, response.clone());
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(KEEP).then(function () {
      return fetch(PAGE, { credentials: "same-origin" }).then(function (r) {
        return keepPage(cache, r);
      }, function () {});
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf(PREFIX) === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function page(request) {
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (r) {
      if (r.status >= 500) throw new Error(r.status);  // a server in trouble: the kept page
      keepPage(cache, r);
      return r;
    });
    var slow = new Promise(function (resolve) { setTimeout(resolve, SLOW); });
    var fallback = function () {
      return cache.match(PAGE).then(function (hit) { return hit || network; });
    };
    return Promise.race([network, slow.then(fallback)]).catch(fallback);
  });
}

function kept(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || fetch(request).then(function (r) {
        if (r.ok) cache.put(request, r.clone());
        return r;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE && request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf(STATIC) === 0 || KEEP.indexOf(url.pathname) >= 0) {
    event.respondWith(kept(request));
  }
});
