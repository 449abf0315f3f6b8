// Starts the app: imports wasm-bindgen's module and instantiates the wasm Trunk built, as Trunk's
// own inline loader would. It is a file of its own so the Content-Security-Policy can forbid inline
// script (`script-src 'self' 'wasm-unsafe-eval'`). The hashed paths come from the
// <meta name="edu-app"> that Trunk writes in place of its loader (Trunk.toml `pattern_script`);
// a module script has no document.currentScript, so they are looked up by selector.
const app = document.querySelector('meta[name="edu-app"]');
if (!app?.dataset.js || !app?.dataset.wasm) {
  throw new Error('index.html has no <meta name="edu-app" data-js data-wasm>: build it with trunk');
}
const { default: init } = await import(app.dataset.js);
const wasm = await init({ module_or_path: app.dataset.wasm });
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
