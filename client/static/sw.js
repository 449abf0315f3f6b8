// EduPlatform service worker: keeps the app shell usable offline. It caches nothing from /api/ or
// /media/: offline course data (outlines, lessons, their images) is the app's own, in IndexedDB
// (client/src/store/offline.rs), kept only for the courses a learner downloads.
//
// - The shell ("/" plus every asset it references, and the manifest's icons) is precached on
//   install and refreshed whenever a navigation fetches a new index.html.
// - Navigations: network first, falling back to the cached "/" so every SPA route opens offline.
// - Same-origin static assets (Trunk hashes their names): cache first.
// - /api/ and /media/ requests go straight to the network, never stored (private or live data;
//   images of downloaded courses are in IndexedDB).
// Bump VERSION to drop every cache made by an older worker; caches named edu-* that this worker
// does not use (the edu-api-v1 catalog cache of earlier workers) are deleted on activation.

const VERSION = "v1";
const SHELL_CACHE = `edu-shell-${VERSION}`;
const CACHES = [SHELL_CACHE];

// Same-origin asset paths in a document: attribute values, quoted or not, as the minifier leaves
// them. That covers the boot script (src), Trunk's preload links and the module and wasm paths on
// <meta name="edu-app"> (data-js, data-wasm); the page has no inline script to search.
const ASSET_PATTERN = /["'=](\/[^"'\s>?#]*\.(?:js|wasm|css|webmanifest|png|svg|ico))(?=["'\s>])/g;

function assetUrls(html) {
  const urls = new Set();
  for (const match of html.matchAll(ASSET_PATTERN)) {
    if (!match[1].startsWith("//") && match[1] !== "/sw.js") urls.add(match[1]);
  }
  return [...urls];
}

// Icons only the manifest names (the install prompt wants them too).
async function manifestIcons(urls) {
  const manifest = urls.find((url) => url.endsWith(".webmanifest"));
  if (!manifest) return [];
  try {
    const json = await (await fetch(manifest)).json();
    return (json.icons || []).map((icon) => new URL(icon.src, self.location).pathname);
  } catch {
    return [];
  }
}

// Stores index.html as "/" and makes the shell cache hold exactly the assets it references.
async function cacheShell(indexResponse) {
  const cache = await caches.open(SHELL_CACHE);
  const html = await indexResponse.clone().text();
  await cache.put("/", indexResponse);
  const urls = assetUrls(html);
  const wanted = new Set(["/", ...urls, ...(await manifestIcons(urls))]);
  const cached = new Set((await cache.keys()).map((req) => new URL(req.url).pathname));
  await Promise.all([
    cache.addAll([...wanted].filter((url) => !cached.has(url))),
    ...[...cached].filter((url) => !wanted.has(url)).map((url) => cache.delete(url)),
  ]);
}

self.addEventListener("install", (event) => {
  const shell = fetch("/", { cache: "no-cache" }).then((response) => {
    if (!response.ok) throw new Error(`index.html: HTTP ${response.status}`);
    return cacheShell(response);
  });
  event.waitUntil(shell.then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith("edu-") && !CACHES.includes(name)).map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    event.respondWith(navigation(event));
  } else if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/media/")) {
    // Private or live data, or course images: straight to the network, never stored.
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function navigation(event) {
  try {
    const response = await fetch(event.request);
    const isShell = response.ok && (response.headers.get("content-type") || "").includes("text/html");
    // Every route serves the same index.html (SPA fallback): a fresh one refreshes the shell.
    if (isShell) event.waitUntil(cacheShell(response.clone()).catch(() => {}));
    return response;
  } catch (error) {
    const cached = await caches.match("/", { cacheName: SHELL_CACHE });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  return fetch(request);
}
