// flowkata's service worker: after the first load, a reload works without the network
// (workshop Wi-Fi fails). Network first, so a new build is picked up whenever the server
// is reachable; the cache (one per build: BUILD_VERSION is replaced by `cargo xtask`)
// answers when it is not. Only this origin's GET requests are handled.
const CACHE = "flowkata-BUILD_VERSION";
const BUNDLE = ["./", "./index.html", "./flowkata.js", "./flowkata_bg.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(BUNDLE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("flowkata-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
      })
      // Offline: the cached file; a level or drill link (?level=…) gets the cached page.
      .catch(() => caches.match(req, { ignoreSearch: true })),
  );
});
