{% autoescape off %}/* Saram: the service worker of the member's visit pages (scope: the visit pages).
 * It caches only the app shell and the libraries; the people of a round live in IndexedDB, put
 * there by the page, expiring and cleared on logout. */
importScripts("{{ workbox }}");
workbox.setConfig({ modulePathPrefix: "{{ workbox_dir }}", debug: false });

var SHELL_CACHE = "saram-offline-shell-v1";
var SHELL = "{{ shell }}";
var ASSETS = [{% for a in assets %}"{{ a }}", {% endfor %}SHELL];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(ASSETS); })
      .then(function () { return self.skipWaiting(); })
  );
});
self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// A visit page that cannot be reached (no signal) opens the app shell, which shows the same
// visit from the phone's store. Online, the real page is always used.
workbox.routing.registerRoute(
  function (ctx) { return ctx.request.mode === "navigate"; },
  new workbox.strategies.NetworkOnly({
    plugins: [{
      handlerDidError: function () {
        return caches.open(SHELL_CACHE).then(function (cache) { return cache.match(SHELL); });
      },
    }],
  })
);
// The shell's own files: from the cache first, refreshed in the background.
workbox.routing.registerRoute(
  function (ctx) { return ASSETS.indexOf(ctx.url.pathname) !== -1; },
  new workbox.strategies.StaleWhileRevalidate({ cacheName: SHELL_CACHE })
);
{% endautoescape %}
