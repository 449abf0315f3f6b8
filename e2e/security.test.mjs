// The app under its own security headers: it loads with no Content-Security-Policy violation, an
// injected inline script does not run, and the headers are on pages and API answers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, startServer } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

/** A page that records CSP violations (from the first byte: an init script runs before any of the page's) and console errors. */
async function watchedPage(context) {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  return { page, consoleErrors, violations: () => page.evaluate(() => window.__cspViolations) };
}

test("the app runs under its CSP with no violation, and an injected inline script does not run", async () => {
  const context = await browser.newContext();
  const { page, consoleErrors, violations } = await watchedPage(context);
  const response = await page.goto(server.url);
  const headers = response.headers();
  assert.match(headers["content-security-policy"] ?? "", /script-src 'self' 'wasm-unsafe-eval';/);
  assert.match(headers["content-security-policy"], /frame-ancestors 'none'/);
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.equal(headers["referrer-policy"], "no-referrer");
  assert.equal(headers["strict-transport-security"], undefined, "plain http: no HSTS");

  await page.getByTestId("course-card").first().waitFor();
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
  assert.equal(
    await page.evaluate(() => [...document.scripts].filter((script) => !script.src).length),
    0,
    "index.html has no inline script",
  );
  assert.deepEqual(await violations(), [], "no CSP violation while the app loads");
  // The app asks /api/me while signed out; that 401 is the only error the console may show.
  const unexpected = consoleErrors.filter((text) => !/status of 401 \(Unauthorized\)/.test(text));
  assert.deepEqual(unexpected, [], "no other console error (a blocked script would show here)");

  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__pwned = 1";
    document.body.append(script);
  });
  await page.waitForFunction(() => window.__cspViolations.length > 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "the inline script did not run");
  assert.match((await violations()).join("\n"), /script-src-elem inline/);
  await context.close();
});

test("API answers with personal data are never stored", async () => {
  const context = await browser.newContext();
  const me = await context.request.get(`${server.url}/api/me`, { failOnStatusCode: false });
  assert.equal(me.status(), 401);
  assert.equal(me.headers()["cache-control"], "no-store");
  assert.equal(me.headers()["x-content-type-options"], "nosniff");
  const catalog = await context.request.get(`${server.url}/api/courses`);
  assert.equal(catalog.headers()["cache-control"], "no-cache", "the public catalog may be revalidated");
  await context.close();
});
